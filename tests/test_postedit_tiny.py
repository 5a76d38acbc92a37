"""``glossary apply`` on output of the real transformers path (tiny random-weight Marian model).

The tiny model's output is nonsense, so the test teaches the glossary that a
word the model actually produced for a segment is a wrong rendering of a name
in that segment's source; ``apply`` must then replace exactly those words with
the glossary's English term and leave every other character of the model's
output alone.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.glossary import Glossary, load_glossary
from bilingual.glossary.io import dump_tsv
from bilingual.glossary.match import find_terms
from bilingual.glossary.postedit import postedit

from test_postedit_apply import changed_outside_edits, rebuilt

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "postedit"


@pytest.fixture(scope="module")
def translated(tiny_marian_ko_en):
    from bilingual.translation.pipeline import Translator

    glossary = load_glossary(REPO / "glossaries" / "ntrex128.tsv")
    sources = [
        line for line in (DATA / "ntrex128.ko.txt").read_text(encoding="utf-8").splitlines()
        if find_terms(glossary, line, "ko")
    ][:5]
    translator = Translator.from_pretrained(str(tiny_marian_ko_en), source_lang="ko", target_lang="en")
    return glossary, sources, translator.translate_texts(sources)


def taught_glossary(glossary, sources, outputs) -> tuple[Glossary, dict[int, tuple[str, str]]]:
    """One term per segment whose only wrong rendering is the first word the model wrote."""
    terms, plan = [], {}
    for i, (src, out) in enumerate(zip(sources, outputs)):
        words = re.findall(r"[^\W_]+", out)
        if not words:
            continue
        term = find_terms(glossary, src, "ko")[0].term
        if any(t.korean == term.korean for t in terms):
            continue
        terms.append(dataclasses.replace(term, wrong_english=(words[0],), raw=""))
        plan[i] = (words[0], term.english)
    return Glossary(entries=terms), plan


def test_apply_repairs_tiny_model_output(translated):
    glossary, sources, outputs = translated
    assert len(outputs) == len(sources) and all(o.strip() for o in outputs)
    taught, plan = taught_glossary(glossary, sources, outputs)
    assert len(plan) >= 3
    result = postedit(taught, sources, outputs)
    for i, seg in enumerate(result.segments):
        assert seg.hypothesis == outputs[i]
        assert rebuilt(seg.hypothesis, seg.edits) == seg.output
        assert changed_outside_edits(seg.hypothesis, seg.output, seg.edits) == []
        if i not in plan:
            continue
        wrong, english = plan[i]
        # every whole-word occurrence of the taught word (and only those) became the English term
        expected_spans = [
            (m.start(), m.end()) for m in re.finditer(re.escape(wrong), outputs[i])
            if not (m.start() > 0 and outputs[i][m.start() - 1].isalnum())
            and not (m.end() < len(outputs[i]) and outputs[i][m.end()].isalnum())
        ]
        assert [(e.start, e.end) for e in seg.edits if e.english == english] == expected_spans
        assert all(e.new == english for e in seg.edits if e.english == english)
        statuses = {ev.target: ev.status for ev in seg.events}
        assert statuses[english] == "repaired"


def test_apply_command_on_tiny_model_output(translated, tmp_path):
    glossary, sources, outputs = translated
    taught, plan = taught_glossary(glossary, sources, outputs)
    (tmp_path / "g.tsv").write_text(dump_tsv(taught), encoding="utf-8")
    (tmp_path / "src.ko").write_text("\n".join(sources) + "\n", encoding="utf-8")
    (tmp_path / "hyp.en").write_text("\n".join(outputs) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["glossary", "apply", "-s", str(tmp_path / "src.ko"), "--hyp", str(tmp_path / "hyp.en"),
         "-o", str(tmp_path / "out.en"), "-g", str(tmp_path / "g.tsv")],
    )
    assert result.exit_code == 0, result.output
    repaired = (tmp_path / "out.en").read_text(encoding="utf-8").splitlines()
    assert len(repaired) == len(outputs)
    for i, (before, after) in enumerate(zip(outputs, repaired)):
        if i in plan:
            assert plan[i][1] in after and after != before
        else:
            assert after == before
