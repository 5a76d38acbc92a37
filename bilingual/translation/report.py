"""What a translation did: one :class:`SegmentReport` per source segment, and the
:class:`TranslationResult` of a run (its documents, its segments, the ``--report`` JSON)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from bilingual.document import Document
from bilingual.glossary.hooks import NOTICE_STATUSES, TermEvent

__all__ = ["SegmentReport", "TranslationResult"]


@dataclass
class SegmentReport:
    """What happened to one source segment."""

    document: str | None
    block: int
    segment: int
    source: str
    output: str
    part_of: int | None = None
    terms: list[TermEvent] = field(default_factory=list)
    retried: bool = False  # the first output was empty and it was translated again with a minimum length
    empty: bool = False  # still empty after the retry
    restored: list[str] = field(default_factory=list)  # protected spans the model dropped, appended back
    engine_notes: list[dict] = field(default_factory=list)  # what the engine did to this answer (llama-cpp: cut, retried)
    origin: str = "mt"  # mt, tm-exact or tm-fuzzy
    tm_score: float | None = None  # the memory match's score (tm-exact: 100)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["terms"] = [asdict(e) for e in self.terms]
        return data


@dataclass
class TranslationResult:
    documents: list[Document]
    segments: list[SegmentReport]

    @property
    def missed_terms(self) -> list[tuple[SegmentReport, TermEvent]]:
        return self.events("missed")

    @property
    def hangul_left(self) -> list[tuple[SegmentReport, TermEvent]]:
        """Hangul still in an English output (``matched`` holds it), outside protected spans."""
        return self.events("hangul-left")

    def events(self, status: str) -> list[tuple[SegmentReport, TermEvent]]:
        """Every (segment, event) pair whose event has ``status``."""
        return [(s, e) for s in self.segments for e in s.terms if e.status == status]

    @property
    def empty_segments(self) -> list[SegmentReport]:
        return [s for s in self.segments if s.empty]

    def report(self) -> dict:
        return {
            "documents": len(self.documents),
            "segments": [s.to_dict() for s in self.segments],
            "summary": {
                "segments": len(self.segments),
                "retried": sum(s.retried for s in self.segments),
                "engine_notes": sum(len(s.engine_notes) for s in self.segments),
                "empty": len(self.empty_segments),
                "terms": {status: len(self.events(status)) for status in ("applied", "repaired", "missed")},
                "notices": {status: len(self.events(status)) for status in NOTICE_STATUSES},
                "origins": dict(Counter(s.origin for s in self.segments)),
            },
        }
