"""Corpus scores with sacrebleu: BLEU, chrF, chrF++ and TER, each with its signature.

Every metric is computed once per segment as sacrebleu's sufficient
statistics (:class:`SegmentStats`); corpus, per-article and resampled scores
(:mod:`bilingual.evaluation.significance`) are then sums of rows, so they equal what
``sacrebleu`` reports for the same segments.

Defaults are sacrebleu's (BLEU: 13a tokenizer, exponential smoothing; chrF++:
``word_order=2``), which is how publishers report scores. For Korean targets
``tokenize="ko-mecab"`` (needs ``pip install 'sacrebleu[ko]'``) or ``"char"``
gives BLEU a Korean-aware tokenization, and chrF++ (which needs no
tokenizer) is the primary figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bilingual.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

METRICS = ("bleu", "chrf", "chrf++", "ter")
LOWER_IS_BETTER = frozenset({"ter"})
TOKENIZERS = ("13a", "intl", "char", "none", "ko-mecab")
DEFAULT_TOKENIZE = "13a"
KO_MECAB_INSTALL = "pip install 'sacrebleu[ko]'"


def primary_metric(target_lang: str) -> str:
    """The figure to lead with: chrF++ for Korean targets, BLEU for English."""
    return "chrf++" if target_lang == "ko" else "bleu"


def make_metrics(metrics: Sequence[str] = METRICS, *, tokenize: str | None = None) -> dict[str, Any]:
    """sacrebleu metric objects by name, with the given BLEU tokenizer."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    tokenize = tokenize or DEFAULT_TOKENIZE
    if tokenize not in TOKENIZERS:
        raise InputError(f"unknown tokenizer {tokenize!r}; choose one of {', '.join(TOKENIZERS)}")
    out: dict[str, Any] = {}
    for name in metrics:
        if name == "bleu":
            try:
                out[name] = BLEU(tokenize=tokenize)
            except RuntimeError as exc:  # sacrebleu's message for a missing extra
                if "sacrebleu[ko]" in str(exc):
                    raise InputError(f"tokenizer ko-mecab needs extra packages: {KO_MECAB_INSTALL}") from None
                raise
        elif name == "chrf":
            out[name] = CHRF()
        elif name == "chrf++":
            out[name] = CHRF(word_order=2)
        elif name == "ter":
            out[name] = TER()
        else:
            raise InputError(f"unknown metric {name!r}; choose from {', '.join(METRICS)}")
        out[name].num_refs = 1  # one reference per segment, always (for the signature)
    return out


def check_pair(hyps: Sequence[str], refs: Sequence[str]) -> None:
    """Refuse what sacrebleu silently accepts: unequal or empty lists, non-strings."""
    if len(hyps) != len(refs):
        raise InputError(
            f"{len(hyps)} hypothesis segments but {len(refs)} reference segments; they must match line for line"
        )
    if not hyps:
        raise InputError("no segments to score")
    for i, (h, r) in enumerate(zip(hyps, refs), start=1):
        if not isinstance(h, str) or not isinstance(r, str):
            raise InputError(f"segment {i}: hypothesis and reference must be strings")
        if "\n" in h or "\n" in r:
            raise InputError(f"segment {i}: a segment must not contain a line break")


@dataclass
class SegmentStats:
    """Per-segment sufficient statistics of each metric for one system."""

    metrics: dict[str, Any]
    arrays: dict[str, "np.ndarray"]  # metric -> (n_segments, n_stats)
    tokenize: str

    def __len__(self) -> int:
        return len(next(iter(self.arrays.values())))

    def score_of(self, name: str, rows: "np.ndarray | slice | None" = None):
        """sacrebleu ``Score`` of metric ``name`` over the chosen rows (all by default)."""
        arr = self.arrays[name]
        if rows is not None:
            arr = arr[rows]
        return self.metrics[name]._compute_score_from_stats(_as_stats(arr.sum(0), name))

    def scores(self, rows: "np.ndarray | slice | None" = None) -> dict[str, float]:
        return {name: float(self.score_of(name, rows).score) for name in self.arrays}

    def signatures(self) -> dict[str, str]:
        return {name: str(m.get_signature()) for name, m in self.metrics.items()}

    def segment_scores(self, name: str = "chrf++") -> list[float]:
        """Sentence-level score of every segment (from that segment's statistics)."""
        metric = self.metrics[name]
        return [float(metric._compute_score_from_stats(_as_stats(row, name)).score) for row in self.arrays[name]]


def _as_stats(vector: "np.ndarray", name: str) -> list:
    # Python numbers, exactly as sacrebleu's own sum_of_lists would give them.
    values = vector.tolist()
    if name == "ter":
        return [float(v) for v in values]
    return [int(v) for v in values]


