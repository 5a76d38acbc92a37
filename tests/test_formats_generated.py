"""Round trips on many generated inputs: random mixes of Markdown and plain-text
lines (markup, Korean, tabs, CR/LF/CRLF endings, odd Unicode) must come back
exactly, and a fake translation must keep every line break in place."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from formats_helpers import fake_translate

from bilingual.formats import parse, render

FRAGMENTS = [
    "# 제목", "## Heading ##", "Text line", "김 지사는 말했다. 그리고 떠났다.", "> quote", ">", "> > deep",
    "- item", "  - nested", "    indented", "\tTab line", "1. one", "10) ten", "* star", "+ plus", "```", "~~~",
    "```python", "<div>", "</div>", "<!-- c -->", "---", "***", "===", "| a | b |", "|---|---|", "a | b",
    "[r]: http://x", '[link](http://u "t")', "`code` and ``x``", "![img](a.png)", "<http://auto>", "text  ",
    "text\\", "&amp; &#123;", "\\*esc\\*", "*em* **st** ~~s~~", "", "", "  ", "[x][r] [r] [r][]", "<b>x</b>",
    "mail@x.kr http://y.kr/a.", "+++", "Title", "-", "1.", "> - a", "- > b", "- [ ] task", "    - deep",
    "\u3000전각 공백", "a\u2028b", "\x0c", "By Kim Ji-hoon", "(서울=연합뉴스) 홍길동 기자 = 본문이다.",
    "Published : Oct. 25, 2012 - 19:41", "사진=연합뉴스", "• Link copied", "\u3000전각", "항목\u00a0",
    "\t- tab item", "-\ttab item", " \t mixed indent", ">\tquote tab", "  >  quote", "1.\tnum tab",
    "\t\tdouble tab text", "| 셀 \u3000| b |", "a\u00a0| b",
]
ENDINGS = ["\n", "\n", "\n", "\r\n", "\r"]


def generated(seed: int) -> str:
    rnd = random.Random(seed)
    ending = rnd.choice(ENDINGS)
    lines = [
        rnd.choice(FRAGMENTS) + (ending if rnd.random() < 0.9 else rnd.choice(ENDINGS))
        for _ in range(rnd.randint(0, 25))
    ]
    text = "".join(lines)
    return text.rstrip("\r\n") if rnd.random() < 0.3 else text


def line_breaks(text: str) -> int:
    return text.count("\r\n") + text.replace("\r\n", "").count("\n") + text.replace("\r\n", "").count("\r")


@pytest.mark.parametrize("fmt", ["md", "txt"])
@pytest.mark.parametrize("chunk", range(4))
def test_generated_round_trips(fmt: str, chunk: int) -> None:
    for seed in range(chunk * 150, (chunk + 1) * 150):
        text = generated(seed)
        (doc,) = parse(text, fmt)
        assert render(doc) == text, seed
        for block in doc.blocks:
            if block.translatable:
                assert block.text == block.text.strip(), seed
            for start, end in block.protected:
                assert 0 <= start < end <= len(block.text), seed
        translated = render(fake_translate(doc))
        assert line_breaks(translated) == line_breaks(text), seed


def _repo_markdown() -> list[Path]:
    root = Path(__file__).resolve().parent.parent
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("node_modules", "build", "dist")]
        found += [Path(folder) / f for f in files if f.endswith(".md")]
    return sorted(found)


@pytest.mark.parametrize("path", _repo_markdown(), ids=lambda p: p.name)
def test_repository_markdown_round_trips(path: Path) -> None:
    """Real Markdown written by people (this repository's own documentation)."""
    text = path.read_bytes().decode("utf-8")
    (doc,) = parse(text, "md")
    assert render(doc) == text
    translated = render(fake_translate(doc))
    assert line_breaks(translated) == line_breaks(text)
