"""Plain-text articles: exact round trip, block kinds, and structure under translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from formats_helpers import fake_translate, paragraphs, shape

from bilingual.document import Block, BlockKind, Segment, assemble
from bilingual.formats import parse, render
from bilingual.formats.text import classify_line

DATA = Path(__file__).parent / "data" / "formats"
SEED_EN = (DATA / "seed_en.txt").read_text(encoding="utf-8")
SEED_KO = (DATA / "seed_ko.txt").read_text(encoding="utf-8")

ROUND_TRIP = {
    "seed-en": SEED_EN,
    "seed-ko": SEED_KO,
    "empty": "",
    "only-newlines": "\n\n\n",
    "only-spaces": "   \n \t \n",
    "one-line-no-eol": "Headline",
    "leading-trailing-blank-runs": "\n\n  \nTitle\n\n\n\nBody one.\n \n\n\nBody two.\n\n\n",
    "indented-lines": "   Title  \n\n\tIndented paragraph.\n    continued line\n",
    "crlf": "Title\r\n\r\nPara one.\r\nline two.\r\n\r\nBy Kim Ji-hoon\r\n",
    "lone-cr": "Title\r\rPara.\rNext line.\r",
    "trailing-spaces": "Title   \n\nA sentence.   \n   \nAnother.\t\n",
    "rules-and-numbers": "Title\n\n---\n\n2012\n\n* * *\n\nText.\n",
    "unicode-line-separators": "Title\n\nOne\u2028two\x0cthree.\n",
    "yonhap-lead": "제목\n\n(서울=연합뉴스) 홍길동 기자 = 정부는 25일 발표했다.\n이어 설명했다.\n\nhong@yna.co.kr\n",
    "bullets": "Title\n\n• First point here\n- second point\n1. third point\n",
    "ko-caption": "제목\n\n[사진 연합뉴스]\n\n본문이다.\n\n사진=경기도청 제공\n",
}


@pytest.mark.parametrize("text", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_untranslated_round_trip_is_exact(text: str) -> None:
    (doc,) = parse(text, "txt")
    assert render(doc) == text


@pytest.mark.parametrize("text", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_every_char_in_exactly_one_place(text: str) -> None:
    (doc,) = parse(text, "txt")
    assert "".join(b.prefix + b.text + b.suffix for b in doc.blocks) == text
    for block in doc.blocks:
        if block.translatable:
            assert block.text == block.text.strip()  # whitespace around it is markup


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("By Korea Herald", BlockKind.BYLINE),
        ("By Chun Sung-woo (swchun@heraldcorp.com)", BlockKind.BYLINE),
        ("By Kim Da-sol and Lee Jung-joo", BlockKind.BYLINE),
        ("By the end of the year, prices rose.", BlockKind.PARAGRAPH),
        ("By Monday, the company will decide.", BlockKind.PARAGRAPH),
        ("홍길동 기자", BlockKind.BYLINE),
        ("천성우 기자 (swchun@heraldcorp.com)", BlockKind.BYLINE),
        ("(서울=연합뉴스)", BlockKind.BYLINE),
        ("(서울=연합뉴스) 홍길동 기자", BlockKind.BYLINE),
        ("【서울=뉴시스】홍길동 기자", BlockKind.BYLINE),
        ("[서울=뉴스1] 홍길동 기자 =", BlockKind.BYLINE),
        ("swchun@heraldcorp.com", BlockKind.BYLINE),
        ("Published : Oct. 25, 2012 - 19:41", BlockKind.DATELINE),
        ("Updated Oct. 26, 2012", BlockKind.DATELINE),
        ("Oct. 25, 2012", BlockKind.DATELINE),
        ("입력 : 2012.10.25 19:41", BlockKind.DATELINE),
        ("수정 3건이 접수됐다.", BlockKind.PARAGRAPH),
        ("Dates for the talks are not set.", BlockKind.PARAGRAPH),
        ("Kim poses in Moscow. (Gyeonggi provincial office)", BlockKind.CAPTION),
        ("Protesters march in Seoul (Yonhap)", BlockKind.CAPTION),
        ("The Finance Ministry (MOF) said.", BlockKind.PARAGRAPH),
        ("[사진 연합뉴스]", BlockKind.CAPTION),
        ("사진=경기도청 제공", BlockKind.CAPTION),
        ("▲ 김문수 지사가 악수하고 있다.", BlockKind.CAPTION),
        ("시민들이 행진하고 있다. /연합뉴스", BlockKind.CAPTION),
        ("(경기도청 제공)", BlockKind.CAPTION),
        ("---", BlockKind.OTHER),
        ("2012", BlockKind.OTHER),
        ("* * *", BlockKind.OTHER),
        ("• Link copied", BlockKind.LIST_ITEM),
        ("Kim said the deal would help.", BlockKind.PARAGRAPH),
    ],
)
def test_line_kinds(line: str, kind: BlockKind) -> None:
    assert classify_line(line) == kind


def test_seed_structure() -> None:
    (doc,) = parse(SEED_EN, "txt")
    kinds = [b.kind for b in doc.blocks]
    assert kinds[0] == BlockKind.HEADLINE and doc.blocks[0].text == "The Korea Herald"
    assert [b.text for b in doc.blocks if b.kind == BlockKind.BYLINE] == [
        "By Korea Herald",
        "By Chun Sung-woo (swchun@heraldcorp.com)",
    ]
    assert [b.text for b in doc.blocks if b.kind == BlockKind.DATELINE] == ["Published : Oct. 25, 2012 - 19:41"]
    (caption,) = [b for b in doc.blocks if b.kind == BlockKind.CAPTION]
    assert caption.text.startswith("Gyeonggi Gov. Kim Moon-soo (right) poses")
    assert caption.text.endswith("(Gyeonggi provincial office)")
    link = next(b for b in doc.blocks if b.kind == BlockKind.LIST_ITEM)
    assert (link.prefix, link.text) == ("    • ", "Link copied")
    email = doc.blocks[-1]
    assert [email.text[a:b] for a, b in email.protected] == ["swchun@heraldcorp.com"]


def test_seed_ko_caption_with_credit_line() -> None:
    (doc,) = parse(SEED_KO, "txt")
    captions = [b.text for b in doc.blocks if b.kind == BlockKind.CAPTION]
    assert captions[0].startswith("김문수 경기도지사(오른쪽)가")
    assert captions[1] == "(경기도청 제공)"
    assert doc.blocks[-1].kind == BlockKind.BYLINE


@pytest.mark.parametrize("name", ["seed-en", "seed-ko", "leading-trailing-blank-runs", "yonhap-lead", "crlf"])
def test_translation_keeps_structure(name: str) -> None:
    source = ROUND_TRIP[name]
    (doc,) = parse(source, "txt")
    before = shape(doc)
    out = render(fake_translate(doc))
    assert out != source
    assert len(paragraphs(out)) == len(paragraphs(source))
    # every line break and every blank line stays where it was
    assert [bool(line.strip()) for line in out.splitlines()] == [
        bool(line.strip()) for line in source.splitlines()
    ]
    assert shape(doc) == before
    assert re.fullmatch(r"T( T)*", out.strip().splitlines()[0])  # the headline, translated
    # leading/trailing whitespace and the exact blank-line runs are the source's
    assert out[: len(out) - len(out.lstrip())] == source[: len(source) - len(source.lstrip())]
    assert out[len(out.rstrip()) :] == source[len(source.rstrip()) :]


def test_yonhap_lead_is_a_byline_block_on_the_paragraph_line() -> None:
    (doc,) = parse(ROUND_TRIP["yonhap-lead"], "txt")
    byline, paragraph = doc.blocks[1], doc.blocks[2]
    assert (byline.kind, byline.text, byline.suffix) == (BlockKind.BYLINE, "(서울=연합뉴스) 홍길동 기자 =", " ")
    assert (paragraph.kind, paragraph.text) == (BlockKind.PARAGRAPH, "정부는 25일 발표했다.\n이어 설명했다.")
    assert doc.blocks[3].kind == BlockKind.BYLINE  # the e-mail line


@pytest.mark.parametrize(
    ("line", "byline", "rest"),
    [
        ("(서울=연합뉴스) 홍길동 기자 = 정부는 발표했다.", "(서울=연합뉴스) 홍길동 기자 =", "정부는 발표했다."),
        ("【서울=뉴시스】홍길동 기자 = 정부는 발표했다.", "【서울=뉴시스】홍길동 기자 =", "정부는 발표했다."),
        ("[서울=뉴스1] 김철수 기자 = 시는 밝혔다.", "[서울=뉴스1] 김철수 기자 =", "시는 밝혔다."),
        ("(세종=연합뉴스) 정부는 발표했다.", "(세종=연합뉴스)", "정부는 발표했다."),
    ],
)
def test_agency_lead_split(line: str, byline: str, rest: str) -> None:
    (doc,) = parse("제목\n\n" + line + "\n", "txt")
    assert [(b.kind, b.text) for b in doc.blocks[1:]] == [(BlockKind.BYLINE, byline), (BlockKind.PARAGRAPH, rest)]


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        ([Segment("A.", " ", "가."), Segment("B.", "", "나.")], "가. 나."),
        ([Segment("A.", "\n", "가."), Segment("B.", "", None)], "가.\nB."),  # untranslated part kept
        ([Segment("A.", "\n", " 가.\n\n다. "), Segment("B.", "", "나.")], "가. 다.\n나."),  # no new paragraphs
        ([Segment("A.", "  ", "가.")], "가.  "),
    ],
)
def test_assemble(segments: list[Segment], expected: str) -> None:
    block = Block(BlockKind.PARAGRAPH, "A. B.", segments=segments)
    assert assemble(block) == expected


def test_assemble_without_translation_is_source() -> None:
    block = Block(BlockKind.PARAGRAPH, "A.\n  B.", segments=[Segment("A.", "\n  "), Segment("B.")])
    assert assemble(block) == "A.\n  B."
    code = Block(BlockKind.CODE, "x = 1", segments=[Segment("x = 1", "", "y")])
    assert assemble(code) == "x = 1"  # never translated


def test_hard_wrapped_paragraph_is_one_block() -> None:
    text = "Title\n\nThe governor said on\nThursday that the deal\n  would be signed.\n"
    (doc,) = parse(text, "txt")
    assert len(doc.blocks) == 2
    assert doc.blocks[1].text == "The governor said on\nThursday that the deal\n  would be signed."
