"""Translation memory lookup speed: 2,000 segments against a 100,000-segment memory.

The memory holds the Korean→English pairs of NTREX-128, FLORES-200 devtest and
WMT24++ news, topped up to ``--size`` entries with made-up variants of them
(a number changed, a word dropped, two sentences joined, spacing changed),
each a distinct source. The queries are ``--queries`` sentences of NTREX-128
with small edits (a particle changed, spacing changed, a word dropped) and,
for a third of them, unchanged (exact hits). It prints the time to import,
to build the fuzzy index (first lookup), and to look up all queries, and
the hit counts.

Usage::

    python eval/bench/tm_lookup.py                      # 100,000 entries, 2,000 queries
    python eval/bench/tm_lookup.py --size 20000 --queries 500
    python eval/bench/tm_lookup.py --out eval/bench/results/tm-lookup.json

The target: the 2,000 lookups in under 2 s. The machine is shared: the load is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from bilingual.memory.store import TMEntry, TranslationMemory

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def pairs() -> list[tuple[str, str]]:
    """Korean→English pairs of the public test sets."""
    sets = [
        (DATA / "ntrex128" / "newstest2019-ref.kor.txt", DATA / "ntrex128" / "newstest2019-src.eng.txt"),
        (DATA / "flores200-devtest" / "kor_Hang.devtest", DATA / "flores200-devtest" / "eng_Latn.devtest"),
        (DATA / "wmt24pp-en-ko-news" / "news.ko", DATA / "wmt24pp-en-ko-news" / "news.en"),
    ]
    out = []
    for ko, en in sets:
        out += list(zip(ko.read_text(encoding="utf-8").splitlines(), en.read_text(encoding="utf-8").splitlines()))
    return [(k, e) for k, e in out if k.strip() and e.strip()]


def variant(text: str, rng: random.Random) -> str:
    """A made-up variant of a sentence (for filling the memory)."""
    words = text.split()
    kind = rng.randrange(4)
    if kind == 0:
        return f"{text} {rng.randrange(10, 10_000)}"
    if kind == 1 and len(words) > 3:
        del words[rng.randrange(len(words))]
        return " ".join(words)
    if kind == 2:
        return text + " " + rng.choice(words) * 2
    return " ".join(words[::-1])


def edited(text: str, rng: random.Random) -> str:
    """A small edit of a query sentence: particle, spacing or a dropped word."""
    words = text.split()
    kind = rng.randrange(3)
    if kind == 0 and len(words) > 1:
        i = rng.randrange(len(words) - 1)
        return " ".join(words[:i] + [words[i] + words[i + 1]] + words[i + 2 :])  # spacing
    if kind == 1:
        swaps = {"은": "는", "는": "은", "이": "가", "가": "이", "을": "를", "를": "을", "에서": "에"}
        for i, word in enumerate(words):
            for old, new in swaps.items():
                if word.endswith(old) and len(word) > len(old):
                    words[i] = word[: -len(old)] + new
                    return " ".join(words)
    if len(words) > 8:
        del words[rng.randrange(1, len(words) - 1)]
        return " ".join(words)
    return text + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--threshold", type=float, default=85.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = pairs()
    entries = [TMEntry(k, e, "ko", "en", origin="bench") for k, e in base]
    seen = {k for k, _ in base}
    while len(entries) < args.size:
        k, e = rng.choice(base)
        v = variant(k, rng)
        if v not in seen:
            seen.add(v)
            entries.append(TMEntry(v, e, "ko", "en", origin="bench-variant"))
    ntrex = base[:1997]
    picked = [rng.choice(ntrex) for _ in range(args.queries)]
    queries = [k if i % 3 == 0 else edited(k, rng) for i, (k, _) in enumerate(picked)]
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.tm.db"
        start = time.perf_counter()
        with TranslationMemory.open(path) as tm:
            added = tm.add(entries)
        imported = time.perf_counter() - start
        with TranslationMemory.open(path) as tm:
            start = time.perf_counter()
            tm.lookup("준비", "ko", "en")  # builds the fuzzy index
            built = time.perf_counter() - start
            start = time.perf_counter()
            matches = tm.lookup_many(queries, "ko", "en", threshold=args.threshold)
            looked = time.perf_counter() - start
        size = path.stat().st_size
    exact = sum(1 for m in matches if m and m.kind == "exact")
    fuzzy = sum(1 for m in matches if m and m.kind == "fuzzy")
    right = sum(1 for m, (_, e) in zip(matches, picked) if m and m.entry.target == e)
    result = {
        "entries": added, "queries": len(queries), "threshold": args.threshold, "load_1min": round(load, 2),
        "import_s": round(imported, 2), "index_build_s": round(built, 2), "lookup_s": round(looked, 3),
        "lookups_per_s": round(len(queries) / looked), "exact": exact, "fuzzy": fuzzy,
        "miss": len(queries) - exact - fuzzy, "right_target": right, "file_mib": round(size / 2**20, 1),
    }  # fmt: skip
    print(f"memory: {added:,} entries ({result['file_mib']} MiB), imported in {imported:.2f} s; load {load:.2f}, 2 CPUs")
    print(f"fuzzy index built in {built:.2f} s (first lookup)")
    print(f"{len(queries):,} lookups in {looked:.3f} s ({result['lookups_per_s']:,}/s; target: under 2 s)")
    print(f"hits: exact {exact}, fuzzy {fuzzy}, miss {result['miss']}; right target {right} of {len(queries)}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    sys.exit(0)


if __name__ == "__main__":
    main()
