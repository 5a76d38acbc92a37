"""Scores equal sacrebleu's own, inputs sacrebleu would silently accept are refused."""

from __future__ import annotations

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from bilingual.corpus.folder import load_corpus
from bilingual.errors import InputError
from bilingual.evaluation.metrics import (
    article_scores,
    extract_stats,
    primary_metric,
    score,
    worst_segments,
)
from bilingual.evaluation.ter import ter_statistics
from eval_helpers import output_path


@pytest.fixture(scope="module")
def ntrex():
    return load_corpus("ntrex128")


@pytest.fixture(scope="module")
def tc_big_lines():
    return output_path("ntrex128", "kor-eng", "transformer-big").read_text(encoding="utf-8").splitlines()


CASES = [
    # (hyps, refs): small hand cases with known sacrebleu behaviour
    (["The cat sat on the mat."], ["The cat sat on the mat."]),
    (["the cat"], ["The cat sat on the mat."]),
    (["", "A dog."], ["Nothing here.", "A dog barked."]),
    (["Gyeonggi Gov. Kim Moon-soo met him.", "Kim met Vladislavovich in Moscow Thursday."],
     ["Gyeonggi Gov. Kim Moon-soo will sign an MOU.", "Kim met Alyoshin Aleksei Vladislavovich in Moscow."]),
    (["경기도는 러시아 기업과 협약을 맺는다.", "김 지사는"], ["경기도, 러시아 기술기업과 협력 협약 맺는다", "김문수 경기도지사는"]),
]


@pytest.mark.parametrize("hyps,refs", CASES)
def test_scores_equal_sacrebleu_corpus_scores(hyps, refs):
    got = score(hyps, refs, "en")
    for name, metric in (("bleu", BLEU()), ("chrf", CHRF()), ("chrf++", CHRF(word_order=2)), ("ter", TER())):
        assert got[name] == metric.corpus_score(hyps, [refs]).score, name
        assert got.signatures[name] == str(metric.get_signature()), name


@pytest.mark.parametrize(
    "hyps,refs,message",
    [
        (["a", "b"], ["a"], "2 hypothesis segments but 1 reference"),
        (["a"], ["a", "b"], "1 hypothesis segments but 2 reference"),
        ([], [], "no segments"),
        (["a\nb"], ["a"], "line break"),
    ],
)
def test_mismatched_or_empty_lists_are_refused(hyps, refs, message):
    # sacrebleu itself scores two hypotheses against one reference without complaint
    with pytest.raises(InputError, match=message):
        score(hyps, refs, "en")


