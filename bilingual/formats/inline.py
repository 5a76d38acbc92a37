"""Inline markup inside a block (HTML elements, DOCX runs) carried through translation as tags.

A reader describes a block's content as a list of :class:`Piece` objects: text,
the start and end of an inline element (a link, bold or italic words, a
formatted DOCX run) and empty pieces that stand for something kept as it is
(an image, a line break element, an inline code span, a DOCX drawing).
:func:`build` turns them into the block's text, where each element becomes a
pair of numbered tags (``<b1>…</b1>``) and each empty piece one tag
(``<x2/>``). Every tag is a protected span (``Block.protected``), so the
pipeline replaces it by a placeholder such as ``[1]`` that the engine copies
through, and puts it back in the translation; the engine never sees markup.

Whitespace, empty pieces and elements that enclose the whole block are left
out of the text (they stay in :attr:`Inline.prefix` and :attr:`Inline.suffix`),
so a sentence that is bold from end to end has no tags at all. Text that
happens to look like a tag (``<b1>`` written in an article) is carried as an
empty piece of its own, so it can never be taken for one.

:func:`restore` reads a translated text back into a well-nested list of
pieces. An element whose tags came back in order keeps exactly the words
between them; elements the translation made cross are split so that they
nest. An element whose tags did not come back in order (the engine dropped
one, and the pipeline put it back at the end of the sentence) or that lost all
its words is *broken*: with ``broken="unwrap"`` its words stay as plain text,
with ``broken="segment"`` the element covers the whole sentence it was in
(``whole_segment`` names tag letters that get the sentence either way).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bilingual.document import Block

__all__ = ["TAG", "Inline", "Piece", "Restored", "build", "restore", "segment_ranges"]

PieceKind = Literal["text", "open", "close", "empty"]
# A tag in a block's text: <b1>, </b1>, <x2/>. The letter says what it stands for: a link,
# b bold, i italic, u underline, s other formatting, x an element kept as it is (an image,
# a line break, a DOCX drawing or field), c kept code, t text shaped like a tag; the number
# is the element's.
TAG = re.compile(r"<(/?)([a-z])(\d{1,4})(/?)>")


@dataclass
class Piece:
    """One part of a block's inline content.

    ``text`` is the text of a text piece; ``id`` ties the open and close
    pieces of one element together (any value unique within the block);
    ``letter`` is the tag letter shown in the block's text; ``data`` is what
    the writer needs to put the piece back (a raw source range, a run's
    formatting).
    """

    kind: PieceKind
    text: str = ""
    id: int = 0
    letter: str = "x"
    data: Any = None


@dataclass
class Inline:
    """A block's inline content split into the text to translate and what stays around it."""

    text: str  # the block's text: tags in place of markup, no leading or trailing whitespace
    protected: list[tuple[int, int]]  # the tags' spans in ``text``
    prefix: list[Piece] = field(default_factory=list)  # kept as they are before the text
    suffix: list[Piece] = field(default_factory=list)  # and after it
    middle: list[Piece] = field(default_factory=list)  # the pieces that ``text`` stands for
    tags: dict[str, Piece] = field(default_factory=dict)  # each tag of ``text`` -> its piece


@dataclass
class Restored:
    """A translated text read back: well-nested pieces, and the elements that were broken."""

    pieces: list[Piece]
    broken: list[str]  # the open tags (``<b1>``) of the broken elements
    widened: list[str] = field(default_factory=list)  # those of them that now cover their whole sentence


