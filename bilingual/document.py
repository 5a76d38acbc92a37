"""Plain data objects for articles: a Document is a list of Blocks, a Block a list of Segments.

Readers (``bilingual.formats``) build Documents from text, writers render them
back; the translation pipeline fills ``Segment.translation``. Everything a
reader does not translate (markup, blank lines, indentation) is kept verbatim
in ``Block.prefix``/``Block.suffix`` or in non-translatable blocks so that
writing a Document with no translations reproduces its input exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class BlockKind(str, Enum):
    HEADLINE = "headline"
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    BYLINE = "byline"
    DATELINE = "dateline"
    CAPTION = "caption"
    QUOTE = "quote"
    CODE = "code"  # never translated
    OTHER = "other"  # never translated (rules, separators, front matter)


@dataclass
class Segment:
    """One sentence (or clause part of an over-long sentence) of source text."""

    text: str
    trailing: str = ""  # whitespace that followed the segment in the source
    translation: str | None = None
    part_of: int | None = None  # index of the original sentence when a long one was split


@dataclass
class Block:
    """One paragraph-level unit of an article, kept in order."""

    kind: BlockKind
    text: str
    prefix: str = ""  # verbatim markup/whitespace before the text (e.g. "## ", "- ")
    suffix: str = ""  # verbatim text after it (e.g. the blank line(s) that follow)
    segments: list[Segment] = field(default_factory=list)

    @property
    def translatable(self) -> bool:
        return self.kind not in (BlockKind.CODE, BlockKind.OTHER) and bool(self.text.strip())


@dataclass
class Document:
    """One article."""

    blocks: list[Block]
    id: str | None = None
    format: str = "txt"  # txt | md | jsonl
    source_lang: str | None = None
    target_lang: str | None = None
    meta: dict = field(default_factory=dict)

    def segments(self) -> list[Segment]:
        return [s for b in self.blocks if b.translatable for s in b.segments]
