"""Options that several commands share, declared once so they read the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine", metavar="NAME",
        help="Translation engine, e.g. transformers, ctranslate2, llama-cpp (default: detected from the model).",
    ),
]  # fmt: skip
EngineOptionsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--engine-option", metavar="KEY=VALUE",
        help="An engine setting (repeatable), e.g. workers=2 for ctranslate2; an unknown key is refused with the keys the engine takes.",
    ),
]  # fmt: skip


def parse_engine_options(values: list[str] | None) -> dict[str, str]:
    """``--engine-option KEY=VALUE`` values as a dict (a later key wins); InputError for one without ``=``."""
    from bilingual.errors import InputError

    options: dict[str, str] = {}
    for value in values or ():
        key, sep, setting = value.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--engine-option {value!r} is not KEY=VALUE")
        options[key.strip()] = setting
    return options
