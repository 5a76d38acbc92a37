"""Archive records: one article per JSON Lines line or Parquet row, read lazily, rendered back.

Formats, by the file name's ending (:func:`archive_format`):

- ``.jsonl`` (also ``.ndjson``), ``.jsonl.gz`` and ``.jsonl.zst``: one JSON
  object per line, UTF-8. A translated line is the original line with only
  the JSON text of the title and body strings replaced; other keys, their
  order, spacing, escapes and numbers come through byte for byte
  (:mod:`bilingual.formats.jsonl`). Blank lines before an article are kept with
  it; blank lines after the last article are dropped.
- ``.parquet``: one row per article, read one row batch at a time
  (``pyarrow.parquet.ParquetFile.iter_batches``). The output has the input's
  schema; only the title and body columns get new values.

The id, title and body keys (columns) are configurable (:class:`Columns`). A
record needs a title or a body (either may be null or missing, not both); a
record without an id is named ``FILE:LINE`` (JSONL) or ``FILE:row N``
(Parquet, from 1).

Compressed and Parquet files need the ``archive`` extra
(``pip install -e '.[archive]'`` from the checkout): a missing library is one error line
with that install line.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from bilingual.document import Document, render_block
from bilingual.errors import InputError
from bilingual.formats.jsonl import parse_jsonl_line, render_jsonl
from bilingual.formats.spans import line_ending
from bilingual.formats.text import parse_text

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "FORMATS",
    "Columns",
    "Record",
    "archive_format",
    "count_records",
    "family",
    "open_binary",
    "parquet_schema",
    "read_records",
    "record_from_line",
    "record_from_row",
    "render_line",
    "render_row",
]

# The archive formats, each with the file name endings that select it.
FORMATS: dict[str, tuple[str, ...]] = {
    "jsonl": (".jsonl", ".ndjson"),
    "jsonl.gz": (".jsonl.gz", ".ndjson.gz"),
    "jsonl.zst": (".jsonl.zst", ".ndjson.zst", ".jsonl.zstd"),
    "parquet": (".parquet", ".pq"),
}
INSTALL_ARCHIVE = "pip install -e '.[archive]' (from the checkout)"
PARQUET_BATCH_ROWS = 256  # rows read from a Parquet file at a time


@dataclass(frozen=True)
class Columns:
    """Which key (JSONL) or column (Parquet) holds each article's id, title and body."""

    id: str = "id"
    title: str = "title"
    body: str = "body"

    def check(self) -> Columns:
        """InputError for an empty name or the same name used twice; returns self."""
        names = {"--id-column": self.id, "--title-column": self.title, "--body-column": self.body}
        for flag, name in names.items():
            if not name:
                raise InputError(f"{flag} must not be empty")
        if len(set(names.values())) < 3:
            raise InputError(f"the id, title and body columns must differ (got {self.id!r}, {self.title!r}, {self.body!r})")
        return self


@dataclass
class Record:
    """One article of an archive.

    ``index`` is its position in the input, from 0 (blank lines not counted);
    ``document`` holds the title's blocks, then the body's, and is what the
    translator fills. ``row`` is the Parquet row as read (every column); for
    JSONL it is None and the original line lives in ``document.meta["jsonl"]``.
    """

    index: int
    id: str
    document: Document
    row: dict[str, Any] | None = None
    title_blocks: int = 0  # how many of the document's blocks are the title's (Parquet)


def archive_format(path: str | os.PathLike[str]) -> str:
    """The format of ``path`` from its name (see :data:`FORMATS`); InputError for any other name."""
    name = os.fspath(path).lower()
    for fmt, endings in FORMATS.items():
        if name.endswith(endings):
            return fmt
    known = ", ".join(e for endings in FORMATS.values() for e in endings)
    raise InputError(f"{os.fspath(path)}: not an archive file name; use one ending in {known}")


def family(fmt: str) -> str:
    """``jsonl`` for the JSON Lines formats (plain or compressed), ``parquet`` for Parquet."""
    return "parquet" if fmt == "parquet" else "jsonl"


def _require(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise InputError(f"{what} needs the {module.split('.')[0]} library: {INSTALL_ARCHIVE}") from None


def open_binary(path: str | os.PathLike[str], fmt: str) -> IO[bytes]:
    """The decompressed bytes of a JSON Lines archive (every gzip member, every zstd frame)."""
    if fmt == "jsonl.gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    raw = open(path, "rb")
    if fmt == "jsonl.zst":
        zstandard = _require("zstandard", "a .zst file")
        return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)  # type: ignore[no-any-return]
    return raw


