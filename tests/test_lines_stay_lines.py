"""A plain-text file with one sentence a line comes back with one translation a line.

Checked on the corpora the project ships (NTREX-128 and FLORES-200 devtest,
both sides: every line that does not end a sentence, with the line after it,
and every 10th line), through ``bilingual translate`` with a tiny model; and
the rule itself (``line_continues``) as a table.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bilingual.corpus.folder import load_corpus
from bilingual.formats.markdown import parse_markdown
from bilingual.formats.text import parse_text
from bilingual.translation.segmenting import line_continues, segment_block, split_sentences


@pytest.mark.parametrize(
    "line, next_line, continues",
    [
        ("He said the", "first thing was done.", True),  # English hard wrap
        ("He said the", "Kim left.", False),  # a capital may start a new sentence
        ("It rained.", "then it stopped.", False),  # the line ended a sentence
        ('"We will go,"', "she said.", False),  # closing quote ends the line's sentence
        ("첫 문장은 모르며", "아시아 시장들이 올랐다.", False),  # Korean: no letter case, a line is a segment
        ("의원은", "밝혔다.", False),
        ("", "text", False),
        ("text", "", False),
    ],
)
def test_line_continues(line, next_line, continues):
    assert line_continues(line, next_line) is continues


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("첫 문장은 모르며\n아시아 시장들이 올랐다.", "ko", ["첫 문장은 모르며", "아시아 시장들이 올랐다."]),
        ("He said the\nfirst thing. Then\nKim left.", "en", ["He said the\nfirst thing.", "Then", "Kim left."]),
        ("One.\r\nTwo.\rThree.", "en", ["One.", "Two.", "Three."]),
    ],
)
def test_a_line_break_ends_a_segment_unless_the_sentence_continues(text, lang, expected):
    pairs = split_sentences(text, lang)
    assert [s for s, _ in pairs] == expected
    assert "".join(s + t for s, t in pairs) == text


def test_markdown_line_breaks_are_soft():
    doc = parse_markdown("He said the\nFirst thing was done.\n")
    block = doc.blocks[0]
    assert block.soft_breaks
    assert [s.text for s in segment_block(block, "en")] == ["He said the\nFirst thing was done."]


def test_a_byline_glued_to_the_text_after_it_is_a_block_of_its_own():
    doc = parse_text("제목\n\n첫 문장이다.\n【수원=홍길동 기자】경기도는 밝혔다.\n")
    kinds = [(b.kind.value, b.text) for b in doc.blocks]
    assert ("byline", "【수원=홍길동 기자】") in kinds
    assert ("paragraph", "경기도는 밝혔다.") in kinds


def _risky_sample(lines: list[str]) -> list[str]:
    """Every line that does not end a sentence with the line after it, and every 10th
    line, in corpus order (the whole sets: eval/scripts/lines_in_lines_out.py)."""
    keep = {i for i in range(0, len(lines), 10)}
    for i, line in enumerate(lines[:-1]):
        if not line.rstrip() or line.rstrip()[-1] not in ".!?\"'”’)":
            keep.update((i, i + 1))
    return [lines[i] for i in sorted(keep)]


@pytest.mark.parametrize("corpus", ["ntrex128", "flores200-devtest"])
@pytest.mark.parametrize("source_lang", ["ko", "en"])
def test_lines_in_equal_lines_out(corpus, source_lang, tiny_marian_ko_en, tiny_marian_en_ko, tmp_path: Path):
    lines = _risky_sample(load_corpus(corpus).side(source_lang))
    source = tmp_path / f"{corpus}.{source_lang}.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = tiny_marian_ko_en if source_lang == "ko" else tiny_marian_en_ko
    out = tmp_path / "out.txt"
    target = "en" if source_lang == "ko" else "ko"
    done = subprocess.run(
        [sys.executable, "-m", "bilingual", "translate", str(source), "--from", source_lang, "--to", target,
         "--model", str(model), "--beams", "1", "--max-length", "4", "-q", "-o", str(out)],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    translated = out.read_text(encoding="utf-8").split("\n")
    assert translated[-1] == ""
    assert len(translated) - 1 == len(lines)
    assert all(line.strip() for line in translated[:-1])
