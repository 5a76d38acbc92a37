"""Post-edit mode: repair glossary names in a translation made by any system.

Given Korean source segments and an English translation of each, every
glossary term found in a source segment is looked up in its output segment:

* ``applied``  – the glossary's English term is already there; nothing changes;
* ``repaired`` – a known wrong rendering of the term (its ``wrong_english``) was
  there and was replaced by the English term;
* ``missed``   – neither was found; the output is left as it is.

Only the spans of wrong renderings change (plus an article right before one
when the name takes none: "the Kaberno" → "Kavanaugh", "a Cabrino" →
"Kavanaugh"); every other character of the output is kept exactly. Each
replacement is reported as an :class:`Edit` with its offsets in the input
translation, so callers (and tests) can check that nothing else moved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from bilingual.errors import InputError
from bilingual.glossary.hooks import TermEvent
from bilingual.glossary.terms import Glossary, Term

_ARTICLE_BEFORE = re.compile(r"(?<![\w'’])(the|a|an)(\s+)$", re.IGNORECASE)
_POSSESSIVE_AFTER = re.compile(r"['’]s(?!\w)")
_VOWEL_SOUND = re.compile(r"^(?:(?i:(?!eu|uni|use|one)[aeiou]|hour|honest|honou?r)|[FHLMNRSX](?:\b|[A-Z]{1,2}\b))")


@dataclass(frozen=True)
class Edit:
    """One replacement in a translation: ``hypothesis[start:end]`` became ``new``."""

    start: int
    end: int
    old: str
    new: str
    korean: str  # the glossary term it belongs to
    english: str


@dataclass
class SegmentResult:
    """Post-editing of one segment."""

    index: int
    source: str
    hypothesis: str
    output: str
    events: list[TermEvent] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "source": self.source,
            "hypothesis": self.hypothesis,
            "output": self.output,
            "terms": [asdict(e) for e in self.events],
            "edits": [asdict(e) for e in self.edits],
        }


@dataclass
class PosteditResult:
    """Post-editing of a whole file: one :class:`SegmentResult` per input segment."""

    segments: list[SegmentResult]

    @property
    def outputs(self) -> list[str]:
        return [s.output for s in self.segments]

    def counts(self) -> dict[str, int]:
        counts = {"terms": 0, "applied": 0, "repaired": 0, "missed": 0, "edits": 0}
        for seg in self.segments:
            counts["edits"] += len(seg.edits)
            for event in seg.events:
                counts["terms"] += 1
                counts[event.status] += 1
        return counts

    def as_dict(self) -> dict:
        return {"summary": self.counts(), "segments": [s.as_dict() for s in self.segments]}


def _takes_no_article(term: Term, english: str) -> bool:
    """Names that read wrong after "the"/"a": people, and one-word names that are not plurals."""
    if english.lower().startswith("the "):
        return False
    if term.kind == "person":
        return True
    return " " not in english and not english.endswith("s") and term.kind != "title"


def _indefinite(article: str, following: str) -> str:
    wanted = "an" if _VOWEL_SOUND.match(following) else "a"
    if article[:1].isupper():
        wanted = wanted.capitalize()
    return wanted


def _replacement(term: Term, hypothesis: str, start: int, end: int) -> tuple[int, int, str]:
    """The span to replace (possibly widened over an article or a possessive) and its new text."""
    english = term.english.strip()
    old = hypothesis[start:end]
    new = english
    if len(old) > 1 and old.isupper() and any(ch.isalpha() for ch in old):
        new = english.upper()  # a headline in capitals stays in capitals
    if english.lower().startswith("the ") and old.lower().startswith("the "):
        new = old[:4] + new[4:]  # keep the article as written ("the Thymes" -> "the Times")
    before = _ARTICLE_BEFORE.search(hypothesis, 0, start)
    if before is not None:
        article = before.group(1)
        if new.lower().startswith("the ") and article.lower() == "the":
            new = new[4:]  # "the The Times" -> "the Times"
        elif _takes_no_article(term, english):
            start = before.start()  # "the Kaberno" -> "Kavanaugh"
            if article[:1].isupper() and new[:1].islower():
                new = new[:1].upper() + new[1:]
        elif article.lower() in ("a", "an"):
            fixed = _indefinite(article, new)
            if fixed != article:
                start = before.start()
                new = f"{fixed}{before.group(2)}{new}"
    possessive = _POSSESSIVE_AFTER.match(hypothesis, end)
    if possessive is not None and new.endswith("s") and term.kind != "person":
        end = possessive.end()  # "Ranger's" -> "Rangers'"
        new = new + hypothesis[possessive.start()]
    return start, end, new


def _overlaps(a: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def postedit_segment(glossary: Glossary, source: str, hypothesis: str, *, index: int = 0) -> SegmentResult:
    """Repair the glossary terms of one Korean ``source`` segment in its English ``hypothesis``."""
    from bilingual.glossary.match import find_surface, find_terms

    result = SegmentResult(index=index, source=source, hypothesis=hypothesis, output=hypothesis)
    found: dict[tuple[str, str], object] = {}
    for match in find_terms(glossary, source, "ko"):
        if match.term.status != "approved":
            continue
        found.setdefault((match.term.korean.strip(), match.term.english.strip()), match)
    if not found:
        return result

    # Spans of the right English terms: never overwritten by another term's repair.
    protected: list[tuple[int, int]] = []
    for match in found.values():
        protected.extend((m.start, m.end) for m in find_surface(hypothesis, match.term.english, "en"))

    planned: list[tuple[int, int, str, Term, str]] = []
    taken: list[tuple[int, int]] = []
    for match in found.values():
        term = match.term
        present = bool(find_surface(hypothesis, term.english, "en"))
        wrong_spans = []
        for wrong in sorted({w.strip() for w in term.wrong_english if w.strip()}, key=len, reverse=True):
            if wrong.lower() == term.english.strip().lower():
                continue
            for m in find_surface(hypothesis, wrong, "en"):
                span = (m.start, m.end)
                if _overlaps(span, protected) or _overlaps(span, taken) or _overlaps(span, [s[:2] for s in wrong_spans]):
                    continue
                wrong_spans.append((m.start, m.end, wrong))
        for start, end, wrong in wrong_spans:
            new_start, new_end, new = _replacement(term, hypothesis, start, end)
            if _overlaps((new_start, new_end), taken) or _overlaps((new_start, new_end), protected):
                new_start, new_end, new = start, end, term.english.strip()
            taken.append((new_start, new_end))
            planned.append((new_start, new_end, new, term, wrong))
        if wrong_spans:
            status, detail = "repaired", "replaced " + ", ".join(repr(w) for _, _, w in wrong_spans)
        elif present:
            status, detail = "applied", ""
        else:
            status, detail = "missed", "neither the English term nor a known wrong rendering is in the output"
        result.events.append(
            TermEvent(
                source=term.korean.strip(),
                target=term.english.strip(),
                status=status,
                matched=match.text,
                start=match.start,
                end=match.end,
                detail=detail,
            )
        )

    planned.sort(key=lambda p: p[0])
    pieces: list[str] = []
    cursor = 0
    for start, end, new, term, _wrong in planned:
        pieces.append(hypothesis[cursor:start])
        pieces.append(new)
        cursor = end
        result.edits.append(Edit(start, end, hypothesis[start:end], new, term.korean.strip(), term.english.strip()))
    pieces.append(hypothesis[cursor:])
    result.output = "".join(pieces)
    return result


def postedit(glossary: Glossary, sources: Sequence[str], hypotheses: Sequence[str]) -> PosteditResult:
    """Post-edit every segment; ``sources`` and ``hypotheses`` are aligned line by line."""
    if len(sources) != len(hypotheses):
        raise InputError(
            f"the source has {len(sources)} segments and the translation {len(hypotheses)}; they must be aligned line by line"
        )
    return PosteditResult(
        [postedit_segment(glossary, src, hyp, index=i) for i, (src, hyp) in enumerate(zip(sources, hypotheses))]
    )