def extract_stats(
    hyps: Sequence[str],
    refs: Sequence[str],
    *,
    metrics: Sequence[str] = METRICS,
    tokenize: str | None = None,
    workers: int | None = None,
) -> SegmentStats:
    """Per-segment statistics for every metric (the expensive part of scoring).

    Segments are independent, so long lists are split over ``workers``
    processes (default: one per CPU, at most 4, for 400 segments or more);
    the rows are the same as a single process gives.
    """
    import numpy as np

    check_pair(hyps, refs)
    objs = make_metrics(metrics, tokenize=tokenize)  # validates names and the tokenizer
    hyps, refs = list(hyps), list(refs)
    names = tuple(objs)
    n_workers = _worker_count(len(hyps), workers)
    if n_workers <= 1:
        rows = _stats_rows(hyps, refs, names, tokenize, objs)
    else:
        rows = _stats_rows_parallel(hyps, refs, names, tokenize, n_workers)
    arrays = {
        name: np.asarray(rows[name], dtype=np.float64 if name == "ter" else np.int64) for name in names
    }
    return SegmentStats(objs, arrays, tokenize or DEFAULT_TOKENIZE)


def _worker_count(n_segments: int, workers: int | None) -> int:
    import os

    if workers is not None:
        return max(1, workers)
    if n_segments < 400:
        return 1
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _stats_rows(
    hyps: list[str], refs: list[str], names: Sequence[str], tokenize: str | None, objs: dict[str, Any] | None = None
) -> dict[str, list]:
    objs = objs or make_metrics(names, tokenize=tokenize)
    rows: dict[str, list] = {}
    if "chrf++" in objs:
        rows["chrf++"] = objs["chrf++"]._extract_corpus_statistics(hyps, [refs])
        if "chrf" in objs:
            # With one reference, chrF's statistics are the character part of
            # chrF++'s (same character n-grams, word n-grams appended after).
            width = 3 * objs["chrf"].char_order
            rows["chrf"] = [row[:width] for row in rows["chrf++"]]
    for name, metric in objs.items():
        if name in rows:
            continue
        if name == "ter":
            from bilingual.evaluation.ter import ter_statistics

            rows[name] = ter_statistics(metric, hyps, refs)
        else:
            rows[name] = metric._extract_corpus_statistics(hyps, [refs])
    return rows


def _stats_job(args: tuple) -> dict[str, list]:
    hyps, refs, names, tokenize = args
    return _stats_rows(hyps, refs, names, tokenize)


def _stats_rows_parallel(
    hyps: list[str], refs: list[str], names: Sequence[str], tokenize: str | None, n_workers: int
) -> dict[str, list]:
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    # fork is cheap; after torch has started its thread pools, spawn is the safe choice
    method = "spawn" if "torch" in sys.modules else "fork"
    if "ter" in names:
        # Load (or, on a machine's first run, compile) numba's TER kernel once,
        # so that forked workers inherit it instead of each compiling it.
        from bilingual.evaluation.ter import warm_up

        warm_up()
    n = len(hyps)
    # interleave chunks so that long and short segments spread evenly
    chunks = [list(range(k, n, n_workers)) for k in range(n_workers)]
    jobs = [([hyps[i] for i in idx], [refs[i] for i in idx], tuple(names), tokenize) for idx in chunks]
    with ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context(method)) as pool:
        parts = list(pool.map(_stats_job, jobs))
    rows: dict[str, list] = {name: [None] * n for name in names}
    for idx, part in zip(chunks, parts):
        for name in names:
            target = rows[name]
            for i, row in zip(idx, part[name]):
                target[i] = row
    return rows


@dataclass(frozen=True)
class Scores:
    """Corpus-level scores as sacrebleu reports them, with their signatures."""

    values: Mapping[str, float]
    signatures: Mapping[str, str]
    n_segments: int
    target_lang: str
    tokenize: str = DEFAULT_TOKENIZE

    def __getitem__(self, name: str) -> float:
        return self.values[name]

    @property
    def bleu(self) -> float:
        return self.values["bleu"]

    @property
    def chrf(self) -> float:
        return self.values["chrf"]

    @property
    def chrf_pp(self) -> float:
        return self.values["chrf++"]

    @property
    def ter(self) -> float:
        return self.values["ter"]

    @property
    def primary(self) -> str:
        return primary_metric(self.target_lang)

    def as_dict(self) -> dict[str, Any]:
        return {**self.values, "signatures": dict(self.signatures)}


