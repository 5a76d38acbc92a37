"""Fuzzy matching for the translation memory: normalised keys, a candidate index, scores.

Korean news text differs between two versions of a sentence mostly in
spacing (띄어쓰기), particles (김문수 지사는 / 김문수 지사가), punctuation and
numbers. Matching therefore works on a normalised form of each source:

- :func:`exact_key`: NFC, whitespace collapsed. Two sources with the same
  exact key are the same sentence (an exact match).
- :func:`fuzzy_key`: the exact key lower-cased, punctuation removed, the
  particles after nouns removed (은/는/이/가/을/를/의/에/에서/으로/와/과/도/만 ...:
  every morpheme kiwipiepy tags ``J*`` that follows a noun, a number or a
  foreign word, through the process's shared analyser
  :func:`bilingual.text.kiwi.kiwi`), then every space removed. A noun that
  merely ends like a particle keeps it (국가, 경기도), and a particle inside
  a word written without its spaces goes too (지사는말했다 → 지사말했다).
  Each distinct word is analysed once per process (a cache), so a memory of
  100,000 news sentences costs about one second of analysis.

:class:`FuzzyIndex` holds the fuzzy keys of a memory's sources with an
inverted index of their character trigrams. A lookup takes the query's
rarest trigrams, counts which sources share them (a few short posting lists,
never the whole memory), and scores only the best candidates with
rapidfuzz's ``fuzz.ratio`` (normalised Indel similarity, 0-100) on the fuzzy
keys. There is no length cap: a 300-character sentence is matched as a
30-character one is.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["FuzzyIndex", "Candidate", "exact_key", "fuzzy_key", "numbers"]

_SPACE = re.compile(r"\s+")
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# what a particle may follow: nouns, pronouns, numerals, noun suffixes, nominalised verbs, numbers, foreign words
_NOMINAL = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "XSN", "ETN", "SN", "SL", "SH"})
TRIGRAM = 3
RARE_GRAMS = 12  # trigrams of the query whose posting lists are read
CANDIDATES = 24  # sources scored per lookup
WORD_CACHE = 500_000  # distinct words whose normalised form is kept


def exact_key(text: str) -> str:
    """``text`` in NFC with runs of whitespace made one space, stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fuzzy_key(text: str) -> str:
    """The form fuzzy scores compare: see the module text."""
    return "".join(_word_key(word) for word in exact_key(text).lower().split(" "))


@functools.lru_cache(maxsize=WORD_CACHE)
def _word_key(word: str) -> str:
    """One word without its punctuation and without the particles after its nouns."""
    word = _DROP.sub("", word)
    if not _HANGUL.search(word):
        return word
    from bilingual.text.kiwi import kiwi

    kept, previous, at = [], "", 0
    for token in kiwi().tokenize(word):
        start, end = token.start, token.start + token.len
        if token.tag.startswith("J") and previous in _NOMINAL and word[start:end] == token.form and start >= at:
            kept.append(word[at:start])
            at = end
        previous = token.tag
    kept.append(word[at:])
    return "".join(kept)


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
