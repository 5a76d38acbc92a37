"""Benchmark: scoring 2,000 segments, and 1,000 paired bootstrap samples over them.

    python eval/bench/eval.py [--workers N] [--segments N]

Uses the in-repo NTREX-128 corpus (1,997 segments; the first 3 are repeated to
reach 2,000) and two real published ko->en outputs (tests/data/system-outputs).
Prints wall-clock figures; targets: scoring < 5 s, bootstrap (both outputs
scored, then 1,000 resamples) < 30 s. The last two figures are the whole
`bilingual eval` command in a fresh process (Python start, imports, numba's
cached TER kernel, per-article scores, JSON report) on the 1,997 NTREX
segments. Nothing is asserted: the machine's load decides the numbers, so read
them with `uptime` in mind. `--json FILE` also writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
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
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = parser.parse_args()

    from bilingual.corpus.folder import load_corpus
    from bilingual.evaluation.metrics import METRICS, extract_stats, scores_from_stats
    from bilingual.evaluation.significance import paired_approx_randomization, paired_bootstrap

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
    t_ar = time.perf_counter() - t
    print(f"approximate randomization, {args.samples} trials x 4 metrics: {t_ar:.2f} s")

    cli = {}
    for label, extra in (("scoring", []), ("bootstrap", ["--baseline", str(BASELINE), "--samples", str(args.samples)])):
        cmd = [sys.executable, "-m", "bilingual", "eval", "--corpus", "ntrex128", "--hyp", str(SYSTEM), "--json", os.devnull]
        t = time.perf_counter()
        subprocess.run(cmd + extra, check=True, capture_output=True, cwd=REPO)
        cli[label] = time.perf_counter() - t
    print(
        f"`bilingual eval` in a fresh process, 1,997 segments: {cli['scoring']:.2f} s wall (target < 5 s); "
        f"with --baseline and {args.samples} bootstrap samples (+ AR): {cli['bootstrap']:.2f} s wall (target < 30 s)"
    )
    if args.json:
        figures = {
            "segments": len(hyps),
            "cpus": os.cpu_count(),
            "load_average_1min": load,
            "per_metric_one_process_s": {k: {"wall": round(w, 3), "cpu": round(c, 3)} for k, (w, c) in per_metric.items()},
            "scoring_all_metrics_s": {"wall": round(scoring, 3), "cpu": round(scoring_cpu, 3)},
            "bootstrap_resampling_s": round(t_boot, 3),
            "bootstrap_including_scoring_both_s": round(total, 3),
            "approximate_randomization_s": round(t_ar, 3),
            "cli_scoring_s": round(cli["scoring"], 3),
            "cli_bootstrap_s": round(cli["bootstrap"], 3),
            "scores": {k: round(v, 4) for k, v in scores.values.items()},
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
