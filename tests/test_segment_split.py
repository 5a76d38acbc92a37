"""Sentence splitting and clause-boundary splitting of over-long sentences."""

from __future__ import annotations

import pytest

from bilingual.document import Block, BlockKind
from bilingual.translation.segmenting import segment_block, segment_text, split_long, split_sentences


def chars(texts: list[str]) -> list[int]:
    return [len(t) for t in texts]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "서울시는 25일 새 정책을 발표했다. 박원순 시장은 \"좋다\"고 말했다.",
            "ko",
            ["서울시는 25일 새 정책을 발표했다.", "박원순 시장은 \"좋다\"고 말했다."],
        ),
        ("그러나 반대도 있다.\n다음 줄이다", "ko", ["그러나 반대도 있다.", "다음 줄이다"]),
        (
            "Mr. Kim met U.S. officials on Monday. He said it was fine. \"Really?\" she asked.",
            "en",
            ["Mr. Kim met U.S. officials on Monday.", "He said it was fine.", "\"Really?\" she asked."],
        ),
        ("The No. 1 firm rose 3.5 percent.", "en", ["The No. 1 firm rose 3.5 percent."]),
        ("제목만 있다", "ko", ["제목만 있다"]),
    ],
)
def test_split_sentences(text, lang, expected):
    pairs = split_sentences(text, lang)
    assert [s for s, _ in pairs] == expected
    assert "".join(s + t for s, t in pairs) == text  # lossless


def test_no_boundary_inside_a_protected_span():
    text = "See the file `a. B.c` now. It is fine."
    start = text.index("`")
    end = text.index("`", start + 1) + 1
    pairs = split_sentences(text, "en", [(start, end)])
    assert all(not (start < sum(len(s) + len(t) for s, t in pairs[:i]) < end) for i in range(1, len(pairs)))
    assert "".join(s + t for s, t in pairs) == text


LONG_KO = "정부는 경제를 살리기 위해 노력하고 있으며, 국민들은 이를 지지하지만 일부는 반대하고 있고 야당은 비판했다."


@pytest.mark.parametrize(
    ("text", "lang", "limit", "expected"),
    [
        (LONG_KO, "ko", 30, ["정부는 경제를 살리기 위해 노력하고 있으며,", "국민들은 이를 지지하지만 일부는 반대하고 있고", "야당은 비판했다."]),
        (LONG_KO, "ko", 200, [LONG_KO]),
        (
            "This is a very long sentence, which goes on and on because we want it to and it never stops.",
            "en",
            30,
            ["This is a very long sentence,", "which goes on and on", "because we want it to", "and it never stops."],
        ),
        ("가" * 50, "ko", 20, ["가" * 20, "가" * 20, "가" * 10]),  # no space at all: cut between characters
    ],
)
def test_split_long_at_clause_boundaries(text, lang, limit, expected):
    parts = split_long(text, lang, limit, chars)
    assert [p for p, _ in parts] == expected
    assert "".join(p + t for p, t in parts) == text
    assert all(len(p) <= limit for p, _ in parts)


def test_split_long_keeps_protected_spans_whole():
    text = "앞부분 설명 https://example.com/very/long/path/that/goes/on 뒷부분 설명이다."
    start = text.index("https")
    end = text.index(" 뒷")
    parts = split_long(text, "ko", 12, chars, [(start, end)])
    assert "".join(p + t for p, t in parts) == text
    assert any(text[start:end] in p for p, _ in parts)


def test_a_1500_character_sentence_is_split_into_parts_covering_everything():
    clause = "정부는 경제를 살리기 위해 다양한 정책을 내놓았으며, "
    sentence = (clause * (1500 // len(clause) + 1))[:1499].rstrip() + "."
    assert len(sentence) >= 1490
    segments = segment_text(sentence, "ko", max_tokens=200, count_tokens=chars)
    assert len(segments) > 1
    assert {s.part_of for s in segments} == {0}
    assert "".join(s.text + s.trailing for s in segments) == sentence
    assert all(len(s.text) <= 200 for s in segments)


def test_segment_block_skips_untranslatable_blocks():
    code = Block(BlockKind.CODE, "x = 1. y = 2.")
    assert segment_block(code, "en") == []
    para = Block(BlockKind.PARAGRAPH, "첫 문장이다. 둘째 문장이다.")
    assert [s.text for s in segment_block(para, "ko")] == ["첫 문장이다.", "둘째 문장이다."]
