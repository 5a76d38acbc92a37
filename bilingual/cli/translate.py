"""``bilingual translate``: a thin layer over :mod:`bilingual.translation.pipeline`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

ENGINE_NAMES = ("transformers", "ctranslate2", "llama-cpp")


def register(app: typer.Typer) -> None:
    app.command("translate")(translate)


def translate(
    input: Annotated[str, typer.Argument(help="An article file, a folder of .txt/.md/.jsonl files, or - for stdin.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output file or folder (default: stdout).")
    ] = None,
    source_lang: Annotated[
        str | None, typer.Option("--from", help="Source language, ko or en (default: detected from the script).")
    ] = None,
    target_lang: Annotated[str | None, typer.Option("--to", help="Target language, ko or en (default: the other one).")] = None,
    model: Annotated[
        str | None,
        typer.Option(help="Hugging Face Hub id or local model folder (default: the pinned model for the direction; see `bilingual models`)."),
    ] = None,
    revision: Annotated[str | None, typer.Option(help="Hub revision (commit, tag or branch) to use.")] = None,
    engine: Annotated[
        str | None, typer.Option(help="transformers, ctranslate2 or llama-cpp (default: from the model).")
    ] = None,
    compute_type: Annotated[
        str | None, typer.Option("--compute-type", help="Weights precision, e.g. float32, float16, int8 (engine-dependent).")
    ] = None,
    device: Annotated[str, typer.Option(help="cpu or cuda.")] = "cpu",
    threads: Annotated[int | None, typer.Option(help="CPU threads for the engine (default: the library's choice).")] = None,
    beams: Annotated[int, typer.Option(help="Beam size.")] = 4,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Segments per batch (long segments go in smaller batches).")] = 16,
    max_length: Annotated[int, typer.Option("--max-length", help="Most target tokens generated for one segment.")] = 512,
    format: Annotated[str | None, typer.Option("--format", help="txt, md or jsonl (default: from the file extension).")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Input encoding, e.g. utf-8, cp949, euc-kr, utf-16 (default: detected).")
    ] = None,
    glossary: Annotated[
        list[Path] | None, typer.Option("--glossary", help="Glossary TSV file; repeat to combine (later files override).")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write a JSON report: every segment's source, output and glossary terms.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail (exit 1, no output written) if any glossary term was missed.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar, warnings or glossary override lines.")
    ] = False,
) -> None:
    """Translate Korean news articles into English, or English into Korean."""
    import warnings

    from bilingual.engines.base import GenerationOptions
    from bilingual.errors import DemoQualityWarning, EmptyTranslationError, InputError, LicenceWarning, StrictTermsError
    from bilingual.formats import plan_outputs, read_inputs, write_outputs
    from bilingual.text.language import resolve_direction
    from bilingual.translation.pipeline import Translator

    if engine is not None and engine not in ENGINE_NAMES:
        raise InputError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINE_NAMES)}")
    for name, value in (("--beams", beams), ("--batch-size", batch_size), ("--max-length", max_length)):
        if value < 1:
            raise InputError(f"{name} must be at least 1 (got {value})")

    docs = read_inputs(input, format=format, encoding=encoding)
    plan_outputs(docs, output)  # a bad output path fails now, not after the translation
    if report is not None:
        _check_report_path(report)
    source, target = resolve_direction(
        (b.text for d in docs for b in d.blocks if b.translatable), source_lang, target_lang
    )
    enforcer = None
    if glossary:
        from bilingual.cli.glossary import echo_overrides
        from bilingual.glossary import load_glossaries
        from bilingual.glossary.enforce import Enforcer

        loaded_glossary = load_glossaries(glossary)
        if not quiet:
            echo_overrides(loaded_glossary)
        enforcer = Enforcer(loaded_glossary, source, target)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LicenceWarning)
        warnings.simplefilter("always", DemoQualityWarning)
        translator = Translator.from_pretrained(
            model,
            source_lang=source,
            target_lang=target,
            engine=engine,
            revision=revision,
            device=device,
            threads=threads,
            compute_type=compute_type,
            enforcer=enforcer,
            options=GenerationOptions(beams=beams, max_length=max_length, batch_size=batch_size),
        )
    if not quiet:
        for warning in caught:
            if issubclass(warning.category, (LicenceWarning, DemoQualityWarning)):
                typer.echo(f"warning: {warning.message}", err=True)

    with _Progress(enabled=progress_enabled(quiet), threshold=batch_size) as progress:
        try:
            result = translator.translate_documents(docs, progress=progress.update)
        except EmptyTranslationError as exc:
            if report is not None:
                _write_report(report, exc.result)
            raise
    if report is not None:
        _write_report(report, result)
    missed = result.missed_terms
    if strict and missed:
        segment, event = missed[0]
        raise StrictTermsError(
            f"{len(missed)} glossary term(s) missed, e.g. {event.source} -> {event.target} "
            f"(document {segment.document or '-'}, block {segment.block}); nothing written"
        )
    write_outputs(result.documents, output)


def _check_report_path(path: Path) -> None:
    """InputError if a folder on the way to the report is a file (its missing folders are made when it is written)."""
    from bilingual.errors import InputError

    if path.is_dir():
        raise InputError(f"cannot write report {path}: it is a folder; give a file name")
    blocker = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise InputError(f"cannot write report {path}: {blocker} is a file, not a folder")


def _write_report(path: Path, result) -> None:
    import json

    from bilingual.errors import InputError

    data = result.report()
    _check_report_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write report {path}: {exc.strerror or exc}") from None


def progress_enabled(quiet: bool) -> bool:
    """A progress bar only when both stderr and stdout are terminals and not --quiet."""
    return not quiet and sys.stderr.isatty() and sys.stdout.isatty()


class _Progress:
    """A rich progress bar on stderr, shown only once a run has more than ``threshold`` segments."""

    def __init__(self, *, enabled: bool, threshold: int) -> None:
        self.enabled = enabled
        self.threshold = threshold
        self._bar = None
        self._task = None

    def __enter__(self) -> _Progress:
        return self

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total <= self.threshold:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("translating"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("segments", total=total)
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
