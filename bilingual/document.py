"""Plain data objects for articles: a Document is a list of Blocks, a Block a list of Segments.

Readers (``bilingual.formats``) build Documents from text, writers render them
back; the translation pipeline fills ``Segment.translation``. Everything a
reader does not translate (markup, blank lines, indentation) is kept verbatim
in ``Block.prefix``/``Block.suffix`` or in non-translatable blocks so that
writing a Document with no translations reproduces its input exactly.

Contract with the segmenter: the segments of a block tile its text,
``"".join(s.text + s.trailing for s in block.segments) == block.text``, and
a block's text never starts or ends with whitespace (that is markup, kept in
``prefix``/``suffix``). Text may hold line breaks (a hard-wrapped paragraph,
a Markdown paragraph over several lines); :func:`assemble` keeps the breaks
that fall between segments and :func:`render_block` puts each continuation
line's markup back after them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

_LINE_BREAK = re.compile(r"(\r\n|\n|\r)")


class BlockKind(str, Enum):
    HEADLINE = "headline"
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    BYLINE = "byline"
    DATELINE = "dateline"
    CAPTION = "caption"
    QUOTE = "quote"
    TABLE_CELL = "table_cell"  # one Markdown table cell
    CODE = "code"  # never translated
    OTHER = "other"  # never translated (rules, separators, front matter)


@dataclass
class Segment:
    """One sentence (or clause part of an over-long sentence) of source text."""

    text: str
    trailing: str = ""  # whitespace that followed the segment in the source
    translation: str | None = None
    part_of: int | None = None  # index of the original sentence when a long one was split
    # Where the translation came from: "mt" (the engine), "tm-exact" or
    # "tm-fuzzy" (a translation memory); None while untranslated.
    origin: str | None = None
    tm_score: float | None = None  # 0-100 score of the memory match used (tm-fuzzy, tm-exact)


@dataclass
class Block:
    """One paragraph-level unit of an article, kept in order."""

    kind: BlockKind
    text: str
    prefix: str = ""  # verbatim markup/whitespace before the text (e.g. "## ", "- ")
    suffix: str = ""  # verbatim text after it (e.g. the blank line(s) that follow)
    segments: list[Segment] = field(default_factory=list)
    # Char spans [start, end) of ``text`` that must come through translation
    # verbatim: Markdown code spans, link URLs, autolinks, inline HTML, e-mail
    # addresses and URLs. Sorted, never overlapping.
    protected: list[tuple[int, int]] = field(default_factory=list)
    # Verbatim markup that starts each continuation line of a multi-line block
    # (Markdown "> " or list indentation): the i-th line break of the text is
    # followed by ``line_prefixes[i]``. Empty for plain text, whose indentation
    # stays inside ``text``.
    line_prefixes: list[str] = field(default_factory=list)
    # How the segmenter reads a line break inside ``text``: False (plain text,
    # JSONL bodies) ends a segment at every line break unless the sentence
    # clearly continues (see :func:`bilingual.translation.segmenting.line_continues`);
    # True (Markdown, where a single line break is a soft break) lets
    # sentences run across lines.
    soft_breaks: bool = False

    @property
    def translatable(self) -> bool:
        """Not code or kept markup, and with a letter outside the protected spans
        (a block that is only a code span, an image, an e-mail address or a
        number is kept as it is)."""
        if self.kind in (BlockKind.CODE, BlockKind.OTHER):
            return False
        pos = 0
        for start, end in self.protected:
            if _has_letter(self.text[pos:start]):
                return True
            pos = max(pos, end)
        return _has_letter(self.text[pos:])

    @property
    def translated(self) -> bool:
        """Whether any segment of this block carries a translation."""
        return self.translatable and any(s.translation is not None for s in self.segments)

    def output_text(self) -> str:
        """The block's text as it is written out: see :func:`assemble`."""
        return assemble(self)


def assemble(block: Block) -> str:
    """Join segment translations with their trailing whitespace into the block's text.

    A block with no translated segment gives its source text unchanged, so an
    untranslated Document renders to exactly its input. A segment without a
    translation contributes its source text. Whitespace inside a translation
    that contains a line break is collapsed to one space, so a translation can
    never add lines or paragraphs; the source's line breaks between segments
    (kept in ``Segment.trailing``) stay where they were.
    """
    if not block.translated:
        return block.text
    parts: list[str] = []
    for segment in block.segments:
        if segment.translation is None or not segment.text.strip():
            parts.append(segment.text)  # untranslated, or whitespace that is kept as it was
        else:
            parts.append(_one_line(segment.translation))
        parts.append(segment.trailing)
    return "".join(parts)


def _one_line(text: str) -> str:
    text = text.strip()
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


def render_block(block: Block) -> str:
    """``prefix`` + assembled text (continuation-line markup restored) + ``suffix``."""
    text = assemble(block)
    if block.line_prefixes:
        # pieces alternate line, break, line, ...: markup goes after the i-th break
        pieces = _LINE_BREAK.split(text)
        for i in range(2, len(pieces), 2):
            pieces[i] = block.line_prefixes[min(i // 2 - 1, len(block.line_prefixes) - 1)] + pieces[i]
        text = "".join(pieces)
    return block.prefix + text + block.suffix


@dataclass
class Document:
    """One article."""

    blocks: list[Block]
    id: str | None = None
    format: str = "txt"  # txt | md | jsonl
    source_lang: str | None = None
    target_lang: str | None = None
    meta: dict = field(default_factory=dict)
    # The parsed file a writer fills back in (a translate-toolkit store, a
    # python-docx document, an HTML tree); None for txt, md and jsonl.
    container: Any = field(default=None, repr=False, compare=False)

    def segments(self) -> list[Segment]:
        return [s for b in self.blocks if b.translatable for s in b.segments]
