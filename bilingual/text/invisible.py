"""Invisible format characters that web pages, CMSs and word processors leave in text.

Soft hyphens (U+00AD), zero-width spaces and non-joiners (U+200B, U+200C), word joiners
(U+2060) and byte-order marks (U+FEFF) show nothing on screen, yet OPUS-MT's SentencePiece
normalisation turns the first two into a word break (김\u200b문수 reaches the model as 김 문수)
and the others into an unknown token. They carry no meaning for translation, so the model
input goes without them; the text the user gave is kept as it was. A zero-width joiner
(U+200D) is dropped only between letters: next to other characters it builds emoji sequences.
"""

from __future__ import annotations

import re
import unicodedata

INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_DROP = re.compile(r"[\u00ad\u200b\u200c\u2060\ufeff]|(?<=[^\W\d_])\u200d|\u200d(?=[^\W\d_])")


def without_invisible(text: str) -> str:
    """``text`` without invisible format characters (emoji joiners kept)."""
    if not any(ch in INVISIBLE for ch in text):
        return text
    return _DROP.sub("", text)


def hidden_characters(text: str) -> list[str]:
    """Each distinct format or control character in ``text``, as ``U+200B ZERO WIDTH SPACE``."""
    hidden = [ch for ch in dict.fromkeys(text) if unicodedata.category(ch) in ("Cf", "Cc")]
    return [f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}" for ch in hidden]
