"""Finding models: local folders, the Hugging Face cache, unreachable Hub ids, licences."""

from __future__ import annotations

import re

import shutil
import warnings
from pathlib import Path

import pytest

from bilingual.errors import ModelUnavailableError
from bilingual.models.registry import (
    DEFAULT_MODELS,
    KNOWN_MODELS,
    LicenceWarning,
    cached_snapshot,
    default_model,
    is_local,
    licence_warning,
    list_models,
    locate,
    warn_licence_once,
)


def fake_cache(cache: Path, repo: str, revision: str, source: Path, *, ref: str | None = "main") -> Path:
    """Lay ``source``'s files out as the Hugging Face cache does for ``repo`` at ``revision``."""
    root = cache / ("models--" + repo.replace("/", "--"))
    snapshot = root / "snapshots" / revision
    shutil.copytree(source, snapshot)
    if ref:
        (root / "refs").mkdir(parents=True)
        (root / "refs" / ref).write_text(revision)
    return snapshot


def test_defaults_are_pinned_known_models():
    assert default_model("ko", "en") == "Helsinki-NLP/opus-mt-tc-big-ko-en"
    assert default_model("en", "ko") == "Helsinki-NLP/opus-mt-tc-big-en-ko"
    assert set(DEFAULT_MODELS.values()) <= set(KNOWN_MODELS)
    for repo, known in KNOWN_MODELS.items():  # every known model, not only the defaults
        assert known.revision and re.fullmatch("[0-9a-f]{40}", known.revision), repo


@pytest.mark.parametrize(
    ("name", "local"),
    [("Helsinki-NLP/opus-mt-tc-big-ko-en", False), ("t5-small", False), ("./models/x", True), ("/abs/x", True), ("a/b/c", True), ("~/m", True)],
)
def test_is_local(name, local):
    assert is_local(name) is local


def test_local_folder(tiny_marian_ko_en, tmp_path):
    assert locate(str(tiny_marian_ko_en)).path == tiny_marian_ko_en
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        locate(str(tmp_path / "missing"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(ModelUnavailableError, match="not a model folder"):
        locate(str(tmp_path / "file"))
    with pytest.raises(ModelUnavailableError, match="no config.json"):
        locate(str(tmp_path))


def test_cached_hub_model_is_found_without_network(tiny_marian_ko_en, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    repo = "Helsinki-NLP/opus-mt-tc-big-ko-en"
    pinned = KNOWN_MODELS[repo].revision
    snapshot = fake_cache(tmp_path, repo, pinned, tiny_marian_ko_en, ref=None)
    located = locate(repo, cache_dir=tmp_path)
    assert located.path == snapshot and located.revision == pinned and located.known is KNOWN_MODELS[repo]
    # another revision is not in the cache
    with pytest.raises(ModelUnavailableError, match=repo):
        locate(repo, revision="0" * 40, cache_dir=tmp_path)
    [row] = [r for r in list_models(cache_dir=tmp_path) if r.repo == repo]
    assert row.cached == snapshot and row.default_for == "ko->en"


def test_cached_model_translates_through_the_engine(tiny_marian_ko_en, tmp_path, monkeypatch):
    import huggingface_hub.constants

    from bilingual.engines import GenerationOptions, load_engine

    repo = "Helsinki-NLP/opus-mt-tc-big-ko-en"
    fake_cache(tmp_path, repo, KNOWN_MODELS[repo].revision, tiny_marian_ko_en)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    engine = load_engine(repo, source_lang="ko", target_lang="en")
    assert engine.model_id == repo
    assert engine.translate_texts(["서울에 비가 온다."], GenerationOptions(beams=1))[0]


def test_cache_entry_without_weights_does_not_count(tiny_marian_ko_en, tmp_path):
    snapshot = fake_cache(tmp_path, "someone/model", "a" * 40, tiny_marian_ko_en)
    (snapshot / "model.safetensors").unlink()
    assert cached_snapshot("someone/model", cache_dir=tmp_path) is None


@pytest.mark.parametrize(
    ("env", "reason"),
    [({"HF_HUB_OFFLINE": "1"}, "HF_HUB_OFFLINE"), ({"HF_HUB_OFFLINE": "0"}, "cannot be downloaded")],
)
def test_unreachable_model_is_one_line_naming_it(tmp_path, monkeypatch, env, reason):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(ModelUnavailableError) as caught:
        locate("no-such-owner/no-such-model", cache_dir=tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "no-such-owner/no-such-model" in message
    assert reason in message and "--model /path/to/folder" in message


@pytest.mark.parametrize(
    ("name", "config", "warns"),
    [
        ("facebook/nllb-200-distilled-600M", None, True),
        ("someone/nllb-200-finetuned", None, True),
        ("/models/my-folder", {"tokenizer_class": "NllbTokenizerFast"}, True),
        ("Helsinki-NLP/opus-mt-tc-big-ko-en", None, False),
        ("facebook/m2m100_418M", None, False),
    ],
)
def test_non_commercial_licence_warning(name, config, warns):
    message = licence_warning(name, config=config)
    assert (message is not None) is warns
    if warns:
        assert "non-commercial" in message and name in message


def test_licence_warning_is_emitted_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_licence_once("test/nllb-once")
        warn_licence_once("test/nllb-once")
    assert [w.category for w in caught] == [LicenceWarning]


def test_tiny_nllb_uses_flores_language_codes(tiny_nllb):
    from bilingual.engines import GenerationOptions, load_engine

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ko_en = load_engine(str(tiny_nllb), source_lang="ko", target_lang="en")
        en_ko = load_engine(str(tiny_nllb), source_lang="en", target_lang="ko")
    assert sum(issubclass(w.category, LicenceWarning) for w in caught) == 1  # warned once
    assert ko_en.arch == "nllb" and ko_en.tokenizer.src_lang == "kor_Hang"
    assert ko_en.tokenizer.convert_ids_to_tokens(ko_en.forced_bos_token_id) == "eng_Latn"
    assert en_ko.tokenizer.src_lang == "eng_Latn"
    assert en_ko.tokenizer.convert_ids_to_tokens(en_ko.forced_bos_token_id) == "kor_Hang"
    first = ko_en.tokenizer("서울", add_special_tokens=True)["input_ids"][0]
    assert ko_en.tokenizer.convert_ids_to_tokens(first) == "kor_Hang"
    outputs = ko_en.translate_texts(["서울에 비가 온다.", "경제가 좋다."], GenerationOptions(beams=2))
    assert all(outputs) and not any("eng_Latn" in o for o in outputs)
