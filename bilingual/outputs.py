"""Every file a command writes: no output destroys an input, every write is atomic, folder runs keep a journal.

- :func:`check_outputs` is called by every command that writes, after its
  options are read and before any model is loaded or work is done. It refuses
  an output that is one of the inputs (the same path, a symlink to it, a hard
  link to it), two outputs that are one file, and a folder that is replaced
  whole (``models convert --force``, ``corpus import --force``) when it is or
  contains an input. Every existing file inside an input folder counts as an
  input. The error (:class:`~bilingual.errors.OutputError`, exit status 2)
  names both paths the way the user gave them.
- :func:`check_target` refuses a file path that cannot be written (a folder, or
  a file where a parent folder should be).
- :func:`write_atomic` writes a file so that it always holds the old or the
  new content, never a part of either, and never an empty file after a full
  disk: a temporary ``.NAME.XXXX.tmp`` in the same folder is written, flushed
  and fsync-ed, renamed over the target, and the folder fsync-ed; on any
  failure or interruption the temporary file is removed. An existing file
  keeps its permission bits; a new file gets those the umask allows
  (``0o666 & ~umask``). A symlink is written through: its target changes and
  the link stays a link.
- :func:`replace_folder` builds a folder beside its destination and renames it
  into place, so an interrupted build leaves no half folder.
- :class:`RunJournal` is ``OUTPUT/.bilingual-run.json``, the record a run that
  writes a folder of outputs keeps there (``running``, ``complete``,
  ``interrupted`` or ``failed``, and every output written with its SHA-256);
  docs/outputs.md describes the format.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bilingual.errors import OutputError

__all__ = [
    "JOURNAL_NAME",
    "RunJournal",
    "check_outputs",
    "check_target",
    "new_file_mode",
    "replace_folder",
    "sha256_of",
    "stop_runs",
    "write_atomic",
]

JOURNAL_NAME = ".bilingual-run.json"
JOURNAL_FORMAT = "bilingual-run"
JOURNAL_VERSION = 1
_PAUSE_ENV = "BILINGUAL_TEST_WRITE_PAUSE"  # seconds to pause half-way through a write (tests kill the writer there)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class _Place:
    label: str  # how the user gave it: "--report", "-o", "the glossary", ...
    path: Path

    def __str__(self) -> str:
        return f"{self.label} {self.path}"


def _places(named: Iterable[tuple[str, object]]) -> list[_Place]:
    out = []
    for label, path in named:
        if path is None or str(path) in ("", "-"):
            continue
        out.append(_Place(label, Path(os.fspath(path)).expanduser()))  # type: ignore[arg-type]
    return out


def _same(a: Path, b: Path) -> bool:
    """The same file (or folder): os.path.samefile when both exist (symlinks, hard links), else the resolved paths."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def _inside(path: Path, folder: Path) -> bool:
    """``path`` lies inside ``folder`` (after resolving symlinks), ``folder`` itself excluded."""
    inner, outer = os.path.realpath(path), os.path.realpath(folder)
    return inner != outer and inner.startswith(outer.rstrip(os.sep) + os.sep)


def check_outputs(
    inputs: Iterable[tuple[str, object]],
    outputs: Iterable[tuple[str, object]] = (),
    *,
    folders: Iterable[tuple[str, object]] = (),
) -> None:
    """OutputError unless every output is its own file and no input is overwritten.

    ``inputs``, ``outputs`` (files written) and ``folders`` (folders replaced
    whole) are ``(label, path)`` pairs; a label says how the user gave the path
    (``"--report"``, ``"-o"``, ``"the glossary"``). Paths that are None or "-"
    (stdin, stdout) are skipped. An input may be a folder: every existing file
    in it is an input. Each output file must be writable as a file
    (:func:`check_target`).
    """
    ins, outs, dirs = _places(inputs), _places(outputs), _places(folders)
    for out in outs:
        check_target(out.path, out.label)
    input_folders = [i for i in ins if i.path.is_dir()]
    for out in outs:
        for inp in ins:
            if _same(out.path, inp.path):
                raise OutputError(f"{out} is {inp}; refusing to overwrite an input")
        for folder in input_folders:
            if out.path.is_file() and _inside(out.path, folder.path):
                raise OutputError(f"{out} is a file in {folder}; refusing to overwrite an input")
    every = [*outs, *dirs]
    for index, first in enumerate(every):
        for second in every[index + 1:]:
            if _same(first.path, second.path):
                raise OutputError(f"{first} and {second} are the same file; give each output its own path")
    for folder in dirs:
        for inp in ins:
            if _same(folder.path, inp.path):
                raise OutputError(f"{folder} is {inp}; refusing to replace an input")
            if _inside(inp.path, folder.path):
                raise OutputError(f"{folder} contains {inp}, and it would be replaced whole; refusing to replace an input")
        for out in outs:
            if _inside(out.path, folder.path):
                raise OutputError(f"{out} is inside {folder}, which is replaced whole; give it another path")


def check_target(path: str | os.PathLike[str], what: str = "") -> None:
    """OutputError if ``path`` cannot be a file: it is a folder, or a parent on the way is a file."""
    path = Path(path)
    name = f"{what} {path}" if what else str(path)
    if path.is_dir():
        raise OutputError(f"cannot write {name}: it is a folder; give a file name")
    blocker = next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise OutputError(f"cannot write {name}: {blocker} is a file, not a folder")


