"""``bilingual glossary ...``: maintain name glossaries and look terms up.

Thin layer: options are parsed here, the work is done by ``bilingual.glossary``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bilingual.cli.help import Typer

glossary_app = Typer(
    help="Maintain name glossaries (canonical TSV, CSV, TBX) and find their terms in text.",
    no_args_is_help=True,
)

DEFAULT_GLOSSARY = Path("glossaries/names.tsv")

GlossaryOption = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--glossary", "-g",
        help="Glossary file (canonical TSV, CSV, plain two-column TSV/CSV, TBX). Repeatable: later files "
        "override earlier ones. Default: glossaries/names.tsv.",
    ),
]
EditGlossaryOption = Annotated[
    Path, typer.Option("--glossary", "-g", help="The glossary file to edit (canonical TSV or CSV).")
]


def _load(paths: list[Path] | None):
    from bilingual.glossary import load_glossaries

    glossary = load_glossaries(paths or [DEFAULT_GLOSSARY])
    echo_overrides(glossary)
    return glossary


def echo_overrides(glossary, shown: set[str] | None = None) -> None:
    """One line on stderr for each term that a later glossary file overrode (nothing when none did).

    Lines already in ``shown`` are skipped and the printed ones added to it.
    """
    for override in glossary.overrides:
        line = f"glossary: {override.describe()}"
        if shown is None or line not in shown:
            typer.echo(line, err=True)
            if shown is not None:
                shown.add(line)


def _row(term) -> str:
    from bilingual.glossary.io import term_fields

    return "\t".join(term_fields(term))


def _read_text(path: Path | None) -> str:
    from bilingual.text.encoding import read_text

    return read_text("-" if path is None else path, empty_ok=True, stdin=True)


@glossary_app.command("add")
def add(
    korean: Annotated[str, typer.Argument(help="The Korean term.")],
    english: Annotated[str, typer.Argument(help="Its English rendering.")],
    glossary: EditGlossaryOption = DEFAULT_GLOSSARY,
    forms: Annotated[str, typer.Option("--forms", help="Other Korean forms, 'a | b'.")] = "",
    wrong: Annotated[str, typer.Option("--wrong", help="Wrong English renderings to replace, 'a | b'.")] = "",
    kind: Annotated[str, typer.Option("--kind", help="person, organisation, place, title, other.")] = "other",
    status: Annotated[str, typer.Option("--status", help="approved, forbidden, deprecated.")] = "approved",
    note: Annotated[str, typer.Option("--note", help="Free text.")] = "",
    create: Annotated[bool, typer.Option("--create", help="Start the file if it does not exist.")] = False,
) -> None:
    """Append a term (the file is locked, re-read and replaced atomically)."""
    from bilingual.glossary.edit import add_term
    from bilingual.glossary.io import split_field
    from bilingual.glossary.terms import Term

    term = Term(korean, english, split_field(forms), split_field(wrong), kind, status, note)
    add_term(glossary, term, create=create)
    typer.echo(f"added {korean} -> {english} to {glossary}", err=True)


@glossary_app.command("remove")
def remove(
    korean: Annotated[str, typer.Argument(help="The Korean term of the row to remove.")],
    glossary: EditGlossaryOption = DEFAULT_GLOSSARY,
    english: Annotated[Optional[str], typer.Option("--english", help="Choose among rows of the same Korean term.")] = None,
) -> None:
    """Remove one row."""
    from bilingual.glossary.edit import remove_term

    removed = remove_term(glossary, korean, english)
    typer.echo(f"removed {removed.korean.strip()} -> {removed.english.strip()} from {glossary}", err=True)


@glossary_app.command("set")
def set_(
    korean: Annotated[str, typer.Argument(help="The Korean term of the row to change.")],
    field: Annotated[str, typer.Argument(help="korean, english, korean_forms, wrong_english, kind, status or note.")],
    value: Annotated[str, typer.Argument(help="The new value ('a | b' for list fields).")],
    glossary: EditGlossaryOption = DEFAULT_GLOSSARY,
    english: Annotated[Optional[str], typer.Option("--english", help="Choose among rows of the same Korean term.")] = None,
) -> None:
    """Set one field of one row."""
    from bilingual.glossary.edit import set_field

    term = set_field(glossary, korean, field, value, english=english)
    typer.echo(_row(term))


@glossary_app.command("find")
def find(
    query: Annotated[str, typer.Argument(help="Text to look for in any column (case-insensitive; spaces ignored in Korean).")],
    glossary: GlossaryOption = None,
) -> None:
    """Print the rows (file:line, then the row) that mention QUERY."""
    from bilingual.glossary.match import normalise

    g = _load(glossary)
    needle_ko = normalise(query, "ko")[0].lower()
    needle_en = normalise(query, "en")[0]
    found = 0
    for term in g.terms:
        korean_side = [normalise(s, "ko")[0].lower() for s in (term.korean, *term.korean_forms)]
        english_side = [normalise(s, "en")[0] for s in (term.english, *term.wrong_english, term.note)]
        if any(needle_ko in s for s in korean_side) or (needle_en and any(needle_en in s for s in english_side)):
            typer.echo(f"{term.where}\t{_row(term)}")
            found += 1
    if not found:
        typer.echo(f"no row mentions {query!r}", err=True)
        raise typer.Exit(1)


@glossary_app.command("list")
def list_(
    glossary: GlossaryOption = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind.")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="Only this status.")] = None,
) -> None:
    """Print the terms as canonical TSV rows (with the header)."""
    from bilingual.glossary.terms import HEADER

    g = _load(glossary)
    typer.echo(HEADER)
    for term in g.terms:
        if (kind is None or term.kind == kind) and (status is None or term.status == status):
            typer.echo(_row(term))


@glossary_app.command("lint")
def lint_command(
    glossary: GlossaryOption = None,
    corpus: Annotated[
        Optional[list[Path]],
        typer.Option("--corpus", help="Korean text (file, or folder of *.ko.txt) for the short-term and near-miss checks. "
                     "Default: corpora/ when it exists."),
    ] = None,
) -> None:
    """Find duplicates, conflicting English terms, padded/empty values, wrong scripts, risky short terms, near-miss spellings in a corpus, spreadsheet-formula cells."""
    from bilingual.glossary.lint import corpus_texts, lint

    paths = glossary or [DEFAULT_GLOSSARY]
    texts = corpus_texts(corpus if corpus is not None else ([Path("corpora")] if Path("corpora").is_dir() else []))
    errors = 0
    total = 0
    for path in paths:
        for issue in lint(_load([path]), texts):
            typer.echo(str(issue))
            total += 1
            errors += issue.severity == "error"
    if len(paths) > 1:
        _load(paths)  # report overrides between the files
    typer.echo(f"{total} issue(s), {errors} error(s)", err=True)
    if errors:
        raise typer.Exit(1)


@glossary_app.command("stats")
def stats(glossary: GlossaryOption = None) -> None:
    """Count terms by kind and status, forms and wrong renderings."""
    from collections import Counter

    from bilingual.glossary.terms import Comment

    g = _load(glossary)
    terms = g.terms
    typer.echo(f"terms\t{len(terms)}")
    for name, counter in (("kind", Counter(t.kind for t in terms)), ("status", Counter(t.status for t in terms))):
        for key, n in sorted(counter.items()):
            typer.echo(f"{name}:{key}\t{n}")
    typer.echo(f"korean_forms\t{sum(len(t.korean_forms) for t in terms)}")
    typer.echo(f"wrong_english\t{sum(len(t.wrong_english) for t in terms)}")
    typer.echo(f"comments\t{sum(1 for e in g.entries if isinstance(e, Comment)) + len(g.preamble)}")


def _convert(source: Path, dest: Path, source_format: str | None, dest_format: str) -> None:
    from bilingual.glossary import io as glossary_io
    from bilingual.outputs import check_outputs, write_atomic

    check_outputs([("SOURCE", source)], [("DEST", dest)])
    glossary = glossary_io.load_glossary(source, fmt=source_format)
    text = glossary_io.dump(glossary, dest_format)
    if str(dest) == "-":
        sys.stdout.write(text)
        return
    write_atomic(dest, text)
    typer.echo(f"wrote {len(glossary)} term(s) to {dest} ({dest_format})", err=True)


FormatOption = Annotated[
    Optional[str],
    typer.Option("--from", help="tsv, csv or tbx (default: from the file name and content)."),
]


@glossary_app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="A TBX, CSV or plain two-column file.")],
    dest: Annotated[Path, typer.Argument(help="The canonical TSV to write ('-' for stdout).")],
    source_format: FormatOption = None,
) -> None:
    """Convert TBX / CSV / plain TSV to the canonical TSV form."""
    _convert(source, dest, source_format, "canonical")


@glossary_app.command("export")
def export(
    source: Annotated[Path, typer.Argument(help="A glossary (usually canonical TSV).")],
    dest: Annotated[Path, typer.Argument(help="Where to write ('-' for stdout).")],
    to: Annotated[
        Optional[str],
        typer.Option("--to", help="tbx, csv (7 columns), plain-csv / plain-tsv (Korean, English: DeepL, Google). "
                     "Default: from DEST's extension."),
    ] = None,
    source_format: FormatOption = None,
) -> None:
    """Convert a glossary to TBX, CSV or a plain two-column file."""
    from bilingual.errors import GlossaryError
    from bilingual.glossary.io import detect_format

    fmt = to or (detect_format(dest) if str(dest) != "-" else None)
    if fmt is None:
        raise GlossaryError("give --to when writing to stdout")
    _convert(source, dest, source_format, fmt)


@glossary_app.command("match")
def match(
    text_file: Annotated[Optional[Path], typer.Argument(help="Text file ('-' or nothing: stdin).")] = None,
    glossary: GlossaryOption = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the text: ko or en.")] = "ko",
    method: Annotated[str, typer.Option("--method", help="combined (default), particles, kiwi.")] = "combined",
) -> None:
    """Print every glossary term found in the text as JSON Lines (start/end character offsets)."""
    from bilingual.glossary.match import find_terms

    g = _load(glossary)
    text = _read_text(text_file)
    for m in find_terms(g, text, lang, method=method):
        typer.echo(json.dumps(m.as_dict(), ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.add_typer(glossary_app, name="glossary")
