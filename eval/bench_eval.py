"""Benchmark: scoring 2,000 segments, and 1,000 paired bootstrap samples over them.

    python eval/bench_eval.py [--workers N] [--segments N]

Uses the in-repo NTREX-128 corpus (1,997 segments; the first 3 are repeated to
reach 2,000) and two real published ko->en outputs (tests/data/system-outputs).
Prints wall-clock figures; targets: scoring < 5 s, bootstrap (both outputs
scored, then 1,000 resamples) < 30 s. Nothing is asserted: the machine's load
decides the numbers, so read them with `uptime` in mind.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OUT = REPO / "tests" / "data" / "system-outputs" / "kor-eng" / "ntrex128"
SYSTEM = OUT / "Tatoeba-MT-models__opusTCv20210807-sepvoc_transformer-big_2022-07-28.txt"
BASELINE = OUT / "facebook__nllb-200-distilled-1.3B.txt"


def _cpu() -> float:
    """CPU seconds of this process and its finished children (worker processes)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _take(lines: list[str], n: int) -> list[str]:
    return (lines * (n // len(lines) + 1))[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="statistics processes (default: one per CPU, max 4)")
    args = parser.parse_args()

    from bilingual.corpus import load_corpus
    from bilingual.evaluate import METRICS, extract_stats, scores_from_stats
    from bilingual.significance import paired_approx_randomization, paired_bootstrap

    corpus = load_corpus("ntrex128")
    refs = _take(corpus.side("en"), args.segments)
    hyps = _take(SYSTEM.read_text(encoding="utf-8").splitlines(), args.segments)
    base = _take(BASELINE.read_text(encoding="utf-8").splitlines(), args.segments)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"segments: {len(hyps)}  cpus: {os.cpu_count()}  load average (1 min): {load:.2f}")

    print("(wall = elapsed seconds; cpu = CPU seconds used, which a loaded machine does not inflate)")
    per_metric = {}
    for name in METRICS:
        t, c = time.perf_counter(), _cpu()
        extract_stats(hyps, refs, metrics=(name,), workers=1)
        per_metric[name] = (time.perf_counter() - t, _cpu() - c)
    print(
        "one process, per metric: "
        + "  ".join(f"{k} {w:.2f} s wall / {c:.2f} s cpu" for k, (w, c) in per_metric.items())
    )

    t, c = time.perf_counter(), _cpu()
    extract_stats(hyps, refs, metrics=("bleu", "chrf", "chrf++"), workers=1)
    print(
        f"scoring {len(hyps)} segments with bleu, chrf, chrf++ (one process): "
        f"{time.perf_counter() - t:.2f} s wall / {_cpu() - c:.2f} s cpu  target < 5 s"
    )

    t, c = time.perf_counter(), _cpu()
    stats = extract_stats(hyps, refs, workers=args.workers)
    scores = scores_from_stats(stats, "en")
    scoring, scoring_cpu = time.perf_counter() - t, _cpu() - c
    figures = "  ".join(f"{k} {v:.2f}" for k, v in scores.values.items())
    print(
        f"scoring {len(hyps)} segments, all four metrics: {scoring:.2f} s wall / {scoring_cpu:.2f} s cpu "
        f"({figures})  target < 5 s"
    )

    t = time.perf_counter()
    base_stats = extract_stats(base, refs, workers=args.workers)
    t_base = time.perf_counter() - t
    t, c = time.perf_counter(), _cpu()
    boot = paired_bootstrap(stats, base_stats, n_samples=args.samples)
    t_boot, c_boot = time.perf_counter() - t, _cpu() - c
    total = scoring + t_base + t_boot
    print(
        f"paired bootstrap, {args.samples} samples x 4 metrics: {t_boot:.2f} s wall / {c_boot:.2f} s cpu resampling; "
        f"{total:.2f} s wall including scoring both outputs  target < 30 s"
    )
    for name, r in boot.items():
        print(f"  {name:7s} {r.difference:+.2f}  95% CI [{r.ci_low:+.2f}, {r.ci_high:+.2f}]  p = {r.p_value:.4f}")
    t = time.perf_counter()
    paired_approx_randomization(stats, base_stats, n_trials=args.samples)
    print(f"approximate randomization, {args.samples} trials x 4 metrics: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
