"""Benchmark: glossary matching with 10,000 terms over 1 MB of Korean news text.

    python eval/bench/glossary_match.py [--terms 10000] [--megabytes 1] [--method combined]

Text: the Korean articles under corpora/ (NTREX-128, WMT24++ news, FLORES-200, the seed
article), repeated until the UTF-8 text reaches the requested size. Terms: the
project's glossaries plus noun stems taken from the same text (so that most terms
really occur and the particle/compound/analyser checks are exercised), plus some
two-word terms; deterministic (seeded).

Prints the index build time, the matching time (kiwipiepy loaded beforehand and its
load time printed separately: it is paid once per process), matches found and how
many words needed the analyser. Target: matching < 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
from pathlib import Path

from bilingual.glossary import Glossary, Term, load_glossary
from bilingual.glossary import korean
from bilingual.glossary.match import find_terms

ROOT = Path(__file__).resolve().parents[2]


def corpus_text(megabytes: float) -> str:
    files = sorted(ROOT.glob("corpora/*/articles/*.ko.txt"))
    if not files:
        raise SystemExit("no Korean articles under corpora/")
    base = "\n".join(f.read_text(encoding="utf-8") for f in files)
    target = int(megabytes * 1_000_000)
    parts, size = [], 0
    while size < target:
        parts.append(base)
        size += len(base.encode("utf-8"))
    text = "\n".join(parts)
    data = text.encode("utf-8")[:target]
    return data.decode("utf-8", errors="ignore")


def make_terms(text: str, count: int, seed: int = 0) -> Glossary:
    terms: list[Term] = []
    seen: set[str] = set()
    for path in sorted(ROOT.glob("glossaries/*.tsv")):
        for term in load_glossary(path).terms:
            if term.korean.strip() not in seen and term.status == "approved":
                seen.add(term.korean.strip())
                terms.append(term)
    words = re.findall(r"[\uac00-\ud7a3]{2,}", text)
    stems = []
    for word in dict.fromkeys(words):
        for cut in range(len(word), 1, -1):  # strip particles: 경기도에서는 -> 경기도
            if korean.rest_is_particles(word[cut:]):
                stems.append(word[:cut])
                break
    rng = random.Random(seed)
    rng.shuffle(stems)
    pairs = [f"{a} {b}" for a, b in zip(stems[::2], stems[1::2])]
    pool = stems + pairs[: len(stems) // 5]
    rng.shuffle(pool)
    for stem in pool:
        if len(terms) >= count:
            break
        if stem not in seen:
            seen.add(stem)
            terms.append(Term(stem, f"term {len(terms)}"))
    while len(terms) < count:  # not enough distinct stems: random Hangul terms (rarely match)
        stem = "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(2, 5)))
        if stem not in seen:
            seen.add(stem)
            terms.append(Term(stem, f"term {len(terms)}"))
    return Glossary(entries=list(terms[:count]))


def main() -> None:
    parser = argparse.ArgumentParser(description="Time glossary matching.")
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--method", default="combined")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    text = corpus_text(args.megabytes)
    glossary = make_terms(text, args.terms)
    print(f"text: {len(text.encode('utf-8')):,} bytes, {len(text):,} characters; terms: {len(glossary):,}")

    start = time.perf_counter()
    korean.kiwi_tokens("경기도지사는")  # load the analyser once, outside the timed runs
    print(f"kiwipiepy load (once per process): {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    find_terms(glossary, "", "ko", method=args.method)  # builds the index
    from bilingual.glossary.match import matcher_for

    matcher_for(glossary, "ko", method=args.method)
    print(f"index build: {time.perf_counter() - start:.3f} s")

    timings = []
    cpus = []
    for run in range(args.repeat):
        korean.kiwi_tokens.cache_clear()
        korean._segment.cache_clear()
        start = time.perf_counter()
        cpu = time.process_time()
        matches = find_terms(glossary, text, "ko", method=args.method)
        timings.append(time.perf_counter() - start)
        cpu = time.process_time() - cpu
        cpus.append(cpu)
        analyser_words = korean.kiwi_tokens.cache_info().misses
        print(f"run {run + 1}: match {timings[-1]:.3f} s wall, {cpu:.3f} s CPU, {len(matches):,} matches, "
              f"{analyser_words:,} words sent to kiwipiepy")
    best = min(timings)
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"RESULT: {args.terms:,} terms over {args.megabytes:g} MB: best {best:.3f} s wall "
          f"({min(cpus):.3f} s CPU), median {sorted(timings)[len(timings) // 2]:.3f} s wall "
          f"(target < 2 s): {'OK' if best < 2 else 'SLOW (see CPU time and load average)'}")


if __name__ == "__main__":
    main()
