"""Kill-and-resume: SIGKILL ``bilingual batch`` at random moments, resume, compare with an uninterrupted run.

Writes a JSON Lines archive of the NTREX-128 Korean articles repeated with
distinct ids (``archive_data.py``), builds a tiny random-weight Marian ko-en
model, and:

1. runs ``bilingual batch`` once without interruption (the reference output);
2. starts ``bilingual batch --resume`` again and again, ``--kills`` times,
   each time sending SIGKILL at one of three kinds of moment in turn: a random
   delay after the start (start-up, verifying, reading, translating, writing
   or finishing, wherever it falls), within 20 ms of the run's first write to
   its journal (in the middle of a window's burst of articles), or a random
   delay of up to 4 s after that first write; after each kill it prints how
   many articles the journal lists and how many bytes of the partial output
   lie past the last of them (what the next resume cuts off);
3. runs ``bilingual batch --resume`` to the end;

then prints the SHA-256 of both outputs, their article counts, and whether any
article is missing or duplicated (ids compared in order with the input's).

Usage::

    python eval/bench/kill_resume.py                          # 2,000 articles, 20 kills
    python eval/bench/kill_resume.py --articles 300 --kills 5 --format jsonl.gz
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archive_data import tiny_model, write_archive  # noqa: E402

FLAGS = ["--beams", "1", "--max-length", "16", "--batch-size", "32", "--threads", "1", "-q"]


# When each kill comes, in turn: a random time after the start (start-up, verifying, reading,
# translating or writing), just after the run writes its first article (in the middle of a
# window's burst of writes), or a random time after that.
MOMENTS = ("any time", "first write", "while running")


def _wait(proc: subprocess.Popen, condition, timeout: float) -> bool:
    """Poll every millisecond until ``condition()`` or ``timeout`` seconds; True if ``proc`` ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        if proc.poll() is not None:
            return True
        time.sleep(0.001)
    return proc.poll() is not None


def _journal_state(journal: Path, partial: Path) -> tuple[int, int]:
    """(articles the journal lists, bytes of the partial output past the last of them; 0 for Parquet)."""
    if not journal.exists():
        return 0, 0
    entries = [json.loads(line) for line in journal.read_bytes().split(b"\n")[1:] if line.strip().endswith(b"}")]
    parts = [e for e in entries if "part" in e]  # Parquet: one line per part of a window's articles
    if parts:
        return sum(len(e["records"]) for e in parts), 0
    entries = [e for e in entries if "offset" in e]
    end = entries[-1]["offset"] + entries[-1]["bytes"] if entries else 0
    size = partial.stat().st_size if partial.exists() else end
    return len(entries), size - end


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ids(path: Path) -> list[str]:
    from bilingual.archive.records import read_records

    return [r.id for r in read_records(path)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--format", default="jsonl", choices=["jsonl", "jsonl.gz", "jsonl.zst", "parquet"])
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--order", default="input", choices=["input", "finished"])
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--max-delay", type=float, default=12.0, help="longest wait before a kill, in seconds")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kill-resume-") as tmp:
        work = Path(tmp)
        model = tiny_model(work / "tiny-ko-en")
        src = write_archive(work / "in.jsonl", args.articles)
        if args.format == "parquet":
            import pyarrow.json as pj
            import pyarrow.parquet as pq

            pq.write_table(pj.read_json(src), work / "in.parquet")
            src = work / "in.parquet"
        elif args.format != "jsonl":
            import gzip

            import zstandard

            data = src.read_bytes()
            src = work / f"in.{args.format}"
            src.write_bytes(gzip.compress(data) if args.format == "jsonl.gz" else zstandard.ZstdCompressor().compress(data))

        def batch(out: Path, *extra: str) -> subprocess.Popen:
            argv = [sys.executable, "-m", "bilingual", "batch", str(src), "-o", str(out), "-m", str(model),
                    "--window", str(args.window), "--order", args.order, *FLAGS, *extra]  # fmt: skip
            return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        print(f"{args.articles} articles, {args.format}, window {args.window}, order {args.order}; "
              f"load {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
        whole = work / f"whole.{args.format}"
        start = time.monotonic()
        proc = batch(whole)
        if proc.wait() != 0:
            print(f"the uninterrupted run failed: {proc.stderr.read()}")
            return 1
        print(f"uninterrupted run: {time.monotonic() - start:.1f} s")

        out = work / f"out.{args.format}"
        journal = Path(f"{out}.bilingual-journal")
        partial = Path(f"{out}.bilingual-partial")
        killed = 0
        for k in range(1, args.kills + 1):
            before = journal.stat().st_size if journal.exists() else 0
            proc = batch(out, "--resume")
            moment = MOMENTS[k % len(MOMENTS)]
            started = time.monotonic()
            if moment == "any time":
                finished = _wait(proc, lambda: False, rng.uniform(0.2, args.max_delay))
            else:  # once this run writes its first article: at once (in the middle of a window's burst) or later
                grown = lambda: journal.exists() and journal.stat().st_size > before  # noqa: E731
                finished = _wait(proc, grown, 600)
                if not finished:
                    finished = _wait(proc, lambda: False, rng.uniform(0, 0.02) if moment == "first write" else rng.uniform(0, 4))
            delay = time.monotonic() - started
            if finished:
                state = f"finished before the kill (exit {proc.returncode})"
            else:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                killed += 1
                state = "killed"
            entries, torn = _journal_state(journal, partial)
            print(f"kill {k:>2} ({moment:>12}): after {delay:5.2f} s, {state}; articles in the journal: {entries}, "
                  f"bytes after the last one: {torn}")
        start = time.monotonic()
        proc = batch(out, "--resume")
        _, err = proc.communicate()
        if proc.returncode != 0:
            print(f"the final --resume failed: {err}")
            return 1
        print(f"final --resume: {time.monotonic() - start:.1f} s")

        expected = ids(src)
        got, reference = ids(out), ids(whole)
        same = out.read_bytes() == whole.read_bytes()
        in_order = got == expected if args.order == "input" else sorted(got) == sorted(expected)
        print(f"uninterrupted sha256 {sha256(whole)}  {len(reference)} articles, {whole.stat().st_size} bytes")
        print(f"resumed       sha256 {sha256(out)}  {len(got)} articles, {out.stat().st_size} bytes")
        print(f"SIGKILLs delivered: {killed} of {args.kills}")
        print(f"byte-identical: {same}; every input id once ({args.order} order): {in_order}; "
              f"missing: {len(set(expected) - set(got))}; duplicated: {len(got) - len(set(got))}")
        print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
        return 0 if same and in_order else 1


if __name__ == "__main__":
    sys.exit(main())
