"""Reading text input: every file the toolkit reads as text goes through here.

:func:`read_text` (the text) and :func:`read_file` (the text with the encoding,
byte-order mark and line breaks it was stored with, so a writer can keep them)
read a path; :func:`decode` and :func:`decode_bytes` decode bytes already read
(stdin). Articles, glossaries, hypotheses, corpora, post-edit inputs and lint
texts all accept the same encodings and fail with the same one-line
:class:`~bilingual.errors.InputError` messages, each naming the file: no such
file, a folder, empty, binary, undecodable (with the byte offset and the
encodings tried), a lone surrogate. Nothing is ever replaced or dropped.

With ``encoding=None`` the encoding is detected:

1. a byte-order mark (UTF-8, UTF-32 LE/BE, UTF-16 LE/BE);
2. BOM-less UTF-16, from the pattern of NUL bytes (ASCII characters in UTF-16
   have one NUL byte, always at the same parity);
3. any other NUL, or a file that is mostly control bytes: "looks binary";
4. strict UTF-8, then strict EUC-KR, then strict CP949 (the Windows superset
   of EUC-KR) when the characters it yields look like Korean text.

Every failure is an :class:`~bilingual.errors.InputError` that names the input
and, for undecodable bytes, the byte offset of the first bad byte.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.errors import BilingualError, InputError

__all__ = ["Decoded", "decode", "decode_bytes", "normalize_encoding", "read_file", "read_text"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_BOM_OF = {codec: bom for bom, codec in _BOMS}

# Control bytes that plain text files do not contain (tab, LF, VT, FF, CR and ESC allowed).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_BINARY_CONTROL_SHARE = 0.10
_SNIFF_BYTES = 65536


@dataclass(frozen=True)
class Decoded:
    """Text as read from ``name``, and how it was stored there.

    ``text`` never holds the byte-order mark and keeps the file's line breaks;
    ``encoding`` is the codec that decoded it (``utf-8``, ``utf-16-le``,
    ``cp949``, ...) and ``bom`` whether the file started with a byte-order mark.
    """

    text: str
    name: str
    encoding: str = "utf-8"
    bom: bool = False

    @property
    def newline(self) -> str:
        """The file's line break: CRLF when its first line break is one, else LF."""
        end = self.text.find("\n")
        return "\r\n" if end > 0 and self.text[end - 1] == "\r" else "\n"

    def encode(self, text: str) -> bytes:
        """``text`` (LF line breaks) as bytes the way this file stores text: its encoding, BOM and line breaks.

        InputError names the first character the encoding cannot hold.
        """
        if self.newline == "\r\n":
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        # CP949 is the superset Korean Windows writes; an EUC-KR file stays valid EUC-KR
        # unless a syllable EUC-KR lacks is added, which it could not hold anyway.
        codec = "cp949" if self.encoding == "euc-kr" else self.encoding
        try:
            data = text.encode(codec)
        except UnicodeEncodeError as err:
            char = err.object[err.start]
            raise InputError(
                f"{self.name}: {char!r} (U+{ord(char):04X}) cannot be written in {_display(codec)}, "
                "the file's encoding"
            ) from None
        return _BOM_OF.get(self.encoding, b"") + data if self.bom else data


