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


# --------------------------------------------------------------------------- glossary override lines
HEADER = "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote\n"
FIRST = HEADER + "서울시\tSeoul City\t\t\torganisation\tapproved\t\n시민\tcitizens\t\t\tother\tapproved\t\n"
OVERRIDING = HEADER + "서울시\tSeoul Metropolitan Government\t\t\torganisation\tapproved\t\n시민\tresidents\t\t\tother\tapproved\t\n"
UNRELATED = HEADER + "요금\tfare\t\t\tother\tapproved\t\n"


def _translate_args(tmp_path: Path, model: Path, glossaries: list[str]) -> list[str]:
    src = tmp_path / "a.txt"
    src.write_text(SHORT_ARTICLE, encoding="utf-8")
    return ["translate", str(src), "--model", str(model), "-o", str(tmp_path / "o.txt"), "--beams", "1", *glossaries]


def _eval_args(tmp_path: Path, model: Path, glossaries: list[str]) -> list[str]:
    from bilingual.corpus.folder import load_corpus

    hyp = tmp_path / "hyp.txt"
    hyp.write_text("\n".join(load_corpus("seed").side("en")) + "\n", encoding="utf-8")
    return ["eval", "--corpus", "seed", "--hyp", str(hyp), "--metrics", "chrf", *glossaries]


def _gate_args(tmp_path: Path, model: Path, glossaries: list[str]) -> list[str]:
    """Two gate checks with the same glossary files: each override is still one line."""
    from bilingual.corpus.folder import load_corpus

    names = ", ".join(f'"{Path(g).name}"' for g in glossaries[1::2])
    checks = []
    for src, tgt in (("ko", "en"), ("en", "ko")):
        (tmp_path / f"hyp.{tgt}").write_text("\n".join(load_corpus("seed").side(tgt)) + "\n", encoding="utf-8")
        checks.append(f'[[check]]\ncorpus = "seed"\nfrom = "{src}"\nto = "{tgt}"\nhyp = "hyp.{tgt}"\n'
                      f'metrics = ["chrf"]\nglossary = [{names}]\nmin_chrf = 1\n')  # fmt: skip
    (tmp_path / "gate.toml").write_text("\n".join(checks), encoding="utf-8")
    return ["eval", "--gate", str(tmp_path / "gate.toml")]


def _apply_args(tmp_path: Path, model: Path, glossaries: list[str]) -> list[str]:
    (tmp_path / "src.ko").write_text("서울시는 요금을 올린다.\n", encoding="utf-8")
    (tmp_path / "hyp.en").write_text("Seoul raises fares.\n", encoding="utf-8")
    return ["glossary", "apply", "-s", str(tmp_path / "src.ko"), "--hyp", str(tmp_path / "hyp.en"),
            "-o", str(tmp_path / "out.en"), *glossaries]  # fmt: skip


@pytest.mark.parametrize(
    "make_args", [_translate_args, _eval_args, _gate_args, _apply_args], ids=["translate", "eval", "eval-gate", "apply"]
)
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ((FIRST, OVERRIDING), ["g1.tsv:2 overrides {tmp}/g0.tsv:2 for 서울시: 'Seoul City' -> 'Seoul Metropolitan Government'",
                               "g1.tsv:3 overrides {tmp}/g0.tsv:3 for 시민: 'citizens' -> 'residents'"]),
        ((FIRST, UNRELATED), []),
        ((FIRST,), []),
    ],
    ids=["two-overrides", "no-override", "one-file"],
)  # fmt: skip
def test_each_glossary_override_is_one_stderr_line(tiny_marian_ko_en, tmp_path, make_args, files, expected):
    glossaries = []
    for k, text in enumerate(files):
        path = tmp_path / f"g{k}.tsv"
        path.write_text(text, encoding="utf-8")
        glossaries += ["--glossary", str(path)]
    code, _, err = run(*make_args(tmp_path, tiny_marian_ko_en, glossaries))
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.startswith("glossary: ")]
    assert lines == [f"glossary: {tmp_path}/{line.format(tmp=tmp_path)}" for line in expected], err


def test_quiet_translate_prints_no_override_lines(tiny_marian_ko_en, tmp_path):
    glossaries = []
    for k, text in enumerate((FIRST, OVERRIDING)):
        (tmp_path / f"g{k}.tsv").write_text(text, encoding="utf-8")
        glossaries += ["--glossary", str(tmp_path / f"g{k}.tsv")]
    code, _, err = run(*_translate_args(tmp_path, tiny_marian_ko_en, glossaries), "-q")
    assert code == 0 and err == ""


