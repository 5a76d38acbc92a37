"""HTML pages (news pages, CMS exports): the text of each block element, translated in place.

The page is read with the standard library's tolerant HTML tokenizer
(:class:`html.parser.HTMLParser`, the one BeautifulSoup's ``html.parser``
builder uses), which reports where every tag and every run of text starts in
the source. A translated page is the source with only the translated text
(and the translated attribute values, and ``<html lang>``) replaced:
every other byte (markup, attribute quoting, entities, comments, scripts,
line breaks) comes through as it was, and an untranslated page is written
back byte for byte.

- Each run of text inside a block element (``h1``-``h6``, ``p``, ``li``,
  ``figcaption``, ``td``, ``blockquote``, ``title``, ``div``, ...) becomes a
  Block; its kind comes from the nearest such element (``h1``/``title``
  headline, ``h2``-``h6`` heading, ``figcaption``/``caption`` caption, ``li``
  list item, ``blockquote`` quote, ``td``/``th`` table cell, ``address``
  byline, otherwise paragraph).
- Inline elements (``a``, ``b``, ``strong``, ``em``, ``i``, ``span``, ...)
  become paired tags, line breaks and images single tags
  (:mod:`bilingual.formats.inline`), so the engine never sees markup and the
  translated words keep their links and emphasis.
- ``script``, ``style``, ``code``, ``pre``, ``textarea``, ``svg`` and
  elements marked ``translate="no"`` (or ``class="notranslate"``) are kept
  untouched; inside a sentence they are one tag.
- ``alt`` and ``title`` attribute values are blocks of their own, and so is
  the ``content`` of ``<meta>`` descriptions and social-card titles
  (``description``, ``og:title``, ``og:description``, ``twitter:title``, ...).
- The encoding is the byte-order mark's, else the ``<meta charset>`` (or
  ``http-equiv`` content type) in the first 1,024 bytes, else detected as for
  text files; the page is written back in the same encoding, characters it
  cannot hold as numeric character references.

A translated element whose tags the engine did not give back in order is
unwrapped (its words stay, as plain text), except a link, which then covers its
whole sentence (its target is kept); a
:class:`~bilingual.errors.FormattingWarning` says how many.
"""

from __future__ import annotations

import codecs
import html
import re
import warnings
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from bilingual.document import Block, BlockKind, Document
from bilingual.errors import FormattingWarning, InputError
from bilingual.formats.inline import Inline, Piece, build, restore, segment_ranges
from bilingual.formats.spans import merge_spans, url_and_email_spans
from bilingual.text.encoding import decode_bytes, normalize_encoding

__all__ = ["parse", "parse_html", "render"]

# Elements whose start and end tags sit inside a sentence: paired tags.
_INLINE = frozenset(
    "a abbr acronym b bdi bdo big cite data del dfn em font i ins label mark nobr q rb rp rt rtc ruby s "
    "small span strike strong sub sup time tt u".split()
)
_LETTERS = {"a": "a", "b": "b", "strong": "b", "i": "i", "em": "i", "cite": "i", "u": "u"}
# Void elements inside a sentence: one tag each.
_INLINE_VOID = frozenset("br img wbr input embed source track area param".split())
_VOID = _INLINE_VOID | frozenset("hr meta link base col keygen".split())
# Inline elements whose content is kept as it is: one tag for the whole element.
_INLINE_KEEP = frozenset(
    "code kbd samp var script style noscript template svg math textarea select button iframe object video audio "
    "canvas".split()
)
# Block elements whose content is kept as it is.
_BLOCK_KEEP = frozenset("pre listing xmp plaintext".split())
_KINDS = {
    "title": BlockKind.HEADLINE,
    "h1": BlockKind.HEADLINE,
    **{f"h{n}": BlockKind.HEADING for n in range(2, 7)},
    "figcaption": BlockKind.CAPTION,
    "caption": BlockKind.CAPTION,
    "li": BlockKind.LIST_ITEM,
    "blockquote": BlockKind.QUOTE,
    "td": BlockKind.TABLE_CELL,
    "th": BlockKind.TABLE_CELL,
    "address": BlockKind.BYLINE,
}
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl dd dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary table ul".split()
)
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# Which open element a start tag closes, and the elements that stop the search for it.
_IMPLIED = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tr": ({"tr"}, {"table"}),
    "thead": ({"thead", "tbody", "tfoot"}, {"table"}),
    "tbody": ({"thead", "tbody", "tfoot"}, {"table"}),
    "tfoot": ({"thead", "tbody", "tfoot"}, {"table"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}),
}
# How html.parser (Python 3.11) finds a start tag's name and each of its attributes; the
# same patterns here, so the attribute values found are the ones the parser read.
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r'((?<=[\'"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*'
    r'(\'[^\']*\'|"[^"]*"|(?![\'"])[^>\s]*))?(?:\s|/(?!>))*'
)
# <meta name=... content=...> whose content is text a reader sees (search results, link previews).
_META_TEXT = frozenset(
    "description og:title og:description twitter:title twitter:description twitter:image:alt og:image:alt".split()
)
_TRANSLATED_ATTRIBUTES = {"alt": BlockKind.CAPTION, "title": BlockKind.PARAGRAPH}
_PRESCAN_BYTES = 1024
_LINK = frozenset("a")  # links keep their sentence when their tags are lost, and never nest
_META_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
# WHATWG encoding labels that browsers read as a superset: decode and write them as that.
_BROWSER_CODECS = {"euc_kr": "cp949", "latin_1": "cp1252", "ascii": "cp1252", "iso8859_1": "cp1252"}
_BOM = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


