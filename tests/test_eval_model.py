"""`bilingual eval --model`: translate the corpus through the real transformers path, then score."""

from __future__ import annotations

from pathlib import Path

from sacrebleu.metrics import CHRF

from bilingual.corpus.folder import load_corpus
from eval_helpers import invoke_json


def test_eval_model_translates_then_scores(tiny_marian_ko_en: Path):
    from bilingual.translation.pipeline import Translator

    corpus = load_corpus("seed")
    expected = Translator.from_pretrained(str(tiny_marian_ko_en), source_lang="ko", target_lang="en").translate_texts(
        corpus.side("ko")
    )
    report = invoke_json("eval", "--corpus", "seed", "--from", "ko", "--to", "en", "--model", str(tiny_marian_ko_en))
    assert report["system"] == f"model:{tiny_marian_ko_en}"
    assert report["segments"] == len(corpus) == len(expected)
    # the reported scores are those of the model's own outputs (random weights: low, but computed)
    assert report["chrf++"] == CHRF(word_order=2).corpus_score(expected, [corpus.side("en")]).score
    by_index = {w["index"]: w["hypothesis"] for w in report["worst_segments"]}
    assert by_index and all(expected[i] == hyp for i, hyp in by_index.items())


def test_eval_model_en_to_ko(tiny_marian_en_ko: Path):
    report = invoke_json("eval", "--corpus", "seed", "--from", "en", "--to", "ko", "--model", str(tiny_marian_en_ko))
    assert report["to"] == "ko" and report["primary"] == "chrf++"
    assert report["segments"] == 15


def test_eval_model_with_enforced_glossary_raises_term_success(tiny_marian_ko_en: Path):
    from eval_helpers import REPO

    glossary = REPO / "glossaries" / "names.tsv"
    args = ("eval", "--corpus", "seed", "--model", str(tiny_marian_ko_en), "--glossary", str(glossary),
            "--metrics", "chrf++")
    plain = invoke_json(*args)
    enforced = invoke_json(*args, "--enforce-glossary")
    assert plain["terms"]["found"] == enforced["terms"]["found"] > 0
    # a random-weight model gets the names wrong; the enforcer puts them into the output
    assert enforced["term_success_rate"] > plain["term_success_rate"]
