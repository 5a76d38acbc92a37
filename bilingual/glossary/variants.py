"""Korean names in a text that are near-misses of a glossary term (``glossary lint --corpus``).

Korean papers print foreign names in more than one transliteration and institutions
under shorter names: 블라디스라보비치 for the glossary's 블라디슬라보비치, 한국산업기술대학
for 한국산업기술대학교. Such a form is not matched, so its name goes untranslated or
wrong; this module finds them for an editor to add as ``korean_forms``.

Candidates are the spans of a text's noun tokens (kiwipiepy) that hold a proper noun
(NNP), across the spaces between words (바우만 모스크바 국립공대), or common nouns in
words of two syllables or more (the analyser takes some foreign names for common
nouns: 아료신, 아비게일 그레이스). Each is compared
with every Korean surface of every term (the canonical term and its forms) by an
edit distance over jamo, the letters of the Hangul syllables, where the usual
variants are cheap:

* spaces do not count (both sides are compared without them);
* an institution head at the end has short forms that cost 0.2: 공과대학교, 공과대학 and 공대;
  대학교, 대학 and 대;
* a final ㄹ before an initial ㄹ costs 0.2 (슬라 and 스라, 랄라 and 라라: the doubled ㄹ
  that writes an l between vowels);
* a consonant for its aspirated or tense pair (ㄱ ㅋ ㄲ, ㄷ ㅌ ㄸ, ㅂ ㅍ ㅃ, ㅈ ㅊ ㅉ, ㅅ ㅆ),
  or a vowel for a close one (ㅐ ㅔ, ㅒ ㅖ, ㅚ ㅙ ㅞ, ㅓ ㅗ, ㅡ ㅜ, and a vowel with or without
  its y-glide: ㅛ ㅗ, ㅕ ㅓ, ㅑ ㅏ, ㅠ ㅜ) costs 0.5;
* any other jamo inserted, deleted or replaced costs 1.

A span is a near-miss when its distance is at most 0.1 per syllable of the surface (at
most 1), it differs from the surface in at most two syllables, the surface has at least
two syllables, it is neither a surface of any term nor inside a term the matcher found
there, and a Latin spelling in brackets right after it, if the text gives one, shares a
word with the term's English (프라이스(Pryce) is not a variant of 플라이스, Fleiss).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bilingual.glossary.match import find_terms, normalise
from bilingual.glossary.terms import Glossary, Term
from bilingual.text.kiwi import kiwi

MAX_COST = 1.0
COST_PER_SYLLABLE = 0.1
MAX_SYLLABLES_CHANGED = 2
_CHEAP = 0.2
_CLOSE = 0.5

# Institution heads and their shortest form: 공과대학교, 공과대학, 공대; 대학교, 대학, 대.
_HEADS = {"공과대학교": "공대", "공과대학": "공대", "공대": "공대", "대학교": "대", "대학": "대", "대": "대"}
_HEAD_AT_END = re.compile("(" + "|".join(sorted(_HEADS, key=len, reverse=True)) + ")$")

_L, _V, _T = "L", "V", "T"  # onset, vowel, coda
_CLOSE_SETS = {
    _L: ("ㄱㅋㄲ", "ㄷㅌㄸ", "ㅂㅍㅃ", "ㅈㅊㅉ", "ㅅㅆ"),
    _V: ("ㅐㅔ", "ㅒㅖ", "ㅚㅙㅞ", "ㅓㅗ", "ㅡㅜ", "ㅛㅗ", "ㅕㅓ", "ㅑㅏ", "ㅠㅜ"),
    _T: ("ㄱㅋㄲ", "ㄷㅌㅅㅆ", "ㅂㅍ"),
}
_ONSETS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_CODAS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
# Tags of the tokens a name span is made of: nouns, a prefix or suffix on them, a number (제1)
_NAME_PARTS = ("NNP", "NNG", "XPN", "XSN", "SN")
_MAX_TOKENS = 8


@dataclass(frozen=True)
class NearMiss:
    """A form of the text (``text``, seen ``count`` times) close to ``surface``, a Korean surface of ``term``."""

    text: str
    term: Term
    surface: str
    cost: float
    differences: tuple[str, ...]  # what differs, e.g. "스 for 슬", "대학 for 대학교", "spacing"
    count: int = 1


# ---------------------------------------------------------------------- jamo distance


def jamo(syllable: str) -> tuple[tuple[str, str], ...]:
    """The jamo of one Hangul syllable as (role, letter) pairs, the coda left out when there is none;
    any other character is one pair of its own."""
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return (("", syllable),)
    onset, rest = divmod(code, 588)
    vowel, coda = divmod(rest, 28)
    pairs = ((_L, _ONSETS[onset]), (_V, _VOWELS[vowel]))
    return pairs + (((_T, _CODAS[coda]),) if coda else ())


def compose(onset: str, vowel: str, coda: str = "") -> str:
    """The Hangul syllable of these jamo (compatibility letters: ``compose("ㅅ", "ㅡ", "ㄹ")`` is 슬)."""
    return chr(0xAC00 + (_ONSETS.index(onset) * 21 + _VOWELS.index(vowel)) * 28 + _CODAS.index(coda or " "))


def _letters(key: str) -> list[tuple[str, str]]:
    return [pair for syllable in key for pair in jamo(syllable)]


@lru_cache(maxsize=4096)
def _close(role: str, a: str, b: str) -> bool:
    return any(a in group and b in group for group in _CLOSE_SETS.get(role, ()))


def _indel(letters: list[tuple[str, str]], i: int) -> float:
    """Cost of inserting or deleting ``letters[i]``: cheap for a final ㄹ before an initial ㄹ."""
    if letters[i] == (_T, "ㄹ") and letters[i + 1:i + 2] == [(_L, "ㄹ")]:
        return _CHEAP
    return 1.0


def jamo_distance(a: str, b: str, *, limit: float = float("inf")) -> float:
    """Weighted edit distance between two Hangul strings over their jamo (see the module text).
    Stops early, returning a value above ``limit``, once the distance must exceed it."""
    x, y = _letters(a), _letters(b)
    previous = [0.0]
    for j in range(len(y)):
        previous.append(previous[-1] + _indel(y, j))
    for i in range(len(x)):
        row = [previous[0] + _indel(x, i)]
        for j in range(len(y)):
            (role_x, letter_x), (role_y, letter_y) = x[i], y[j]
            if x[i] == y[j]:
                substitute = previous[j]
            elif role_x == role_y and _close(role_x, letter_x, letter_y):
                substitute = previous[j] + _CLOSE
            elif role_x == role_y:
                substitute = previous[j] + 1.0
            else:
                substitute = float("inf")
            row.append(min(substitute, previous[j + 1] + _indel(x, i), row[j] + _indel(y, j)))
        if min(row) > limit:
            return min(row)
        previous = row
    return previous[-1]


# ---------------------------------------------------------------------- surfaces and spans


@dataclass(frozen=True)
class _Key:
    """A Korean string as compared: without spaces, an institution head at its end in the
    shortest form (한국산업기술대학교 -> 한국산업기술대)."""

    key: str
    head: str  # the head as written ("" for none)
    spaces: tuple[int, ...]  # where the spaces were, as offsets into the text without them


def _canonical(text: str) -> _Key:
    words = unicodedata.normalize("NFC", text).split()
    joined = "".join(words)
    spaces = tuple(sum(len(w) for w in words[:i]) for i in range(1, len(words)))
    m = _HEAD_AT_END.search(joined)
    if m is None or m.start() == 0:
        return _Key(joined, "", spaces)
    return _Key(joined[: m.start()] + _HEADS[m.group()], m.group(), spaces)


def _head_cost(a: _Key, b: _Key) -> float:
    """0.2 when the two heads are written differently (대학 for 대학교)."""
    return _CHEAP if a.head != b.head and _HEADS.get(a.head) == _HEADS.get(b.head) else 0.0


def _differences(a: _Key, b: _Key) -> tuple[str, ...]:
    """What ``a`` (the text's form) has for what ``b`` (the glossary's) has."""
    notes = []
    matcher = difflib.SequenceMatcher(None, b.key, a.key, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            notes.append(f"{a.key[j1:j2] or '-'} for {b.key[i1:i2] or '-'}")
    if a.head != b.head and _HEADS.get(a.head) == _HEADS.get(b.head):
        notes.append(f"{a.head} for {b.head}")
    if a.spaces != b.spaces:
        notes.append("spacing")
    return tuple(notes)


def _syllables_changed(a: str, b: str) -> int:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of consecutive noun tokens (one space at most between them) that hold a proper noun,
    or make words of two syllables or more, three or more in all: every run of up to eight tokens
    inside a longer run too (블라디스라보비치, 바우만 공대)."""
    runs: list[list[tuple[int, int, str]]] = []
    for token in kiwi().tokenize(text):
        start, end = token.start, token.start + token.len
        if not token.tag.startswith(_NAME_PARTS):
            runs.append([])
            continue
        if runs and runs[-1] and text[runs[-1][-1][1]:start] in ("", " "):
            runs[-1].append((start, end, token.tag))
        else:
            runs.append([(start, end, token.tag)])
    spans = []
    for run in runs:
        for i in range(len(run)):
            for j in range(i, min(len(run), i + _MAX_TOKENS)):
                tags = [tag for _s, _e, tag in run[i:j + 1]]
                start, end = run[i][0], run[j][1]
                # the analyser takes some foreign names for common nouns (아료신, 아비게일 그레이스):
                # words of two syllables or more, three or more in all, are candidates too
                words = text[start:end].split()
                if "NNP" in tags or ("NNG" in tags and min(map(len, words)) >= 2 and sum(map(len, words)) >= 3):
                    spans.append((start, end))
    return spans


