"""Shared paths and runners for the evaluation, corpus and gate tests."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYSTEM_OUTPUTS = REPO / "tests" / "data" / "system-outputs"
CORPORA = REPO / "corpora"
GATE_FILE = REPO / "eval" / "gate.toml"

# MANIFEST.tsv corpus column -> shipped corpus folder; direction -> (from, to)
CORPUS_OF = {"ntrex128": "ntrex128", "flores200-devtest": "flores200-devtest"}
DIRECTION = {"kor-eng": ("ko", "en"), "eng-kor": ("en", "ko")}


def manifest_rows() -> list[dict[str, str]]:
    with open(SYSTEM_OUTPUTS / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def output_path(corpus: str, direction: str, model_substring: str) -> Path:
    for row in manifest_rows():
        if row["corpus"] == corpus and row["direction"] == direction and model_substring in row["model"]:
            return SYSTEM_OUTPUTS / row["file"]
    raise LookupError(f"no output for {corpus} {direction} {model_substring}")


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python -m bilingual ARGS`` in a subprocess (real exit codes and stderr)."""
    env = dict(os.environ)
    env.pop("BILINGUAL_CORPORA", None)
    return subprocess.run(
        [sys.executable, "-m", "bilingual", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=env,
        timeout=timeout,
    )


def invoke(*args: str):
    """In-process ``bilingual ARGS`` through Typer's CliRunner (no exit-code mapping)."""
    from typer.testing import CliRunner

    from bilingual.cli.app import app

    return CliRunner().invoke(app, list(args))


def invoke_json(*args: str) -> dict:
    result = invoke(*args, "--json", "-")
    if result.exception is not None:
        raise result.exception
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
