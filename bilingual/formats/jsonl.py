"""JSON Lines: one article per line, ``{"id": ..., "title": "...", "body": "..."}``.

The title is parsed as a headline, the body as plain-text paragraphs separated
by blank lines. A translated line is the original line with only the JSON text
of the translated ``title`` and ``body`` strings replaced (written as UTF-8,
not ASCII-escaped); everything else on the line comes through byte for byte:
key order, white space, other keys, their escapes (``\\u00e9`` stays
``\\u00e9``) and numbers as written (``1e400``, ``1.10``, a 5,000-digit
integer). A field whose translation equals its source, a ``null`` field and an
article with no translation keep their original text too.

Refused, with one line naming the file and line: invalid JSON, a line that is
not an object or has neither ``title`` nor ``body``, a ``title`` or ``body``
that is not a string (or null) or that appears twice, arrays and objects
nested more than :data:`MAX_DEPTH` deep, and a ``title`` or ``body`` holding a
lone surrogate escape (``\\ud800``: not a character, so it can be neither
translated nor written as UTF-8). A lone surrogate in a field that is not
translated is kept as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Any

from bilingual.document import Document, render_block
from bilingual.errors import InputError
from bilingual.formats.spans import line_ending, split_lines
from bilingual.formats.text import parse_text

TEXT_FIELDS = ("title", "body")
# Most arrays and objects nested inside one another on a line (news records
# need a handful; Python's JSON reader recurses once per level).
MAX_DEPTH = 500


class JsonLiteral(str):
    """A JSON number or constant (``NaN``, ``Infinity``) kept as its source text."""


_DECODER = json.JSONDecoder(parse_float=JsonLiteral, parse_int=JsonLiteral, parse_constant=JsonLiteral)
_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Member:
    """One top-level ``"key": value`` of a line: the decoded value and where its JSON text is."""

    value: Any
    start: int
    end: int


def parse_jsonl(text: str, *, name: str = "<input>") -> list[Document]:
    """One Document per non-blank line; InputError naming ``name`` and the line number."""
    docs: list[Document] = []
    blank = ""  # blank lines before the next article, kept for an exact round trip
    for lineno, line in enumerate(split_lines(text), start=1):
        content = line[: len(line) - len(line_ending(line))]
        if not content.strip():
            blank += line
            continue
        doc = parse_jsonl_line(content, where=f"{name}: line {lineno}", fallback_id=f"{name}:{lineno}", eol=line_ending(line))
        doc.meta["jsonl"].update(before=blank, lineno=lineno)
        docs.append(doc)
        blank = ""
    if blank and docs:
        docs[-1].meta["jsonl"]["after"] = blank
    return docs


def parse_jsonl_line(
    content: str,
    *,
    where: str,
    fallback_id: str,
    eol: str = "\n",
    fields: tuple[str, str] = TEXT_FIELDS,
    id_key: str = "id",
) -> Document:
    """One JSON Lines article: ``content`` is the line without its line ending ``eol``.

    ``fields`` names the title and body keys (default ``title``, ``body``) and
    ``id_key`` the id key; :func:`render_jsonl` writes the line back with only
    those two strings replaced. InputError naming ``where`` for a line that is refused.
    """
    members = _load_members(content, where, fields)
    blocks = []
    counts = {}
    for key, headline in zip(fields, (True, False)):
        member = members.get(key)
        field_doc = parse_text(member.value if member and member.value else "", headline=headline)
        counts[key] = len(field_doc.blocks)
        blocks.extend(field_doc.blocks)
    meta = {
        "jsonl": {
            "members": members,
            "line": content,
            "eol": eol,
            "before": "",
            "after": "",
            "blocks": counts,
            "fields": fields,
        }
    }
    return Document(blocks=blocks, id=_doc_id(members, content, fallback_id, id_key), format="jsonl", meta=meta)


def render_jsonl(doc: Document) -> str:
    info = doc.meta.get("jsonl")
    if info is None:  # a Document built elsewhere: write its text as the body
        body = "".join(render_block(b) for b in doc.blocks)
        record = {"id": doc.id, "title": "", "body": body}
        return json.dumps(record, ensure_ascii=False) + "\n"
    line = info["line"]
    if any(b.translated for b in doc.blocks):
        replaced: list[tuple[_Member, str]] = []
        start = 0
        for key in info.get("fields", TEXT_FIELDS):
            count = info["blocks"][key]
            member = info["members"].get(key)
            rendered = "".join(render_block(b) for b in doc.blocks[start : start + count])
            start += count
            if member is not None and member.value is not None and rendered != member.value:
                replaced.append((member, json.dumps(rendered, ensure_ascii=False)))
        pieces = []
        pos = 0
        for member, text in sorted(replaced, key=lambda r: r[0].start):
            pieces += [line[pos : member.start], text]
            pos = member.end
        line = "".join(pieces) + line[pos:]
    return info["before"] + line + info["eol"] + info["after"]


def _load_members(content: str, where: str, fields: tuple[str, str] = TEXT_FIELDS) -> dict[str, _Member]:
    """The line's top-level members by key (the last of a repeated key, as JSON readers do)."""
    _check_depth(content, where)
    try:
        record = _DECODER.decode(content)
    except json.JSONDecodeError as err:
        raise InputError(f"{where}: not valid JSON ({err.msg} at column {err.colno})") from None
    except RecursionError:  # only past MAX_DEPTH when the interpreter's own stack is already deep
        raise InputError(f"{where}: arrays and objects are nested too deeply to read") from None
    if not isinstance(record, dict):
        raise InputError(f'{where}: expected a JSON object like {{"id", "{fields[0]}", "{fields[1]}"}}')
    members, repeated = _scan_members(content)
    present = [key for key in fields if key in members]
    if not present:
        raise InputError(f'{where}: the object has neither "{fields[0]}" nor "{fields[1]}"')
    for key in present:
        value = members[key].value
        if key in repeated:
            raise InputError(f'{where}: "{key}" appears more than once; keep one')
        if value is None:
            continue
        if not isinstance(value, str) or isinstance(value, JsonLiteral):
            raise InputError(f'{where}: "{key}" must be a string, not {_json_kind(value)}')
        bad = _SURROGATE.search(value)
        if bad:
            raise InputError(
                f'{where}: "{key}" holds a lone surrogate \\u{ord(bad.group()):04x} at character {bad.start() + 1} '
                "(half of a UTF-16 pair, not a character); remove it or complete the pair"
            )
    return members


