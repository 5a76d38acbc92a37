"""One evaluation run: a corpus, a direction, a system's output, and everything scored on it.

Read the hypotheses, score them corpus-wide and per article, find the worst
segments, check glossary terms, compare with a baseline output, and hold the
numbers for :mod:`bilingual.evaluation.gate` and the reports
(:mod:`bilingual.evaluation.report`). :mod:`bilingual.evaluation.jobs` runs
this for each job of ``bilingual eval``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.corpus.folder import Corpus, split_paragraphs
from bilingual.errors import InputError
from bilingual.text.encoding import read_text
from bilingual.text.language import check_direction
from bilingual.evaluation.metrics import (
    METRICS,
    ArticleScores,
    Scores,
    SegmentScore,
    SegmentStats,
    TermReport,
    article_scores,
    extract_stats,
    scores_from_stats,
    term_success,
    worst_segments,
)
from bilingual.evaluation.significance import (
    DEFAULT_AR_TRIALS,
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_SEED,
    PairedResult,
    paired_approx_randomization,
    paired_bootstrap,
)



@dataclass
class EvalRun:
    corpus: Corpus
    source_lang: str
    target_lang: str
    system: str  # what was scored: a path or "model:<name>"
    sources: list[str]
    refs: list[str]
    hyps: list[str]
    stats: SegmentStats
    scores: Scores
    articles: list[ArticleScores]
    worst: list[SegmentScore]
    terms: TermReport | None = None
    baseline_system: str | None = None
    baseline_scores: Scores | None = None
    baseline_articles: list[ArticleScores] | None = None
    significance: dict[str, dict[str, PairedResult]] | None = None
    gate: Any = None  # bilingual.evaluation.gate.GateResult once checked

    def values(self) -> dict[str, float | None]:
        """Metric values for the gate (term success rate as a 0-1 share)."""
        out: dict[str, float | None] = dict(self.scores.values)
        if self.terms is not None:
            out["term_success_rate"] = self.terms.rate
        return out


def read_hypotheses(path: str | Path, corpus: Corpus, source_lang: str, target_lang: str) -> list[str]:
    """Hypotheses in corpus order from a file (one segment a line) or a folder of articles.

    A folder holds one file per article, ``<id>.<to>.txt``, ``<id>.txt`` or
    ``<id>.<from>.txt`` (a translated copy of the corpus file), one segment a
    line; blank lines (paragraph breaks) are skipped.
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path, corpus, source_lang, target_lang)
    text = read_text(path, what="hypothesis")
    if not text.strip():
        raise InputError(f"hypothesis {path} holds only whitespace")
    if text.endswith("\n"):
        text = text[:-1]
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if len(lines) != len(corpus):
        raise InputError(
            f"{path} has {len(lines)} lines but corpus {corpus.name} has {len(corpus)} segments; "
            "give one line per segment, in corpus order"
        )
    return lines


def _read_folder(folder: Path, corpus: Corpus, source_lang: str, target_lang: str) -> list[str]:
    out: list[str] = []
    for article in corpus.articles:
        names = [f"{article.id}.{target_lang}.txt", f"{article.id}.txt", f"{article.id}.{source_lang}.txt"]
        found = next((folder / n for n in names if (folder / n).is_file()), None)
        if found is None:
            raise InputError(f"{folder} has no file for article {article.id} (looked for {', '.join(names)})")
        segments, _ = split_paragraphs(read_text(found, what="hypothesis"))
        if len(segments) != len(article):
            raise InputError(
                f"article {article.id}: {found.name} has {len(segments)} segments, the corpus has {len(article)}"
            )
        out.extend(segments)
    return out


def _segment_metric(stats: SegmentStats) -> str | None:
    # sentence-level BLEU without smoothing is meaningless; rank segments by chrF++ or chrF
    return next((m for m in ("chrf++", "chrf") if m in stats.arrays), None)


def evaluate_run(
    corpus: Corpus,
    hyps: Sequence[str],
    *,
    source_lang: str = "ko",
    target_lang: str = "en",
    system: str = "",
    tokenize: str | None = None,
    glossary: Any = None,
    baseline_hyps: Sequence[str] | None = None,
    baseline_system: str | None = None,
    n_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    n_trials: int = DEFAULT_AR_TRIALS,
    seed: int | None = DEFAULT_SEED,
    n_worst: int = 10,
    metrics: Sequence[str] = METRICS,
) -> EvalRun:
    check_direction(source_lang, target_lang)
    sources = corpus.side(source_lang)
    refs = corpus.side(target_lang)
    hyps = list(hyps)
    stats = extract_stats(hyps, refs, tokenize=tokenize, metrics=metrics)
    spans = corpus.spans()
    run = EvalRun(
        corpus=corpus,
        source_lang=source_lang,
        target_lang=target_lang,
        system=system,
        sources=sources,
        refs=refs,
        hyps=hyps,
        stats=stats,
        scores=scores_from_stats(stats, target_lang),
        articles=article_scores(stats, spans),
        worst=worst_segments(
            stats, sources=sources, hyps=hyps, refs=refs, spans=spans, n=n_worst, metric=_segment_metric(stats)
        )
        if _segment_metric(stats)
        else [],
    )
    if glossary is not None:
        run.terms = term_success(
            glossary,
            sources,
            hyps,
            source_lang=source_lang,
            target_lang=target_lang,
            article_ids=corpus.article_ids(),
        )
    if baseline_hyps is not None:
        base_stats = extract_stats(list(baseline_hyps), refs, tokenize=tokenize, metrics=metrics)
        run.baseline_system = baseline_system
        run.baseline_scores = scores_from_stats(base_stats, target_lang)
        run.baseline_articles = article_scores(base_stats, spans)
        run.significance = {
            "paired-bootstrap": paired_bootstrap(stats, base_stats, n_samples=n_samples, seed=seed),
            "approximate-randomization": paired_approx_randomization(
                stats, base_stats, n_trials=n_trials, seed=seed
            ),
        }
    return run


__all__ = ["EvalRun", "evaluate_run", "read_hypotheses"]
