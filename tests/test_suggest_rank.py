"""``bilingual.glossary.suggest``: candidate spans on both sides, ranking, and the ``suggest`` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.errors import InputError
from bilingual.glossary import parse
from bilingual.glossary.suggest import english_candidates, romanise, sound_similarity, suggest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "text,present,absent",
    [
        ("Welsh AMs worried about the Welsh Parliament.", {"Welsh Parliament", "Welsh", "Parliament"}, {"AMs worried"}),
        ("Tiffany Ng of the University of Michigan said", {"Tiffany Ng", "University of Michigan", "Michigan"}, {"of the University"}),
        ("Kavanaugh's hearing", {"Kavanaugh"}, {"Kavanaugh's"}),
        ("The U.S. and China", {"U.S.", "China"}, {"The"}),
        ("He said Sergio García won.", {"Sergio García", "García"}, {"He", "He said"}),
        ("In June, the plan failed.", {"June"}, {"In", "In June"}),
    ],
)
def test_english_candidates(text, present, absent):
    spans = english_candidates(text)
    assert present <= spans
    assert not (absent & spans)


@pytest.mark.parametrize(
    "korean,english,close",
    [
        ("캐버노", "Kavanaugh", True),
        ("트럼프", "Trump", True),
        ("팔루", "Palu", True),
        ("캐버노", "Indonesia", False),
        ("트럼프", "Holly Willoughby", False),
    ],
)
def test_sound_similarity(korean, english, close):
    score = sound_similarity(korean, english)
    assert (score >= 0.6) is close, score


def test_romanise():
    assert romanise("김문수") == "gimmunsu"
    assert romanise("A 팔루") == "A pallu"


KO = [
    "트럼프 대통령은 팔루를 방문했다.",
    "트럼프는 기자들에게 말했다.",
    "팔루에서 지진이 일어났다.",
    "캐버노 판사는 부인했다.",
    "캐버노는 청문회에 나왔다.",
    "트럼프는 캐버노를 지지했다.",
    "팔루 주민들은 대피했다.",
    "그는 아무 말도 하지 않았다.",
]
EN = [
    "President Trump visited Palu.",
    "Trump told reporters.",
    "An earthquake struck Palu.",
    "Judge Kavanaugh denied it.",
    "Kavanaugh appeared at the hearing.",
    "Trump backed Kavanaugh.",
    "Residents of Palu evacuated.",
    "He said nothing.",
]


def test_suggest_pairs_names_by_co_occurrence():
    rows = suggest(KO, EN)
    pairs = {(s.korean, s.english) for s in rows}
    assert {("트럼프", "Trump"), ("팔루", "Palu"), ("캐버노", "Kavanaugh")} <= pairs
    top = rows[0]
    assert top.pair_count == 3 and top.korean_count == 3 and top.english_count == 3
    # competitive linking: no English span is proposed twice
    assert len({s.english for s in rows}) == len(rows)


def test_suggest_min_count_and_top():
    assert suggest(KO, EN, min_count=4) == []
    assert len(suggest(KO, EN, top=2)) == 2


@pytest.mark.parametrize("ko,en,message", [(KO, EN[:-1], "differ in length"), ([], [], "no segments")])
def test_suggest_bad_input(ko, en, message):
    with pytest.raises(InputError, match=message):
        suggest(ko, en)


def test_suggest_command_table_and_glossary_rows(tmp_path):
    ko, en = tmp_path / "ko.txt", tmp_path / "en.txt"
    ko.write_text("\n".join(KO) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    runner = CliRunner()
    table = runner.invoke(app, ["glossary", "suggest", "--source", str(ko), "--target", str(en), "--top", "3"])
    assert table.exit_code == 0, table.output
    lines = table.stdout.strip().splitlines()
    assert lines[0].startswith("rank\tkorean\tenglish")
    assert len(lines) == 4
    rows = runner.invoke(app, ["glossary", "suggest", "-s", str(ko), "-t", str(en), "--as-glossary"])
    assert rows.exit_code == 0, rows.output
    glossary = parse(rows.stdout, "tsv")
    assert {(t.korean, t.english) for t in glossary.terms} >= {("트럼프", "Trump"), ("팔루", "Palu")}


def test_suggest_on_ntrex_finds_the_frequent_names():
    from bilingual.corpus.folder import load_corpus

    corpus = load_corpus(REPO / "corpora" / "ntrex128")
    rows = suggest(corpus.side("ko"), corpus.side("en"), top=30)
    pairs = {(s.korean, s.english) for s in rows}
    assert {("트럼프", "Trump"), ("팔루", "Palu"), ("브렛 캐버노", "Brett Kavanaugh"), ("인도네시아", "Indonesia")} <= pairs
    scores = [s.score for s in rows]
    assert scores == sorted(scores, reverse=True)
