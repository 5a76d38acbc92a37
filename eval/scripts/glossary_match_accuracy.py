"""Accuracy of three Korean matching approaches on the glossary test table.

(a) particles: a term at a word start, the rest of the word a hand-made particle sequence;
(b) kiwi: kiwipiepy morphological analysis alone (a term must be whole morphemes, the first a noun);
(c) combined (the default): particle grammar, compound heads, chained terms, kiwipiepy as the last resort.

    python eval/scripts/glossary_match_accuracy.py [--glossary glossaries/names.tsv] [--table tests/data/glossary_match_cases.tsv]

Prints, per method, sentences fully right, precision and recall over matches, and the failures.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bilingual.glossary import load_glossary
from bilingual.glossary.match import METHODS, find_terms

ROOT = Path(__file__).resolve().parents[2]


def read_table(path: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, sentence, expected = (line.split("\t") + [""])[:3]
        pairs = []
        for item in expected.split(" ; "):
            if item.strip():
                text, korean = item.split("=")
                pairs.append((text, korean))
        rows.append((name, sentence, pairs))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--glossary", default=str(ROOT / "glossaries/names.tsv"))
    parser.add_argument("--table", default=str(ROOT / "tests/data/glossary_match_cases.tsv"))
    args = parser.parse_args()
    glossary = load_glossary(args.glossary)
    table = read_table(Path(args.table))
    print(f"{len(table)} sentences, {sum(len(r[2]) for r in table)} expected matches")
    print(f"{'method':<10} {'sentences right':>16} {'precision':>10} {'recall':>8} {'time s':>7}")
    failures = {}
    for method in ("particles", "kiwi", "combined"):
        assert method in METHODS
        right = tp = fp = fn = 0
        start = time.perf_counter()
        failures[method] = []
        for name, sentence, expected in table:
            got = [(m.text, m.term.korean.strip()) for m in find_terms(glossary, sentence, "ko", method=method)]
            exp = list(expected)
            hit = [g for g in got if g in exp]
            tp += len(hit)
            fp += len(got) - len(hit)
            fn += len(exp) - len(hit)
            if got == exp:
                right += 1
            else:
                failures[method].append((name, sentence, exp, got))
        elapsed = time.perf_counter() - start
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{method:<10} {right:>9}/{len(table):<6} {precision:>10.3f} {recall:>8.3f} {elapsed:>7.2f}")
    for method, items in failures.items():
        print(f"\n{method}: {len(items)} sentence(s) wrong")
        for name, sentence, exp, got in items:
            print(f"  [{name}] {sentence}\n      expected {exp}\n      got      {got}")


if __name__ == "__main__":
    main()
