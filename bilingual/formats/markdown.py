"""Markdown articles, located with markdown-it-py's block tokens and line maps.

Headings, paragraphs, list items (nested), blockquotes and table cells become
translatable blocks whose ``text`` is exactly the inline source (emphasis
markers included); the container markup around them ("## ", "- ", "> ",
indentation, "|") is kept verbatim in ``prefix``/``suffix``/``line_prefixes``.
Fenced and indented code, HTML blocks, rules, reference definitions and YAML
front matter are never translated. Inside the text, code spans, link and image
destinations, link brackets, autolinks, inline HTML, entities, escapes,
reference labels, URLs and e-mail addresses are listed in ``Block.protected``
so that they come through translation verbatim while link text and image alt
text are translated.

A block whose inline text cannot be matched back to its source lines (rare:
tab-expanded indentation) is left untranslated inside the verbatim markup
rather than being guessed at.

Block quotes and lists are read up to :data:`MAX_DEPTH` levels deep (a quote
is one level, a list two: the list and its item); a deeper one is an
InputError naming its line, never text left out of the translation. Link
brackets nested deeper than that are read as text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bilingual.document import Block, BlockKind, Document
from bilingual.errors import InputError
from bilingual.formats.spans import line_ending, merge_spans, split_lines, url_and_email_spans
from bilingual.formats.text import special_kind

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_SPANS_KEY = "bilingual_protected"
_PROTECTED_RULES = ("backticks", "link", "image", "autolink", "html_inline", "entity", "escape")
_FRONT_MATTER_OPEN = re.compile(r"(?:---|\+\+\+)[ \t]*")
_HEADING_TAIL = re.compile(r"\s*(?:#+\s*)?")
_SPACE_TAIL = re.compile(r"\s*")
# Container levels read (markdown-it's own default stops at 20 and silently drops
# what is deeper). Its parser recurses about twice per block level and three
# times per inline level, so this stays well inside Python's recursion limit.
MAX_DEPTH = 200
_CONTAINERS = ("blockquote_open", "list_item_open")


@dataclass
class _Region:
    """A source range [start, end) that becomes one block."""

    kind: BlockKind
    start: int
    end: int
    text: str
    line_prefixes: list[str] = field(default_factory=list)
    translatable: bool = True


def parse_markdown(text: str, *, id: str | None = None, name: str | None = None) -> Document:
    """A Document for a Markdown article; rendering it untranslated gives ``text`` back.

    ``name`` (default: ``id``) names the input in errors.
    """
    where = name or id or "<input>"
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    bodies = [line[: len(line) - len(line_ending(line))] for line in lines]

    regions: list[_Region] = []
    front = _front_matter_end(bodies)
    if front:
        end_line = front - 1
        regions.append(
            _Region(BlockKind.OTHER, 0, starts[end_line] + len(bodies[end_line]), "", translatable=False)
        )
    md = _parser()
    env: dict[str, Any] = {}
    # markdown-it normalises line endings; feed it one "\n" per source line so
    # its line maps index ``lines`` directly. Front matter is blanked out.
    normalized = "".join(("" if i < front else body) + "\n" for i, body in enumerate(bodies))
    try:
        tokens = md.parse(normalized, env)
        _check_depth(tokens, where)
        regions.extend(_regions(tokens, lines, bodies, starts))
        blocks = _blocks(text, regions)
        for block in blocks:
            if block.translatable:
                block.protected = _protected_spans(md, block.text, env)
    except RecursionError:
        raise InputError(f"{where}: Markdown nested too deeply to read (block quotes, lists or link brackets)") from None
    return Document(blocks=blocks, id=id, format="md")


def _check_depth(tokens: list[Any], where: str) -> None:
    """InputError for a block quote or list item past MAX_DEPTH, whose content markdown-it leaves out."""
    for token in tokens:
        if token.type in _CONTAINERS and token.level >= MAX_DEPTH:
            raise InputError(
                f"{where}: line {token.map[0] + 1}: block quotes and lists nested more than {MAX_DEPTH} levels deep "
                "(a quote is one level, a list two)"
            )


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": MAX_DEPTH + 1}).enable(["table", "strikethrough"])
    for name in _PROTECTED_RULES:
        rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _recording(name, rule))
    return md


def _recording(name: str, rule: Any) -> Any:
    """Wrap an inline rule so that it records the source span of what it parsed."""

    def recorded(state: Any, silent: bool) -> bool:
        start = state.pos
        label_end = -1
        if not silent and name in ("link", "image"):
            bracket = start if name == "link" else start + 1
            if bracket < state.posMax and state.src[bracket] == "[":
                label_end = state.md.helpers.parseLinkLabel(state, bracket, name == "link")
        matched = rule(state, silent)
        spans = state.env.get(_SPANS_KEY)
        if matched and not silent and spans is not None:
            end = state.pos
            if name in ("link", "image") and label_end > 0:
                label_start = start + (1 if name == "link" else 2)
                after = state.src[label_end:end]
                if after.startswith("]("):
                    spans += [(start, label_start), (label_end, end)]
                elif after.startswith("][") and after != "][]":
                    spans += [(start, label_start), (label_end, end)]
                else:  # [label] or [label][]: the label itself must match a definition
                    spans.append((start, end))
            else:
                spans.append((start, end))
        return matched

    return recorded


def _protected_spans(md: MarkdownIt, text: str, env: dict[str, Any]) -> list[tuple[int, int]]:
    normalized, to_text = _normalize_breaks(text)
    spans: list[tuple[int, int]] = []
    inline_env = dict(env)
    inline_env[_SPANS_KEY] = spans
    md.parseInline(normalized, inline_env)
    mapped = [(to_text(a), to_text(b)) for a, b in spans]
    return merge_spans(mapped + url_and_email_spans(text))


def _normalize_breaks(text: str) -> tuple[str, Any]:
    """``text`` with CRLF/CR as LF, and a map from its offsets back to ``text``'s."""
    if "\r" not in text:
        return text, lambda i: i
    crlf_ends = [m.start() for m in re.finditer("\r\n", text)]
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    # the k-th CRLF sits at normalized offset crlf_ends[k] - k
    shifted = [pos - k for k, pos in enumerate(crlf_ends)]

    def to_text(i: int) -> int:
        return i + sum(1 for pos in shifted if pos < i)

    return normalized, to_text


