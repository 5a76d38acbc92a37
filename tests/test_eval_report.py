"""Reports: JSON with signatures, Markdown readable as plain text, HTML with an inline SVG chart."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from bilingual.corpus.folder import load_corpus
from bilingual.evaluation.run import evaluate_run
from bilingual.evaluation.html_report import report_html, svg_article_chart
from bilingual.evaluation.report import report_json, report_markdown

SVG = "{http://www.w3.org/2000/svg}"


def _damaged(corpus, drop_every: int) -> list[str]:
    out = []
    for k, article in enumerate(corpus.articles):
        for seg in article.side("en"):
            words = seg.split()
            out.append(" ".join(words[: max(1, len(words) - 1 - (k % drop_every))]))
    return out


@pytest.fixture(scope="module")
def run():
    corpus = load_corpus("wmt24pp-news")
    return evaluate_run(
        corpus,
        _damaged(corpus, 5),
        system="damaged-references",
        baseline_hyps=_damaged(corpus, 2),
        baseline_system="other",
        n_samples=200,
        n_trials=200,
    )


def test_json_report_carries_numbers_signatures_and_articles(run):
    data = report_json([run])
    assert data["bleu"] == run.scores.bleu and data["ter"] == run.scores.ter
    assert set(data["signatures"]) == {"bleu", "chrf", "chrf++", "ter"}
    assert len(data["articles"]) == 17 and len(data["worst_segments"]) == 10
    assert data["significance"]["paired-bootstrap"]["bleu"]["p_value"] <= 1


def test_svg_chart_has_one_bar_per_article_scaled_to_its_score(run):
    svg = ET.fromstring(svg_article_chart(run))
    assert svg.tag == f"{SVG}svg"
    bars = svg.findall(f".//{SVG}rect[@class='bar']")
    assert [b.get("data-article") for b in bars] == [a.id for a in run.articles]
    widths = [float(b.get("width")) for b in bars]
    values = [a.values["chrf++"] for a in run.articles]
    for w, v, b in zip(widths, values, bars):
        assert w == pytest.approx(560 * v / 100, abs=0.01)
        assert float(b.get("data-value")) == pytest.approx(v, abs=1e-4)
    # the corpus score is drawn as a line, the baseline as one tick per article
    assert svg.find(f".//{SVG}line[@class='corpus-line']") is not None
    assert len(svg.findall(f".//{SVG}line[@class='baseline-mark']")) == 17
    assert svg.find(f"{SVG}title").text.startswith("chrF++ per article")


def test_html_page_is_self_contained(run):
    page = report_html([run])
    assert page.startswith("<!DOCTYPE html>")
    assert "<svg" in page and "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "nrefs:1|case:mixed|eff:no|tok:13a" in page


def test_markdown_reads_as_plain_text(run):
    md = report_markdown([run])
    assert "<" not in md.replace("<=", "").replace("< min", "")  # no HTML tags
    lines = md.splitlines()
    assert lines[0] == "# bilingual eval"
    assert max(len(line) for line in lines if line.startswith("|")) < 160  # tables fit a terminal-ish width
    assert f"| BLEU | {run.scores.bleu:.2f} |" in md
    assert "Signatures (sacrebleu):" in md and "`nrefs:1|case:mixed|eff:no|tok:13a" in md
    assert "10 worst segments by sentence chrF++:" in md
    assert "   - reference: " in md


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no chromium on PATH (Debian: apt-get install -y chromium)")
def test_headless_browser_renders_the_chart(run, tmp_path: Path):
    page = tmp_path / "report.html"
    page.write_text(report_html([run]), encoding="utf-8")
    shot = tmp_path / "report.png"
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}", "--hide-scrollbars",
    ]
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="bar"') == len(run.articles)  # the browser parsed every bar
    proc = subprocess.run(
        [_chromium(), *flags, "--window-size=1100,1400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"},
    )
    assert proc.returncode == 0 and shot.is_file(), proc.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.width == 1100
        pixels = list(image.convert("RGB").getdata())
    # bars are painted: many pixels in the two bar colours (#3b6fb6 above, #d9822b below the corpus score)
    blue = orange = 0
    for r, g, b in pixels:
        if abs(r - 0x3B) < 8 and abs(g - 0x6F) < 8 and abs(b - 0xB6) < 8:
            blue += 1
        elif abs(r - 0xD9) < 8 and abs(g - 0x82) < 8 and abs(b - 0x2B) < 8:
            orange += 1
    assert blue > 2000 and orange > 500, (blue, orange)
