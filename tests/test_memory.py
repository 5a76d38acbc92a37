"""The translation memory: the SQLite store, Korean fuzzy matching, TMX, the ``tm`` commands and ``translate --tm``."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bilingual.document import Document
from bilingual.errors import InputError
from bilingual.formats import parse
from bilingual.memory.fuzzy import FuzzyIndex, fuzzy_key, numbers
from bilingual.memory.store import TMEntry, TranslationMemory
from bilingual.memory.tmx import read_tmx, render_tmx
from bilingual.testing.fake_engine import FakeEngine
from bilingual.translation.pipeline import Translator

PAIRS = [
    ("경기도 김문수 지사는 23일 러시아를 방문했다.", "Gyeonggi Governor Kim Moon-soo visited Russia on the 23rd."),
    ("로스텍은 러시아의 국영 기업이다.", "Rostec is a Russian state corporation."),
    ("양측은 기술 협력 양해각서를 체결했다.", "The two sides signed a memorandum of understanding on technical cooperation."),
]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bilingual", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    path = tmp_path / "tm.db"
    with TranslationMemory.open(path) as tm:
        assert tm.add(TMEntry(k, e, "ko", "en", origin="test") for k, e in PAIRS) == 3
    return path


# the store --------------------------------------------------------------------


def test_exact_fuzzy_and_miss(memory: Path) -> None:
    with TranslationMemory.open(memory, create=False) as tm:
        [exact] = tm.lookup("경기도  김문수 지사는 23일 러시아를 방문했다.", "ko", "en")  # spacing is not a difference
        assert exact.kind == "exact" and exact.score == 100 and exact.entry.target == PAIRS[0][1]
        [fuzzy] = tm.lookup("로스텍이 러시아의 국영기업이다.", "ko", "en")  # another particle, no space
        assert fuzzy.kind == "fuzzy" and 85 <= fuzzy.score <= 99 and fuzzy.entry.target == PAIRS[1][1]
        assert tm.lookup("서울시는 지하철 요금을 올린다.", "ko", "en") == []
        assert tm.lookup(PAIRS[0][0], "en", "ko") == []  # another direction holds nothing


def test_a_fuzzy_match_with_other_numbers_is_never_given(memory: Path) -> None:
    with TranslationMemory.open(memory) as tm:
        assert tm.lookup("경기도 김문수 지사는 24일 러시아를 방문했다.", "ko", "en", threshold=50) == []
        assert numbers("1,200억 원과 3.5%") == ("1200", "3.5")


def test_duplicates_are_stored_once_and_the_newest_target_wins(memory: Path) -> None:
    with TranslationMemory.open(memory) as tm:
        assert tm.add([TMEntry(PAIRS[1][0], PAIRS[1][1], "KO-kr", "en_US")]) == 0  # languages normalised
        assert tm.add([TMEntry(PAIRS[1][0], "Rostec is Russia's state technology corporation.", "ko", "en")]) == 1
        assert len(tm) == 4
        [match] = tm.lookup(PAIRS[1][0], "ko", "en")
        assert match.entry.target == "Rostec is Russia's state technology corporation."
        assert [(s, t, n) for s, t, n in tm.pairs()] == [("ko", "en", 4)]
        with pytest.raises(InputError, match="unknown language 'fr'"):
            tm.add([TMEntry("a", "b", "fr", "en")])


def _add_many(path: str, start: int) -> None:
    with TranslationMemory.open(path) as tm:
        for i in range(start, start + 40):
            tm.add([TMEntry(f"문장 {i}번", f"Sentence {i}", "ko", "en")])


def test_two_processes_adding_at_once_both_land(tmp_path: Path) -> None:
    path = tmp_path / "tm.db"
    TranslationMemory.open(path).close()
    workers = [multiprocessing.get_context("spawn").Process(target=_add_many, args=(str(path), s)) for s in (0, 40)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    with TranslationMemory.open(path) as tm:
        assert len(tm) == 80


def test_a_version_1_file_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, source_lang TEXT NOT NULL, target_lang TEXT NOT NULL,"
        " source TEXT NOT NULL, target TEXT NOT NULL, source_key TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '',"
        " note TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, UNIQUE (source_lang, target_lang, source_key, target));"
        "PRAGMA user_version = 1;"
    )
    db.execute("INSERT INTO entries VALUES (1, 'ko', 'en', ?, ?, ?, 'add', '', '2026-12-01T00:00:00Z')", (*PAIRS[0], PAIRS[0][0]))
    db.commit()
    db.close()
    with TranslationMemory.open(path) as tm:
        [match] = tm.lookup(PAIRS[0][0], "ko", "en")
        assert match.kind == "exact" and match.entry.origin == "add"
        assert tm.add([TMEntry(*PAIRS[0], "ko", "en")]) == 0 and len(tm) == 1
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2


def test_files_that_are_not_a_memory(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="not an SQLite file"):
        TranslationMemory.open(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(InputError, match="no entries table"):
        TranslationMemory.open(other)
    with pytest.raises(InputError, match="no such file"):
        TranslationMemory.open(tmp_path / "missing.db", create=False)
    with pytest.raises(InputError, match="is a folder"):
        TranslationMemory.open(tmp_path)


def test_a_damaged_memory_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "tm.db"
    with TranslationMemory.open(path) as tm:
        tm.add(TMEntry(f"{k} {i}번", e, "ko", "en") for i in range(300) for k, e in PAIRS)
    with open(path, "r+b") as handle:  # the first page (header and schema) kept, the rows overwritten
        handle.seek(4096)
        handle.write(bytes(range(256)) * 64)
    with TranslationMemory.open(path) as tm, pytest.raises(InputError, match="malformed"):
        list(tm.entries())
    done = cli("tm", "lookup", PAIRS[0][0], "--tm", str(path))
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "malformed" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_fuzzy_keys_and_long_sentences() -> None:
    assert fuzzy_key("김문수 지사는 말했다.") == fuzzy_key("김문수지사가  말했다")
    assert fuzzy_key("Hello, World!") == "helloworld"
    assert fuzzy_key("경기도 지사는말했다") == "경기도지사말했다"  # a particle inside words written together
    assert fuzzy_key("국가가 국가를") == "국가국가"  # a noun ending like a particle keeps it
    assert fuzzy_key("삼성전자(005930)의 주가") == "삼성전자005930주가"
    long = "경기도는 " + " ".join(f"{i}번째 협력 분야를 논의했으며" for i in range(12)) + " 합의했다."
    assert len(long) > 200
    index = FuzzyIndex([PAIRS[0][0], long, PAIRS[2][0]])
    [hit] = index.search(long.replace("합의했다", "합의하였다"), threshold=85)
    assert hit.position == 1 and hit.score > 95  # no length cap on candidates


def test_ntrex_sentences_sent_again_with_small_edits(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("tm_hits", Path(__file__).resolve().parents[1] / "eval" / "bench" / "tm_hits.py")
    tm_hits = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tm_hits)
    from bilingual.memory.io import corpus_entries

    entries = list(corpus_entries("ntrex128", "ko", "en"))[:150]
    with TranslationMemory.open(tmp_path / "tm.db") as tm:
        tm.add(entries)
        result = tm_hits.measure(tm, [e.source for e in entries], [e.target for e in entries], 85.0)
    kinds = result["kinds"]
    assert kinds["unchanged"]["exact"] == kinds["unchanged"]["n"] == 150
    for kind in ("spacing", "particle"):
        row = kinds[kind]
        assert row["miss"] == 0 and row["exact_right"] + row["fuzzy_right"] == row["n"], (kind, row)
    assert kinds["particle"]["fuzzy"] == kinds["particle"]["n"]
    assert kinds["drop-word"]["fuzzy_right"] == kinds["drop-word"]["fuzzy"] > kinds["drop-word"]["n"] * 0.8
    assert kinds["number"]["n"] > 10 and kinds["number"]["miss"] == kinds["number"]["n"]  # never another number


# TMX ----------------------------------------------------------------------------

OTHER_TOOL_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
<header creationtool="OmegaT" srclang="*all*" adminlang="EN-US" datatype="plaintext" segtype="sentence" o-tmf="OmegaT"/>
<body>
<tu tuid="7"><prop type="x-domain">news</prop>
  <tuv lang="EN-US"><seg>Governor Kim Moon-soo said.</seg></tuv>
  <tuv xml:lang="ja"><seg>金文洙知事は言った。</seg></tuv>
  <tuv xml:lang="KO-KR"><seg>김문수 <bpt i="1">&lt;b&gt;</bpt>지사<ept i="1">&lt;/b&gt;</ept>가 말했다.</seg></tuv>
</tu>
<tu><tuv xml:lang="ko_KR"><seg>한쪽만 있는 단위</seg></tuv></tu>
</body></tmx>
"""


