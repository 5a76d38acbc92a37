"""Line splitting and protected-span helpers shared by the format readers."""

from __future__ import annotations

import re

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")

# A URL ends before trailing punctuation that belongs to the sentence.
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]}]")
_EMAIL_RE = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` each with its own ending ("\\r\\n", "\\n", "\\r" or none at EOF).

    ``"".join(split_lines(t)) == t`` always. Unlike ``str.splitlines`` only
    CR/LF end a line (U+2028 and form feeds stay inside lines).
    """
    lines = []
    for match in _LINE_RE.finditer(text):
        if match.group():
            lines.append(match.group())
    return lines


def line_ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\n", "\r")):
        return line[-1]
    return ""


def url_and_email_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses in ``text`` (sorted, not overlapping)."""
    spans = [m.span() for m in _URL_RE.finditer(text)]
    spans += [m.span() for m in _EMAIL_RE.finditer(text)]
    return merge_spans(spans)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the ones that overlap (touching spans stay apart)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
