"""The transformers engine through the real from_pretrained path, and engine selection."""

from __future__ import annotations

import pytest

from bilingual.engines import GenerationOptions, detect_engine, load_engine
from bilingual.errors import EngineError, InputError, ModelUnavailableError


@pytest.mark.parametrize(
    ("source_lang", "target_lang", "src_code", "forced"),
    [("ko", "en", "ko", "__en__"), ("en", "ko", "en", "__ko__")],
)
def test_m2m100_language_codes(tiny_m2m100, source_lang, target_lang, src_code, forced):
    engine = load_engine(str(tiny_m2m100), source_lang=source_lang, target_lang=target_lang)
    assert engine.arch == "m2m100"
    assert engine.tokenizer.src_lang == src_code
    assert engine.forced_bos_token_id == engine.tokenizer.convert_tokens_to_ids(forced)
    ids = engine.tokenizer("서울", add_special_tokens=True)["input_ids"]
    assert ids[0] == engine.tokenizer.convert_tokens_to_ids(f"__{src_code}__")
    outputs = engine.translate_texts(["서울에 비가 온다.", "Hello there."], GenerationOptions(beams=2))
    assert all(outputs) and not any("__" in o for o in outputs)  # language tokens stripped


def test_marian_translates_a_batch_in_order(tiny_marian_ko_en):
    engine = load_engine(str(tiny_marian_ko_en), source_lang="ko", target_lang="en")
    texts = ["서울에 비가 온다.", "대통령은 오늘 기자회견을 열었다.", "가", "경제 성장률이 떨어졌다."]
    options = GenerationOptions(beams=1)
    batched = engine.translate_texts(texts, options)
    one_by_one = [engine.translate_texts([t], options)[0] for t in texts]
    assert batched == one_by_one
    assert engine.translate_texts([], options) == []


def test_min_length_forces_output_from_a_model_that_stops_at_once(tmp_path):
    from bilingual.testing.tiny_model import build_marian

    folder = build_marian(tmp_path / "mute", eos_bias=50.0, length_decay=None)
    engine = load_engine(str(folder), source_lang="ko", target_lang="en")
    assert engine.translate_texts(["서울에 비가 온다."], GenerationOptions(beams=1)) == [""]
    forced = engine.translate_texts(["서울에 비가 온다."], GenerationOptions(beams=1, min_length=5))
    assert forced[0] and len(engine.tokenizer(forced[0], add_special_tokens=False)["input_ids"]) >= 3


def test_too_long_input_is_an_error_not_a_truncation(tiny_marian_ko_en):
    engine = load_engine(str(tiny_marian_ko_en), source_lang="ko", target_lang="en")
    limit = engine.max_input_tokens()
    text = "서울 " * (limit + 5)
    assert engine.count_tokens([text])[0] > limit
    with pytest.raises(EngineError, match="split"):
        engine.translate_texts([text], GenerationOptions(beams=1))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"device": "cuda"}, InputError, "CUDA"),
        ({"compute_type": "int8"}, InputError, "compute-type"),
        ({"source_lang": "ja"}, InputError, "language"),
        ({"source_lang": "en"}, InputError, "both"),
        ({"threads": 0}, InputError, "threads"),
        ({"engine": "nope"}, InputError, "engine"),
    ],
)
def test_bad_options(tiny_marian_ko_en, kwargs, error, match):
    import torch

    if kwargs.get("device") == "cuda" and torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    args = {"source_lang": "ko", "target_lang": "en", **kwargs}
    with pytest.raises(error, match=match):
        load_engine(str(tiny_marian_ko_en), **args)


@pytest.mark.parametrize(
    ("files", "name", "expected"),
    [
        (["model.bin", "config.json", "shared_vocabulary.json"], "ct2", "ctranslate2"),
        (["config.json", "model.safetensors"], "hf", "transformers"),
        (["config.json", "pytorch_model.bin"], "hf-bin", "transformers"),
        ([], "model.gguf", "llama-cpp"),
    ],
)
def test_detect_engine(tmp_path, files, name, expected):
    target = tmp_path / name
    if files:
        target.mkdir()
        for f in files:
            (target / f).write_text("x")
    else:
        target.write_text("x")
    assert detect_engine(str(target)) == expected


def test_threads_sets_torch_threads(tiny_marian_ko_en):
    import torch

    before = torch.get_num_threads()
    try:
        load_engine(str(tiny_marian_ko_en), source_lang="ko", target_lang="en", threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_folder_without_config_is_unavailable(tmp_path):
    with pytest.raises(ModelUnavailableError, match="config.json"):
        load_engine(str(tmp_path), source_lang="ko", target_lang="en")


def test_generation_stops_at_the_decoder_position_limit(tmp_path):
    from bilingual.testing.tiny_model import build_marian

    # a model that never ends a sentence on its own: output runs to the length limit;
    # generating past Marian's 512 positions raises IndexError inside transformers
    folder = build_marian(tmp_path / "endless", eos_bias=-50.0, length_decay=None)
    engine = load_engine(str(folder), source_lang="ko", target_lang="en")
    positions = engine.model.config.max_position_embeddings
    lengths = []
    generate = engine.model.generate

    def spy(*args, **kwargs):
        out = generate(*args, **kwargs)
        lengths.append(out.shape[1])
        return out

    engine.model.generate = spy
    [out] = engine.translate_texts(["서울"], GenerationOptions(beams=1, max_length=positions + 50))
    assert out and lengths == [positions]
    engine.translate_texts(["서울"], GenerationOptions(beams=1, max_length=7))
    assert lengths[-1] == 8  # decoder start token + 7


def test_marian_multi_target_prefix(tiny_marian_ko_en, tmp_path):
    import json
    import shutil

    folder = tmp_path / "multi"
    shutil.copytree(tiny_marian_ko_en, folder)
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    pad = vocab.pop("<pad>")
    # replace two ordinary pieces by language tokens, keeping ids dense
    victims = [k for k in vocab if k.startswith("\u2581") and len(k) > 3][:2]
    for victim, code in zip(victims, [">>eng<<", ">>deu<<"]):
        vocab[code] = vocab.pop(victim)
    vocab["<pad>"] = pad
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    engine = load_engine(str(folder), source_lang="ko", target_lang="en")
    assert engine._prefix == ">>eng<< "
    assert engine.count_tokens(["서울"]) == load_engine(str(tiny_marian_ko_en), source_lang="ko", target_lang="en").count_tokens(["서울"])
    assert engine.translate_texts(["서울에 비가 온다."], GenerationOptions(beams=1))[0]
