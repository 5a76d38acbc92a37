"""``bilingual translate`` / ``bilingual models`` with the llama-cpp engine, on a fake ``llama_cpp`` module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from llama_fakes import fake_llama_module
from typer.testing import CliRunner

from bilingual.models import offline as offline_models
from bilingual.cli.app import app, main

runner = CliRunner()


@pytest.fixture
def gguf_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"GGUF" + b"\0" * 60)
    return path


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text("경기도가 협약을 맺었다.\n\n김 지사가 방문했다.\n", encoding="utf-8")
    return path


ANSWERS = {"경기도가 협약을 맺었다.": [" Gyeonggi signed a deal."], "김 지사가 방문했다.": [" Governor Kim visited."]}


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    """Run the real entry point (errors become one line) and capture its output."""
    old = sys.argv
    sys.argv = ["bilingual", *args]
    try:
        with pytest.raises(SystemExit) as info:
            main()
    finally:
        sys.argv = old
    out = capsys.readouterr()
    return info.value.code or 0, out.out, out.err


def test_translate_a_gguf_file(monkeypatch, gguf_file, article, capsys) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module(ANSWERS))
    code, out, err = run_main(["translate", str(article), "--model", str(gguf_file), "--from", "ko", "--to", "en"], capsys)
    assert code == 0, err
    assert out == "Gyeonggi signed a deal.\n\nGovernor Kim visited.\n"
    assert "demonstration" not in err  # a user's own GGUF file is not labelled


def test_named_offline_model_says_once_it_is_a_demonstration(monkeypatch, gguf_file, article, capsys) -> None:
    from bilingual.engines import llama_cpp as llama_cpp_engine

    monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module(ANSWERS))
    monkeypatch.setattr(llama_cpp_engine, "resolve", lambda name: gguf_file)
    monkeypatch.setattr(offline_models, "_DEMO_WARNED", set())
    code, out, err = run_main(["translate", str(article), "--model", "gemma3-270m", "--from", "ko", "--to", "en"], capsys)
    assert code == 0, err
    assert out.startswith("Gyeonggi signed a deal.")
    assert err.count("demonstration-quality") == 1 and err.startswith("warning: model gemma3-270m")


def test_missing_extra_is_one_line_with_the_install_command(monkeypatch, gguf_file, article, capsys) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    code, out, err = run_main(["translate", str(article), "--model", str(gguf_file), "--engine", "llama-cpp"], capsys)
    assert code == 2
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert err.startswith("error: ") and "pip install 'bilingual[llm]'" in err


def test_models_lists_the_offline_model(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("BILINGUAL_CACHE", str(tmp_path))
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("gemma3-270m")]
    assert "demonstration quality, never a default" in line and "ko->en" in line
