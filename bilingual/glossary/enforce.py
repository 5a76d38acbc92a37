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
* a term still missing -> inserted where the source position suggests, ``repaired``
  with ``detail`` saying so (or ``missed`` with ``insert_missing=False``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bilingual.errors import GlossaryError
from bilingual.glossary import korean
from bilingual.glossary.hooks import Prepared, TermEvent
from bilingual.glossary.match import TermMatch, find_terms, matcher_for
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


@dataclass
class _State:
    matches: list[TermMatch]


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
        matches = [m for m in find_terms(self.glossary, text, self.source_lang) if m.term.english.strip()]
        model_input = self._substitute(text, matches) if self.substitute else text
        return Prepared(source=text, model_input=model_input, state=_State(matches))

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
        state = prepared.state if isinstance(prepared.state, _State) else _State(
            find_terms(self.glossary, prepared.source, self.source_lang)
        )
        if not state.matches:
            return output, []
        needed = Counter(_key(m.term) for m in state.matches)
        terms = {_key(m.term): m.term for m in state.matches}
        if self.target_lang == "en":
            output, outcome = self._repair_english(output, needed)
        else:
            output, outcome = self._repair_korean(output, needed, terms)
        # outcome[key] = list of (status, detail) for occurrences found or repaired in the output
        events: list[TermEvent] = []
        missing: list[TermMatch] = []
        used: Counter = Counter()
        for m in state.matches:
            key = _key(m.term)
            done = outcome.get(key, [])
            if used[key] < len(done):
                status, detail = done[used[key]]
                used[key] += 1
                events.append(self._event(m, status, detail))
            else:
                missing.append(m)
                events.append(self._event(m, "missed", "not in the output"))
        if missing and self.insert_missing:
            output = self._insert(prepared.source, output, missing)
            missed_ids = {id(m) for m in missing}
            for index, m in enumerate(state.matches):
                if id(m) in missed_ids:
                    events[index] = self._event(m, "repaired", "inserted: the output lacked the term")
        return output, events

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
            want = round(len(output) * m.start / max(1, len(source)))
            at = min(boundaries, key=lambda i: (abs(i - want), i))
            plan.append((at, order, _target(m.term, self.target_lang)))
        for at, _order, term in sorted(plan, reverse=True):
            before, after = output[:at], output[at:]
            piece = term
            if before and not before[-1].isspace():
                piece = " " + piece
            if after and not after[0].isspace():
                piece = piece + " "
            output = before + piece + after
        return output


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
