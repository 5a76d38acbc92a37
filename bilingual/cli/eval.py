"""``bilingual eval``: options in, :mod:`bilingual.evaluation.jobs` scores, gates and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilingual.cli.options import EngineOption, EngineOptionsOption

_HELP = """Score translations of a corpus with BLEU, chrF, chrF++ and TER (sacrebleu).

Give --corpus with --hyp (a file with one segment a line in corpus order, or a
folder of translated articles) or --model (translate the corpus first). With no
corpus, --ref FILE --hyp FILE [--src FILE] scores two plain files as sacrebleu
does (--model with --src translates the source file first). With --gate alone,
run every check of the gate file. Exit status: 0 scored (and every gate bar
held), 1 a gate bar failed, 2 bad input.
"""


def register(app: typer.Typer) -> None:
    app.command("eval", help=_HELP)(eval_command)


def eval_command(
    corpus: Annotated[
        str | None, typer.Option("--corpus", "-c", metavar="CORPUS", help="Corpus name (under corpora/) or folder.")
    ] = None,
    hyp: Annotated[
        Path | None,
        typer.Option("--hyp", metavar="PATH", help="System output: one segment a line in corpus order, or a folder of articles."),
    ] = None,
    ref: Annotated[
        Path | None,
        typer.Option("--ref", metavar="FILE", help="Score against this reference file (one segment a line) instead of a corpus."),
    ] = None,
    src: Annotated[
        Path | None,
        typer.Option("--src", metavar="FILE", help="With --ref: the source file, line for line (needed by --model and --glossary)."),
    ] = None,
    source_lang: Annotated[str, typer.Option("--from", metavar="LANG", help="Source side of the corpus: ko or en.")] = "ko",
    target_lang: Annotated[str, typer.Option("--to", metavar="LANG", help="Reference side of the corpus: en or ko.")] = "en",
    model: Annotated[
        str | None, typer.Option("--model", "-m", metavar="MODEL", help="Translate the corpus with this model first.")
    ] = None,
    engine: EngineOption = None,
    engine_option: EngineOptionsOption = None,
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", "-g", metavar="FILE", help="Glossary file for the term success rate (repeatable)."),
    ] = None,
    enforce: Annotated[
        bool, typer.Option("--enforce-glossary", help="With --model: enforce the glossary while translating.")
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", metavar="PATH", help="Baseline output to compare with (paired bootstrap and AR)."),
    ] = None,
    gate: Annotated[Path | None, typer.Option("--gate", metavar="FILE", help="Quality gate file, e.g. eval/gate.toml.")] = None,
    json_out: Annotated[str | None, typer.Option("--json", metavar="FILE", help="Write the JSON report to FILE, or - for stdout.")] = None,
    markdown: Annotated[Path | None, typer.Option("--markdown", metavar="FILE", help="Write a Markdown report (CI job summary).")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", metavar="FILE", help="Write a self-contained HTML report.")] = None,
    tokenize: Annotated[
        str | None, typer.Option("--tokenize", metavar="NAME", help="BLEU tokenizer: 13a (default), intl, char, none, ko-mecab.")
    ] = None,
    metrics: Annotated[
        str | None, typer.Option("--metrics", metavar="LIST", help="Comma-separated subset of bleu,chrf,chrf++,ter (default all).")
    ] = None,
    samples: Annotated[int, typer.Option("--samples", help="Bootstrap resamples.")] = 1000,
    trials: Annotated[int, typer.Option("--trials", help="Approximate randomization trials.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the significance tests.")] = 12345,
    worst: Annotated[int, typer.Option("--worst", help="How many worst segments to list.")] = 10,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", metavar="FILE", help="Store this run's scores and signatures as a baseline JSON."),
    ] = None,
    save_hyp: Annotated[
        Path | None,
        typer.Option("--save-hyp", metavar="FILE", help="With --model: keep the translations, one a line (usable as --hyp or --baseline)."),
    ] = None,
    bar: Annotated[
        list[str] | None,
        typer.Option("--bar", metavar="KEY=VALUE", help="A gate bar for this run, as in a gate file: min_bleu=25, max_ter=60 (repeatable)."),
    ] = None,
) -> None:
    from bilingual.cli.glossary import echo_overrides
    from bilingual.cli.options import parse_engine_options
    from bilingual.errors import GateFailed, InputError
    from bilingual.evaluation import jobs as eval_jobs
    from bilingual.evaluation.report import summary_lines, write_reports

    if save_hyp is not None and model is None:
        raise InputError("--save-hyp keeps the translations of --model; give --model")
    jobs = eval_jobs.build_jobs(
        corpus=corpus, ref=ref, src=src, bars=eval_jobs.parse_bars(bar), hyp=hyp, model=model, engine=engine,
        engine_options=parse_engine_options(engine_option),
        source_lang=source_lang, target_lang=target_lang, glossaries=glossary or (), tokenize=tokenize,
        metrics=metrics, gate=gate, baseline=baseline, write_baseline=write_baseline is not None,
    )  # fmt: skip
    eval_jobs.check_output_paths(
        jobs, [("--json", json_out), ("--markdown", markdown), ("--html", html_out), ("--write-baseline", write_baseline),
               ("--save-hyp", save_hyp)],
        gate=gate, baseline=baseline,
    )  # fmt: skip
    shown: set[str] = set()  # each override line once, though several gate checks load the same files
    results = eval_jobs.run_jobs(
        jobs, baseline=baseline, enforce=enforce, samples=samples, trials=trials, seed=seed, worst=worst,
        on_glossary=lambda loaded: echo_overrides(loaded, shown),
    )  # fmt: skip
    if save_hyp is not None:
        eval_jobs.write_hypotheses(save_hyp, results.runs[0])
    if write_baseline is not None:
        eval_jobs.write_baseline(write_baseline, results.runs[0], jobs[0].glossaries)
    write_reports(results.runs, json_path=json_out, markdown_path=markdown, html_path=html_out)
    if json_out != "-":
        for line in summary_lines(results.runs):
            typer.echo(line)
    if not results.passed:
        raise GateFailed(results.failure_message())
