"""``bilingual tm learn`` / ``tm accept``: name corrections from editors become glossary proposals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.errors import InputError
from bilingual.glossary import load_glossary
from bilingual.glossary.io import parse_tsv
from bilingual.memory.learn import accept_review, learn, name_changes, parse_review, review_text
from bilingual.memory.store import TranslationMemory

SOURCES = ["아담 키프는 노동당이 이겼다고 말했다.", "아담 키프가 서울에 왔다.", "같은 문장이다."]
MACHINE = ["Adam Kiff said the Labour Party won.", "Adam Kiff came to Seoul.", "It is the same sentence."]
EDITED = ["Adam Keefe said the Labour Party won.", "Adam Keefe came to Seoul.", "It is the same sentence."]
HEADER = "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def write_sides(folder: Path, sources=SOURCES, machine=MACHINE, edited=EDITED) -> tuple[Path, Path, Path]:
    paths = folder / "ko.txt", folder / "mt.txt", folder / "pe.txt"
    for path, lines in zip(paths, (sources, machine, edited)):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


@pytest.mark.parametrize(
    ("machine", "edited", "expected"),
    [
        ("Adam Kiff said so.", "Adam Keefe said so.", [("Adam Kiff", "Adam Keefe")]),
        ("Senator Diane Feinstein's aide left.", "Senator Dianne Feinstein's aide left.", [("Diane Feinstein", "Dianne Feinstein")]),
        ("He met Bernus Lee and Ari Fleischer.", "He met Berners-Lee and Ari Fleischer.", [("Bernus Lee", "Berners-Lee")]),
        ("Supreme Court Justice Brett Caverno spoke.", "Brett Kavanaugh spoke.", [("Brett Caverno", "Brett Kavanaugh")]),
        ("Googel's China plan.", "Google's China plan.", [("Googel", "Google")]),  # a possessive ends the name
        ("The same text.", "The same text.", []),
        ("He said it.", "She said it.", []),  # pronouns are no names
        ("Kim came to Seoul.", "Seoul welcomed Kim.", []),  # names that moved were not corrected
    ],
)
def test_name_changes(machine: str, edited: str, expected: list[tuple[str, str]]) -> None:
    assert name_changes(machine, edited) == expected


def test_a_corrected_name_is_proposed_with_its_korean() -> None:
    result = learn(SOURCES, MACHINE, EDITED)
    [proposal] = result.proposals
    assert (proposal.korean, proposal.english, proposal.wrong_english) == ("아담 키프", "Adam Keefe", ("Adam Kiff",))
    assert proposal.segments == (1, 2) and proposal.consistency == 1.0
    assert len(result.pairs) == 3 and result.changed == 2


def test_identical_mt_and_pe_propose_nothing() -> None:
    result = learn(SOURCES, EDITED, EDITED)
    assert result.proposals == () and result.corrections == () and result.changed == 0
    assert len(result.pairs) == 3  # approved segments are still learnt


def test_a_right_glossary_row_is_not_proposed() -> None:
    glossary = parse_tsv(HEADER + "아담 키프\tAdam Keefe\t\tAdam Kiff\tperson\tapproved\t\n")
    result = learn(SOURCES, MACHINE, EDITED, glossary=glossary)
    assert result.proposals == () and result.skipped_known == 1


def test_a_glossary_row_the_mt_got_wrong_gains_the_wrong_form() -> None:
    glossary = parse_tsv(HEADER + "아담 키프\tAdam Keefe\t\t\tperson\tapproved\t\n")
    [proposal] = learn(SOURCES, MACHINE, EDITED, glossary=glossary).proposals
    assert (proposal.korean, proposal.english, proposal.wrong_english, proposal.kind) == (
        "아담 키프", "Adam Keefe", ("Adam Kiff",), "person"
    )
    assert "adds to the glossary row" in proposal.note


def test_review_rows_round_trip_and_no_rejects() -> None:
    text = review_text(learn(SOURCES, MACHINE, EDITED).proposals)
    [row] = parse_review(text, name="r.tsv")
    assert row.accepted and row.term.english == "Adam Keefe" and row.term.wrong_english == ("Adam Kiff",)
    rejected = text.replace("\t\t2 segments", "\tno\t2 segments")
    assert not parse_review(rejected, name="r.tsv")[0].accepted


def test_accept_merges_into_an_existing_row(tmp_path: Path) -> None:
    glossary = tmp_path / "g.tsv"
    glossary.write_text(HEADER + "아담 키프\tAdam Keefe\t\tAdam Kif\tperson\tapproved\tcoach\n", encoding="utf-8")
    review = tmp_path / "r.tsv"
    review.write_text(review_text(learn(SOURCES, MACHINE, EDITED).proposals), encoding="utf-8")
    result = accept_review(review, glossary)
    assert (result.added, result.merged) == (0, 1)
    [term] = load_glossary(glossary).terms
    assert term.wrong_english == ("Adam Kif", "Adam Kiff") and term.kind == "person" and term.note == "coach"
    assert accept_review(review, glossary).unchanged == 1  # accepting twice changes nothing


def test_learn_review_accept_end_to_end_keeps_bom_and_crlf(tmp_path: Path) -> None:
    ko, mt, pe = write_sides(tmp_path)
    glossary = tmp_path / "g.tsv"
    original = "\ufeff" + (HEADER + "노동당\tLabour Party\t\t\torganisation\tapproved\t\n").replace("\n", "\r\n")
    glossary.write_bytes(original.encode("utf-8"))
    review, tm = tmp_path / "review.tsv", tmp_path / "tm.db"
    code, _ = run("tm", "learn", "--source", str(ko), "--mt", str(mt), "--edited", str(pe),
                  "--glossary", str(glossary), "--tm", str(tm), "--review", str(review))
    assert code == 0
    rows = review.read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t")[-2:] == ["accept", "evidence"] and rows[1].startswith("아담 키프\tAdam Keefe\t")
    with TranslationMemory.open(tm) as memory:
        assert {(e.source, e.target, e.origin) for e in memory.entries()} == {
            (s, e, "learn") for s, e in zip(SOURCES, EDITED)
        }
    code, output = run("tm", "accept", str(review), "--glossary", str(glossary))
    assert code == 0 and "1 rows added" in output
    data = glossary.read_bytes()
    assert data.startswith(original.encode("utf-8"))  # the old rows byte for byte, BOM first
    assert data.endswith("아담 키프\tAdam Keefe\t\tAdam Kiff\tother\tapproved\t\r\n".encode("utf-8"))
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_learn_through_the_real_model_feeds_translate(tiny_marian_ko_en: Path, tmp_path: Path) -> None:
    ko = tmp_path / "ko.txt"
    ko.write_text("\n".join(SOURCES) + "\n", encoding="utf-8")
    mt = tmp_path / "mt.txt"
    code, _ = run("translate", str(ko), "-o", str(mt), "--model", str(tiny_marian_ko_en), "--quiet")
    assert code == 0
    machine = mt.read_text(encoding="utf-8").splitlines()
    assert len(machine) == len(SOURCES)
    pe = tmp_path / "pe.txt"
    pe.write_text("\n".join(EDITED) + "\n", encoding="utf-8")
    tm, review = tmp_path / "tm.db", tmp_path / "r.tsv"
    code, _ = run("tm", "learn", "--source", str(ko), "--mt", str(mt), "--edited", str(pe), "--tm", str(tm),
                  "--review", str(review))
    assert code == 0 and review.read_text(encoding="utf-8").startswith("korean\tenglish\t")
    # what the editor approved now comes back from the memory, not from the model
    out, report = tmp_path / "again.txt", tmp_path / "report.json"
    code, _ = run("translate", str(ko), "-o", str(out), "--model", str(tiny_marian_ko_en), "--tm", str(tm),
                  "--report", str(report), "--quiet")
    assert code == 0
    assert out.read_text(encoding="utf-8").splitlines() == EDITED
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["origins"] == {"tm-exact": 3}


def test_line_counts_differ_is_one_error_line(tmp_path: Path) -> None:
    ko, mt, pe = write_sides(tmp_path, edited=EDITED[:2])
    done = subprocess.run(
        [sys.executable, "-m", "bilingual", "tm", "learn", "--source", str(ko), "--mt", str(mt), "--edited", str(pe)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and f"--source {ko}: 3" in line and f"--edited {pe}: 2" in line
    with pytest.raises(InputError, match="segment counts differ"):
        learn(SOURCES, MACHINE, EDITED[:2])


def test_the_review_may_not_overwrite_an_input(tmp_path: Path) -> None:
    ko, mt, pe = write_sides(tmp_path)
    with pytest.raises(InputError, match="refusing to overwrite an input"):
        run("tm", "learn", "--source", str(ko), "--mt", str(mt), "--edited", str(pe), "--review", str(pe))
    assert pe.read_text(encoding="utf-8").splitlines() == EDITED


def test_article_files_give_one_segment_per_block(tmp_path: Path) -> None:
    from bilingual.memory.learn import read_segments

    sides = []
    for name, lines in (("ko.md", SOURCES[:2]), ("mt.md", MACHINE[:2]), ("pe.md", EDITED[:2])):
        path = tmp_path / name
        path.write_text("# " + lines[0] + "\n\n" + lines[1] + "\n", encoding="utf-8")
        sides.append(read_segments(path, name))
    assert sides[2] == EDITED[:2]
    [proposal] = learn(*sides).proposals
    assert (proposal.korean, proposal.english) == ("아담 키프", "Adam Keefe")