@dataclass
class _Region:
    """Where a translatable block sits in the page and what it is made of."""

    start: int  # source range [start, end) of the block's pieces
    end: int
    inline: Inline
    attribute: tuple[int, int, str] | None = None  # (value start, value end, quote) for an attribute value


@dataclass
class HtmlPage:
    """The parsed page a Document carries in ``container``."""

    data: bytes  # the file as read
    text: str  # the decoded source
    encoding: str
    bom: bool
    regions: list[_Region] = field(default_factory=list)  # one per Document block
    lang: tuple[int, int, str] | None = None  # where <html lang> goes: (start, end, quote); start == end inserts


# reading ---------------------------------------------------------------------


def parse(data: bytes, *, id: str | None = None, name: str) -> list[Document]:
    """The format table's reader (:data:`bilingual.formats.FORMAT_SPECS`): one Document."""
    return [parse_html(data, id=id, name=name)]


def parse_html(data: bytes, *, id: str | None = None, name: str = "<input>") -> Document:
    """A Document for an HTML page; rendering it untranslated gives ``data`` back."""
    text, encoding, bom = _decode(data, name)
    tokens = _tokenize(text)
    if not any(kind in ("start", "end") for kind, *_ in tokens):
        raise InputError(f"{name}: not HTML (no tags in it); for plain text use --format txt")
    page = HtmlPage(data, text, encoding, bom)
    walker = _Walker(text, tokens, page)
    walker.walk()
    blocks = walker.blocks
    return Document(blocks=blocks, id=id, format="html", container=page)


def _decode(data: bytes, name: str) -> tuple[str, str, bool]:
    declared = None
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
        if match:
            label = match.group(1).decode("ascii")
            try:
                declared = normalize_encoding(label)
            except InputError:
                raise InputError(f"{name}: unknown encoding {label!r} in its <meta charset>") from None
            codec = codecs.lookup(declared).name.replace("-", "_")
            declared = _BROWSER_CODECS.get(codec, declared)
            if codec.startswith(("utf_16", "utf_32")):
                declared = "utf-8"  # a page that can carry this declaration is not UTF-16 (WHATWG)
    decoded = decode_bytes(data, declared, name=name)
    return decoded.text, decoded.encoding, decoded.bom


