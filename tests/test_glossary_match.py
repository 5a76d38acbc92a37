"""Korean and English term matching (must-show 1: the table goes through ``bilingual glossary match``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.glossary import Glossary, Term, load_glossary
from bilingual.glossary.korean import agree, rest_is_particles
from bilingual.glossary.match import contains_term, find_terms, normalise

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "glossaries" / "names.tsv"
TABLE = ROOT / "tests" / "data" / "glossary_match_cases.tsv"


def _table() -> list[tuple[str, str, list[tuple[str, str]]]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, sentence, expected = (line.split("\t") + [""])[:3]
        pairs = [tuple(item.split("=")) for item in expected.split(" ; ") if item.strip()]
        rows.append((name, sentence, pairs))
    return rows


CASES = _table()


def test_table_is_big_enough():
    assert len(CASES) >= 40
    names = " ".join(name for name, _s, _e in CASES)
    for needed in ("은", "는", "이", "가", "을", "를", "의", "와", "과", "에서", "에게", "으로", "로", "도", "만",
                   "까지", "부터", "에서는", "과의", "compound", "spacing", "longest", "unrelated 한국어", "unrelated 사랑이란"):
        assert needed in names, needed


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(("name", "sentence", "expected"), CASES, ids=[c[0] for c in CASES])
def test_match_cli_table(runner: CliRunner, tmp_path: Path, name: str, sentence: str, expected):
    text_file = tmp_path / "in.txt"
    text_file.write_text(sentence, encoding="utf-8")
    result = runner.invoke(app, ["glossary", "match", str(text_file), "--glossary", str(NAMES)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    got = [(row["text"], row["korean"]) for row in rows]
    assert got == [tuple(e) for e in expected]
    for row in rows:  # offsets are character offsets into the text
        assert sentence[row["start"]:row["end"]] == row["text"]
        assert row["english"]


def test_match_reads_stdin(runner: CliRunner):
    result = runner.invoke(app, ["glossary", "match", "-g", str(NAMES)], input="천성우 기자가 썼다.\n")
    assert result.exit_code == 0
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (row["start"], row["end"], row["korean"], row["english"]) == (0, 6, "천성우", "Chun Sung-woo")


def test_match_offsets_across_lines(runner: CliRunner):
    text = "첫 줄입니다.\n둘째 줄에 모스크바가 있다.\n"
    result = runner.invoke(app, ["glossary", "match", "-g", str(NAMES)], input=text)
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert text[row["start"]:row["end"]] == "모스크바"


GLOSSARY = Glossary(entries=[
    Term("김문수", "Kim Moon-soo", ("김 지사",), ("Kim Mun-su",), "person"),
    Term("이란", "Iran", kind="place"),
    Term("코리아헤럴드", "The Korea Herald", kind="organisation"),
    Term("러시아기술공사", "Russian Technologies State Corp.", kind="organisation"),
])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kim Moon-soo said", [("Kim Moon-soo", False)]),
        ("Kim Moonsoo said", [("Kim Moonsoo", False)]),
        ("Kim Moon Soo said", [("Kim Moon Soo", False)]),
        ("KIM MOON-SOO said", [("KIM MOON-SOO", False)]),
        ("Kim Moon-soo's visit", [("Kim Moon-soo", False)]),
        ("Kim Mun-su met", [("Kim Mun-su", True)]),
        ("Iran and I ran away", [("Iran", False)]),
        ("Iranian oil", []),
        ("in the Korea Herald", [("the Korea Herald", False)]),  # a case variant: found, enforcement normalises it
        ("The Korea Herald reported", [("The Korea Herald", False)]),
        ("Russian Technologies State Corp. signed", [("Russian Technologies State Corp.", False)]),
        ("Russian Technologies State Corp signed", [("Russian Technologies State Corp", False)]),
        ("김문수는 Kim Moon-soo를 만났다", [("Kim Moon-soo", False)]),
    ],
)
def test_english_matching(text: str, expected):
    got = [(m.text, m.wrong) for m in find_terms(GLOSSARY, text, "en")]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "surface", "lang", "present"),
    [
        ("Gov. Kim Moonsoo's plan", "Kim Moon-soo", "en", True),
        ("Kim Moon Soo arrived", "Kim Moon-soo", "en", True),
        ("Kim Moo nsoo arrived", "Kim Moon-soo", "en", False),
        ("Korean firms", "Korea", "en", False),
        ("Korea's firms", "Korea", "en", True),
        ("in moscow", "Moscow", "en", True),
        ("경기도지사는 말했다", "경기도", "ko", True),
        ("러시아 기술공사와", "러시아기술공사", "ko", True),
        ("한국어 수업", "한국", "ko", False),
        ("사랑이란", "이란", "ko", False),
    ],
)
def test_contains_term(text: str, surface: str, lang: str, present: bool):
    assert contains_term(text, surface, lang) is present


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        ("김문수", "는", "는"), ("김문수", "은", "는"), ("한국", "는", "은"),
        ("경기도", "이", "가"), ("한국", "가", "이"),
        ("모스크바", "을", "를"), ("러시아기술공사", "을", "를"), ("한국", "를", "을"),
        ("러시아", "과", "와"), ("한국", "와", "과"),
        ("한국", "로", "으로"), ("모스크바", "으로", "로"), ("서울", "으로", "로"),  # ㄹ takes 로
        ("경기도", "으로는", "로는"), ("한국", "와의", "과의"),
        ("제1", "은", "은"),  # 일: final ㄹ
        ("Moscow", "은", "은"),  # not Hangul: unchanged
    ],
)
def test_particle_agreement(word: str, particle: str, expected: str):
    assert agree(word, particle) == expected


@pytest.mark.parametrize(
    ("rest", "ok"),
    [("", True), ("는", True), ("에서는", True), ("과의", True), ("에게서", True), ("으로는", True),
     ("까지도", True), ("였다", True), ("어", False), ("은행", False), ("민", False)],
)
def test_particle_grammar(rest: str, ok: bool):
    assert rest_is_particles(rest) is ok


def test_normalise_offsets():
    norm, offsets = normalise("러시아 기술 공사", "ko")
    assert norm == "러시아기술공사"
    assert [offsets[0], offsets[3], offsets[5]] == [0, 4, 7]
    norm, _ = normalise("Kim Moon-soo Corp.", "en")
    assert norm == "kimmoonsoocorp"


def test_names_glossary_covers_the_seed_article():
    seed = (ROOT / "corpora/seed/articles/koreaherald-2012-10-25-gyeonggi-russian-tech.ko.txt").read_text(encoding="utf-8")
    found = {m.term.korean.strip() for m in find_terms(load_glossary(NAMES), seed, "ko")}
    for name in ("김문수", "경기도", "경기도청", "러시아기술공사", "알료신 알렉세이 블라디슬라보비치", "모스크바",
                 "바우만 모스크바 국립공과대학", "이반 A. 아르하로프", "최준영", "한국산업기술대학교", "천성우",
                 "코리아헤럴드", "노벨상", "제1부사장", "국제담당 부총장", "총장", "경기도지사", "러시아", "한국"):
        assert name in found, name


@pytest.mark.parametrize(
    ("word", "at", "boundary"),
    [
        ("러시아연방", 3, True),  # a two-syllable noun follows
        ("모스크바였다", 4, True),  # copula
        ("이란성", 2, False),  # derivational suffix: fraternal (twins), not Iran
        ("포르투갈어를", 4, False),  # the Portuguese language
        ("로스비", 2, False),  # Rossby, not Ross + 비
        ("한국어", 2, False),  # one morpheme
    ],
)
def test_analyser_fallback(word: str, at: int, boundary: bool):
    from bilingual.glossary.korean import kiwi_boundary

    assert kiwi_boundary(word, at) is boundary


def test_foreign_name_suffixes_are_compounds():
    glossary = Glossary(entries=[Term("모리스", "Maurice", kind="person"), Term("워싱턴", "Washington", kind="place")])
    got = [m.text for m in find_terms(glossary, "모리스씨는 워싱턴주에서 모리스비를 만났다.", "ko")]
    assert got == ["모리스", "워싱턴"]


def test_decomposed_hangul_is_matched_with_original_offsets():
    import unicodedata

    text = unicodedata.normalize("NFD", "김문수 경기도지사는 모스크바에서")
    got = [(m.text, m.term.korean) for m in find_terms(load_glossary(NAMES), text, "ko")]
    assert [(unicodedata.normalize("NFC", t), k) for t, k in got] == [
        ("김문수", "김문수"), ("경기도지사", "경기도지사"), ("모스크바", "모스크바")]
    assert all(t == unicodedata.normalize("NFD", k) for t, k in got)  # spans of the original text


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("김\u200b문수는 말했다", "ko", ["김\u200b문수"]),  # zero-width space inside the name
        ("김문수\u200b지사는 로스텍과", "ko", ["김문수\u200b지사", "로스텍"]),  # between term and compound head
        ("\ufeff김문수는", "ko", ["김문수"]),  # a BOM before: the span starts at the name
        ("모스\u00ad크바에서", "ko", ["모스\u00ad크바"]),  # soft hyphen
        ("Kim Moon\u00adsoo said", "en", ["Kim Moon\u00adsoo"]),
        ("Kim\u2060 Moon-soo said", "en", ["Kim\u2060 Moon-soo"]),  # word joiner
        ("Mos\u200bcow\u200b's streets", "en", ["Mos\u200bcow"]),
        ("Moscow\u200bian food", "en", []),  # an invisible character does not end a word
    ],
)
def test_invisible_characters_are_read_through(text: str, lang: str, expected: list[str]):
    matches = find_terms(load_glossary(NAMES), text, lang)
    assert [m.text for m in matches] == expected
    assert all(text[m.start:m.end] == m.text for m in matches)


def test_glossary_surface_with_an_invisible_character_still_matches():
    glossary = Glossary(entries=[Term("김\u200b문수", "Kim Moon-soo", kind="person")])
    assert [m.text for m in find_terms(glossary, "김문수는", "ko")] == ["김문수"]
    assert contains_term("Kim Moon\u00adsoo said", "Kim Moon-soo", "en")
