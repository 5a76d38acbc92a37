"""Word documents (.docx), read and written with python-docx; runs and their formatting kept.

Every paragraph of the body (table cells and nested tables included) and of
the headers and footers becomes a Block, in document order (body first).
The paragraph style gives its kind: ``Title`` a headline (and ``Heading 1``
when the document has no ``Title``), other headings a heading, ``Caption`` a
caption, ``Quote``/``Intense Quote`` a quote, list styles and numbered
paragraphs a list item, a paragraph in a table a table cell; a style based on
one of these counts as it.

A paragraph's runs are grouped by their formatting (``w:rPr``, leaving out
the proofing language): the formatting most of the text has is the
paragraph's own, and each stretch of other formatting (bold, italic,
underlined, a font or colour) and each hyperlink becomes a pair of tags
(``<b1>…</b1>``, ``<a2>…</a2>``; :mod:`bilingual.formats.inline`) that the
engine never sees. Drawings, fields, footnote references, tracked changes,
content controls and equations are kept as they are (one tag each; their
text is not translated); tabs and line breaks are text; the runs of a smart
tag are the paragraph's own (the smart tag is left out when the paragraph is
rewritten). When the engine drops
a tag, the formatting goes on the whole sentence instead and a
:class:`~bilingual.errors.FormattingWarning` says how often.

Writing fills the translated paragraphs with new runs that copy the original
runs' formatting (and hyperlinks), keeping bookmarks and comment ranges at the
paragraph's edges; everything else in the package is kept. An untranslated
document is written back byte for byte.

A file that is not a DOCX, an encrypted (password-protected) one, a damaged
ZIP package and one that would unpack to more than :data:`MAX_UNPACKED_BYTES`
(or whose parts are compressed more than :data:`MAX_RATIO` times: a zip bomb)
is an :class:`~bilingual.errors.InputError` naming the file.
"""

from __future__ import annotations

import copy
import io
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from bilingual.document import Block, BlockKind, Document
from bilingual.errors import FormattingWarning, InputError
from bilingual.formats.inline import Inline, Piece, build, restore, segment_ranges
from bilingual.formats.spans import merge_spans, url_and_email_spans

__all__ = ["MAX_RATIO", "MAX_UNPACKED_BYTES", "parse", "parse_docx", "render"]

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # all parts together, unpacked
MAX_RATIO = 200  # unpacked / packed size of one part over 1 MiB
MAX_PARTS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .doc files are OLE compound files

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": _W, "mc": _MC}
_PARAGRAPHS = ".//w:p[not(ancestor::w:txbxContent) and not(ancestor::mc:Fallback)]"
_KIND_BY_STYLE = {
    "title": BlockKind.HEADLINE,
    "heading 1": BlockKind.HEADLINE,
    "subtitle": BlockKind.HEADING,
    "caption": BlockKind.CAPTION,
    "quote": BlockKind.QUOTE,
    "intense quote": BlockKind.QUOTE,
    "list paragraph": BlockKind.LIST_ITEM,
    **{f"heading {n}": BlockKind.HEADING for n in range(2, 10)},
}
# Run children that are text, and the text they stand for.
_TEXT_CHARS = {"tab": "\t", "cr": "\n", "noBreakHyphen": "\u2011", "softHyphen": "\u00ad"}
_CHAR_ELEMENTS = {v: k for k, v in _TEXT_CHARS.items() if k != "cr"}
_DROPPED = {"proofErr", "lastRenderedPageBreak"}  # left out of a rewritten paragraph
# Paragraph children that mark a place (kept at the paragraph's start or end when it is rewritten).
_MARKER_SUFFIXES = ("Start", "End")
_LINK = frozenset("a")  # links never nest
_UNKEYED = {f"{{{_W}}}lang", f"{{{_W}}}noProof"}


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


# reading ---------------------------------------------------------------------


def parse(data: bytes, *, id: str | None = None, name: str) -> list[Document]:
    """The format table's reader (:data:`bilingual.formats.FORMAT_SPECS`): one Document."""
    return [parse_docx(data, id=id, name=name)]


