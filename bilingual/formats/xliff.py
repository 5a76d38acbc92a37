"""XLIFF 1.2 and 2.0 files, read and filled in through translate-toolkit's stores.

Each translatable ``<trans-unit>`` (1.2) or ``<segment>`` of a ``<unit>``
(2.0, where a unit may hold several segments) becomes one Block whose text is
its ``<source>``; rendering writes each translated Block into the unit's
``<target>`` and sets its state:

============================  =======================================  ==========================================
translation came from         XLIFF 1.2 ``<target>``                   XLIFF 2.0 ``<segment>``
============================  =======================================  ==========================================
the engine (``mt``)           ``state="translated"``,                  ``state="translated"``,
                              ``state-qualifier="mt-suggestion"``      ``subState="bilingual:mt"``
memory, exact (``tm-exact``)  ``state="translated"``,                  ``state="translated"``,
                              ``state-qualifier="exact-match"``        ``subState="bilingual:tm-exact"``
memory, fuzzy (``tm-fuzzy``)  ``state="needs-review-translation"``,    ``state="initial"``,
                              ``state-qualifier="fuzzy-match"``        ``subState="bilingual:tm-fuzzy"``
============================  =======================================  ==========================================

(XLIFF 2.0 has no review-needed state; ``initial`` with a target is what
translate-toolkit and other tools read as fuzzy.) A Block with any fuzzy
segment gets the fuzzy state.

Left as they are: units with ``translate="no"`` (on the unit or an enclosing
group or file), targets already approved (1.2: ``approved="yes"`` or state
``final``/``signed-off``; 2.0: state ``reviewed``/``final``), notes, ids,
every other attribute and element. Other existing targets are replaced.

Inline codes stay through translation: paired codes whose content is text
(1.2 ``<g>``, 2.0 ``<pc>``, ``<mrk>`` unless protected) become an opening and a
closing token around their text, every other inline element (``<x/>``,
``<bx/>``, ``<ph>``, ``<bpt>``, ``<sc/>``, ...) one token kept verbatim; the
tokens are protected spans (``Block.protected``), so the model sees
placeholders. The target gets copies of the source's elements in the order
the translation puts the tokens; when that order is not well nested (or a
closing ``<ec/>``/``<ex/>``/``<ept>`` comes before its opening code), the
target is the translated text followed by every code in source order.

The XML is parsed with entity expansion and network access off; a document
type declaration that declares entities or names an external DTD (XXE,
billion laughs) is refused, as is malformed XML: one InputError each.
Rendering a Document with nothing translated gives its input bytes back.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from bilingual.document import Block, BlockKind, Document, Segment
from bilingual.errors import InputError
from bilingual.formats.languages import LANGUAGES_KEY, check_direction

__all__ = ["XLIFF12_NS", "XLIFF2_NS", "parse", "render", "xliff_version"]

XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SUBSTATE_PREFIX = "bilingual"

# Inline elements whose content is translatable text (the rest are kept whole).
_PAIRED = {"1.2": frozenset({"g", "mrk"}), "2.0": frozenset({"pc", "mrk"})}
_APPROVED_12 = frozenset({"final", "signed-off"})
_APPROVED_20 = frozenset({"reviewed", "final"})
_STATES_12 = {
    "mt": ("translated", "mt-suggestion"),
    "tm-exact": ("translated", "exact-match"),
    "tm-fuzzy": ("needs-review-translation", "fuzzy-match"),
}
_STATES_20 = {"mt": "translated", "tm-exact": "translated", "tm-fuzzy": "initial"}


@dataclass
class _Code:
    """One inline code of a source: its token in the Block text and the element it stands for."""

    token: str
    kind: str  # "open", "close" or "whole"
    element: Any  # lxml element (for "open"/"whole"); None for "close"
    pair: int = -1  # for "open"/"close": the index of the other half in the code list
    after: int = -1  # for a "whole" closing code (<ec/>, <ex/>, <ept>): the index of its opening code


@dataclass
class _Slot:
    """Where one Block's translation goes: the unit, its source element and its codes."""

    block: Block
    unit: Any  # translate-toolkit unit (xliffunit / Xliff2Unit)
    codes: list[_Code] = field(default_factory=list)


@dataclass
class XliffFile:
    """The parsed file a Document of this format carries in ``Document.container``."""

    version: str  # "1.2" or "2.0"
    store: Any  # translate-toolkit xlifffile / Xliff2File
    original: bytes
    slots: list[_Slot] = field(default_factory=list)
    name: str = "<input>"


