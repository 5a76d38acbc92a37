"""TMX files in and out of the translation memory, through translate-toolkit.

Reading takes what other tools write: languages as ``xml:lang`` or the old
``lang`` attribute, in any case and with regions (``ko-KR``, ``KO``,
``ko_KR`` are Korean), units with more than two ``<tuv>`` in any order, a
header ``srclang`` of ``*all*``, ``<note>`` and ``<prop>`` elements (kept as
the entry's note). Each unit gives one entry per direction the caller asks
for (Korean→English by default: the unit's Korean and English variants).
Inline markup inside ``<seg>`` (``<bpt>``, ``<ph>``…) is read as its text.
The file is parsed without entity expansion or network access, and a
document type that declares entities is refused (XXE, billion laughs); the
usual ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">`` is allowed and never loaded.
``bilingual corpus new --tmx`` reads its pairs through :func:`read_tmx_units` too.

Writing makes TMX 1.4 with ``srclang`` set to the source language, one
``<tu>`` per entry, its origin as a ``<prop type="x-bilingual-origin">``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.errors import InputError
from bilingual.memory.store import TMEntry
from bilingual.text.encoding import read_bytes

__all__ = ["TMXUnit", "read_tmx", "read_tmx_units", "render_tmx"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ORIGIN_PROP = "x-bilingual-origin"


def _check_safe(data: bytes, name: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "parse error"
        raise InputError(f"{name}: not well-formed XML: {first}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{name}: the document type declares entities, which are refused (XXE, entity expansion)")
    if etree.QName(root).localname != "tmx":
        raise InputError(f"{name}: not a TMX file (the root element is <{etree.QName(root).localname}>)")
    return root


def _language(node: Any) -> str:
    code = node.get(_XML_LANG) or node.get("lang") or ""
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


_CODES = {"bpt", "ept", "ph", "it", "ut"}  # inline codes: their content is the other tool's markup, not text


def _text(node: Any) -> str | None:
    """A ``<tuv>``'s ``<seg>`` text on one line; None without a ``<seg>``."""
    from lxml import etree

    seg = next((child for child in node if etree.QName(child).localname == "seg"), None)
    return None if seg is None else " ".join(_seg_text(seg, etree).split())


def _seg_text(element: Any, etree: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        if etree.QName(child).localname not in _CODES:
            parts.append(_seg_text(child, etree))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass(frozen=True)
class TMXUnit:
    """One ``<tu>``: the text of its first variant (``<tuv>`` with a ``<seg>``) of each language, by primary
    subtag (whitespace runs made one space, inline codes left out), and its notes and props."""

    texts: dict[str, str]
    notes: tuple[str, ...] = ()


def read_tmx_units(data: bytes, name: str) -> Iterator[TMXUnit]:
    """The units of the TMX document ``data`` (``name`` starts each error message).

    Raises InputError for XML that is not well formed, a document type that declares entities, or a
    root element other than ``<tmx>``; nothing is yielded before the whole file has parsed."""
    from lxml import etree

    root = _check_safe(data, name)
    for tu in root.iter("{*}tu", "tu"):
        texts: dict[str, str] = {}
        notes = []
        for child in tu:
            kind = etree.QName(child).localname
            if kind == "tuv":
                lang = _language(child)
                text = _text(child)
                if lang and lang not in texts and text is not None:
                    texts[lang] = text
            elif kind in ("note", "prop") and (child.text or "").strip():
                label = child.get("type")
                if label == _ORIGIN_PROP:
                    continue
                notes.append(f"{label}: {child.text.strip()}" if label else child.text.strip())
        yield TMXUnit(texts, tuple(notes))


def read_tmx(
    path: str | os.PathLike[str], *, source_lang: str = "ko", target_lang: str = "en", origin: str | None = None
) -> Iterator[TMEntry]:
    """The ``source_lang``→``target_lang`` entries of a TMX file (units lacking either side are skipped)."""
    name = str(path)
    label = origin if origin is not None else f"tmx:{Path(path).name}"
    for unit in read_tmx_units(read_bytes(path, what="TMX"), f"TMX {name}"):
        source, target = unit.texts.get(source_lang, ""), unit.texts.get(target_lang, "")
        if source and target:
            yield TMEntry(source, target, source_lang, target_lang, origin=label, note="; ".join(unit.notes))


def render_tmx(entries: Iterable[TMEntry], *, source_lang: str) -> bytes:
    """A TMX 1.4 file of ``entries`` (translate-toolkit's writer)."""
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=source_lang)
    store.addheader()
    for entry in entries:
        unit = store.addsourceunit(entry.source, entry.source_lang)
        unit.settarget(entry.target, entry.target_lang, append=True)
        if entry.note:
            unit.addnote(entry.note)
        if entry.origin:
            from lxml import etree

            prop = etree.Element(unit.namespaced("prop"), type=_ORIGIN_PROP)
            prop.text = entry.origin
            unit._insert_element_before(prop, unit.namespaced("tuv"))
    return bytes(store)