def test_tmx_from_another_tool(tmp_path: Path) -> None:
    path = tmp_path / "omegat.tmx"
    path.write_text(OTHER_TOOL_TMX, encoding="utf-8")
    [entry] = list(read_tmx(path))
    assert entry.source == "김문수 지사가 말했다."  # the other tool's inline codes are not text
    assert entry.target == "Governor Kim Moon-soo said."
    assert entry.note == "x-domain: news" and entry.origin == "tmx:omegat.tmx"
    [back] = list(read_tmx(path, source_lang="en", target_lang="ko"))
    assert back.source == "Governor Kim Moon-soo said."


def test_tmx_round_trip(tmp_path: Path) -> None:
    entries = [TMEntry(k, e, "ko", "en", origin="test", note="n" if i else "") for i, (k, e) in enumerate(PAIRS)]
    path = tmp_path / "out.tmx"
    path.write_bytes(render_tmx(entries, source_lang="ko"))
    back = list(read_tmx(path, origin="test"))
    assert [(e.source, e.target, e.note) for e in back] == [(e.source, e.target, e.note) for e in entries]


def test_tmx_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.tmx"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="ko"><seg>&x;</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="declares entities"):
        list(read_tmx(path))


# the commands -------------------------------------------------------------------


def test_tm_commands(tmp_path: Path) -> None:
    tm = tmp_path / "tm.db"
    tmx = tmp_path / "omegat.tmx"
    tmx.write_text(OTHER_TOOL_TMX, encoding="utf-8")
    done = cli("tm", "import", str(tmx), "--tm", str(tm))
    assert done.returncode == 0 and "1 new entries from 1 pairs" in done.stdout, done.stderr
    done = cli("tm", "add", "--source", PAIRS[1][0], "--target", PAIRS[1][1], "--tm", str(tm))
    assert done.returncode == 0 and "added" in done.stdout
    done = cli("tm", "lookup", "로스텍이 러시아의 국영기업이다.", "--tm", str(tm))
    assert done.returncode == 0 and "fuzzy" in done.stdout and PAIRS[1][1] in done.stdout
    assert cli("tm", "lookup", "전혀 다른 문장", "--tm", str(tm)).returncode == 1
    done = cli("tm", "stats", "--tm", str(tm))
    assert "2 entries" in done.stdout and "ko->en: 2" in done.stdout
    out = tmp_path / "export.tmx"
    done = cli("tm", "export", str(out), "--tm", str(tm))
    assert done.returncode == 0 and {e.target for e in read_tmx(out)} == {PAIRS[1][1], "Governor Kim Moon-soo said."}
    done = cli("tm", "import", "ntrex128", "--tm", str(tm))
    assert done.returncode == 0 and "1997 new entries" in done.stdout, done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tm", "stats", "--tm", "{tmp}/missing.db"], "no such file"),
        (["tm", "lookup", "x", "--tm", "{tmp}/bad.db"], "not an SQLite file"),
        (["tm", "import", "{tmp}/bad.db", "--tm", "{tmp}/bad.db"], "refusing to overwrite an input"),
        (["tm", "export", "{tmp}/tm.db", "--tm", "{tmp}/tm.db"], "refusing to overwrite an input"),
        (["tm", "lookup", "x", "--tm", "{tmp}/tm.db", "--threshold", "0"], "--threshold must be above 0"),
        (["tm", "add", "--source", " ", "--target", "x", "--tm", "{tmp}/tm.db"], "must both hold text"),
        (["tm", "stats", "--tm", "{tmp}/tm.db", "--from", "fr"], "No such option"),
        (["tm", "import", "{tmp}/missing.tmx", "--tm", "{tmp}/tm.db"], "no such file"),
    ],
)
def test_tm_errors_are_one_line(tmp_path: Path, memory: Path, args: list[str], message: str) -> None:
    (tmp_path / "bad.db").write_text("not sqlite", encoding="utf-8")
    done = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    if "Usage" not in done.stderr:
        assert len(done.stderr.strip().splitlines()) == 1