def parse_docx(data: bytes, *, id: str | None = None, name: str = "<input>") -> Document:
    """A Document for a DOCX file; rendering it untranslated gives ``data`` back."""
    package = _open(data, name)
    blocks = [block for _, _, block, _ in _paragraphs(package)]
    return Document(blocks=blocks, id=id, format="docx", container=DocxFile(data, name))


@dataclass
class DocxFile:
    """What a Document read from a DOCX carries in ``container``: the file's bytes (the writer
    reads them again, so writing never changes the Document)."""

    data: bytes
    name: str


def _open(data: bytes, name: str) -> Any:
    """The python-docx Document of ``data``, after the checks that keep a bad file out."""
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{name}: an encrypted (password-protected) Word file or an old .doc, not a DOCX: "
            "remove the password, or save it as .docx in Word"
        )
    if not data.startswith(b"PK"):
        raise InputError(f"{name}: not a DOCX file (a DOCX is a ZIP package; this is not one)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            if len(parts) > MAX_PARTS:
                raise InputError(f"{name}: {len(parts)} parts in the package, more than a DOCX has ({MAX_PARTS})")
            total = sum(part.file_size for part in parts)
            if total > MAX_UNPACKED_BYTES:
                raise InputError(
                    f"{name}: would unpack to {total:,} bytes, more than {MAX_UNPACKED_BYTES:,} (a zip bomb?)"
                )
            for part in parts:
                if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    raise InputError(
                        f"{name}: part {part.filename} is compressed {part.file_size // max(part.compress_size, 1):,} "
                        f"times (more than {MAX_RATIO}): a zip bomb, not a document"
                    )
            damaged = package.testzip()
            if damaged is not None:
                raise InputError(f"{name}: damaged DOCX: part {damaged} fails its checksum")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as err:
        raise InputError(f"{name}: damaged DOCX (not a readable ZIP package: {err})") from None
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile) as err:
        detail = " ".join(str(err).split())[:160]
        raise InputError(f"{name}: not a readable DOCX ({type(err).__name__}: {detail})") from None


def _paragraphs(package: Any) -> list[tuple[Any, Inline, Block, Any]]:
    """(w:p element, its inline content, its Block, its own w:rPr) for every translatable paragraph, in order."""
    styles = _style_names(package)
    roots = [package.element.body]
    parts = [
        (rel.reltype != RT.HEADER, str(rel.target_part.partname), rel.target_part)
        for rel in package.part.rels.values()
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER)
    ]  # headers, then footers
    roots += [part.element for _, _, part in sorted(parts, key=lambda p: p[:2])]
    find_paragraphs = etree.XPath(_PARAGRAPHS, namespaces=_NS)
    in_table = etree.XPath("boolean(ancestor::w:tc)", namespaces=_NS)
    elements = [p for root in roots for p in find_paragraphs(root)]
    has_title = any(_style_kind(p, styles) == ("title", BlockKind.HEADLINE) for p in elements)
    out: list[tuple[Any, Inline, Block, Any]] = []
    for element in elements:
        pieces, base_rpr = _pieces(element)
        inline = build(pieces)
        style, kind = _style_kind(element, styles)
        if style == "heading 1" and has_title:
            kind = BlockKind.HEADING
        if kind is BlockKind.PARAGRAPH and in_table(element):
            kind = BlockKind.TABLE_CELL
        block = Block(kind, inline.text)
        block.protected = merge_spans(inline.protected + url_and_email_spans(inline.text))
        if block.translatable:
            out.append((element, inline, block, base_rpr))
    return out


def _style_names(package: Any) -> dict[str, tuple[str, ...]]:
    """Each paragraph style id -> the lower-case names of it and the styles it is based on."""
    names: dict[str, tuple[str, ...]] = {}
    for style in package.styles:
        chain = []
        current, seen = style, 0
        while current is not None and seen < 20:
            chain.append((current.name or "").lower())
            current, seen = getattr(current, "base_style", None), seen + 1
        if style.style_id:
            names[style.style_id] = tuple(chain)
    return names


