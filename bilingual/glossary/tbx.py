"""TBX (ISO 30042) glossaries through translate-toolkit's ``translate.storage.tbx``.

One canonical row is one ``termEntry`` with a ``ko`` and an ``en`` ``langSet``:

* the first Korean ``tig`` is the canonical Korean term, further Korean ``tig``\\ s
  are the other forms (``administrativeStatus`` = ``admittedTerm-admn-sts``);
* the first English ``tig`` is the English term; its ``administrativeStatus``
  carries the row status (approved = ``preferredTerm-admn-sts``, forbidden =
  ``deprecatedTerm-admn-sts``, deprecated = ``supersededTerm-admn-sts``); further
  English ``tig``\\ s are the wrong renderings (``deprecatedTerm-admn-sts``);
* ``kind`` is a concept-level ``<descrip type="x-kind">`` and ``note`` a
  concept-level ``<note>`` (TBX has no native field for either);
* ``#`` comments and blank lines of the canonical file become XML comments in
  place, so canonical -> TBX -> canonical keeps them too.
"""

from __future__ import annotations

from lxml import etree

from bilingual.errors import GlossaryError
from bilingual.glossary.terms import KINDS, Comment, Glossary, Term

STATUS_TO_TBX = {
    "approved": "preferredTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
    "deprecated": "supersededTerm-admn-sts",
}
TBX_TO_STATUS = {value: key for key, value in STATUS_TO_TBX.items()}
FORM_STATUS = "admittedTerm-admn-sts"
WRONG_STATUS = "deprecatedTerm-admn-sts"
_WRONGISH = {"deprecatedterm-admn-sts", "supersededterm-admn-sts", "deprecated", ""}
_PREAMBLE = "bilingual-preamble:"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _store_class():
    try:
        from translate.storage.tbx import tbxfile
    except ImportError as exc:  # a declared dependency; say how to get it back
        raise GlossaryError("TBX needs translate-toolkit: pip install 'translate-toolkit>=3.13'") from exc
    return tbxfile


def _lang_set(unit, lang: str):
    for node in unit.xmlelement.findall(unit.namespaced("langSet")):
        code = (node.get(_XML_LANG) or node.get("lang") or "").lower()
        if code == lang or code.startswith(lang + "-") or code.startswith(lang + "_"):
            return node
    return None


def _set_statuses(unit, lang: str, statuses: list[str]) -> None:
    lang_set = _lang_set(unit, lang)
    if lang_set is None:
        return
    for tig, status in zip(lang_set.findall(unit.namespaced("tig")), statuses, strict=False):
        for old in tig.findall(unit.namespaced("termNote")):
            if old.get("type") == "administrativeStatus":
                tig.remove(old)
        if status:
            note = etree.SubElement(tig, unit.namespaced("termNote"))
            note.set("type", "administrativeStatus")
            note.text = status


def _comment_text(comment: Comment) -> str:
    # "--" may not appear in an XML comment: a backslash goes before every "-" that
    # follows a "-", and before a backslash, so the canonical text comes back exactly.
    out: list[str] = []
    previous = ""
    for ch in comment.text:
        if ch == "\\" or (ch == "-" and previous == "-"):
            out.append("\\")
        out.append(ch)
        previous = ch
    return " " + "".join(out) + " "


def _comment_value(text: str) -> str:
    text = text[1:-1] if text.startswith(" ") and text.endswith(" ") else text
    out: list[str] = []
    escaped = False
    for ch in text:
        if ch == "\\" and not escaped:
            escaped = True
            continue
        out.append(ch)
        escaped = False
    return "".join(out)


