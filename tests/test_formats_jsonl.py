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
        ('\n\n{"id": 1, "body": 5}\n', 'news.jsonl: line 3: "body" must be a string, not a number'),
        ('["a", "b"]\n', "news.jsonl: line 1: expected a JSON object"),
        ('{"id": 1, "text": "x"}\n', 'news.jsonl: line 1: the object has neither "title" nor "body"'),
        ('{"title": true}\n', '"title" must be a string, not a boolean'),
        ('{"title": {"ko": "제목"}}\n', '"title" must be a string, not an object'),
        ('{"title": NaN}\n', '"title" must be a string, not NaN'),
        ('{"title": "a", "title": "b"}\n', 'line 1: "title" appears more than once; keep one'),
        ('{"title": "x", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "line 1: arrays and objects are nested more than 500 deep"),
        ('{"title": "x", "deep": ' + "[" * 100_000 + "\n", "line 1: arrays and objects are nested more than 500 deep"),
        ('{"id": 1, "body": "앞\\ud800뒤"}\n', 'line 1: "body" holds a lone surrogate \\ud800 at character 2'),
        ('{"id": 1, "title": "\\udc00"}\n', 'line 1: "title" holds a lone surrogate \\udc00 at character 1'),
        ('{"id": 1, "title": "a"}\n{"id": 2, "title": ["a"]}\n', 'line 2: "title" must be a string, not an array'),
    ],
)
def test_bad_line_names_file_and_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse(text, "jsonl", id="news.jsonl")
    assert message in str(info.value)


def test_bad_line_is_one_line() -> None:
    for text in ('{"title": "x", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}\n", '{"body": "\\ud800"}\n'):
        with pytest.raises(InputError) as info:
            parse(text, "jsonl", id="news.jsonl")
        assert "\n" not in str(info.value) and len(str(info.value)) < 200


# (line, line after a translation of title and body): only those two strings change
SPLICED = {
    "numbers": (
        '{"id": 7, "title": "제목", "n": 1e400, "m": 1.10, "z": -0, "p": 1E+2, "big": ' + "9" * 5000 + ', "body": "본문"}',
        '{"id": 7, "title": "T", "n": 1e400, "m": 1.10, "z": -0, "p": 1E+2, "big": ' + "9" * 5000 + ', "body": "T"}',
    ),
    "constants": ('{"title": "제목", "a": NaN, "b": -Infinity, "c": [true, false, null]}', '{"title": "T", "a": NaN, "b": -Infinity, "c": [true, false, null]}'),
    "white-space-and-order": ('{ "url" :"http://x.kr" ,  "body" : "본문",\t"title":"제목" }', '{ "url" :"http://x.kr" ,  "body" : "T",\t"title":"T" }'),
    "escapes-of-other-fields": (
        '{"title": "제목", "by": "caf\\u00e9 \\/ \\"q\\"", "tag": "é"}',
        '{"title": "T", "by": "caf\\u00e9 \\/ \\"q\\"", "tag": "é"}',
    ),
    "ascii-escaped-text-becomes-utf8": ('{"title": "\\uc81c\\ubaa9"}', '{"title": "T"}'),
    "null-body-stays-null": ('{"title": "제목", "body": null}', '{"title": "T", "body": null}'),
    "untranslated-field-kept": ('{"title": "2012.10.25", "body": "본문"}', '{"title": "2012.10.25", "body": "T"}'),
    "nested-objects": ('{"meta": {"body": "x", "n": 1.0}, "title": "제목"}', '{"meta": {"body": "x", "n": 1.0}, "title": "T"}'),
    "lone-surrogate-elsewhere": ('{"id": "\\ud800", "note": "\\udfff", "title": "제목"}', '{"id": "\\ud800", "note": "\\udfff", "title": "T"}'),
    "brackets-in-strings": ('{"title": "제목", "x": "' + "[{" * 1000 + '"}', '{"title": "T", "x": "' + "[{" * 1000 + '"}'),
    "500-deep": ('{"title": "제목", "d": ' + "[" * 499 + "]" * 499 + "}", '{"title": "T", "d": ' + "[" * 499 + "]" * 499 + "}"),
    "control-escapes-in-body": ('{"title": "제목", "body": "가\\t나"}', '{"title": "T", "body": "T\\tT"}'),
}


@pytest.mark.parametrize(("line", "expected"), SPLICED.values(), ids=SPLICED.keys())
def test_translation_changes_only_the_translated_strings(line: str, expected: str) -> None:
    for eol in ("\n", "\r\n", ""):
        docs = parse(line + eol, "jsonl", id="news.jsonl")
        assert join(parse(line + eol, "jsonl", id="news.jsonl")) == line + eol
        assert join([fake_translate(d) for d in docs]) == expected + eol


def test_ids_keep_their_json_text() -> None:
    lines = ['{"id": 1e400, "title": "a"}', '{"id": 1.10, "title": "a"}', '{"id": "\\ud800", "title": "a"}', '{"id": [1], "title": "a"}']
    docs = parse("\n".join(lines), "jsonl", id="news.jsonl")
    assert [d.id for d in docs] == ["1e400", "1.10", "\\ud800", "[1]"]


def test_a_surrogate_pair_is_one_character() -> None:
    (doc,) = parse('{"title": "웃음 \\ud83d\\ude00"}\n', "jsonl")
    assert doc.blocks[0].text == "웃음 \U0001f600"
