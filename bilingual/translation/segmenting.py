"""Sentence splitting, and splitting over-long sentences at clause boundaries.

Korean is split with kiwipiepy's ``Kiwi.split_into_sents``, English with
``sentencex``. ``eval/bench/segment.py`` measured Korean splitters on NTREX-128
articles (each article joined into one paragraph; 15 articles, 15,000
characters, 252 gold sentences; one run, machine shared and under load):
kiwipiepy 1.6 s (9,500 chars/s), boundary F1 0.898; kss ``punct`` 4.5 s, F1
0.820; kss ``pecab`` (its default without Mecab) 1,068 s (14 chars/s), F1
0.818. kiwipiepy is also what the glossary matcher loads. Splitting is lossless: the segments' texts and trailing
whitespace concatenate to the input exactly, and no boundary ever falls inside
a protected span (``Block.protected``).

A sentence with more source tokens than the model accepts is cut into parts
at clause boundaries (Korean connective endings and clause punctuation,
English punctuation and conjunctions), then at any space, then — for text with
no space at all — between characters; each part fits the limit, and nothing is
dropped or truncated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bilingual.document import Block, Segment
from bilingual.formats.spans import split_lines
from bilingual.text.kiwi import kiwi

CountTokens = Callable[[list[str]], list[int]]

_WS_TAIL = re.compile(r"\s*\Z")
# English clause starts: a break may go before these words (after whitespace).
_EN_CLAUSE_WORDS = re.compile(
    r"\s(?=(?:and|but|or|nor|so|yet|while|whereas|which|who|whom|whose|that|because|although|though|"
    r"since|unless|until|when|whenever|where|after|before|if|as)\b)",
    re.IGNORECASE,
)
# Characters that end a sentence at the end of a line (with closing quotes and brackets).
_SENTENCE_FINAL = frozenset(".!?…。！？:;\"'”’»)]}」』）】")
_CLAUSE_PUNCT = re.compile(r"[,;:，；：、)\]」』”’–—](?=\s)|\s[–—](?=\s)")


def _boundaries_ko(text: str) -> list[int]:
    return [s.start for s in kiwi().split_into_sents(text)][1:]


def _boundaries_en(text: str) -> list[int]:
    from sentencex import segment

    out, pos = [], 0
    for piece in segment("en", text):
        found = text.find(piece, pos) if piece else -1
        if found < 0:  # sentencex normalised something: fall back to no boundary here
            continue
        pos = found + len(piece)
        out.append(pos)
    return out[:-1]


def _in_protected(pos: int, protected: Sequence[tuple[int, int]]) -> bool:
    return any(start < pos < end for start, end in protected)


def line_continues(line: str, next_line: str) -> bool:
    """Whether a sentence clearly runs on from ``line`` into ``next_line``.

    Only an English-style hard wrap counts: ``line`` does not end a sentence
    (no final ``. ! ? …``, closing quote or bracket) and ``next_line`` starts
    with a lower-case Latin letter. Everything else, Korean text included (it
    has no letter case to tell a wrap from a new line), is a new segment.
    """
    end, start = line.rstrip(), next_line.lstrip()
    if not end or not start:
        return False
    return end[-1] not in _SENTENCE_FINAL and "a" <= start[0] <= "z"


def _line_boundaries(text: str) -> list[int]:
    """Starts of the lines of ``text`` that begin a new segment."""
    lines = split_lines(text)
    out, pos = [], 0
    for line, following in zip(lines, lines[1:]):
        pos += len(line)
        if not line_continues(line.rstrip("\r\n"), following.rstrip("\r\n")):
            out.append(pos)
    return out


def split_sentences(
    text: str, lang: str, protected: Sequence[tuple[int, int]] = (), *, soft_breaks: bool = False
) -> list[tuple[str, str]]:
    """Sentences of ``text`` as (sentence, trailing whitespace) pairs.

    ``"".join(s + t for s, t in result) == text``; a boundary is never placed
    inside a ``protected`` span. Unless ``soft_breaks``, every line break ends
    a segment except where :func:`line_continues` (so a file with one sentence
    a line keeps one segment a line). Whitespace-only text gives one pair.
    """
    if not text.strip():
        return [("", text)] if text else []
    raw = _boundaries_ko(text) if lang == "ko" else _boundaries_en(text)
    if not soft_breaks:
        raw = raw + _line_boundaries(text)
    cuts = []
    for b in sorted(set(raw)):
        # move the cut past whitespace so it always sits at a sentence start
        while b < len(text) and text[b].isspace():
            b += 1
        if 0 < b < len(text) and not _in_protected(b, protected) and (not cuts or b > cuts[-1]):
            cuts.append(b)
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    return [_split_tail(p) for p in pieces if p]


def _split_tail(piece: str) -> tuple[str, str]:
    tail = _WS_TAIL.search(piece)
    cut = tail.start() if tail else len(piece)
    return piece[:cut], piece[cut:]


def _clause_breaks_ko(text: str) -> tuple[list[int], list[int]]:
    """(after clause punctuation, after a connective ending) positions that whitespace follows.

    A connective ending (EC) followed by an auxiliary verb (VX, as in 하고 있다)
    does not end a clause and is skipped.
    """
    punct, endings = [], []
    tokens = kiwi().tokenize(text)
    for i, token in enumerate(tokens):
        end = token.end
        if end >= len(text) or not text[end].isspace():
            continue
        if token.tag in ("SP", "SSC") and token.form not in ".?!":
            punct.append(end)
        elif token.tag == "EC" and not (i + 1 < len(tokens) and tokens[i + 1].tag.startswith("VX")):
            endings.append(end)
    return punct, endings


def _clause_breaks_en(text: str) -> tuple[list[int], list[int]]:
    """(after clause punctuation, before a conjunction or relative pronoun) positions."""
    return [m.end() for m in _CLAUSE_PUNCT.finditer(text)], [m.start() for m in _EN_CLAUSE_WORDS.finditer(text)]


def _part_start(text: str, pos: int) -> int:
    """The start of the next part for a break at ``pos``: skip whitespace."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def split_long(
    text: str,
    lang: str,
    max_tokens: int,
    count_tokens: CountTokens,
    protected: Sequence[tuple[int, int]] = (),
) -> list[tuple[str, str]]:
    """Cut ``text`` into (part, trailing whitespace) pairs of at most ``max_tokens`` tokens each.

    ``"".join(p + t for p, t in result) == text``. Prefers clause boundaries,
    then spaces, then character boundaries (never inside a protected span);
    each part is as long as fits. A text that already fits is one part.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}")
    if count_tokens([text.rstrip()])[0] <= max_tokens:
        return [_split_tail(text)]
    punct, words = _clause_breaks_en(text)
    if lang == "ko":
        ko_punct, endings = _clause_breaks_ko(text)
        punct, words = punct + ko_punct, endings + words
    spaces = [m.start() for m in re.finditer(r"\s+", text)]
    levels = [sorted({_part_start(text, p) for p in kind}) for kind in (punct, words, spaces)]
    parts: list[tuple[str, str]] = []
    start = 0
    while start < len(text):
        rest = text[start:]
        if count_tokens([rest.rstrip()])[0] <= max_tokens:
            parts.append(_split_tail(rest))
            break
        cut = _best_cut(text, start, levels, max_tokens, count_tokens, protected)
        parts.append(_split_tail(text[start:cut]))
        start = cut
    return parts


def _fits(text: str, start: int, end: int, max_tokens: int, count_tokens: CountTokens) -> bool:
    piece = text[start:end].rstrip()
    return bool(piece) and count_tokens([piece])[0] <= max_tokens


def _best_cut(
    text: str,
    start: int,
    levels: list[list[int]],
    max_tokens: int,
    count_tokens: CountTokens,
    protected: Sequence[tuple[int, int]],
) -> int:
    """The furthest allowed cut after ``start`` whose part fits, trying better boundary kinds first."""
    for candidates in levels:
        allowed = [c for c in candidates if start < c < len(text) and not _in_protected(c, protected)]
        cut = _furthest_fitting(text, start, allowed, max_tokens, count_tokens)
        if cut is not None:
            return cut
    # no whitespace that works: cut between characters (not inside protected spans)
    allowed = [c for c in range(start + 1, len(text)) if not _in_protected(c, protected)]
    cut = _furthest_fitting(text, start, allowed, max_tokens, count_tokens)
    if cut is not None:
        return cut
    # a protected span alone is longer than the limit: keep it whole rather than break it
    return next((c for c in allowed), len(text))


def _furthest_fitting(
    text: str, start: int, allowed: list[int], max_tokens: int, count_tokens: CountTokens
) -> int | None:
    """Binary search (token counts grow with length) for the last cut in ``allowed`` that fits."""
    lo, hi, best = 0, len(allowed) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if _fits(text, start, allowed[mid], max_tokens, count_tokens):
            best, lo = allowed[mid], mid + 1
        else:
            hi = mid - 1
    return best


def segment_text(
    text: str,
    lang: str,
    *,
    max_tokens: int | None = None,
    count_tokens: CountTokens | None = None,
    protected: Sequence[tuple[int, int]] = (),
    soft_breaks: bool = False,
) -> list[Segment]:
    """Segments of ``text``: sentences, with over-long ones split into parts (``part_of`` set)."""
    segments: list[Segment] = []
    offset = 0
    for index, (sentence, trailing) in enumerate(split_sentences(text, lang, protected, soft_breaks=soft_breaks)):
        local = [(s - offset, e - offset) for s, e in protected if s < offset + len(sentence) and e > offset]
        if max_tokens is not None and count_tokens is not None and sentence:
            parts = split_long(sentence, lang, max_tokens, count_tokens, local)
        else:
            parts = [(sentence, "")]
        if len(parts) == 1:
            segments.append(Segment(text=sentence, trailing=trailing))
        else:
            parts[-1] = (parts[-1][0], parts[-1][1] + trailing)
            segments.extend(Segment(text=p, trailing=t, part_of=index) for p, t in parts)
        offset += len(sentence) + len(trailing)
    return segments


def segment_block(
    block: Block,
    lang: str,
    *,
    max_tokens: int | None = None,
    count_tokens: CountTokens | None = None,
) -> list[Segment]:
    """Fill and return ``block.segments`` (empty for blocks that are not translated)."""
    if not block.translatable:
        block.segments = []
        return block.segments
    block.segments = segment_text(
        block.text,
        lang,
        max_tokens=max_tokens,
        count_tokens=count_tokens,
        protected=block.protected,
        soft_breaks=block.soft_breaks,
    )
    return block.segments