def xliff_version(root: Any) -> str:
    """"1.2" or "2.0" for an ``<xliff>`` root element; InputError for anything else."""
    from lxml import etree

    qname = etree.QName(root)
    if qname.localname != "xliff":
        raise InputError(f"the root element is <{qname.localname}>, not <xliff>")
    version = (root.get("version") or "").strip()
    namespace = qname.namespace or ""
    if version.startswith("2.") or (not version and namespace == XLIFF2_NS):
        return "2.0"
    if version.startswith("1.") or (not version and namespace == XLIFF12_NS):
        return "1.2"
    raise InputError(f"XLIFF version {version or '(none)'} is not supported: use 1.2 or 2.0")


def parse(data: bytes, *, id: str | None = None, name: str = "<input>") -> list[Document]:
    """One Document for an XLIFF 1.2 or 2.0 file; InputError for malformed or unsafe XML."""
    root = _safe_root(data, name)
    try:
        version = xliff_version(root)
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    store = _load_store(data, version, name)
    container = XliffFile(version=version, store=store, original=data, name=name)
    blocks: list[Block] = []
    for unit in store.units:
        if not _translatable(unit) or _approved(unit, version):
            continue
        source = unit.source_dom
        if source is None:
            continue
        text, spans, codes = _read_inline(source, version)
        block = _block(text, spans)
        if block is None or not block.translatable:
            continue
        blocks.append(block)
        container.slots.append(_Slot(block=block, unit=unit, codes=codes))
    doc = Document(blocks=blocks, id=id, format="xliff", container=container)
    doc.meta[LANGUAGES_KEY] = _declared(store, version, root)
    return [doc]


def render(doc: Document) -> bytes:
    """The file with each translated Block's target filled in and its state set."""
    container = doc.container
    if not isinstance(container, XliffFile):
        raise InputError(f"{doc.id or '<document>'}: this document was not read from an XLIFF file")
    translated = [slot for slot in container.slots if slot.block.translated]
    if not translated:
        return container.original
    if doc.source_lang and doc.target_lang:
        check_direction(doc, doc.source_lang, doc.target_lang, name=container.name)
        _set_target_language(container, doc.target_lang)
    for slot in translated:
        _fill_target(slot, container.version, doc.target_lang)
    out: bytes = bytes(container.store)
    return out


