"""Every ``--help`` page of the CLI: no Python type names, one meaning per short option."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from bilingual.cli.app import app

# What Typer prints for a parameter's Python type: <str>, <int>, <bool>, <path>, <list[Path]>, ...
TYPE_NAME = re.compile(r"<(?:str|int|float|bool|path|Path|file|dir|text|list\[|tuple\[|dict\[|Optional\[|NoneType)")


def walk(command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """(path, command) for the command and everything under it, groups included (duck-typed, as in test_docs)."""
    found = [(path, command)]
    subcommands = getattr(command, "commands", None) or {}
    for name in sorted(subcommands):
        found += walk(subcommands[name], (*path, name))
    return found


ROOT = typer.main.get_command(app)
COMMANDS = walk(ROOT)
IDS = [" ".join(path) or "bilingual" for path, _ in COMMANDS]


def options(command) -> list:
    return [p for p in command.params if p.param_type_name == "option"]


def long_name(option) -> str:
    return next(o for o in option.opts if o.startswith("--"))


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=IDS)
def test_help_names_no_python_type(path):
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    found = TYPE_NAME.findall(result.output)
    assert not found, f"bilingual {' '.join(path)} --help shows Python types {found}:\n{result.output}"


def test_help_shows_what_options_take():
    result = CliRunner().invoke(app, ["translate", "--help"], terminal_width=200)
    lines = {line.split()[1]: line for line in result.output.splitlines() if line.startswith("│ --")}
    assert " FILE " in lines["--glossary"] and " PATH " in lines["--output"] and " INTEGER " in lines["--beams"]
    assert " KEY=VALUE " in lines["--engine-option"]
    assert lines["--quiet"].split()[1:4] == ["--quiet", "-q", "No"]  # a flag takes nothing


def test_each_short_option_means_one_thing():
    meanings: dict[str, set[str]] = {}
    for _, command in COMMANDS:
        for option in options(command):
            for short in (o for o in option.opts if not o.startswith("--")):
                meanings.setdefault(short, set()).add(long_name(option))
    clashes = {short: sorted(longs) for short, longs in meanings.items() if len(longs) > 1}
    assert not clashes, f"short options with more than one meaning: {clashes}"


@pytest.mark.parametrize(("long", "short"), [("--glossary", "-g"), ("--model", "-m"), ("--output", "-o")])
def test_shared_options_have_their_short_form_everywhere(long, short):
    missing = [
        " ".join(path)
        for path, command in COMMANDS
        for option in options(command)
        if long_name(option) == long and short not in option.opts
    ]
    assert not missing, f"{long} without {short} in: {missing}"


def test_every_value_option_declares_or_gets_a_value_name():
    ctx = ROOT.make_context("bilingual", [], resilient_parsing=True)
    for path, command in COMMANDS:
        for param in command.get_params(ctx):
            if param.param_type_name == "option" and not getattr(param, "is_flag", False):
                assert param.metavar and param.metavar.upper() == param.metavar, (path, param.name, param.metavar)
