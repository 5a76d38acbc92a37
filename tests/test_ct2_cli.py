"""``bilingual models convert`` then ``bilingual translate --model CONVERTED``, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bilingual", *args], capture_output=True, text=True, env=dict(os.environ), timeout=300
    )


def blocks(text: str) -> list[str]:
    return text.split("\n\n")


@pytest.fixture(scope="module")
def converted(tmp_path_factory, tiny_marian_ko_en) -> Path:
    out = tmp_path_factory.mktemp("cli") / "ko-en-int8"
    code, output = run("models", "convert", str(tiny_marian_ko_en), str(out), "--quantization", "int8")
    assert code == 0, output
    assert str(out) in output and (out / "model.bin").is_file()
    return out


def test_converted_model_translates_an_article_with_the_same_structure(converted, tiny_marian_ko_en, tmp_path, ko_article):
    src = tmp_path / "article.txt"
    src.write_text(ko_article, encoding="utf-8")
    outputs, reports = {}, {}
    for name, model in (("ct2", converted), ("hf", tiny_marian_ko_en)):
        out, report = tmp_path / f"{name}.txt", tmp_path / f"{name}.json"
        code, output = run(
            "translate", str(src), "-o", str(out), "--model", str(model), "--report", str(report),
            "--max-length", "40", "--quiet",
        )  # fmt: skip
        assert code == 0, output
        outputs[name] = out.read_text(encoding="utf-8")
        reports[name] = json.loads(report.read_text(encoding="utf-8"))
    ct2, hf = outputs["ct2"], outputs["hf"]
    assert len(blocks(ct2)) == len(blocks(hf)) == len(blocks(ko_article))
    assert [bool(b.strip()) for b in blocks(ct2)] == [bool(b.strip()) for b in blocks(ko_article)]
    assert ct2.count("\n") == hf.count("\n")
    seg_ct2, seg_hf = reports["ct2"]["segments"], reports["hf"]["segments"]
    assert [s["source"] for s in seg_ct2] == [s["source"] for s in seg_hf]
    assert all(s["output"].strip() for s in seg_ct2)
    assert ct2 != ko_article


def test_engine_and_compute_type_options_reach_ctranslate2(converted, tmp_path):
    src = tmp_path / "article.txt"
    src.write_text("서울에 비가 온다.\n", encoding="utf-8")
    code, output = run(
        "translate", str(src), "--model", str(converted), "--engine", "ctranslate2", "--compute-type", "float32",
        "--threads", "1", "--beams", "2", "--max-length", "10", "--quiet",
    )  # fmt: skip
    assert code == 0 and output.strip()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("half-written model.bin", "incomplete or corrupted"),
        ("no vocabulary", "no vocabulary file"),
        ("float16 on cpu", "float16 is not supported on cpu"),
    ],
)
def test_broken_folder_or_option_is_one_clear_line(converted, tmp_path, ko_article, damage, message):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(converted, folder)
    extra: list[str] = []
    if damage == "half-written model.bin":
        data = (folder / "model.bin").read_bytes()
        (folder / "model.bin").write_bytes(data[: len(data) // 2])
    elif damage == "no vocabulary":
        (folder / "shared_vocabulary.json").unlink()
    else:
        extra = ["--compute-type", "float16"]
    src = tmp_path / "a.txt"
    src.write_text(ko_article, encoding="utf-8")
    done = cli("translate", str(src), "--model", str(folder), *extra)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], done.stderr


def test_convert_errors_are_one_clear_line(tmp_path):
    (tmp_path / "ckpt").mkdir()
    done = cli("models", "convert", str(tmp_path / "ckpt"), str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "no config.json" in lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("quiet", [False, True], ids=["shown", "quiet"])
def test_ignored_generation_setting_is_one_warning_line(converted, tmp_path, quiet):
    """The tiny checkpoint's generation_config.json sets exponential_decay_length_penalty, which CTranslate2
    cannot apply: a real `bilingual translate` says so in one line (none with -q) and still translates."""
    config = json.loads((converted / "generation_config.json").read_text(encoding="utf-8"))
    assert config.get("exponential_decay_length_penalty")
    src = tmp_path / "a.txt"
    src.write_text("서울에 비가 온다.\n\n서울시는 요금을 올린다.\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    done = cli("translate", str(src), "-m", str(converted), "-o", str(out), "--max-length", "10",
               "--engine-option", "workers=1", *(["-q"] if quiet else []))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").strip()
    if quiet:
        assert done.stderr == ""
        return
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"warning: {converted}: generation_config.json sets exponential_decay_length_penalty")
    assert "EngineOptionWarning" not in done.stderr and "warnings.warn" not in done.stderr