class _Tokenizer(HTMLParser):
    """Every token of the page with the offset where it starts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens: list[tuple] = []

    def _at(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", self._at(), tag, dict(attrs), self.get_starttag_text() or "", False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", self._at(), tag, dict(attrs), self.get_starttag_text() or "", True))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", self._at(), tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(("data", self._at(), data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("other", self._at()))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(("other", self._at()))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(("other", self._at()))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(("other", self._at()))


def _tokenize(text: str) -> list[tuple]:
    tokenizer = _Tokenizer(text)
    tokenizer.feed(text)
    tokenizer.close()
    return tokenizer.tokens


@dataclass
class _Open:
    name: str
    start: int  # where its start tag begins
    piece: Piece | None = None  # its open piece, for an inline element in a run


class _Walker:
    """Turns the token stream into blocks: one per run of text between block tags."""

    def __init__(self, text: str, tokens: list[tuple], page: HtmlPage) -> None:
        self.text = text
        self.tokens = tokens
        self.page = page
        self.blocks: list[Block] = []
        self.stack: list[_Open] = []
        self.run: list[Piece] = []
        self.run_kind = BlockKind.PARAGRAPH
        self.skip: int | None = None  # stack index of a block element whose content is kept
        self.keep: int | None = None  # stack index of an inline element kept as one piece
        self.keep_start = 0
        self.ids = 0
        self.attribute_blocks: list[tuple[int, Block, _Region]] = []
        self.run_blocks: list[tuple[int, Block, _Region]] = []

    def walk(self) -> None:
        ends = [token[1] for token in self.tokens[1:]] + [len(self.text)]
        for token, end in zip(self.tokens, ends):
            kind, start = token[0], token[1]
            if kind == "start":
                self._start(token[2], token[3], token[4], token[5], start, end)
            elif kind == "end":
                self._end(token[2], start, end)
            elif kind == "data":
                if self.skip is None and self.keep is None:
                    self._add(Piece("text", token[2], data=(start, end)))
            elif self.skip is None and self.keep is None and self.run:
                self._add(Piece("empty", data=(start, end)))  # a comment inside a sentence
        self._pop_to(0, len(self.text), None)
        self._flush()
        ordered = sorted(self.run_blocks + self.attribute_blocks, key=lambda item: item[0])
        self.blocks = [block for _, block, _ in ordered]
        self.page.regions = [region for _, _, region in ordered]

    # tags ---------------------------------------------------------------------

    def _start(self, name: str, attrs: dict, raw: str, closed: bool, start: int, end: int) -> None:
        void = name in _VOID
        if self.skip is not None or self.keep is not None:
            if not void and not closed:
                self.stack.append(_Open(name, start))
            return
        if name == "html" and self.page.lang is None:
            self.page.lang = _lang_place(raw, start)
        untranslated = (attrs.get("translate") or "").strip().lower() == "no" or "notranslate" in (
            attrs.get("class") or ""
        ).split()
        if not untranslated:
            self._attribute_blocks(raw, start, _meta_text(name, attrs))
        inline = name in _INLINE or name in _INLINE_VOID or name in _INLINE_KEEP
        if void or (closed and name not in _INLINE):
            if name in _INLINE_VOID:
                self._add(Piece("empty", data=(start, end)))
            else:
                self._flush()
            return
        if inline and (untranslated or name in _INLINE_KEEP):
            self.stack.append(_Open(name, start))
            self.keep, self.keep_start = len(self.stack) - 1, start
            return
        if name in _INLINE:
            self.ids += 1
            piece = Piece("open", id=self.ids, letter=_LETTERS.get(name, "s"), data=(start, end))
            self.stack.append(_Open(name, start, piece))
            self._add(piece)
            return
        self._flush()
        self._implied_end(name, start)
        self.stack.append(_Open(name, start))
        if untranslated or name in _BLOCK_KEEP:
            self.skip = len(self.stack) - 1

    def _end(self, name: str, start: int, end: int) -> None:
        index = next((i for i in range(len(self.stack) - 1, -1, -1) if self.stack[i].name == name), None)
        if index is None:
            if self.skip is None and self.keep is None and self.run and name in _INLINE:
                self._add(Piece("empty", data=(start, end)))  # a stray end tag inside a sentence
            elif self.skip is None and self.keep is None and name not in _INLINE:
                self._flush()
            return
        self._pop_to(index, start, (name, end))

    def _pop_to(self, index: int, at: int, closing: tuple[str, int] | None) -> None:
        """Pop the open elements from ``index`` up; ``closing`` is (name, end) of the end tag
        that closes ``stack[index]``, or None when they end at ``at`` without one."""
        while len(self.stack) > index:
            position = len(self.stack) - 1
            element = self.stack.pop()
            explicit = closing is not None and position == index
            end_of = closing[1] if explicit and closing else at
            if self.keep is not None and position <= self.keep:
                self.keep = None
                if self.skip is None:
                    self._add(Piece("empty", letter="c", data=(self.keep_start, end_of)))
                continue
            if self.skip is not None and position <= self.skip:
                self.skip = None
                continue
            if self.skip is not None or self.keep is not None:
                continue
            if element.piece is not None:
                if explicit:
                    self._close_inline(element.piece, at, end_of)
            else:
                self._flush()

    def _close_inline(self, opened: Piece, at: int, end: int) -> None:
        """The end tag of an inline element; one with no text inside (an anchor, a linked
        image) becomes a single piece kept as it is."""
        index = next((i for i in range(len(self.run) - 1, -1, -1) if self.run[i] is opened), None)
        if index is not None and not any(p.kind == "text" and p.text.strip() for p in self.run[index + 1 :]):
            del self.run[index:]
            self._add(Piece("empty", data=(opened.data[0], end)))
            return
        self._add(Piece("close", id=opened.id, letter=opened.letter, data=(at, end)))

    def _implied_end(self, name: str, at: int) -> None:
        """Close the open elements that this start tag ends (an open ``li`` before a new ``li``, ...)."""
        if name in _CLOSES_P:
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i].name == "p":
                    self._pop_to(i, at, None)
                    break
                if self.stack[i].piece is None:
                    break
        if name in _HEADINGS and self.stack and self.stack[-1].name in _HEADINGS:
            self._pop_to(len(self.stack) - 1, at, None)
        rule = _IMPLIED.get(name)
        if rule is None:
            return
        closes, stops = rule
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].name in closes:
                self._pop_to(i, at, None)
                return
            if self.stack[i].name in stops:
                return

    # runs ---------------------------------------------------------------------

    def _add(self, piece: Piece) -> None:
        if not self.run:
            self.run_kind = self._kind()
        self.run.append(piece)

    def _kind(self) -> BlockKind:
        for element in reversed(self.stack):
            kind = _KINDS.get(element.name)
            if kind is not None:
                return kind
        return BlockKind.PARAGRAPH

    def _flush(self) -> None:
        run, self.run = self.run, []
        if not any(p.kind == "text" and _has_letter(p.text) for p in run):
            return
        inline = build(run)
        block = Block(self.run_kind, inline.text, soft_breaks=True)
        block.protected = merge_spans(inline.protected + url_and_email_spans(inline.text))
        if not block.translatable:
            return
        region = _Region(run[0].data[0], run[-1].data[1], inline)
        self.run_blocks.append((region.start, block, region))

    def _attribute_blocks(self, raw: str, start: int, meta: bool) -> None:
        for attr, (value_start, value_end, quote) in _attribute_values(raw).items():
            kind = BlockKind.PARAGRAPH if meta and attr == "content" else _TRANSLATED_ATTRIBUTES.get(attr)
            if kind is None:
                continue
            value = html.unescape(raw[value_start:value_end])
            if not _has_letter(value):
                continue
            inline = build([Piece("text", value)])
            block = Block(kind, inline.text)
            block.protected = merge_spans(inline.protected + url_and_email_spans(inline.text))
            if not block.translatable:
                continue
            region = _Region(start + value_start, start + value_end, inline, (start + value_start, start + value_end, quote))
            self.attribute_blocks.append((region.start, block, region))


def _meta_text(name: str, attrs: dict) -> bool:
    """Whether this is a ``<meta>`` whose ``content`` is text for readers (description, social cards)."""
    if name != "meta":
        return False
    key = (attrs.get("name") or attrs.get("property") or "").strip().lower()
    return key in _META_TEXT


def _attribute_values(raw: str) -> dict[str, tuple[int, int, str]]:
    """Each attribute of a raw start tag: (value start, value end, quote) within ``raw``,
    read the way :class:`html.parser.HTMLParser` reads them (the first of a repeated name)."""
    found: dict[str, tuple[int, int, str]] = {}
    match = _TAG_NAME.match(raw, 1)
    if match is None:
        return found
    k = match.end()
    while k < len(raw):
        m = _ATTRIBUTE.match(raw, k)
        if not m:
            break
        name, rest, value = m.group(1, 2, 3)
        if rest and value is not None:
            if value[:1] in ("'", '"') and value[:1] == value[-1:] and len(value) >= 2:
                found.setdefault(name.lower(), (m.start(3) + 1, m.end(3) - 1, value[0]))
            else:
                found.setdefault(name.lower(), (m.start(3), m.end(3), ""))
        k = m.end()
    return found


def _lang_place(raw: str, start: int) -> tuple[int, int, str]:
    """Where the ``<html>`` tag's lang value is (or where a lang attribute goes)."""
    values = _attribute_values(raw)
    if "lang" in values:
        value_start, value_end, quote = values["lang"]
        return start + value_start, start + value_end, quote
    match = _TAG_NAME.match(raw, 1)
    name_end = len("<html") if match is None else 1 + len(match.group(1))
    return start + name_end, start + name_end, "insert"


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