def normalize_encoding(encoding: str) -> str:
    """The codec name Python uses for ``encoding``; InputError for an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r} (try utf-8, utf-16, cp949 or euc-kr)"
        ) from None


def read_text(path: str | Path, **options: Any) -> str:
    """The text of ``path``: ``read_file(path, **options).text`` (the options of :func:`read_file`)."""
    return read_file(path, **options).text


def read_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    what: str | None = None,
    empty_ok: bool = False,
    stdin: bool = False,
    error: type[BilingualError] = InputError,
) -> Decoded:
    """Read and decode one text file (``encoding=None``: detected, see the module).

    Messages name the file as ``"{what} {path}"`` (``what``: "glossary",
    "hypothesis", ...). ``empty_ok`` returns an empty file as ``""`` instead of
    failing; ``stdin`` reads ``"-"`` from standard input. Every failure is one
    line, raised as ``error`` (InputError, or the caller's own kind).
    """
    from_stdin = stdin and str(path) == "-"
    label = "<stdin>" if from_stdin else str(path)
    name = f"{what} {label}" if what else label
    try:
        data = sys.stdin.buffer.read() if from_stdin else _read_bytes(Path(path), name)
        if not data and empty_ok:
            return Decoded("", name, normalize_encoding(encoding) if encoding else "utf-8")
        return decode_bytes(data, encoding, name=name)
    except InputError as exc:
        if error is InputError:
            raise
        raise error(exc.message) from None


def read_bytes(path: str | Path, *, what: str | None = None, stdin: bool = False) -> bytes:
    """The bytes of one file (``stdin``: "-" reads standard input), with the
    same one-line errors as :func:`read_file`; an empty file is an error."""
    from_stdin = stdin and str(path) == "-"
    label = "<stdin>" if from_stdin else str(path)
    name = f"{what} {label}" if what else label
    data = sys.stdin.buffer.read() if from_stdin else _read_bytes(Path(path), name)
    if not data.strip():
        raise InputError(f"{name} is empty")
    return data


def _read_bytes(path: Path, name: str) -> bytes:
    if path.is_dir():
        raise InputError(f"{name}: is a folder, not a file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def decode(data: bytes, encoding: str | None = None, *, name: str) -> str:
    """Decode ``data`` read from ``name`` (a path or "<stdin>") to text.

    A leading byte-order mark is never part of the result.
    """
    return decode_bytes(data, encoding, name=name).text


def decode_bytes(data: bytes, encoding: str | None = None, *, name: str) -> Decoded:
    """:func:`decode`, keeping the encoding and BOM found (see :class:`Decoded`)."""
    if not data:
        raise InputError(f"{name} is empty")
    if encoding is not None:
        return _decode_forced(data, normalize_encoding(encoding), name)

    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data[len(bom) :], codec, name, offset_base=len(bom)), name, codec, True)

    sniff = data[:_SNIFF_BYTES]
    if b"\x00" in sniff or b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise InputError(f"{name} looks binary (it contains NUL bytes), not text")
        text = _strict(data, codec, name)
        if _control_share(text) > _BINARY_CONTROL_SHARE:
            raise InputError(f"{name} looks binary (mostly control characters), not text")
        return Decoded(text, name, codec)

    controls = sum(1 for b in sniff if b < 0x20 and b not in _TEXT_CONTROLS or b == 0x7F)
    if controls > _BINARY_CONTROL_SHARE * len(sniff):
        raise InputError(f"{name} looks binary (mostly control bytes), not text")

    failures: list[tuple[str, UnicodeDecodeError]] = []
    try:
        return Decoded(data.decode("utf-8"), name, "utf-8")
    except UnicodeDecodeError as err:
        failures.append(("UTF-8", err))
    for codec in ("euc-kr", "cp949"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            failures.append((codec.upper(), err))
            continue
        if _looks_korean(data, text):
            return Decoded(text, name, codec)
    surrogate = _surrogate(data, failures[0][1].start, "utf-8")
    if surrogate is not None:  # UTF-8 up to a surrogate encoded as UTF-8 (WTF-8, surrogateescape)
        raise InputError(
            f"{name}: cannot decode as UTF-8: a lone surrogate U+{surrogate:04X} at byte offset "
            f"{failures[0][1].start}"
        )
    # the candidate that got furthest points at the byte most likely to be damaged
    codec, err = max(failures, key=lambda f: f[1].start)
    raise InputError(
        f"{name}: cannot detect the encoding: invalid byte 0x{data[err.start]:02x} at offset "
        f"{err.start} (as {codec}; tried UTF-8, EUC-KR and CP949); save it as UTF-8 (translate also takes --encoding)"
    )


def _decode_forced(data: bytes, codec: str, name: str) -> Decoded:
    family = _family(codec)
    for bom, bom_codec in _BOMS:
        if data.startswith(bom) and _family(bom_codec) == family and codec in (bom_codec, family, "utf-8-sig"):
            return Decoded(_strict(data[len(bom) :], bom_codec, name, offset_base=len(bom)), name, bom_codec, True)
    if codec == "utf-8-sig":
        codec = "utf-8"
    text = _strict(data, codec, name)
    if text.startswith("\ufeff"):
        return Decoded(text[1:], name, codec, True)
    return Decoded(text, name, codec)


def _family(codec: str) -> str:
    """``utf-16`` for utf-16-le/be, ``utf-8`` for utf-8-sig; other codecs as they are."""
    return codec.removesuffix("-sig").removesuffix("-le").removesuffix("-be")


def _strict(data: bytes, codec: str, name: str, *, offset_base: int = 0) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        offset = offset_base + err.start
        surrogate = _surrogate(err.object, err.start, codec)
        if surrogate is not None:
            what = f"a lone surrogate U+{surrogate:04X}"
        else:
            bad = err.object[err.start : err.start + 1].hex()
            what = f"invalid byte 0x{bad}" if bad else "invalid truncated data"
        raise InputError(f"{name}: cannot decode as {_display(codec)}: {what} at byte offset {offset}") from None


def _surrogate(data: bytes, start: int, codec: str) -> int | None:
    """The surrogate code point (U+D800-U+DFFF) stored at ``data[start:]`` in ``codec``, if one is."""
    family = _family(codec)
    if family == "utf-8":
        unit = data[start : start + 3]
        if len(unit) == 3 and unit[0] == 0xED and 0xA0 <= unit[1] <= 0xBF and 0x80 <= unit[2] <= 0xBF:
            return 0xD000 | (unit[1] & 0x3F) << 6 | unit[2] & 0x3F
        return None
    size = {"utf-16": 2, "utf-32": 4}.get(family)
    if size is None or len(data) < start + size:
        return None
    order = "big" if codec.endswith("-be") else "little"
    value = int.from_bytes(data[start : start + size], order)
    return value if 0xD800 <= value <= 0xDFFF else None


def _display(codec: str) -> str:
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(codec, codec.upper())


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the NUL bytes sit at one parity; else None."""
    if len(data) % 2:
        return None
    sample = data[:_SNIFF_BYTES]
    even = sum(1 for i in range(0, len(sample), 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, len(sample), 2) if sample[i] == 0)
    pairs = len(sample) // 2
    # ASCII text in UTF-16 LE is "x\0x\0..." (NULs at odd offsets); Korean text in
    # UTF-16 has NULs only on its spaces, digits and punctuation, so the bar is low.
    # Hangul syllables U+xx00 (가, 대, ...) give a few NULs at the other parity.
    if odd >= 0.05 * pairs and even * 4 <= odd:
        codec, nuls = "utf-16-le", odd
    elif even >= 0.05 * pairs and odd * 4 <= even:
        codec, nuls = "utf-16-be", even
    else:
        return None
    # UTF-8 text with a stray NUL or two is not UTF-16: Korean in UTF-16 is never valid
    # UTF-8, and ASCII in UTF-16 has a NUL in (nearly) every pair.
    if nuls < 0.3 * pairs and _is_utf8(data):
        return None
    return codec


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\x0b\x0c\r\x1b")
    return controls / len(text)


def _looks_korean(data: bytes, text: str) -> bool:
    """Whether a successful EUC-KR/CP949 decode is plausibly Korean text.

    Any Windows-1252 text with curly quotes also "decodes" as CP949 (0x92 + a
    letter is a UHC syllable). Real Korean text is dominated by the 2,350
    KS X 1001 syllables (lead byte 0xB0-0xC8, trail 0xA1-0xFE); require that.
    """
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return False
    hangul = sum(1 for c in non_ascii if "\uac00" <= c <= "\ud7a3")
    if hangul < 0.5 * len(non_ascii):
        return False
    core = sum(
        1
        for i in range(len(data) - 1)
        if 0xB0 <= data[i] <= 0xC8 and 0xA1 <= data[i + 1] <= 0xFE
    )
    # core counts overlapping pairs too; it is only compared with a generous bar.
    return core >= 0.5 * hangul
