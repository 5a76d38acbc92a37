"""``bilingual glossary apply``: files in, repaired file and JSON report out, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "postedit"

GLOSSARY = """\
korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote
캐버노\tKavanaugh\t\tCabrino | Kaberno\tperson\tapproved\t
팔루\tPalu\t\tFallu | Pallu\tplace\tapproved\t
"""


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "glossary": tmp_path / "g.tsv",
        "source": tmp_path / "src.ko",
        "hyp": tmp_path / "hyp.en",
        "out": tmp_path / "out.en",
        "report": tmp_path / "report.json",
    }
    paths["glossary"].write_text(GLOSSARY, encoding="utf-8")
    paths["source"].write_text("캐버노는 팔루에 갔다.\n그는 말했다.\n팔루의 지진\n", encoding="utf-8")
    paths["hyp"].write_text("Cabrino went to Fallu.\nHe said.\nThe Palu earthquake\n", encoding="utf-8")
    return paths


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_apply_writes_output_and_report(files):
    result = run(
        "glossary", "apply", "--source", str(files["source"]), "--hyp", str(files["hyp"]),
        "-o", str(files["out"]), "--report", str(files["report"]), "--glossary", str(files["glossary"]),
    )
    assert result.exit_code == 0, result.output
    assert files["out"].read_text(encoding="utf-8") == "Kavanaugh went to Palu.\nHe said.\nThe Palu earthquake\n"
    report = json.loads(files["report"].read_text(encoding="utf-8"))
    assert report["summary"] == {"terms": 3, "applied": 1, "repaired": 2, "missed": 0, "edits": 2}
    first = report["segments"][0]
    assert [(t["source"], t["status"]) for t in first["terms"]] == [("캐버노", "repaired"), ("팔루", "repaired")]
    assert [(e["old"], e["new"]) for e in first["edits"]] == [("Cabrino", "Kavanaugh"), ("Fallu", "Palu")]
    assert report["segments"][1]["terms"] == []
    assert "3 segments, 3 terms: 1 applied, 2 repaired (2 edits), 0 missed" in result.output


def test_apply_reads_cp949_source(files):
    files["source"].write_bytes("캐버노는 팔루에 갔다.\n그는 말했다.\n팔루의 지진\n".encode("cp949"))
    result = run(
        "glossary", "apply", "-s", str(files["source"]), "--hyp", str(files["hyp"]), "-o", str(files["out"]),
        "-g", str(files["glossary"]),
    )
    assert result.exit_code == 0, result.output
    assert files["out"].read_text(encoding="utf-8").startswith("Kavanaugh went to Palu.\n")


def test_apply_to_stdout_keeps_missing_final_newline(files):
    files["hyp"].write_text("Cabrino went to Fallu.\nHe said.\nThe Palu earthquake", encoding="utf-8")
    result = run(
        "glossary", "apply", "-s", str(files["source"]), "--hyp", str(files["hyp"]), "-o", "-",
        "-g", str(files["glossary"]),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Kavanaugh went to Palu.\nHe said.\nThe Palu earthquake")
    assert not result.stdout.startswith("Kavanaugh went to Palu.\nHe said.\nThe Palu earthquake\n")


@pytest.mark.parametrize(
    "change,message",
    [
        ({"hyp": "Cabrino went to Fallu.\nHe said.\n"}, "3 segments and the translation 2"),
        ({"hyp": ""}, "is empty"),
        ({"hyp": None}, "hyp.en: no such file"),
        ({"hyp": b"abc\x00\x01\x02\x03def\x00"}, "looks binary"),
        ({"hyp": b"\x80\x81 \xfe\xff bad"}, "cannot detect the encoding"),
        ({"glossary": "korean\tenglish\n캐버노\n"}, "g.tsv"),
    ],
)
def test_apply_bad_input_is_one_clear_line(files, change, message):
    for key, value in change.items():
        if value is None:
            files[key].unlink()
        elif isinstance(value, bytes):
            files[key].write_bytes(value)
        else:
            files[key].write_text(value, encoding="utf-8")
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "bilingual", "glossary", "apply", "-s", str(files["source"]),
         "--hyp", str(files["hyp"]), "-o", str(files["out"]), "-g", str(files["glossary"])],
        capture_output=True, text=True, cwd=REPO,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], proc.stderr
    assert not files["out"].exists()


def test_apply_on_real_output_excerpt(tmp_path):
    out = tmp_path / "out.en"
    result = run(
        "glossary", "apply", "-s", str(DATA / "ntrex128.ko.txt"), "--hyp", str(DATA / "opus-2021-02-18.en.txt"),
        "-o", str(out), "-g", str(REPO / "glossaries" / "ntrex128.tsv"),
    )
    assert result.exit_code == 0, result.output
    before = (DATA / "opus-2021-02-18.en.txt").read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(b, a) for b, a in zip(before, after) if a != b]
    assert len(changed) >= 15
    assert any("Kaberno" in b or "Cabrino" in b for b, _ in changed)
    assert all("Kaberno" not in a and "Cabrino" not in a for _, a in changed)