# writing ---------------------------------------------------------------------


def render(doc: Document) -> bytes:
    """The page with the Document's translations in place, in the page's own encoding."""
    page = doc.container
    if not isinstance(page, HtmlPage):
        raise InputError(f"document {doc.id or '-'}: an HTML document must be read from an HTML file")
    if len(page.regions) != len(doc.blocks):
        raise InputError(f"document {doc.id or '-'}: its blocks no longer match the page it was read from")
    translated = [(block, region) for block, region in zip(doc.blocks, page.regions) if block.translated]
    if not translated:
        return page.data
    edits: list[tuple[int, int, str]] = []  # attribute values and <html lang>, applied wherever they are
    runs: list[tuple[Block, _Region]] = []
    broken: list[str] = []
    widened: list[str] = []
    for block, region in translated:
        if region.attribute is not None:
            value = _text_of(block, region.inline)
            edits.append((region.start, region.end, _attribute_value(value, region.attribute[2])))
        else:
            runs.append((block, region))
    if page.lang is not None and doc.target_lang:
        start, end, quote = page.lang
        value = html.escape(doc.target_lang)
        edits.append((start, end, f' lang="{value}"' if quote == "insert" else value))
    edits.sort()
    starts = [e[0] for e in edits]

    def raw(start: int, end: int) -> str:
        """The source in [start, end) with the edits inside it applied."""
        out: list[str] = []
        pos = start
        for i in range(bisect_left(starts, start), len(edits)):
            edit_start, edit_end, replacement = edits[i]
            if edit_start >= end or edit_end > end:
                break
            out.append(page.text[pos:edit_start])
            out.append(replacement)
            pos = edit_end
        out.append(page.text[pos:end])
        return "".join(out)

    parts: list[str] = []
    pos = 0
    for block, region in sorted(runs, key=lambda item: item[1].start):
        parts.append(raw(pos, region.start))
        restored = restore(
            block.output_text(), region.inline, segments=segment_ranges(block), whole_segment=_LINK, exclusive=_LINK
        )
        broken.extend(restored.broken)
        widened.extend(restored.widened)
        parts.append(_pieces(region.inline.prefix, raw))
        parts.append(_pieces(restored.pieces, raw))
        parts.append(_pieces(region.inline.suffix, raw))
        pos = region.end
    parts.append(raw(pos, len(page.text)))
    if broken:
        warnings.warn(
            FormattingWarning(
                f"{doc.meta.get('source') or doc.id or 'HTML page'}: the model dropped the tags of {len(broken)} "
                f"inline element(s), e.g. {broken[0]}: {len(broken) - len(widened)} unwrapped (their words kept as "
                f"plain text), {len(widened)} link(s) now around their whole sentence (the report's \"restored\" "
                "lists the tags)"
            ),
            stacklevel=2,
        )
    return _encode(page, "".join(parts))


