"""Checking a checkpoint's weight files before a loader opens them.

:func:`check_weights` reads only headers and pickle opcodes, never tensors:

- a ``*.safetensors`` file must hold its whole header and every tensor the
  header lists (a copy cut short, or a file that is not safetensors at all, is
  "damaged");
- a ``pytorch_model*.bin`` pickle (read only when the folder has no
  safetensors) may name only the globals a saved state dict uses (``torch.*``,
  ``collections.OrderedDict``, ...): a pickle that would call anything else
  (``os.system``, ``builtins.exec``) is refused before it is unpickled.

Both are :class:`~bilingual.errors.ModelUnavailableError`. :data:`LOAD_ERRORS`
are the exception types loaders raise for weight files that got past these
checks and still cannot be read (PyTorch's weights-only unpickler refusing a
global, a broken zip), so a caller can turn them into the same one-line error.
"""

from __future__ import annotations

import json
import pickle
import pickletools
import struct
import zipfile
from pathlib import Path

from bilingual.errors import ModelUnavailableError

__all__ = ["LOAD_ERRORS", "check_weights"]

_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit on the JSON header
# Globals a PyTorch state dict pickle names (torch.* rebuild functions, storages, dtypes and sizes).
_SAFE_GLOBALS = frozenset({
    "collections.OrderedDict",
    "builtins.set",
    "builtins.frozenset",
    "builtins.complex",
    "builtins.slice",
    "_codecs.encode",
})
_STRING_OPS = frozenset({
    "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING", "BINSTRING", "STRING",
})  # fmt: skip


def _load_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [pickle.UnpicklingError, zipfile.BadZipFile, EOFError]
    try:
        from safetensors import SafetensorError

        errors.append(SafetensorError)
    except ImportError:
        pass
    return tuple(errors)


LOAD_ERRORS = _load_errors()


def check_weights(folder: str | Path, name: str | None = None) -> None:
    """ModelUnavailableError naming ``name`` (default: the folder) for a damaged or unsafe weight file in ``folder``."""
    folder = Path(folder)
    name = name or str(folder)
    tensors = sorted(folder.glob("*.safetensors"))
    for file in tensors:
        problem = _safetensors_problem(file)
        if problem:
            raise ModelUnavailableError(
                f"model {name}: {file.name} is damaged ({problem}); copy or download the model again"
            )
    if tensors:
        return  # the loaders take safetensors when there are any
    for file in sorted(folder.glob("pytorch_model*.bin")):
        problem, unsafe = _pickle_problem(file)
        if unsafe:
            raise ModelUnavailableError(
                f"model {name}: {file.name} is a pickle that would call {unsafe}; refused, as loading it could "
                "run code: use a checkpoint with model.safetensors"
            )
        if problem:
            raise ModelUnavailableError(
                f"model {name}: {file.name} is damaged ({problem}); copy or download the model again"
            )


def _safetensors_problem(file: Path) -> str | None:
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(8)
            if len(head) < 8:
                return f"{size} bytes, shorter than a safetensors header"
            (length,) = struct.unpack("<Q", head)
            if length > min(_MAX_HEADER, size - 8):
                return f"its header claims {length} bytes, the file has {size}"
            raw = handle.read(length)
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "its header is not JSON"
    if not isinstance(header, dict):
        return "its header is not a JSON object"
    data_size = size - 8 - length
    end = 0
    for key, info in header.items():
        if key == "__metadata__":
            continue
        offsets = info.get("data_offsets") if isinstance(info, dict) else None
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            return f"tensor {key} has no data offsets"
        end = max(end, offsets[1])
    if end > data_size:
        return f"truncated: its tensors need {end} bytes of data, it holds {data_size}"
    return None


def _pickle_problem(file: Path) -> tuple[str | None, str | None]:
    """(what is damaged, the first unsafe global) of a PyTorch pickle; (None, None) when it looks fine."""
    try:
        with file.open("rb") as handle:
            magic = handle.read(4)
        if magic == b"PK\x03\x04":  # torch.save's zip layout: the object is <archive>/data.pkl
            with zipfile.ZipFile(file) as archive:
                names = [n for n in archive.namelist() if n == "data.pkl" or n.endswith("/data.pkl")]
                if not names:
                    return "a zip without data.pkl", None
                pickles = [archive.read(names[0])]
        else:
            pickles = [file.read_bytes()]
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:80]}", None
    data = pickles[0]
    position = 0
    for count in range(5):  # the legacy layout is several pickles in a row: magic, protocol, info, object, keys
        try:
            unsafe, position = _scan(data, position)
        except (ValueError, IndexError, struct.error) as exc:
            return (f"not a readable pickle ({' '.join(str(exc).split())[:80]})" if count == 0 else None), None
        if unsafe:
            return None, unsafe
        if position >= len(data):
            break
    return None, None


def _scan(data: bytes, start: int) -> tuple[str | None, int]:
    """The first global outside the safe set in the pickle at ``data[start:]``, and where that pickle ends."""
    import io

    stream = io.BytesIO(data)
    stream.seek(start)
    strings: list[str] = []
    memo: dict[int, str] = {}
    last: str | None = None
    end = len(data)
    for op, arg, pos in pickletools.genops(stream):
        name = op.name
        found = None
        if name in ("GLOBAL", "INST"):
            module, _, attr = str(arg).partition(" ")
            found = f"{module}.{attr}"
        elif name == "STACK_GLOBAL":
            found = f"{strings[-2]}.{strings[-1]}" if len(strings) >= 2 else "an unnamed global"
        if found is not None and not _safe(found):
            return found, end
        pushed = None
        if name in _STRING_OPS:
            pushed = arg.decode("latin-1") if isinstance(arg, bytes) else str(arg)
            strings.append(pushed)
        elif name == "MEMOIZE":
            memo[len(memo)] = last or ""
        elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[int(arg)] = last or ""
        elif name in ("BINGET", "LONG_BINGET", "GET"):
            pushed = memo.get(int(arg), "")
            strings.append(pushed)
        # the top of the stack, when it is a string: memo stores do not change it
        last = pushed if pushed is not None else (last if name in ("MEMOIZE", "BINPUT", "LONG_BINPUT", "PUT") else None)
        if name == "STOP":
            end = (pos or 0) + 1
    return None, end


def _safe(name: str) -> bool:
    return name in _SAFE_GLOBALS or name.startswith("torch.")
