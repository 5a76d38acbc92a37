"""``bilingual batch``: options in, :func:`bilingual.archive.run.translate_archive` does the work."""

from __future__ import annotations

import sys
import time
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
    from bilingual.archive.ray_runner import RayOptions
    from bilingual.archive.run import ArchiveResult
    from bilingual.archive.stream import Translated


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


class StreamProgress:
    """Articles written so far, on stderr: one line rewritten in place on a terminal,
    else a line every ``every`` seconds."""

    def __init__(self, *, enabled: bool, every: float = 10.0) -> None:
        self.enabled = enabled
        self.every = every
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.shown = self.started  # the first line after a while, not at the first article
        self.lines = 0

    def update(self, item: Translated, result: ArchiveResult) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.shown < (0.5 if self.tty else self.every):
            return
        self.shown = now
        self.lines += 1
        rate = result.translated / max(now - self.started, 1e-9)
        line = f"translated {result.translated} articles ({rate:.1f}/s), {result.articles} in the output"
        sys.stderr.write(f"\r{line}" if self.tty else f"{line}\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.tty and self.lines:
            sys.stderr.write("\n")


def batch(
    input: Annotated[
        str, typer.Argument(metavar="INPUT", help="An archive: .jsonl, .jsonl.gz, .jsonl.zst or .parquet, one article per line or row.")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="PATH",
            help="Output archive in the same family (JSON Lines or Parquet); compression from its name.",
        ),
    ],  # fmt: skip
    source_lang: Annotated[
        str | None,
        typer.Option("--from", metavar="LANG", help="Source language, ko or en (default: detected from the first articles)."),
    ] = None,
    target_lang: Annotated[
        str | None, typer.Option("--to", metavar="LANG", help="Target language, ko or en (default: the other one).")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", "-m", metavar="MODEL",
            help="Hugging Face Hub id or local model folder (default: the pinned model for the direction).",
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
    glossary: GlossariesOption = None,
    id_column: Annotated[str, typer.Option("--id-column", metavar="NAME", help="Key or column of each article's id.")] = "id",
    title_column: Annotated[
        str, typer.Option("--title-column", metavar="NAME", help="Key or column of the headline (translated).")
    ] = "title",
    body_column: Annotated[
        str, typer.Option("--body-column", metavar="NAME", help="Key or column of the body text (translated).")
    ] = "body",
    window: Annotated[
        int, typer.Option(metavar="N", help="Articles translated together: their segments are sorted by length and batched.")
    ] = 64,
    order: Annotated[
        str, typer.Option(metavar="ORDER", help="input (the input's order) or finished (each article as soon as it is done).")
    ] = "input",
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the run journaled next to -o: keep the articles written and verified.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, summary, warnings or glossary override lines.")] = False,
    ray: Annotated[
        bool, typer.Option("--ray", help="Translate on a Ray actor pool (ray.data map_batches); a local Ray unless --ray-address.")
    ] = False,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address", metavar="ADDRESS",
            help="The Ray cluster (implies --ray): auto, ray://HOST:10001 or HOST:PORT (default: a local Ray with this machine's CPUs).",
        ),
    ] = None,  # fmt: skip
    ray_actors: Annotated[
        int | None, typer.Option("--ray-actors", metavar="N", help="Actors in the pool (default: the cluster's CPUs / --threads).")
    ] = None,
    ray_batch_size: Annotated[
        int | None,
        typer.Option("--ray-batch-size", metavar="N", help="Articles sent to an actor at a time, a multiple of --window (default: --window)."),
    ] = None,
) -> None:
    """Translate an archive of articles (JSON Lines or Parquet) with bounded memory, resumably."""
    from bilingual.archive.records import Columns
    from bilingual.archive.run import translate_archive
    from bilingual.cli.app import silenced
    from bilingual.cli.glossary import echo_overrides
    from bilingual.cli.options import parse_engine_options
    from bilingual.engines.base import GenerationOptions

    engine_options = parse_engine_options(engine_option)
    ray_options = _ray_options(ray, ray_address, ray_actors, ray_batch_size)
    progress = StreamProgress(enabled=not quiet)
    with silenced(quiet):
        try:
            result = translate_archive(
                input, output, model=model, source_lang=source_lang, target_lang=target_lang, engine=engine,
                engine_options=engine_options, glossaries=glossary or (), revision=revision, device=device,
                threads=threads, compute_type=compute_type,
                options=GenerationOptions(beams=beams, max_length=max_length, batch_size=batch_size),
                columns=Columns(id=id_column, title=title_column, body=body_column), window=window, order=order,
                resume=resume, on_article=progress.update, on_glossary=None if quiet else echo_overrides,
                ray=ray_options, quiet=quiet,
            )  # fmt: skip
        finally:
            progress.close()
    if not quiet:
        typer.echo(result.summary(), err=True)


def _ray_options(ray: bool, address: str | None, actors: int | None, batch_size: int | None) -> RayOptions | None:
    """The Ray options of the command line; None without --ray (InputError for --ray-actors or
    --ray-batch-size without it)."""
    from bilingual.archive.ray_runner import RayOptions
    from bilingual.errors import InputError

    if not ray and address is None:
        for flag, value in (("--ray-actors", actors), ("--ray-batch-size", batch_size)):
            if value is not None:
                raise InputError(f"{flag} needs --ray")
        return None
    return RayOptions(address=address, actors=actors, batch_size=batch_size)
