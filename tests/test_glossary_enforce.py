"""Glossary enforcement: repairs on given outputs, and end to end through a tiny random model (must-show 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual.glossary import load_glossary
from bilingual.glossary.enforce import Enforcer
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
    if expected is not None:
        assert text == expected
    assert [(e.target, e.status) for e in got] == [(t, s) for t, s, _d in events]
    for event, (_t, _s, detail) in zip(got, events):
        assert detail in event.detail
        assert source[event.start:event.end] == event.matched
    for term, _s, _d in events:
        assert term in text


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
    import json

    from typer.testing import CliRunner

    from bilingual.cli.app import app

    report = tmp_path / "report.json"
    output = tmp_path / "out.en.txt"
    result = CliRunner().invoke(app, [
        "translate", str(SEED_KO), "--model", str(tiny_marian_ko_en), "--glossary", str(NAMES),
        "--report", str(report), "--strict", "--beams", "1", "--max-length", "16", "-q", "-o", str(output),
    ])
    assert result.exit_code == 0, result.output
    segments = json.loads(report.read_text(encoding="utf-8"))["segments"]
    events = [(s, t) for s in segments for t in s["terms"]]
    expected = [m.term.korean.strip() for s in segments for m in find_terms(names, s["source"], "ko")]
    assert [t["source"] for _s, t in events] == expected
    assert len(set(expected)) >= 19
    for segment, term in events:
        assert term["status"] in ("applied", "repaired")
        assert term["target"] in segment["output"]
    text = output.read_text(encoding="utf-8")
    for target in {t["target"] for _s, t in events}:
        assert target in text