def _safe_root(data: bytes, name: str) -> Any:
    """The parsed root element, refusing entity declarations, external DTDs and malformed XML."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: not well-formed XML: {_first_line(str(exc))}") from None
    if root is None:
        raise InputError(f"{name}: no XML document in this file")
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{name}: the document type declares entities, which are refused (XXE, entity expansion)")
    if docinfo.system_url or docinfo.public_id:
        raise InputError(f"{name}: the document type names an external DTD, which is refused")
    return root


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "parse error"


def _load_store(data: bytes, version: str, name: str) -> Any:
    from lxml import etree

    try:
        if version == "2.0":
            from translate.storage.xliff2 import Xliff2File

            return Xliff2File.parsestring(data)
        from translate.storage.xliff import xlifffile

        return xlifffile.parsestring(data)
    except (etree.XMLSyntaxError, ValueError, AssertionError) as exc:
        raise InputError(f"{name}: not a valid XLIFF {version} file: {_first_line(str(exc))}") from None


def _declared(store: Any, version: str, root: Any) -> tuple[str | None, str | None]:
    """The (source, target) languages the file declares; None where it is silent or files disagree."""
    if version == "2.0":
        return root.get("srcLang") or None, root.get("trgLang") or None
    sources = {f.get("source-language") for f in _file_nodes(store) if f.get("source-language")}
    targets = {f.get("target-language") for f in _file_nodes(store) if f.get("target-language")}
    return (sources.pop() if len(sources) == 1 else None), (targets.pop() if len(targets) == 1 else None)


def _file_nodes(store: Any) -> list[Any]:
    root = store.document.getroot()
    return list(root.iterchildren(store.namespaced("file")))


def _set_target_language(container: XliffFile, target_lang: str) -> None:
    if container.version == "2.0":
        root = container.store.document.getroot()
        if not root.get("trgLang"):
            root.set("trgLang", target_lang)
        return
    for file_node in _file_nodes(container.store):
        if not file_node.get("target-language"):
            file_node.set("target-language", target_lang)


def _translatable(unit: Any) -> bool:
    """False when the unit, or the nearest enclosing element that says, has ``translate="no"``."""
    node = unit.xmlelement
    while node is not None:
        value = node.get("translate")
        if value is not None:
            return value.strip().lower() != "no"
        node = node.getparent()
    return True


def _approved(unit: Any, version: str) -> bool:
    target = unit.get_target_dom()
    if target is None or not "".join(target.itertext()).strip():
        return False
    if version == "2.0":
        return (unit.xmlelement.get("state") or "") in _APPROVED_20
    if (unit.xmlelement.get("approved") or "").strip().lower() == "yes":
        return True
    return (target.get("state") or "") in _APPROVED_12


def _local(element: Any) -> str:
    from lxml import etree

    if not isinstance(element.tag, str):
        return ""
    return etree.QName(element).localname


def _paired(element: Any, version: str) -> bool:
    """An inline element whose content is translated (the rest are kept whole)."""
    from lxml import etree

    if not isinstance(element.tag, str):
        return False
    namespace = etree.QName(element).namespace
    if namespace not in (XLIFF12_NS, XLIFF2_NS, None) or _local(element) not in _PAIRED[version]:
        return False
    if _local(element) == "mrk":
        if (element.get("mtype") or "") == "protected" or (element.get("translate") or "").lower() == "no":
            return False
    return True


def _read_inline(source: Any, version: str) -> tuple[str, list[tuple[int, int]], list[_Code]]:
    """The text of a ``<source>`` with a token for each inline code, the tokens' spans, and the codes.

    Tokens read ``<g1>``, ``</g1>``, ``<x3/>`` (a letter and the code's number, the form the HTML and
    DOCX readers' tags take); in the rare source whose own text holds such a
    string, they get a ``#`` (``<g1#>``) until none of them occurs in the text.
    """
    marker = ""
    while True:
        text, spans, codes, plain = _tokenize(source, version, marker)
        if not any(code.token in plain for code in codes):
            _link_spanning(codes, version)
            return text, spans, codes
        marker += "#"


def _letter(element: Any) -> str:
    """The token letter of an inline element: the first of its name (``g``, ``x``, ``p`` for
    ``<pc>``/``<ph>``), ``x`` for comments and names that do not start with a-z."""
    first = _local(element)[:1].lower()
    return first if "a" <= first <= "z" else "x"


def _tokenize(source: Any, version: str, marker: str) -> tuple[str, list[tuple[int, int]], list[_Code], str]:
    """(text with tokens, the tokens' spans, the codes, the text alone joined by line breaks)."""
    plain: list[str] = []
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    codes: list[_Code] = []
    length = 0

    def text(value: str | None) -> None:
        nonlocal length
        if value:
            parts.append(value)
            plain.append(value)
            length += len(value)

    def token(code: _Code) -> None:
        nonlocal length
        codes.append(code)
        parts.append(code.token)
        spans.append((length, length + len(code.token)))
        length += len(code.token)

    def walk(element: Any) -> None:
        text(element.text)
        for child in element:
            number = len(codes) + 1
            name = _letter(child)
            if _paired(child, version):
                opening = len(codes)
                token(_Code(f"<{name}{number}{marker}>", "open", child))
                walk(child)
                codes[opening].pair = len(codes)
                token(_Code(f"</{name}{number}{marker}>", "close", None, pair=opening))
            else:
                token(_Code(f"<{name}{number}{marker}/>", "whole", child))
            text(child.tail)

    walk(source)
    return "".join(parts), spans, codes, "\n".join(plain)


# Standalone codes that open and close a span between them: (opening, closing, the closing
# code's attribute naming the opening one, the opening code's attribute it names).
_SPANNING = {
    "1.2": (("bx", "ex", "rid", "rid"), ("bpt", "ept", "rid", "rid"), ("bpt", "ept", "id", "id")),
    "2.0": (("sc", "ec", "startRef", "id"), ("sm", "em", "startRef", "id")),
}


def _link_spanning(codes: list[_Code], version: str) -> None:
    """Point each closing standalone code at its opening one, which must stay before it."""
    for opening, closing, ref, key in _SPANNING[version]:
        openers = {
            code.element.get(key): i
            for i, code in enumerate(codes)
            if code.kind == "whole" and _local(code.element) == opening and code.element.get(key)
        }
        for code in codes:
            if code.kind == "whole" and code.after < 0 and _local(code.element) == closing:
                target = openers.get(code.element.get(ref) or "")
                if target is not None:
                    code.after = target


def _block(text: str, spans: list[tuple[int, int]]) -> Block | None:
    """A Block of the source text, leading and trailing white space kept aside; None when blank."""
    stripped = text.strip()
    if not stripped:
        return None
    lead = len(text) - len(text.lstrip())
    prefix, suffix = text[:lead], text[lead + len(stripped):]
    shifted = [(s - lead, e - lead) for s, e in spans]
    return Block(BlockKind.PARAGRAPH, stripped, prefix=prefix, suffix=suffix, protected=shifted, soft_breaks=True)


def _origin(segments: list[Segment]) -> str:
    """The Block's provenance for its state: fuzzy if any segment is, else exact if all are, else mt."""
    origins = {s.origin or "mt" for s in segments if s.translation is not None}
    if "tm-fuzzy" in origins:
        return "tm-fuzzy"
    if origins == {"tm-exact"}:
        return "tm-exact"
    return "mt"


def _fill_target(slot: _Slot, version: str, target_lang: str | None) -> None:
    from lxml import etree

    unit = slot.unit
    source = unit.source_dom
    target = unit.get_target_dom()
    if target is None:
        namespace = etree.QName(source).namespace
        target = etree.Element(etree.QName(namespace, "target").text)
        segmented = source.getnext()  # 1.2: a <seg-source> comes between <source> and <target>
        anchor = segmented if segmented is not None and _local(segmented) == "seg-source" else source
        anchor.addnext(target)
        target.tail = anchor.tail
    target.text = None
    for child in list(target):
        target.remove(child)
    block = slot.block
    _write_inline(target, block.prefix + block.output_text() + block.suffix, slot.codes)
    origin = _origin(block.segments)
    if version == "2.0":
        unit.xmlelement.set("state", _STATES_20[origin])
        unit.xmlelement.set("subState", f"{SUBSTATE_PREFIX}:{origin}")
    else:
        state, qualifier = _STATES_12[origin]
        target.set("state", state)
        target.set("state-qualifier", qualifier)
        if target_lang and target.get(f"{{{XML_NS}}}lang") is None and source.get(f"{{{XML_NS}}}lang"):
            target.set(f"{{{XML_NS}}}lang", target_lang)
    unit._rich_target = None  # translate-toolkit caches the target it last read


def _write_inline(target: Any, text: str, codes: list[_Code]) -> None:
    """Fill ``target`` with ``text``, each code token replaced by a copy of its element."""
    if not codes:
        target.text = text
        return
    by_token = {code.token: i for i, code in enumerate(codes)}
    pattern = re.compile("|".join(re.escape(c.token) for c in sorted(codes, key=lambda c: -len(c.token))))
    pieces: list[str | int] = []
    pos = 0
    for match in pattern.finditer(text):
        pieces.append(text[pos : match.start()])
        pieces.append(by_token[match.group()])
        pos = match.end()
    pieces.append(text[pos:])
    if not _well_nested([p for p in pieces if isinstance(p, int)], codes):
        plain = re.sub(r"(?<=\S) {2,}(?=\S)", " ", "".join(p for p in pieces if isinstance(p, str)))
        body = plain.rstrip()
        pieces = [body, *range(len(codes)), plain[len(body):]]
    stack = [target]
    for piece in pieces:
        if isinstance(piece, str):
            _append_text(stack[-1], piece)
            continue
        code = codes[piece]
        if code.kind == "close":
            closed = stack.pop()
            if len(closed) == 0 and closed.text is not None and not closed.text.strip():
                closed.text = None  # only the spaces put around a code the model dropped
            continue
        if code.kind == "whole":
            element = copy.deepcopy(code.element)
        else:
            element = copy.deepcopy(code.element)
            element.text = None
            for child in list(element):
                element.remove(child)
        element.tail = None
        stack[-1].append(element)
        if code.kind == "open":
            stack.append(element)


def _well_nested(order: list[int], codes: list[_Code]) -> bool:
    """Every code exactly once, each closing token after its opening one, pairs properly nested."""
    if sorted(order) != list(range(len(codes))):
        return False
    stack: list[int] = []
    seen: set[int] = set()
    for index in order:
        code = codes[index]
        seen.add(index)
        if code.after >= 0 and code.after not in seen:
            return False
        if code.kind == "open":
            stack.append(index)
        elif code.kind == "close":
            if not stack or stack.pop() != code.pair:
                return False
    return not stack


def _append_text(parent: Any, text: str) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