class _Index:
    """Every Korean surface of a glossary, by the syllables of its canonical key."""

    def __init__(self, glossary: Glossary) -> None:
        self.surfaces: list[tuple[Term, str, _Key]] = []
        self.exact: set[str] = set()
        self.postings: dict[str, set[int]] = defaultdict(set)
        for term in glossary.effective_terms():
            for surface in term.korean_surfaces:
                self.exact.add(normalise(surface, "ko")[0])
                key = _canonical(surface)
                if len(key.key) < 2:
                    continue
                index = len(self.surfaces)
                self.surfaces.append((term, surface, key))
                for syllable in set(key.key):
                    self.postings[syllable].add(index)

    def near(self, text: str) -> NearMiss | None:
        """The nearest surface to ``text`` if ``text`` is a near-miss of it."""
        if normalise(text, "ko")[0] in self.exact:
            return None
        mine = _canonical(text)
        shared: Counter = Counter()
        for syllable in set(mine.key):
            shared.update(self.postings.get(syllable, ()))
        best, rank = None, None
        for index, n in sorted(shared.items()):
            term, surface, theirs = self.surfaces[index]
            size = len(theirs.key)
            if n < len(set(theirs.key)) - MAX_SYLLABLES_CHANGED or abs(size - len(mine.key)) > MAX_SYLLABLES_CHANGED:
                continue
            if _syllables_changed(mine.key, theirs.key) > MAX_SYLLABLES_CHANGED:
                continue
            limit = min(MAX_COST, COST_PER_SYLLABLE * size)
            cost = round(_head_cost(mine, theirs) + jamo_distance(mine.key, theirs.key, limit=limit), 2)
            differences = _differences(mine, theirs)
            if cost <= limit and (rank is None or (cost, len(differences)) < rank):
                best, rank = NearMiss(text, term, surface, cost, differences), (cost, len(differences))
        return best