def _check_depth(content: str, where: str) -> None:
    """InputError when arrays and objects nest more than MAX_DEPTH deep (brackets in strings do not count)."""
    if content.count("[") + content.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', content)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            raise InputError(f"{where}: arrays and objects are nested more than {MAX_DEPTH} deep")


def _scan_members(content: str) -> tuple[dict[str, _Member], set[str]]:
    """Top-level members of a line already known to be a valid JSON object, and the keys that repeat."""
    members: dict[str, _Member] = {}
    repeated: set[str] = set()
    pos = _WS.match(content).end() + 1  # past "{"
    while True:
        pos = _WS.match(content, pos).end()
        if content[pos] == "}":
            break
        key, pos = scanstring(content, pos + 1)
        pos = _WS.match(content, pos).end() + 1  # past ":"
        start = _WS.match(content, pos).end()
        value, end = _DECODER.raw_decode(content, start)
        if key in members:
            repeated.add(key)
        members[key] = _Member(value, start, end)
        pos = _WS.match(content, end).end()
        if content[pos] != ",":
            break
        pos += 1
    return members, repeated


def _doc_id(members: dict[str, _Member], content: str, fallback: str, key: str = "id") -> str:
    """The record's ``id`` (a string as is, anything else as its JSON text), or ``fallback``."""
    member = members.get(key)
    if member is None or member.value is None:
        return fallback
    raw = content[member.start : member.end]
    if isinstance(member.value, str) and not isinstance(member.value, JsonLiteral):
        return raw[1:-1] if _SURROGATE.search(member.value) else member.value  # as escaped: it is not writable text
    return raw


def _json_kind(value: Any) -> str:
    if isinstance(value, JsonLiteral):
        return "a number" if value[-1:].isdigit() else f"{value}"
    if isinstance(value, bool):
        return "a boolean"
    return "an array" if isinstance(value, list) else "an object"


def parse(data: str, *, id: str | None = None, name: str | None = None) -> list[Document]:
    """The format table's reader (:data:`bilingual.formats.FORMAT_SPECS`): one Document per line."""
    return parse_jsonl(data, name=name or id or "<input>")


def render(doc: Document) -> str:
    """The format table's writer: :func:`render_jsonl`."""
    return render_jsonl(doc)
