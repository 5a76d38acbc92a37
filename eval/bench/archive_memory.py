"""Peak memory of ``bilingual batch`` against the number of articles: 1,000 vs 20,000.

Writes JSON Lines archives of the NTREX-128 Korean articles repeated with
distinct ids (``archive_data.py``), builds a tiny random-weight Marian ko-en
model, and runs ``bilingual batch`` on each archive in its own child process.
The peak resident memory (RSS) of each child comes from ``os.wait4`` (its
``ru_maxrss``). The streaming path holds one window of articles at a time, so
the two peaks should agree within 10%. For contrast, ``bilingual translate``
(which reads every article first) runs on the smallest archive too.

Usage::

    python eval/bench/archive_memory.py                       # 1,000 and 20,000 articles
    python eval/bench/archive_memory.py --counts 200 2000     # a quick look

The machine is shared: wall times are noisy (the load is printed); peak RSS is not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archive_data import tiny_model, write_archive  # noqa: E402

BILINGUAL = [sys.executable, "-m", "bilingual"]
FLAGS = ["--beams", "1", "--max-length", "16", "--batch-size", "32", "--threads", "1", "-q"]


def peak_rss(argv: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MiB, wall seconds, exit status) of ``argv`` run as a child process."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.monotonic() - start, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--no-translate", action="store_true", help="skip the bilingual translate contrast")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archive-memory-") as tmp:
        work = Path(tmp)
        model = tiny_model(work / "tiny-ko-en")
        print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
        rows = []
        for count in args.counts:
            src = write_archive(work / f"in-{count}.jsonl", count)
            out = work / f"out-{count}.jsonl"
            rss, wall, code = peak_rss([*BILINGUAL, "batch", str(src), "-o", str(out), "-m", str(model), "--window", str(args.window), *FLAGS])
            if code != 0:
                print(f"bilingual batch failed on {count} articles (exit {code})")
                return 1
            lines = sum(1 for _ in open(out, encoding="utf-8"))
            rows.append((count, rss, wall))
            print(f"batch      {count:>6} articles ({src.stat().st_size / 2**20:7.1f} MiB in, {lines} out): "
                  f"peak RSS {rss:7.1f} MiB, {wall:7.1f} s, {count / wall:6.1f} articles/s")
        if not args.no_translate:
            count = args.counts[0]
            rss, wall, code = peak_rss([*BILINGUAL, "translate", str(work / f"in-{count}.jsonl"), "-o", str(work / "translate.jsonl"), "-m", str(model), *FLAGS])
            print(f"translate  {count:>6} articles (everything in memory): peak RSS {rss:7.1f} MiB, {wall:7.1f} s (exit {code})")
        low, high = min(r[1] for r in rows), max(r[1] for r in rows)
        print(f"peak RSS spread across {', '.join(str(r[0]) for r in rows)} articles: {100 * (high - low) / low:.1f}% "
              f"(target: within 10%)")
        print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