def _style_kind(element: Any, styles: dict[str, tuple[str, ...]]) -> tuple[str, BlockKind]:
    ppr = element.find(_w("pPr"))
    style_id = None
    numbered = False
    if ppr is not None:
        pstyle = ppr.find(_w("pStyle"))
        style_id = pstyle.get(_w("val")) if pstyle is not None else None
        numbered = ppr.find(_w("numPr")) is not None
    for name in styles.get(style_id or "", ()):
        if name in _KIND_BY_STYLE:
            return name, _KIND_BY_STYLE[name]
        if name.startswith("list"):
            return name, BlockKind.LIST_ITEM
    return "", BlockKind.LIST_ITEM if numbered else BlockKind.PARAGRAPH


@dataclass(eq=False)
class _Run:
    """One thing inside a paragraph: text with its formatting, or something kept as it is."""

    text: str | None  # None: an object (``elements`` kept as they are)
    rpr: Any  # the w:rPr element (or None)
    key: str  # formatting, as a comparable string
    link: Any  # the w:hyperlink element it sits in (or None)
    elements: tuple[Any, ...] = ()  # for an object: what is kept (see ``level``)
    level: str = "run"  # "run": children of a w:r; "paragraph": children of the w:p; "field": the field's _Runs


def _pieces(paragraph: Any) -> tuple[list[Piece], Any]:
    """The paragraph's inline pieces, and the w:rPr of its own (most common) formatting."""
    runs = _runs(paragraph)
    base, base_rpr = _dominant(runs)
    link_bases = {id(r.link): _dominant([x for x in runs if x.link is r.link]) for r in runs if r.link is not None}
    pieces: list[Piece] = []
    ids = 0
    link: Any = None
    link_id = 0
    current = base  # the formatting of text that needs no tag here (the paragraph's, or the link's)
    fmt = base
    fmt_id = 0
    fmt_letter = "s"

    def close_format() -> None:
        nonlocal fmt
        if fmt != current:
            pieces.append(Piece("close", id=fmt_id, letter=fmt_letter, data=("format", None)))
        fmt = current

    for run in runs:
        if run.link is not link:
            close_format()
            if link is not None:
                pieces.append(Piece("close", id=link_id, letter="a", data=("link", link)))
            link = run.link
            current = base
            if link is not None:
                ids += 1
                link_id = ids
                current, link_rpr = link_bases[id(link)]
                pieces.append(Piece("open", id=link_id, letter="a", data=("link", link, link_rpr)))
            fmt = current
        if run.text is None:
            if run.key != fmt:  # an object outside the formatted stretch ends it
                close_format()
            pieces.append(Piece("empty", data=("object", run)))
            continue
        if run.key != fmt:
            close_format()
            if run.key != current:
                ids += 1
                fmt, fmt_id, fmt_letter = run.key, ids, _letter(run.rpr)
                pieces.append(Piece("open", id=fmt_id, letter=fmt_letter, data=("format", run.rpr)))
        pieces.append(Piece("text", run.text, data=("text", run.rpr)))
    close_format()
    if link is not None:
        pieces.append(Piece("close", id=link_id, letter="a", data=("link", link)))
    return pieces, base_rpr


def _dominant(runs: list[_Run]) -> tuple[str, Any]:
    """The formatting (key, w:rPr) that most of the runs' letters have."""
    weights: Counter[str] = Counter()
    first: dict[str, Any] = {}
    for run in runs:
        if run.text is not None:
            weights[run.key] += len(run.text.strip())
            first.setdefault(run.key, run.rpr)
    if not weights:
        return "", None
    key = weights.most_common(1)[0][0]
    return key, first[key]


def _runs(paragraph: Any) -> list[_Run]:
    """The paragraph's content in order; a complex field (begin … end) is one object."""
    return _fields_as_objects(_content(paragraph))


