"""Helpers shared by the tests/test_formats_*.py files (not a test module)."""

from __future__ import annotations

import io
import re
import signal
import sys
from contextlib import redirect_stderr

import pytest

from bilingual.document import Document, Segment

_WORD = re.compile(r"[^\W\d_]+")


def fake_translate(doc: Document, marker: str = "T") -> Document:
    """Fill every translatable block with a fake translation, one segment per line.

    Outside the block's protected spans each run of letters becomes ``marker``
    (so "Hello *big* world" -> "T *T* T"); protected text is copied verbatim,
    exactly what a translation that respects ``Block.protected`` must do.
    """
    for block in doc.blocks:
        if not block.translatable:
            continue
        segments = []
        for match in re.finditer(r"([^\r\n]*?)([ \t]*(?:\r\n|\n|\r|$))", block.text):
            if not match.group():
                continue
            start, end = match.span(1)
            segments.append(
                Segment(match.group(1), trailing=match.group(2), translation=_translate(block, start, end, marker))
            )
        block.segments = segments
    return doc


def _translate(block, start: int, end: int, marker: str) -> str:
    out = []
    pos = start
    for a, b in block.protected:
        if b <= start or a >= end:
            continue
        out.append(_WORD.sub(marker, block.text[pos:a]))
        out.append(block.text[a:b])
        pos = b
    out.append(_WORD.sub(marker, block.text[pos:end]))
    return "".join(out)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of a text (whitespace-only lines count as blank)."""
    chunks = re.split(r"\n[ \t\r]*\n(?:[ \t\r]*\n)*", text.strip("\n"))
    return [c for c in chunks if c.strip()]


def shape(doc: Document) -> list[tuple[str, bool]]:
    """(kind, translatable) per block: the structure a translation must keep."""
    return [(b.kind.value, b.translatable) for b in doc.blocks]


def cli(*args: str) -> tuple[int, str]:
    """``bilingual ARGS`` through the console script's own error handling: (exit status, stderr)."""
    from bilingual.cli.app import main

    saved = sys.argv
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    sys.argv = ["bilingual", *args]
    err = io.StringIO()
    try:
        with redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
            main()
    finally:
        sys.argv = saved
        for signum, handler in handlers.items():  # main() installs its own
            signal.signal(signum, handler)
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), err.getvalue()
