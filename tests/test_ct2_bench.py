"""The benchmark's equal-work forcing: both engines generate exactly the forced number of tokens."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from bilingual.engines import GenerationOptions, load_engine
from bilingual.testing.tiny_model import sample_lines

BENCH = Path(__file__).resolve().parents[1] / "eval" / "bench" / "translate.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_translate", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_translate"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def plain_marian(tmp_path_factory, tiny_marian_ko_en) -> Path:
    """The tiny checkpoint without forced </s> or length decay, as the benchmark's models are built."""
    folder = tmp_path_factory.mktemp("bench") / "marian"
    shutil.copytree(tiny_marian_ko_en, folder)
    for name in ("generation_config.json", "config.json"):
        config = json.loads((folder / name).read_text(encoding="utf-8"))
        config.pop("exponential_decay_length_penalty", None)
        config["forced_eos_token_id"] = None
        (folder / name).write_text(json.dumps(config), encoding="utf-8")
    return folder


def test_forced_length_makes_both_engines_do_the_same_work(bench, plain_marian, tmp_path):
    from bilingual.engines.ctranslate2.convert import convert

    texts = sample_lines("ko")[:10]
    lengths = {t.strip(): 3 + i for i, t in enumerate(texts)}
    ct2_folder = convert(plain_marian, tmp_path / "ct2", "int8")
    generated = {}
    for name, folder in (("transformers", plain_marian), ("ctranslate2", ct2_folder)):
        engine = load_engine(str(folder), source_lang="ko", target_lang="en", engine=name)
        wrapped = bench.ForcedLength(engine, lengths, ratio=1.0)
        outputs = wrapped.translate_batch(texts[:4], GenerationOptions(beams=2)) + wrapped.translate_batch(
            texts[4:], GenerationOptions(beams=1)
        )
        assert len(outputs) == len(texts)
        assert wrapped.useful_tokens == sum(lengths.values())
        assert wrapped.generated_tokens == 4 * 6 + 6 * 12  # every row decodes its batch's longest length
        generated[name] = [len(o.text.split()) for o in outputs]
    ct2 = load_engine(str(ct2_folder), source_lang="ko", target_lang="en")
    tokens = ct2.translate_tokens(texts[:4], GenerationOptions(beams=2, min_length=6, max_length=6))
    assert [len(t) for t in tokens] == [6] * 4
    assert generated["transformers"] and generated["ctranslate2"]


def test_unknown_text_length_is_estimated_from_its_source_tokens(bench, plain_marian):
    engine = load_engine(str(plain_marian), source_lang="ko", target_lang="en")
    wrapped = bench.ForcedLength(engine, {}, ratio=0.5)
    text = "서울에 비가 온다."
    assert wrapped.length(text) == max(1, round(engine.count_tokens([text])[0] * 0.5))