def dump_tbx(glossary: Glossary) -> str:
    tbxfile = _store_class()
    store = tbxfile(sourcelanguage="ko", targetlanguage="en")
    for entry in glossary.entries:
        if isinstance(entry, Comment):
            store.body.append(etree.Comment(_comment_text(entry)))
            continue
        unit = store.addsourceunit(entry.korean)
        unit.set_source_terms([entry.korean, *entry.korean_forms], lang="ko")
        unit.set_target_terms([entry.english, *entry.wrong_english], lang="en")
        _set_statuses(unit, "ko", [""] + [FORM_STATUS] * len(entry.korean_forms))
        _set_statuses(unit, "en", [STATUS_TO_TBX[entry.status]] + [WRONG_STATUS] * len(entry.wrong_english))
        kind = etree.Element(unit.namespaced("descrip"))
        kind.set("type", "x-kind")
        kind.text = entry.kind
        unit.xmlelement.insert(0, kind)
        if entry.note:
            note = etree.SubElement(unit.xmlelement, unit.namespaced("note"))
            note.text = entry.note
    header = store.document.getroot().find(store.namespaced("martifHeader"))
    for comment in glossary.preamble:
        if header is not None:
            header.append(etree.Comment(_comment_text(Comment(_PREAMBLE + comment.text))))
    return bytes(store).decode("utf-8")


def parse_tbx(text: str, *, source: str = "<text>") -> Glossary:
    tbxfile = _store_class()
    try:
        store = tbxfile.parsestring(text.encode("utf-8"), sourcelanguage="ko", targetlanguage="en")
    except etree.XMLSyntaxError as exc:
        raise GlossaryError(f"{source}:{exc.lineno}: malformed TBX: {exc.msg}") from None
    except Exception as exc:  # translate-toolkit raises plain exceptions for non-TBX XML
        raise GlossaryError(f"{source}: not a TBX file: {exc}") from None
    glossary = Glossary(path=source)
    header = store.document.getroot().find(store.namespaced("martifHeader"))
    if header is not None:
        for node in header.iter(etree.Comment):
            value = _comment_value(node.text or "")
            if value.startswith(_PREAMBLE):
                glossary.preamble.append(Comment(value[len(_PREAMBLE):], node.sourceline or 0))
    units = {id(unit.xmlelement): unit for unit in store.units}
    body = store.body
    for node in body:
        if isinstance(node, etree._Comment):
            glossary.entries.append(Comment(_comment_value(node.text or ""), node.sourceline or 0))
            continue
        unit = units.get(id(node))
        if unit is None:
            continue
        glossary.entries.append(_unit_to_term(unit, node, source))
    return glossary


def _unit_to_term(unit, node, source: str) -> Term:
    line = node.sourceline or 0
    where = f"{source}:{line}"
    korean_terms = unit.get_source_terms()
    english_terms = unit.get_target_terms("en")
    if not korean_terms or not korean_terms[0].text.strip():
        raise GlossaryError(f"{where}: termEntry without a Korean (ko) term")
    if not english_terms or not english_terms[0].text.strip():
        raise GlossaryError(f"{where}: termEntry without an English (en) term")
    main_status = (english_terms[0].administrative_status or "").strip()
    status = TBX_TO_STATUS.get(main_status, "approved")
    kind = "other"
    notes: list[str] = []
    for child in node:
        if child.tag == unit.namespaced("descrip") and child.get("type") == "x-kind":
            kind = (child.text or "").strip()
        elif child.tag == unit.namespaced("note"):
            notes.append(child.text or "")
    if kind not in KINDS:
        raise GlossaryError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    wrong: list[str] = []
    also: list[str] = []
    for term in english_terms[1:]:
        if (term.administrative_status or "").strip().lower() in _WRONGISH:
            wrong.append(term.text)
        else:  # an admitted English synonym: no column for it, keep it visible in the note
            also.append(term.text)
    note = " ; ".join(notes + ([f"English also: {' | '.join(also)}"] if also else []))
    return Term(
        korean=korean_terms[0].text,
        english=english_terms[0].text,
        korean_forms=tuple(t.text for t in korean_terms[1:]),
        wrong_english=tuple(wrong),
        kind=kind,
        status=status,
        note=note,
        source=source,
        line=line,
    )
