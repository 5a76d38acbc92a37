"""Translation memory hits on NTREX-128 sentences re-sent with small edits.

The memory holds NTREX-128's Korean→English pairs (what ``bilingual tm import
ntrex128`` adds). Every Korean sentence is then sent again, unchanged and
with one small edit of each kind that applies to it:

- ``unchanged``: the sentence as it is (an exact hit is expected);
- ``spacing``: two words written together, or a word's spacing doubled;
- ``particle``: one particle swapped for its other form or a near one
  (은/는, 이/가, 을/를, 와/과, 에서/에, 으로/로);
- ``drop-word``: one word from the middle left out (sentences of 8 words or more);
- ``number``: one number changed (sentences with a number). A fuzzy match
  whose numbers differ is never given, so these are expected to miss: the
  memory must not hand back "23 people" for "24 people".

For each kind it prints how many lookups came back exact, fuzzy and with no
match, at each threshold, how many of the hits gave the target of the
sentence that was edited (``right``: the right sentence, not just a similar
one), and the lowest fuzzy score seen. (Doubling a space is no change to
the memory: those spacing edits come back exact.)

Usage::

    python eval/bench/tm_hits.py                                   # thresholds 75, 85, 95
    python eval/bench/tm_hits.py --out eval/bench/results/tm-hits.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bilingual.memory.io import corpus_entries
from bilingual.memory.store import TranslationMemory

KINDS = ("unchanged", "spacing", "particle", "drop-word", "number")
_SWAPS = {
    "은": "는", "는": "은", "이": "가", "가": "이", "을": "를", "를": "을", "와": "과", "과": "와", "에서": "에", "으로": "로",
}  # fmt: skip
_NUMBER = re.compile(r"\d+")


def spacing(text: str, rng: random.Random) -> str | None:
    words = text.split(" ")
    if len(words) < 3:
        return None
    i = rng.randrange(len(words) - 1)
    if rng.random() < 0.5:
        return " ".join(words[:i] + [words[i] + words[i + 1]] + words[i + 2 :])
    return " ".join(words[: i + 1]) + "  " + " ".join(words[i + 1 :])


def particle(text: str, rng: random.Random) -> str | None:
    words = text.split(" ")
    places = [
        (i, old)
        for i, word in enumerate(words)
        for old in _SWAPS
        if word.endswith(old) and len(word) > len(old) and "\uac00" <= word[-len(old) - 1] <= "\ud7a3"
    ]
    if not places:
        return None
    i, old = rng.choice(places)
    words[i] = words[i][: -len(old)] + _SWAPS[old]
    return " ".join(words)


def drop_word(text: str, rng: random.Random) -> str | None:
    words = text.split(" ")
    if len(words) < 8:
        return None
    del words[rng.randrange(1, len(words) - 1)]
    return " ".join(words)


def number(text: str, rng: random.Random) -> str | None:
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    return text[: m.start()] + str(int(m.group()) + rng.randrange(1, 9)) + text[m.end() :]


EDITS: dict[str, Callable[[str, random.Random], str | None]] = {
    "unchanged": lambda text, rng: text,
    "spacing": spacing,
    "particle": particle,
    "drop-word": drop_word,
    "number": number,
}


def queries(sources: Sequence[str], seed: int = 7) -> list[tuple[str, int, str]]:
    """(kind, index of the sentence edited, the edited sentence) for every kind that applies to each sentence."""
    rng = random.Random(seed)
    out = []
    for i, text in enumerate(sources):
        for kind in KINDS:
            edited = EDITS[kind](text, rng)
            if edited is not None and (kind == "unchanged" or edited != text):
                out.append((kind, i, edited))
    return out


def measure(tm: TranslationMemory, sources: Sequence[str], targets: Sequence[str], threshold: float) -> dict:
    """Hit counts per edit kind at one threshold."""
    right_targets: dict[str, set[str]] = {}
    for source, target in zip(sources, targets):
        right_targets.setdefault(source, set()).add(target)
    asked = queries(sources)
    start = time.perf_counter()
    matches = tm.lookup_many([q for _, _, q in asked], "ko", "en", threshold=threshold)
    seconds = time.perf_counter() - start
    counts = ("n", "exact", "fuzzy", "miss", "exact_right", "fuzzy_right")
    table: dict[str, dict] = {kind: {**dict.fromkeys(counts, 0), "lowest": None} for kind in KINDS}
    for (kind, i, _), match in zip(asked, matches):
        row = table[kind]
        row["n"] += 1
        if match is None:
            row["miss"] += 1
            continue
        row[match.kind] += 1
        row[f"{match.kind}_right"] += match.entry.target in right_targets[sources[i]]
        if match.kind == "fuzzy":
            row["lowest"] = match.score if row["lowest"] is None else min(row["lowest"], match.score)
    return {"threshold": threshold, "lookups": len(asked), "lookup_s": round(seconds, 3), "kinds": table}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="ntrex128")
    parser.add_argument("--thresholds", default="75,85,95")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    entries = list(corpus_entries(args.corpus, "ko", "en"))
    sources, targets = [e.source for e in entries], [e.target for e in entries]
    load = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory() as tmp, TranslationMemory.open(Path(tmp) / "tm.db") as tm:
        added = tm.add(entries)
        print(f"memory: {added} entries from {args.corpus} (load {load:.2f}, 2 CPUs)")
        for threshold in (float(t) for t in args.thresholds.split(",")):
            result = measure(tm, sources, targets, threshold)
            results.append(result)
            print(f"\nthreshold {threshold:g}: {result['lookups']} lookups in {result['lookup_s']} s")
            print(f"  {'edit':10} {'n':>5} {'exact':>6} {'fuzzy':>6} {'miss':>5} {'right':>11} {'lowest':>6}")
            for kind, row in result["kinds"].items():
                lowest = "-" if row["lowest"] is None else f"{row['lowest']:.1f}"
                right = f"{row['exact_right'] + row['fuzzy_right']}/{row['exact'] + row['fuzzy']}"
                print(f"  {kind:10} {row['n']:5} {row['exact']:6} {row['fuzzy']:6} {row['miss']:5} {right:>11} {lowest:>6}")
    if args.out:
        args.out.write_text(
            json.dumps({"corpus": args.corpus, "entries": added, "load_1min": round(load, 2), "results": results}, indent=2)
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
