"""The engine contract, one table for every engine in the registry: transformers and
ctranslate2 on a tiny Marian model, llama-cpp on a fake ``llama_cpp`` module, openai
on a local HTTP server."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from llama_fakes import fake_llama_module
from openai_server import OpenAIServer

from bilingual.engines import ENGINE_NAMES, Engine, EngineNote, GenerationOptions, Translation, load_engine
from bilingual.errors import EngineError, InputError

TEXTS = ["서울에 비가 온다.", "대통령은 오늘 기자회견을 열었다.", "가", "경제 성장률이 떨어졌다."]
OPTIONS = GenerationOptions(beams=1, max_length=16)

Loader = Callable[..., Engine]  # engine_options=... -> a freshly loaded engine


@pytest.fixture(scope="module")
def ct2_marian(tmp_path_factory, tiny_marian_ko_en) -> Path:
    from bilingual.engines.ctranslate2.convert import convert

    return convert(tiny_marian_ko_en, tmp_path_factory.mktemp("contract") / "ct2", "float32")


@pytest.fixture(params=ENGINE_NAMES)
def loader(request, monkeypatch, tmp_path) -> Iterator[Loader]:
    name = request.param
    if name == "openai":
        with OpenAIServer() as server:
            yield lambda engine_options=None: load_engine(
                "tiny", source_lang="ko", target_lang="en", engine="openai",
                engine_options={"base_url": server.base_url, **(engine_options or {})},
            )  # fmt: skip
        return
    if name == "llama-cpp":
        monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module({t: [f" Answer {i}."] for i, t in enumerate(TEXTS)}))
        model = tmp_path / "fake.gguf"
        model.write_bytes(b"GGUF" + b"\0" * 60)
    elif name == "ctranslate2":
        model = request.getfixturevalue("ct2_marian")
    else:
        model = request.getfixturevalue("tiny_marian_ko_en")
    yield lambda engine_options=None: load_engine(
        str(model), source_lang="ko", target_lang="en", engine=name, engine_options=engine_options
    )


def test_one_result_per_segment_in_order(loader) -> None:
    engine = loader()
    results = engine.translate_batch(TEXTS, OPTIONS)
    assert len(results) == len(TEXTS) and all(isinstance(r, Translation) for r in results)
    assert results == [engine.translate_batch([text], OPTIONS)[0] for text in TEXTS]
    assert all(r.text for r in results)


def test_empty_batch_gives_no_results(loader) -> None:
    assert loader().translate_batch([], OPTIONS) == []


def test_blank_segment_gives_an_empty_translation_in_its_place(loader) -> None:
    results = loader().translate_batch([TEXTS[0], "  \n", TEXTS[1]], OPTIONS)
    assert results[1] == Translation("") and results[0].text and results[2].text


def test_notes_are_typed(loader) -> None:
    for result in loader().translate_batch(TEXTS, OPTIONS):
        assert isinstance(result.notes, tuple) and all(isinstance(note, EngineNote) for note in result.notes)


def test_unknown_engine_option_is_one_line_input_error(loader) -> None:
    with pytest.raises(InputError, match="no_such_option") as caught:
        loader(engine_options={"no_such_option": "1"})
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("texts", "options", "error", "match"),
    [
        ("서울에 비가 온다.", OPTIONS, InputError, "list of strings, not str"),
        ([TEXTS[0], None], OPTIONS, InputError, "segment 2 of the batch is NoneType"),
        (TEXTS, GenerationOptions(beams=0), InputError, "beams must be an integer of at least 1"),
        (TEXTS, {"beams": 1}, InputError, "options must be GenerationOptions"),
        ([TEXTS[0], "비 " * 2000], OPTIONS, EngineError, "segment 2 of the batch has .* split it"),
    ],
    ids=["a-string", "not-str", "beams-0", "options-dict", "over-long"],
)
@pytest.mark.filterwarnings("ignore::bilingual.errors.EngineOptionWarning")
def test_bad_calls_are_one_line_errors(loader, texts, options, error, match) -> None:
    with pytest.raises(error, match=match) as caught:
        loader().translate_batch(texts, options)
    assert "\n" not in str(caught.value)
