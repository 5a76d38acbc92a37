"""CTranslate2 engine on converted tiny models: same tokens as transformers, clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bilingual.engines import GenerationOptions, detect_engine, load_engine
from bilingual.errors import EngineError, InputError, ModelUnavailableError
from bilingual.testing.tiny_model import sample_lines

TRICKY = [
    "",
    "   ",
    "서울에 비가 온다.",
    "한국어 English 123 섞인 문장, \"따옴표\"와 (괄호).",
    "😀 이모지와 漢字 그리고 ＦＵＬＬ-width",
    "줄\n바꿈과\t탭",
    "  앞뒤 공백  ",
    "ㄱㄴㄷ ㅏㅑ 자모만",
]


def _without_length_decay(folder: Path, out: Path) -> Path:
    """A copy of a tiny checkpoint without ``exponential_decay_length_penalty``.

    The tiny models use that transformers-only logits processor to end outputs
    early; CTranslate2 has no equivalent, so token-for-token comparisons use a copy
    without it (the weights, and so the greedy choices, are the same).
    """
    shutil.copytree(folder, out)
    config_file = out / "generation_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config.pop("exponential_decay_length_penalty", None)
    config_file.write_text(json.dumps(config), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory, tiny_marian_ko_en, tiny_marian_en_ko, tiny_m2m100, tiny_nllb) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("no-decay")
    return {
        "marian-ko-en": _without_length_decay(tiny_marian_ko_en, base / "marian-ko-en"),
        "marian-en-ko": _without_length_decay(tiny_marian_en_ko, base / "marian-en-ko"),
        "m2m100": _without_length_decay(tiny_m2m100, base / "m2m100"),
        "nllb": _without_length_decay(tiny_nllb, base / "nllb"),
    }


@pytest.fixture(scope="module")
def converted(tmp_path_factory, checkpoints) -> dict[str, Path]:
    from bilingual.engines.ctranslate2.convert import convert

    base = tmp_path_factory.mktemp("ct2")
    folders = {name: convert(folder, base / name, "float32") for name, folder in checkpoints.items()}
    folders["marian-ko-en-int8"] = convert(checkpoints["marian-ko-en"], base / "marian-ko-en-int8", "int8")
    return folders


def _hf_tokenizer(folder: Path, source_lang: str, target_lang: str):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    if hasattr(tokenizer, "lang_code_to_id"):  # M2M100
        tokenizer.src_lang, tokenizer.tgt_lang = source_lang, target_lang
    elif "Nllb" in type(tokenizer).__name__:
        codes = {"ko": "kor_Hang", "en": "eng_Latn"}
        tokenizer.src_lang, tokenizer.tgt_lang = codes[source_lang], codes[target_lang]
    return tokenizer


@pytest.mark.parametrize(
    ("model", "source_lang", "target_lang"),
    [
        ("marian-ko-en", "ko", "en"),
        ("marian-en-ko", "en", "ko"),
        ("m2m100", "ko", "en"),
        ("m2m100", "en", "ko"),
        ("nllb", "ko", "en"),
        ("nllb", "en", "ko"),
    ],
)
def test_source_tokens_and_ids_match_the_transformers_tokenizer(converted, checkpoints, model, source_lang, target_lang):
    engine = load_engine(str(converted[model]), source_lang=source_lang, target_lang=target_lang)
    tokenizer = _hf_tokenizer(checkpoints[model], source_lang, target_lang)
    vocabulary = {token: i for i, token in enumerate(engine.layout.vocabulary)}
    texts = sample_lines(source_lang)[:40] + TRICKY
    for text in texts:
        ids = tokenizer(text)["input_ids"]
        tokens = engine.tokenize(text)
        assert tokens == tokenizer.convert_ids_to_tokens(ids), text
        assert [vocabulary[t] for t in tokens] == ids, text
    assert engine.count_tokens(texts) == [len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts]


@pytest.mark.parametrize(
    ("model", "target_lang"), [("marian-ko-en", "en"), ("marian-en-ko", "ko"), ("m2m100", "en"), ("nllb", "en"), ("nllb", "ko")]
)
def test_target_tokens_decode_like_the_transformers_tokenizer(converted, checkpoints, model, target_lang):
    source_lang = "ko" if target_lang == "en" else "en"
    engine = load_engine(str(converted[model]), source_lang=source_lang, target_lang=target_lang)
    tokenizer = _hf_tokenizer(checkpoints[model], source_lang, target_lang)
    for text in sample_lines(target_lang)[:40]:
        ids = tokenizer(text_target=text)["input_ids"]
        tokens = tokenizer.convert_ids_to_tokens(ids)
        # transformers 5 keeps M2M100 language tokens in decoded text; engines drop them first
        ids = [i for i, t in zip(ids, tokens) if t != f"__{target_lang}__"]
        expected = " ".join(tokenizer.decode(ids, skip_special_tokens=True).split())
        assert engine.detokenize(tokens) == expected


def _hf_greedy_tokens(folder: Path, texts: list[str], max_new_tokens: int, target_lang: str | None = None):
    import torch
    from transformers import AutoModelForSeq2SeqLM

    tokenizer = _hf_tokenizer(folder, "ko" if target_lang == "en" else "en", target_lang) if target_lang else None
    tokenizer = tokenizer or _hf_tokenizer(folder, "ko", "en")
    model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
    kwargs = {}
    if target_lang is not None:
        kwargs["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids(f"__{target_lang}__")
        kwargs["min_new_tokens"] = max_new_tokens + 1  # the tiny M2M100 stops at once otherwise
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        rows = model.generate(**batch, num_beams=1, do_sample=False, max_new_tokens=max_new_tokens + 1, **kwargs)
    special = {tokenizer.pad_token_id, tokenizer.eos_token_id, kwargs.get("forced_bos_token_id")}
    return [tokenizer.convert_ids_to_tokens([i for i in row.tolist() if i not in special]) for row in rows]


@pytest.mark.parametrize("max_length", [8, 60])
def test_greedy_float32_gives_the_same_tokens_as_transformers(converted, checkpoints, max_length):
    texts = sample_lines("ko")[:24]
    engine = load_engine(str(converted["marian-ko-en"]), source_lang="ko", target_lang="en", compute_type="float32")
    ours = engine.translate_tokens(texts, GenerationOptions(beams=1, max_length=max_length))
    theirs = _hf_greedy_tokens(checkpoints["marian-ko-en"], texts, max_length)
    # transformers spends the last position on the forced </s> of the tiny model's config
    assert ours == [t[: max_length - 1] for t in theirs]
    assert any(len(t) > 1 for t in ours)


def test_greedy_float32_m2m100_gives_the_same_tokens_as_transformers(converted, checkpoints):
    texts = sample_lines("ko")[:12]
    engine = load_engine(str(converted["m2m100"]), source_lang="ko", target_lang="en", compute_type="float32")
    ours = engine.translate_tokens(texts, GenerationOptions(beams=1, min_length=10, max_length=10))
    assert ours == _hf_greedy_tokens(checkpoints["m2m100"], texts, 10, target_lang="en")
    assert all(len(t) == 10 for t in ours)


@pytest.mark.parametrize(
    ("model", "source_lang", "target_lang", "beams"),
    [
        ("marian-ko-en", "ko", "en", 1),
        ("marian-en-ko", "en", "ko", 1),
        ("marian-ko-en", "ko", "en", 2),
        ("m2m100", "en", "ko", 1),
        ("nllb", "ko", "en", 1),
    ],
)
def test_engines_agree_through_the_engine_protocol(converted, checkpoints, model, source_lang, target_lang, beams):
    texts = sample_lines(source_lang)[40:64]
    # the multilingual tiny models rarely stop by themselves: a fixed length keeps the check short
    minimum = 0 if model.startswith("marian") else 12
    options = GenerationOptions(beams=beams, min_length=minimum, max_length=24 if not minimum else minimum)
    ct2 = load_engine(str(converted[model]), source_lang=source_lang, target_lang=target_lang, compute_type="float32")
    hf = load_engine(str(checkpoints[model]), source_lang=source_lang, target_lang=target_lang, engine="transformers")
    assert ct2.name == "ctranslate2" and hf.name == "transformers"
    assert ct2.max_input_tokens() == hf.max_input_tokens()
    assert ct2.translate_texts(texts, options) == hf.translate_texts(texts, options)


def test_min_length_forces_output_from_a_model_that_stops_at_once(tmp_path):
    from bilingual.engines.ctranslate2.convert import convert
    from bilingual.testing.tiny_model import build_marian

    mute = build_marian(tmp_path / "mute", eos_bias=50.0, length_decay=None)
    engine = load_engine(str(convert(mute, tmp_path / "mute-ct2", "int8")), source_lang="ko", target_lang="en")
    texts = ["서울에 비가 온다.", "가"]
    assert engine.translate_texts(texts, GenerationOptions(beams=1)) == ["", ""]
    for beams in (1, 3):
        forced = engine.translate_tokens(texts, GenerationOptions(beams=beams, min_length=5, max_length=7))
        assert all(5 <= len(tokens) <= 7 for tokens in forced)


@pytest.mark.parametrize(("model", "source_lang"), [("marian-ko-en", "ko"), ("m2m100", "ko"), ("m2m100", "en")])
def test_equal_min_and_max_length_give_exactly_that_many_tokens(converted, model, source_lang):
    engine = load_engine(str(converted[model]), source_lang=source_lang, target_lang="en" if source_lang == "ko" else "ko")
    texts = sample_lines(source_lang)[:5]
    # a model whose generation config forces </s> at max length spends that position on it, as in transformers
    spent = 1 if engine.layout.forced_eos else 0
    for length in (6, 17):
        for beams in (1, 4):
            out = engine.translate_tokens(texts, GenerationOptions(beams=beams, min_length=length, max_length=length))
            assert [len(t) for t in out] == [length - spent] * len(texts)


@pytest.mark.parametrize("compute_type", ["int8", "int8_float32", "float32", None])
def test_compute_types_translate(converted, compute_type):
    engine = load_engine(str(converted["marian-ko-en-int8"]), source_lang="ko", target_lang="en", compute_type=compute_type)
    texts = sample_lines("ko")[:6]
    outputs = engine.translate_texts(texts, GenerationOptions(beams=2, max_length=12))
    assert len(outputs) == len(texts) and all(isinstance(o, str) for o in outputs)
    assert engine.compute_type == (compute_type or "default")


def test_threads_default_to_the_machines_cores(converted):
    from bilingual.engines.ctranslate2.engine import default_threads

    assert load_engine(str(converted["marian-ko-en"]), source_lang="ko", target_lang="en").threads == default_threads()
    assert load_engine(str(converted["marian-ko-en"]), source_lang="ko", target_lang="en", threads=1).threads == 1


def test_workers_engine_option(converted):
    engine = load_engine(
        str(converted["marian-ko-en"]), source_lang="ko", target_lang="en", threads=2, engine_options={"workers": "2"}
    )
    assert (engine.workers, engine.threads) == (2, 2)
    assert len(engine.translate_texts(sample_lines("ko")[:5], GenerationOptions(beams=1, max_length=8))) == 5


def test_folder_with_model_bin_is_detected_as_ctranslate2(converted, checkpoints):
    assert detect_engine(str(converted["marian-ko-en"])) == "ctranslate2"
    assert detect_engine(str(checkpoints["marian-ko-en"])) == "transformers"


def test_empty_batch_and_too_long_segment(converted):
    engine = load_engine(str(converted["marian-ko-en"]), source_lang="ko", target_lang="en")
    assert engine.translate_texts([], GenerationOptions()) == []
    text = "서울 " * (engine.max_input_tokens() + 5)
    with pytest.raises(EngineError, match="split"):
        engine.translate_texts([text], GenerationOptions(beams=1))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"compute_type": "float16"}, InputError, "float16 is not supported on cpu"),
        ({"compute_type": "int4"}, InputError, "unknown compute type"),
        ({"revision": "main"}, InputError, "revision"),
        ({"source_lang": "en", "target_lang": "ko"}, InputError, "translates ko->en"),
        ({"threads": 0}, InputError, "threads"),
    ],
)
def test_bad_options_are_one_line_errors(converted, kwargs, error, match):
    args = {"source_lang": "ko", "target_lang": "en", "engine": "ctranslate2", **kwargs}
    with pytest.raises(error, match=match) as caught:
        load_engine(str(converted["marian-ko-en"]), **args)
    assert "\n" not in str(caught.value)


# --- broken folders ----------------------------------------------------------------------
def _truncate(path: Path, fraction: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def _break(folder: Path, how: str) -> None:
    if how == "model.bin cut in half":
        _truncate(folder / "model.bin", 0.5)
    elif how == "model.bin empty":
        (folder / "model.bin").write_bytes(b"")
    elif how == "model.bin cut, no metadata":
        (folder / "bilingual.json").unlink()
        _truncate(folder / "model.bin", 0.7)
    elif how == "model.bin garbage header, no metadata":
        (folder / "bilingual.json").unlink()
        data = bytearray((folder / "model.bin").read_bytes())
        data[:64] = b"\xff" * 64
        (folder / "model.bin").write_bytes(bytes(data))
    elif how == "no vocabulary":
        (folder / "shared_vocabulary.json").unlink()
    elif how == "vocabulary cut":
        _truncate(folder / "shared_vocabulary.json", 0.5)
    elif how == "config.json cut":
        _truncate(folder / "config.json", 0.5)
    elif how == "no source.spm":
        (folder / "source.spm").unlink()
    elif how == "target.spm garbage":
        (folder / "target.spm").write_bytes(b"not a sentencepiece model")
    elif how == "metadata not json":
        (folder / "bilingual.json").write_text("{half", encoding="utf-8")
    else:  # pragma: no cover - table typo
        raise AssertionError(how)


BROKEN = [
    ("model.bin cut in half", "incomplete or corrupted"),
    ("model.bin empty", "incomplete or corrupted"),
    ("model.bin cut, no metadata", "cannot load CTranslate2 model"),
    ("model.bin garbage header, no metadata", "cannot load CTranslate2 model"),
    ("no vocabulary", "no vocabulary file"),
    ("vocabulary cut", "shared_vocabulary.json"),
    ("config.json cut", "config.json"),
    ("no source.spm", "source.spm"),
    ("target.spm garbage", "SentencePiece"),
    ("metadata not json", "bilingual.json"),
]


@pytest.mark.parametrize(("how", "match"), BROKEN)
def test_broken_folder_is_a_clear_model_unavailable_error(converted, tmp_path, how, match):
    folder = tmp_path / "model"
    shutil.copytree(converted["marian-ko-en"], folder)
    _break(folder, how)
    with pytest.raises(ModelUnavailableError, match=match) as caught:
        load_engine(str(folder), source_lang="ko", target_lang="en")
    assert "\n" not in str(caught.value) and str(folder) in str(caught.value)


def test_folder_converted_without_metadata_still_loads(converted, tmp_path):
    folder = tmp_path / "plain"
    shutil.copytree(converted["marian-ko-en"], folder)
    (folder / "bilingual.json").unlink()  # as ct2-transformers-converter --copy_files would leave it
    engine = load_engine(str(folder), source_lang="ko", target_lang="en")
    assert engine.layout.architecture == "marian" and engine.layout.source_lang == "ko"
    assert len(engine.translate_texts(["서울에 비가 온다."], GenerationOptions(beams=1, max_length=5))) == 1
    meta = json.loads((converted["marian-ko-en"] / "bilingual.json").read_text())
    assert meta["model_bin_bytes"] == (folder / "model.bin").stat().st_size


# --- generation_config.json ----------------------------------------------------------------
SEED_KO = sorted((Path(__file__).parents[1] / "corpora" / "seed" / "articles").glob("*.ko.txt"))[0]


def test_greedy_float32_translates_the_seed_article_exactly_like_transformers(converted, checkpoints):
    from bilingual.translation.pipeline import Translator

    # the tiny model without its exponential length decay, which has no CTranslate2 equivalent
    checkpoint, folder = checkpoints["marian-ko-en"], converted["marian-ko-en"]
    paragraphs = [p for p in SEED_KO.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    outputs = {}
    for name, model in (("transformers", checkpoint), ("ctranslate2", folder)):
        engine = load_engine(str(model), source_lang="ko", target_lang="en", engine=name, compute_type="float32")
        outputs[name] = "\n\n".join(Translator(engine, options=GenerationOptions(beams=1)).translate_texts(paragraphs))
    assert len(outputs["ctranslate2"]) > 2000  # long enough to reach the decoder's position limit
    assert outputs["ctranslate2"] == outputs["transformers"]


VOCAB = ("</s>", "<unk>", "▁a", "▁b", "<pad>")


@pytest.mark.parametrize(
    ("config", "options", "min_tokens", "not_applied"),
    [
        ({}, {"length_penalty": 1.0, "repetition_penalty": 1.0, "no_repeat_ngram_size": 0}, 0, ()),
        ({"length_penalty": 0.6, "repetition_penalty": 1.2, "no_repeat_ngram_size": 3},
         {"length_penalty": 0.6, "repetition_penalty": 1.2, "no_repeat_ngram_size": 3}, 0, ()),
        ({"bad_words_ids": [[4], [2, 3]], "suppress_tokens": [1]},
         {"suppress_sequences": [["<pad>"], ["▁a", "▁b"], ["<unk>"]]}, 0, ()),
        ({"eos_token_id": 0}, {}, 0, ()),
        ({"eos_token_id": [0, 3]}, {"end_token": ["</s>", "▁b"]}, 0, ()),
        ({"min_length": 5}, {}, 4, ()),
        ({"min_new_tokens": 6}, {}, 6, ()),
        ({"exponential_decay_length_penalty": [3, 1.5], "renormalize_logits": True, "max_new_tokens": 9,
          "encoder_repetition_penalty": 1.0}, {}, 0,
         ("exponential_decay_length_penalty", "renormalize_logits", "max_new_tokens")),
        ({"bad_words_ids": [[99]]}, {}, 0, ()),  # not in the vocabulary: never generated
    ],
)  # fmt: skip
def test_generation_config_settings_map_to_ctranslate2_options(config, options, min_tokens, not_applied):
    from bilingual.engines.ctranslate2.generation import read_generation_settings

    settings = read_generation_settings(config, VOCAB)
    assert settings.search_options().items() >= options.items()
    assert settings.min_tokens(0) == min_tokens and settings.not_applied == not_applied


def test_settings_ctranslate2_cannot_apply_are_named_in_a_warning(tiny_marian_ko_en, converted):
    from bilingual.errors import EngineOptionWarning

    folder = converted["marian-ko-en"].parent / "with-decay"
    shutil.copytree(converted["marian-ko-en"], folder)
    shutil.copy(tiny_marian_ko_en / "generation_config.json", folder / "generation_config.json")
    with pytest.warns(EngineOptionWarning) as caught:
        load_engine(str(folder), source_lang="ko", target_lang="en")
    [warning] = caught
    assert "generation_config.json sets exponential_decay_length_penalty, which CTranslate2 does not apply" in str(
        warning.message
    )
