"""bilingual.outputs: the guard that no output is an input, atomic writes, the run journal of a folder run.

The guard and the writer are tested here as a library; tests/test_fault_battery.py
runs the same faults through every command.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bilingual import outputs
from bilingual.errors import InputError, OutputError
from bilingual.glossary import edit, load_glossary
from bilingual.glossary.terms import HEADER, Term
from bilingual.outputs import JOURNAL_NAME, RunJournal, check_outputs, replace_folder, write_atomic

REPO = Path(__file__).resolve().parents[1]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- the guard


def _layout(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "in").mkdir()
    article = tmp_path / "in" / "a.txt"
    article.write_text("기사\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(article)
    os.link(article, tmp_path / "hard.txt")
    return {"article": article, "in": tmp_path / "in", "link": tmp_path / "link.txt", "hard": tmp_path / "hard.txt"}


GUARD = [
    # (inputs, outputs, folders, message); names are keys of _layout or paths under tmp_path
    ([("the article", "article")], [("--report", "article")], [], "--report {article} is the article {article}; refusing to overwrite an input"),
    ([("the article", "article")], [("-o", "link")], [], "-o {link} is the article {article}"),
    ([("the article", "link")], [("-o", "article")], [], "-o {article} is the article {link}"),
    ([("the article", "article")], [("-o", "hard")], [], "-o {hard} is the article {article}"),
    ([("the article", "article")], [("-o", "in/../in/a.txt")], [], "is the article"),
    ([("the hypothesis", "in")], [("--json", "article")], [], "--json {article} is a file in the hypothesis {in}"),
    ([], [("-o", "x.json"), ("--report", "x.json")], [], "-o {x.json} and --report {x.json} are the same file"),
    ([], [("-o", "new/../x.json"), ("--report", "x.json")], [], "are the same file"),
    ([], [("-o", "article"), ("--report", "link")], [], "are the same file"),
    ([("SRC", "in")], [], [("OUT", "in")], "OUT {in} is SRC {in}; refusing to replace an input"),
    ([("SRC", "in")], [], [("OUT", ".")], "OUT {.} contains SRC {in}, and it would be replaced whole"),
    ([("the article", "article")], [], [("OUT", "in")], "OUT {in} contains the article {article}"),
    ([("the article", "link")], [], [("OUT", "in")], "OUT {in} contains the article {link}"),
    ([], [("--report", "out/r.json")], [("OUT", "out")], "--report {out/r.json} is inside OUT {out}, which is replaced whole"),
]


@pytest.mark.parametrize(("inputs", "outs", "folders", "message"), GUARD, ids=[m[:40] for *_, m in GUARD])
def test_guard_refuses(tmp_path: Path, inputs, outs, folders, message):
    places = _layout(tmp_path)

    def path(name: str) -> Path:
        return places.get(name, tmp_path / name)

    def named(pairs):
        return [(label, path(name)) for label, name in pairs]

    expected = message
    for name in ("article", "in", "link", "hard", "x.json", ".", "out", "out/r.json"):
        expected = expected.replace("{" + name + "}", str(path(name)))
    before = _tree(tmp_path)
    with pytest.raises(OutputError) as info:
        check_outputs(named(inputs), named(outs), folders=named(folders))
    assert expected in str(info.value)
    assert isinstance(info.value, InputError) and info.value.exit_code == 2
    assert _tree(tmp_path) == before


@pytest.mark.parametrize(
    ("inputs", "outs", "folders"),
    [
        ([("the article", "article")], [("-o", "out/a.txt"), ("--report", "r.json")], []),
        ([("the article", "article")], [("-o", "-"), ("--report", None)], []),  # stdout and no report
        ([("the hypothesis", "in")], [("--json", "in/new.json")], []),  # a new file in an input folder
        ([("SRC", "in")], [], [("OUT", "in/ct2")]),  # a folder replaced inside the input folder
        ([("SRC", "in")], [], [("OUT", "inside")]),  # a name that only starts like the input
    ],
)
def test_guard_allows(tmp_path: Path, inputs, outs, folders):
    places = _layout(tmp_path)

    def named(pairs):
        return [(label, None if name is None else places.get(name, tmp_path / name) if name != "-" else "-") for label, name in pairs]

    check_outputs(named(inputs), named(outs), folders=named(folders))


# ---------------------------------------------------------------- atomic writes


def test_new_file_gets_the_umask_mode_and_an_existing_file_keeps_its_mode(tmp_path: Path):
    old = os.umask(0o027)
    try:
        new = write_atomic(tmp_path / "new.txt", "새 파일\n")
        assert stat.S_IMODE(new.stat().st_mode) == 0o640
        kept = tmp_path / "kept.txt"
        kept.write_text("old\n", encoding="utf-8")
        kept.chmod(0o604)
        write_atomic(kept, "new\n")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o604 and kept.read_text(encoding="utf-8") == "new\n"
    finally:
        os.umask(old)
    assert outputs.new_file_mode() == 0o666 & ~old


def test_a_symlink_is_written_through(tmp_path: Path):
    target = tmp_path / "real.txt"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_missing_folders_are_made_and_a_folder_is_refused(tmp_path: Path):
    write_atomic(tmp_path / "a" / "b" / "c.json", "{}\n")
    assert (tmp_path / "a" / "b" / "c.json").read_text(encoding="utf-8") == "{}\n"
    with pytest.raises(OutputError, match=r"cannot write --json .*: it is a folder; give a file name"):
        write_atomic(tmp_path / "a", "x", what="--json")
    with pytest.raises(OutputError, match=r"c.json is a file, not a folder"):
        write_atomic(tmp_path / "a" / "b" / "c.json" / "d.txt", "x")


@pytest.mark.parametrize("fails_after", [0, 1])
def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch, fails_after: int):
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    real_write = os.write
    calls = []

    def full(fd, data):
        calls.append(len(data))
        if len(calls) > fails_after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, bytes(data)[:10])  # a short write first: the rest is retried

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError, match="cannot write report .*report.json: No space left on device"):
        write_atomic(target, '{"new": true, "segments": []}\n', what="report")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    """A 64 KiB tmpfs mounted at tmp_path/full (root only; skipped elsewhere)."""
    folder = tmp_path / "full"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_real_full_disk_is_one_error_and_leaves_no_partial_file(small_tmpfs: Path):
    target = small_tmpfs / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(target, "가" * 40_000)  # 120 kB into 64 kB
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in small_tmpfs.iterdir()] == ["out.txt"]
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(small_tmpfs / "new.txt", "x" * 100_000)
    assert [p.name for p in small_tmpfs.iterdir()] == ["out.txt"]  # no 0-byte new file


def test_replace_folder_is_all_or_nothing(tmp_path: Path):
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "old.txt").write_text("old\n", encoding="utf-8")

    def broken(tmp: Path) -> None:
        (tmp / "half.txt").write_text("half\n", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OutputError, match="cannot write corpus folder .*: No space left on device"):
        replace_folder(out, broken, what="corpus folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"] and _tree(out) == {"old.txt": b"old\n"}
    replace_folder(out, lambda tmp: (tmp / "new.txt").write_text("new\n", encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"] and _tree(out) == {"new.txt": b"new\n"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~outputs._umask()


# ---------------------------------------------------------------- glossary edits through a symlink, BOM and CRLF kept


GLOSSARY = f"{HEADER}\n# 이름\n서울시\tSeoul City\t\t\tplace\tapproved\t\n"


def test_editing_a_glossary_through_a_symlink_edits_the_target(tmp_path: Path):
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "names.tsv"
    target.write_text(GLOSSARY, encoding="utf-8")
    target.chmod(0o664)
    link = tmp_path / "names.tsv"
    link.symlink_to(target)
    edit.add_term(link, Term("김문수", "Kim Moon-soo", kind="person"))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == GLOSSARY + "김문수\tKim Moon-soo\t\t\tperson\tapproved\t\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    edit.remove_term(link, "김문수")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == GLOSSARY
    assert [t.korean for t in load_glossary(link).terms] == ["서울시"]
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_glossary_edits_keep_bom_and_crlf_on_untouched_rows(tmp_path: Path):
    path = tmp_path / "g.tsv"
    original = b"\xef\xbb\xbf" + GLOSSARY.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(original)
    edit.add_term(path, Term("이란", "Iran", kind="place"))
    assert path.read_bytes() == original + "이란\tIran\t\t\tplace\tapproved\t\r\n".encode("utf-8")
    edit.set_field(path, "이란", "note", "나라")
    assert path.read_bytes().startswith(original)
    edit.remove_term(path, "이란")
    assert path.read_bytes() == original


# ---------------------------------------------------------------- CSV export is safe in a spreadsheet


# a carriage return cannot be in a glossary value (it ends the line), so it is only checked by csv_cell
FORMULAS = ["=HYPERLINK(\"http://x\")", "+82 2", "-1", "@SUM(A1)", "\tx", "'=quoted", "''+twice", "'Ndrangheta"]


@pytest.mark.parametrize("fmt", ["csv", "plain-csv"])
def test_csv_cells_that_start_a_formula_are_neutralised_and_read_back(fmt: str):
    from bilingual.glossary import dump, parse
    from bilingual.glossary.terms import Glossary

    glossary = Glossary(path="x")
    glossary.entries = [Term(f"이름{i}", value, note=value if fmt == "csv" else "") for i, value in enumerate(FORMULAS)]
    text = dump(glossary, fmt)
    import csv
    import io

    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'Ndrangheta" in cells  # a quote not before a formula start is left alone
    back = parse(text, "csv")
    assert [t.english for t in back.terms] == FORMULAS
    if fmt == "csv":
        assert [t.note for t in back.terms] == FORMULAS


def test_csv_cell_rule():
    from bilingual.glossary.io import csv_cell, csv_value

    for value in [*FORMULAS, "\rx", "'\rx", "plain", "", "'"]:
        cell = csv_cell(value)
        assert csv_value(cell) == value and not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_lint_warns_about_formula_cells(tmp_path: Path):
    from bilingual.glossary.lint import lint

    path = tmp_path / "g.tsv"
    path.write_text(f"{HEADER}\n서울시\t=cmd|' /C calc'!A0\t\t\tplace\tapproved\t@note\n", encoding="utf-8")
    issues = [i for i in lint(load_glossary(path)) if i.code == "spreadsheet-formula"]
    assert [(i.severity, i.message.split(" ")[0]) for i in issues] == [("warning", "english"), ("warning", "note")]


# ---------------------------------------------------------------- the journal and SIGTERM


def test_journal_records_each_output_and_how_the_run_ended(tmp_path: Path):
    source = tmp_path / "in.txt"
    source.write_text("기사\n", encoding="utf-8")
    out = tmp_path / "out"
    journal = RunJournal(out, command="translate", planned=[out / "a.txt", out / "b.txt"]).start()
    data = json.loads((out / JOURNAL_NAME).read_text(encoding="utf-8"))
    assert data["status"] == "running" and data["planned"] == ["a.txt", "b.txt"] and data["written"] == []
    write_atomic(out / "a.txt", "article\n")
    journal.wrote(out / "a.txt", source)
    outputs.stop_runs("interrupted", "interrupted (SIGTERM)")
    data = json.loads((out / JOURNAL_NAME).read_text(encoding="utf-8"))
    assert data["status"] == "interrupted" and data["reason"] == "interrupted (SIGTERM)"
    [entry] = data["written"]
    assert entry["path"] == "a.txt" and entry["bytes"] == 8 and entry["sha256"] == outputs.sha256_of(out / "a.txt")
    assert entry["source"] == str(source) and entry["source_sha256"] == outputs.sha256_of(source)
    again = RunJournal(out, command="translate", planned=[out / "a.txt"]).start()
    again.finish()
    assert json.loads((out / JOURNAL_NAME).read_text(encoding="utf-8"))["status"] == "complete"
    outputs.stop_runs("failed", "no journal is active: nothing changes")
    assert json.loads((out / JOURNAL_NAME).read_text(encoding="utf-8"))["status"] == "complete"


# A `bilingual` process whose engine takes SLOW seconds per batch (a FakeEngine).
SLOW_CLI = textwrap.dedent(
    """
    import os, sys, time
    import bilingual.engines
    from bilingual.testing.fake_engine import FakeEngine

    class Slow(FakeEngine):
        def _translate(self, texts, options):
            time.sleep(float(os.environ.get("SLOW", "0")))
            return super()._translate(texts, options)

    bilingual.engines.load_engine = lambda model, **kw: Slow(kw["source_lang"], kw["target_lang"])
    from bilingual.cli.app import main
    sys.argv = ["bilingual", *sys.argv[1:]]
    main()
    """
)


def _folder_run(tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.Popen, Path, Path]:
    src = tmp_path / "in"
    for i in range(6):
        (src / f"part{i // 3}").mkdir(parents=True, exist_ok=True)
        (src / f"part{i // 3}" / f"a{i}.txt").write_text(f"서울시는 요금을 올린다고 밝혔다 {i}.\n\n시민들은 반대했다.\n", encoding="utf-8")
    out = tmp_path / "out"
    script = tmp_path / "slow_cli.py"
    script.write_text(SLOW_CLI, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), "translate", str(src), "-o", f"{out}/", "-m", "fake", "--batch-size", "1", "-q"],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    return proc, src, out


def _wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_sigterm_while_writing_a_folder_leaves_no_temporary_file_and_an_interrupted_journal(tmp_path: Path):
    # every write pauses half-way: SIGTERM arrives while the third output is half written
    proc, src, out = _folder_run(tmp_path, {"BILINGUAL_TEST_WRITE_PAUSE": "0.3"})
    _wait_for(lambda: len(list(out.rglob(".a2.txt.*.tmp"))) == 1 or proc.poll() is not None)
    proc.send_signal(signal.SIGTERM)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert stderr.strip().splitlines() == ["interrupted (SIGTERM)"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    journal = json.loads((out / JOURNAL_NAME).read_text(encoding="utf-8"))
    assert journal["status"] == "interrupted" and journal["reason"] == "interrupted (SIGTERM)"
    assert journal["planned"] == [f"part{i // 3}/a{i}.txt" for i in range(6)]
    written = [w["path"] for w in journal["written"]]
    assert written == ["part0/a0.txt", "part0/a1.txt"]
    present = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert present == written  # every file listed is there and whole, no other output
    for entry in journal["written"]:
        assert outputs.sha256_of(out / entry["path"]) == entry["sha256"]
        assert entry["source_sha256"] == outputs.sha256_of(src / entry["path"])


def test_sigterm_while_translating_marks_the_journal_and_writes_nothing(tmp_path: Path):
    proc, _src, out = _folder_run(tmp_path, {"SLOW": "0.5"})
    _wait_for(lambda: (out / JOURNAL_NAME).exists() or proc.poll() is not None)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143 and stderr.strip() == "interrupted (SIGTERM)"
    assert sorted(p.name for p in out.rglob("*")) == [JOURNAL_NAME]
    journal = json.loads((out / JOURNAL_NAME).read_text(encoding="utf-8"))
    assert journal["status"] == "interrupted" and journal["written"] == [] and len(journal["planned"]) == 6


def test_a_folder_run_that_finishes_is_complete(tmp_path: Path):
    proc, src, out = _folder_run(tmp_path, {})
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    journal = json.loads((out / JOURNAL_NAME).read_text(encoding="utf-8"))
    assert journal["status"] == "complete" and "reason" not in journal
    assert [w["path"] for w in journal["written"]] == journal["planned"]
    assert stat.S_IMODE((out / "part0" / "a0.txt").stat().st_mode) == outputs.new_file_mode()