def build(pieces: Sequence[Piece]) -> Inline:
    """The block text for ``pieces`` (see the module text).

    An open piece without its close (or a close without its open) is kept as
    an empty piece at its place: it is markup the reader could not pair.
    """
    items = _pair(list(pieces))
    items = _split_literals(items)
    start, end = 0, len(items)
    prefix: list[Piece] = []
    suffix: list[Piece] = []
    while True:
        changed = False
        while start < end and _blank(items[start]):
            if items[start].kind == "text":
                lead, rest = _split_lead(items[start].text)
                if rest:
                    prefix.append(replace(items[start], text=lead))
                    items[start] = replace(items[start], text=rest)
                    break
            prefix.append(items[start])
            start += 1
            changed = True
        while end > start and _blank(items[end - 1], trailing=True):
            if items[end - 1].kind == "text":
                rest, tail = _split_tail(items[end - 1].text)
                if rest:
                    suffix.insert(0, replace(items[end - 1], text=tail))
                    items[end - 1] = replace(items[end - 1], text=rest)
                    break
            suffix.insert(0, items[end - 1])
            end -= 1
            changed = True
        if end - start >= 2 and items[start].kind == "open" and items[end - 1].kind == "close" and (
            items[start].id == items[end - 1].id
        ):
            prefix.append(items[start])
            suffix.insert(0, items[end - 1])
            start, end = start + 1, end - 1
            changed = True
        if not changed:
            break
    middle = [p for p in items[start:end] if not (p.kind == "text" and not p.text)]
    prefix = [p for p in prefix if not (p.kind == "text" and not p.text)]
    suffix = [p for p in suffix if not (p.kind == "text" and not p.text)]
    return _number(middle, prefix, suffix)


def restore(
    text: str,
    inline: Inline,
    *,
    segments: Sequence[tuple[int, int]] = (),
    broken: Literal["unwrap", "segment"] = "unwrap",
    whole_segment: frozenset[str] = frozenset(),
    exclusive: frozenset[str] = frozenset(),
) -> Restored:
    """The pieces of a translated ``text`` of ``inline``'s block (see the module text).

    ``segments`` are the (start, end) ranges of the block's sentences in
    ``text`` (:func:`segment_ranges`), used by ``broken="segment"`` and for
    broken elements whose tag letter is in ``whole_segment`` (a link is
    better kept around its whole sentence than lost). An element whose letter
    is in ``exclusive`` never comes back inside another such element (links do
    not nest): the outer one is paused around the inner one. Tags that ``inline``
    does not know are text; a tag that comes back more than once counts once
    (its first place).
    """
    tokens: list[tuple[int, str | Piece]] = []  # (position, text or tag piece)
    seen: set[str] = set()
    pos = 0
    for match in TAG.finditer(text):
        tag = match.group(0)
        piece = inline.tags.get(tag)
        if piece is None:
            continue  # not one of this block's tags: text
        if match.start() > pos:
            tokens.append((pos, text[pos : match.start()]))
        if tag not in seen:  # a repeated tag is left out
            tokens.append((match.start(), piece))
            seen.add(tag)
        pos = match.end()
    if pos < len(text):
        tokens.append((pos, text[pos:]))

    opens: dict[int, int] = {}
    closes: dict[int, int] = {}
    for index, (_, token) in enumerate(tokens):
        if isinstance(token, Piece) and token.kind == "open":
            opens[token.id] = index
        elif isinstance(token, Piece) and token.kind == "close":
            closes[token.id] = index
    pair_ids = {p.id for p in inline.middle if p.kind == "open"}
    broken_ids = []
    for pid in sorted(pair_ids, key=lambda i: opens.get(i, closes.get(i, len(tokens)))):
        o, c = opens.get(pid), closes.get(pid)
        if o is None or c is None or o > c or not any(
            isinstance(t, str) and t.strip() or isinstance(t, Piece) and t.kind == "empty" for _, t in tokens[o + 1 : c]
        ):
            broken_ids.append(pid)
    by_id = {p.id: p for p in inline.middle if p.kind == "open"}
    close_by_id = {p.id: p for p in inline.middle if p.kind == "close"}
    # intervals (start, end) in text positions for every element, broken ones moved or dropped
    events: list[tuple[int, int, int, int, Piece | str]] = []  # (position, order, width or sequence, tie, item)
    spans: dict[int, tuple[int, int]] = {}
    for pid in pair_ids:
        if pid not in broken_ids:
            spans[pid] = (tokens[opens[pid]][0], tokens[closes[pid]][0])
        elif broken == "segment" or by_id[pid].letter in whole_segment:
            found = [tokens[i][0] for i in (opens.get(pid), closes.get(pid)) if i is not None]
            anchor = min(found) if found else 0
            start, end = _segment_at(anchor, segments, len(text))
            spans[pid] = (start, end)
    cuts = sorted({edge for span in spans.values() for edge in span})
    plain: list[tuple[int, str | Piece]] = []
    for position, item in tokens:
        if isinstance(item, Piece):
            if item.kind == "empty":
                plain.append((position, item))
            continue
        # a sentence's edge inside a run of text: cut it there, so an element can start or end at it
        start = position
        for cut in cuts:
            if position < cut < position + len(item):
                plain.append((start, item[start - position : cut - position]))
                start = cut
        plain.append((start, item[start - position :]))
    for sequence, (position, item) in enumerate(plain):
        events.append((position, 2, sequence, 0, item))
    for pid, (start, end) in spans.items():
        # closes before opens at one position; wider elements open first and close last
        events.append((start, 1, -(end - start), pid, by_id[pid]))
        events.append((end, 0, end - start, -pid, close_by_id[pid]))
    events.sort(key=lambda e: e[:4])
    pieces = _nest([item for *_, item in events], close_by_id, exclusive, inline)
    broken_tags = [_open_tag(inline, pid) for pid in broken_ids]
    widened = [_open_tag(inline, pid) for pid in broken_ids if pid in spans]
    return Restored(pieces, broken_tags, widened)


