"""Suggest glossary entries from an aligned Korean/English corpus.

Candidate names on the Korean side are kiwipiepy's proper nouns (``NNP``),
alone and merged with the nouns that follow them (``웨일스`` + ``국회`` →
``웨일스 국회``). Candidates on the English side are capitalised spans
(``Welsh Parliament``, ``University of Michigan``) and their sub-spans. Every
Korean candidate is paired with the English candidate it co-occurs with most
consistently across segments (Dice coefficient over segment counts, at least
``min_count`` shared segments, weighted by log2(1 + shared segments) so frequent
names come first; equal scores go to the span that sounds like the Korean
transliteration), and pairs are linked competitively: the best
pair claims both of its sides, so a weaker pair reusing either side is dropped.

The result is a ranked list for an editor to check by hand, not a glossary.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bilingual.errors import InputError

# Kiwi tags that may follow a proper noun inside one name (웨일스 국회, 노동당).
_NAME_HEAD = {"NNP"}
_NAME_TAIL = {"NNP", "NNG"}

# Lower-case words allowed inside a capitalised English span.
_CONNECTORS = {"of", "the", "de", "for", "and", "von", "van", "der", "la", "le", "du", "del", "da", "al", "bin", "on"}
# Capitalised words that are never names on their own (sentence openers, pronouns, titles of address).
_NOT_NAMES = {
    "a", "an", "the", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our",
    "this", "that", "these", "those", "there", "here", "in", "on", "at", "of", "for", "to", "from", "by",
    "with", "as", "and", "but", "or", "if", "when", "while", "after", "before", "since", "so", "yet",
    "not", "no", "yes", "what", "who", "why", "how", "where", "which", "mr", "mrs", "ms", "dr", "one",
    "some", "many", "most", "all", "both", "also", "then", "now", "today", "however", "meanwhile",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "said", "says",
}
_EN_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'’.\-]*[^\W_]|[^\W\d_]")
_POSSESSIVE = re.compile(r"['’]s?$")


_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_VOWELS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
           "yu", "eu", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "l", "l", "l", "l", "l", "l", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t"]
# Consonant classes shared by Korean romanisation and English spelling; vowels are dropped.
_SOUND_CLASSES = [("ch", "S"), ("sh", "S"), ("th", "T"), ("ph", "P"), ("ng", "N"), ("ck", "K"),
                  ("g", "K"), ("k", "K"), ("c", "K"), ("q", "K"), ("d", "T"), ("t", "T"), ("b", "P"),
                  ("p", "P"), ("f", "P"), ("v", "P"), ("r", "L"), ("l", "L"), ("s", "S"), ("z", "S"),
                  ("x", "S"), ("j", "S"), ("m", "M"), ("n", "N")]


def romanise(korean: str) -> str:
    """Rough Revised Romanisation of Hangul syllables; other characters are kept."""
    out = []
    for ch in korean:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _VOWELS[(code % 588) // 28] + _FINALS[code % 28])
        else:
            out.append(ch)
    return "".join(out).replace("lr", "ll")  # ㄹ+ㄹ reads as ll (팔루 = pallu)


def _skeleton(latin: str) -> str:
    text = re.sub(r"[^a-z]", "", latin.lower())
    out = []
    i = 0
    while i < len(text):
        for pattern, cls in _SOUND_CLASSES:
            if text.startswith(pattern, i):
                if not out or out[-1] != cls:
                    out.append(cls)
                i += len(pattern)
                break
        else:
            i += 1
    return "".join(out)


def sound_similarity(korean: str, english: str) -> float:
    """How alike a transliterated Korean name and an English span sound (0-1, consonant skeletons)."""
    from difflib import SequenceMatcher

    a, b = _skeleton(romanise(korean)), _skeleton(english)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


@dataclass(frozen=True)
class Suggestion:
    """One proposed glossary pair with the counts it was ranked by."""

    korean: str  # the Korean surface form seen most often
    english: str
    korean_forms: tuple[str, ...]  # other surface forms of the same candidate (spacing variants)
    pair_count: int  # segments holding both
    korean_count: int  # segments holding the Korean candidate
    english_count: int  # segments holding the English candidate
    score: float  # dice * log2(1 + pair_count): consistent and frequent pairs first
    dice: float
    pmi: float
    sound: float  # sound_similarity of the pair, the tie-breaker between equal counts


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def english_candidates(text: str, *, max_words: int = 4) -> set[str]:
    """Capitalised spans of ``text`` and their sub-spans that start and end capitalised."""
    words = [_POSSESSIVE.sub("", m.group(0)).rstrip(".") if not m.group(0).isupper() else m.group(0)
             for m in _EN_TOKEN.finditer(text)]
    found: set[str] = set()
    run: list[str] = []

    def flush() -> None:
        while run and not _is_capitalised(run[-1]):
            run.pop()
        for i in range(len(run)):
            if not _is_capitalised(run[i]):
                continue
            for j in range(i + 1, min(len(run), i + max_words) + 1):
                if not _is_capitalised(run[j - 1]):
                    continue
                span = run[i:j]
                if all(w.lower() in _NOT_NAMES for w in span):
                    continue
                if span[0].lower() in _NOT_NAMES and len(span) > 1 and span[0].lower() not in ("the",):
                    continue
                found.add(" ".join(span))
        run.clear()

    for word in words:
        if not word:
            continue
        if _is_capitalised(word):
            run.append(word)
        elif run and word.lower() in _CONNECTORS:
            run.append(word)
        else:
            flush()
    flush()
    return found


def korean_candidates(tokens: Sequence[object], text: str, *, max_tokens: int = 3) -> dict[str, str]:
    """Proper-noun spans of one analysed Korean segment: ``{key without spaces: surface}``.

    ``tokens`` are kiwipiepy tokens (``form``, ``tag``, ``start``, ``len``) of ``text``.
    A span starts at an ``NNP`` and may extend over following ``NNP``/``NNG`` tokens
    that touch it or are separated by one space.
    """
    found: dict[str, str] = {}
    toks = list(tokens)
    for i, tok in enumerate(toks):
        if getattr(tok, "tag") not in _NAME_HEAD:
            continue
        start = tok.start
        end = tok.start + tok.len
        j = i
        while True:
            surface = text[start:end]
            if len(surface.replace(" ", "")) >= 2:
                found.setdefault(surface.replace(" ", ""), surface)
            j += 1
            if j >= len(toks) or j - i >= max_tokens:
                break
            nxt = toks[j]
            if nxt.tag not in _NAME_TAIL or nxt.start - end > 1 or text[end:nxt.start].strip():
                break
            end = nxt.start + nxt.len
    return found


def _analyse(korean_segments: Sequence[str]) -> list[list[object]]:
    from bilingual.text.kiwi import kiwi as shared_kiwi  # one analyser per process

    try:
        kiwi = shared_kiwi(multi_words=True)
    except ImportError as exc:  # pragma: no cover - kiwipiepy is a core dependency
        raise InputError("glossary suggest needs kiwipiepy: pip install kiwipiepy") from exc
    return [list(tokens) for tokens in kiwi.tokenize(list(korean_segments))]


def suggest(
    korean_segments: Sequence[str],
    english_segments: Sequence[str],
    *,
    min_count: int = 2,
    min_dice: float = 0.3,
    top: int | None = None,
    max_words: int = 4,
) -> list[Suggestion]:
    """Rank Korean proper nouns paired with the English spans they co-occur with.

    Raises :class:`InputError` when the two sides have different segment counts
    or are empty.
    """
    if len(korean_segments) != len(english_segments):
        raise InputError(
            f"Korean and English sides differ in length: {len(korean_segments)} vs {len(english_segments)} segments"
        )
    if not korean_segments:
        raise InputError("no segments to suggest from")
    if min_count < 1:
        raise InputError(f"min_count must be at least 1, got {min_count}")

    analysed = _analyse(korean_segments)
    ko_count: Counter[str] = Counter()
    en_count: Counter[str] = Counter()
    pair_count: Counter[tuple[str, str]] = Counter()
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for tokens, ko_text, en_text in zip(analysed, korean_segments, english_segments):
        ko = korean_candidates(tokens, ko_text)
        en = english_candidates(en_text, max_words=max_words)
        for key, surface in ko.items():
            surfaces[key][surface] += 1
        ko_count.update(ko.keys())
        en_count.update(en)
        for key in ko:
            for span in en:
                pair_count[(key, span)] += 1

    n = len(korean_segments)
    scored: list[tuple[float, float, int, float, int, str, str]] = []
    for (key, span), both in pair_count.items():
        if both < min_count:
            continue
        dice = 2 * both / (ko_count[key] + en_count[span])
        if dice < min_dice:
            continue
        # Ties (a name seen only with the same few words) go to the span that sounds
        # like the Korean transliteration, then to the longer span.
        sound = round(sound_similarity(key, span), 3)
        score = dice * math.log2(1 + both)
        scored.append((score, dice, both, sound, len(span.split()), key, span))
    scored.sort(key=lambda row: (-row[0], -row[1], -row[3], -row[4], row[5], row[6]))

    used_ko: set[str] = set()
    used_en: set[str] = set()
    result: list[Suggestion] = []
    for score, dice, both, sound, _, key, span in scored:
        if key in used_ko or span in used_en:
            continue
        used_ko.add(key)
        used_en.add(span)
        forms = [s for s, _ in surfaces[key].most_common()]
        pmi = math.log2(both * n / (ko_count[key] * en_count[span]))
        result.append(
            Suggestion(
                korean=forms[0],
                english=span,
                korean_forms=tuple(forms[1:]),
                pair_count=both,
                korean_count=ko_count[key],
                english_count=en_count[span],
                score=round(score, 4),
                dice=round(dice, 4),
                pmi=round(pmi, 3),
                sound=sound,
            )
        )
        if top is not None and len(result) >= top:
            break
    return result
