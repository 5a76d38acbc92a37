"""Precision of ``bilingual glossary suggest`` on NTREX-128: of its top 100 suggestions, how many were kept.

"Kept" means the hand-checked glossary ``glossaries/ntrex128.tsv`` holds the
pair as suggested (same Korean term, same English term); "kept, corrected"
means the Korean term is in the glossary with another English term; every other
suggestion was rejected, for the reason written down below when the glossary
was checked by hand.

Usage::

    python eval/scripts/suggest_precision.py [--top 100] [--out eval/scripts/suggest_precision.md]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Why a suggestion was not kept (decided while checking the glossary by hand).
REJECTED_BECAUSE = {
    "웨스트": "ambiguous: Kanye West, West Virginia; the longer names are in the glossary",
    "버지니아": "only ever seen inside 웨스트버지니아 (West Virginia), which is in the glossary",
    "영국": "the English original says UK, Britain, British or England: no single English form",
    "미국": "the English original says U.S., US, United States, America or American: no single English form",
    "도널드": "first name alone; 도널드 트럼프 = Donald Trump is in the glossary",
    "크리스틴": "first name alone; 크리스틴 블레이시 포드 = Christine Blasey Ford is in the glossary",
    "키트": "first name alone; 키트 헤링턴 = Kit Harington is in the glossary",
    "마이크": "first name alone (also the Korean for microphone)",
    "웨이드": "first name alone; 웨이드 심스 = Wayde Sims is in the glossary",
    "피터": "first name alone (several Peters in the corpus)",
    "홀리": "first name alone; 홀리 윌로비 = Holly Willoughby is in the glossary",
    "자이언츠": "part of Belfast Giants (in the glossary)",
    "웨일스": "the English original says Welsh and Wales: no single English form",
    "태평양": "the English original says Pacific and Pacific Ocean",
    "독일": "wrong pairing: German (adjective); the English original also says Germany",
    "영국 서머 타임": "wrong pairing: BST is an abbreviation of the time zone, not a name of the article",
    "세라": "wrong pairing: first name 세라 with the full name Sarah Palin",
    "유럽": "the English original says Europe and European (19 of 46 segments)",
    "러시아": "the English original says Russia and Russian (9 of 16 segments)",
    "블레이시": "part of Christine Blasey Ford (in the glossary)",
    "블레이시 포드": "part of Christine Blasey Ford (in the glossary)",
    "크리스틴 블레이시": "part of Christine Blasey Ford (in the glossary)",
    "가이거": "Geiger counter: a common noun in this article",
    "시티": "part of Manchester City / Mexico City / Kansas City (in the glossary)",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--glossary", default=str(REPO / "glossaries" / "ntrex128.tsv"))
    parser.add_argument("--out", default=str(REPO / "eval" / "suggest_precision.md"))
    args = parser.parse_args(argv)

    from bilingual.corpus.folder import load_corpus
    from bilingual.glossary import load_glossary
    from bilingual.glossary.suggest import suggest

    corpus = load_corpus(REPO / "corpora" / "ntrex128")
    rows = suggest(corpus.side("ko"), corpus.side("en"), top=args.top)
    glossary = load_glossary(args.glossary)
    by_korean = {}
    for term in glossary.terms:
        for form in term.korean_surfaces:
            by_korean.setdefault(form.replace(" ", ""), term)

    kept = corrected = rejected = 0
    table = ["| rank | Korean | suggested English | segments (ko / en / both) | Dice | decision |", "|---|---|---|---|---|---|"]
    for rank, s in enumerate(rows, 1):
        term = by_korean.get(s.korean.replace(" ", ""))
        if term is not None and term.english == s.english:
            decision, kept = "kept", kept + 1
        elif term is not None:
            decision, corrected = f"kept, corrected to *{term.english}*", corrected + 1
        else:
            rejected += 1
            decision = "rejected: " + REJECTED_BECAUSE.get(s.korean, "(no reason recorded)")
        table.append(
            f"| {rank} | {s.korean} | {s.english} | {s.korean_count} / {s.english_count} / {s.pair_count} "
            f"| {s.dice:.2f} | {decision} |"
        )
    n = len(rows)
    summary = (
        f"Of the top {n} suggestions, **{kept} were kept as suggested** and {corrected} kept with a corrected "
        f"English term (precision {kept / n:.0%} as suggested, {(kept + corrected) / n:.0%} counting corrections); "
        f"{rejected} were rejected."
    )
    lines = [
        "# `bilingual glossary suggest` precision on NTREX-128",
        "",
        "Command: `bilingual glossary suggest --source KO --target EN --top 100` over the Korean and English sides "
        "of `corpora/ntrex128` (defaults: pairs sharing at least 2 segments, Dice at least 0.3). Decisions: "
        "compared with the hand-checked `glossaries/ntrex128.tsv`; the reasons for rejections were written down "
        "during the check. Regenerate with `python eval/scripts/suggest_precision.py`.",
        "",
        summary,
        "",
        "Most rejections are correct alignments that make poor glossary entries (a first name alone, a part of a "
        "longer name that is in the glossary, a country whose English form varies between noun and adjective); "
        "outright wrong pairings are few (BST, German, Sarah Palin for 세라).",
        "",
        *table,
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