# translate --tm -------------------------------------------------------------------

ARTICLE = "러시아 방문\n\n로스텍이 러시아의 국영기업이다. 서울시는 지하철 요금을 올린다.\n\n양측은 기술 협력 양해각서를 체결했다.\n"


def test_the_engine_sees_only_what_the_memory_lacks(memory: Path) -> None:
    engine = FakeEngine("ko", "en")
    with TranslationMemory.open(memory) as tm:
        translator = Translator(engine, memory=tm)
        [doc] = parse(ARTICLE, "txt", id="a")
        result = translator.translate_documents([doc])
    sent = [text for batch in engine.batches for text in batch]
    assert sorted(sent) == sorted(["서울시는 지하철 요금을 올린다.", "러시아 방문"])
    origins = {s.source: (s.origin, s.tm_score) for s in result.segments}
    assert origins["양측은 기술 협력 양해각서를 체결했다."] == ("tm-exact", 100.0)
    assert origins["로스텍이 러시아의 국영기업이다."][0] == "tm-fuzzy"
    assert origins["서울시는 지하철 요금을 올린다."] == ("mt", None)
    segments = [s for b in doc.blocks for s in b.segments if s.text.strip()]
    assert {s.origin for s in segments} == {"mt", "tm-exact", "tm-fuzzy"}
    assert result.report()["summary"]["origins"] == {"mt": 2, "tm-fuzzy": 1, "tm-exact": 1}
    assert isinstance(doc, Document) and PAIRS[1][1] in "".join(b.output_text() for b in doc.blocks)


