"""Writing an archive resumably: the output grows in a partial file, an append-only journal beside it.

For an output ``OUTPUT`` a run writes three things next to it:

- ``OUTPUT.bilingual-partial``: the output so far (JSON Lines formats), one
  article appended as soon as it is translated; for ``.jsonl.gz`` each article
  is its own gzip member, for ``.jsonl.zst`` its own zstd frame (readers of
  both formats read every member/frame, so the file is one ordinary archive).
- ``OUTPUT.bilingual-parts/part-NNNNNN.parquet`` (Parquet): one file per
  window of articles, each written atomically; joined into one Parquet file
  (one row group per part) when the run ends.
- ``OUTPUT.bilingual-journal``: JSON Lines. The first line describes the run
  (its settings: input, model, glossaries, direction, columns, window,
  order); then one line per article written (JSON Lines formats) or per part
  (Parquet), with where its bytes are and their SHA-256; a last ``complete``
  line holds the SHA-256 of the finished output.

When every article is written, the output is fsync-ed, the ``complete`` line
appended, and the partial file renamed to ``OUTPUT`` (for Parquet: the parts
joined into the partial file first, and the parts removed after), so ``OUTPUT``
is only ever a finished output, the previous one or absent.

Resuming (:class:`ArchiveWriter` with ``resume=True``) reads the journal,
refuses one written for other settings, checks each entry against the bytes
on disk in order and stops at the first that does not match (a line cut short
by a kill, bytes written after the last journal line, a part missing or
changed). The partial file is cut back to the end of the last verified
article, the journal to its last verified line, parts not verified are
removed, and the articles of verified entries are skipped. Because an entry
is trusted only when its SHA-256 matches, a process killed at any moment
(SIGKILL) resumes exactly; the files are fsync-ed after each window, so after
a power loss a resumed run loses at most the articles of the window it was in.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bilingual.archive.records import Columns, Record, family, render_line, render_row
from bilingual.errors import OutputError
from bilingual.outputs import fsync_folder, write_atomic, write_fd

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "JOURNAL_FORMAT",
    "JOURNAL_SUFFIX",
    "PARTIAL_SUFFIX",
    "PARTS_SUFFIX",
    "ArchiveWriter",
    "Done",
    "JournalState",
    "journal_lines",
    "journal_path",
    "partial_path",
    "parts_path",
    "read_journal",
]

JOURNAL_FORMAT = "bilingual-archive-journal"
JOURNAL_VERSION = 1
JOURNAL_SUFFIX = ".bilingual-journal"
PARTIAL_SUFFIX = ".bilingual-partial"
PARTS_SUFFIX = ".bilingual-parts"
GZIP_LEVEL = 6
ZSTD_LEVEL = 3
_READ = 1 << 20


def journal_path(output: str | os.PathLike[str]) -> Path:
    """``OUTPUT.bilingual-journal``."""
    return Path(os.fspath(output) + JOURNAL_SUFFIX)


def partial_path(output: str | os.PathLike[str]) -> Path:
    """``OUTPUT.bilingual-partial``: the output while the run is going."""
    return Path(os.fspath(output) + PARTIAL_SUFFIX)


def parts_path(output: str | os.PathLike[str]) -> Path:
    """``OUTPUT.bilingual-parts``: the folder of a Parquet run's parts."""
    return Path(os.fspath(output) + PARTS_SUFFIX)


class Done:
    """The input positions already written: every position below ``below``, and ``extra`` above it.

    Windows are written one after another, so ``extra`` never holds more than
    one window's positions, however long the archive.
    """

    def __init__(self) -> None:
        self.below = 0
        self.extra: set[int] = set()
        self.count = 0

    def add(self, index: int) -> None:
        if index in self:
            return
        self.count += 1
        if index != self.below:
            self.extra.add(index)
            return
        self.below += 1
        while self.below in self.extra:
            self.extra.remove(self.below)
            self.below += 1

    def __contains__(self, index: object) -> bool:
        return isinstance(index, int) and (index < self.below or index in self.extra)

    def covers(self, start: int, stop: int) -> bool:
        """Every position in ``range(start, stop)`` is done."""
        return all(i in self for i in range(start, stop))


