"""Near-miss names: Korean forms of the press close to a glossary term (``glossary lint --corpus``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.glossary import Glossary, Term, load_glossary
from bilingual.glossary.variants import jamo, jamo_distance, near_misses

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "glossaries" / "names.tsv"
NTREX = ROOT / "glossaries" / "ntrex128.tsv"

# The seed story as other Korean papers print it (written for this test): another transliteration
# of the patronymic and of Arkharov, the university's name without 교 / with 교, the paper's name
# misspelt; 김 지사, 로스텍 and 바우만 공대 are forms the glossary lists, 한-러 is no name of it.
PRESS = (
    "김 지사는 러시아 국영기업 로스텍의 알료신 알렉세이 블라디스라보비치 제1부사장을 만났다.\n"
    "김 지사는 바우만 모스크바 국립공과대학교에서 이반 아르하로브 부총장, 최준영 한국산업기술대학 총장과 "
    "한-러 기술협력 양해각서를 체결했다.\n"
    "한국산업기술대학은 바우만 공대와 협력한다. 코리아 헤롤드가 보도했다.\n"
)


@pytest.fixture(scope="module")
def names() -> Glossary:
    return load_glossary(NAMES)


@pytest.mark.parametrize(
    ("a", "b", "cost"),
    [
        ("블라디스라보비치", "블라디슬라보비치", 0.2),  # a final ㄹ before an initial ㄹ
        ("하렘", "할렘", 0.2),
        ("아르하로브", "아르하로프", 0.5),  # ㅂ for its aspirated ㅍ
        ("메사추세츠", "매사추세츠", 0.5),  # ㅔ for ㅐ
        ("알로신", "알료신", 0.5),  # without the y-glide
        ("김문주", "김문수", 1.0),  # another letter
        ("모스크바", "모스크바", 0.0),
    ],
)
def test_jamo_distance(a: str, b: str, cost: float):
    assert jamo_distance(a, b) == pytest.approx(cost)
    assert jamo_distance(b, a) == pytest.approx(cost)


def test_jamo_distance_of_a_syllable_more_is_large():
    assert jamo_distance("러시아", "러시아인") >= 2
    assert jamo_distance("김문수", "김문수", limit=0.1) == 0


def test_jamo():
    assert jamo("슬") == (("L", "ㅅ"), ("V", "ㅡ"), ("T", "ㄹ"))
    assert jamo("라") == (("L", "ㄹ"), ("V", "ㅏ"))
    assert jamo("A") == (("", "A"),)


PRESS_EXPECTED = [
    # (text form, count, canonical term, surface it is close to, what differs)
    ("한국산업기술대학", 2, "한국산업기술대학교", "한국산업기술대학교", ("대학 for 대학교",)),
    ("블라디스라보비치", 1, "알료신 알렉세이 블라디슬라보비치", "블라디슬라보비치", ("스 for 슬",)),
    ("바우만 모스크바 국립공과대학교", 1, "바우만 모스크바 국립공과대학", "바우만 모스크바 국립공과대학", ("공과대학교 for 공과대학",)),
    ("이반 아르하로브", 1, "이반 A. 아르하로프", "이반 아르하로프", ("브 for 프",)),
    ("코리아 헤롤드", 1, "코리아헤럴드", "코리아 헤럴드", ("롤 for 럴",)),
]


def test_press_forms_are_near_misses(names):
    got = [(m.text, m.count, m.term.korean, m.surface, m.differences) for m in near_misses(names, [PRESS])]
    assert sorted(got) == sorted(PRESS_EXPECTED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("블라디스라보비치 부사장은 말했다.", [("블라디스라보비치", ("스 for 슬",))]),
        ("한국 산업기술대학과 협력한다.", [("한국 산업기술대학", ("대학 for 대학교", "spacing"))]),
        ("바우만모스크바국립공대에서 만났다.", []),  # a listed form up to spacing: matched, not a near-miss
        ("블라디슬라보비치 부사장", []),  # the form itself
        ("김문주 의원이 말했다.", []),  # another letter of a Korean name is another person
        ("한국과 이란, 러시아는", []),  # short terms: nothing near
    ],
)
def test_near_misses_of_the_seed_glossary(names, text, expected):
    assert [(m.text, m.differences) for m in near_misses(names, [text])] == expected


def test_a_latin_spelling_in_brackets_decides():
    glossary = Glossary(entries=[Term("플라이스", "Fleiss", kind="person"), Term("모렐로스", "Morelos", kind="person")])
    assert [m.text for m in near_misses(glossary, ["프라이스는 말했다."])] == ["프라이스"]
    assert near_misses(glossary, ["후네(Huhne)와 프라이스(Pryce)는 출두한다."]) == []  # FLORES-200 devtest 269
    assert [m.text for m in near_misses(glossary, ["알프레도 모레로스(Alfredo Morelos)는 말했다."])] == ["모레로스"]


def test_corpora_give_few_near_misses_and_all_true(names):
    """Measured: the seed article has the glossary's spellings; on NTREX-128 with its glossary the
    three reports are the same names (eval/scripts/near_misses.py)."""
    seed = (ROOT / "corpora/seed/articles/koreaherald-2012-10-25-gyeonggi-russian-tech.ko.txt").read_text(encoding="utf-8")
    assert near_misses(names, [seed]) == []
    texts = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "corpora" / "ntrex128").rglob("*.ko.txt"))]
    got = {(m.text, m.surface) for m in near_misses(load_glossary(NTREX), texts)}
    assert got == {("모레로스", "모렐로스"), ("하렘", "할렘"), ("메사추세츠", "매사추세츠")}


def test_lint_reports_near_misses(tmp_path: Path):
    corpus = tmp_path / "press.ko.txt"
    corpus.write_text(PRESS, encoding="utf-8")
    result = CliRunner().invoke(app, ["glossary", "lint", "-g", str(NAMES), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output  # warnings only
    lines = [line for line in result.stdout.splitlines() if ": near-miss: " in line]
    assert len(lines) == len(PRESS_EXPECTED)
    [line] = [line for line in lines if "블라디스라보비치" in line]
    assert line.split(": ")[0].endswith("names.tsv:8")  # the term's row
    assert "'블라디스라보비치' (1x)" in line and "'블라디슬라보비치' (a form of 알료신 알렉세이 블라디슬라보비치)" in line
    assert "스 for 슬" in line and "add it to the korean_forms of 알료신 알렉세이 블라디슬라보비치" in line
