"""Formats through the real ``bilingual translate`` with a tiny model: deep Markdown quotes, JSONL
numbers, and bad JSONL or Markdown as one error line (exit 2, input unchanged, nothing written)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_translate_cli import cli, run


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("depth", [20, 100])
def test_cli_translates_deep_quotes(tiny_marian_ko_en, tmp_path, depth):
    lines = [">" * depth + " 깊은 인용문 속 한국어 문장이다.", ">" * depth, "> " * depth + "- 목록 항목이다.", "> " * depth + "  - 중첩 항목이다."]
    article = write(tmp_path, "q.md", "\n".join(lines) + "\n")
    code, out = run("translate", str(article), "--model", str(tiny_marian_ko_en), "--beams", "1", "-q")
    assert code == 0, out
    translated = out.splitlines()
    assert len(translated) == len(lines) and translated != lines
    for source, line in zip(lines, translated, strict=True):
        assert line.count(">") >= source.count(">") and line.startswith(re.match(r"[>\s-]*", source).group().rstrip())


def test_jsonl_numbers_come_through(tiny_marian_ko_en, tmp_path):
    line = '{"id": 1e400, "title": "지하철 요금", "n": 1e400, "m": 1.10, "big": ' + "9" * 5000 + ', "u": "caf\\u00e9"}'
    article = write(tmp_path, "n.jsonl", line + "\n")
    code, out = run("translate", str(article), "--model", str(tiny_marian_ko_en), "--beams", "1", "-q")
    assert code == 0, out
    translated = out.rstrip("\n")
    assert translated != line
    title = re.search(r'"title": "(?:[^"\\]|\\.)*"', translated).group()
    assert translated.replace(title, '"title": "지하철 요금"') == line


BAD = {
    "jsonl-nested-100000": ("deep.jsonl", '{"title": "x", "d": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "line 1: arrays and objects are nested more than 500 deep"),
    "jsonl-lone-surrogate": ("s.jsonl", '{"title": "제목", "body": "본문\\ud800"}\n', 'line 1: "body" holds a lone surrogate \\ud800'),
    "markdown-quotes-250": ("q.md", ">" * 250 + " 인용\n", "line 1: block quotes and lists nested more than 200 levels deep"),
}


@pytest.mark.parametrize(("name", "text", "message"), BAD.values(), ids=BAD.keys())
def test_bad_input_is_one_error_line(tiny_marian_ko_en, tmp_path, name, text, message):
    article = write(tmp_path, name, text)
    before = article.read_bytes()
    done = cli("translate", str(article), "--model", str(tiny_marian_ko_en), "-o", str(tmp_path / "out" / name))
    assert done.returncode == 2 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {article}: {message}")
    assert article.read_bytes() == before and not (tmp_path / "out").exists()
