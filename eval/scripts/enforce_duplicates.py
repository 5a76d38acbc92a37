"""Glossary enforcement before -> after on gemma3-270m's answers for the seed article.

"before" is ``eval/real_model/seed.glossary.report.json`` as recorded (the CLI's
report, names.tsv enforced); "after" runs today's ``Enforcer.finish`` offline on the
same answers (``eval/real_model/seed.glossary.raw.jsonl``: the recorded outputs with
the terms the enforcer had inserted taken out). No model is needed. With
``--report`` a report of a new real run (``bilingual translate ... --report``) is
counted as a third column.

    python eval/scripts/enforce_duplicates.py [--report /tmp/x.json]

Duplicates: words next to a glossary term that repeat one of its words
(``enforce.repeated_beside``: "Gyeonggi Gov. Gyeonggi Governor"). Hangul runs:
Hangul left in the English output; "reported" counts the ``hangul-left`` events.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from bilingual.glossary import load_glossary
from bilingual.glossary.enforce import Enforcer, hangul_runs, repeated_beside

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "eval" / "real_model"
NAMES = ROOT / "glossaries" / "names.tsv"


def _counts(segments: list[tuple[str, list[dict]]]) -> dict[str, int]:
    """Counts over (output, term events as dicts) pairs."""
    statuses: Counter = Counter(e["status"] for _o, events in segments for e in events)
    details: Counter = Counter(e["detail"].split(":")[0].split(" '")[0] for _o, events in segments for e in events)
    targets = [(output, t) for output, events in segments for t in dict.fromkeys(e["target"] for e in events) if t]
    return {
        "segments": len(segments),
        "terms applied": statuses["applied"],
        "terms repaired": statuses["repaired"],
        "  of them inserted": details["inserted"],
        "  of them partial rendering replaced": details["replaced partial rendering"],
        "terms missed": statuses["missed"],
        "duplicates (term beside its own word)": sum(len(repeated_beside(o, t)) for o, t in targets),
        "Hangul runs left in the output": sum(len(hangul_runs(o)) for o, _e in segments),
        "hangul-left events reported": statuses["hangul-left"],
        "unknown-name events reported": statuses["unknown-name"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="a translate --report JSON of a new run, counted as a third column")
    args = parser.parse_args()

    recorded = json.loads((REAL / "seed.glossary.report.json").read_text(encoding="utf-8"))["segments"]
    raw = [json.loads(line) for line in (REAL / "seed.glossary.raw.jsonl").read_text(encoding="utf-8").splitlines()]
    if [r["source"] for r in raw] != [s["source"] for s in recorded]:
        raise SystemExit("seed.glossary.raw.jsonl does not hold the segments of seed.glossary.report.json")
    enforcer = Enforcer(load_glossary(NAMES), "ko", "en")
    after = []
    for row in raw:
        output, events = enforcer.finish(enforcer.prepare(row["source"]), row["raw"])
        after.append((output, [asdict(e) for e in events]))
    columns = {
        "before (recorded)": _counts([(s["output"], s["terms"]) for s in recorded]),
        "after (offline)": _counts(after),
    }
    if args.report:
        rerun = json.loads(args.report.read_text(encoding="utf-8"))["segments"]
        columns["after (model re-run)"] = _counts([(s["output"], s["terms"]) for s in rerun])

    width = max(len(k) for k in next(iter(columns.values())))
    print(f"{'':{width}}  " + "  ".join(f"{name:>20}" for name in columns))
    for key in next(iter(columns.values())):
        print(f"{key:{width}}  " + "  ".join(f"{c[key]:>20}" for c in columns.values()))
    print()
    for (before, _), (output, _e) in zip(((s["output"], 0) for s in recorded), after):
        if before != output:
            print(f"- {before}\n+ {output}\n")


if __name__ == "__main__":
    main()
