"""The contract between the translation pipeline and glossary enforcement.

The pipeline calls ``prepare`` on each source segment before the engine sees
it, and ``finish`` on the engine's output for that segment. What happens in
between (placeholders, source substitution, repair) is the enforcer's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

TermStatus = Literal["applied", "repaired", "missed", "hangul-left", "unknown-name"]

# What happened to a glossary term of the source: each such event is one term occurrence.
TERM_STATUSES: tuple[str, ...] = ("applied", "repaired", "missed")
# Reports about the segment that are not glossary terms: Hangul still in an English
# output ("hangul-left"), a proper noun of the source that no glossary term covers
# ("unknown-name"). They never count as terms found, applied or missed.
NOTICE_STATUSES: tuple[str, ...] = ("hangul-left", "unknown-name")


@dataclass
class TermEvent:
    """What happened to one glossary term found in one source segment, or a notice about the
    segment (``status`` in ``NOTICE_STATUSES``; ``is_term`` is False).

    ``hangul-left``: ``matched`` is the Hangul left in the English output (``start``/``end``
    its place in the source when the source has it, else -1). ``unknown-name``: ``source``
    and ``matched`` are the proper noun, ``start``/``end`` its place in the source, ``target``
    is empty.
    """

    source: str  # canonical source-language term
    target: str  # the glossary's target-language term
    status: TermStatus
    matched: str = ""  # the text matched in the source segment
    start: int = -1  # character offsets of the match in the source segment
    end: int = -1
    detail: str = ""  # e.g. which wrong rendering was replaced

    @property
    def is_term(self) -> bool:
        """Is this event about a glossary term (applied, repaired or missed)?"""
        return self.status in TERM_STATUSES


@dataclass
class Prepared:
    """A segment ready for the engine, plus whatever ``finish`` needs later."""

    source: str
    model_input: str
    state: object = None
    events: list[TermEvent] = field(default_factory=list)


class TermEnforcer(Protocol):
    source_lang: str
    target_lang: str

    def prepare(self, text: str) -> Prepared: ...

    def finish(self, prepared: Prepared, output: str) -> tuple[str, list[TermEvent]]: ...
