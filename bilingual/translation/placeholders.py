"""Masking spans that must pass through translation verbatim, and restoring them.

Protected spans (code spans, URLs, e-mail addresses; see ``Block.protected``)
are replaced by short numbered placeholders such as ``[1]`` that translation
models copy through. After translation each placeholder is replaced by its
original text. A placeholder the model dropped is still restored, appended at
the end of the output, so protected text is never lost (an inline markup tag
of an HTML or DOCX block, such as ``</b1>``, with no space before it); one it
repeated is restored once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = "[{n}]"
# What a model may make of "[12]": spaces inside, doubled or full-width brackets.
_FOUND = re.compile(r"[\[［]{1,2}\s*(\d{1,4})\s*[\]］]{1,2}")
# The paired and single tags that stand for inline markup of HTML and DOCX blocks ("<b1>", "</b1>", "<x2/>").
_INLINE_TAG = re.compile(r"</?[a-z]\d{1,4}/?>")


@dataclass
class Masked:
    """Text with placeholders, and what each placeholder stands for."""

    text: str
    originals: dict[str, str] = field(default_factory=dict)  # placeholder -> original text

    @property
    def empty(self) -> bool:
        return not self.originals


def mask(text: str, spans: list[tuple[int, int]]) -> Masked:
    """Replace each ``(start, end)`` span of ``text`` by a numbered placeholder.

    Numbering starts above any bracketed number already in the text, so a
    source "[3]" is never mistaken for a placeholder.
    """
    if not spans:
        return Masked(text)
    existing = [int(m.group(1)) for m in _FOUND.finditer(text)]
    n = max(existing, default=0) + 1
    parts: list[str] = []
    originals: dict[str, str] = {}
    pos = 0
    for start, end in sorted(spans):
        if start < pos or end <= start or end > len(text):
            raise ValueError(f"bad protected span {(start, end)} for a text of {len(text)} characters")
        token = _TOKEN.format(n=n)
        originals[token] = text[start:end]
        parts.append(text[pos:start])
        parts.append(token)
        pos = end
        n += 1
    parts.append(text[pos:])
    return Masked("".join(parts), originals)


def unmask(output: str, masked: Masked) -> str:
    """Put the originals back into ``output``; never loses one.

    Returns the output with every placeholder replaced by its original; any
    original whose placeholder the model dropped is appended (space-separated)
    in source order.
    """
    if masked.empty:
        return output
    wanted = {int(_FOUND.fullmatch(t).group(1)): t for t in masked.originals}  # type: ignore[union-attr]
    restored: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        token = wanted.get(int(match.group(1)))
        if token is None:
            return match.group(0)  # a bracketed number of the text itself
        if token in restored:
            return ""  # the model repeated it: keep one copy
        restored.add(token)
        return masked.originals[token]

    text = _FOUND.sub(replace, output)
    missing = [original for token, original in masked.originals.items() if token not in restored]
    for original in missing:
        # an inline markup tag (bilingual.formats.inline) takes no room: no space before it
        glue = "" if _INLINE_TAG.fullmatch(original) or not text.strip() else " "
        text = text.rstrip() + glue + original
    return text


def dropped(output: str, masked: Masked) -> list[str]:
    """Originals whose placeholders are absent from ``output`` (before :func:`unmask`)."""
    present = {int(m.group(1)) for m in _FOUND.finditer(output)}
    return [o for t, o in masked.originals.items() if int(_FOUND.fullmatch(t).group(1)) not in present]  # type: ignore[union-attr]
