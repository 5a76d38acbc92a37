"""Gate files: every key known, every bar a number; bars checked against runs and baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual.errors import GateConfigError
from bilingual.evaluation.gate import check_entry, load_baseline, load_gate
from eval_helpers import GATE_FILE

GOOD = """
[[check]]
corpus = "ntrex128"
hyp = "out.txt"
baseline = "base.json"
min_bleu = 20
"min_chrf++" = 50.5
max_ter = 70
max_drop_bleu = 0.5
"""

BAD = [
    # (toml, message fragment)
    ('[[check]]\ncorpus = "ntrex128"\nmin_blue = 20\n', "unknown metric 'blue' in 'min_blue'"),
    ('[[check]]\ncorpus = "ntrex128"\nmax_drop_meteor = 1\nbaseline = "b.json"\n', "unknown metric 'meteor'"),
    ('[[check]]\ncorpus = "ntrex128"\nthreshold = 20\n', "unknown key 'threshold'"),
    ('[[check]]\ncorpus = "ntrex128"\nmin_ter = 20\n', "lower ter is better, use max_ter"),
    ('[[check]]\ncorpus = "ntrex128"\nmax_bleu = 20\n', "higher bleu is better, use min_bleu"),
    ('[[check]]\ncorpus = "ntrex128"\nmin_bleu = "high"\n', "min_bleu must be a number"),
    ('[[check]]\ncorpus = "ntrex128"\nmin_bleu = true\n', "min_bleu must be a number"),
    ('[[check]]\ncorpus = "ntrex128"\nmax_drop_bleu = 1\n', "need a baseline"),
    ('[[check]]\ncorpus = "ntrex128"\nmin_term_success_rate = 0.9\n', "needs a glossary"),
    ('[[check]]\ncorpus = "ntrex128"\nfrom = "ja"\nmin_bleu = 1\n', "unknown language 'ja'; use one of: ko, en"),
    ('[[check]]\ncorpus = "ntrex128"\n', "no bars"),
    ('[[check]]\nmin_bleu = 1\n', "'corpus' is required"),
    ('[gate]\nmin_bleu = 1\n', "unknown top-level key(s) gate"),
    ('min_bleu = [', "not valid TOML"),
    ("", "no [[check]] tables"),
    ('[[check]]\ncorpus = "a"\nmin_bleu = 1\n[[check]]\ncorpus = "a"\nmin_bleu = 2\n', "two checks for a"),
]


@pytest.mark.parametrize("text,message", BAD, ids=[b[1][:30] for b in BAD])
def test_bad_gate_files_are_config_errors(tmp_path: Path, text, message):
    path = tmp_path / "gate.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GateConfigError) as info:
        load_gate(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_good_gate_file_parses_bars_and_paths(tmp_path: Path):
    path = tmp_path / "gate.toml"
    path.write_text(GOOD, encoding="utf-8")
    entry = load_gate(path).find("ntrex128", "ko", "en")
    assert entry.mins == {"bleu": 20.0, "chrf++": 50.5}
    assert entry.maxs == {"ter": 70.0}
    assert entry.max_drops == {"bleu": 0.5}
    assert entry.hyp == tmp_path / "out.txt" and entry.baseline == tmp_path / "base.json"
    with pytest.raises(GateConfigError, match="no \\[\\[check\\]\\] for corpus ntrex128 en->ko"):
        load_gate(path).find("ntrex128", "en", "ko")


SIG = {"bleu": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"}


@pytest.mark.parametrize(
    "values,passed,failing",
    [
        ({"bleu": 26.0, "chrf++": 52.0, "ter": 60.0}, True, []),
        ({"bleu": 19.9, "chrf++": 52.0, "ter": 60.0}, False, ["bleu 19.90 < min 20"]),
        ({"bleu": 26.0, "chrf++": 50.0, "ter": 71.0}, False, ["chrf++ 50.00 < min 50.5", "ter 71.00 > max 70"]),
        ({"bleu": 25.4, "chrf++": 52.0, "ter": 60.0}, False, ["bleu dropped 0.60 from baseline 26.00 to 25.40"]),
        ({"bleu": 25.5, "chrf++": 52.0, "ter": 60.0}, True, []),  # a drop equal to the bar holds
    ],
)
def test_bars_against_values(tmp_path: Path, values, passed, failing):
    (tmp_path / "gate.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "base.json").write_text(json.dumps({"scores": {"bleu": 26.0}, "signatures": SIG}), encoding="utf-8")
    entry = load_gate(tmp_path / "gate.toml").entries[0]
    result = check_entry(entry, values, SIG)
    assert result.passed is passed
    text = "; ".join(c.describe() for c in result.failures)
    for fragment in failing:
        assert fragment in text


def test_baseline_scored_with_other_settings_is_refused(tmp_path: Path):
    (tmp_path / "gate.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "base.json").write_text(json.dumps({"scores": {"bleu": 26.0}, "signatures": SIG}), encoding="utf-8")
    entry = load_gate(tmp_path / "gate.toml").entries[0]
    other = {"bleu": SIG["bleu"].replace("tok:13a", "tok:ko-mecab-0.996/ko-0.9.2-KO")}
    with pytest.raises(GateConfigError, match="re-create the baseline"):
        check_entry(entry, {"bleu": 26.0, "chrf++": 52, "ter": 60}, other)
    # a different sacrebleu version alone is not a different setting
    newer = {"bleu": SIG["bleu"].replace("version:2.6.0", "version:2.7.0")}
    assert check_entry(entry, {"bleu": 26.0, "chrf++": 52, "ter": 60}, newer).passed


def test_shipped_gate_and_baselines_are_valid():
    config = load_gate(GATE_FILE)
    assert len(config.entries) >= 3
    for entry in config.entries:
        assert entry.hyp is not None and entry.hyp.is_file(), entry.name
        baseline = load_baseline(entry.baseline)
        assert set(entry.max_drops) <= set(baseline.scores)
        assert all(k in baseline.signatures for k in ("bleu", "chrf++"))
