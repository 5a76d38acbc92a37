"""Editors' CLI: add/remove/set/find/list/stats/lint; concurrent and killed writers (must-show 3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.errors import GlossaryError
from bilingual.glossary import load_glossary
from bilingual.glossary.lint import lint

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "glossaries" / "names.tsv"
HEADER = "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote"
START = f"# top comment\n{HEADER}\n# people\n김문수\tKim Moon-soo\t김 지사\tKim Mun-su\tperson\tapproved\t\n\n# places\n모스크바\tMoscow\t\t\tplace\tapproved\t\n"


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bilingual", "glossary", *args], capture_output=True, text=True,
                          env=env, check=False)


@pytest.fixture()
def gfile(tmp_path: Path) -> Path:
    path = tmp_path / "g.tsv"
    path.write_text(START, encoding="utf-8")
    return path


def test_add_set_remove_keep_comments_and_order(gfile: Path):
    runner = CliRunner()
    result = runner.invoke(app, ["glossary", "add", "천성우", "Chun Sung-woo", "-g", str(gfile), "--kind", "person",
                                 "--wrong", "Cheon Seong-u | Chun Sung-u", "--note", "reporter"])
    assert result.exit_code == 0, result.output
    assert gfile.read_text(encoding="utf-8") == START + "천성우\tChun Sung-woo\t\tCheon Seong-u | Chun Sung-u\tperson\tapproved\treporter\n"
    result = runner.invoke(app, ["glossary", "set", "김문수", "korean_forms", "김 지사 | 김문수 지사", "-g", str(gfile)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["glossary", "remove", "모스크바", "-g", str(gfile)])
    assert result.exit_code == 0, result.output
    assert gfile.read_text(encoding="utf-8") == (
        f"# top comment\n{HEADER}\n# people\n김문수\tKim Moon-soo\t김 지사 | 김문수 지사\tKim Mun-su\tperson\tapproved\t\n\n# places\n"
        "천성우\tChun Sung-woo\t\tCheon Seong-u | Chun Sung-u\tperson\tapproved\treporter\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "김문수", "Kim Moon-soo"], "already in the glossary"),
        (["add", "홍길동", "Hong", "--kind", "people"], "kind 'people'"),
        (["add", "홍길동", "Hong", "--status", "ok"], "status 'ok'"),
        (["remove", "없는말"], "no glossary row for 없는말"),
        (["set", "김문수", "colour", "x"], "unknown field 'colour'"),
        (["set", "김문수", "kind", "animal"], "kind 'animal'"),
        (["add", "홍\u200b길동", "Hong Gil-dong"], "U+200B ZERO WIDTH SPACE"),
        (["add", "홍길동", "Hong Gil\u00addong"], "U+00AD SOFT HYPHEN"),
        (["set", "김문수", "wrong_english", "Kim Mun\u2060su"], "U+2060 WORD JOINER"),
    ],
)
def test_bad_edits_are_one_line_errors_and_leave_the_file(gfile: Path, args: list[str], message: str):
    proc = _cli(*args, "-g", str(gfile))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("error: ")
    assert message in proc.stderr
    assert gfile.read_text(encoding="utf-8") == START


def test_missing_file_needs_create(tmp_path: Path):
    path = tmp_path / "new.tsv"
    runner = CliRunner()
    result = runner.invoke(app, ["glossary", "add", "이란", "Iran", "-g", str(path)])
    assert isinstance(result.exception, GlossaryError) and "--create" in str(result.exception)
    assert not path.exists()
    result = runner.invoke(app, ["glossary", "add", "이란", "Iran", "-g", str(path), "--create", "--kind", "place"])
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == f"{HEADER}\n이란\tIran\t\t\tplace\tapproved\t\n"


def test_find_list_stats(gfile: Path):
    runner = CliRunner()
    found = runner.invoke(app, ["glossary", "find", "mun-su", "-g", str(gfile)])
    assert found.exit_code == 0 and found.stdout.startswith(f"{gfile}:4\t김문수\t")
    assert runner.invoke(app, ["glossary", "find", "서울", "-g", str(gfile)]).exit_code == 1
    listed = runner.invoke(app, ["glossary", "list", "-g", str(gfile), "--kind", "place"])
    assert listed.stdout.splitlines() == [HEADER, "모스크바\tMoscow\t\t\tplace\tapproved\t"]
    stats = runner.invoke(app, ["glossary", "stats", "-g", str(gfile)])
    assert "terms\t2" in stats.stdout and "kind:person\t1" in stats.stdout and "wrong_english\t1" in stats.stdout


# ------------------------------------------------------------------ concurrency and kills (must-show 3)


def test_twenty_concurrent_adds_all_land(gfile: Path):
    procs = [
        subprocess.Popen([sys.executable, "-m", "bilingual", "glossary", "add", f"용어{i:02d}", f"Term {i:02d}",
                          "-g", str(gfile)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(20)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
    glossary = load_glossary(gfile)  # valid file
    added = sorted(t.korean for t in glossary.terms if t.korean.startswith("용어"))
    assert added == [f"용어{i:02d}" for i in range(20)]
    assert len(glossary.terms) == 22
    assert gfile.read_text(encoding="utf-8").startswith(START)  # comments and old rows untouched
    assert not list(gfile.parent.glob(".g.tsv.*.tmp"))


def test_kill_in_the_middle_of_a_write_leaves_the_old_file(gfile: Path):
    env = dict(os.environ, BILINGUAL_TEST_WRITE_PAUSE="30")
    proc = subprocess.Popen([sys.executable, "-m", "bilingual", "glossary", "add", "이란", "Iran", "-g", str(gfile)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    temp = []
    while time.monotonic() < deadline and not temp:  # wait until half the temporary file is written
        temp = [p for p in gfile.parent.glob(".g.tsv.*.tmp") if p.stat().st_size > 0]
        time.sleep(0.05)
    assert temp, "the writer never started its temporary file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert gfile.read_text(encoding="utf-8") == START  # the old file, whole
    assert len(load_glossary(gfile).terms) == 2
    # the next edit works (the lock died with the process) and the stale temporary file is harmless
    assert _cli("add", "이란", "Iran", "-g", str(gfile)).returncode == 0
    assert [t.korean for t in load_glossary(gfile).terms] == ["김문수", "모스크바", "이란"]
    assert not list(gfile.parent.glob(".g.tsv.*.tmp"))  # the killed writer's leftover is cleaned up


def test_kill_after_the_rename_leaves_the_new_file(gfile: Path):
    # many kill attempts at random moments: whatever the moment, the file is the old or the new one
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.3):
        path = gfile.parent / f"k{delay}.tsv"
        path.write_text(START, encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "bilingual", "glossary", "add", "이란", "Iran", "-g", str(path)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        text = path.read_text(encoding="utf-8")
        assert text in (START, START + "이란\tIran\t\t\tother\tapproved\t\n")


# ------------------------------------------------------------------ lint


LINT_CASES = [
    ("김문수\tKim Moon-soo\t\t\tperson\tapproved\t\n김문수\tKim Moon-soo\t\t\tperson\tapproved\t", "error", "duplicate"),
    ("김문수\tKim Moon-soo\t\t\tperson\tapproved\t\n김문수\tKim Mun-su\t\t\tperson\tapproved\t", "error", "two-english"),
    ("김문수\tKim Moon-soo \t\t\tperson\tapproved\t", "warning", "padded"),
    ("김문수\tKim Moon-soo\t김 지사 |  | 김지사\t\tperson\tapproved\t", "warning", "empty-value"),
    ("Kim Moon-soo\t김문수\t\t\tperson\tapproved\t", "error", "wrong-script"),
    ("김문수\tKim Moon-soo\t\tKim Moonsoo\tperson\tapproved\t", "error", "wrong-is-right"),
    ("김문수\tKim Mun-su\t\t\tperson\tforbidden\t", "warning", "no-approved"),
    ("김문수\tKim Moon-soo\t김 지사\t\tperson\tapproved\t\n김영삼\tKim Young-sam\t김 지사\t\tperson\tapproved\t", "warning", "shared-form"),
    ("김\u200b문수\tKim Moon-soo\t\t\tperson\tapproved\t", "error", "hidden-character"),
    ("김문수\tKim Moon\u00adsoo\t\t\tperson\tapproved\t", "error", "hidden-character"),
    ("김문수\tKim Moon-soo\t김\u2060지사\t\tperson\tapproved\t", "error", "hidden-character"),
]


@pytest.mark.parametrize(("rows", "severity", "code"), LINT_CASES, ids=[c[2] for c in LINT_CASES])
def test_lint_finds(tmp_path: Path, rows: str, severity: str, code: str):
    path = tmp_path / "l.tsv"
    path.write_text(f"{HEADER}\n{rows}\n", encoding="utf-8")
    issues = lint(load_glossary(path))
    assert {(i.severity, i.code) for i in issues} == {(severity, code)}
    assert issues[0].where.startswith(f"{path}:")


def test_lint_short_terms_against_a_corpus(tmp_path: Path):
    corpus = tmp_path / "c.ko.txt"
    corpus.write_text("이란성 쌍둥이와 이란혁명 기념일, 이란은 한국어 수업을 연다.", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["glossary", "lint", "-g", str(NAMES), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output  # warnings only
    assert "short-term: short term '이란'" in result.stdout and "이란혁명" in result.stdout
    assert "이란성" not in result.stdout and "한국어" not in result.stdout  # not matched at all


def test_lint_exit_status_on_errors(tmp_path: Path):
    path = tmp_path / "l.tsv"
    path.write_text(f"{HEADER}\n김\tKim\t\t\tperson\tapproved\t\n김\tKim\t\t\tperson\tapproved\t\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["glossary", "lint", "-g", str(path), "--corpus", str(path)])
    assert result.exit_code == 1


def test_seed_glossary_lints_clean():
    result = CliRunner().invoke(app, ["glossary", "lint", "-g", str(NAMES), "--corpus", str(ROOT / "corpora" / "seed")])
    assert result.exit_code == 0, result.output
    assert "error" not in result.stdout


@pytest.mark.parametrize("command", ["add", "remove", "set", "find", "list", "lint", "stats", "import", "export", "match"])
def test_every_command_has_help_and_a_documented_example(command: str):
    result = CliRunner().invoke(app, ["glossary", command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout
    docs = (ROOT / "docs" / "glossaries.md").read_text(encoding="utf-8")
    assert f"bilingual glossary {command}" in docs
