"""``tm learn`` on NTREX-128: each published ko->en output as MT, the human English as the edited text.

Prints, per system: segments, name corrections, proposals, and how many rows of
``glossaries/ntrex128.tsv`` the proposals recover (a row counts when a proposal's
Korean is the row's Korean or one of its korean_forms, spaces ignored, and the
English is the row's English). Writes the top 50 proposals of each system to
``eval/bench/results/tm-learn-top50-SYSTEM.tsv`` with an empty ``judged`` column
to fill by hand (an existing file keeps its judgements: rows are matched on
korean and english), and the figures to ``eval/bench/results/tm-learn-ntrex.json``.

    .venv/bin/python eval/bench/tm_learn_ntrex.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bilingual.evaluation.plain import read_lines
from bilingual.glossary import load_glossary
from bilingual.memory.learn import learn
from bilingual.outputs import write_atomic

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "eval" / "bench" / "results"
SYSTEMS = {
    "opus-2021-02-18": "Tatoeba-MT-models__opus-2021-02-18.txt",
    "opus-tc-big": "Tatoeba-MT-models__opusTCv20210807-sepvoc_transformer-big_2022-07-28.txt",
    "nllb-1.3b": "facebook__nllb-200-distilled-1.3B.txt",
}
TOP = 50


def _key(text: str) -> str:
    return text.replace(" ", "")


def _judged(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    out = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        if row.get("judged"):
            out[(row["korean"], row["english"])] = row["judged"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    sources = read_lines(args.data / "ntrex128" / "newstest2019-ref.kor.txt", "source")
    edited = read_lines(args.data / "ntrex128" / "newstest2019-src.eng.txt", "edited")
    glossary = load_glossary(ROOT / "glossaries" / "ntrex128.tsv")
    rows = {}
    for term in glossary.terms:
        for surface in term.korean_surfaces:
            rows.setdefault((_key(surface), term.english.strip()), term)
    figures: dict = {"glossary_rows": len(glossary.terms), "segments": len(sources), "systems": {}}
    for name, file in SYSTEMS.items():
        machine = read_lines(args.data / "system-outputs" / "kor-eng" / "ntrex128" / file, "mt")
        started = time.perf_counter()
        result = learn(sources, machine, edited)
        seconds = time.perf_counter() - started
        recovered = {id(rows[k]): rows[k] for p in result.proposals if (k := (_key(p.korean), p.english)) in rows}
        # rows the MT got wrong somewhere: the Korean in the source, the English in the human text, not in the MT
        reachable = [
            t for t in glossary.terms
            if any(
                any(_key(k) in _key(src) for k in t.korean_surfaces) and t.english.strip() in ref and t.english.strip() not in mt
                for src, ref, mt in zip(sources, edited, machine)
            )
        ]
        reachable_hits = sum(1 for t in reachable if id(t) in recovered)
        in_glossary = sum(1 for p in result.proposals if (_key(p.korean), p.english) in rows)
        hits_top = sum(1 for p in result.proposals[:TOP] if (_key(p.korean), p.english) in rows)
        out = RESULTS / f"tm-learn-top50-{name}.tsv"
        judged = _judged(out)
        lines = ["rank\tkorean\tenglish\twrong_english\tin_glossary\tevidence\tjudged"]
        for rank, p in enumerate(result.proposals[:TOP], 1):
            hit = "yes" if (_key(p.korean), p.english) in rows else "no"
            mark = judged.get((p.korean, p.english), "")
            lines.append(f"{rank}\t{p.korean}\t{p.english}\t{' | '.join(p.wrong_english)}\t{hit}\t{p.evidence}\t{mark}")
        write_atomic(out, "\n".join(lines) + "\n", what="top 50")
        marks = [judged.get((p.korean, p.english), "") for p in result.proposals[:TOP]]
        yes = sum(1 for m in marks if m.startswith("yes"))
        done = sum(1 for m in marks if m)
        figures["systems"][name] = {
            "mt_file": file,
            "changed_segments": result.changed,
            "corrections": len(result.corrections),
            "proposals": len(result.proposals),
            "glossary_rows_recovered": len(recovered),
            "recall": round(len(recovered) / len(glossary.terms), 4),
            "rows_the_mt_missed": len(reachable),
            "recovered_of_rows_the_mt_missed": reachable_hits,
            "recall_of_rows_the_mt_missed": round(reachable_hits / len(reachable), 4) if reachable else None,
            "proposals_in_glossary": in_glossary,
            "glossary_hits_in_top50": hits_top,
            "top50_judged": done,
            "top50_precision_by_hand": round(yes / done, 3) if done else None,
            "seconds": round(seconds, 1),
        }
        print(
            f"{name:18} proposals {len(result.proposals):4}  corrections {len(result.corrections):4}  "
            f"recovered {len(recovered):3}/{len(glossary.terms)} ({len(recovered) / len(glossary.terms):.1%})  "
            f"of rows the MT missed {reachable_hits}/{len(reachable)}  "
            f"all proposals in glossary {in_glossary}/{len(result.proposals)}  "
            f"top50 in glossary {hits_top:2}  hand precision "
            + (f"{yes}/{done}" if done else "not judged")
            + f"  {seconds:.1f} s"
        )
    figures["judging"] = (
        "top 50 of each system read by hand: 'yes' when the English is the right English for the Korean name "
        "as the NTREX-128 article uses it, 'no' with a one-word reason otherwise"
    )
    figures["load"] = os.getloadavg()  # the machine was shared: seconds are noisy
    write_atomic(RESULTS / "tm-learn-ntrex.json", json.dumps(figures, indent=2, ensure_ascii=False) + "\n", what="figures")


if __name__ == "__main__":
    main()
