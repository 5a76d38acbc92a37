"""JSON Lines: one article per line, ``{"id": ..., "title": "...", "body": "..."}``.

The title is parsed as a headline, the body as plain-text paragraphs separated
by blank lines. Every other key is kept untouched and in order. An article with
no translation is written back as its original line, byte for byte; a
translated one is re-serialised (UTF-8, not ASCII-escaped) with ``title`` and
``body`` replaced and ``id`` kept.
"""

from __future__ import annotations

import json
from typing import Any

from bilingual.document import Document, render_block
from bilingual.errors import InputError
from bilingual.formats.spans import line_ending, split_lines
from bilingual.formats.text import parse_text

TEXT_FIELDS = ("title", "body")


def parse_jsonl(text: str, *, name: str = "<input>") -> list[Document]:
    """One Document per non-blank line; InputError naming ``name`` and the line number."""
    docs: list[Document] = []
    blank = ""  # blank lines before the next article, kept for an exact round trip
    for lineno, line in enumerate(split_lines(text), start=1):
        content = line[: len(line) - len(line_ending(line))]
        if not content.strip():
            blank += line
            continue
        record = _load_record(content, name, lineno)
        blocks = []
        counts = {}
        for key in TEXT_FIELDS:
            value = record.get(key)
            field_doc = parse_text(value or "", headline=(key == "title"))
            counts[key] = len(field_doc.blocks)
            blocks.extend(field_doc.blocks)
        raw_id = record.get("id")
        doc_id = str(raw_id) if raw_id is not None else f"{name}:{lineno}"
        meta = {
            "jsonl": {
                "record": record,
                "line": content,
                "eol": line_ending(line),
                "before": blank,
                "after": "",
                "blocks": counts,
                "lineno": lineno,
            }
        }
        docs.append(Document(blocks=blocks, id=doc_id, format="jsonl", meta=meta))
        blank = ""
    if blank and docs:
        docs[-1].meta["jsonl"]["after"] = blank
    return docs


def render_jsonl(doc: Document) -> str:
    info = doc.meta.get("jsonl")
    if info is None:  # a Document built elsewhere: write its text as the body
        body = "".join(render_block(b) for b in doc.blocks)
        record = {"id": doc.id, "title": "", "body": body}
        return json.dumps(record, ensure_ascii=False) + "\n"
    if not any(b.translated for b in doc.blocks):
        line = info["line"]
    else:
        record = dict(info["record"])
        start = 0
        for key in TEXT_FIELDS:
            count = info["blocks"][key]
            if key in record:
                record[key] = "".join(render_block(b) for b in doc.blocks[start : start + count])
            start += count
        line = json.dumps(record, ensure_ascii=False)
    return info["before"] + line + info["eol"] + info["after"]


def _load_record(content: str, name: str, lineno: int) -> dict[str, Any]:
    where = f"{name}: line {lineno}"
    try:
        record = json.loads(content)
    except json.JSONDecodeError as err:
        raise InputError(f"{where}: not valid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(record, dict):
        raise InputError(f'{where}: expected a JSON object like {{"id", "title", "body"}}')
    present = [key for key in TEXT_FIELDS if key in record]
    if not present:
        raise InputError(f'{where}: the object has neither "title" nor "body"')
    for key in present:
        if record[key] is not None and not isinstance(record[key], str):
            kind = type(record[key]).__name__
            raise InputError(f'{where}: "{key}" must be a string, not {kind}')
    return record
