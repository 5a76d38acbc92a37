"""Fuzzy matching for the translation memory: normalised keys, a candidate index, scores.

Korean news text differs between two versions of a sentence mostly in
spacing (띄어쓰기), particles (김문수 지사는 / 김문수 지사가), punctuation and
numbers. Matching therefore works on a normalised form of each source:

- :func:`exact_key`: NFC, whitespace collapsed. Two sources with the same
  exact key are the same sentence (an exact match).
- :func:`fuzzy_key`: the exact key lower-cased, a particle removed from the
  end of each Korean word (a fixed list of the common ones: 은/는/이/가/을/를/의/
  에/에서/에게/으로/로/와/과/도/만/까지/부터/보다/처럼 ...), then every space and
  punctuation mark removed. Scores compare fuzzy keys.

:class:`FuzzyIndex` holds the fuzzy keys of a memory's sources with an
inverted index of their character trigrams. A lookup takes the query's
rarest trigrams, counts which sources share them (a few short posting lists,
never the whole memory), and scores only the best candidates with
rapidfuzz's ``fuzz.ratio`` (normalised Indel similarity, 0-100) on the fuzzy
keys. There is no length cap: a 300-character sentence is matched as a
30-character one is.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["FuzzyIndex", "Candidate", "exact_key", "fuzzy_key", "numbers"]

# Particles removed from the end of a Korean word (longest first), only when
# at least one syllable is left before them.
_PARTICLES = sorted(
    (
        "으로부터", "에서부터", "에게서", "으로서", "으로써", "이라고", "이라는", "에서는", "에서도",
        "에게는", "으로는", "까지는", "부터는", "에서", "에게", "한테", "으로", "까지", "부터",
        "보다", "처럼", "마저", "조차", "라고", "라는", "이나", "이며", "에는", "에도", "과의",
        "와의", "로서", "로써", "로는", "이다", "은", "는", "이", "가", "을", "를", "의",
        "에", "로", "와", "과", "도", "만", "나", "며",
    ),
    key=len,
    reverse=True,
)  # fmt: skip
# a particle at the end of a word, after at least one Hangul syllable
_PARTICLE_END = re.compile(r"(?<=[\uac00-\ud7a3])(?:" + "|".join(_PARTICLES) + r")(?=[\s\W]|$)")
_SPACE = re.compile(r"\s+")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
TRIGRAM = 3
RARE_GRAMS = 12  # trigrams of the query whose posting lists are read
CANDIDATES = 24  # sources scored per lookup


def exact_key(text: str) -> str:
    """``text`` in NFC with runs of whitespace made one space, stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fuzzy_key(text: str) -> str:
    """The form fuzzy scores compare: see the module text."""
    return _DROP.sub("", _PARTICLE_END.sub("", exact_key(text).lower()))


def numbers(text: str) -> tuple[str, ...]:
    """The numbers in ``text`` in order (digits with their separators removed)."""
    return tuple(n.replace(",", "") for n in _NUMBER.findall(unicodedata.normalize("NFKC", text)))


def _grams(key: str) -> set[str]:
    if len(key) <= TRIGRAM:
        return {key} if key else set()
    return {key[i : i + TRIGRAM] for i in range(len(key) - TRIGRAM + 1)}


@dataclass(frozen=True)
class Candidate:
    """One scored source: its position in the index and its score (0-100)."""

    position: int
    score: float


class FuzzyIndex:
    """Fuzzy keys of many sources and a trigram index over them (see the module text)."""

    def __init__(self, sources: Iterable[str] = ()) -> None:
        self.keys: list[str] = []
        self.postings: dict[str, list[int]] = {}
        for source in sources:
            self.add(source)

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, source: str) -> int:
        """Index one source; returns its position."""
        position = len(self.keys)
        key = fuzzy_key(source)
        self.keys.append(key)
        postings = self.postings
        for gram in _grams(key):
            entry = postings.get(gram)
            if entry is None:
                postings[gram] = [position]
            else:
                entry.append(position)
        return position

    def search(self, query: str, *, threshold: float, limit: int = 1) -> list[Candidate]:
        """The best ``limit`` sources scoring at least ``threshold`` against ``query``, best first."""
        from rapidfuzz import fuzz

        key = fuzzy_key(query)
        grams = _grams(key)
        if not grams:
            return []
        lists = sorted((self.postings[g] for g in grams if g in self.postings), key=len)[:RARE_GRAMS]
        if not lists:
            return []
        counts: Counter[int] = Counter()
        for postings in lists:
            counts.update(postings)
        scored = []
        for position, _ in counts.most_common(CANDIDATES):
            score = fuzz.ratio(key, self.keys[position], score_cutoff=threshold)
            if score:
                scored.append(Candidate(position, float(score)))
        scored.sort(key=lambda c: (-c.score, c.position))
        return scored[:limit]

    def search_many(self, queries: Sequence[str], *, threshold: float) -> list[Candidate | None]:
        """The best candidate of each query, or None."""
        return [next(iter(self.search(q, threshold=threshold)), None) for q in queries]
