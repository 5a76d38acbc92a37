"""JSON Lines articles: round trip, translated output form, and line-numbered errors."""

from __future__ import annotations

import json

import pytest
from formats_helpers import fake_translate

from bilingual.document import BlockKind
from bilingual.errors import InputError
from bilingual.formats import parse, render

THREE = (
    '{"id": "a1", "title": "경기도, 러시아와 협약", "body": "첫 문단이다.\\n\\n둘째 문단이다.\\n둘째 줄.", '
    '"url": "http://x.kr/1", "tags": ["politics"]}\n'
    '{"id": 2, "title": "제목 둘", "body": "홍길동 기자\\n\\n본문.", "extra": null}\n'
    '{"title": "No id", "body": "Only paragraph."}\n'
)

ROUND_TRIP = {
    "three": THREE,
    "no-final-newline": THREE.rstrip("\n"),
    "blank-lines-between": THREE.replace("\n", "\n\n", 1) + "\n  \n",
    "crlf": THREE.replace("\n", "\r\n"),
    "compact-separators": '{"id":"x","title":"T","body":"B"}\n',
    "ascii-escaped": '{"id": "x", "title": "\\uc81c\\ubaa9", "body": "\\ubcf8\\ubb38"}\n',
    "title-only": '{"id": "x", "title": "Just a title"}\n',
    "null-body": '{"id": "x", "title": "T", "body": null}\n',
}


def join(docs) -> str:
    return "".join(render(d) for d in docs)


@pytest.mark.parametrize("text", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_untranslated_round_trip_is_exact(text: str) -> None:
    assert join(parse(text, "jsonl", id="f.jsonl")) == text


def test_documents_ids_and_blocks() -> None:
    docs = parse(THREE, "jsonl", id="news.jsonl")
    assert [d.id for d in docs] == ["a1", "2", "news.jsonl:3"]
    assert all(d.format == "jsonl" for d in docs)
    first = docs[0]
    assert [(b.kind, b.text) for b in first.blocks] == [
        (BlockKind.HEADLINE, "경기도, 러시아와 협약"),
        (BlockKind.PARAGRAPH, "첫 문단이다."),
        (BlockKind.PARAGRAPH, "둘째 문단이다.\n둘째 줄."),
    ]
    assert docs[1].blocks[1].kind == BlockKind.BYLINE


def test_translated_output_keeps_form() -> None:
    docs = [fake_translate(d) for d in parse(THREE, "jsonl", id="news.jsonl")]
    out = join(docs)
    lines = out.splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    originals = [json.loads(line) for line in THREE.splitlines()]
    for record, original in zip(records, originals, strict=True):
        assert list(record) == list(original)  # same keys, same order
        for key in original:
            if key in ("title", "body"):
                assert record[key] != original[key]
            else:
                assert record[key] == original[key]  # id and other keys untouched
        # same number of body paragraphs, same line structure
        assert record["body"].count("\n") == original["body"].count("\n")
    assert records[0]["title"] == "T, T T"
    assert records[0]["body"] == "T T.\n\nT T.\nT T."
    assert "\\u" not in out  # written as UTF-8, not ASCII escapes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": 1, "title": "ok", "body": "ok"}\n{"id": 2, "title": "broken"\n', "news.jsonl: line 2: not valid JSON"),
        ('\n\n{"id": 1, "body": 5}\n', 'news.jsonl: line 3: "body" must be a string, not int'),
        ('["a", "b"]\n', "news.jsonl: line 1: expected a JSON object"),
        ('{"id": 1, "text": "x"}\n', 'news.jsonl: line 1: the object has neither "title" nor "body"'),
        ('{"id": 1, "title": "a"}\n{"id": 2, "title": ["a"]}\n', 'line 2: "title" must be a string, not list'),
    ],
)
def test_bad_line_names_file_and_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse(text, "jsonl", id="news.jsonl")
    assert message in str(info.value)
