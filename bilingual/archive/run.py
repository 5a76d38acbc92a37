"""One archive run: read records lazily, translate them window by window, write them resumably.

:func:`translate_archive` is the whole of ``bilingual batch``: check the paths
(no output may be an input), resolve the direction (given, or detected from the
first window's text), describe the run's settings (what a resumed run must
share), load the glossaries and the model, then :func:`run_archive`.
:func:`run_archive` is the same with a :class:`~bilingual.translation.pipeline.Translator`
already loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilingual.archive.journal import ArchiveWriter, Done, journal_path, partial_path, parts_path
from bilingual.archive.records import Columns, Record, archive_format, family, parquet_schema, read_records
from bilingual.archive.stream import DEFAULT_WINDOW, Order, Translated, check_stream_options, translate_window, windows
from bilingual.engines.base import GenerationOptions
from bilingual.errors import InputError

if TYPE_CHECKING:
    from bilingual.archive.ray_runner import RayOptions
    from bilingual.glossary.terms import Glossary
    from bilingual.translation.pipeline import Translator

__all__ = ["ArchiveResult", "check_archive_paths", "pending_windows", "run_archive", "run_settings", "translate_archive"]

_HEAD = 1 << 20  # bytes of the input hashed into the run's settings

OnArticle = Callable[[Translated, "ArchiveResult"], None]


@dataclass
class ArchiveResult:
    """What a run did: the output, its articles, those this run translated and those kept from before."""

    output: Path
    articles: int = 0  # articles in the output
    translated: int = 0  # written by this run
    kept: int = 0  # written and verified by an earlier run (--resume)
    segments: int = 0
    retried: int = 0
    terms: dict[str, int] = field(default_factory=lambda: {"applied": 0, "repaired": 0, "missed": 0})
    already_complete: bool = False  # --resume found the output finished

    def count(self, item: Translated) -> None:
        self.translated += 1
        self.articles += 1
        self.segments += len(item.segments)
        self.retried += sum(s.retried for s in item.segments)
        for segment in item.segments:
            for event in segment.terms:
                if event.status in self.terms:
                    self.terms[event.status] += 1

    def summary(self) -> str:
        """One line: ``1200 articles written to out.jsonl (200 kept from the earlier run, 1000 translated: 8000 segments)``."""
        if self.already_complete:
            return f"{self.output} is already complete ({self.articles} articles); nothing to do"
        kept = f"{self.kept} kept from the earlier run, " if self.kept else ""
        return (
            f"{self.articles} articles written to {self.output} "
            f"({kept}{self.translated} translated: {self.segments} segments, {self.retried} retried, "
            f"{self.terms['missed']} glossary terms missed)"
        )


def check_archive_paths(
    input: str | os.PathLike[str], output: str | os.PathLike[str], glossaries: Sequence[str | os.PathLike[str]] = ()
) -> tuple[str, str]:
    """(input format, output format); InputError for names that are not archives, JSON Lines
    into Parquet (or back), a missing input, or an output (or its journal, partial file
    or parts folder) that is an input."""
    from bilingual.outputs import check_outputs

    if os.fspath(input) == "-":
        raise InputError("INPUT must be an archive file (.jsonl, .jsonl.gz, .jsonl.zst or .parquet), not stdin")
    in_fmt, out_fmt = archive_format(input), archive_format(output)
    if family(in_fmt) != family(out_fmt):
        raise InputError(f"-o {output} is {out_fmt} but INPUT {input} is {in_fmt}; JSON Lines go to JSON Lines, Parquet to Parquet")
    if not Path(input).is_file():
        raise InputError(f"INPUT {input}: no such file")
    check_outputs(
        [("INPUT", input), *(("the glossary", g) for g in glossaries)],
        [("-o", output), ("the journal", journal_path(output)), ("the partial output", partial_path(output))],
        folders=[("the parts folder", parts_path(output))] if out_fmt == "parquet" else [],
    )
    return in_fmt, out_fmt


def run_settings(
    input: str | os.PathLike[str],
    *,
    output_format: str,
    model: str | None,
    source_lang: str,
    target_lang: str,
    engine: str | None = None,
    engine_options: Mapping[str, str] | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    options: GenerationOptions = GenerationOptions(),
    glossaries: Sequence[str | os.PathLike[str]] = (),
    columns: Columns = Columns(),
    window: int = DEFAULT_WINDOW,
    order: str = "input",
) -> dict[str, Any]:
    """The settings a run is journaled under: a resumed run must have the same ones.

    The input is described by its resolved path, size and the SHA-256 of its
    first MiB; each glossary by its path and SHA-256. Device and threads are
    not part of it.
    """
    from bilingual.outputs import sha256_of

    path = Path(input)
    with open(path, "rb") as handle:
        head = hashlib.sha256(handle.read(_HEAD)).hexdigest()
    return {
        "input": {"path": os.path.realpath(path), "bytes": path.stat().st_size, "head_sha256": head},
        "output_format": output_format,
        "model": model,
        "revision": revision,
        "engine": engine,
        "engine_options": dict(sorted((engine_options or {}).items())),
        "compute_type": compute_type,
        "generation": asdict(options),
        "direction": f"{source_lang}-{target_lang}",
        "glossaries": [{"path": os.path.realpath(g), "sha256": sha256_of(g)} for g in glossaries],
        "columns": asdict(columns),
        "window": window,
        "order": order,
    }


def pending_windows(records: Iterable[Record], window: int, done: Done) -> Iterator[tuple[int, list[Record]]]:
    """``(number, records)`` of each window that still has an article not in ``done``
    (whole windows: the articles already done are translated again with the others, so every
    batch is the one the first run had, but :class:`ArchiveWriter` does not write them twice)."""
    for number, chunk in enumerate(windows(records, window)):
        if not all(r.index in done for r in chunk):
            yield number, chunk


@contextlib.contextmanager
def open_output(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    settings: Mapping[str, Any],
    resume: bool,
    columns: Columns,
) -> Iterator[tuple[ArchiveWriter, ArchiveResult]]:
    """The journaled writer of ``output`` and the run's result so far: the articles an earlier
    run wrote and verified are ``kept`` (``already_complete`` when it finished the output).
    Shared by the single-process run and the Ray run."""
    out_fmt = archive_format(output)
    schema = parquet_schema(input, columns) if out_fmt == "parquet" else None
    result = ArchiveResult(Path(output))
    with ArchiveWriter(output, out_fmt, settings=settings, resume=resume, columns=columns, schema=schema) as writer:
        result.kept = writer.done.count
        result.already_complete = writer.complete
        result.articles = writer.finished_records if writer.complete else result.kept
        yield writer, result


def run_archive(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    translator: Translator,
    *,
    settings: Mapping[str, Any],
    columns: Columns = Columns(),
    window: int = DEFAULT_WINDOW,
    order: Order | str = "input",
    resume: bool = False,
    records: Iterable[Record] | None = None,
    on_article: OnArticle | None = None,
) -> ArchiveResult:
    """Translate the archive ``input`` into ``output`` with ``translator`` (see the module text).

    ``records`` are the input's records when the caller has started reading
    them (default: read from ``input``). ``on_article(item, result)`` is called
    after each article is written.
    """
    check_stream_options(window, order)
    with open_output(input, output, settings=settings, resume=resume, columns=columns) as (writer, result):
        if result.already_complete:
            return result
        source = records if records is not None else read_records(input, columns=columns, format=archive_format(input))
        for number, chunk in pending_windows(source, window, writer.done):
            for item in translate_window(chunk, translator, order=order, number=number):
                if writer.write(item.record):
                    result.count(item)
                    if on_article is not None:
                        on_article(item, result)
            writer.end_window(number)
        writer.finish()
    return result


def detect_direction(
    records: Iterator[Record], source_lang: str | None, target_lang: str | None, window: int
) -> tuple[tuple[str, str], Iterator[Record]]:
    """The run's (source, target): given, completed from one side, or detected from the text of
    the first window's articles; and the records again, those read for it included."""
    from bilingual.text.language import resolve_direction

    if source_lang is not None or target_lang is not None:
        return resolve_direction([], source_lang, target_lang), records
    head = [record for _, record in zip(range(window), records)]
    texts = [b.text for r in head for b in r.document.blocks if b.translatable]
    if not texts:
        raise InputError("the first articles have no text to detect the language from; give --from")
    return resolve_direction(texts), chain(head, records)


