"""The quality gate through `bilingual eval --gate`: the shipped CI gate, and a real failing case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval_helpers import GATE_FILE, output_path, run_cli

STRONG = output_path("ntrex128", "kor-eng", "nllb")  # published BLEU 27.8, chrF++ 0.53439
WEAK = output_path("ntrex128", "kor-eng", "transformer-big")  # published BLEU 26.1, chrF++ 0.52076


def test_shipped_gate_passes_on_the_in_repo_outputs(tmp_path: Path):
    """What CI runs: every check of eval/gate.toml on the shipped corpora and real outputs."""
    proc = run_cli("eval", "--gate", str(GATE_FILE), "--json", str(tmp_path / "gate.json"),
                   "--markdown", str(tmp_path / "gate.md"), timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "gate.json").read_text(encoding="utf-8"))
    assert report["passed"] is True
    assert {(r["corpus"], r["from"], r["to"]) for r in report["runs"]} >= {
        ("ntrex128", "ko", "en"), ("ntrex128", "en", "ko"), ("flores200-devtest", "ko", "en")
    }
    for run in report["runs"]:
        assert run["gate"]["passed"] and run["gate"]["checks"]
    assert "Quality gate: **PASSED**" in (tmp_path / "gate.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def strong_gate(tmp_path_factory) -> Path:
    """A gate whose bars come from the stronger output (NLLB-200 1.3B) on NTREX-128 ko->en."""
    folder = tmp_path_factory.mktemp("gate")
    proc = run_cli("eval", "--corpus", "ntrex128", "--hyp", str(STRONG), "--metrics", "bleu,chrf++",
                   "--write-baseline", str(folder / "baselines" / "strong.json"))
    assert proc.returncode == 0, proc.stderr
    stored = json.loads((folder / "baselines" / "strong.json").read_text(encoding="utf-8"))
    assert stored["signatures"]["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a")
    bleu, chrf = stored["scores"]["bleu"], stored["scores"]["chrf++"]
    (folder / "gate.toml").write_text(
        "[[check]]\n"
        'corpus = "ntrex128"\n'
        'baseline = "baselines/strong.json"\n'
        f"min_bleu = {bleu - 1:.2f}\n"
        f'"min_chrf++" = {chrf - 1:.2f}\n'
        "max_drop_bleu = 0.5\n"
        '"max_drop_chrf++" = 0.5\n',
        encoding="utf-8",
    )
    return folder / "gate.toml"


def test_gate_holds_for_the_stronger_output(strong_gate: Path):
    proc = run_cli("eval", "--corpus", "ntrex128", "--hyp", str(STRONG), "--metrics", "bleu,chrf++",
                   "--gate", str(strong_gate))
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def weak_run(strong_gate: Path):
    """One run of the weaker output against the stronger one's gate, with the stronger as baseline."""
    out = strong_gate.parent / "weak.json"
    proc = run_cli("eval", "--corpus", "ntrex128", "--hyp", str(WEAK), "--metrics", "bleu,chrf++",
                   "--gate", str(strong_gate), "--baseline", str(STRONG), "--json", str(out))
    return proc, json.loads(out.read_text(encoding="utf-8"))


def test_gate_fails_on_the_weaker_output_and_says_why(weak_run):
    proc, report = weak_run
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    line = lines[0]
    assert line.startswith("error: quality gate failed: ntrex128 ko->en:")
    assert "bleu 26.07 < min 26.85" in line  # metric, value, bar
    assert "bleu dropped 1.77 from baseline 27.85 to 26.07 (> max drop 0.5)" in line
    assert "chrf++ dropped 1.36 from baseline 53.44 to 52.08 (> max drop 0.5)" in line
    assert "FAIL bleu 26.07 < min 26.85" in proc.stdout
    assert report["gate"]["passed"] is False  # the reports are written before the exit


def test_paired_bootstrap_between_the_two_outputs(weak_run):
    _, report = weak_run
    boot = report["significance"]["paired-bootstrap"]
    ar = report["significance"]["approximate-randomization"]
    for metric in ("bleu", "chrf++"):
        r = boot[metric]
        assert r["difference"] == pytest.approx(report[metric] - report["baseline"][metric])
        assert r["difference"] < 0 and r["ci_high"] < 0  # the weaker is worse, interval excludes 0
        assert r["p_value"] < 0.01 and ar[metric]["p_value"] < 0.01
        assert r["samples"] == 1000 and r["seed"] == 12345
    assert round(boot["bleu"]["difference"], 2) == -1.77
