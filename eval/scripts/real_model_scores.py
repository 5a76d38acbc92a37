"""Quality of the real offline model (Gemma 3 270M, llama-cpp engine) beside published outputs.

Translates, Korean->English, with ``bilingual.translation.pipeline.Translator`` on the
llama-cpp engine (one model load for everything):

* the seed article's Korean version (``corpora/seed``), without and with the
  glossary ``glossaries/names.tsv`` enforced; names report (term success rate);
* the first N (default 100) FLORES-200 devtest segments, scored with chrF++ and
  BLEU (sacrebleu, via ``bilingual.evaluation.metrics.score``) beside the published
  outputs in ``tests/data/system-outputs/kor-eng/`` on the same N segments;
* the first N NTREX-128 segments, the same, plus with ``glossaries/ntrex128.tsv``
  enforced and the term success rate with/without. (That glossary was built
  from these references and outputs: "with glossary" is an in-sample figure.)

Writes the translations and a JSON summary under ``--out`` (default
``eval/real_model``) and prints a table. Needs the ``llm`` extra::

    pip install 'bilingual[llm]'
    python eval/scripts/real_model_scores.py --limit 100 --threads 2
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = ROOT / "tests" / "data" / "system-outputs" / "kor-eng"
SETS = {
    "flores200-devtest": {"glossary": None},
    "ntrex128": {"glossary": ROOT / "glossaries" / "ntrex128.tsv"},
}
SEED_GLOSSARY = ROOT / "glossaries" / "names.tsv"


def _translator(engine, glossary: Path | None):
    from bilingual.translation.pipeline import Translator

    enforcer = None
    if glossary is not None:
        from bilingual.glossary import load_glossaries
        from bilingual.glossary.enforce import Enforcer

        enforcer = Enforcer(load_glossaries([glossary]), "ko", "en")
    return Translator(engine, enforcer=enforcer)


def _translate(engine, sources: list[str], glossary: Path | None) -> tuple[list[str], float, list[dict]]:
    notes: list[dict] = []
    seen = []  # the notes of every translation the engine returns
    translate_batch = engine.translate_batch

    def recording(texts, options):
        results = translate_batch(texts, options)
        seen.extend(note for result in results for note in result.notes)
        return results

    engine.translate_batch = recording
    translator = _translator(engine, glossary)
    start = time.perf_counter()
    outputs = []
    try:
        for text in sources:  # one at a time so the engine's notes stay attached to their segment
            [out] = translator.translate_texts([text])
            outputs.append(out)
            notes += [{"segment": len(outputs) - 1, "kind": n.kind, "detail": n.detail} for n in seen]
            seen.clear()
    finally:
        del engine.translate_batch
    return outputs, time.perf_counter() - start, notes


def _terms(glossary: Path | None, sources: list[str], hyps: list[str]) -> dict | None:
    if glossary is None:
        return None
    from bilingual.evaluation.metrics import term_success
    from bilingual.glossary import load_glossaries

    report = term_success(load_glossaries([glossary]), sources, hyps, source_lang="ko", target_lang="en")
    return {
        "rate": report.rate,
        "matched": report.matched,
        "total": report.total,
        "missed": [f"{c.source_form} -> {c.expected} (segment {c.segment + 1})" for c in report.missed],
    }


def _score(hyps: list[str], refs: list[str]) -> dict:
    from bilingual.evaluation.metrics import score

    s = score(hyps, refs, "en", metrics=("bleu", "chrf++"))
    return {"chrf++": round(s.chrf_pp, 2), "bleu": round(s.bleu, 2), "signatures": dict(s.signatures)}


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line.replace("\n", " ") + "\n" for line in lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="gemma3-270m", help="GGUF file or offline model name")
    parser.add_argument("--limit", type=int, default=100, help="segments per test set")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--sets", default="seed,flores200-devtest,ntrex128")
    parser.add_argument("--runs", default="plain,glossary", help="plain and/or glossary")
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "real_model")
    args = parser.parse_args(argv)

    from bilingual.corpus.folder import load_corpus
    from bilingual.engines import load_engine

    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    engine = load_engine(args.model, source_lang="ko", target_lang="en", engine="llama-cpp", threads=args.threads)
    load_s = time.perf_counter() - t0
    summary_path = args.out / "summary.json"
    summary: dict = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {"sets": {}}
    summary.update({"model": args.model, "prompt_style": engine.prompt_style, "threads": engine.threads,
                    "load_s": round(load_s, 2), "limit": args.limit})
    wanted_runs = {r.strip() for r in args.runs.split(",")}
    wanted = [s.strip() for s in args.sets.split(",") if s.strip()]

    for name in wanted:
        corpus = load_corpus(name)
        sources, refs = corpus.side("ko"), corpus.side("en")
        glossary = SEED_GLOSSARY if name == "seed" else SETS[name]["glossary"]
        if name != "seed":
            sources, refs = sources[: args.limit], refs[: args.limit]
        entry: dict = summary["sets"].get(name, {})
        entry.update({"segments": len(sources)})
        entry.setdefault("runs", {})
        runs = [("plain", None)] + ([("glossary", glossary)] if glossary else [])
        runs = [(label, gloss) for label, gloss in runs if label in wanted_runs]
        for label, gloss in runs:
            hyps, seconds, notes = _translate(engine, sources, gloss)
            _write(args.out / f"{name}.{label}.en.txt", hyps)
            entry["runs"][label] = {
                **_score(hyps, refs),
                "terms": _terms(glossary, sources, hyps),
                "seconds": round(seconds, 1),
                "segments_per_s": round(len(sources) / seconds, 3),
                "notes": notes,
            }
            print(f"{name:18} {label:9} chrF++ {entry['runs'][label]['chrf++']:6.2f}  "
                  f"BLEU {entry['runs'][label]['bleu']:6.2f}  {seconds:6.1f}s", flush=True)
        published = {}
        folder = OUTPUTS / name
        if folder.is_dir():
            for path in sorted(folder.glob("*.txt")):
                lines = path.read_text(encoding="utf-8").splitlines()[: len(sources)]
                published[path.stem.replace("__", "/")] = {**_score(lines, refs), "terms": _terms(glossary, sources, lines)}
        entry["published"] = published
        summary["sets"][name] = entry

    summary["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print()
    print(f"| set | system | chrF++ | BLEU | term success |")
    print("|---|---|---|---|---|")
    for name, entry in summary["sets"].items():
        rows = [(f"{args.model} ({label})", run) for label, run in entry["runs"].items()]
        rows += list(entry["published"].items())
        for system, run in rows:
            terms = run.get("terms")
            tsr = f"{terms['matched']}/{terms['total']} = {terms['rate']:.3f}" if terms and terms["total"] else "-"
            print(f"| {name} (n={entry['segments']}) | {system} | {run['chrf++']:.2f} | {run['bleu']:.2f} | {tsr} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
