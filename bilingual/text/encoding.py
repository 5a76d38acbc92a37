"""Decoding input bytes: UTF-8 (with or without BOM), UTF-16/32, and legacy Korean.

``decode`` is the only entry point. With ``encoding=None`` it detects:

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
import unicodedata

from bilingual.errors import InputError

__all__ = ["decode", "normalize_encoding"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control bytes that plain text files do not contain (tab, LF, VT, FF, CR and ESC allowed).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_BINARY_CONTROL_SHARE = 0.10
_SNIFF_BYTES = 65536


def normalize_encoding(encoding: str) -> str:
    """The codec name Python uses for ``encoding``; InputError for an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r} (try utf-8, utf-16, cp949 or euc-kr)"
        ) from None


def decode(data: bytes, encoding: str | None = None, *, name: str) -> str:
    """Decode ``data`` read from ``name`` (a path or "<stdin>") to text.

    A leading byte-order mark is never part of the result.
    """
    if not data:
        raise InputError(f"{name} is empty")
    if encoding is not None:
        return _decode_forced(data, normalize_encoding(encoding), name)

    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], codec, name, offset_base=len(bom))

    sniff = data[:_SNIFF_BYTES]
    if b"\x00" in sniff or b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise InputError(f"{name} looks binary (it contains NUL bytes), not text")
        text = _strict(data, codec, name)
        if _control_share(text) > _BINARY_CONTROL_SHARE:
            raise InputError(f"{name} looks binary (mostly control characters), not text")
        return text

    controls = sum(1 for b in sniff if b < 0x20 and b not in _TEXT_CONTROLS or b == 0x7F)
    if controls > _BINARY_CONTROL_SHARE * len(sniff):
        raise InputError(f"{name} looks binary (mostly control bytes), not text")

    failures: list[tuple[str, UnicodeDecodeError]] = []
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        failures.append(("UTF-8", err))
    for codec in ("euc-kr", "cp949"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            failures.append((codec.upper(), err))
            continue
        if _looks_korean(data, text):
            return text
    # the candidate that got furthest points at the byte most likely to be damaged
    codec, err = max(failures, key=lambda f: f[1].start)
    raise InputError(
        f"{name}: cannot detect the encoding: invalid byte 0x{data[err.start]:02x} at offset "
        f"{err.start} (as {codec}; tried UTF-8, EUC-KR and CP949); pass the encoding explicitly (--encoding)"
    )


def _decode_forced(data: bytes, codec: str, name: str) -> str:
    if codec == "utf-8":
        codec = "utf-8-sig"
    text = _strict(data, codec, name)
    return text[1:] if text.startswith("\ufeff") else text


def _strict(data: bytes, codec: str, name: str, *, offset_base: int = 0) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        offset = offset_base + err.start
        bad = err.object[err.start : err.start + 1].hex() or "end of data"
        what = f"byte 0x{bad}" if bad != "end of data" else "truncated data"
        raise InputError(
            f"{name}: cannot decode as {_display(codec)}: invalid {what} at byte offset {offset}"
        ) from None


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
        return "utf-16-le"
    if even >= 0.05 * pairs and odd * 4 <= even:
        return "utf-16-be"
    return None


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