def _pieces(pieces: list[Piece], raw: Callable[[int, int], str]) -> str:
    """HTML for pieces: markup as written in the source, text escaped (or as written, when it is
    a whole run of source text, such as the white space around a block)."""
    out: list[str] = []
    for piece in pieces:
        if piece.kind == "text" and isinstance(piece.data, tuple) and html.unescape(raw(*piece.data)) == piece.text:
            out.append(raw(*piece.data))
        elif piece.kind == "text" or piece.letter == "t":
            out.append(html.escape(piece.text, quote=False))
        else:
            start, end = piece.data
            out.append(raw(start, end))
    return "".join(out)


def _text_of(block: Block, inline: Inline) -> str:
    restored = restore(block.output_text(), inline, segments=segment_ranges(block))
    text = "".join(p.text for p in restored.pieces)
    lead = "".join(p.text for p in inline.prefix)
    tail = "".join(p.text for p in inline.suffix)
    return lead + text + tail


def _attribute_value(value: str, quote: str) -> str:
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote == "'":
        return escaped.replace("'", "&#39;")
    escaped = escaped.replace('"', "&quot;")
    return escaped if quote == '"' else f'"{escaped}"'


def _encode(page: HtmlPage, text: str) -> bytes:
    codec = "cp949" if page.encoding == "euc-kr" else page.encoding
    data = text.encode(codec, errors="xmlcharrefreplace")
    return _BOM.get(page.encoding, b"") + data if page.bom else data
