"""Gettext PO and POT files, read and filled in through translate-toolkit's PO store.

Each entry's ``msgid`` becomes a Block (an entry with ``msgid_plural`` gives
two: the singular and the plural text). Rendering writes the translations
into ``msgstr``: for a target language with two plural forms (English)
``msgstr[0]`` is the singular's translation and ``msgstr[1]`` the plural's;
for one with a single form (Korean) ``msgstr[0]`` is the plural's
translation, which reads right for every number. The header gets the target
``Language``, its ``Plural-Forms`` (``nplurals=2; plural=(n != 1);`` for
English, ``nplurals=1; plural=0;`` for Korean) and UTF-8; a template's fuzzy
header mark is taken off, so a POT becomes a PO.

An entry whose translation came from a fuzzy memory match (``tm-fuzzy``) is
flagged ``fuzzy``; the engine's and exact matches clear the flag. Left as
they are: the header's other fields, ``msgctxt``, every comment, reference
and flag, obsolete (``#~``) entries, and entries already translated and not
fuzzy. Leading and trailing white space (a final ``\\n``) is kept around the
translation; printf and Python format placeholders (``%s``, ``%(name)d``,
``{0}``), markup tags, URLs and e-mail addresses are protected spans.

A syntax error is one InputError naming the file and line. Rendering a
Document with nothing translated gives its input bytes back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bilingual.document import Block, BlockKind, Document
from bilingual.errors import InputError
from bilingual.formats.languages import LANGUAGES_KEY, check_direction, primary
from bilingual.formats.spans import merge_spans, url_and_email_spans

__all__ = ["PLURAL_FORMS", "parse", "render"]

# Plural-Forms header of each target language bilingual translates into.
PLURAL_FORMS = {"en": (2, "nplurals=2; plural=(n != 1);"), "ko": (1, "nplurals=1; plural=0;")}

_FORMAT = re.compile(
    r"%(?:\([^)\s]+\))?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlLqjzt]*[diouxXeEfFgGcrsa%]"  # printf / Python %
    r"|\{[A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}"  # str.format / ICU-style {name}
    r"|</?[A-Za-z][^<>]*>"  # markup tags
)


@dataclass
class _Slot:
    """Where Blocks' translations go: one entry, its singular and (for plurals) plural Block."""

    unit: Any  # translate-toolkit pounit
    singular: Block
    plural: Block | None = None


@dataclass
class PoFile:
    """The parsed file a Document of this format carries in ``Document.container``."""

    store: Any  # translate-toolkit pofile
    original: bytes
    template: bool
    slots: list[_Slot] = field(default_factory=list)
    name: str = "<input>"


def parse(data: bytes, *, id: str | None = None, name: str = "<input>") -> list[Document]:
    """One Document for a PO or POT file; InputError for a syntax error."""
    store = _load_store(data, name)
    header = store.parseheader()
    language = (header.get("Language") or "").strip()
    source_language = (header.get("X-Source-Language") or "").strip()
    template = not language or name.lower().endswith(".pot")
    container = PoFile(store=store, original=data, template=template, name=name)
    blocks: list[Block] = []
    for unit in store.units:
        if unit.isheader() or unit.isobsolete() or (unit.istranslated() and not unit.isfuzzy()):
            continue
        if unit.hasplural():
            singular_text, plural_text = unit.source.strings[0], unit.source.strings[1]
        else:
            singular_text, plural_text = str(unit.source), None
        singular = _block(singular_text)
        plural = _block(plural_text) if plural_text is not None else None
        if not singular.translatable and (plural is None or not plural.translatable):
            continue
        blocks.append(singular)
        if plural is not None:
            blocks.append(plural)
        container.slots.append(_Slot(unit=unit, singular=singular, plural=plural))
    doc = Document(blocks=blocks, id=id, format="po", container=container)
    doc.meta[LANGUAGES_KEY] = (source_language or None, language or None)
    return [doc]


def render(doc: Document) -> bytes:
    """The file with each translated entry's ``msgstr`` filled in and the header updated."""
    container = doc.container
    if not isinstance(container, PoFile):
        raise InputError(f"{doc.id or '<document>'}: this document was not read from a PO file")
    translated = [s for s in container.slots if s.singular.translated or (s.plural is not None and s.plural.translated)]
    if not translated:
        return container.original
    target_lang = doc.target_lang or "en"
    if doc.source_lang:
        check_direction(doc, doc.source_lang, target_lang, name=container.name)
    nplurals, plural_forms = PLURAL_FORMS.get(primary(target_lang), PLURAL_FORMS["en"])
    _update_header(container, target_lang, plural_forms)
    for slot in translated:
        _fill(slot, nplurals)
    out: bytes = bytes(container.store)
    return out


def _load_store(data: bytes, name: str) -> Any:
    from translate.storage.poparser import PoParseError
    from translate.storage.pypo import pofile

    try:
        return pofile.parsestring(data)
    except PoParseError as exc:
        raise InputError(f"{name}: not a valid PO file: {exc}") from None
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(f"{name}: cannot decode this PO file with the charset its header names: {exc}") from None


def _block(text: str) -> Block:
    """A Block of one msgid: leading and trailing white space kept aside, placeholders protected."""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    prefix, suffix = text[:lead], text[lead + len(stripped):]
    spans = [(m.start(), m.end()) for m in _FORMAT.finditer(stripped)]
    spans = merge_spans(sorted(spans + url_and_email_spans(stripped)))
    return Block(BlockKind.PARAGRAPH, stripped, prefix=prefix, suffix=suffix, protected=spans)


def _output(block: Block) -> str:
    return block.prefix + block.output_text() + block.suffix if block.translated else ""


def _fill(slot: _Slot, nplurals: int) -> None:
    unit = slot.unit
    if slot.plural is not None:
        singular, plural = _output(slot.singular), _output(slot.plural)
        unit.target = [plural or singular] if nplurals == 1 else [singular, *([plural] * (nplurals - 1))]
        blocks = [slot.singular, slot.plural]
    else:
        unit.target = _output(slot.singular)
        blocks = [slot.singular]
    fuzzy = any(s.origin == "tm-fuzzy" for b in blocks for s in b.segments if s.translation is not None)
    unit.markfuzzy(fuzzy)


def _update_header(container: PoFile, target_lang: str, plural_forms: str) -> None:
    store = container.store
    header = store.parseheader()
    fields: dict[str, str] = {}
    if not (header.get("Language") or "").strip():
        fields["Language"] = target_lang
    fields["Plural_Forms"] = plural_forms
    if "CHARSET" in (header.get("Content-Type") or "CHARSET"):
        fields["Content_Type"] = "text/plain; charset=UTF-8"
    store.updateheader(add=True, **fields)
    head = store.header()
    if container.template and head is not None and head.isfuzzy():
        head.markfuzzy(False)
