"""``bilingual eval``: score system output against a corpus, compare, gate, report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

_HELP = """Score translations of a corpus with BLEU, chrF, chrF++ and TER (sacrebleu).

Give --corpus with --hyp (a file with one segment a line in corpus order, or a
folder of translated articles) or --model (translate the corpus first). With
--gate alone, run every check of the gate file. Exit status: 0 scored (and
every gate bar held), 1 a gate bar failed, 2 bad input.
"""


def register(app: typer.Typer) -> None:
    app.command("eval", help=_HELP)(eval_command)


def eval_command(
    corpus: Annotated[Optional[str], typer.Option("--corpus", "-c", help="Corpus name (under corpora/) or folder.")] = None,
    hyp: Annotated[
        Optional[Path], typer.Option("--hyp", help="System output: one segment a line in corpus order, or a folder of articles.")
    ] = None,
    source_lang: Annotated[str, typer.Option("--from", help="Source side of the corpus: ko or en.")] = "ko",
    target_lang: Annotated[str, typer.Option("--to", help="Reference side of the corpus: en or ko.")] = "en",
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="Translate the corpus with this model first.")] = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="Engine for --model (default: auto).")] = None,
    glossary: Annotated[
        Optional[list[Path]], typer.Option("--glossary", "-g", help="Glossary TSV for the term success rate (repeatable).")
    ] = None,
    enforce: Annotated[
        bool, typer.Option("--enforce-glossary", help="With --model: enforce the glossary while translating.")
    ] = False,
    baseline: Annotated[
        Optional[Path], typer.Option("--baseline", help="Baseline output to compare with (paired bootstrap and AR).")
    ] = None,
    gate: Annotated[Optional[Path], typer.Option("--gate", help="Quality gate file, e.g. eval/gate.toml.")] = None,
    json_out: Annotated[Optional[str], typer.Option("--json", help="Write the JSON report to FILE, or - for stdout.")] = None,
    markdown: Annotated[Optional[Path], typer.Option("--markdown", help="Write a Markdown report (CI job summary).")] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML report.")] = None,
    tokenize: Annotated[
        Optional[str], typer.Option("--tokenize", help="BLEU tokenizer: 13a (default), intl, char, none, ko-mecab.")
    ] = None,
    metrics: Annotated[
        Optional[str], typer.Option("--metrics", help="Comma-separated subset of bleu,chrf,chrf++,ter (default all).")
    ] = None,
    samples: Annotated[int, typer.Option("--samples", help="Bootstrap resamples.")] = 1000,
    trials: Annotated[int, typer.Option("--trials", help="Approximate randomization trials.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the significance tests.")] = 12345,
    worst: Annotated[int, typer.Option("--worst", help="How many worst segments to list.")] = 10,
    write_baseline: Annotated[
        Optional[Path], typer.Option("--write-baseline", help="Store this run's scores and signatures as a baseline JSON.")
    ] = None,
) -> None:
    from bilingual.corpus.folder import load_corpus
    from bilingual.errors import GateFailed, InputError
    from bilingual.text.language import check_direction
    from bilingual.evaluation.run import evaluate_run, read_hypotheses, translate_corpus
    from bilingual.evaluation.gate import baseline_document, check_entry, failure_message, load_gate
    from bilingual.evaluation.report import report_html, report_json, report_markdown, summary_lines

    from bilingual.evaluation.metrics import METRICS

    glossaries = list(glossary or [])
    metric_names = tuple(m.strip() for m in metrics.split(",") if m.strip()) if metrics else METRICS
    for m in metric_names:
        if m not in METRICS:
            raise InputError(f"unknown metric {m!r} in --metrics; choose from {', '.join(METRICS)}")
    gate_config = load_gate(gate) if gate is not None else None
    jobs = []  # (corpus, src, tgt, hyp, model, engine, glossaries, tokenize, metrics, gate entry)
    if corpus is None:
        if gate_config is None:
            raise InputError("give --corpus with --hyp or --model, or --gate FILE to run its checks")
        if hyp is not None or model is not None or baseline is not None:
            raise InputError("--hyp, --model and --baseline need --corpus")
        for entry in gate_config.entries:
            if entry.hyp is None and entry.model is None:
                raise InputError(f"{gate_config.path}: check {entry.name} has neither hyp nor model to score")
            jobs.append(
                (entry.corpus, entry.source_lang, entry.target_lang, entry.hyp, entry.model, entry.engine,
                 list(entry.glossaries) + glossaries, entry.tokenize or tokenize,
                 metric_names if metrics else entry.metrics, entry)
            )
    else:
        if (hyp is None) == (model is None):
            raise InputError("give exactly one of --hyp and --model")
        check_direction(source_lang, target_lang)
        entry = None
        if gate_config is not None:
            entry = gate_config.find(Path(corpus).name, source_lang, target_lang)
            glossaries = glossaries or list(entry.glossaries)
        jobs.append((corpus, source_lang, target_lang, hyp, model, engine, glossaries, tokenize, metric_names, entry))
    if write_baseline is not None and len(jobs) != 1:
        raise InputError("--write-baseline needs a single run (--corpus)")

    for *_, job_metrics, entry in jobs:
        if entry is not None:
            barred = {*entry.mins, *entry.maxs, *entry.max_drops} - {"term_success_rate"}
            missing = sorted(barred - set(job_metrics))
            if missing:
                raise InputError(f"the gate has bars on {', '.join(missing)}, which --metrics leaves out")

    runs = []
    overrides_shown: set[str] = set()
    for corpus_name, src, tgt, hyp_path, model_name, engine_name, glossary_paths, tok, job_metrics, entry in jobs:
        check_direction(src, tgt)
        loaded = load_corpus(corpus_name)
        gloss = None
        if glossary_paths:
            from bilingual.cli.glossary import echo_overrides
            from bilingual.glossary import load_glossaries

            gloss = load_glossaries(glossary_paths)
            echo_overrides(gloss, overrides_shown)  # each once, though several gate checks load the same files
        if hyp_path is not None:
            hyps = read_hypotheses(hyp_path, loaded, src, tgt)
            system = str(hyp_path)
        else:
            hyps = translate_corpus(
                model_name, loaded.side(src), source_lang=src, target_lang=tgt, engine=engine_name,
                glossaries=glossary_paths, enforce=enforce,
            )
            system = f"model:{model_name}"
        base_hyps = read_hypotheses(baseline, loaded, src, tgt) if baseline is not None else None
        run = evaluate_run(
            loaded, hyps, source_lang=src, target_lang=tgt, system=system, tokenize=tok, glossary=gloss,
            baseline_hyps=base_hyps, baseline_system=str(baseline) if baseline else None,
            n_samples=samples, n_trials=trials, seed=seed, n_worst=worst, metrics=job_metrics,
        )
        if entry is not None:
            run.gate = check_entry(entry, run.values(), dict(run.scores.signatures))
        runs.append(run)

    if write_baseline is not None:
        run = runs[0]
        doc = baseline_document(
            corpus=run.corpus.name, source_lang=run.source_lang, target_lang=run.target_lang, system=run.system,
            segments=len(run.hyps), scores=run.values(), signatures=dict(run.scores.signatures),
            glossaries=jobs[0][6],
        )
        doc["scores"] = {k: v for k, v in doc["scores"].items() if v is not None}
        write_baseline.parent.mkdir(parents=True, exist_ok=True)
        write_baseline.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    if json_out is not None:
        text = json.dumps(report_json(runs), indent=2, ensure_ascii=False)
        if json_out == "-":
            sys.stdout.write(text + "\n")
        else:
            Path(json_out).write_text(text + "\n", encoding="utf-8")
    if markdown is not None:
        markdown.write_text(report_markdown(runs), encoding="utf-8")
    if html_out is not None:
        html_out.write_text(report_html(runs), encoding="utf-8")
    if json_out != "-":
        for line in summary_lines(runs):
            typer.echo(line)

    failed = [r.gate for r in runs if r.gate is not None and not r.gate.passed]
    if failed:
        raise GateFailed(failure_message(failed))
