"""CLI follow-ups: report folders, glossary override lines, engine notes in the report, clean warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app

SHORT_ARTICLE = "서울시는 요금을 올린다.\n\n시민들은 반대했다.\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bilingual", *args], capture_output=True, text=True, env=dict(os.environ), timeout=300
    )


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(SHORT_ARTICLE, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- --report into new folders
def test_report_into_missing_folders_creates_them(tiny_marian_ko_en, article, tmp_path):
    report = tmp_path / "sub" / "dir" / "r.json"
    out = tmp_path / "other" / "out.txt"
    code, _, err = run("translate", str(article), "--model", str(tiny_marian_ko_en), "--report", str(report),
                       "-o", str(out), "--beams", "1", "-q")  # fmt: skip
    assert code == 0, err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [s["source"] for s in data["segments"]] == ["서울시는 요금을 올린다.", "시민들은 반대했다."]
    assert out.read_text(encoding="utf-8").strip()


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ("a-file/r.json", "a-file is a file, not a folder"),
        ("a-file/sub/r.json", "a-file is a file, not a folder"),
        ("a-folder", "it is a folder"),
    ],
)
def test_report_path_that_cannot_be_written_is_one_line_before_translating(article, tmp_path, report, message):
    (tmp_path / "a-file").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    out = tmp_path / "out.txt"
    # no model is loaded: the report path fails first (this model name would fail later)
    done = cli("translate", str(article), "--model", "no-such-owner/no-such-model", "--report",
               str(tmp_path / report), "-o", str(out))  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot write report") and message in lines[0], done.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep me\n" and not out.exists()
