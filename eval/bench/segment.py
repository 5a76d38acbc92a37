"""Compare Korean sentence splitters on real news text: speed and boundary accuracy.

NTREX-128's Korean side is one sentence a line, grouped into articles by
DOCUMENT_IDS.tsv. Each article's lines are joined with a space into one
paragraph; each splitter must recover the original line boundaries. Prints
seconds, sentences per second and boundary precision/recall/F1 per splitter.

    python eval/bench/segment.py [--data ../shared/data/ntrex128] [--kss-backends pecab,punct]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path


def load_articles(folder: Path) -> list[list[str]]:
    lines = (folder / "newstest2019-ref.kor.txt").read_text(encoding="utf-8").splitlines()
    ids = (folder / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    if len(lines) != len(ids):
        raise SystemExit(f"{len(lines)} lines but {len(ids)} document ids")
    articles: dict[str, list[str]] = defaultdict(list)
    for doc, line in zip(ids, lines):
        if line.strip():
            articles[doc].append(line.strip())
    return list(articles.values())


def boundaries(sentences: list[str]) -> set[int]:
    """Character offsets (ignoring spaces) where a sentence ends, last one excluded."""
    out, pos = set(), 0
    for sentence in sentences[:-1]:
        pos += len("".join(sentence.split()))
        out.add(pos)
    return out


def score(gold: list[list[str]], predicted: list[list[str]]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for g, p in zip(gold, predicted):
        gb, pb = boundaries(g), boundaries(p)
        tp += len(gb & pb)
        fp += len(pb - gb)
        fn += len(gb - pb)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run(name: str, split, articles: list[list[str]]) -> None:
    paragraphs = [" ".join(a) for a in articles]
    split(paragraphs[0])  # warm-up: model loading is not counted
    start = time.perf_counter()
    predicted = [split(p) for p in paragraphs]
    seconds = time.perf_counter() - start
    n = sum(len(p) for p in predicted)
    precision, recall, f1 = score(articles, predicted)
    chars = sum(len(p) for p in paragraphs)
    print(
        f"{name:<28} {seconds:8.2f} s  {chars / seconds:10.0f} chars/s  {n:5d} sentences  "
        f"P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared/data/ntrex128")
    parser.add_argument("--kss-backends", default="pecab,punct", help="comma-separated kss backends to try")
    parser.add_argument("--articles", type=int, default=0, help="only the first N articles (0 = all)")
    args = parser.parse_args()
    articles = load_articles(args.data)
    if args.articles:
        articles = articles[: args.articles]
    print(f"{len(articles)} articles, {sum(map(len, articles))} gold sentences")

    from kiwipiepy import Kiwi

    kiwi = Kiwi(num_workers=1, load_multi_dict=False)
    run("kiwipiepy split_into_sents", lambda t: [s.text for s in kiwi.split_into_sents(t)], articles)

    from bilingual.translation.segmenting import split_sentences

    run("bilingual.translation.segmenting (ko)", lambda t: [s for s, _ in split_sentences(t, "ko")], articles)

    import kss

    for backend in [b for b in args.kss_backends.split(",") if b]:
        try:
            run(f"kss {backend}", lambda t, b=backend: kss.split_sentences(t, backend=b, num_workers=1), articles)
        except Exception as exc:  # a backend whose extra is not installed
            print(f"kss {backend:<24} unavailable: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
