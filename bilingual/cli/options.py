"""Options that several commands share, declared once so they read the same everywhere."""

from __future__ import annotations

from pathlib import Path
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

RevisionOption = Annotated[str | None, typer.Option("--revision", help="Hub revision (commit, tag or branch) to use.")]
ComputeTypeOption = Annotated[
    str | None, typer.Option("--compute-type", help="Weights precision, e.g. float32, float16, int8 (engine-dependent).")
]
DeviceOption = Annotated[str, typer.Option("--device", help="cpu or cuda.")]
ThreadsOption = Annotated[
    int | None, typer.Option("--threads", help="CPU threads for the engine (default: the library's choice).")
]
BeamsOption = Annotated[int, typer.Option("--beams", help="Beam size.")]
BatchSizeOption = Annotated[
    int, typer.Option("--batch-size", help="Segments per batch (long segments go in smaller batches).")
]
MaxLengthOption = Annotated[int, typer.Option("--max-length", help="Most target tokens generated for one segment.")]
GlossariesOption = Annotated[
    list[Path] | None,
    typer.Option("--glossary", "-g", metavar="FILE", help="Glossary file; repeat to combine (later files override)."),
]


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