def _front_matter_end(bodies: list[str]) -> int:
    """Number of lines of a leading YAML/TOML front matter block (0 if none)."""
    if not bodies or not _FRONT_MATTER_OPEN.fullmatch(bodies[0]):
        return 0
    closer = bodies[0].strip()
    for i in range(1, len(bodies)):
        if bodies[i].rstrip() == closer or (closer == "---" and bodies[i].rstrip() == "..."):
            return i + 1
    return 0


def _regions(tokens: list[Any], lines: list[str], bodies: list[str], starts: list[int]) -> list[_Region]:
    regions: list[_Region] = []
    containers: list[str] = []
    parent: Any = None
    cell_cursor: tuple[int, int] = (-1, 0)  # (line, column) where the next table cell is searched
    for token in tokens:
        if token.type in ("blockquote_open", "list_item_open"):
            containers.append(token.type)
        elif token.type in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif token.type in ("fence", "code_block", "html_block", "hr") and token.map:
            first, last = token.map[0], token.map[1] - 1
            while last > first and not bodies[last].strip():
                last -= 1  # indented code maps can include trailing blank lines
            kind = BlockKind.CODE if token.type in ("fence", "code_block") else BlockKind.OTHER
            regions.append(_Region(kind, starts[first], starts[last] + len(bodies[last]), "", translatable=False))
        elif token.type == "inline" and token.map and parent is not None:
            if parent.type in ("th_open", "td_open"):
                line = token.map[0]
                column = cell_cursor[1] if cell_cursor[0] == line else 0
                region, column = _cell_region(token.content, line, column, bodies, starts)
                cell_cursor = (line, column)
            else:
                region = _text_region(token, parent, containers, lines, bodies, starts)
            if region is not None:
                regions.append(region)
        parent = token
    return regions