# --------------------------------------------------------------------------- engine notes in the report
LOOPING = " It rained." + " And then it rained again and again" * 20


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"경기도가 협약을 맺었다.": [" Gyeonggi signed a deal."], "김 지사가 방문했다.": [" Governor Kim visited."]}, []),
        (
            {"경기도가 협약을 맺었다.": ["\n Gyeonggi signed a deal."], "김 지사가 방문했다.": [LOOPING]},
            [("경기도가 협약을 맺었다.", "retried", "empty answer", ""), ("김 지사가 방문했다.", "cut", "token limit", LOOPING[:40])],
        ),
    ],
    ids=["no-notes", "retried-and-cut"],
)  # fmt: skip
def test_llama_engine_notes_are_in_the_report(monkeypatch, tmp_path, answers, expected):
    from llama_fakes import fake_llama_module

    monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module(answers))
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 60)
    src = tmp_path / "a.txt"
    src.write_text("경기도가 협약을 맺었다.\n\n김 지사가 방문했다.\n", encoding="utf-8")
    report = tmp_path / "r.json"
    code, out, err = run("translate", str(src), "--model", str(gguf), "--from", "ko", "--to", "en", "--report", str(report))
    assert code == 0, err
    assert out.startswith("Gyeonggi signed a deal.")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert len(data["segments"]) == 2
    notes = [(segment["source"], note) for segment in data["segments"] for note in segment["engine_notes"]]
    assert [(source, n["kind"]) for source, n in notes] == [(text, kind) for text, kind, _, _ in expected]
    for (_, note), (_, _, detail, raw) in zip(notes, expected):
        assert detail in note["detail"] and note["raw"].startswith(raw) and "index" not in note
    assert data["summary"]["engine_notes"] == len(expected)


def test_engine_without_notes_reports_none(tiny_marian_ko_en, article, tmp_path):
    report = tmp_path / "r.json"
    code, _, err = run("translate", str(article), "--model", str(tiny_marian_ko_en), "--report", str(report), "--beams", "1")
    assert code == 0, err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["segments"] and all(segment["engine_notes"] == [] for segment in data["segments"])
    assert data["summary"]["engine_notes"] == 0


# --------------------------------------------------------------------------- warnings as one clean line
DRIVER = '''\
"""``bilingual ARGS`` in a real process, with a fake llama_cpp whose gemma3-270m answers every seed segment."""
import sys
import warnings
from pathlib import Path

tests, gguf, extra, *args = sys.argv[1:]
sys.path.insert(0, tests)
from llama_fakes import fake_llama_module

from bilingual.evaluation import jobs as eval_jobs
from bilingual.corpus.folder import load_corpus
from bilingual.engines import llama_cpp as llama_cpp_engine

Path(gguf).write_bytes(b"GGUF" + b"\\0" * 60)
answers = {s: [" The city said so."] for s in [*load_corpus("seed").side("ko"), "경기도가 협약을 맺었다."]}
sys.modules["llama_cpp"] = fake_llama_module(answers)
llama_cpp_engine.resolve = lambda name: Path(gguf)
if extra != "none":  # a plain UserWarning from our code, or a library's warning from its own file
    translate_corpus = eval_jobs.translate_corpus
    where = eval_jobs.__file__ if extra == "ours" else "/elsewhere/lib.py"

    def noisy(*a, **k):
        warnings.warn_explicit("something else", FutureWarning if extra == "foreign" else UserWarning, where, 7)
        return translate_corpus(*a, **k)

    eval_jobs.translate_corpus = noisy
from bilingual.cli.app import main

sys.argv = ["bilingual", *args]
main()
'''
DEMO = "warning: model gemma3-270m is a demonstration-quality model"


@pytest.mark.parametrize(
    ("command", "extra", "expected"),
    [
        ("eval", "none", [DEMO]),
        ("eval", "ours", ["warning: something else", DEMO]),
        ("eval", "foreign", ["/elsewhere/lib.py:7: FutureWarning: something else", DEMO]),  # left as Python shows it
        ("translate", "none", [DEMO]),
    ],
)
def test_our_warnings_are_one_clean_line(tmp_path, command, extra, expected):
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    args = ["eval", "--corpus", "seed", "--model", "gemma3-270m", "--metrics", "chrf"]
    if command == "translate":
        (tmp_path / "a.txt").write_text("경기도가 협약을 맺었다.\n", encoding="utf-8")
        args = ["translate", str(tmp_path / "a.txt"), "--model", "gemma3-270m", "--from", "ko", "--to", "en"]
    done = subprocess.run(
        [sys.executable, str(driver), str(Path(__file__).parent), str(tmp_path / "m.gguf"), extra, *args],
        capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[1],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(expected), done.stderr
    for line, start in zip(lines, expected):
        assert line.startswith(start)
    assert "DemoQualityWarning" not in done.stderr and "llama_cpp_engine.py" not in done.stderr
