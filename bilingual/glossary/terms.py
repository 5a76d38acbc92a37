"""Glossary entries and the ordered glossary that holds them.

A glossary is a list of entries in file order: :class:`Term` rows and
:class:`Comment` lines (``#`` comments and blank lines), so that an edit can
write the file back with every comment and the row order intact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMNS = ("korean", "english", "korean_forms", "wrong_english", "kind", "status", "note")
HEADER = "\t".join(COLUMNS)
LIST_SEPARATOR = " | "
KINDS = ("person", "organisation", "place", "title", "other")
STATUSES = ("approved", "forbidden", "deprecated")


@dataclass(frozen=True)
class Term:
    """One glossary row: a Korean term, its English rendering, and what else is known."""

    korean: str
    english: str
    korean_forms: tuple[str, ...] = ()
    wrong_english: tuple[str, ...] = ()
    kind: str = "other"
    status: str = "approved"
    note: str = ""
    # Where the row came from (not part of equality: the same row read from two
    # files is the same term).
    source: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    # The row exactly as it was read, so untouched rows are written back byte for byte.
    raw: str = field(default="", compare=False, repr=False)

    @property
    def korean_surfaces(self) -> tuple[str, ...]:
        """The canonical Korean term first, then its other forms (stripped, non-empty)."""
        seen: list[str] = []
        for value in (self.korean, *self.korean_forms):
            value = value.strip()
            if value and value not in seen:
                seen.append(value)
        return tuple(seen)

    @property
    def english_surfaces(self) -> tuple[str, ...]:
        """The canonical English term (stripped)."""
        return (self.english.strip(),)

    @property
    def where(self) -> str:
        """``file:line`` for messages, or an empty string for terms made in memory."""
        if self.source and self.line:
            return f"{self.source}:{self.line}"
        return self.source


@dataclass(frozen=True)
class Comment:
    """A ``#`` comment or a blank line, kept in place."""

    text: str
    line: int = field(default=0, compare=False)


Entry = Term | Comment


@dataclass(frozen=True)
class Override:
    """A term of a later glossary that replaced a term of an earlier one."""

    old: Term
    new: Term

    def describe(self) -> str:
        return (
            f"{self.new.where or '<memory>'} overrides {self.old.where or '<memory>'} "
            f"for {self.new.korean.strip()}: {self.old.english.strip()!r} -> {self.new.english.strip()!r}"
        )


@dataclass
class Glossary:
    """Ordered entries (terms and comments) of one file, or of several merged files."""

    entries: list[Entry] = field(default_factory=list)
    path: str = ""
    # Comments and blank lines that come before the header row.
    preamble: list[Comment] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    # How the file was laid out, so that export writes it back the same way:
    # "canonical" (7 columns with header) or "plain" (Korean, English).
    layout: str = "canonical"
    # A header row of a plain file (e.g. ("ko", "en")), kept for a lossless round trip.
    plain_header: tuple[str, ...] | None = None
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def terms(self) -> list[Term]:
        return [entry for entry in self.entries if isinstance(entry, Term)]

    def __len__(self) -> int:
        return len(self.terms)

    def invalidate(self) -> None:
        """Forget matchers built for this glossary (call after changing ``entries``)."""
        self._cache.clear()

    def effective_terms(self) -> list[Term]:
        """Approved terms, each with the English of its forbidden/deprecated siblings added as wrong.

        A row whose status is ``forbidden`` or ``deprecated`` names an English
        rendering that must not be used for that Korean term, so enforcement
        treats it like a ``wrong_english`` form of the approved row.
        """
        cached = self._cache.get("effective")
        if cached is not None:
            return cached
        terms = self.terms
        banned: dict[str, list[str]] = {}
        for term in terms:
            if term.status != "approved":
                banned.setdefault(term.korean.strip(), []).append(term.english.strip())
        result: list[Term] = []
        for term in terms:
            if term.status != "approved":
                continue
            extra = [w for w in banned.get(term.korean.strip(), []) if w and w != term.english.strip()]
            if extra:
                wrong = tuple(dict.fromkeys([*term.wrong_english, *extra]))
                term = Term(
                    term.korean, term.english, term.korean_forms, wrong, term.kind, term.status,
                    term.note, source=term.source, line=term.line, raw=term.raw,
                )
            result.append(term)
        self._cache["effective"] = result
        return result

    def find(self, korean: str) -> list[Term]:
        """Rows whose canonical Korean term is ``korean`` (spaces at the ends ignored)."""
        korean = korean.strip()
        return [term for term in self.terms if term.korean.strip() == korean]
