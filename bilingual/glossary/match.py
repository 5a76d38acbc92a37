"""Finding glossary terms in Korean and English text.

Every surface of every term (the canonical term and its forms) is indexed by
its *normalised* key: for Korean the text without spaces, for English
lower-cased without spaces, hyphens (any of the hyphen characters) and full stops;
in both, apostrophe variants read as ' and surfaces are NFC (decomposed text is
composed before matching, offsets still point into it), and invisible format characters
(soft hyphen, zero-width space/joiners, word joiner, BOM) are read through. The text is normalised the
same way once, with a map from normalised to original offsets. Matching then
probes only the positions where a term may start (word starts, and for Korean
the end of a term just matched inside the same word, as in 경기도|지사), looking
up the normalised text at each of the lengths that keys starting with that
character have, longest first, in a hash table. The work is proportional to
the number of words times the number of distinct key lengths, not to the number
of terms (10,000 terms over 1 MB: see ``eval/bench/glossary_match.py``).

A candidate is accepted when

* spaces/hyphens/stops inside the matched text sit where the glossary form has
  one (Kim Moon Soo = Kim Moon-soo), or, in Korean, split the term into pieces
  of at least two syllables (러시아 기술공사 = 러시아기술공사, but 경기 도중 is not 경기도);
* in English the next character is not a letter or digit (a possessive 's may follow);
* in Korean the rest of the word is empty, a sequence of particles/endings, a
  compound head (지사, 민, 청, 산, 행 …), the start of another term, or — when
  all of these fail — kiwipiepy puts a morpheme boundary right after the term and
  the word does not go on as a longer name (a proper noun, or a chain of two or
  more nouns: 한국 is not matched in 한국산업기술대학은, but is in 한국사회의).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bilingual.errors import GlossaryError
from bilingual.text.language import check_language
from bilingual.glossary import korean
from bilingual.glossary.terms import Glossary, Term
from bilingual.text.invisible import INVISIBLE

METHODS = ("combined", "particles", "kiwi")

_WORD = re.compile(r"[^\W_]+")
# Decomposed text (NFD, e.g. from macOS or some MT detokenisers): conjoining Hangul jamo, or
# combining marks after a letter (e + U+0301 for é). Such text is matched on its NFC form.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_DECOMPOSED = re.compile(f"[\u1100-\u11ff{_MARKS}]")
# Invisible format characters (bilingual.text.invisible): matching reads through them (김\u200b문수 is
# 김문수, Kim Moon\u00adsoo is Kim Moonsoo); a match's span still covers them.
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_MAPPED = re.compile(f"[\u1100-\u11ff{_MARKS}{INVISIBLE}]")
_CLUSTER = re.compile(f"[\u1100-\u1112][\u1161-\u1175][\u11a8-\u11c2]?|[^{INVISIBLE}][{_MARKS}]+", re.S)
# Hyphen variants (hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, small and
# full-width hyphen-minus) are separators in English, like spaces and full stops.
_HYPHENS = "-\u2010\u2011\u2012\u2013\ufe63\uff0d"
_KEEP = {"ko": re.compile(r"\S+"), "en": re.compile(f"[^\\s{re.escape(_HYPHENS)}.]+")}
# Apostrophe variants all read as "'" (O’Brien = O'Brien); one character for one, offsets keep.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc\uff07", "'"))


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a glossary term: ``text[start:end]`` is the matched text."""

    start: int
    end: int
    text: str
    term: Term
    form: str = ""  # the glossary surface that matched (canonical term, a form, or a wrong form)
    wrong: bool = False  # the surface is one of the term's wrong_english renderings

    def as_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "korean": self.term.korean.strip(),
            "english": self.term.english.strip(),
            "form": self.form,
            "wrong": self.wrong,
            "kind": self.term.kind,
        }


@dataclass(frozen=True)
class _Candidate:
    term: Term
    form: str
    seps: frozenset[int]  # normalised offsets (inside the key) where the form has a space/hyphen/stop
    wrong: bool


def normalise(text: str, lang: str) -> tuple[str, list[int]]:
    """(normalised text, original offset of each normalised character)."""
    norm, chunk_orig, chunk_norm = _normalise_chunks(text, lang)
    offsets: list[int] = []
    for start, n_start, n_end in zip(chunk_orig, chunk_norm, [*chunk_norm[1:], len(norm)]):
        offsets.extend(range(start, start + n_end - n_start))
    return norm, offsets