def _content(parent: Any) -> list[_Run]:
    """The runs and objects of a paragraph (or of a smart tag in it, whose runs count as the paragraph's)."""
    out: list[_Run] = []
    for child in parent:
        local = _local(child)
        if local in ("pPr", "smartTagPr") or local in _DROPPED or _is_marker(local):
            continue
        if local == "r":
            out.extend(_run_content(child, None))
        elif local == "hyperlink" and all(_local(c) in ("r", "proofErr") for c in child):
            for run in child:
                if _local(run) == "r":
                    out.extend(_run_content(run, child))
        elif local == "smartTag":
            out.extend(_content(child))
        else:
            out.append(_Run(None, None, "", None, (child,), "paragraph"))
    return out


def _run_content(run: Any, link: Any) -> list[_Run]:
    rpr = run.find(_w("rPr"))
    key = _format_key(rpr)
    out: list[_Run] = []
    for child in run:
        local = _local(child)
        if local == "rPr" or local in _DROPPED:
            continue
        if local == "t":
            out.append(_Run(child.text or "", rpr, key, link))
        elif local in _TEXT_CHARS:
            out.append(_Run(_TEXT_CHARS[local], rpr, key, link))
        elif local == "br" and child.get(_w("type")) in (None, "textWrapping"):
            out.append(_Run("\n", rpr, key, link))
        else:
            out.append(_Run(None, rpr, key, link, (child,)))
    return out


def _fields_as_objects(runs: list[_Run]) -> list[_Run]:
    """Join the runs of each complex field (fldChar begin … end, nested ones too) into one object."""
    out: list[_Run] = []
    depth = 0
    group: list[_Run] = []
    for run in runs:
        chars = [c.get(_w("fldCharType")) for c in run.elements if _local(c) == "fldChar"]
        if depth == 0 and "begin" not in chars:
            out.append(run)
            continue
        group.append(run)
        depth += chars.count("begin") - chars.count("end")
        if depth <= 0:
            out.append(_field(group))
            group, depth = [], 0
    if group:
        out.append(_field(group))
    return out


def _field(group: list[_Run]) -> _Run:
    return _Run(None, group[0].rpr, group[0].key, group[0].link, tuple(group), "field")


def _format_key(rpr: Any) -> str:
    if rpr is None:
        return ""
    trimmed = copy.deepcopy(rpr)
    for child in list(trimmed):
        if child.tag in _UNKEYED:
            trimmed.remove(child)
        elif child.tag == _w("rFonts"):
            child.attrib.pop(_w("hint"), None)
            if not child.attrib:
                trimmed.remove(child)
    if len(trimmed) == 0:
        return ""
    return etree.tostring(trimmed, method="c14n").decode("utf-8")


def _letter(rpr: Any) -> str:
    if rpr is None:
        return "s"
    for tag, letter in (("b", "b"), ("i", "i"), ("u", "u")):
        element = rpr.find(_w(tag))
        if element is not None and element.get(_w("val"), "true") not in ("0", "false", "none"):
            return letter
    return "s"


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_marker(local: str) -> bool:
    return local.endswith(_MARKER_SUFFIXES) and local not in ("r", "hyperlink")


# writing ---------------------------------------------------------------------


def render(doc: Document) -> bytes:
    """The DOCX with the Document's translations in place (the input's bytes when nothing is translated)."""
    source = doc.container
    if not isinstance(source, DocxFile):
        raise InputError(f"document {doc.id or '-'}: a DOCX document must be read from a DOCX file")
    if not any(block.translated for block in doc.blocks):
        return source.data
    package = _open(source.data, source.name)
    paragraphs = _paragraphs(package)
    if len(paragraphs) != len(doc.blocks) or any(
        p[2].text != b.text for p, b in zip(paragraphs, doc.blocks)
    ):
        raise InputError(f"document {doc.id or '-'}: its blocks no longer match the DOCX it was read from")
    broken = 0
    for (element, inline, _, base_rpr), block in zip(paragraphs, doc.blocks):
        if not block.translated:
            continue
        restored = restore(
            block.output_text(), inline, segments=segment_ranges(block), broken="segment", exclusive=_LINK
        )
        broken += len(restored.broken)
        _rewrite(element, inline.prefix + restored.pieces + inline.suffix, base_rpr)
    if broken:
        warnings.warn(
            FormattingWarning(
                f"{doc.meta.get('source') or doc.id or 'DOCX'}: {broken} formatted run(s) whose tags the model "
                "dropped now format their whole sentence (the report's \"restored\" lists the tags)"
            ),
            stacklevel=2,
        )
    out = io.BytesIO()
    package.save(out)
    return out.getvalue()