def read_records(
    path: str | os.PathLike[str], *, columns: Columns = Columns(), format: str | None = None
) -> Iterator[Record]:
    """The records of ``path``, one at a time, never the whole file in memory.

    ``format`` is one of :data:`FORMATS` (default: from the name). InputError
    naming the file and line (or row) for a record that cannot be read.
    """
    fmt = format or archive_format(path)
    if fmt == "parquet":
        yield from _parquet_records(path, columns)
        return
    name = os.fspath(path)
    damaged: tuple[type[BaseException], ...] = (OSError, EOFError)  # gzip damage, a truncated file
    if fmt == "jsonl.zst":
        damaged += (_require("zstandard", "a .zst file").ZstdError,)
    try:
        with open_binary(path, fmt) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            index = 0
            blank = ""
            for lineno, line in enumerate(_lines(text, name), start=1):
                if lineno == 1 and line.startswith("\ufeff"):
                    blank, line = "\ufeff", line[1:]
                if not line.strip():
                    blank += line
                    continue
                record = record_from_line(line, index, columns=columns, where=f"{name}: line {lineno}", fallback_id=f"{name}:{lineno}")
                record.document.meta["jsonl"]["before"] = blank
                blank = ""
                index += 1
                yield record
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except damaged as exc:
        raise InputError(f"{name}: cannot read it as {fmt}: {exc}") from None


def _lines(text: io.TextIOWrapper, name: str) -> Iterator[str]:
    lineno = 0
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError:
            raise InputError(f"{name}: line {lineno + 1} is not UTF-8") from None
        if not line:
            return
        lineno += 1
        yield line


def record_from_line(
    line: str, index: int, *, columns: Columns = Columns(), where: str = "<input>", fallback_id: str | None = None
) -> Record:
    """One JSON Lines article from ``line`` (with or without its line ending); InputError naming ``where``."""
    eol = line_ending(line)
    content = line[: len(line) - len(eol)]
    doc = parse_jsonl_line(
        content, where=where, fallback_id=fallback_id or str(index), eol=eol or "\n",
        fields=(columns.title, columns.body), id_key=columns.id,
    )  # fmt: skip
    return Record(index=index, id=doc.id or str(index), document=doc)


def render_line(record: Record) -> str:
    """The record's JSON Lines text (its blank lines before it, the line, its line ending)."""
    return render_jsonl(record.document)


def record_from_row(
    row: dict[str, Any], index: int, *, columns: Columns = Columns(), where: str = "<input>", fallback_id: str | None = None
) -> Record:
    """One article from a table row (a dict of column values); InputError naming ``where``."""
    blocks = []
    counts = []
    for column, headline in ((columns.title, True), (columns.body, False)):
        value = row.get(column)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: column {column!r} must hold text, not {type(value).__name__}")
        part = parse_text(value or "", headline=headline)
        counts.append(len(part.blocks))
        blocks.extend(part.blocks)
    raw_id = row.get(columns.id)
    doc_id = (fallback_id or str(index)) if raw_id is None else str(raw_id)
    doc = Document(blocks=blocks, id=doc_id, format="parquet")
    return Record(index=index, id=doc_id, document=doc, row=row, title_blocks=counts[0])


def render_row(record: Record, columns: Columns = Columns()) -> dict[str, Any]:
    """The record's row with its title and body columns translated (other columns as read).

    A null or missing title or body stays as it was, and so does a field whose
    translation equals its source.
    """
    if record.row is None:
        raise InputError(f"article {record.id}: not read from a table, it has no row to write")
    row = dict(record.row)
    blocks = record.document.blocks
    parts = {columns.title: blocks[: record.title_blocks], columns.body: blocks[record.title_blocks :]}
    for column, part in parts.items():
        if row.get(column) is None:
            continue
        row[column] = "".join(render_block(b) for b in part)
    return row


def parquet_schema(path: str | os.PathLike[str], columns: Columns = Columns()) -> pyarrow.Schema:
    """The schema of a Parquet file; InputError if it has neither the title nor the body column,
    or one of them does not hold strings."""
    pq = _require("pyarrow.parquet", "a Parquet file")
    pa = _require("pyarrow", "a Parquet file")
    name = os.fspath(path)
    try:
        schema = pq.read_schema(path)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{name}: cannot read it as Parquet: {exc}") from None
    present = [c for c in (columns.title, columns.body) if c in schema.names]
    if not present:
        raise InputError(f"{name}: has neither a {columns.title!r} nor a {columns.body!r} column (columns: {', '.join(schema.names)})")
    for column in present:
        kind = schema.field(column).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)):
            raise InputError(f"{name}: column {column!r} holds {kind}, not text")
    return schema


def _parquet_records(path: str | os.PathLike[str], columns: Columns) -> Iterator[Record]:
    pq = _require("pyarrow.parquet", "a Parquet file")
    pa = _require("pyarrow", "a Parquet file")
    name = os.fspath(path)
    parquet_schema(path, columns)
    index = 0
    try:
        file = pq.ParquetFile(path)
        for batch in file.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for row in batch.to_pylist():
                yield record_from_row(row, index, columns=columns, where=f"{name}: row {index + 1}", fallback_id=f"{name}:row {index + 1}")
                index += 1
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{name}: cannot read it as Parquet: {exc}") from None


def count_records(path: str | os.PathLike[str], *, format: str | None = None) -> int | None:
    """How many articles ``path`` holds when that is cheap to know (Parquet metadata), else None."""
    fmt = format or archive_format(path)
    if fmt != "parquet":
        return None
    pq = _require("pyarrow.parquet", "a Parquet file")
    return int(pq.ParquetFile(path).metadata.num_rows)
