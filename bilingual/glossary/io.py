"""Reading and writing glossaries: canonical TSV, canonical CSV, plain two-column TSV/CSV.

The canonical file (``glossaries/*.tsv``) has the header row
``korean english korean_forms wrong_english kind status note`` (tab separated),
``" | "`` between several values in one field, ``#`` comments and blank lines
anywhere. Rows that were not edited are written back exactly as they were read.

A *plain* file is what DeepL and Google Cloud glossaries use: two columns,
Korean then English, TSV or CSV, optionally a header row of language codes.
TBX lives in :mod:`bilingual.glossary.tbx`.

CSV files are safe to open in a spreadsheet (the OWASP rule against CSV
injection): a cell that would start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, after any number of single quotes, is written with one more
single quote in front, which a spreadsheet shows as text. Reading a CSV takes
that one quote off again, so every value round-trips, a name that really
starts with a quote included (``'Ndrangheta`` is written as it is).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from bilingual.errors import GlossaryError
from bilingual.text.encoding import Decoded
from bilingual.text.encoding import read_file as read_encoded
from bilingual.glossary.terms import (
    COLUMNS,
    HEADER,
    KINDS,
    LIST_SEPARATOR,
    STATUSES,
    Comment,
    Glossary,
    Override,
    Term,
)

# the encoding="..." of an XML declaration
_XML_ENCODING = re.compile(r"""\A(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*(["'])[^"']*\2""")

FORMATS = ("tsv", "csv", "plain-tsv", "plain-csv", "tbx")
# Header rows of plain two-column files that are recognised (and written back).
_PLAIN_HEADERS = {("ko", "en"), ("korean", "english"), ("source", "target"), ("en", "ko"), ("english", "korean")}


# A CSV cell a spreadsheet would run as a formula (after any quotes already there).
_FORMULA_CELL = re.compile(r"\A'*[=+\-@\t\r]")
_QUOTED_FORMULA_CELL = re.compile(r"\A'+[=+\-@\t\r]")


def formula_like(value: str) -> bool:
    """True for a value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return."""
    return bool(value) and value[0] in "=+-@\t\r"


def csv_cell(value: str) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text: one single quote added before a formula start."""
    return "'" + value if _FORMULA_CELL.match(value) else value


def csv_value(cell: str) -> str:
    """The value of a CSV cell written by :func:`csv_cell` (the one added quote taken off)."""
    return cell[1:] if _QUOTED_FORMULA_CELL.match(cell) else cell


def join_list(values: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(values)


def make_term(fields: Sequence[str], *, source: str, line: int, raw: str = "") -> Term:
    """Validate the 7 canonical fields of one row and build a :class:`Term`."""
    where = f"{source}:{line}"
    if len(fields) != len(COLUMNS):
        raise GlossaryError(
            f"{where}: expected {len(COLUMNS)} tab-separated fields "
            f"({', '.join(COLUMNS)}), found {len(fields)}"
        )
    korean, english, forms, wrong, kind, status, note = fields
    if not korean.strip():
        raise GlossaryError(f"{where}: the korean field is empty")
    if not english.strip():
        raise GlossaryError(f"{where}: the english field is empty")
    if kind.strip() not in KINDS:
        raise GlossaryError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if status.strip() not in STATUSES:
        raise GlossaryError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
    for name, value in (("korean_forms", forms), ("wrong_english", wrong)):
        if "\n" in value or "\t" in value:
            raise GlossaryError(f"{where}: {name} holds a tab or newline")
    return Term(
        korean=korean,
        english=english,
        korean_forms=split_field(forms),
        wrong_english=split_field(wrong),
        kind=kind.strip(),
        status=status.strip(),
        note=note,
        source=source,
        line=line,
        raw=raw,
    )


def split_field(value: str) -> tuple[str, ...]:
    if value.strip() == "":
        return ()
    parts = value.split("|")
    # "a | b" -> "a", "b": one space each side belongs to the separator; any
    # further padding stays on the item, where lint reports it.
    cleaned = []
    for index, part in enumerate(parts):
        if index > 0 and part.startswith(" "):
            part = part[1:]
        if index < len(parts) - 1 and part.endswith(" "):
            part = part[:-1]
        cleaned.append(part)
    return tuple(cleaned)


def term_fields(term: Term) -> list[str]:
    return [
        term.korean,
        term.english,
        join_list(term.korean_forms),
        join_list(term.wrong_english),
        term.kind,
        term.status,
        term.note,
    ]


def format_row(term: Term) -> str:
    """The canonical TSV row of a term (the original text when the row was not changed)."""
    if term.raw:
        try:
            again = make_term(term.raw.split("\t"), source=term.source, line=term.line)
        except GlossaryError:
            again = None
        if again == term:
            return term.raw
    for value in term_fields(term):
        if "\t" in value or "\n" in value or "\r" in value:
            raise GlossaryError(f"{term.korean.strip()}: a field holds a tab or a line break")
    return "\t".join(term_fields(term))


def _is_comment(line: str) -> bool:
    return line.strip() == "" or line.lstrip().startswith("#")


# ---------------------------------------------------------------- TSV


def parse_tsv(text: str, *, source: str = "<text>") -> Glossary:
    """Parse canonical TSV; if the first row is not the canonical header, parse a plain file."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    first = next((line for line in lines if not _is_comment(line)), None)
    if first is not None and first.rstrip("\r") != HEADER and first.split("\t")[0].strip() == "korean":
        raise GlossaryError(f"{source}: the header row must be exactly: {HEADER.replace(chr(9), ' <TAB> ')}")
    if first is None or first.rstrip("\r") != HEADER:
        return _parse_plain(lines, source=source, delimiter="\t")
    glossary = Glossary(path=source)
    seen_header = False
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if _is_comment(line):
            (glossary.entries if seen_header else glossary.preamble).append(Comment(line, number))
            continue
        if not seen_header:
            seen_header = True  # the header row itself
            continue
        glossary.entries.append(make_term(line.split("\t"), source=source, line=number, raw=line))
    return glossary


def dump_tsv(glossary: Glossary) -> str:
    out = [comment.text for comment in glossary.preamble]
    out.append(HEADER)
    for entry in glossary.entries:
        out.append(entry.text if isinstance(entry, Comment) else format_row(entry))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- plain two-column files


def _plain_rows(lines: list[str], delimiter: str, source: str) -> Iterable[tuple[int, list[str] | str]]:
    """(line number, fields) for rows, (line number, text) for comments/blank lines."""
    if delimiter == "\t":
        for number, line in enumerate(lines, start=1):
            line = line.rstrip("\r")
            yield number, (line if _is_comment(line) else line.split("\t"))
        return
    # CSV: comment lines are taken as they are; a record may span lines inside quotes.
    index = 0
    while index < len(lines):
        number = index + 1
        if _is_comment(lines[index]):
            yield number, lines[index].rstrip("\r")
            index += 1
            continue
        chunk = [lines[index]]
        while "\n".join(chunk).count('"') % 2 == 1 and index + len(chunk) < len(lines):
            chunk.append(lines[index + len(chunk)])
        index += len(chunk)
        try:
            rows = list(csv.reader(io.StringIO("\n".join(chunk) + "\n"), strict=True))
        except csv.Error as exc:
            raise GlossaryError(f"{source}:{number}: malformed CSV: {exc}") from None
        if len(rows) != 1:
            raise GlossaryError(f"{source}:{number}: malformed CSV record")
        yield number, [csv_value(cell) for cell in rows[0]]


def _parse_plain(lines: list[str], *, source: str, delimiter: str) -> Glossary:
    glossary = Glossary(path=source, layout="plain")
    for number, row in _plain_rows(lines, delimiter, source):
        if isinstance(row, str):
            glossary.entries.append(Comment(row, number))
            continue
        if len(row) != 2:
            sep = "tab" if delimiter == "\t" else "comma"
            raise GlossaryError(
                f"{source}:{number}: expected 2 {sep}-separated fields (Korean, English) "
                f"or the {len(COLUMNS)}-column canonical header, found {len(row)} field(s)"
            )
        korean, english = row
        if not glossary.terms and glossary.plain_header is None and (korean.strip().lower(), english.strip().lower()) in _PLAIN_HEADERS:
            glossary.plain_header = (korean, english)
            continue
        if not korean.strip() or not english.strip():
            raise GlossaryError(f"{source}:{number}: empty Korean or English field")
        glossary.entries.append(Term(korean, english, source=source, line=number))
    if glossary.plain_header and glossary.plain_header[0].strip().lower() in ("en", "english"):
        # An English-first file: swap the columns so ``korean`` holds Korean.
        glossary.entries = [
            Term(e.english, e.korean, source=e.source, line=e.line) if isinstance(e, Term) else e
            for e in glossary.entries
        ]
    return glossary


def dump_plain(glossary: Glossary, *, delimiter: str) -> str:
    """Two columns. Comments are kept when the glossary came from a plain file; a canonical
    glossary exported to plain drops them, so that DeepL and Google accept the file."""
    keep_comments = glossary.layout == "plain"
    swap = bool(glossary.plain_header and glossary.plain_header[0].strip().lower() in ("en", "english"))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL) if delimiter == "," else None
    if glossary.plain_header:
        _write_plain_row(out, writer, list(glossary.plain_header), delimiter)
    for entry in glossary.entries:
        if isinstance(entry, Comment):
            if keep_comments:
                out.write(entry.text + "\n")
            continue
        row = [entry.english, entry.korean] if swap else [entry.korean, entry.english]
        _write_plain_row(out, writer, row, delimiter)
    return out.getvalue()


def _write_plain_row(out: io.StringIO, writer, row: list[str], delimiter: str) -> None:
    if writer is not None:
        writer.writerow([csv_cell(value) for value in row])
        return
    if any("\t" in value or "\n" in value for value in row):
        raise GlossaryError(f"{row[0].strip()}: a field holds a tab or line break, which plain TSV cannot carry")
    out.write("\t".join(row) + "\n")


# ---------------------------------------------------------------- canonical CSV


def parse_csv(text: str, *, source: str = "<text>") -> Glossary:
    """Canonical CSV (the 7 columns with their header) or a plain two-column CSV."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    rows = list(_plain_rows(lines, ",", source))
    first = next((row for _, row in rows if not isinstance(row, str)), None)
    if first is None or [value.strip() for value in first] != list(COLUMNS):
        return _parse_plain(lines, source=source, delimiter=",")
    glossary = Glossary(path=source)
    seen_header = False
    for number, row in rows:
        if isinstance(row, str):
            (glossary.entries if seen_header else glossary.preamble).append(Comment(row, number))
            continue
        if not seen_header:
            seen_header = True
            continue
        glossary.entries.append(make_term(row, source=source, line=number))
    return glossary


def dump_csv(glossary: Glossary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for comment in glossary.preamble:
        out.write(comment.text + "\n")
    writer.writerow(COLUMNS)
    for entry in glossary.entries:
        if isinstance(entry, Comment):
            out.write(entry.text + "\n")
        else:
            writer.writerow([csv_cell(value) for value in term_fields(entry)])
    return out.getvalue()


# ---------------------------------------------------------------- dispatch


def detect_format(path: str | Path, text: str | None = None) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".tbx", ".xml"):
        return "tbx"
    if suffix == ".csv":
        return "csv"
    if text is not None and text.lstrip("\ufeff \n").startswith("<"):
        return "tbx"
    return "tsv"


def parse(text: str, fmt: str, *, source: str = "<text>") -> Glossary:
    if fmt in ("tsv", "plain-tsv"):
        return parse_tsv(text, source=source)
    if fmt in ("csv", "plain-csv"):
        return parse_csv(text, source=source)
    if fmt == "tbx":
        from bilingual.glossary.tbx import parse_tbx

        return parse_tbx(text, source=source)
    raise GlossaryError(f"unknown glossary format {fmt!r} (known: {', '.join(FORMATS)})")


def dump(glossary: Glossary, fmt: str) -> str:
    """Write ``glossary`` as ``fmt``: tsv, csv (canonical or the file's own plain layout), plain-tsv, plain-csv, tbx."""
    if fmt == "tsv":
        return dump_plain(glossary, delimiter="\t") if glossary.layout == "plain" else dump_tsv(glossary)
    if fmt == "csv":
        return dump_plain(glossary, delimiter=",") if glossary.layout == "plain" else dump_csv(glossary)
    if fmt == "plain-tsv":
        return dump_plain(glossary, delimiter="\t")
    if fmt == "plain-csv":
        return dump_plain(glossary, delimiter=",")
    if fmt == "canonical":
        return dump_tsv(glossary)
    if fmt == "tbx":
        from bilingual.glossary.tbx import dump_tbx

        return dump_tbx(glossary)
    raise GlossaryError(f"unknown glossary format {fmt!r} (known: {', '.join(FORMATS)}, canonical)")


def read_file(path: str | Path) -> Decoded:
    """A glossary file's text, and the encoding, BOM and line breaks an edit writes back."""
    return read_encoded(path, what="glossary", empty_ok=True, error=GlossaryError)


def load_glossary(path: str | Path, *, fmt: str | None = None) -> Glossary:
    """Read one glossary file (canonical TSV, CSV, plain TSV/CSV or TBX)."""
    return parse_file(read_file(path).text, path, fmt=fmt)


def parse_file(text: str, path: str | Path, *, fmt: str | None = None) -> Glossary:
    """Parse the text read from the glossary file ``path`` (``fmt=None``: from its name and content)."""
    fmt = fmt or detect_format(path, text)
    if fmt == "tbx":
        # decoded already: a declared encoding must not make the XML parser decode it again
        text = _XML_ENCODING.sub(r"\1", text, count=1)
    return parse(text, fmt, source=str(path))


def merge(glossaries: Sequence[Glossary]) -> Glossary:
    """Merge glossaries in order; an approved term of a later one replaces the earlier approved
    term with the same Korean term (recorded in ``overrides`` when the English differs)."""
    merged = Glossary(path=", ".join(g.path for g in glossaries))
    position: dict[str, int] = {}
    for glossary in glossaries:
        merged.overrides.extend(glossary.overrides)
        for entry in glossary.entries:
            if isinstance(entry, Comment):
                merged.entries.append(entry)
                continue
            key = entry.korean.strip()
            if entry.status == "approved" and key in position:
                old = merged.entries[position[key]]
                merged.entries[position[key]] = entry
                if isinstance(old, Term) and old != entry:
                    merged.overrides.append(Override(old, entry))
                continue
            if entry.status == "approved":
                position[key] = len(merged.entries)
            merged.entries.append(entry)
    return merged


def load_glossaries(paths: Sequence[str | Path]) -> Glossary:
    """Read several glossaries; later files override earlier ones (see ``Glossary.overrides``)."""
    if not paths:
        raise GlossaryError("no glossary given")
    glossaries = [load_glossary(path) for path in paths]
    if len(glossaries) == 1:
        return glossaries[0]
    return merge(glossaries)
