"""Options shared by translate and eval: --engine-option, --engine; warnings as one line each."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from bilingual.cli.options import parse_engine_options
from bilingual.errors import InputError


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bilingual", *args], capture_output=True, text=True, env=dict(os.environ), timeout=300,
        cwd=Path(__file__).parents[1],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (None, {}),
        ([], {}),
        (["workers=2"], {"workers": "2"}),
        (["a=1", "b=x=y", "a=3"], {"a": "3", "b": "x=y"}),  # the first = splits; a later key wins
        (["prompt_style="], {"prompt_style": ""}),
        ([" n_ctx =512"], {"n_ctx": "512"}),
    ],
)
def test_engine_options_parse(values, expected):
    assert parse_engine_options(values) == expected


@pytest.mark.parametrize("value", ["workers", "=2", " =2"])
def test_malformed_engine_option_is_an_input_error(value):
    with pytest.raises(InputError, match="is not KEY=VALUE"):
        parse_engine_options([value])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["translate", "ARTICLE", "--engine-option", "workers"], "error: --engine-option 'workers' is not KEY=VALUE"),
        (["eval", "--corpus", "seed", "--model", "m", "--engine-option", "x"], "error: --engine-option 'x' is not KEY=VALUE"),
        (["translate", "ARTICLE", "--engine", "nope"], "error: unknown engine 'nope'; use one of: "),
        (["eval", "--corpus", "seed", "--model", "m", "--engine", "nope"], "error: unknown engine 'nope'; use one of: "),
    ],
)
def test_bad_engine_options_are_one_line_and_exit_2(tmp_path, args, message):
    article = tmp_path / "a.txt"
    article.write_text("서울시는 요금을 올린다.\n", encoding="utf-8")
    done = cli(*[str(article) if a == "ARTICLE" else a for a in args])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), done.stderr


def test_each_warning_message_prints_once(capsys):
    from bilingual.cli.app import clean_warnings
    from bilingual.errors import EngineOptionWarning

    with clean_warnings():
        for _ in range(2):
            warnings.warn("the engine ignores x", EngineOptionWarning, stacklevel=1)
            warnings.warn("the engine ignores x", EngineOptionWarning, stacklevel=2)  # another place, same message
        warnings.warn("the engine ignores y", EngineOptionWarning)
    assert capsys.readouterr().err.splitlines() == ["warning: the engine ignores x", "warning: the engine ignores y"]


def test_silenced_shows_no_warning(capsys):
    from bilingual.cli.app import clean_warnings, silenced
    from bilingual.errors import EngineOptionWarning

    with clean_warnings(), silenced(True):
        warnings.warn("quiet please", EngineOptionWarning)
    assert capsys.readouterr().err == ""
