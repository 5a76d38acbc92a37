"""The engine registry: one entry per engine, detection through each entry's handles(),
and ``--engine-option KEY=VALUE`` strings read into each engine's options dataclass."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal

import pytest
from llama_fakes import fake_llama_module

from bilingual.engines import ENGINE_NAMES, ENGINES, detect_engine, engine_spec, load_engine
from bilingual.engines.ctranslate2.engine import CTranslate2Options
from bilingual.engines.llama_cpp import LlamaCppOptions
from bilingual.engines.registry import parse_options
from bilingual.engines.transformers import TransformersOptions
from bilingual.errors import InputError


@dataclass(frozen=True)
class Sample:
    count: int = 1
    ratio: float = 0.5
    verbose: bool = False
    label: str = "x"
    mode: Literal["fast", "slow"] = "fast"
    limit: int | None = None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, Sample()),
        ({"count": "3"}, Sample(count=3)),
        ({"ratio": "2"}, Sample(ratio=2.0)),
        ({"verbose": "true"}, Sample(verbose=True)),
        ({"verbose": "Off"}, Sample(verbose=False)),
        ({"label": " spaced "}, Sample(label=" spaced ")),
        ({"mode": "slow"}, Sample(mode="slow")),
        ({"limit": "7"}, Sample(limit=7)),
        ({"limit": "none"}, Sample(limit=None)),
        ({"count": 4, "verbose": True}, Sample(count=4, verbose=True)),  # typed values from Python
    ],
)
def test_values_are_read_by_the_field_types(values, expected) -> None:
    assert parse_options(Sample, values, engine="sample") == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"count": "two"}, "--engine-option count=two: not a whole number"),
        ({"ratio": "fast"}, "ratio=fast: not a number"),
        ({"verbose": "maybe"}, "not true or false"),
        ({"mode": "medium"}, "use one of fast, slow"),
        ({"colour": "red"}, "the sample engine has no option 'colour'"),
    ],
)
def test_bad_keys_and_values_are_one_line_listing_the_known_keys(values, message) -> None:
    with pytest.raises(InputError) as caught:
        parse_options(Sample, values, engine="sample")
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert text.endswith("count=INT, ratio=NUMBER, verbose=true|false, label=TEXT, mode=fast|slow, limit=INT")


@pytest.mark.parametrize(
    ("engine", "values", "expected"),
    [
        ("ctranslate2", {"workers": "2"}, CTranslate2Options(workers=2)),
        ("llama-cpp", {"n_ctx": "2048", "prompt_style": "chat"}, LlamaCppOptions(n_ctx=2048, prompt_style="chat")),
        ("llama-cpp", {}, LlamaCppOptions()),
        ("transformers", {}, TransformersOptions()),
    ],
)
def test_each_engine_reads_its_options(engine, values, expected) -> None:
    assert parse_options(engine_spec(engine).options_type(), values, engine=engine) == expected


@pytest.mark.parametrize(
    ("engine", "values", "message"),
    [
        ("ctranslate2", {"workers": "0"}, "workers must be at least 1"),
        ("llama-cpp", {"n_ctx": "16"}, "n_ctx must be at least"),
        ("llama-cpp", {"prompt_style": "zero-shot"}, "use one of few-shot, chat"),
        ("transformers", {"workers": "2"}, "the transformers engine takes no --engine-option (got workers)"),
    ],
)
def test_engine_options_out_of_range_are_input_errors(engine, values, message) -> None:
    with pytest.raises(InputError) as caught:
        parse_options(engine_spec(engine).options_type(), values, engine=engine)
    assert message in str(caught.value)


def test_every_entry_names_a_module_with_load_handles_and_options() -> None:
    assert ENGINE_NAMES == tuple(spec.name for spec in ENGINES)
    assert ENGINE_NAMES[-1] == "transformers"  # asked last: it takes any model
    for spec in ENGINES:
        assert callable(spec._implementation().load)
        assert isinstance(spec.handles("no/such/model"), bool)
        parse_options(spec.options_type(), {}, engine=spec.name)  # the defaults are valid


def test_unknown_engine_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown engine 'marian'; use one of: " + ", ".join(ENGINE_NAMES)):
        load_engine("m", source_lang="ko", target_lang="en", engine="marian")


@pytest.mark.parametrize(
    ("model", "expected"),
    [("x/model.gguf", "llama-cpp"), ("gemma3-270m", "llama-cpp"), ("Helsinki-NLP/opus-mt-ko-en", "transformers")],
)
def test_detection_asks_each_entry(model, expected) -> None:
    assert detect_engine(model) == expected


def test_engine_options_reach_the_engine(monkeypatch, tmp_path) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 60)
    module = fake_llama_module()
    monkeypatch.setitem(sys.modules, "llama_cpp", module)
    engine = load_engine(str(gguf), source_lang="ko", target_lang="en", engine_options={"n_ctx": "1024"})
    [llm] = module.created
    assert llm.kwargs["n_ctx"] == 1024 and engine.max_input_tokens() < 512
    with pytest.raises(InputError, match=r"has no option 'workers'; its options: n_ctx=INT, prompt_style=few-shot\|chat"):
        load_engine(str(gguf), source_lang="ko", target_lang="en", engine_options={"workers": "2"})