def _normalise_chunks(text: str, lang: str) -> tuple[str, list[int], list[int]]:
    """(normalised text, original start of each run of kept characters, its normalised start)."""
    text = text.translate(_APOSTROPHES)
    if lang == "en":
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer (İ): keep it
            lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        text = lowered
    parts = _KEEP[lang].findall(text)
    chunk_orig = [m.start() for m in _KEEP[lang].finditer(text)]
    chunk_norm: list[int] = []
    total = 0
    for part in parts:
        chunk_norm.append(total)
        total += len(part)
    return "".join(parts), chunk_orig, chunk_norm


def _key_and_seps(surface: str, lang: str) -> tuple[str, frozenset[int]]:
    key, offsets = normalise(surface, lang)
    seps = set()
    for index in range(1, len(offsets)):
        if offsets[index] != offsets[index - 1] + 1:
            seps.add(index)
    return key, frozenset(seps)


class Matcher:
    """An index of term surfaces for one language, and the matching that uses it."""

    def __init__(self, surfaces: Iterable[tuple[Term, str, bool]], lang: str, method: str = "combined") -> None:
        check_language(lang, error=GlossaryError)
        if method not in METHODS:
            raise GlossaryError(f"unknown matching method {method!r} (use {', '.join(METHODS)})")
        self.lang = lang
        self.method = method
        self.index: dict[str, list[_Candidate]] = {}
        lengths: dict[str, set[int]] = {}
        for term, surface, wrong in surfaces:
            key, seps = _key_and_seps(unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", surface)), lang)
            if not key:
                continue
            bucket = self.index.setdefault(key, [])
            if any(c.term == term and c.seps == seps for c in bucket):
                continue
            bucket.append(_Candidate(term, surface.strip(), seps, wrong))
            lengths.setdefault(key[:2], set()).add(len(key))
        # key lengths by the key's first two characters (one for one-character keys): a probe
        # tries only the lengths of keys that start like the text at that point, longest first
        self.lengths = {prefix: sorted(ls, reverse=True) for prefix, ls in lengths.items()}

    # -------------------------------------------------------------- public

    def find(self, text: str) -> list[TermMatch]:
        if not self.index or not text:
            return []
        if _MAPPED.search(text):  # NFD, or invisible characters: match on NFC without them
            return self._find_composed(text)
        return self._find_plain(text)

    def _find_plain(self, text: str) -> list[TermMatch]:
        norm, chunk_orig, chunk_norm = _normalise_chunks(text, self.lang)
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        word_starts = [s for s, _ in words]
        ctx = _Context(text, norm, chunk_orig, chunk_norm, words, word_starts)

        results: list[TermMatch] = []
        last_end = 0
        lengths = self.lengths
        lower = self.lang == "en"
        ignorable = self._ignorable
        by_morpheme = self.method == "kiwi" and self.lang == "ko"
        size = len(text)
        for w_start, w_end in words:
            if w_start < last_end:
                continue
            if not by_morpheme:
                # cheap filter on the original text: no key starts like this word
                first = text[w_start].lower() if lower else text[w_start]
                if w_start + 1 < size:
                    second = text[w_start + 1].translate(_APOSTROPHES)
                    second = second.lower() if lower else second
                    if not ignorable(second) and first + second not in lengths and first not in lengths:
                        continue
                elif first not in lengths:
                    continue
            for probe in self._probes(ctx, w_start, w_end):
                if probe < last_end:
                    continue
                match = self._probe(ctx, probe)
                while match is not None:
                    results.append(match)
                    last_end = match.end
                    # a term inside a compound may be followed by another term (경기도|지사)
                    if self.lang == "ko" and self.method == "combined" and _inside_word(text, match.end):
                        match = self._probe(ctx, match.end)
                    else:
                        match = None
                if last_end > probe:
                    break
        return results

    # -------------------------------------------------------------- internals

    def _find_composed(self, text: str) -> list[TermMatch]:
        """Compose jamo into syllables and letters with their marks (NFC), drop invisible
        characters, match, map offsets back."""
        parts: list[str] = []
        spans: list[tuple[int, int]] = []  # original span of each composed character
        position = 0
        for m in _CLUSTER.finditer(text):
            for i in range(position, m.start()):
                if text[i] not in INVISIBLE:
                    parts.append(text[i])
                    spans.append((i, i + 1))
            # an L+V(+T) cluster composes to one syllable; a letter and its marks to one character
            # or, where Unicode has no precomposed form, to several, each mapped to the whole cluster
            composed_cluster = unicodedata.normalize("NFC", m.group())
            parts.append(composed_cluster)
            spans.extend([m.span()] * len(composed_cluster))
            position = m.end()
        for i in range(position, len(text)):
            if text[i] not in INVISIBLE:
                parts.append(text[i])
                spans.append((i, i + 1))
        composed = "".join(parts)
        result = []
        for m in self._find_plain(composed):
            start, end = spans[m.start][0], spans[m.end - 1][1]
            result.append(TermMatch(start, end, text[start:end], m.term, m.form, m.wrong))
        return result

    def _probes(self, ctx: _Context, w_start: int, w_end: int) -> Iterable[int]:
        if self.method == "kiwi" and self.lang == "ko":
            # analyser alone: a term may start at any morpheme of the word
            seen = []
            for start, _end, _tag in korean.kiwi_tokens(ctx.text[w_start:w_end]):
                if start not in seen:
                    seen.append(start)
            return [w_start + s for s in seen]
        return (w_start,)

    def _probe(self, ctx: _Context, start: int) -> TermMatch | None:
        chunk_orig = ctx.chunk_orig
        k = bisect_right(chunk_orig, start) - 1
        if k < 0:
            return None
        norm = ctx.norm
        chunk_norm = ctx.chunk_norm
        n0 = chunk_norm[k] + (start - chunk_orig[k])
        chunk_end = chunk_norm[k + 1] if k + 1 < len(chunk_norm) else len(norm)
        if n0 >= chunk_end:  # ``start`` is not a kept character
            return None
        lengths = self.lengths
        tries = lengths.get(norm[n0:n0 + 2], ())
        if norm[n0] in lengths:  # one-character keys last
            tries = (*tries, *lengths[norm[n0]])
        index = self.index
        for length in tries:
            candidates = index.get(norm[n0:n0 + length])
            if not candidates or n0 + length > len(norm):
                continue
            last = n0 + length - 1  # original offset of the last character of the key
            j = k if last < chunk_end else bisect_right(chunk_norm, last) - 1
            end = chunk_orig[j] + (last - chunk_norm[j]) + 1
            for cand in candidates:
                if self._accept(ctx, cand, start, end, length):
                    end = _with_trailing(ctx.text, end, cand.form)
                    return TermMatch(start, end, ctx.text[start:end], cand.term, cand.form, cand.wrong)
        return None

    def _accept(self, ctx: _Context, cand: _Candidate, start: int, end: int, length: int) -> bool:
        text = ctx.text
        if end - start != length and not self._separators_ok(text, start, end, cand, length):
            return False
        if self.lang == "en":
            # a Latin term glued to Hangul (Kim Moon-soo는, a name left in a Korean sentence) is fine
            if start > 0 and _latin_alnum(text[start - 1]) and text[start].isalnum():
                return False
            return not (end < len(text) and _latin_alnum(text[end]) and text[end - 1].isalnum())
        # Korean: the rest of the word after the term
        w = bisect_right(ctx.word_starts, end - 1) - 1
        w_start, w_end = ctx.words[w]
        rest = text[end:w_end] if end < w_end else ""
        if self.method == "particles":
            return korean.rest_is_particles(rest)
        if self.method == "kiwi":
            word = text[w_start:w_end]
            if korean.kiwi_longer_name(word, end - w_start):
                return False
            if w_start > start:  # a term over several words: judge its last word
                return korean.kiwi_noun_span(word, 0, end - w_start) or korean.kiwi_boundary(word, end - w_start)
            return korean.kiwi_noun_span(word, start - w_start, end - w_start)
        if rest == "" or korean.rest_is_particles(rest) or korean.rest_is_compound(rest):
            return True
        if self._starts_term(rest):
            return True
        try:
            return korean.kiwi_boundary(text[w_start:w_end], end - w_start)
        except ImportError:  # kiwipiepy missing: rules only
            return False

    def _separators_ok(self, text: str, start: int, end: int, cand: _Candidate, length: int) -> bool:
        kept = 0
        previous_sep = 0
        for ch in text[start:end]:
            if self._ignorable(ch):
                if kept in cand.seps:
                    previous_sep = kept
                    continue
                if self.lang == "ko" and ch.isspace():
                    # a space the glossary form lacks: only between pieces of 2+ syllables
                    next_sep = min([s for s in cand.seps if s > kept] + [length])
                    if kept - previous_sep >= 2 and next_sep - kept >= 2:
                        previous_sep = kept
                        continue
                return False
            kept += 1
        return True

    def _ignorable(self, ch: str) -> bool:
        if self.lang == "ko":
            return ch.isspace()
        return ch.isspace() or ch in _HYPHENS or ch == "."

    def _starts_term(self, rest: str) -> bool:
        for prefix in (rest[:2], rest[:1]):
            for length in self.lengths.get(prefix, ()):
                if rest[:length] in self.index:
                    return True
        return False


@dataclass
class _Context:
    text: str
    norm: str
    chunk_orig: list[int]
    chunk_norm: list[int]
    words: list[tuple[int, int]]
    word_starts: list[int]


def _with_trailing(text: str, end: int, form: str) -> int:
    """Extend a match over the form's trailing full stop (Corp.) when the text has it too."""
    tail = form[len(form.rstrip(".")):]
    if tail and text.startswith(tail, end):
        return end + len(tail)
    return end


def _latin_alnum(ch: str) -> bool:
    return ch.isalnum() and not korean.is_hangul(ch)


def _inside_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at].isalnum() and text[at - 1].isalnum()


