"""Ray overhead: ``bilingual batch`` in one process vs on a local Ray actor pool, same CPUs, same articles.

Model: the random-weight tc-big-sized Marian ko-en (1024 wide, 6+6 layers, 16
heads) converted to CTranslate2 int8, built once by ``eval/bench/translate.py``'s
``ensure_models`` in ``eval/models/bench/tc-big/ct2-int8``. Input: the first
``--articles`` NTREX-128 Korean articles as a JSON Lines archive
(``eval/bench/archive_data.py``). Random weights make output lengths arbitrary,
so every segment is decoded to exactly ``--length`` tokens (minimum and maximum
length both set): both runs compute the same tokens.

Compared, on a machine of 2 CPUs:

- single: ``bilingual batch`` in one process, the engine with ``--threads 2``;
- ray: ``bilingual batch --ray`` on a local Ray started with ``num_cpus=2``,
  2 actors of 1 thread each (``--ray-actors 2 --threads 1``), one window per
  Ray batch: how Ray is meant to be used, one engine per CPU;
- ray-1-actor: the same with 1 actor of 2 threads (``--ray-actors 1 --threads 2``):
  the engine exactly as in the single run, so the difference is what Ray costs.

Each run is a child process of its own; the Ray child starts Ray first (timed
apart: on a cluster it is already up) and then the run, whose wall time includes
the actors' start and model load, as the single run's includes its model load.
With ``--repeat N`` everything runs N times, interleaved, and each figure is
the fastest of its N runs (the one least slowed by other work on the machine).
Both sizes run every kind in turn (16 then 48 articles by default), so the
difference between them gives the marginal time per article, in which start-up,
model loads and the actors' start cancel out: what a long archive sees.
Printed: articles/s, generated tokens/s (segments x ``--length``), wall time,
overhead % of each Ray run over the single one (wall time at the larger size,
with and without Ray's start; and marginal), the fixed start-up seconds, the
load average before each run, and whether all outputs of a size are
byte-identical.

Usage::

    python eval/bench/ray_overhead.py                          # 16 and 48 articles
    python eval/bench/ray_overhead.py --repeat 2 --out eval/bench/results/ray-overhead.json

Other processes on the machine make the figures noisy: run it when ``uptime``
shows the lowest load, and read the load averages it prints.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))


def child(args: argparse.Namespace) -> None:
    """One run in this process; prints its figures as one JSON line."""
    from bilingual.archive.ray_runner import RayOptions
    from bilingual.archive.run import translate_archive
    from bilingual.engines.base import GenerationOptions

    options = GenerationOptions(beams=args.beams, min_length=args.length, max_length=args.length, batch_size=args.batch_size)
    ray_options = None
    ray_start = 0.0
    if args.child == "ray":
        import ray

        started = time.monotonic()
        ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
        ray_start = time.monotonic() - started
        ray_options = RayOptions(actors=args.actors, batch_size=args.window)
    threads = args.cpus // args.actors if args.child == "ray" else args.cpus
    started = time.monotonic()
    first: list[float] = []

    def on_article(item: object, result: object) -> None:
        if not first:
            first.append(time.monotonic() - started)

    result = translate_archive(
        args.input, args.output, model=str(args.model), source_lang="ko", target_lang="en", engine="ctranslate2",
        threads=threads, options=options, window=args.window, ray=ray_options, quiet=True, on_article=on_article,
    )  # fmt: skip
    wall = time.monotonic() - started
    if args.child == "ray":
        import ray

        ray.shutdown()
    print(json.dumps({"wall_s": round(wall, 2), "ray_start_s": round(ray_start, 2), "first_article_s": round(first[0], 2),
                      "articles": result.articles, "segments": result.segments}))  # fmt: skip


def _run(kind: str, args: argparse.Namespace, model: Path, src: Path, out: Path, actors: int = 1) -> dict:
    load = os.getloadavg()
    command = [sys.executable, __file__, "--child", kind, "--actors", str(actors), "--model", str(model), "--input", str(src), "--output", str(out),
               "--cpus", str(args.cpus), "--window", str(args.window), "--length", str(args.length), "--beams", str(args.beams),
               "--batch-size", str(args.batch_size)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{kind} run failed:\n{done.stderr[-4000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["load_average_before"] = [round(x, 2) for x in load]
    figures["articles_per_s"] = round(figures["articles"] / figures["wall_s"], 3)
    figures["generated_tokens"] = figures["segments"] * args.length
    figures["tokens_per_s"] = round(figures["generated_tokens"] / figures["wall_s"], 1)
    figures["sha256"] = hashlib.sha256(out.read_bytes()).hexdigest()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs=2, default=[16, 48], metavar=("SMALL", "LARGE"),
                        help="the two archive sizes, in NTREX-128 articles (of 123)")  # fmt: skip
    parser.add_argument("--length", type=int, default=24, help="tokens decoded for every segment")
    parser.add_argument("--beams", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--window", type=int, default=4, help="articles per window, and per Ray batch")
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="run everything this many times, keep each run's fastest")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    parser.add_argument("--child", choices=["single", "ray"], help=argparse.SUPPRESS)
    parser.add_argument("--actors", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0

    from archive_data import write_archive
    from translate import SIZES, ensure_models

    model = ensure_models(SIZES["tc-big"])["ct2-int8"]
    kinds = {  # name: (child kind, actors, label)
        "single": ("single", 1, f"1 process, {args.cpus} threads"),
        "ray": ("ray", args.cpus, f"Ray, {args.cpus} actors x 1 thread"),
        "ray-1-actor": ("ray", 1, f"Ray, 1 actor x {args.cpus} threads"),
    }
    small, large = sorted(args.articles)
    runs: dict[str, dict[int, dict]] = {name: {} for name in kinds}
    every: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ray-overhead-") as tmp:
        for repeat in range(args.repeat):
            for count in (small, large):
                src = write_archive(Path(tmp) / f"ntrex-{count}.jsonl", count)
                for name, (kind, actors, _) in kinds.items():  # side by side: each size runs every kind in turn
                    run = _run(kind, args, model, src, Path(tmp) / f"{name}-{count}.jsonl", actors)
                    every.append({"run": name, "articles": count, "repeat": repeat, **run})
                    print(f"{name:11} {count:4} {json.dumps(run)}", flush=True)
                    if count not in runs[name] or run["wall_s"] < runs[name][count]["wall_s"]:
                        runs[name][count] = run  # the fastest of the repeats: the one least slowed by other work

    def marginal(name: str) -> float:
        """Seconds per article beyond the first ``small`` (start-up, model loads and Ray's actor start cancel out)."""
        r = runs[name]
        return (r[large]["wall_s"] - r[small]["wall_s"]) / (large - small)

    single = runs["single"][large]
    figures = {}
    for name in kinds:
        r = runs[name][large]
        figures[name] = {
            "overhead_percent": round((r["wall_s"] - single["wall_s"]) / single["wall_s"] * 100, 1),
            "overhead_percent_with_ray_start": round((r["wall_s"] + r["ray_start_s"] - single["wall_s"]) / single["wall_s"] * 100, 1),
            "marginal_s_per_article": round(marginal(name), 3),
            "marginal_articles_per_s": round(1 / marginal(name), 3),
            "marginal_overhead_percent": round((marginal(name) - marginal("single")) / marginal("single") * 100, 1),
            "fixed_s": round(r["wall_s"] - marginal(name) * large, 1),
        }
    identical = {count: len({runs[n][count]["sha256"] for n in kinds}) == 1 for count in (small, large)}
    print()
    print(f"| run | wall s ({large} articles) | articles/s | generated tokens/s | overhead | with ray.init | "
          f"marginal articles/s ({small}->{large}) | marginal overhead | fixed s | load before |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, (_, _, label) in kinds.items():
        r, f = runs[name][large], figures[name]
        over = ["", ""] if name == "single" else [f"{f['overhead_percent']:+.1f}%", f"{f['overhead_percent_with_ray_start']:+.1f}%"]
        marg = "" if name == "single" else f"{f['marginal_overhead_percent']:+.1f}%"
        print(f"| {label} | {r['wall_s']} | {r['articles_per_s']} | {r['tokens_per_s']} | {' | '.join(over)} | "
              f"{f['marginal_articles_per_s']} | {marg} | {f['fixed_s']} | {r['load_average_before'][0]} |")  # fmt: skip
    print()
    print(f"overhead: wall time over the single process's at {large} articles (both include loading the model; 'with ray.init'")
    print(f"adds starting Ray). marginal: the time of the {large - small} articles beyond the first {small} (start-up, model loads and")
    print("the actors' start cancel out): what a long archive sees. fixed: wall time less marginal time x articles.")
    print(f"outputs identical (all runs of a size): {identical}")
    if args.out:
        from bilingual.outputs import write_atomic

        report = {
            "machine": {"python": platform.python_version(), "cores": os.cpu_count(), "platform": platform.platform()},
            "settings": {"articles": [small, large], "length": args.length, "beams": args.beams, "batch_size": args.batch_size,
                         "window": args.window, "cpus": args.cpus, "model": "tc-big-sized Marian, CTranslate2 int8"},  # fmt: skip
            "compared": {name: label for name, (_, _, label) in kinds.items()},
            "repeat": args.repeat,
            "runs": {name: {str(k): v for k, v in r.items()} for name, r in runs.items()},
            "every_run": every,
            "figures": figures,
            "outputs_identical": {str(k): v for k, v in identical.items()},
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
        write_atomic(args.out, json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
