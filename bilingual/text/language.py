"""Telling Korean from English text by its script."""

from __future__ import annotations

from collections.abc import Iterable

from bilingual.errors import BilingualError, InputError

LANGUAGES = ("ko", "en")
LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}

# Share of Hangul among Hangul + Latin letters above which text counts as
# Korean. A Korean article quotes English names and acronyms, but one Hangul
# syllable carries about as much as three Latin letters, so 0.25 leaves room
# for heavy quoting while English text (with no Hangul) stays English.
KOREAN_SHARE = 0.25


def _is_hangul(ch: str) -> bool:
    code = ord(ch)
    return (
        0xAC00 <= code <= 0xD7A3  # syllables
        or 0x1100 <= code <= 0x11FF  # jamo
        or 0x3130 <= code <= 0x318F  # compatibility jamo
        or 0xA960 <= code <= 0xA97F
        or 0xD7B0 <= code <= 0xD7FF
    )


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def script_counts(text: str) -> tuple[int, int]:
    """(Hangul characters, Latin letters) in ``text``."""
    hangul = latin = 0
    for ch in text:
        if _is_hangul(ch):
            hangul += 1
        elif _is_latin(ch):
            latin += 1
    return hangul, latin


def detect_language(text: str) -> str:
    """"ko" or "en" from the script of ``text``; InputError when it has neither."""
    hangul, latin = script_counts(text)
    if hangul + latin == 0:
        raise InputError("cannot tell the language of the input (no Korean or Latin letters); pass --from ko or --from en")
    return "ko" if hangul / (hangul + latin) >= KOREAN_SHARE else "en"


def check_language(lang: str, *, error: type[BilingualError] = InputError, where: str = "") -> str:
    """``lang`` if it is one of :data:`LANGUAGES`; otherwise ``error`` (prefixed with ``where``)."""
    if lang not in LANGUAGES:
        prefix = f"{where}: " if where else ""
        raise error(f"{prefix}unknown language {lang!r}; use one of: {', '.join(LANGUAGES)}")
    return lang


def check_direction(
    source_lang: str, target_lang: str, *, error: type[BilingualError] = InputError, where: str = ""
) -> tuple[str, str]:
    """The one direction check: both languages known and different."""
    check_language(source_lang, error=error, where=where)
    check_language(target_lang, error=error, where=where)
    if source_lang == target_lang:
        prefix = f"{where}: " if where else ""
        raise error(f"{prefix}source and target language are both {source_lang!r}")
    return source_lang, target_lang


def other(lang: str) -> str:
    check_language(lang)
    return "en" if lang == "ko" else "ko"


def resolve_direction(
    texts: Iterable[str], source_lang: str | None = None, target_lang: str | None = None
) -> tuple[str, str]:
    """The (source, target) pair: given, completed from one side, or detected from ``texts``."""
    for lang in (source_lang, target_lang):
        if lang is not None:
            check_language(lang)
    if source_lang is None and target_lang is not None:
        source_lang = other(target_lang)
    if source_lang is None:
        source_lang = detect_language("\n".join(texts))
    if target_lang is None:
        target_lang = other(source_lang)
    return check_direction(source_lang, target_lang)