def segment_ranges(block: Block) -> list[tuple[int, int]]:
    """The (start, end) range of each segment's text in ``block.output_text()``."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    out = block.output_text()
    if not block.translated:
        return [(0, len(out))]
    for segment in block.segments:
        if segment.translation is None or not segment.text.strip():
            part = segment.text
        else:
            part = _one_line(segment.translation)
        found = out.find(part, pos) if part else pos
        if found < 0:
            return [(0, len(out))]
        ranges.append((found, found + len(part)))
        pos = found + len(part) + len(segment.trailing)
    return ranges


# internals -------------------------------------------------------------------


def _pair(items: list[Piece]) -> list[Piece]:
    """Open and close pieces that have no partner (in order) become empty pieces."""
    open_at: dict[int, int] = {}
    partnered: set[int] = set()
    for index, piece in enumerate(items):
        if piece.kind == "open":
            open_at[piece.id] = index
        elif piece.kind == "close" and piece.id in open_at:
            partnered.add(open_at.pop(piece.id))
            partnered.add(index)
    return [
        replace(p, kind="empty") if p.kind in ("open", "close") and i not in partnered else p
        for i, p in enumerate(items)
    ]


def _split_literals(items: list[Piece]) -> list[Piece]:
    """Text pieces that contain something shaped like a tag: that part becomes an empty piece."""
    out: list[Piece] = []
    for piece in items:
        if piece.kind != "text" or not TAG.search(piece.text):
            out.append(piece)
            continue
        pos = 0
        for match in TAG.finditer(piece.text):
            if match.start() > pos:
                out.append(replace(piece, text=piece.text[pos : match.start()]))
            out.append(replace(piece, kind="empty", text=match.group(0), letter="t", data=("literal", piece.data)))
            pos = match.end()
        if pos < len(piece.text):
            out.append(replace(piece, text=piece.text[pos:]))
    return out


def _blank(piece: Piece, *, trailing: bool = False) -> bool:
    """Whether ``piece`` may leave the text at its edge: an empty piece, or text starting
    (``trailing``: ending) with whitespace."""
    if piece.kind == "empty":
        return piece.letter != "t"  # literal text stays in the text
    if piece.kind != "text":
        return False
    if not piece.text:
        return True
    return piece.text[-1].isspace() if trailing else piece.text[0].isspace()


def _split_lead(text: str) -> tuple[str, str]:
    rest = text.lstrip()
    return text[: len(text) - len(rest)], rest


def _split_tail(text: str) -> tuple[str, str]:
    rest = text.rstrip()
    return rest, text[len(rest) :]


def _number(middle: list[Piece], prefix: list[Piece], suffix: list[Piece]) -> Inline:
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    tags: dict[str, Piece] = {}
    numbers: dict[int, int] = {}  # element id -> its tag number
    counter = 0
    length = 0
    for piece in middle:
        if piece.kind == "text":
            chunk = piece.text
        else:
            if piece.kind == "close":
                n = numbers[piece.id]
            else:
                counter += 1
                n = counter
                if piece.kind == "open":
                    numbers[piece.id] = n
            chunk = {"open": "<{l}{n}>", "close": "</{l}{n}>", "empty": "<{l}{n}/>"}[piece.kind].format(
                l=piece.letter, n=n
            )
            tags[chunk] = piece
            spans.append((length, length + len(chunk)))
        parts.append(chunk)
        length += len(chunk)
    return Inline("".join(parts), spans, prefix, suffix, middle, tags)


def _open_tag(inline: Inline, pid: int) -> str:
    return next(tag for tag, piece in inline.tags.items() if piece.kind == "open" and piece.id == pid)


def _segment_at(position: int, segments: Sequence[tuple[int, int]], length: int) -> tuple[int, int]:
    for start, end in segments:
        if start <= position < end:
            return start, end
    for start, end in segments:  # at the very end of a sentence (a tag put back there)
        if start <= position <= end:
            return start, end
    return 0, length


def _nest(
    items: list[Piece | str], closes: dict[int, Piece], exclusive: frozenset[str], inline: Inline
) -> list[Piece]:
    """Text and tag pieces in order, with elements that cross split so that they nest, and an
    element whose letter is in ``exclusive`` (a link) never inside another such element that
    it was not inside in the source: the outer one pauses around the inner one."""
    ancestors: dict[int, set[int]] = {}
    open_ids: list[int] = []
    for piece in inline.middle:
        if piece.kind == "open":
            ancestors[piece.id] = set(open_ids)
            open_ids.append(piece.id)
        elif piece.kind == "close" and piece.id in open_ids:
            open_ids.remove(piece.id)
    out: list[Piece] = []
    stack: list[Piece] = []
    paused: dict[int, Piece] = {}  # inner element id -> the exclusive element it paused
    closed: set[int] = set()

    def close_down_to(index: int) -> list[Piece]:
        """Close stack[index:] (innermost first); return the ones above ``index`` to reopen."""
        above = stack[index + 1 :]
        for inner in reversed(above):
            out.append(closes[inner.id])
        out.append(closes[stack[index].id])
        del stack[index:]
        return above

    def reopen(pieces: list[Piece]) -> None:
        for piece in pieces:
            stack.append(piece)
            out.append(piece)

    for item in items:
        if isinstance(item, str):
            if item:
                out.append(Piece("text", item))
        elif item.kind == "open":
            if item.letter in exclusive:
                index = next(
                    (
                        i
                        for i in range(len(stack) - 1, -1, -1)
                        if stack[i].letter in exclusive and stack[i].id not in ancestors.get(item.id, set())
                    ),
                    None,
                )
                if index is not None:
                    paused[item.id] = stack[index]
                    reopen(close_down_to(index))
            reopen([item])
        elif item.kind == "close":
            closed.add(item.id)
            index = next((i for i in range(len(stack) - 1, -1, -1) if stack[i].id == item.id), None)
            if index is None:  # not open (it was paused): nothing to close
                continue
            reopen(close_down_to(index))
            outer = paused.pop(item.id, None)
            if outer is not None and outer.id not in closed:
                reopen([outer])
        else:
            out.append(item)
    # drop elements opened and closed at once with nothing between
    cleaned: list[Piece] = []
    for piece in out:
        if piece.kind == "close" and cleaned and cleaned[-1].kind == "open" and cleaned[-1].id == piece.id:
            cleaned.pop()
            continue
        cleaned.append(piece)
    return cleaned


def _one_line(text: str) -> str:
    text = text.strip()
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text
