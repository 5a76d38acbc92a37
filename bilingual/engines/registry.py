"""The engines this installation knows, one :class:`EngineSpec` each, and loading by name.

An engine module is imported only when its engine is detected or loaded. It
exposes ``load(model, *, source_lang, target_lang, device, threads, revision,
compute_type, options) -> Engine``, ``handles(model) -> bool`` and a frozen
dataclass of its own options. ``--engine-option KEY=VALUE`` strings are parsed
into that dataclass by the types of its fields (``int``, ``float``, ``bool``,
``str``, a ``Literal`` of strings, any of them ``| None``); a dataclass may
check its values in ``__post_init__`` (raising InputError).
"""

from __future__ import annotations

import dataclasses
import importlib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bilingual.engines.base import Engine
from bilingual.errors import EngineError, InputError
from bilingual.text.language import check_direction


@dataclass(frozen=True)
class EngineSpec:
    """One engine: its name, the module that implements it and the name of its options dataclass."""

    name: str
    module: str
    options: str  # class name in ``module``

    def _implementation(self) -> types.ModuleType:
        try:
            return importlib.import_module(self.module)
        except ModuleNotFoundError as exc:
            if exc.name == self.module:
                raise EngineError(f"the {self.name} engine is not available in this installation") from None
            raise

    def handles(self, model: str) -> bool:
        """Whether ``model`` (a path or name) is one this engine serves when no engine is named."""
        return bool(self._implementation().handles(model))

    def options_type(self) -> type:
        return getattr(self._implementation(), self.options)

    def load(self, model: str, *, options: Any, **kwargs: Any) -> Engine:
        return self._implementation().load(model, options=options, **kwargs)


# In the order detect_engine asks them; transformers, last, takes every other model.
ENGINES: tuple[EngineSpec, ...] = (
    EngineSpec("ctranslate2", "bilingual.engines.ctranslate2.engine", "CTranslate2Options"),
    EngineSpec("llama-cpp", "bilingual.engines.llama_cpp", "LlamaCppOptions"),
    EngineSpec("openai", "bilingual.engines.openai", "OpenAIOptions"),
    EngineSpec("transformers", "bilingual.engines.transformers", "TransformersOptions"),
)
ENGINE_NAMES: tuple[str, ...] = tuple(spec.name for spec in ENGINES)


def engine_spec(name: str) -> EngineSpec:
    """The entry named ``name``; InputError listing the known names otherwise."""
    for spec in ENGINES:
        if spec.name == name:
            return spec
    raise InputError(f"unknown engine {name!r}; use one of: {', '.join(ENGINE_NAMES)}")


def detect_engine(model: str) -> str:
    """The first engine whose ``handles(model)`` is true: a CTranslate2 folder (``model.bin``)
    is ctranslate2, a GGUF file or named offline model llama-cpp, anything else transformers."""
    for spec in ENGINES:
        if spec.handles(model):
            return spec.name
    return ENGINE_NAMES[-1]


def load_engine(
    model: str,
    *,
    source_lang: str,
    target_lang: str,
    engine: str | None = None,
    device: str = "cpu",
    threads: int | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    engine_options: Mapping[str, str] | None = None,
) -> Engine:
    """Load ``model`` for ``source_lang`` -> ``target_lang`` with the named (or detected) engine.

    ``engine_options`` are that engine's own settings as strings (``{"workers": "2"}``),
    checked against its options dataclass: an unknown key or a bad value is one
    InputError line listing the keys it knows.
    """
    check_direction(source_lang, target_lang)
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise InputError(f"unknown device {device!r}; use cpu or cuda")
    if threads is not None and threads < 1:
        raise InputError(f"--threads must be at least 1 (got {threads})")
    spec = engine_spec(engine or detect_engine(model))
    options = parse_options(spec.options_type(), engine_options or {}, engine=spec.name)
    return spec.load(
        model,
        source_lang=source_lang,
        target_lang=target_lang,
        device=device,
        threads=threads,
        revision=revision,
        compute_type=compute_type,
        options=options,
    )


# --------------------------------------------------------------------------- KEY=VALUE options
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def parse_options(cls: type, values: Mapping[str, object], *, engine: str) -> Any:
    """An instance of dataclass ``cls`` from ``values``: strings such as ``"2"``, ``"true"``,
    ``"none"`` (for a field that may be None), read by the field's type."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    if values and not fields:
        raise InputError(f"the {engine} engine takes no --engine-option (got {', '.join(sorted(values))})")
    known = ", ".join(f"{name}={_type_label(hints[name])}" for name in fields)
    kwargs: dict[str, object] = {}
    for key, raw in values.items():
        if key not in fields:
            raise InputError(f"the {engine} engine has no option {key!r}; its options: {known}")
        try:
            kwargs[key] = _convert(raw, hints[key])
        except ValueError as exc:
            raise InputError(f"--engine-option {key}={raw}: {exc}; the {engine} engine's options: {known}") from None
    return cls(**kwargs)


def _optional(tp: object) -> tuple[object, bool]:
    """(the type without ``None``, whether ``None`` is allowed)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _type_label(tp: object) -> str:
    inner, _ = _optional(tp)
    if typing.get_origin(inner) is Literal:
        return "|".join(str(a) for a in typing.get_args(inner))
    return {int: "INT", float: "NUMBER", bool: "true|false", str: "TEXT"}.get(inner, str(inner))  # type: ignore[call-overload]


def _convert(raw: object, tp: object) -> object:
    inner, nullable = _optional(tp)
    raw = str(raw)  # a value given from Python (2, True, None) reads as its text
    text = raw.strip()
    if nullable and text.lower() in ("", "none"):
        return None
    if typing.get_origin(inner) is Literal:
        choices = typing.get_args(inner)
        if text not in choices:
            raise ValueError(f"use one of {', '.join(map(str, choices))}")
        return text
    if inner is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError("not true or false")
    if inner is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError("not a whole number") from None
    if inner is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError("not a number") from None
    return raw