def _text_region(
    token: Any, parent: Any, containers: list[str], lines: list[str], bodies: list[str], starts: list[int]
) -> _Region | None:
    content: str = token.content
    if not content.strip():
        return None
    heading = parent.type == "heading_open"
    # content is stripped, so lines that hold only Unicode whitespace (a form
    # feed, U+3000) at the start of the map are not in it
    lines_in_map = token.map[1] - token.map[0]
    for skipped in range(max(1, lines_in_map - content.count("\n"))):
        region = _match_lines(token.map[0] + skipped, content, heading, containers, lines, bodies, starts)
        if region is not None:
            return region
    return None


def _match_lines(
    first: int, content: str, heading: bool, containers: list[str], lines: list[str], bodies: list[str], starts: list[int]
) -> _Region | None:
    parts = content.split("\n")
    if first + len(parts) > len(bodies):
        return None
    tail = _HEADING_TAIL if heading else _SPACE_TAIL
    positions = []
    for j, part in enumerate(parts):
        raw = bodies[first + j]
        last = j == len(parts) - 1
        # markdown-it turns a tab in the indentation into spaces; the line's own
        # text (without that indentation) is what has to be found in the source
        for candidate in dict.fromkeys((part, part.lstrip())):
            idx = raw.rfind(candidate)
            rest = raw[idx + len(candidate) :]
            if idx >= 0 and (tail.fullmatch(rest) if last else not rest):
                parts[j] = candidate
                positions.append(idx)
                break
        else:
            return None
    text = "".join(
        part + (line_ending(lines[first + j]) if j < len(parts) - 1 else "") for j, part in enumerate(parts)
    )
    line_prefixes = [bodies[first + j][: positions[j]] for j in range(1, len(parts))]
    start = starts[first] + positions[0]
    end = starts[first + len(parts) - 1] + positions[-1] + len(parts[-1])
    if heading:
        kind = BlockKind.HEADING
    elif containers and containers[-1] == "list_item_open":
        kind = BlockKind.LIST_ITEM
    elif containers:
        kind = BlockKind.QUOTE
    else:
        kind = (special_kind(content) if len(parts) == 1 else None) or BlockKind.PARAGRAPH
    return _Region(kind, start, end, text, line_prefixes)


def _cell_region(
    content: str, line: int, column: int, bodies: list[str], starts: list[int]
) -> tuple[_Region | None, int]:
    if not content.strip():
        return None, column
    raw = bodies[line]
    for candidate in (content, content.replace("|", "\\|")):
        idx = raw.find(candidate, column)
        if idx >= 0:
            end = idx + len(candidate)
            start = starts[line] + idx
            return _Region(BlockKind.TABLE_CELL, start, starts[line] + end, candidate), end
    return None, column


def _blocks(text: str, regions: list[_Region]) -> list[Block]:
    """Blocks for the regions; the text between two regions is split at its last line break:
    up to it is the earlier block's suffix, after it the later block's prefix."""
    ordered: list[_Region] = []
    for region in sorted(regions, key=lambda r: r.start):
        if ordered and region.start < ordered[-1].end:
            continue  # never happens with markdown-it's maps; keep the source verbatim if it does
        ordered.append(region)
    if not ordered:
        return [Block(BlockKind.OTHER, text)] if text else []
    blocks = []
    for region in ordered:
        body = region.text if region.translatable else text[region.start : region.end]
        blocks.append(Block(region.kind, body, line_prefixes=region.line_prefixes, soft_breaks=True))
    blocks[0].prefix = text[: ordered[0].start]
    for i in range(len(ordered) - 1):
        gap = text[ordered[i].end : ordered[i + 1].start]
        cut = max(gap.rfind("\n"), gap.rfind("\r")) + 1
        blocks[i].suffix = gap[:cut]
        blocks[i + 1].prefix = gap[cut:]
    blocks[-1].suffix = text[ordered[-1].end :]
    return blocks


def parse(data: str, *, id: str | None = None, name: str | None = None) -> list[Document]:
    """The format table's reader (:data:`bilingual.formats.FORMAT_SPECS`): one Document."""
    return [parse_markdown(data, id=id, name=name)]


def render(doc: Document) -> str:
    """The format table's writer: a Markdown Document's blocks carry their markup."""
    from bilingual.formats.text import render_text

    return render_text(doc)