# ---------------------------------------------------------------------- corpus


def near_misses(glossary: Glossary, texts: Iterable[str]) -> list[NearMiss]:
    """Near-misses of the glossary's Korean surfaces in ``texts``, one per (form, term) with
    how often the form occurs, most frequent first."""
    index = _Index(glossary)
    if not index.surfaces:
        return []
    found: dict[tuple[str, str], NearMiss] = {}
    counts: Counter = Counter()
    for text in texts:
        matched = find_terms(glossary, text, "ko")
        candidates = []
        for start, end in name_spans(text):
            if any(m.start <= start and end <= m.end for m in matched):
                continue
            miss = index.near(text[start:end])
            if miss is None or any(m.term == miss.term and m.start < end and start < m.end for m in matched):
                continue
            if _latin_agrees(text, end, miss.term):
                candidates.append((start, end, miss))
        for miss in _cheapest(candidates):
            key = (miss.text, miss.term.korean.strip())
            found.setdefault(key, miss)
            counts[key] += 1
    result = [
        NearMiss(m.text, m.term, m.surface, m.cost, m.differences, counts[key]) for key, m in found.items()
    ]
    return sorted(result, key=lambda m: (-m.count, m.cost, m.text))


_LATIN_AFTER = re.compile(r"\s?\(([A-Za-z][^()]*)\)")


def _latin_agrees(text: str, end: int, term: Term) -> bool:
    """False when the text spells the name in Latin letters right after it, in brackets, and
    that spelling shares no word with the term's English (프라이스(Pryce) is not 플라이스, Fleiss)."""
    m = _LATIN_AFTER.match(text, end)
    if m is None:
        return True
    theirs = {w.lower() for w in re.findall(r"[A-Za-z]+", term.english)}
    return bool(theirs & {w.lower() for w in re.findall(r"[A-Za-z]+", m.group(1))})


def _cheapest(candidates: list[tuple[int, int, NearMiss]]) -> list[NearMiss]:
    """Of near-misses of one term that overlap, the cheapest (the longest of equals)."""
    kept: list[tuple[int, int, NearMiss]] = []
    for start, end, miss in sorted(candidates, key=lambda c: (c[2].cost, c[0] - c[1], c[0])):
        if not any(s < end and start < e and m.term == miss.term for s, e, m in kept):
            kept.append((start, end, miss))
    return [miss for _s, _e, miss in sorted(kept, key=lambda c: c[0])]
