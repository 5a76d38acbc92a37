"""bilingual.engines.ctranslate2.convert: CTranslate2 folders from transformers checkpoints, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bilingual.engines.ctranslate2.convert import convert
from bilingual.errors import ConversionError
from bilingual.errors import InputError, ModelUnavailableError


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".partial-" in p.name or ".old-" in p.name)


@pytest.mark.parametrize(
    ("fixture", "quantization", "files", "architecture"),
    [
        ("tiny_marian_ko_en", "int8", {"source.spm", "target.spm", "vocab.json"}, "marian"),
        ("tiny_marian_en_ko", "float32", {"source.spm", "target.spm", "vocab.json"}, "marian"),
        ("tiny_m2m100", "int8_float32", {"sentencepiece.bpe.model", "vocab.json"}, "m2m100"),
    ],
)
def test_convert_writes_a_complete_folder(request, tmp_path, fixture, quantization, files, architecture):
    source = request.getfixturevalue(fixture)
    out = convert(source, tmp_path / "model", quantization)
    names = {p.name for p in out.iterdir()}
    assert {"model.bin", "config.json", "shared_vocabulary.json", "bilingual.json"} | files <= names
    meta = json.loads((out / "bilingual.json").read_text(encoding="utf-8"))
    assert meta["architecture"] == architecture and meta["quantization"] == quantization
    assert meta["model_bin_bytes"] == (out / "model.bin").stat().st_size
    for name in files:  # the tokenizer files are the checkpoint's own, byte for byte
        assert (out / name).read_bytes() == (Path(source) / name).read_bytes()
    assert _leftovers(tmp_path) == []


def test_int8_is_smaller_than_float32(tiny_marian_ko_en, tmp_path):
    int8 = convert(tiny_marian_ko_en, tmp_path / "int8", "int8")
    f32 = convert(tiny_marian_ko_en, tmp_path / "f32", "float32")
    assert (int8 / "model.bin").stat().st_size < (f32 / "model.bin").stat().st_size


def test_existing_output_needs_force_and_is_replaced_whole(tiny_marian_ko_en, tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep-me.txt").write_text("old", encoding="utf-8")
    with pytest.raises(InputError, match="not empty"):
        convert(tiny_marian_ko_en, out, "int8")
    assert (out / "keep-me.txt").is_file()
    convert(tiny_marian_ko_en, out, "int8", force=True)
    assert not (out / "keep-me.txt").exists() and (out / "model.bin").is_file()
    assert _leftovers(tmp_path) == []


def test_interrupted_conversion_leaves_nothing_that_looks_like_a_model(tiny_marian_ko_en, tmp_path, monkeypatch):
    import ctranslate2

    real = ctranslate2.converters.TransformersConverter.convert

    def killed(self, output_dir, *args, **kwargs):
        real(self, output_dir, *args, **kwargs)  # model.bin is fully written ...
        raise KeyboardInterrupt  # ... then the user presses Ctrl-C before the tokenizer files are in

    monkeypatch.setattr(ctranslate2.converters.TransformersConverter, "convert", killed)
    out = tmp_path / "model"
    with pytest.raises(KeyboardInterrupt):
        convert(tiny_marian_ko_en, out, "int8")
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == []


def test_interrupted_reconversion_keeps_the_old_model(tiny_marian_ko_en, tmp_path, monkeypatch):
    import ctranslate2

    out = convert(tiny_marian_ko_en, tmp_path / "model", "int8")
    before = (out / "model.bin").read_bytes()

    def failing(self, output_dir, *args, **kwargs):
        Path(output_dir, "model.bin").write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(ctranslate2.converters.TransformersConverter, "convert", failing)
    with pytest.raises(ConversionError, match="disk full"):
        convert(tiny_marian_ko_en, out, "float32", force=True)
    assert (out / "model.bin").read_bytes() == before
    assert _leftovers(tmp_path) == []


def _bad_checkpoint(tmp_path: Path, kind: str) -> Path:
    folder = tmp_path / "ckpt"
    folder.mkdir()
    if kind == "bert":
        (folder / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
        (folder / "model.safetensors").write_bytes(b"x")
    elif kind == "no weights":
        (folder / "config.json").write_text(json.dumps({"model_type": "marian"}), encoding="utf-8")
    elif kind == "broken config":
        (folder / "config.json").write_text("{", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("kind", "error", "match"),
    [
        ("empty folder", InputError, "no config.json"),
        ("bert", ConversionError, "model type 'bert'"),
        ("no weights", InputError, "no weights"),
        ("broken config", InputError, "cannot read"),
    ],
)
def test_unusable_checkpoints_are_one_line_errors(tmp_path, kind, error, match):
    folder = _bad_checkpoint(tmp_path, kind)
    with pytest.raises(error, match=match) as caught:
        convert(folder, tmp_path / "out", "int8")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("src", "quantization", "error", "match"),
    [
        ("Helsinki-NLP/opus-mt-xx-yy-not-cached", "int8", ModelUnavailableError, "--model /path/to/folder"),
        ("{tiny}", "int4", InputError, "unknown quantization"),
    ],
)
def test_bad_arguments(tiny_marian_ko_en, tmp_path, monkeypatch, src, quantization, error, match):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(error, match=match):
        convert(src.format(tiny=tiny_marian_ko_en), tmp_path / "out", quantization)
