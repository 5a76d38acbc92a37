"""Paired bootstrap and approximate randomization: sacrebleu's numbers, seeded, with a CI of the difference."""

from __future__ import annotations

import pytest
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.significance import PairedTest

from bilingual.corpus.folder import load_corpus
from bilingual.errors import InputError
from bilingual.evaluation.metrics import extract_stats
from bilingual.evaluation.significance import paired_approx_randomization, paired_bootstrap
from eval_helpers import output_path

N = 150  # a slice where the two systems are close, so p-values are not at their floor


@pytest.fixture(scope="module")
def slice_stats():
    refs = load_corpus("ntrex128").side("en")[:N]
    a = output_path("ntrex128", "kor-eng", "transformer-big").read_text(encoding="utf-8").splitlines()[:N]
    b = output_path("ntrex128", "kor-eng", "nllb").read_text(encoding="utf-8").splitlines()[:N]
    metrics = ("bleu", "chrf++")
    return a, b, refs, extract_stats(a, refs, metrics=metrics), extract_stats(b, refs, metrics=metrics)


@pytest.mark.parametrize("test_type", ["bs", "ar"])
def test_p_values_equal_sacrebleu_paired_test(slice_stats, test_type, monkeypatch):
    a, b, refs, sa, sb = slice_stats
    monkeypatch.setenv("SACREBLEU_SEED", "12345")
    test = PairedTest(
        [("baseline", b), ("system", a)],
        {"bleu": BLEU(references=[refs]), "chrf++": CHRF(word_order=2, references=[refs])},
        references=None,
        test_type=test_type,
        n_samples=1000,
    )
    _, table = test()
    if test_type == "bs":
        ours = paired_bootstrap(sa, sb, n_samples=1000, seed=12345)
    else:
        ours = paired_approx_randomization(sa, sb, n_trials=1000, seed=12345)
    for name, label in (("bleu", "BLEU"), ("chrf++", "chrF2++")):
        theirs = table[label][1]
        assert ours[name].system == pytest.approx(theirs.score)
        assert ours[name].p_value == pytest.approx(theirs.p_value)
        assert 0.001 < ours[name].p_value < 1  # a real comparison, not the floor


def test_bootstrap_is_seeded_and_reports_interval_of_the_difference(slice_stats):
    _, _, _, sa, sb = slice_stats
    first = paired_bootstrap(sa, sb, n_samples=300, seed=7)
    again = paired_bootstrap(sa, sb, n_samples=300, seed=7)
    other = paired_bootstrap(sa, sb, n_samples=300, seed=8)
    assert first == again
    assert first["bleu"].p_value != other["bleu"].p_value or first["bleu"].ci_low != other["bleu"].ci_low
    for r in first.values():
        assert r.difference == pytest.approx(r.system - r.baseline)
        assert r.ci_low <= r.ci_high


def test_system_against_itself_is_not_significant(slice_stats):
    _, _, _, sa, _ = slice_stats
    for r in paired_bootstrap(sa, sa, n_samples=200).values():
        assert r.difference == 0 and r.p_value == 1.0 and r.ci_low == r.ci_high == 0
    for r in paired_approx_randomization(sa, sa, n_trials=200).values():
        assert r.p_value == 1.0


def test_paired_test_needs_the_same_segments(slice_stats):
    a, _, refs, sa, _ = slice_stats
    shorter = extract_stats(a[:10], refs[:10], metrics=("bleu", "chrf++"))
    with pytest.raises(InputError, match="same segments"):
        paired_bootstrap(sa, shorter)
