"""Docs that tests keep honest (after sqlite-utils' tests/test_docs.py).

Every command of the ``bilingual`` CLI must have help text and be named in
README.md or docs/*.md as ``bilingual COMMAND``, and every option's long name
(``--engine-option``) must appear there too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from bilingual.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def walk(command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """(path, command) for the command and everything under it, groups included.

    Duck-typed (a group has ``commands``, an option is ``param_type_name ==
    "option"``): Typer 0.29 builds its commands on its own copy of click."""
    found = [(path, command)]
    subcommands = getattr(command, "commands", None) or {}
    for name in sorted(subcommands):
        found += walk(subcommands[name], (*path, name))
    return found


COMMANDS = [(path, command) for path, command in walk(typer.main.get_command(app)) if path]
OPTIONS = [
    (path, option)
    for path, command in COMMANDS
    for param in command.params
    if param.param_type_name == "option"
    for option in param.opts
    if option.startswith("--") and option != "--help"
]


@pytest.fixture(scope="module")
def docs() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in DOC_FILES)


def test_docs_exist():
    assert len(DOC_FILES) > 1, "docs/*.md is missing"


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help(path, command):
    assert (command.help or "").strip(), f"bilingual {' '.join(path)} has no help text"


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_documented(docs, path):
    name = "bilingual " + " ".join(path)
    assert re.search(re.escape(name) + r"(?![\w-])", docs), f"{name} is not in README.md or docs/*.md"


@pytest.mark.parametrize("path, option", OPTIONS, ids=[f"{' '.join(p)} {o}" for p, o in OPTIONS])
def test_option_is_documented(docs, path, option):
    assert re.search(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])", docs), (
        f"{option} of bilingual {' '.join(path)} is not in README.md or docs/*.md"
    )


MODULES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in (ROOT / "bilingual").rglob("*.py")
    if not (path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip())
)


@pytest.mark.parametrize("module", MODULES)
def test_module_is_in_layout(module):
    layout = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    assert f"`{module}`" in layout, f"{module} is not listed in docs/layout.md"


def test_layout_lists_no_missing_module():
    layout = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(bilingual/[\w/]+\.py)`", layout))
    gone = sorted(m for m in listed if not (ROOT / m).is_file())
    assert not gone, f"docs/layout.md lists modules that do not exist: {gone}"


def test_layout_lists_each_module_once():
    layout = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(bilingual/[\w/]+\.py)` \|", layout, flags=re.M)
    twice = sorted({row for row in rows if rows.count(row) > 1})
    assert not twice, f"docs/layout.md lists these modules more than once: {twice}"