def test_signatures_name_tokenizer_and_word_order():
    got = score(["a b c"], ["a b d"], "en")
    assert got.signatures["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
    assert "nw:2" in got.signatures["chrf++"] and "nw:0" in got.signatures["chrf"]
    assert "tok:tercom" in got.signatures["ter"]


def test_parallel_statistics_equal_single_process(ntrex, tc_big_lines):
    hyps, refs = tc_big_lines[:500], ntrex.side("en")[:500]
    one = extract_stats(hyps, refs, workers=1, metrics=("bleu", "chrf++", "chrf"))
    two = extract_stats(hyps, refs, workers=2, metrics=("bleu", "chrf++", "chrf"))
    for name in one.arrays:
        assert (one.arrays[name] == two.arrays[name]).all(), name


def test_chrf_statistics_taken_from_chrfpp_equal_sacrebleu(ntrex, tc_big_lines):
    hyps, refs = tc_big_lines[:300], ntrex.side("en")[:300]
    stats = extract_stats(hyps, refs, metrics=("chrf", "chrf++"), workers=1)
    assert stats.arrays["chrf"].tolist() == CHRF()._extract_corpus_statistics(hyps, [refs])


@pytest.mark.parametrize(
    "direction,model,start,stop",
    [("kor-eng", "opus-2021-02-18", 0, 120), ("kor-eng", "nllb", 900, 1000), ("eng-kor", "transformer-big", 40, 140)],
)
def test_fast_ter_statistics_equal_sacrebleu(ntrex, direction, model, start, stop):
    hyps = output_path("ntrex128", direction, model).read_text(encoding="utf-8").splitlines()[start:stop]
    refs = ntrex.side("en" if direction == "kor-eng" else "ko")[start:stop]
    metric = TER()
    assert ter_statistics(metric, hyps, refs) == TER()._extract_corpus_statistics(hyps, [refs])


@pytest.mark.parametrize(
    "hyp,ref",
    [
        ("", "a b c"),
        ("a b c", ""),
        ("x " * 80, "y"),  # length ratio far from 1 widens the beam
        ("c b a d e f", "a b c d e f"),
        ("the the the the", "the"),
    ],
)
def test_fast_ter_edge_cases_equal_sacrebleu(hyp, ref):
    assert ter_statistics(TER(), [hyp], [ref]) == TER()._extract_corpus_statistics([hyp], [[ref]])


def test_article_scores_are_scores_of_each_article_alone(ntrex, tc_big_lines):
    refs = ntrex.side("en")
    stats = extract_stats(tc_big_lines, refs, metrics=("bleu", "chrf++"))
    per_article = article_scores(stats, ntrex.spans())
    assert [a.id for a in per_article] == [a.id for a in ntrex.articles]
    for art in (per_article[0], per_article[57], per_article[-1]):
        hyps = tc_big_lines[art.start : art.start + art.n_segments]
        rs = refs[art.start : art.start + art.n_segments]
        assert art.values["bleu"] == BLEU().corpus_score(hyps, [rs]).score
        assert art.values["chrf++"] == CHRF(word_order=2).corpus_score(hyps, [rs]).score


def test_worst_segments_are_the_lowest_sentence_chrfpp(ntrex, tc_big_lines):
    refs, srcs = ntrex.side("en"), ntrex.side("ko")
    stats = extract_stats(tc_big_lines, refs, metrics=("chrf++",))
    worst = worst_segments(stats, sources=srcs, hyps=tc_big_lines, refs=refs, spans=ntrex.spans(), n=10)
    assert len(worst) == 10
    chrf = CHRF(word_order=2)
    all_scores = sorted(chrf.sentence_score(h, [r]).score for h, r in zip(tc_big_lines, refs))
    assert [w.score for w in worst] == pytest.approx(all_scores[:10])
    first = worst[0]
    assert tc_big_lines[first.index] == first.hypothesis and refs[first.index] == first.reference
    assert ntrex.article(first.article_id).side("en")[first.article_index] == first.reference


def test_primary_figure_is_chrfpp_for_korean_targets():
    assert primary_metric("ko") == "chrf++"
    assert primary_metric("en") == "bleu"
    assert score(["안녕하세요"], ["안녕하세요"], "ko").primary == "chrf++"


def test_unknown_tokenizer_and_metric_are_input_errors():
    with pytest.raises(InputError, match="unknown tokenizer"):
        score(["a"], ["a"], "en", tokenize="moses")
    with pytest.raises(InputError, match="unknown metric"):
        score(["a"], ["a"], "en", metrics=("meteor",))


@pytest.mark.parametrize("tokenize", ["char", "ko-mecab"])
def test_korean_aware_bleu_tokenization(tokenize):
    if tokenize == "ko-mecab":
        pytest.importorskip("mecab_ko", reason="ko-mecab needs pip install 'sacrebleu[ko]'")
    hyps = ["경기도는 러시아 기술기업과 협약을 맺는다."]
    refs = ["경기도, 러시아 기술기업과 협력 협약 맺는다"]
    got = score(hyps, refs, "ko", tokenize=tokenize)
    assert f"tok:{tokenize}" in got.signatures["bleu"]
    assert got.bleu == BLEU(tokenize=tokenize).corpus_score(hyps, [refs]).score
    # Korean-aware tokenization finds sub-word matches that whitespace 13a misses
    assert got.bleu > score(hyps, refs, "ko").bleu