def _rewrite(paragraph: Any, pieces: list[Piece], base_rpr: Any) -> None:
    """Replace the paragraph's content by runs for ``pieces``; pPr and place markers stay."""
    starts: list[Any] = []
    ends: list[Any] = []
    for child in list(paragraph):
        local = _local(child)
        if local == "pPr":
            continue
        inner = [child] if local != "smartTag" else [e for e in child.iter() if e is not child]
        for marker in (e for e in inner if isinstance(e.tag, str) and _is_marker(_local(e))):
            (starts if _local(marker).endswith("Start") else ends).append(marker)
        paragraph.remove(child)
    for marker in starts:
        paragraph.append(marker)
    links: list[tuple[int, Any, Any]] = []  # the links open: (id, w:hyperlink, its untagged text's w:rPr)
    formats: list[Any] = []  # the w:rPr of each formatting element open
    container, container_rpr = paragraph, base_rpr

    def reopen() -> None:
        """Fill the innermost open link from here on (a new w:hyperlink: links never nest), or the paragraph."""
        nonlocal container, container_rpr
        if links:
            _, template, container_rpr = links[-1]
            container = paragraph.makeelement(template.tag, dict(template.attrib))
            paragraph.append(container)
        else:
            container, container_rpr = paragraph, base_rpr

    for piece in pieces:
        if piece.kind == "text":
            if piece.data is not None:  # text kept at the paragraph's edge: its own formatting
                rpr = piece.data[1]
            else:
                rpr = formats[-1] if formats else container_rpr
            _put_text(container, piece.text, rpr)
            continue
        kind, what = piece.data[:2]
        if piece.kind == "empty":
            _put_object(container, paragraph, piece)
        elif kind == "link" and piece.kind == "open":
            links.append((piece.id, what, piece.data[2]))
            reopen()
        elif kind == "link":
            links = [link for link in links if link[0] != piece.id]
            reopen()
        elif piece.kind == "open":
            formats.append(what)
        elif formats:
            formats.pop()
    for child in list(paragraph):
        if _local(child) == "hyperlink" and len(child) == 0:
            paragraph.remove(child)  # a link opened and left with nothing in it
    for marker in ends:
        paragraph.append(marker)


def _put_text(container: Any, text: str, rpr: Any) -> None:
    """Append a run holding ``text`` (tabs, line breaks and special hyphens as their elements)."""
    if not text:
        return
    run = container.makeelement(_w("r"), {})
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            t = run.makeelement(_w("t"), {})
            t.text = "".join(buffer)
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(t)
            buffer.clear()

    for char in text:
        if char == "\n":
            flush()
            run.append(run.makeelement(_w("br"), {}))
        elif char in _CHAR_ELEMENTS:
            flush()
            run.append(run.makeelement(_w(_CHAR_ELEMENTS[char]), {}))
        else:
            buffer.append(char)
    flush()
    container.append(run)


def _put_object(container: Any, paragraph: Any, piece: Piece) -> None:
    """Put back what an empty piece stands for (its original elements, moved)."""
    kind, what = piece.data
    if kind == "literal":  # text shaped like a tag
        _put_text(container, piece.text, what[1] if isinstance(what, tuple) else None)
        return
    if kind != "object":  # a formatting or link tag without its partner: nothing to put back
        return
    run: _Run = what
    if run.level == "paragraph":
        for element in run.elements:
            paragraph.append(element)
    elif run.level == "field":
        for inner in run.elements:
            _put_run(container, inner)
    else:
        _put_run(container, run)


def _put_run(container: Any, run: _Run) -> None:
    if run.text is not None:
        _put_text(container, run.text, run.rpr)
        return
    for element in run.elements:
        new_run = container.makeelement(_w("r"), {})
        if run.rpr is not None:
            new_run.append(copy.deepcopy(run.rpr))
        new_run.append(element)
        container.append(new_run)