@dataclass
class JournalState:
    """What a journal file says: its header, its entries (in order), the ``complete`` line if any,
    and the byte length of each line up to the entry (``ends[k]`` is where entry k's line ends)."""

    header: dict[str, Any]
    entries: list[dict[str, Any]] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    header_end: int = 0
    complete: dict[str, Any] | None = None


def read_journal(path: str | os.PathLike[str]) -> JournalState | None:
    """The whole journal at ``path`` (None if there is none or its header is cut short);
    OutputError if it is not one. Lines from the first one cut short or not JSON are ignored."""
    lines = journal_lines(path)
    header = _header(path, lines)
    if header is None:
        return None
    state = JournalState(header=header[0], header_end=header[1])
    for value, end in lines:
        if not isinstance(value, dict):
            break
        if value.get("complete"):
            state.complete = value
            break
        state.entries.append(value)
        state.ends.append(end)
    return state


def journal_lines(path: str | os.PathLike[str]) -> Iterator[tuple[Any, int]]:
    """Each whole line of the journal, decoded, with the byte offset where it ends; read lazily,
    stopping at the first line that is cut short or not JSON (nothing if there is no journal)."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot read the journal {path}: {exc.strerror or exc}") from None
    with handle:
        end = 0
        for line in handle:
            if not line.endswith(b"\n"):
                return
            try:
                value = json.loads(line)
            except ValueError:
                return
            end += len(line)
            yield value, end


def _header(path: str | os.PathLike[str], lines: Iterator[tuple[Any, int]]) -> tuple[dict[str, Any], int] | None:
    first = next(lines, None)
    if first is None:
        return None  # no journal, or killed before its first line was whole
    if not isinstance(first[0], dict) or first[0].get("format") != JOURNAL_FORMAT:
        raise OutputError(f"{path} is not a bilingual archive journal; move it away or choose another -o")
    return first[0], first[1]


def _last_line(path: Path) -> Any:
    """The journal's last whole line, decoded (None if it is not JSON): where a ``complete`` line is."""
    with open(path, "rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - 4096))
        tail = handle.read()
    lines = tail.split(b"\n")
    try:
        return json.loads(lines[-2]) if len(lines) >= 2 else None
    except ValueError:
        return None


def _json_line(value: Mapping[str, Any]) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def _normal(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def _fsync(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError:
        pass


def _sha256_file(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(_READ), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


class ArchiveWriter:
    """Write translated records to ``output`` in format ``fmt``, journaled so that a later run can resume.

    ``settings`` describes the run (what must be the same for a resumed run to
    continue it: input, model, glossaries, direction, columns, window, order);
    with ``resume`` and a journal written under the same settings, the
    verified articles are kept and :attr:`done` holds their input positions
    (a journal written under other settings is refused; no journal starts
    afresh). Without ``resume`` any earlier partial output and journal are
    discarded. ``schema`` is the input's Parquet schema (Parquet output only).

    Call :meth:`write` for each article, :meth:`end_window` after the last
    article of each window, then :meth:`finish`; :meth:`close` (also by
    ``with``) releases the files of a run that stopped early, keeping them for
    a resume.
    """

    def __init__(
        self,
        output: str | os.PathLike[str],
        fmt: str,
        *,
        settings: Mapping[str, Any],
        resume: bool = False,
        columns: Columns = Columns(),
        schema: pyarrow.Schema | None = None,
    ) -> None:
        self.output = Path(output)
        self.format = fmt
        self.columns = columns
        self.schema = schema
        self.settings = _normal(dict(settings))
        self.journal = journal_path(output)
        self.partial = partial_path(output)
        self.parts = parts_path(output)
        self.done = Done()
        self.complete = False  # the output was already finished by an earlier run (resume)
        self.written = 0  # articles written by this run
        self.finished_records = 0  # with ``complete``: the articles of the finished output
        self._rows: list[dict[str, Any]] = []
        self._row_indices: list[int] = []
        self._row_ids: list[str] = []
        self._parts: list[str] = []  # Parquet: the part files, in order
        self._reader: IO[bytes] | None = None  # the partial file, read while a resumed run verifies it
        self._digest = hashlib.sha256()
        self._size = 0
        self._out_fd = -1
        self._journal_fd = -1
        if family(fmt) == "parquet" and schema is None:
            raise OutputError("a Parquet output needs the input's schema")
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            if not resume or not self._resume():
                self._start()
        except OSError as exc:
            self.close()
            raise OutputError(f"cannot write -o {self.output}: {exc.strerror or exc}") from None

    # starting and resuming ----------------------------------------------------

    def _start(self) -> None:
        for stale in (self.partial, self.journal):
            if stale.exists():
                stale.unlink()
        if self.parts.exists():
            shutil.rmtree(self.parts)
        header = {"format": JOURNAL_FORMAT, "version": JOURNAL_VERSION, "output": self.output.name,
                  "output_format": self.format, "settings": self.settings}  # fmt: skip
        self._journal_fd = os.open(self.journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o666)
        write_fd(self._journal_fd, _json_line(header))
        _fsync(self._journal_fd)
        fsync_folder(self.journal.parent)
        self._open_output()

    def _open_output(self) -> None:
        if family(self.format) == "parquet":
            self.parts.mkdir(exist_ok=True)
        else:
            self._out_fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT, 0o666)
            os.ftruncate(self._out_fd, self._size)
            os.lseek(self._out_fd, self._size, os.SEEK_SET)

    def _resume(self) -> bool:
        """Continue the journal's run; False if there is no journal to continue (start afresh)."""
        lines = journal_lines(self.journal)
        header = _header(self.journal, lines)
        if header is None:
            return False
        if _normal(header[0].get("settings")) != self.settings:
            raise OutputError(
                f"--resume: {self.journal} was written by a run with other settings "
                f"({_difference(header[0].get('settings'), self.settings)}); run without --resume to start over"
            )
        last = _last_line(self.journal)
        if isinstance(last, dict) and last.get("complete") and self._already_complete(last):
            self.complete = True
            return True
        keep = header[1]
        verify = self._verify_part if family(self.format) == "parquet" else self._verify_line
        try:
            for entry, end in lines:
                if not isinstance(entry, dict):
                    break
                if entry.get("complete") or not verify(entry):
                    break
                keep = end
                for index in entry.get("records", [entry.get("record")]):
                    self.done.add(int(index))
        finally:
            lines.close()  # type: ignore[attr-defined]
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        if family(self.format) == "parquet":
            self._remove_unverified_parts()
        self._journal_fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND)
        os.ftruncate(self._journal_fd, keep)
        self._open_output()
        return True

    def _verify_line(self, entry: Mapping[str, Any]) -> bool:
        """The entry's bytes are next in the partial file (its running SHA-256 and size follow)."""
        if entry.get("offset") != self._size or not isinstance(entry.get("bytes"), int):
            return False
        if self._reader is None:
            try:
                self._reader = open(self.partial, "rb")
            except FileNotFoundError:
                return False
        data = self._reader.read(entry["bytes"])
        if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return False
        self._digest.update(data)
        self._size += len(data)
        return True

    def _verify_part(self, entry: Mapping[str, Any]) -> bool:
        name = entry.get("part")
        if not isinstance(name, str) or "/" in name or _sha256_file(self.parts / name) != entry.get("sha256"):
            return False
        self._parts.append(name)
        return True

    def _remove_unverified_parts(self) -> None:
        keep = set(self._parts)
        if self.parts.is_dir():
            for path in self.parts.iterdir():
                if path.name not in keep:
                    path.unlink()
        if self.partial.exists():
            self.partial.unlink()

    def _already_complete(self, line: Mapping[str, Any]) -> bool:
        """The run was finished: OUTPUT has the recorded SHA-256 (or the partial file has, and is renamed now)."""
        expected = line.get("sha256")
        self.finished_records = int(line.get("records") or 0)
        if _sha256_file(self.output) == expected:
            self._remove_parts()
            return True
        if self.partial.exists() and _sha256_file(self.partial) == expected:
            os.replace(self.partial, self.output)
            fsync_folder(self.output.parent)
            self._remove_parts()
            return True
        return False

    # writing ------------------------------------------------------------------

    def write(self, record: Record) -> bool:
        """Append one translated article; False (nothing written) if it was written before (resume)."""
        if self.complete:
            raise OutputError(f"-o {self.output} is already complete")
        if record.index in self.done:
            return False
        if family(self.format) == "parquet":
            self._rows.append(render_row(record, self.columns))
            self._row_indices.append(record.index)
            self._row_ids.append(record.id)
        else:
            data = self._encode(render_line(record).encode("utf-8"))
            entry = {"record": record.index, "id": record.id, "offset": self._size, "bytes": len(data),
                     "sha256": hashlib.sha256(data).hexdigest()}  # fmt: skip
            try:
                write_fd(self._out_fd, data)
                write_fd(self._journal_fd, _json_line(entry))
            except OSError as exc:
                raise OutputError(f"cannot write -o {self.output}: {exc.strerror or exc}") from None
            self._digest.update(data)
            self._size += len(data)
        self.done.add(record.index)
        self.written += 1
        return True

    def _encode(self, data: bytes) -> bytes:
        if self.format == "jsonl.gz":
            return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        if self.format == "jsonl.zst":
            import zstandard

            return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(data)  # type: ignore[no-any-return]
        return data

    def end_window(self, window: int) -> None:
        """The articles of window ``window`` are all written: make them durable (Parquet: write its part)."""
        try:
            if family(self.format) == "parquet":
                self._write_part(window)
            else:
                _fsync(self._out_fd)
            _fsync(self._journal_fd)
        except OSError as exc:
            raise OutputError(f"cannot write -o {self.output}: {exc.strerror or exc}") from None

    def _write_part(self, window: int) -> None:
        if not self._rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(self._rows, schema=self.schema)
        sink = io.BytesIO()
        pq.write_table(table, sink)
        data = sink.getvalue()
        name = f"part-{window:06d}.parquet"
        write_atomic(self.parts / name, data, what="part")
        entry = {"part": name, "records": self._row_indices, "ids": self._row_ids, "bytes": len(data),
                 "sha256": hashlib.sha256(data).hexdigest()}  # fmt: skip
        write_fd(self._journal_fd, _json_line(entry))
        self._parts.append(name)
        self._rows, self._row_indices, self._row_ids = [], [], []

    def finish(self) -> Path:
        """Every article is written: make ``OUTPUT`` the finished output (see the module text); returns it."""
        if self.complete:
            return self.output
        try:
            if family(self.format) == "parquet":
                if self._rows:
                    raise OutputError("finish() called with articles of an unfinished window")
                self._join_parts()
                digest = _sha256_file(self.partial)
                size = self.partial.stat().st_size
            else:
                _fsync(self._out_fd)
                os.close(self._out_fd)
                self._out_fd = -1
                digest, size = self._digest.hexdigest(), self._size
            line = {"complete": True, "records": self.done.count, "bytes": size, "sha256": digest}
            write_fd(self._journal_fd, _json_line(line))
            _fsync(self._journal_fd)
            if self.output.exists():  # an existing output keeps its permission bits
                os.chmod(self.partial, self.output.stat().st_mode & 0o7777)
            os.replace(self.partial, self.output)
            fsync_folder(self.output.parent)
            self._remove_parts()
        except OSError as exc:
            raise OutputError(f"cannot write -o {self.output}: {exc.strerror or exc}") from None
        finally:
            self.close()
        self.complete = True
        return self.output

    def _join_parts(self) -> None:
        import pyarrow.parquet as pq

        writer = pq.ParquetWriter(self.partial, self.schema)
        try:
            for name in self._parts:
                writer.write_table(pq.read_table(self.parts / name, schema=self.schema))
        finally:
            writer.close()
        fd = os.open(self.partial, os.O_RDONLY)
        try:
            _fsync(fd)
        finally:
            os.close(fd)

    def _remove_parts(self) -> None:
        if self.parts.exists():
            shutil.rmtree(self.parts, ignore_errors=True)

    def close(self) -> None:
        """Flush and close the files, keeping the partial output and journal for a resume."""
        for name in ("_out_fd", "_journal_fd"):
            fd = getattr(self, name)
            if fd >= 0:
                _fsync(fd)
                os.close(fd)
                setattr(self, name, -1)
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _difference(old: Any, new: Mapping[str, Any]) -> str:
    """The first setting that differs, as ``KEY: OLD -> NEW``."""
    if not isinstance(old, dict):
        return "no settings recorded"
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            return f"{key}: {_short(old.get(key))} -> {_short(new.get(key))}"
    return "none"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."