def translate_archive(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    model: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    engine: str | None = None,
    engine_options: Mapping[str, str] | None = None,
    glossaries: Sequence[str | os.PathLike[str]] = (),
    revision: str | None = None,
    device: str = "cpu",
    threads: int | None = None,
    compute_type: str | None = None,
    options: GenerationOptions = GenerationOptions(),
    columns: Columns = Columns(),
    window: int = DEFAULT_WINDOW,
    order: Order | str = "input",
    resume: bool = False,
    on_article: OnArticle | None = None,
    on_glossary: Callable[[Glossary], None] | None = None,
    ray: RayOptions | None = None,
    quiet: bool = False,
) -> ArchiveResult:
    """Translate the archive ``input`` (JSONL, JSONL.gz, JSONL.zst or Parquet) into ``output``.

    Checks every path and option before the model loads; with ``resume``,
    continues the run journaled next to ``output`` (see
    :mod:`bilingual.archive.journal`). With ``ray``, the translation runs on a
    Ray actor pool (:mod:`bilingual.archive.ray_runner`; ``threads`` is then per
    actor, default 1) and ``quiet`` keeps the workers' output off stderr.
    """
    from bilingual.models.registry import default_model
    from bilingual.translation.files import check_engine, check_generation, load_translator

    columns.check()
    check_stream_options(window, order)
    check_engine(engine)
    check_generation(options)
    if ray is not None:
        ray.check(window)
    in_fmt, out_fmt = check_archive_paths(input, output, glossaries)
    records = read_records(input, columns=columns, format=in_fmt)
    (source, target), records = detect_direction(records, source_lang, target_lang, window)
    name = model or default_model(source, target)
    settings = run_settings(
        input, output_format=out_fmt, model=name, source_lang=source, target_lang=target, engine=engine,
        engine_options=engine_options, revision=revision, compute_type=compute_type, options=options,
        glossaries=glossaries, columns=columns, window=window, order=order,
    )  # fmt: skip
    glossary = None
    if glossaries:
        from bilingual.glossary import load_glossaries

        glossary = load_glossaries(list(glossaries))
        if on_glossary is not None:
            on_glossary(glossary)
    if ray is not None:
        from bilingual.archive.ray_runner import EngineSpec, run_archive_on_ray

        spec = EngineSpec.of(
            name, source_lang=source, target_lang=target, glossary=glossary, engine=engine,
            engine_options=dict(engine_options or {}), revision=revision, device=device, threads=threads or 1,
            compute_type=compute_type, options=options,
        )  # fmt: skip
        return run_archive_on_ray(
            input, output, spec, settings=settings, columns=columns, window=window, order=order, resume=resume,
            ray_options=ray, on_article=on_article, quiet=quiet,
        )  # fmt: skip
    translator = load_translator(
        name, source_lang=source, target_lang=target, glossary=glossary, engine=engine, engine_options=engine_options,
        revision=revision, device=device, threads=threads, compute_type=compute_type, options=options,
    )  # fmt: skip
    return run_archive(
        input, output, translator, settings=settings, columns=columns, window=window, order=order,
        resume=resume, records=records, on_article=on_article,
    )  # fmt: skip
