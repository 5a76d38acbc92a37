"""The contract between the translation pipeline and glossary enforcement.

The pipeline calls ``prepare`` on each source segment before the engine sees
it, and ``finish`` on the engine's output for that segment. What happens in
between (placeholders, source substitution, repair) is the enforcer's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

TermStatus = Literal["applied", "repaired", "missed"]


@dataclass
class TermEvent:
    """What happened to one glossary term found in one source segment."""

    source: str  # canonical source-language term
    target: str  # the glossary's target-language term
    status: TermStatus
    matched: str = ""  # the text matched in the source segment
    start: int = -1  # character offsets of the match in the source segment
    end: int = -1
    detail: str = ""  # e.g. which wrong rendering was replaced


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