def score(
    hyps: Sequence[str],
    refs: Sequence[str],
    target_lang: str,
    *,
    tokenize: str | None = None,
    metrics: Sequence[str] = METRICS,
) -> Scores:
    """Corpus BLEU, chrF, chrF++ and TER of ``hyps`` against ``refs`` (one reference each)."""
    stats = extract_stats(hyps, refs, metrics=metrics, tokenize=tokenize)
    return scores_from_stats(stats, target_lang)


def scores_from_stats(stats: SegmentStats, target_lang: str) -> Scores:
    """Corpus-level :class:`Scores` from per-segment statistics."""
    return Scores(stats.scores(), stats.signatures(), len(stats), target_lang, stats.tokenize)


# --------------------------------------------------------------------------- per article, worst segments


@dataclass(frozen=True)
class ArticleScores:
    id: str
    start: int  # first segment index in corpus order
    n_segments: int
    values: Mapping[str, float]


@dataclass(frozen=True)
class SegmentScore:
    index: int  # 0-based, corpus order
    article_id: str
    article_index: int  # 0-based within the article
    source: str
    hypothesis: str
    reference: str
    score: float
    metric: str = "chrf++"


def article_scores(stats: SegmentStats, spans: Sequence[tuple[str, int, int]]) -> list[ArticleScores]:
    """Scores of each ``(article id, start, end)`` span of the flat segment list."""
    return [ArticleScores(aid, s, e - s, stats.scores(slice(s, e))) for aid, s, e in spans]


def worst_segments(
    stats: SegmentStats,
    *,
    sources: Sequence[str],
    hyps: Sequence[str],
    refs: Sequence[str],
    spans: Sequence[tuple[str, int, int]],
    n: int = 10,
    metric: str = "chrf++",
) -> list[SegmentScore]:
    """The ``n`` segments with the lowest sentence-level ``metric``, worst first."""
    seg_scores = stats.segment_scores(metric)
    owner: list[tuple[str, int]] = []
    for aid, s, e in spans:
        owner.extend((aid, i) for i in range(e - s))
    order = sorted(range(len(seg_scores)), key=lambda i: (seg_scores[i], i))[:n]
    return [
        SegmentScore(i, owner[i][0], owner[i][1], sources[i], hyps[i], refs[i], seg_scores[i], metric)
        for i in order
    ]


# --------------------------------------------------------------------------- glossary terms


@dataclass(frozen=True)
class TermCheck:
    segment: int  # 0-based, corpus order
    article_id: str
    source_form: str  # the text matched in the source segment
    expected: str  # the target-language term
    found: bool


@dataclass(frozen=True)
class TermReport:
    checks: tuple[TermCheck, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return len(self.checks)

    @property
    def matched(self) -> int:
        return sum(1 for c in self.checks if c.found)

    @property
    def rate(self) -> float | None:
        """Share of glossary terms found in the sources whose target term is in the output."""
        return self.matched / self.total if self.checks else None

    @property
    def missed(self) -> list[TermCheck]:
        return [c for c in self.checks if not c.found]


def term_success(
    glossary: Any,
    sources: Sequence[str],
    hyps: Sequence[str],
    *,
    source_lang: str,
    target_lang: str,
    article_ids: Sequence[str] | None = None,
) -> TermReport:
    """WMT terminology-task style success rate of approved glossary terms.

    Each approved term found in a source segment (once per segment and term)
    counts; it succeeds when the term's target-language form appears in the
    output segment (:func:`bilingual.glossary.match.contains_term`: case, possessive and
    hyphen variants).
    """
    from bilingual.glossary.match import contains_term, find_terms

    check_pair(hyps, sources)
    checks: list[TermCheck] = []
    for i, (src, hyp) in enumerate(zip(sources, hyps)):
        seen: set[tuple[str, str]] = set()
        for m in find_terms(glossary, src, source_lang):
            term = m.term
            if m.wrong or term.status != "approved":  # a known wrong rendering is not the term
                continue
            expected = term.english if target_lang == "en" else term.korean
            key = (term.korean, term.english)
            if key in seen:
                continue
            seen.add(key)
            checks.append(
                TermCheck(
                    segment=i,
                    article_id=article_ids[i] if article_ids else "",
                    source_form=m.text,
                    expected=expected,
                    found=bool(
                        contains_term(
                            hyp, expected, target_lang, forms=term.korean_forms if target_lang == "ko" else ()
                        )
                    ),
                )
            )
    return TermReport(tuple(checks))


__all__ = [
    "METRICS",
    "ArticleScores",
    "Scores",
    "SegmentScore",
    "SegmentStats",
    "TermReport",
    "article_scores",
    "check_pair",
    "extract_stats",
    "make_metrics",
    "primary_metric",
    "score",
    "term_success",
    "worst_segments",
]
