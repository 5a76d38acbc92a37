"""Post-edit mode (``bilingual.glossary.postedit``): what is repaired, and that nothing else changes."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

import pytest

from bilingual.errors import InputError
from bilingual.glossary import load_glossary, parse
from bilingual.glossary.postedit import postedit, postedit_segment

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "postedit"
SYSTEMS = ("opus-2021-02-18", "opus-tc-big-2022-07-28", "nllb-200-distilled-1.3B")

GLOSSARY_TSV = """\
korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote
캐버노\tKavanaugh\t\tCabrino | Kaberno | Caverno\tperson\tapproved\t
김문수\tKim Moon-soo\t김 지사\tKim Mun-su\tperson\tapproved\t
러시아 기술공사\tRostec\t러시아기술공사\tRussian Technology Corporation | Russian Technologies\torganisation\tapproved\t
레인저스\tRangers\t\tRanger\torganisation\tapproved\t
타임스\tThe Times\t\tThe Thymes | Thymes\torganisation\tapproved\t
해리스\tHarris\t\t\tperson\tapproved\t
하리스\tHaris\t\tHarris\tperson\tapproved\t
브루킹스 연구소\tBrookings Institution\t\tBrookings Institute\torganisation\tapproved\t
유럽 사무소\tEuropean Office\t\tAsian Office\torganisation\tapproved\t
"""


@pytest.fixture(scope="module")
def glossary():
    return parse(GLOSSARY_TSV, "tsv")


# (source, hypothesis, expected output, expected statuses in source order)
CASES = [
    # already right: nothing changes
    ("캐버노는 말했다.", "Kavanaugh said.", "Kavanaugh said.", ["applied"]),
    ("캐버노의 청문회", "Kavanaugh's hearing", "Kavanaugh's hearing", ["applied"]),
    # a known wrong rendering is replaced
    ("캐버노는 말했다.", "Cabrino said.", "Kavanaugh said.", ["repaired"]),
    # possessive kept
    ("캐버노의 청문회", "Kaberno's hearing", "Kavanaugh's hearing", ["repaired"]),
    ("캐버노의 청문회", "Kaberno’s hearing", "Kavanaugh’s hearing", ["repaired"]),
    # a person's name takes no article: the article goes with the wrong rendering
    ("캐버노를 만났다", "They met the Caverno.", "They met Kavanaugh.", ["repaired"]),
    ("캐버노가 왔다", "The Caverno came.", "Kavanaugh came.", ["repaired"]),
    ("김 지사가 왔다", "Then a Kim Mun-su came.", "Then Kim Moon-soo came.", ["repaired"]),
    ("러시아기술공사의 대표", "the Russian Technology Corporation's head", "Rostec's head", ["repaired"]),
    # all-capital headlines stay in capitals
    ("캐버노 청문회", "CABRINO HEARING", "KAVANAUGH HEARING", ["repaired"]),
    # "the The Times" is not written
    ("타임스에 따르면", "according to the Thymes", "according to the Times", ["repaired"]),
    ("타임스에 따르면", "according to Thymes", "according to The Times", ["repaired"]),
    # a plural name keeps a grammatical possessive
    ("레인저스의 감독", "the Ranger's manager", "the Rangers' manager", ["repaired"]),
    # an organisation of several words keeps its article; a/an agrees with the new name
    ("브루킹스 연구소의 보고서", "a report of the Brookings Institute", "a report of the Brookings Institution", ["repaired"]),
    ("유럽 사무소", "an Asian Office", "a European Office", ["repaired"]),
    # every occurrence of a wrong rendering in the segment is repaired
    ("캐버노는 캐버노다", "Cabrino is Kaberno.", "Kavanaugh is Kavanaugh.", ["repaired"]),
    # right and wrong in the same segment: the wrong one is repaired
    ("캐버노는 캐버노다", "Kavanaugh is Cabrino.", "Kavanaugh is Kavanaugh.", ["repaired"]),
    # neither the term nor a known wrong rendering: left alone and reported missed
    ("캐버노는 말했다.", "Cavanaugh said.", "Cavanaugh said.", ["missed"]),
    # a wrong rendering whose term is not in the source is left alone
    ("그는 말했다.", "Cabrino said.", "Cabrino said.", []),
    # a wrong rendering that is the right English of another term in the segment is left alone
    ("하리스와 해리스", "Harris and Harris", "Harris and Harris", ["missed", "applied"]),
    # inside another word: not a match
    ("캐버노는 말했다.", "Cabrinos said.", "Cabrinos said.", ["missed"]),
    # two terms in one segment
    (
        "김문수 지사가 러시아 기술공사를 방문했다",
        "Governor Kim Mun-su visited Russian Technologies.",
        "Governor Kim Moon-soo visited Rostec.",
        ["repaired", "repaired"],
    ),
]


def changed_outside_edits(before: str, after: str, edits) -> list[tuple[int, int]]:
    """Character ranges of ``before`` whose words differ in ``after`` and lie outside every edit span.

    The diff runs over words (with their offsets), so an ambiguous character
    alignment ("Then a Kim" -> "Then Kim") cannot blame the space next to a span;
    :func:`rebuilt` checks the characters exactly.
    """
    import re

    spans = [(e.start, e.end) for e in edits]
    words_before = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", before)]
    words_after = [m.group() for m in re.finditer(r"\S+", after)]
    bad = []
    matcher = difflib.SequenceMatcher(None, [w for w, _, _ in words_before], words_after, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # an insertion: it must sit inside or at the edge of a span
            at = words_before[i1][1] if i1 < len(words_before) else len(before)
            if not any(s <= at <= e + 1 for s, e in spans):
                bad.append((at, at))
            continue
        for _word, start, end in words_before[i1:i2]:
            # a word counts as repaired when it overlaps a span (punctuation glued to a name stays)
            if not any(start < e and s < end for s, e in spans):
                bad.append((start, end))
    return bad


def rebuilt(before: str, edits) -> str:
    out, cursor = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        assert before[edit.start:edit.end] == edit.old
        out.append(before[cursor:edit.start])
        out.append(edit.new)
        cursor = edit.end
    out.append(before[cursor:])
    return "".join(out)


@pytest.mark.parametrize("source,hyp,expected,statuses", CASES)
def test_postedit_cases(glossary, source, hyp, expected, statuses):
    result = postedit_segment(glossary, source, hyp)
    assert result.output == expected
    assert [e.status for e in result.events] == statuses
    assert rebuilt(hyp, result.edits) == result.output
    assert changed_outside_edits(hyp, result.output, result.edits) == []


def test_report_names_source_match_and_replacement(glossary):
    result = postedit_segment(glossary, "러시아기술공사는 말했다", "The Russian Technology Corporation said", index=7)
    (event,) = result.events
    assert (event.source, event.target, event.status) == ("러시아 기술공사", "Rostec", "repaired")
    assert (event.matched, event.start, event.end) == ("러시아기술공사", 0, 7)
    assert "Russian Technology Corporation" in event.detail
    (edit,) = result.edits
    assert (edit.start, edit.old, edit.new) == (0, "The Russian Technology Corporation", "Rostec")
    assert result.as_dict()["index"] == 7


def test_counts_over_segments(glossary):
    result = postedit(glossary, ["캐버노", "캐버노", "캐버노", "없음"], ["Kavanaugh", "Cabrino", "him", "none"])
    assert result.counts() == {"terms": 3, "applied": 1, "repaired": 1, "missed": 1, "edits": 1}
    assert result.outputs == ["Kavanaugh", "Kavanaugh", "him", "none"]


def test_misaligned_inputs_raise(glossary):
    with pytest.raises(InputError, match="3 segments and the translation 2"):
        postedit(glossary, ["a", "b", "c"], ["a", "b"])


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def ntrex_glossary():
    return load_glossary(REPO / "glossaries" / "ntrex128.tsv")


@pytest.mark.parametrize("system", SYSTEMS)
def test_real_outputs_change_only_repaired_spans(ntrex_glossary, system):
    """Must-show: on real system output, input and output differ only inside the reported edits."""
    sources = _lines(DATA / "ntrex128.ko.txt")
    hyps = _lines(DATA / f"{system}.en.txt")
    result = postedit(ntrex_glossary, sources, hyps)
    n_edits = 0
    for seg in result.segments:
        assert rebuilt(seg.hypothesis, seg.edits) == seg.output
        assert changed_outside_edits(seg.hypothesis, seg.output, seg.edits) == []
        for edit in seg.edits:
            # every replacement writes the glossary's English term (maybe without "The", maybe with "'")
            assert edit.english.removeprefix("The ").upper() in edit.new.upper()
        n_edits += len(seg.edits)
        if not seg.edits:
            assert seg.output == seg.hypothesis
    assert n_edits >= 15  # the excerpt was chosen for its repairable names
    # segments without any known wrong rendering are returned byte for byte
    assert sum(1 for seg in result.segments if not seg.edits) >= 10


def test_random_insertions_change_only_repaired_spans(ntrex_glossary):
    """Wrong renderings planted at random word boundaries of real output are the only changes."""
    rng = random.Random(20261128)
    sources = _lines(DATA / "ntrex128.ko.txt")
    hyps = _lines(DATA / "nllb-200-distilled-1.3B.en.txt")
    from bilingual.glossary.match import find_terms

    planted = 0
    for src, hyp in zip(sources, hyps):
        terms = [m.term for m in find_terms(ntrex_glossary, src, "ko") if m.term.wrong_english]
        if not terms:
            continue
        term = rng.choice(terms)
        wrong = rng.choice(term.wrong_english)
        words = hyp.split(" ")
        at = rng.randrange(len(words) + 1)
        noisy = " ".join(words[:at] + [wrong] + words[at:])
        seg = postedit_segment(ntrex_glossary, src, noisy)
        assert changed_outside_edits(noisy, seg.output, seg.edits) == []
        assert rebuilt(noisy, seg.edits) == seg.output
        planted += 1
    assert planted >= 30
