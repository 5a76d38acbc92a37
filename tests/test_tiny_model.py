"""The tiny checkpoints: real Hub layout, loadable by the Auto classes, short non-empty deterministic output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bilingual.testing.tiny_model import sample_lines

MARIAN_FILES = {
    "config.json",
    "generation_config.json",
    "source.spm",
    "target.spm",
    "vocab.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "model.safetensors",
}
M2M100_FILES = {
    "config.json",
    "generation_config.json",
    "sentencepiece.bpe.model",
    "vocab.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "model.safetensors",
}
NLLB_FILES = {
    "config.json",
    "generation_config.json",
    "sentencepiece.bpe.model",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "model.safetensors",
}


@pytest.mark.parametrize(
    ("fixture", "files", "tokenizer_class", "model_class"),
    [
        ("tiny_marian_ko_en", MARIAN_FILES, "MarianTokenizer", "MarianMTModel"),
        ("tiny_marian_en_ko", MARIAN_FILES, "MarianTokenizer", "MarianMTModel"),
        ("tiny_m2m100", M2M100_FILES, "M2M100Tokenizer", "M2M100ForConditionalGeneration"),
        ("tiny_nllb", NLLB_FILES, "NllbTokenizer", "M2M100ForConditionalGeneration"),
    ],
)
def test_layout_and_auto_loading(request, fixture, files, tokenizer_class, model_class):
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    folder: Path = request.getfixturevalue(fixture)
    assert {p.name for p in folder.iterdir()} == files
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder)
    assert type(tokenizer).__name__ == tokenizer_class
    assert type(model).__name__ == model_class
    assert model.config.d_model == 16
    assert not list(folder.glob("*.bin"))  # safetensors only


def test_marian_vocab_follows_opus_mt_conventions(tiny_marian_ko_en):
    vocab = json.loads((tiny_marian_ko_en / "vocab.json").read_text(encoding="utf-8"))
    config = json.loads((tiny_marian_ko_en / "config.json").read_text())
    assert vocab["</s>"] == 0 and vocab["<unk>"] == 1
    assert vocab["<pad>"] == len(vocab) - 1 == config["pad_token_id"] == config["decoder_start_token_id"]
    assert config["vocab_size"] == len(vocab)
    # pieces trained on real text of both languages
    assert "▁the" in vocab and any("\uac00" <= ch <= "\ud7a3" for piece in vocab for ch in piece)


@pytest.mark.parametrize(
    ("fixture", "source_lang", "target_lang"),
    [("tiny_marian_ko_en", "ko", "en"), ("tiny_marian_en_ko", "en", "ko"), ("tiny_m2m100", "ko", "en"), ("tiny_m2m100", "en", "ko")],
)
@pytest.mark.parametrize("beams", [1, 4])
def test_output_is_short_nonempty_and_deterministic(request, fixture, source_lang, target_lang, beams):
    from bilingual.engines import GenerationOptions, load_engine

    engine = load_engine(str(request.getfixturevalue(fixture)), source_lang=source_lang, target_lang=target_lang)
    lines = sample_lines(source_lang)[200:216]
    options = GenerationOptions(beams=beams, max_length=64)
    first = engine.translate_texts(lines, options)
    assert all(first), first
    assert max(len(o) for o in first) < 200
    assert engine.translate_texts(lines, options) == first  # deterministic
    assert len(set(first)) > 1  # output depends on the input


def test_shell_entry_point_builds_a_loadable_model(tmp_path):
    out = tmp_path / "m"
    done = subprocess.run(
        [sys.executable, "-m", "bilingual.testing.tiny_model", str(out), "--arch", "m2m100"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert {p.name for p in out.iterdir()} == M2M100_FILES


def test_sample_text_is_shipped_with_its_licence():
    from importlib import resources

    data = resources.files("bilingual.testing").joinpath("data")
    assert len(sample_lines("ko")) == len(sample_lines("en")) == 300
    assert "CC BY-SA 4.0" in data.joinpath("README.md").read_text(encoding="utf-8")
    assert data.joinpath("LICENSE-CC-BY-SA-4.0.md").is_file()
