"""``bilingual translate``: options in, :func:`bilingual.translation.files.translate_files` does the work."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bilingual.cli.options import (
    BatchSizeOption,
    BeamsOption,
    ComputeTypeOption,
    DeviceOption,
    EngineOption,
    EngineOptionsOption,
    GlossariesOption,
    MaxLengthOption,
    RevisionOption,
    ThreadsOption,
)

if TYPE_CHECKING:
    from bilingual.translation.directions import DirectionGroup


def register(app: typer.Typer) -> None:
    app.command("translate")(translate)


def translate(
    input: Annotated[
        str, typer.Argument(metavar="INPUT", help="An article file, a folder of .txt/.md/.jsonl files, or - for stdin.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="PATH", help="Output file or folder (default: stdout).")
    ] = None,
    source_lang: Annotated[
        str | None,
        typer.Option("--from", metavar="LANG", help="Source language, ko or en (default: detected from the script)."),
    ] = None,
    target_lang: Annotated[
        str | None, typer.Option("--to", metavar="LANG", help="Target language, ko or en (default: the other one).")
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", metavar="MODEL",
            help="Hugging Face Hub id or local model folder (default: the pinned model for the direction; "
            "see `bilingual models`); ko-en=MODEL or en-ko=MODEL for one direction (repeatable).",
        ),
    ] = None,  # fmt: skip
    revision: RevisionOption = None,
    engine: EngineOption = None,
    engine_option: EngineOptionsOption = None,
    compute_type: ComputeTypeOption = None,
    device: DeviceOption = "cpu",
    threads: ThreadsOption = None,
    beams: BeamsOption = 4,
    batch_size: BatchSizeOption = 16,
    max_length: MaxLengthOption = 512,
    format: Annotated[str | None, typer.Option("--format", help="txt, md, jsonl, xliff, po or another format of docs/formats.md (default: from the file extension).")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Input encoding, e.g. utf-8, cp949, euc-kr, utf-16 (default: detected).")
    ] = None,
    glossary: GlossariesOption = None,
    report: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Write a JSON report: every segment's source, output and glossary terms.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1, no output written) if any glossary term was missed.")] = False,
    tm: Annotated[
        Path | None,
        typer.Option("--tm", metavar="FILE", help="Translation memory to consult first: exact, then fuzzy matches (docs/memory.md)."),
    ] = None,
    tm_threshold: Annotated[
        float, typer.Option("--tm-threshold", metavar="SCORE", help="Lowest fuzzy match score (0-100) taken from --tm.")
    ] = 85.0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar, warnings or glossary override lines.")
    ] = False,
) -> None:
    """Translate Korean news articles into English, or English into Korean."""
    from bilingual.cli.app import silenced
    from bilingual.cli.glossary import echo_overrides
    from bilingual.cli.options import parse_engine_options
    from bilingual.cli.progress import ProgressBar, progress_enabled
    from bilingual.engines.base import GenerationOptions
    from bilingual.translation.directions import parse_model_options
    from bilingual.translation.files import translate_files

    engine_options = parse_engine_options(engine_option)
    plain_model, direction_models = parse_model_options(model)
    with silenced(quiet), ProgressBar(enabled=progress_enabled(quiet), threshold=batch_size) as progress:
        done = translate_files(
            input, output, model=plain_model, models=direction_models, source_lang=source_lang,
            target_lang=target_lang, engine=engine, engine_options=engine_options, glossaries=glossary or (),
            report=report, strict=strict,
            format=format, encoding=encoding, revision=revision, device=device, threads=threads,
            compute_type=compute_type, options=GenerationOptions(beams=beams, max_length=max_length, batch_size=batch_size),
            progress=progress.update, on_glossary=None if quiet else echo_overrides,
            memory=tm, memory_threshold=tm_threshold,
        )  # fmt: skip
    if not quiet:
        echo_directions(done.groups)
        if tm is not None:
            origins = done.translation.report()["summary"]["origins"]
            typer.echo("translation memory: " + ", ".join(f"{origins.get(k, 0)} {k}" for k in ("tm-exact", "tm-fuzzy", "mt")) + " segments", err=True)


def echo_directions(groups: list[DirectionGroup]) -> None:
    """For a run whose articles went both ways, one stderr line per direction
    (``ko->en: 2 articles (a.txt, b.txt)``) and one for the articles with nothing to translate."""
    from bilingual.translation.directions import counted_names

    if len(groups) < 2:
        return
    for group in groups:
        typer.echo(group.summary(), err=True)
    idle = [d for g in groups for d in g.idle]
    if idle:
        typer.echo(counted_names("nothing to translate", idle), err=True)