def test_glossary_checks_memory_targets_without_changing_them(memory: Path) -> None:
    from bilingual.glossary import load_glossary
    from bilingual.glossary.enforce import Enforcer

    names = load_glossary(Path(__file__).resolve().parents[1] / "glossaries" / "names.tsv")
    with TranslationMemory.open(memory) as tm:
        translator = Translator(FakeEngine("ko", "en"), Enforcer(names, "ko", "en"), memory=tm)
        [doc] = parse(PAIRS[0][0] + " " + PAIRS[1][0] + "\n", "txt", id="a")
        result = translator.translate_documents([doc])
    kim, rostec = result.segments
    assert (kim.output, rostec.output) == (PAIRS[0][1], PAIRS[1][1])  # the memory's targets, as they are
    assert {e.source: e.status for e in kim.terms if e.is_term}["김문수"] == "applied"
    [missed] = [e for e in rostec.terms if e.is_term and e.status == "missed"]
    assert missed.target == "Russian Technologies State Corp." and "translation memory" in missed.detail


def test_translate_with_tm_through_the_real_model(tiny_marian_ko_en: Path, memory: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.ko.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out, report = tmp_path / "a.en.txt", tmp_path / "report.json"
    done = cli(
        "translate", str(article), "-m", str(tiny_marian_ko_en), "--tm", str(memory), "--tm-threshold", "80",
        "-o", str(out), "--report", str(report), "--beams", "1", "--max-length", "16",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "translation memory: 1 tm-exact, 1 tm-fuzzy, 2 mt segments" in done.stderr
    text = out.read_text(encoding="utf-8")
    assert PAIRS[1][1] in text and PAIRS[2][1] in text
    assert text.count("\n") == ARTICLE.count("\n")
    data = json.loads(report.read_text(encoding="utf-8"))
    by_source = {s["source"]: s for s in data["segments"]}
    assert by_source["양측은 기술 협력 양해각서를 체결했다."]["origin"] == "tm-exact"
    assert by_source["로스텍이 러시아의 국영기업이다."]["origin"] == "tm-fuzzy"
    assert 80 <= by_source["로스텍이 러시아의 국영기업이다."]["tm_score"] < 100
    assert by_source["서울시는 지하철 요금을 올린다."]["origin"] == "mt"
    refused = cli("translate", str(article), "-m", str(tiny_marian_ko_en), "--tm", str(memory), "-o", str(memory))
    assert refused.returncode == 2 and "refusing to overwrite an input" in refused.stderr
    missing = cli("translate", str(article), "-m", str(tiny_marian_ko_en), "--tm", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="story" source-language="ko" target-language="en" datatype="plaintext">
    <body>
      <trans-unit id="u1"><source>로스텍이 러시아의 국영기업이다.</source></trans-unit>
      <trans-unit id="u2"><source>양측은 기술 협력 양해각서를 체결했다.</source></trans-unit>
      <trans-unit id="u3"><source>서울시는 지하철 요금을 올린다.</source></trans-unit>
    </body>
  </file>
</xliff>
"""
PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: en\\n"

msgid "로스텍이 러시아의 국영기업이다."
msgstr ""

msgid "양측은 기술 협력 양해각서를 체결했다."
msgstr ""
"""


def test_xliff_and_po_states_from_the_memory(tiny_marian_ko_en: Path, memory: Path, tmp_path: Path) -> None:
    from translate.storage.pypo import pofile
    from translate.storage.xliff import xlifffile

    (tmp_path / "story.xlf").write_text(XLIFF, encoding="utf-8")
    (tmp_path / "story.po").write_text(PO, encoding="utf-8")
    for name in ("story.xlf", "story.po"):
        done = cli("translate", str(tmp_path / name), "-m", str(tiny_marian_ko_en), "--tm", str(memory),
                   "--from", "ko", "-o", str(tmp_path / f"out-{name}"), "--beams", "1", "--max-length", "16")  # fmt: skip
        assert done.returncode == 0, done.stderr
    units = {u.xmlelement.get("id"): u for u in xlifffile.parsefile(str(tmp_path / "out-story.xlf")).units}
    states = {key: u.xmlelement.find("{*}target").get("state") for key, u in units.items()}
    assert states == {"u1": "needs-review-translation", "u2": "translated", "u3": "translated"}
    assert units["u1"].target == PAIRS[1][1] and units["u2"].target == PAIRS[2][1]
    po = {u.source: u for u in pofile.parsefile(str(tmp_path / "out-story.po")).units if u.source}
    assert po["로스텍이 러시아의 국영기업이다."].isfuzzy() and po["로스텍이 러시아의 국영기업이다."].target == PAIRS[1][1]
    assert not po["양측은 기술 협력 양해각서를 체결했다."].isfuzzy()
