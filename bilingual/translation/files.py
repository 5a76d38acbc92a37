"""Translating article files: read them, translate with a glossary, report, check, write.

:func:`translate_files` is the whole of ``bilingual translate``: read the
inputs, decide where each output goes (a bad path fails before any model is
loaded), resolve each article's direction, load the glossaries, load each
direction's model with its glossary enforcer, translate, write the JSON
report, refuse a strict run that missed a glossary term, and write the outputs.
:func:`load_translator` is the model-and-enforcer part alone, which
``bilingual eval --model`` uses for the segments of a corpus.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bilingual.engines.base import GenerationOptions
from bilingual.errors import EmptyTranslationError, InputError, StrictTermsError

if TYPE_CHECKING:
    from bilingual.document import Document
    from bilingual.glossary.terms import Glossary
    from bilingual.memory.store import TranslationMemory
    from bilingual.translation.directions import Direction, DirectionGroup
    from bilingual.outputs import RunJournal
    from bilingual.translation.pipeline import Progress, Translator
    from bilingual.translation.report import TranslationResult


@dataclass
class FilesResult:
    """What :func:`translate_files` did: the direction, the translation and its report, the files written."""

    source_lang: str
    target_lang: str
    translation: TranslationResult
    written: list[Path] = field(default_factory=list)  # empty when the output went to stdout

    @property
    def groups(self) -> list[DirectionGroup]:
        """The articles of each direction (``source_lang``/``target_lang`` are the first group's, the largest)."""
        return list(getattr(self.translation, "groups", []))


def engine_names() -> tuple[str, ...]:
    """The engines this installation knows, as ``--engine`` takes them."""
    from bilingual.engines import ENGINE_NAMES

    return tuple(ENGINE_NAMES)


def check_engine(engine: str | None) -> None:
    """InputError for an engine name that no engine has (None: detected from the model)."""
    if engine is not None and engine not in engine_names():
        raise InputError(f"unknown engine {engine!r}; use one of: {', '.join(engine_names())}")


def check_generation(options: GenerationOptions) -> None:
    """InputError naming the first of beams, batch size and maximum length below 1."""
    for flag, value in (("--beams", options.beams), ("--batch-size", options.batch_size), ("--max-length", options.max_length)):
        if value < 1:
            raise InputError(f"{flag} must be at least 1 (got {value})")


def load_translator(
    model: str | None,
    *,
    source_lang: str,
    target_lang: str,
    glossary: Glossary | None = None,
    engine: str | None = None,
    engine_options: Mapping[str, str] | None = None,
    revision: str | None = None,
    device: str = "cpu",
    threads: int | None = None,
    compute_type: str | None = None,
    options: GenerationOptions = GenerationOptions(),
    memory: TranslationMemory | None = None,
    memory_threshold: float = 85.0,
) -> Translator:
    """A :class:`~bilingual.translation.pipeline.Translator` for ``model`` that enforces ``glossary`` (if given)
    and consults ``memory`` first (if given)."""
    from bilingual.translation.pipeline import Translator

    check_engine(engine)
    enforcer = None
    if glossary is not None:
        from bilingual.glossary.enforce import Enforcer

        enforcer = Enforcer(glossary, source_lang, target_lang)
    translator = Translator.from_pretrained(
        model,
        source_lang=source_lang,
        target_lang=target_lang,
        engine=engine,
        engine_options=engine_options,
        revision=revision,
        device=device,
        threads=threads,
        compute_type=compute_type,
        enforcer=enforcer,
        options=options,
    )
    if memory is not None:
        translator.memory, translator.memory_threshold = memory, memory_threshold
    return translator


def check_memory_threshold(threshold: float, flag: str = "--tm-threshold") -> None:
    """InputError for a fuzzy match threshold outside (0, 100]."""
    if not 0 < threshold <= 100:
        raise InputError(f"{flag} must be above 0 and at most 100, not {threshold:g}")


def translate_files(
    input: str | Path,
    output: str | Path | None = None,
    *,
    model: str | None = None,
    models: Mapping[Direction, str] | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    engine: str | None = None,
    engine_options: Mapping[str, str] | None = None,
    glossaries: Sequence[str | Path] = (),
    report: Path | None = None,
    strict: bool = False,
    format: str | None = None,
    encoding: str | None = None,
    revision: str | None = None,
    device: str = "cpu",
    threads: int | None = None,
    compute_type: str | None = None,
    options: GenerationOptions = GenerationOptions(),
    progress: Progress | None = None,
    on_glossary: Callable[[Glossary], None] | None = None,
    memory: str | Path | None = None,
    memory_threshold: float = 85.0,
) -> FilesResult:
    """Translate an article file, a folder of them or ``"-"`` (stdin) into ``output`` (None: stdout).

    Every article goes ``source_lang`` -> ``target_lang`` (one completed from the
    other) or, with neither, the way the script of its own text shows, so a
    folder of Korean and English articles is translated both ways
    (:mod:`bilingual.translation.directions`; the result's ``groups`` say which
    article went which way). Each direction is translated by
    ``models[(source, target)]``, else ``model``, else its pinned default, each
    loaded once; one ``model`` for both directions is refused unless it is
    known to translate both. ``glossaries`` are combined (later files override
    earlier ones) and enforced in each direction; ``on_glossary`` is called with
    the combined glossary before the models load (e.g. to show its overrides).
    ``report`` is written whenever the translation finished, also when it then
    fails (a segment left empty, or a missed term under ``strict``), and gives
    each article's direction. With ``strict``, a missed glossary term
    raises :class:`~bilingual.errors.StrictTermsError` and nothing is written.
    ``progress(done, total)`` is called as segments are translated.
    ``memory`` (a translation memory file, :mod:`bilingual.memory.store`) is
    consulted before the engine: exact matches, then fuzzy ones scoring at
    least ``memory_threshold``; the report gives each segment's origin.
    """
    from bilingual.formats import plan_outputs, read_inputs, write_outputs
    from bilingual.formats.languages import check_direction
    from bilingual.translation.directions import group_by_direction, models_for, translate_groups

    check_engine(engine)
    check_generation(options)
    docs = read_inputs(input, format=format, encoding=encoding)
    plan = plan_outputs(docs, output)  # a bad output path fails now, not after the translation
    check_paths(docs, output, plan, glossaries, report)
    tm = None
    if memory is not None:
        from bilingual.memory.store import TranslationMemory
        from bilingual.outputs import check_outputs

        check_memory_threshold(memory_threshold)
        check_outputs([("--tm", memory)], [("-o", target) for target, _ in plan] + [("--report", report)])
        tm = TranslationMemory.open(memory, create=False)
    groups = group_by_direction(docs, source_lang, target_lang)
    for group in groups:  # an XLIFF or PO file that declares other languages fails before the models load
        for doc in group.documents:
            check_direction(doc, group.source_lang, group.target_lang)
    chosen = models_for(groups, model, models)
    source, target = groups[0].direction
    glossary = None
    if glossaries:
        from bilingual.glossary import load_glossaries

        glossary = load_glossaries(list(glossaries))
        if on_glossary is not None:
            on_glossary(glossary)
    translators = [
        load_translator(
            name, source_lang=group.source_lang, target_lang=group.target_lang, glossary=glossary, engine=engine,
            engine_options=engine_options, revision=revision, device=device, threads=threads,
            compute_type=compute_type, options=options, memory=tm, memory_threshold=memory_threshold,
        )
        for group, name in zip(groups, chosen)
    ]  # fmt: skip
    journal = start_journal(docs, output, plan)
    try:
        result = translate_groups(docs, groups, translators, progress=progress)
    except EmptyTranslationError as exc:
        if report is not None:
            write_report(report, exc.result)
        raise
    if report is not None:
        write_report(report, result)
    if strict:
        check_strict(result)
    return FilesResult(source, target, result, write_outputs(result.documents, output, journal=journal))


def check_strict(result: TranslationResult) -> None:
    """StrictTermsError naming the first missed glossary term, or else the first Hangul
    left in an English output. Unknown names in the source are reported, never fatal."""
    missed = result.missed_terms
    if missed:
        segment, event = missed[0]
        raise StrictTermsError(
            f"{len(missed)} glossary term(s) missed, e.g. {event.source} -> {event.target} "
            f"(document {segment.document or '-'}, block {segment.block}); nothing written"
        )
    left = result.hangul_left
    if left:
        segment, event = left[0]
        raise StrictTermsError(
            f"{len(left)} run(s) of Hangul left in the English output, e.g. {event.matched!r} "
            f"(document {segment.document or '-'}, block {segment.block}); nothing written"
        )


def check_report_path(path: Path) -> None:
    """OutputError if the report cannot be a file: it is a folder, or a folder on the way is a file
    (its missing folders are made when it is written)."""
    from bilingual.outputs import check_target

    check_target(path, "report")


def check_paths(
    docs: Sequence[Document],
    output: str | Path | None,
    plan: Sequence[tuple[Path | None, object]],
    glossaries: Sequence[str | Path] = (),
    report: Path | None = None,
) -> None:
    """OutputError, before any model loads, for a report path that cannot be written, or an output
    (``-o`` file, each file of an output folder, its run journal, ``--report``) that is an input
    (an article or a glossary) or another output."""
    from bilingual.formats import output_folder
    from bilingual.outputs import JOURNAL_NAME, check_outputs

    if report is not None:
        check_report_path(report)
    sources = dict.fromkeys(str(d.meta["source"]) for d in docs if d.meta.get("source") not in (None, "<stdin>"))
    outputs: list[tuple[str, object]] = [("-o", target) for target, _ in plan]
    folder = output_folder(list(docs), output)
    if folder is not None:
        outputs.append(("the run journal", folder / JOURNAL_NAME))
    outputs.append(("--report", report))
    check_outputs([*(("the article", s) for s in sources), *(("the glossary", g) for g in glossaries)], outputs)


def start_journal(docs: Sequence[Document], output: str | Path | None, plan: Sequence[tuple[Path | None, object]]) -> RunJournal | None:
    """The started journal of a run that writes a folder of outputs (None for one file or stdout)."""
    from bilingual.formats import output_folder
    from bilingual.outputs import RunJournal

    folder = output_folder(list(docs), output)
    if folder is None:
        return None
    return RunJournal(folder, command="translate", planned=[t for t, _ in plan if t is not None]).start()


def write_report(path: Path, result: TranslationResult) -> None:
    """Write ``result.report()`` as JSON to ``path`` atomically, making its missing folders."""
    from bilingual.outputs import write_atomic

    write_atomic(path, json.dumps(result.report(), ensure_ascii=False, indent=2) + "\n", what="report")


__all__ = [
    "FilesResult",
    "check_engine",
    "check_paths",
    "check_report_path",
    "check_strict",
    "engine_names",
    "load_translator",
    "start_journal",
    "translate_files",
    "write_report",
]
