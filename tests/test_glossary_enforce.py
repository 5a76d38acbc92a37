"""Glossary enforcement: repairs on given outputs, and end to end through a tiny random model (must-show 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual.glossary import load_glossary
from bilingual.glossary.enforce import Enforcer, repeated_beside, same_word
from bilingual.glossary.hooks import NOTICE_STATUSES
from bilingual.glossary.match import find_terms

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "glossaries" / "names.tsv"
SEED_KO = ROOT / "corpora/seed/articles/koreaherald-2012-10-25-gyeonggi-russian-tech.ko.txt"


@pytest.fixture(scope="module")
def names():
    return load_glossary(NAMES)


KO_EN = [
    # (source, engine output, repaired output, [(term, status, detail fragment)])
    ("김문수 지사는 모스크바를 방문했다.", "Gov. Kim Moon-soo visited Moscow.", "Gov. Kim Moon-soo visited Moscow.",
     [("Kim Moon-soo", "applied", ""), ("Moscow", "applied", "")]),
    ("김문수 지사는 모스크바를 방문했다.", "Kim Mun-su visited moscow.", "Kim Moon-soo visited Moscow.",
     [("Kim Moon-soo", "repaired", "wrong rendering 'Kim Mun-su'"), ("Moscow", "repaired", "variant 'moscow'")]),
    ("김문수 지사는 모스크바를 방문했다.", "KIM MOONSOO visited Moskva.", "Kim Moon-soo visited Moscow.",
     [("Kim Moon-soo", "repaired", "variant 'KIM MOONSOO'"), ("Moscow", "repaired", "wrong rendering 'Moskva'")]),
    ("러시아기술공사와 협약을 맺었다.", "He signed a deal with Russian Technology Corporation.",
     "He signed a deal with Russian Technologies State Corp..", [("Russian Technologies State Corp.", "repaired", "wrong")]),
    ("러시아기술공사와 협약을 맺었다.", "He signed a deal.", None, [("Russian Technologies State Corp.", "repaired", "inserted")]),
    ("도내 한국 기업들과 연결한다.", "It links Korean firms in the province.", "It links Korean firms in the province.",
     [("Korea", "applied", "adjective 'Korean'")]),
    ("모스크바 시민들은 모스크바를 사랑한다.", "Moscow residents love it.", None,
     [("Moscow", "applied", ""), ("Moscow", "repaired", "inserted")]),
    ("코리아헤럴드", "", "The Korea Herald", [("The Korea Herald", "repaired", "inserted")]),
]


@pytest.mark.parametrize(("source", "output", "expected", "events"), KO_EN)
def test_ko_en_repairs(names, source, output, expected, events):
    enforcer = Enforcer(names, "ko", "en")
    prepared = enforcer.prepare(source)
    text, got = enforcer.finish(prepared, output)
    got = [e for e in got if e.is_term]
    if expected is not None:
        assert text == expected
    assert [(e.target, e.status) for e in got] == [(t, s) for t, s, _d in events]
    for event, (_t, _s, detail) in zip(got, events):
        assert detail in event.detail
        assert source[event.start:event.end] == event.matched
    for term, _s, _d in events:
        assert term in text


# ------------------------------------------------------------------ no duplicates: real gemma3-270m outputs

# The engine's answers behind eval/real_model/seed.glossary.report.json (gemma3-270m, names.tsv): the
# report's outputs with the terms the enforcer inserted taken out again.
RAW = ROOT / "eval" / "real_model" / "seed.glossary.raw.jsonl"
SEED_RAW = [json.loads(line) for line in RAW.read_text(encoding="utf-8").splitlines()]
SEG_PROVINCE, SEG_PHOTO = SEED_RAW[4], SEED_RAW[6]
RTSC_SOURCE = SEG_PROVINCE["source"]  # 김문수 경기도지사는 금요일 러시아기술공사와 … 경기도청이 목요일 밝혔다.

PARTIALS = [
    # (source, engine output, repaired output, [(term, detail fragment)] of the terms repaired)
    (SEG_PROVINCE["source"], SEG_PROVINCE["raw"],
     "Kim Moon-soo Gyeonggi Gov. of the Gyeonggi provincial office said on the Russian Technologies State Corp. "
     "and the agreement on investment in technology cooperation.",
     [("Gyeonggi Gov.", "partial rendering 'Gyeonggi Governor'"),
      ("Gyeonggi provincial office", "partial rendering 'Gyeonggi Province'")]),
    (SEG_PHOTO["source"], SEG_PHOTO["raw"], None,
     [("Gyeonggi Gov.", "partial rendering 'Gyeonggi Governor'"), ("Moscow", "inserted"),
      ("first deputy director general", "inserted")]),
    (RTSC_SOURCE,
     "Gyeonggi Governor Kim Moon-soo will sign an MOU with the Russian Technologies State Corporation on Friday, "
     "the provincial office said.",
     "Gyeonggi Gov. Kim Moon-soo will sign an MOU with the Russian Technologies State Corp. on Friday, "
     "the Gyeonggi provincial office said.",
     [("Gyeonggi Gov.", "'Gyeonggi Governor'"), ("Russian Technologies State Corp.", "'Russian Technologies State Corporation'"),
      ("Gyeonggi provincial office", "'provincial office'")]),
    # one full stop ends the abbreviation and the sentence
    ("러시아기술공사와 협약을 맺었다.", "He signed a deal with Russian Technologies State Corporation.",
     "He signed a deal with Russian Technologies State Corp.",
     [("Russian Technologies State Corp.", "'Russian Technologies State Corporation'")]),
    # a word that only shares letters is not part of the term: inserted, apart from its own words
    ("김문수 경기도지사는 말했다.", "Kim Moon-soo, the Gyeonggi Province chief, said.", None, [("Gyeonggi Gov.", "inserted")]),
]


@pytest.mark.parametrize(("source", "output", "expected", "repaired"), PARTIALS)
def test_partial_rendering_is_replaced_not_doubled(names, source, output, expected, repaired):
    enforcer = Enforcer(names, "ko", "en")
    text, events = enforcer.finish(enforcer.prepare(source), output)
    if expected is not None:
        assert text == expected
    got = [(e.target, e.detail) for e in events if e.status == "repaired"]
    assert [t for t, _d in got] == [t for t, _d in repaired]
    for (_t, detail), (_e, fragment) in zip(got, repaired):
        assert fragment in detail
    for event in events:
        if event.is_term:
            assert event.target in text
            assert repeated_beside(text, event.target) == []


@pytest.mark.parametrize("row", SEED_RAW, ids=[f"segment {r['segment']}" for r in SEED_RAW])
def test_real_outputs_get_no_duplicates(names, row):
    enforcer = Enforcer(names, "ko", "en")
    text, events = enforcer.finish(enforcer.prepare(row["source"]), row["raw"])
    terms = [e for e in events if e.is_term]
    assert all(e.status in ("applied", "repaired") and e.target in text for e in terms)
    assert [w for e in terms for w in repeated_beside(text, e.target)] == []


def test_the_recorded_outputs_had_duplicates():
    """What the enforcer made of the same answers before: a term put beside a variant of itself."""
    doubled = [(r["segment"], w) for r in SEED_RAW for t in ("Gyeonggi Gov.", "Korea Polytechnic University")
               for w in repeated_beside(r["recorded"], t)]
    assert doubled == [(4, "Gyeonggi"), (6, "Gyeonggi"), (11, "University")]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("Gov.", "Governor", True), ("Corp.", "Corporation", True), ("Technologies", "Technology", True),
     ("Russian", "Russia", True), ("KOREA", "Korea's", True), ("Gov", "Governor", False),
     ("State", "Statement", False), ("International", "Internal", False), ("Province", "provincial", True)],
)
def test_same_word(a, b, same):
    assert same_word(a, b) is same


# ------------------------------------------------------------------ notices: Hangul left, unknown names


def test_hangul_left_in_english_output_is_reported(names):
    enforcer = Enforcer(names, "ko", "en")
    text, events = enforcer.finish(enforcer.prepare(SEG_PHOTO["source"]), SEG_PHOTO["raw"])
    left = [e for e in events if e.status == "hangul-left"]
    assert [e.matched for e in left] == ["오른쪽", "오른쪽"]
    assert all(SEG_PHOTO["source"][e.start:e.end] == "오른쪽" and not e.is_term for e in left)
    _, events = enforcer.finish(enforcer.prepare("모스크바를 방문했다."), "He visited 모스크바 and 서울.")
    assert [(e.matched, e.start) for e in events if e.status == "hangul-left"] == [("모스크바", 0), ("서울", -1)]
    _, events = enforcer.finish(enforcer.prepare("그는 떠났다."), "그는 떠났다.")  # no term in the source
    assert [(e.status, e.matched) for e in events] == [("hangul-left", "그는 떠났다")]


def test_korean_output_has_no_hangul_notice(names):
    enforcer = Enforcer(names, "en", "ko")
    _, events = enforcer.finish(enforcer.prepare("Kim Moon-soo visited Moscow."), "김문수는 모스크바를 방문했다.")
    assert [e.status for e in events] == ["applied", "applied"]


def test_unknown_names_are_reported_not_missed(names):
    enforcer = Enforcer(names, "ko", "en", insert_missing=False)
    source = "푸틴 대통령과 김문수 지사가 한-러 협력을 논의했다."
    text, events = enforcer.finish(enforcer.prepare(source), "Putin and Kim Moon-soo discussed cooperation.")
    assert [(e.status, e.matched) for e in events] == [("applied", "김문수 지사"), ("unknown-name", "푸틴"), ("unknown-name", "한-러")]
    for event in events[1:]:
        assert source[event.start:event.end] == event.matched == event.source and not event.is_term
    assert text == "Putin and Kim Moon-soo discussed cooperation."
    _, events = enforcer.finish(enforcer.prepare(SEED_KO.read_text(encoding="utf-8")), "")
    assert not [e for e in events if e.status == "unknown-name"]  # names.tsv covers the seed article's names


def test_insert_missing_off_reports_missed(names):
    enforcer = Enforcer(names, "ko", "en", insert_missing=False)
    prepared = enforcer.prepare("천성우 기자")
    text, events = enforcer.finish(prepared, "By a reporter")
    assert text == "By a reporter"
    assert [(e.source, e.target, e.status) for e in events] == [("천성우", "Chun Sung-woo", "missed")]


def test_insertion_never_splits_a_term(names):
    enforcer = Enforcer(names, "ko", "en")
    prepared = enforcer.prepare("김문수 경기도지사는 러시아기술공사와 만났다.")
    text, _ = enforcer.finish(prepared, "Kim Moon-soo met someone today.")
    assert "Kim Moon-soo" in text and "Gyeonggi Gov." in text and "Russian Technologies State Corp." in text


def test_source_substitution(names):
    enforcer = Enforcer(names, "ko", "en")
    prepared = enforcer.prepare("김문수 경기도지사는 러시아 기술공사와 협약을 맺는다.")
    assert prepared.model_input == "Kim Moon-soo Gyeonggi Gov.는 Russian Technologies State Corp.와 협약을 맺는다."
    assert prepared.source == "김문수 경기도지사는 러시아 기술공사와 협약을 맺는다."
    plain = Enforcer(names, "ko", "en", substitute=False).prepare("김문수는")
    assert plain.model_input == "김문수는"


EN_KO = [
    # English left in the Korean output is replaced, and the particle after it agrees
    ("Kim Moon-soo visited Moscow.", "Kim Moon-soo은 Moscow으로 갔다.", "김문수는 모스크바로 갔다."),
    ("Kim Moon-soo visited Korea.", "Kim Mun-su가 Korea를 방문했다.", "김문수가 한국을 방문했다."),
    ("Korea and Russia", "Korea와 Russia과", "한국과 러시아와"),
    ("They went to Korea.", "그들은 Korea로 갔다.", "그들은 한국으로 갔다."),
    ("They went to Gyeonggi Province.", "그들은 Gyeonggi Province으로 갔다.", "그들은 경기도로 갔다."),
    # a Korean term already there with the wrong particle
    ("Moscow and Korea", "모스크바과 한국와", "모스크바와 한국과"),
    ("Nobel Prize", "노벨상를 받았다", "노벨상을 받았다"),
    # copula endings are not particles to change
    ("It was Moscow.", "모스크바이다.", "모스크바이다."),
]


@pytest.mark.parametrize(("source", "output", "expected"), EN_KO)
def test_en_ko_particle_agreement(names, source, output, expected):
    enforcer = Enforcer(names, "en", "ko")
    prepared = enforcer.prepare(source)
    text, events = enforcer.finish(prepared, output)
    assert text == expected
    assert events and all(e.status in ("applied", "repaired") for e in events)


def test_en_ko_substitutes_korean_into_the_source(names):
    prepared = Enforcer(names, "en", "ko").prepare("Gyeonggi Gov. Kim Moon-soo's visit to Moscow")
    assert prepared.model_input == "경기도지사 김문수's visit to 모스크바"


# ------------------------------------------------------------------ through the real transformers path


def _segments() -> list[str]:
    return [line for line in SEED_KO.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("direction", ["ko-en", "en-ko"])
def test_seed_article_through_tiny_model(names, direction, tiny_marian_ko_en, tiny_marian_en_ko):
    """Must-show 2: every glossary term of the article applied or repaired, none missed, each in the output."""
    from bilingual.engines import load_engine
    from bilingual.engines.base import GenerationOptions

    source_lang, target_lang = direction.split("-")
    model = tiny_marian_ko_en if direction == "ko-en" else tiny_marian_en_ko
    engine = load_engine(str(model), source_lang=source_lang, target_lang=target_lang)
    enforcer = Enforcer(names, source_lang, target_lang)
    if direction == "ko-en":
        segments = _segments()
    else:
        en = SEED_KO.with_name(SEED_KO.name.replace(".ko.txt", ".en.txt"))
        segments = [line for line in en.read_text(encoding="utf-8").splitlines() if line.strip()]
    prepared = [enforcer.prepare(s) for s in segments]
    outputs = engine.translate_texts([p.model_input for p in prepared], GenerationOptions(beams=1, max_length=24))
    assert len(outputs) == len(segments)
    all_events = []
    for segment, prep, raw in zip(segments, prepared, outputs):
        text, events = enforcer.finish(prep, raw)
        events = [e for e in events if e.is_term]  # the random model's Hangul is reported too: not a term
        expected = find_terms(names, segment, source_lang)
        assert [(e.start, e.end) for e in events] == [(m.start, m.end) for m in expected]
        for event in events:
            assert event.status in ("applied", "repaired"), event
            assert event.target in text
        all_events += events
    if direction == "ko-en":
        found = {e.source for e in all_events}
        assert {"김문수", "경기도", "경기도청", "러시아기술공사", "모스크바", "천성우", "코리아헤럴드", "노벨상",
                "한국산업기술대학교", "바우만 모스크바 국립공과대학", "이반 A. 아르하로프", "최준영"} <= found


def test_translate_cli_report_and_strict(tmp_path: Path, tiny_marian_ko_en, names):
    """Must-show 2 through ``bilingual translate --glossary --report --strict`` (the real CLI and pipeline)."""

    from typer.testing import CliRunner

    from bilingual.cli.app import app

    report = tmp_path / "report.json"
    output = tmp_path / "out.en.txt"
    result = CliRunner().invoke(app, [
        "translate", str(SEED_KO), "--model", str(tiny_marian_ko_en), "--glossary", str(NAMES),
        "--report", str(report), "--strict", "--beams", "1", "--max-length", "16", "-q", "-o", str(output),
    ])
    # Every term is applied, so --strict fails only on what a random-weight model leaves: Hangul
    # in the English (the hangul-left notice), and then writes no output.
    hangul = [t for s in json.loads(report.read_text(encoding="utf-8"))["segments"] for t in s["terms"]
              if t["status"] == "hangul-left"]
    if hangul:
        message = str(result.exception)
        assert result.exit_code == 1 and f"{len(hangul)} run(s) of Hangul left" in message, message
        assert not output.exists()
        result = CliRunner().invoke(app, [
            "translate", str(SEED_KO), "--model", str(tiny_marian_ko_en), "--glossary", str(NAMES),
            "--report", str(report), "--beams", "1", "--max-length", "16", "-q", "-o", str(output),
        ])
    assert result.exit_code == 0, result.output
    segments = json.loads(report.read_text(encoding="utf-8"))["segments"]
    events = [(s, t) for s in segments for t in s["terms"] if t["status"] not in NOTICE_STATUSES]
    expected = [m.term.korean.strip() for s in segments for m in find_terms(names, s["source"], "ko")]
    assert [t["source"] for _s, t in events] == expected
    assert len(set(expected)) >= 19
    for segment, term in events:
        assert term["status"] in ("applied", "repaired")
        assert term["target"] in segment["output"]
    text = output.read_text(encoding="utf-8")
    for target in {t["target"] for _s, t in events}:
        assert target in text