# ---------------------------------------------------------------------- glossary API


def surfaces(glossary: Glossary, lang: str, *, include_wrong: bool = True) -> list[tuple[Term, str, bool]]:
    """(term, surface, is_wrong) for every surface of every effective term in ``lang``."""
    result: list[tuple[Term, str, bool]] = []
    for term in glossary.effective_terms():
        if lang == "ko":
            result.extend((term, s, False) for s in term.korean_surfaces)
        else:
            result.append((term, term.english.strip(), False))
            if include_wrong:
                result.extend((term, w.strip(), True) for w in term.wrong_english if w.strip())
    return result


def matcher_for(glossary: Glossary, lang: str, *, method: str = "combined", include_wrong: bool = True) -> Matcher:
    key = ("matcher", lang, method, include_wrong)
    matcher = glossary._cache.get(key)
    if matcher is None:
        matcher = Matcher(surfaces(glossary, lang, include_wrong=include_wrong), lang, method)
        glossary._cache[key] = matcher
    return matcher


def find_terms(glossary: Glossary, text: str, lang: str, *, method: str = "combined") -> list[TermMatch]:
    """Every glossary term in ``text`` (``lang`` "ko" or "en"), left to right, longest match first,
    non-overlapping. English matching also finds the terms' known wrong renderings (``wrong=True``)."""
    return matcher_for(glossary, lang, method=method).find(text)


