"""Glossary enforcement around a translation engine (the ``TermEnforcer`` of ``hooks.py``).

``prepare`` finds the glossary terms of a source segment and, by default,
substitutes each with its target-language term in the text the engine sees
(source substitution: MT models copy a Latin name through a Korean sentence,
and a Korean name through an English one). ``finish`` checks the engine's
output term by term and repairs it:

* the exact term (or the same with its first letter's case changed) -> ``applied``;
* a spelling variant (Kim Moonsoo, KIM MOON-SOO) or a known wrong rendering
  (Kim Mun-su) -> replaced by the glossary term, ``repaired``;
* in Korean output, the English term or a wrong English rendering left in the
  text -> replaced by the Korean term, with the particle after it made to agree
  (김문수는, 경기도로, 한국으로, 러시아와 / 한국과);
* in English output, a partial or variant rendering of a missing term (words shared
  with the term: Gyeonggi Governor for Gyeonggi Gov., Russian Technologies State
  Corporation for Russian Technologies State Corp.) -> replaced by the term, ``repaired``;
* a term still missing -> inserted where the source position suggests, and in English
  not next to a word of its own (no "Gyeonggi Gov. Gyeonggi Governor") unless the output
  has no other place (then at its end), ``repaired`` with ``detail`` saying so (or
  ``missed`` with ``insert_missing=False``).

Besides the term events, ``finish`` reports two notices (``hooks.NOTICE_STATUSES``):
``hangul-left`` for each run of Hangul still in an English output, and ``unknown-name``
for each proper noun of a Korean source (kiwipiepy NNP, see ``korean.proper_nouns``)
that no glossary term covers. Notices are not terms: they are never ``missed``.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field

from bilingual.errors import GlossaryError
from bilingual.glossary import korean
from bilingual.glossary.hooks import Prepared, TermEvent
from bilingual.glossary.match import TermMatch, find_surface, find_terms, matcher_for
from bilingual.glossary.terms import Glossary, Term

# Particles whose form depends on the word before them, with what may follow them
# in the same word (other continuations are left alone: 이다 is not 이 + 다).
_AGREEING = {
    "은": ("",), "는": ("",),
    "이": ("",), "가": ("",),
    "을": ("",), "를": ("",),
    "과": ("", "의", "는", "도"), "와": ("", "의", "는", "도"),
    "으로": ("", "는", "도", "서", "써", "부터", "의", "만"), "로": ("", "는", "도", "서", "써", "부터", "의", "만"),
}
_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i")
_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"  # syllables, conjoining and compatibility jamo
_HANGUL_RUN = re.compile(f"[{_HANGUL}]+(?:\\s+[{_HANGUL}]+)*")  # words of Hangul with the spaces between
# An English word: letters/digits with inner apostrophes and hyphens, and a trailing full stop
# when it has one (Gov., Corp.; also a sentence's last word, see _partial_span).
_EN_WORD = re.compile(r"[^\W_](?:[\w'\u2019\-\u2010\u2011]*[^\W_])?\.?")
_EN_STOP = frozenset("a an and the of for in on at to by with de".split())


@dataclass
class _State:
    matches: list[TermMatch]
    unknown: list[tuple[int, int]] = field(default_factory=list)  # source spans of names no term covers


def _target(term: Term, target_lang: str) -> str:
    return term.english.strip() if target_lang == "en" else term.korean.strip()


def _source(term: Term, source_lang: str) -> str:
    return term.korean.strip() if source_lang == "ko" else term.english.strip()


def _key(term: Term) -> tuple[str, str]:
    return (term.korean.strip(), term.english.strip())


def _exact_en(found: str, english: str) -> bool:
    """The glossary term as written, or a lower-case term capitalised (Governor at a sentence start)."""
    return found == english or (english[:1].islower() and found == english[:1].upper() + english[1:])


class Enforcer:
    """Make every glossary term of a segment come out as the glossary says, and report it."""

    def __init__(
        self,
        glossary: Glossary,
        source_lang: str,
        target_lang: str,
        *,
        substitute: bool = True,
        insert_missing: bool = True,
    ) -> None:
        if {source_lang, target_lang} != {"ko", "en"}:
            raise GlossaryError(f"glossary enforcement supports ko->en and en->ko, not {source_lang}->{target_lang}")
        self.glossary = glossary
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.substitute = substitute
        self.insert_missing = insert_missing

    # ------------------------------------------------------------------ prepare

    def prepare(self, text: str) -> Prepared:
        state = self._state(text)
        model_input = self._substitute(text, state.matches) if self.substitute else text
        return Prepared(source=text, model_input=model_input, state=state)

    def _state(self, text: str) -> _State:
        found = find_terms(self.glossary, text, self.source_lang)
        names = korean.proper_nouns(text) if self.source_lang == "ko" else []
        unknown = [(start, end) for start, end in names if not any(m.start < end and start < m.end for m in found)]
        return _State([m for m in found if m.term.english.strip()], unknown)

    def _substitute(self, text: str, matches: list[TermMatch]) -> str:
        out: list[str] = []
        previous = 0
        for m in matches:
            out.append(text[previous:m.start])
            replacement = _target(m.term, self.target_lang)
            if out and out[-1] == "" and previous == m.start and previous > 0 and text[previous - 1].isalnum():
                replacement = " " + replacement  # 경기도|지사 -> "Gyeonggi Province governor"
            out.append(replacement)
            previous = m.end
        out.append(text[previous:])
        return "".join(out)

    # ------------------------------------------------------------------ finish

    def finish(self, prepared: Prepared, output: str) -> tuple[str, list[TermEvent]]:
        state = prepared.state if isinstance(prepared.state, _State) else self._state(prepared.source)
        output, events = self._finish_terms(prepared.source, output, state.matches)
        events += self._notices(prepared.source, output, state)
        return output, events

    def _finish_terms(self, source: str, output: str, matches: list[TermMatch]) -> tuple[str, list[TermEvent]]:
        if not matches:
            return output, []
        needed = Counter(_key(m.term) for m in matches)
        terms = {_key(m.term): m.term for m in matches}
        if self.target_lang == "en":
            output, outcome = self._repair_english(output, needed)
        else:
            output, outcome = self._repair_korean(output, needed, terms)
        # outcome[key] = list of (status, detail) for occurrences found or repaired in the output
        events: list[TermEvent] = []
        missing: list[int] = []  # indexes into matches / events
        used: Counter = Counter()
        for m in matches:
            key = _key(m.term)
            done = outcome.get(key, [])
            if used[key] < len(done):
                status, detail = done[used[key]]
                used[key] += 1
                events.append(self._event(m, status, detail))
            else:
                missing.append(len(events))
                events.append(self._event(m, "missed", "not in the output"))
        if missing and self.target_lang == "en":
            # a partial rendering of a missing term is replaced by it (longest terms first)
            for index in sorted(missing, key=lambda i: -len(matches[i].term.english.strip())):
                output, replaced = _replace_partial(output, matches[index].term.english.strip(), self.glossary, needed)
                if replaced:
                    events[index] = self._event(matches[index], "repaired", f"replaced partial rendering {replaced!r}")
            missing = [i for i in missing if events[i].status == "missed"]
        if missing and self.insert_missing:
            output = self._insert(source, output, [matches[i] for i in missing])
            for index in missing:
                events[index] = self._event(matches[index], "repaired", "inserted: the output lacked the term")
        return output, events

    def _notices(self, source: str, output: str, state: _State) -> list[TermEvent]:
        notices = [
            TermEvent(source[start:end], "", "unknown-name", source[start:end], start, end, "a name no glossary term covers")
            for start, end in state.unknown
        ]
        if self.target_lang == "en":
            for run in hangul_runs(output):
                at = source.find(run)
                end = at + len(run) if at >= 0 else -1
                notices.append(TermEvent("", "", "hangul-left", run, at, end, "Hangul left in the English output"))
        return notices

    def _event(self, m: TermMatch, status: str, detail: str) -> TermEvent:
        return TermEvent(
            source=_source(m.term, self.source_lang),
            target=_target(m.term, self.target_lang),
            status=status,  # type: ignore[arg-type]
            matched=m.text,
            start=m.start,
            end=m.end,
            detail=detail,
        )

    # ------------------------------------------------------------------ English output

    def _repair_english(self, output: str, needed: Counter) -> tuple[str, dict]:
        outcome: dict[tuple[str, str], list[tuple[str, str]]] = {}
        edits: list[tuple[int, int, str]] = []
        for m in find_terms(self.glossary, output, "en"):
            key = _key(m.term)
            if key not in needed:
                continue
            english = m.term.english.strip()
            if not m.wrong and _exact_en(m.text, english):
                outcome.setdefault(key, []).insert(0, ("applied", ""))
                continue
            edits.append((m.start, m.end, english))
            why = "replaced wrong rendering" if m.wrong else "normalised variant"
            outcome.setdefault(key, []).append(("repaired", f"{why} {m.text!r}"))
        output = _apply(output, edits)
        # adjectives of places count as the term: Korean firms, the Russian university
        for key, count in needed.items():
            found = len(outcome.get(key, []))
            if found >= count:
                continue
            term = next(t for t in self.glossary.effective_terms() if _key(t) == key)
            if term.kind == "place":
                for adjective in _demonyms(output, term.english.strip()):
                    if found >= count:
                        break
                    outcome.setdefault(key, []).append(("applied", f"adjective {adjective!r}"))
                    found += 1
        return output, outcome

    # ------------------------------------------------------------------ Korean output

    def _repair_korean(self, output: str, needed: Counter, terms: dict) -> tuple[str, dict]:
        outcome: dict[tuple[str, str], list[tuple[str, str]]] = {}
        # English left in a Korean output (copied through, or a wrong rendering) -> the Korean term
        edits = []
        english_matcher = matcher_for(self.glossary, "en")
        for m in english_matcher.find(output):
            key = _key(m.term)
            if key not in needed:
                continue
            edits.append((m.start, m.end, m.term.korean.strip()))
            outcome.setdefault(key, []).append(("repaired", f"replaced English {m.text!r}"))
        output = _apply(output, edits)
        # Korean terms present: applied; fix the particle after each
        present: Counter = Counter()
        particle_edits = []
        for m in find_terms(self.glossary, output, "ko"):
            key = _key(m.term)
            if key not in needed:
                continue
            present[key] += 1
            fix = _particle_fix(output, m)
            if fix is not None:
                particle_edits.append(fix)
        output = _apply(output, particle_edits)
        fixed_at = {start for start, _e, _r in particle_edits}
        for key, count in present.items():
            replaced = len(outcome.get(key, []))
            extra = max(0, count - replaced)  # replaced English also shows up as Korean now
            outcome.setdefault(key, []).extend([("applied", "")] * extra)
        if fixed_at:
            for m in find_terms(self.glossary, output, "ko"):
                if m.end in fixed_at and _key(m.term) in outcome:
                    entries = outcome[_key(m.term)]
                    for i, (status, detail) in enumerate(entries):
                        if status == "applied":
                            entries[i] = ("repaired", f"particle made to agree after {m.text!r}")
                            break
        return output, outcome

    # ------------------------------------------------------------------ insertion

    def _insert(self, source: str, output: str, missing: list[TermMatch]) -> str:
        if not output.strip():
            return " ".join(_target(m.term, self.target_lang) for m in missing)
        # never insert inside a term that is already there (Kim | Moon-soo)
        spans = [(m.start, m.end) for m in find_terms(self.glossary, output, self.target_lang)]
        boundaries = [0, len(output)] + [
            i for i, ch in enumerate(output) if ch.isspace() and not any(s < i < e for s, e in spans)
        ]
        plan = []
        for order, m in enumerate(missing):
            target = _target(m.term, self.target_lang)
            want = round(len(output) * m.start / max(1, len(source)))
            # nor next to a word of the term (Gyeonggi Gov. | Gyeonggi Governor)
            apart = boundaries
            if self.target_lang == "en":
                apart = [i for i in boundaries if not _beside_own_word(output, i, target, spans)] or [len(output)]
            at = min(apart, key=lambda i: (abs(i - want), i))
            plan.append((at, order, target))
        for at, _order, term in sorted(plan, reverse=True):
            before, after = output[:at], output[at:]
            piece = term
            if before and not before[-1].isspace():
                piece = " " + piece
            if after and not after[0].isspace():
                piece = piece + " "
            output = before + piece + after
        return output


def hangul_runs(text: str) -> list[str]:
    """The Hangul in ``text``: each run of Hangul words (with the spaces between them)."""
    return _HANGUL_RUN.findall(text)


# ---------------------------------------------------------------------- English words


def _word_key(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return re.sub(r"[\-\u2010\u2011.']", "", word)


def same_word(a: str, b: str) -> bool:
    """Do two English words name the same thing in a term: equal up to case, hyphens and a
    possessive, an abbreviation of the other (Gov. = Governor, Corp. = Corporation), or the
    same stem (Technology = Technologies, Russia = Russian)?"""
    ka, kb = _word_key(a), _word_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    (short, short_raw), (long_, _) = sorted(((ka, a), (kb, b)), key=lambda pair: len(pair[0]))
    if short_raw.endswith(".") and len(short) >= 2 and long_.startswith(short):
        return True
    common = len(os.path.commonprefix([ka, kb]))
    return common >= 4 and len(short) - common <= 2 and len(long_) - common <= 3


def _content_words(term: str) -> list[str]:
    return [w for w in _EN_WORD.findall(term) if _word_key(w) not in _EN_STOP]


def _neighbours(text: str, start: int, end: int) -> list[re.Match]:
    """The word just before ``start`` and the word just after ``end`` (those there are)."""
    before = list(_EN_WORD.finditer(text[:start].rstrip()))
    after = _EN_WORD.match(text, len(text) - len(text[end:].lstrip()))
    return ([before[-1]] if before else []) + ([after] if after else [])


def _beside_own_word(text: str, at: int, term: str, terms: list[tuple[int, int]]) -> bool:
    """Would ``term`` put at offset ``at`` stand next to one of its own words: the word just
    before or after, or any word of a term (span in ``terms``) that the word belongs to?"""
    own = _content_words(term)
    for word in _neighbours(text, at, at):
        span = next(((s, e) for s, e in terms if s <= word.start() < e), word.span())
        if any(same_word(n, w) for n in _EN_WORD.findall(text[span[0]:span[1]]) for w in own):
            return True
    return False


def repeated_beside(text: str, term: str) -> list[str]:
    """Words next to an occurrence of the English ``term`` in ``text`` that repeat one of its
    words: the trace of a term put beside a variant of itself ("Gyeonggi Gov. Gyeonggi
    Governor" gives ["Gyeonggi"])."""
    own = _content_words(term)
    return [
        n
        for m in find_surface(text, term, "en")
        for n in (word.group() for word in _neighbours(text, m.start, m.end))
        if any(same_word(n, w) for w in own)
    ]


def _aligned(window: list[str], term_words: list[str]) -> int:
    """How many content words of ``term_words`` the ``window`` has, in order (an LCS)."""
    previous = [0] * (len(term_words) + 1)
    for word in window:
        row = [0]
        for j, term_word in enumerate(term_words):
            hit = _word_key(term_word) not in _EN_STOP and same_word(word, term_word)
            row.append(previous[j] + 1 if hit else max(previous[j + 1], row[j]))
        previous = row
    return previous[-1]


def _partial_span(text: str, term: str, protected: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The words of ``text`` that render ``term`` in part or with other word forms: a run of
    adjacent words (spaces only between them) that begins and ends with words of the term and
    has at least two and at least two thirds of its content words, in order, with at most one
    word of its own. ``protected`` spans (other terms found in the text) are never touched."""
    term_words = _EN_WORD.findall(term)
    content = _content_words(term)
    if len(content) < 2:
        return None
    need = max(2, math.ceil(2 * len(content) / 3))
    words = list(_EN_WORD.finditer(text))
    best: tuple[tuple[int, int, int], tuple[int, int]] | None = None
    for i, first in enumerate(words):
        if not any(same_word(first.group(), w) for w in content):
            continue
        for j in range(i, min(len(words), i + len(term_words) + 1)):
            if j > i and text[words[j - 1].end():words[j].start()].strip():
                break  # not adjacent: a comma, a bracket between
            last = words[j]
            if not any(same_word(last.group(), w) for w in content):
                continue
            window = [w.group() for w in words[i:j + 1]]
            found = _aligned(window, term_words)
            own = sum(1 for w in window if _word_key(w) not in _EN_STOP) - found
            if found < need or own > 1:
                continue
            start, end = first.start(), last.end()
            if last.group().endswith(".") and len(_word_key(last.group())) >= len(_word_key(term_words[-1])):
                end -= 1  # a sentence's full stop, not an abbreviation's
            if any(s < end and start < e for s, e in protected):
                continue
            score = (found, -own, -(j - i))
            if best is None or score > best[0]:
                best = (score, (start, end))
    return best[1] if best else None


def _replace_partial(text: str, term: str, glossary: Glossary, needed: Counter) -> tuple[str, str]:
    """``text`` with a partial rendering of ``term`` replaced by it, and the words replaced ("" if none).
    The segment's terms already in ``text`` stay as they are; a word that is only a term of some
    other segment (Governor, the glossary's 지사) may be part of the partial rendering."""
    protected = [(m.start, m.end) for m in find_terms(glossary, text, "en") if _key(m.term) in needed]
    span = _partial_span(text, term, protected)
    if span is None:
        return text, ""
    start, end = span
    replaced = text[start:end]
    if term.endswith(".") and text.startswith(".", end):
        end += 1  # one full stop ends the abbreviation and the sentence
    return text[:start] + term + text[end:], replaced


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _demonyms(text: str, english: str) -> list[str]:
    if " " in english or not english:
        return []
    stem = english[:-1] if english.endswith(("a", "e")) else english
    forms = "|".join(re.escape(x) for x in {english + e for e in _DEMONYM_ENDINGS} | {stem + "ian", stem + "an"})
    return [m.group() for m in re.finditer(rf"(?<!\w)(?:{forms})(?!\w)", text)]


def _particle_fix(text: str, m: TermMatch) -> tuple[int, int, str] | None:
    end = m.end
    word_end = end
    while word_end < len(text) and text[word_end].isalnum():
        word_end += 1
    rest = text[end:word_end]
    particle, tail = korean.split_leading_particle(rest)
    if not particle or particle not in _AGREEING or tail not in _AGREEING[particle]:
        return None
    right = korean.agree(m.text, particle)
    if right == particle:
        return None
    return (end, end + len(particle), right)