# --------------------------------------------------------------------------- atomic writes


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask would, for a moment, for every thread)
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permission bits a new file gets: ``0o666`` less the process's umask."""
    return 0o666 & ~_umask()


def fsync_folder(folder: Path) -> None:
    """fsync a folder, so a rename or a new file in it survives a power loss (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    pause = os.environ.get(_PAUSE_ENV)
    if pause:
        _write_range(fd, view[: len(view) // 2])
        time.sleep(float(pause))
        view = view[len(view) // 2:]
    _write_range(fd, view)


def write_fd(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the file descriptor ``fd`` (``os.write`` may write less)."""
    _write_range(fd, memoryview(data))


def _write_range(fd: int, view: memoryview) -> None:
    while view:
        view = view[os.write(fd, view[:_CHUNK]):]


def write_atomic(path: str | os.PathLike[str], content: str | bytes, *, what: str = "") -> Path:
    """Write ``content`` (text as UTF-8) to ``path`` atomically; returns the file written.

    Readers see the old or the new content, never a part. Missing parent
    folders are made. OutputError ("cannot write WHAT PATH: reason") when the
    file cannot be written (read-only, full disk, a folder in the way); the
    target is then untouched and no temporary file is left.
    """
    given = Path(path)
    name = f"{what} {given}" if what else str(given)
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    check_target(target, what)
    tmp: str | None = None
    fd = -1
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = new_file_mode()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        _write_all(fd, data)
        os.fchmod(fd, mode)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise OutputError(f"cannot write {name}: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    fsync_folder(target.parent)
    return target


def replace_folder(out: str | os.PathLike[str], build: Callable[[Path], object], *, what: str = "") -> Path:
    """Build a folder with ``build(tmp)`` in a hidden folder beside ``out``, then rename it to ``out``.

    An existing ``out`` is replaced (the caller decides whether it may be).
    Whatever goes wrong, or interrupts, leaves ``out`` as it was and no hidden
    folder. Returns ``out``.
    """
    out = Path(out)
    name = f"{what} {out}" if what else str(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot write {name}: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private
        build(tmp)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            old.rmdir()
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except OSError as exc:
        raise OutputError(f"cannot write {name}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    fsync_folder(out.parent)
    return out


# --------------------------------------------------------------------------- the journal of a folder run


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def sha256_of(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


_ACTIVE: list[RunJournal] = []


class RunJournal:
    """``FOLDER/.bilingual-run.json``: what a run writing a folder of outputs planned, wrote, and how it ended.

    :meth:`start` writes it with status ``running``; :meth:`wrote` records each
    output as it is written (its path relative to the folder, SHA-256 and
    size, and the input it came from with that input's SHA-256); :meth:`finish`
    sets ``complete``; :meth:`stop` sets ``interrupted`` or ``failed`` with the
    reason. Every update replaces the file atomically. A journal still
    ``running`` after its process ended means the run was killed; a run that
    did not end ``complete`` left some planned outputs unwritten or old.
    """

    def __init__(self, folder: str | os.PathLike[str], *, command: str, planned: Sequence[str | os.PathLike[str]] = ()) -> None:
        self.folder = Path(folder)
        self.path = self.folder / JOURNAL_NAME
        self.data: dict = {
            "format": JOURNAL_FORMAT,
            "version": JOURNAL_VERSION,
            "command": command,
            "status": "running",
            "pid": os.getpid(),
            "started": _now(),
            "updated": None,
            "planned": [self._relative(p) for p in planned],
            "written": [],
        }

    def _relative(self, path: str | os.PathLike[str]) -> str:
        path = Path(path)
        try:
            return path.relative_to(self.folder).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def status(self) -> str:
        return self.data["status"]

    def _save(self) -> None:
        self.data["updated"] = _now()
        write_atomic(self.path, json.dumps(self.data, ensure_ascii=False, indent=1) + "\n", what="run journal")

    def start(self) -> RunJournal:
        """Write the journal (status ``running``) and register it with :func:`stop_runs`."""
        self._save()
        _ACTIVE.append(self)
        return self

    def wrote(self, path: str | os.PathLike[str], source: str | os.PathLike[str] | None = None) -> None:
        """Record the output ``path`` just written (and the input file it was made from)."""
        entry: dict = {"path": self._relative(path), "sha256": sha256_of(path), "bytes": os.path.getsize(path)}
        if source is not None and os.path.isfile(source):
            entry["source"] = os.fspath(source)
            entry["source_sha256"] = sha256_of(source)
        self.data["written"] = [w for w in self.data["written"] if w["path"] != entry["path"]] + [entry]
        self._save()

    def finish(self) -> None:
        """Status ``complete``: every planned output was written."""
        self._end("complete", None)

    def stop(self, status: str, reason: str) -> None:
        """Status ``interrupted`` or ``failed``, with the one-line ``reason``."""
        self._end(status, reason)

    def _end(self, status: str, reason: str | None) -> None:
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        self.data["status"] = status
        if reason is not None:
            self.data["reason"] = reason
        self._save()


def stop_runs(status: str, reason: str) -> None:
    """Mark every journal of this process that has not ended as ``status`` (``interrupted``, ``failed``)."""
    for journal in list(_ACTIVE):
        try:
            journal.stop(status, reason)
        except OutputError:
            if journal in _ACTIVE:
                _ACTIVE.remove(journal)


atexit.register(stop_runs, "interrupted", "the process ended before the run finished")