@lru_cache(maxsize=4096)
def _surfaces_matcher(surfaces: tuple[str, ...], lang: str) -> Matcher:
    term = Term(surfaces[0], surfaces[0])  # a stand-in: only the surfaces matter
    return Matcher([(term, surface, False) for surface in surfaces], lang)


def _stripped(surfaces: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.strip() for s in surfaces if s.strip()))


def find_surface(text: str, surface: str, lang: str, *, forms: Iterable[str] = ()) -> list[TermMatch]:
    """Occurrences of one surface, or of any of ``forms`` besides it (with the same variants as
    :func:`find_terms`)."""
    surfaces = _stripped((surface, *forms))
    if not surfaces:
        return []
    return _surfaces_matcher(surfaces, lang).find(text)


def contains_term(text: str, surface: str, lang: str, *, forms: Iterable[str] = ()) -> bool:
    """Is ``surface`` (a target-language term), or one of its other ``forms``, present in ``text``?

    Korean: with particles, in compounds, with or without spaces inside — the matching
    :func:`find_terms` uses for source text. Pass a term's ``korean_forms`` as ``forms`` so that
    any surface of the term counts (김문수, or its form 김 지사 as 김 지사는).
    English: any case, possessive 's, hyphen/space variants (Kim Moon-soo, Kim Moonsoo, Kim Moon Soo),
    hyphen characters (‐, non-breaking ‑, –) and apostrophes (’ = ').
    Both: Unicode composition never decides (an NFD García in ``text`` is the NFC García of the
    glossary), but the letters do: Garcia is not García. The term success rate is exact presence of
    the spelling the glossary asks for, WMT terminology-task style.
    """
    return bool(find_surface(text, surface, lang, forms=forms))
