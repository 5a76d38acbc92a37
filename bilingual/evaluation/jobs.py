"""Evaluation jobs: what ``bilingual eval`` scores, checked before anything runs, then run.

:func:`build_jobs` turns the options of one evaluation (a corpus with a
hypothesis file or a model; or, with no corpus, a plain reference file and
optionally its source, see :mod:`bilingual.evaluation.plain`) or a gate file
(every check in it) into :class:`EvalJob` objects, refusing every inconsistent
combination first.
:func:`run_jobs` scores them (translating the corpus first for a model job),
checks each against its gate entry and returns :class:`EvalResults`;
:func:`run_gate` does both for a gate file. :func:`check_output_paths` refuses
report and baseline paths that would overwrite an input; :func:`write_baseline`
stores a run's scores with their signatures for later ``max_drop_*`` bars;
:func:`write_hypotheses` keeps a model job's translations as a hypothesis file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bilingual.errors import InputError
from bilingual.evaluation.gate import GateConfig, GateEntry, GateResult, bars_entry, failure_message, load_gate
from bilingual.evaluation.metrics import METRICS
from bilingual.evaluation.run import EvalRun
from bilingual.evaluation.significance import DEFAULT_AR_TRIALS, DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_SEED
from bilingual.outputs import write_atomic

if TYPE_CHECKING:
    from bilingual.glossary.terms import Glossary


@dataclass(frozen=True)
class EvalJob:
    """One corpus and direction to score: a hypothesis file (or folder) or a model to translate it with."""

    corpus: str
    source_lang: str
    target_lang: str
    hyp: Path | None = None
    model: str | None = None
    engine: str | None = None
    engine_options: Mapping[str, str] = field(default_factory=dict)
    glossaries: tuple[Path, ...] = ()
    tokenize: str | None = None
    metrics: tuple[str, ...] = METRICS
    gate_entry: GateEntry | None = None
    ref_file: Path | None = None  # a plain reference file instead of a corpus (``corpus`` is then its path)
    src_file: Path | None = None  # the plain source file beside ``ref_file``, when given

    @property
    def system(self) -> str:
        """What is scored, as the reports name it: the hypothesis path or ``model:<name>``."""
        return str(self.hyp) if self.hyp is not None else f"model:{self.model}"


@dataclass
class EvalResults:
    """The runs of :func:`run_jobs`, in job order, each with its gate result when it had a gate entry."""

    runs: list[EvalRun]

    @property
    def failed(self) -> list[GateResult]:
        return [r.gate for r in self.runs if r.gate is not None and not r.gate.passed]

    @property
    def passed(self) -> bool:
        return not self.failed

    def failure_message(self) -> str:
        """One line naming every failed bar ('' when all held)."""
        return failure_message(self.failed) if self.failed else ""


def parse_metrics(metrics: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """Metric names from ``"bleu,chrf"`` or a sequence (None or empty: not chosen); InputError for an unknown one."""
    if not metrics:
        return None
    names = metrics.split(",") if isinstance(metrics, str) else list(metrics)
    chosen = tuple(m.strip() for m in names if m.strip())
    for m in chosen:
        if m not in METRICS:
            raise InputError(f"unknown metric {m!r} in --metrics; choose from {', '.join(METRICS)}")
    return chosen or None


def parse_bars(bars: Sequence[str] | None) -> dict[str, float]:
    """``{"min_bleu": 25.0}`` from ``["min_bleu=25"]`` (the ``--bar`` values); InputError for a malformed one."""
    out: dict[str, float] = {}
    for item in bars or ():
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--bar {item!r}: give KEY=VALUE, e.g. min_bleu=25")
        try:
            out[key] = float(value)
        except ValueError:
            raise InputError(f"--bar {item!r}: {value.strip()!r} is not a number") from None
    return out


def build_jobs(
    *,
    corpus: str | None = None,
    ref: Path | None = None,
    src: Path | None = None,
    hyp: Path | None = None,
    model: str | None = None,
    engine: str | None = None,
    engine_options: Mapping[str, str] | None = None,
    source_lang: str = "ko",
    target_lang: str = "en",
    glossaries: Sequence[Path] = (),
    tokenize: str | None = None,
    metrics: str | Sequence[str] | None = None,
    gate: GateConfig | str | Path | None = None,
    baseline: Path | None = None,
    write_baseline: bool = False,
    bars: Mapping[str, float] | None = None,
) -> list[EvalJob]:
    """The jobs of one evaluation, or InputError for options that do not fit together.

    With ``ref`` (a plain reference file, no corpus): one job scoring ``hyp``
    or translating ``src`` with ``model``; ``src`` is optional for ``hyp``
    (its line count is checked when given) and needed for ``model`` and
    glossaries. ``bars`` (``min_bleu`` ... as in a gate file, no ``max_drop_``)
    gate a single ``corpus`` or ``ref`` job; they do not go with ``gate``.

    With ``corpus``: one job, scoring ``hyp`` or translating with ``model``
    (exactly one of them); a ``gate`` gives it the gate's check for that corpus
    and direction (and that check's glossaries when none are given). Without
    ``corpus``: one job per check of ``gate``, with ``glossaries`` added to each
    check's own. ``metrics`` (None: every metric, or each check's own) must keep
    every metric that a gate bar is on; ``write_baseline`` needs exactly one job.
    """
    from bilingual.text.language import check_direction
    from bilingual.translation.files import check_engine

    chosen = parse_metrics(metrics)
    check_engine(engine)
    options = dict(engine_options or {})
    gate_config = load_gate(gate) if gate is not None and not isinstance(gate, GateConfig) else gate
    extra = tuple(Path(g) for g in glossaries)
    jobs: list[EvalJob] = []
    if bars and gate_config is not None:
        raise InputError("give bars in the gate file or with --bar, not both")
    if src is not None and ref is None:
        raise InputError("--src needs --ref (the reference file to score against)")
    if ref is not None:
        if corpus is not None:
            raise InputError("give --corpus or --ref, not both")
        if gate_config is not None:
            raise InputError("--gate checks name corpora; with --ref give bars with --bar (e.g. --bar min_bleu=25)")
        if (hyp is None) == (model is None):
            raise InputError("give exactly one of --hyp and --model")
        if model is not None and src is None:
            raise InputError("--model with --ref needs --src: the file to translate")
        if extra and src is None:
            raise InputError("--glossary with --ref needs --src: terms are found in the source")
        check_direction(source_lang, target_lang)
        entry = (
            bars_entry(dict(bars), corpus=str(ref), source_lang=source_lang, target_lang=target_lang, glossaries=extra)
            if bars
            else None
        )
        jobs.append(EvalJob(
            str(ref), source_lang, target_lang, hyp=hyp, model=model, engine=engine, engine_options=options,
            glossaries=extra, tokenize=tokenize, metrics=chosen or METRICS, gate_entry=entry,
            ref_file=Path(ref), src_file=Path(src) if src is not None else None,
        ))  # fmt: skip
    elif corpus is None:
        if gate_config is None:
            raise InputError(
                "give --corpus with --hyp or --model, or --gate FILE to run its checks "
                "(or --ref FILE with --hyp or --model to score plain files)"
            )
        if bars:
            raise InputError("--bar needs --corpus or --ref")
        if hyp is not None or model is not None or baseline is not None:
            raise InputError("--hyp, --model and --baseline need --corpus")
        for entry in gate_config.entries:
            if entry.hyp is None and entry.model is None:
                raise InputError(f"{gate_config.path}: check {entry.name} has neither hyp nor model to score")
            check_engine(entry.engine)
            jobs.append(EvalJob(
                entry.corpus, entry.source_lang, entry.target_lang, hyp=entry.hyp, model=entry.model,
                engine=entry.engine, engine_options=options, glossaries=(*entry.glossaries, *extra),
                tokenize=entry.tokenize or tokenize, metrics=chosen or entry.metrics, gate_entry=entry,
            ))  # fmt: skip
    else:
        if (hyp is None) == (model is None):
            raise InputError("give exactly one of --hyp and --model")
        check_direction(source_lang, target_lang)
        entry = gate_config.find(Path(corpus).name, source_lang, target_lang) if gate_config is not None else None
        if bars:
            entry = bars_entry(dict(bars), corpus=corpus, source_lang=source_lang, target_lang=target_lang, glossaries=extra)
        jobs.append(EvalJob(
            corpus, source_lang, target_lang, hyp=hyp, model=model, engine=engine, engine_options=options,
            glossaries=extra or (entry.glossaries if entry is not None else ()), tokenize=tokenize,
            metrics=chosen or METRICS, gate_entry=entry,
        ))  # fmt: skip
    if write_baseline and len(jobs) != 1:
        raise InputError("--write-baseline needs a single run (--corpus)")
    for job in jobs:
        if job.gate_entry is not None:
            e = job.gate_entry
            missing = sorted({*e.mins, *e.maxs, *e.max_drops} - {"term_success_rate"} - set(job.metrics))
            if missing:
                raise InputError(f"the gate has bars on {', '.join(missing)}, which --metrics leaves out")
    return jobs


def translate_corpus(
    model: str,
    sources: Sequence[str],
    *,
    source_lang: str,
    target_lang: str,
    engine: str | None = None,
    engine_options: Mapping[str, str] | None = None,
    glossary: Glossary | None = None,
) -> list[str]:
    """The corpus's source segments translated one by one with ``model`` (enforcing ``glossary`` if given)."""
    from bilingual.translation.files import load_translator

    translator = load_translator(
        model, source_lang=source_lang, target_lang=target_lang, glossary=glossary, engine=engine,
        engine_options=engine_options,
    )  # fmt: skip
    outputs = translator.translate_texts(list(sources))
    if len(outputs) != len(sources):
        raise InputError(f"the model returned {len(outputs)} translations for {len(sources)} segments")
    return outputs


def run_jobs(
    jobs: Sequence[EvalJob],
    *,
    baseline: Path | None = None,
    enforce: bool = False,
    samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    trials: int = DEFAULT_AR_TRIALS,
    seed: int | None = DEFAULT_SEED,
    worst: int = 10,
    on_glossary: Callable[[Glossary], None] | None = None,
) -> EvalResults:
    """Score every job: read (or, for a model job, produce) its hypotheses, compare with ``baseline``
    output when given, and check the job's gate entry.

    ``enforce`` makes a model job enforce its glossaries while translating;
    ``on_glossary`` is called with each job's combined glossary as it is loaded.
    """
    from bilingual.corpus.folder import load_corpus
    from bilingual.evaluation.gate import check_entry
    from bilingual.evaluation.plain import plain_corpus, read_plain_hypotheses
    from bilingual.evaluation.run import evaluate_run, read_hypotheses
    from bilingual.text.language import check_direction

    runs = []
    for job in jobs:
        src, tgt = check_direction(job.source_lang, job.target_lang)
        if job.ref_file is not None:
            loaded = plain_corpus(job.ref_file, job.src_file, source_lang=src, target_lang=tgt)
        else:
            loaded = load_corpus(job.corpus)
        gloss = None
        if job.glossaries:
            from bilingual.glossary import load_glossaries

            gloss = load_glossaries(list(job.glossaries))
            if on_glossary is not None:
                on_glossary(gloss)
        if job.hyp is not None and job.ref_file is not None:
            hyps = read_plain_hypotheses(job.hyp, loaded)
        elif job.hyp is not None:
            hyps = read_hypotheses(job.hyp, loaded, src, tgt)
        else:
            hyps = translate_corpus(
                job.model, loaded.side(src), source_lang=src, target_lang=tgt, engine=job.engine,
                engine_options=job.engine_options, glossary=gloss if enforce else None,
            )  # fmt: skip
            hyps = [one_line(h) for h in hyps]  # scored exactly as --save-hyp writes them
        if baseline is None:
            base_hyps = None
        elif job.ref_file is not None:
            base_hyps = read_plain_hypotheses(baseline, loaded, "--baseline")
        else:
            base_hyps = read_hypotheses(baseline, loaded, src, tgt)
        run = evaluate_run(
            loaded, hyps, source_lang=src, target_lang=tgt, system=job.system, tokenize=job.tokenize, glossary=gloss,
            baseline_hyps=base_hyps, baseline_system=str(baseline) if baseline else None,
            n_samples=samples, n_trials=trials, seed=seed, n_worst=worst, metrics=job.metrics,
        )  # fmt: skip
        if job.gate_entry is not None:
            run.gate = check_entry(job.gate_entry, run.values(), dict(run.scores.signatures))
        runs.append(run)
    return EvalResults(runs)


def run_gate(
    gate: GateConfig | str | Path,
    *,
    glossaries: Sequence[Path] = (),
    tokenize: str | None = None,
    metrics: str | Sequence[str] | None = None,
    engine_options: Mapping[str, str] | None = None,
    **run_options,
) -> EvalResults:
    """Every check of a gate file, scored and checked (``run_options`` as for :func:`run_jobs`)."""
    jobs = build_jobs(gate=gate, glossaries=glossaries, tokenize=tokenize, metrics=metrics, engine_options=engine_options)
    return run_jobs(jobs, **run_options)


def check_output_paths(
    jobs: Sequence[EvalJob],
    outputs: Sequence[tuple[str, object]],
    *,
    gate: str | Path | None = None,
    baseline: Path | None = None,
) -> None:
    """OutputError, before anything is scored, for an output (``--json``, ``--markdown``, ``--html``,
    ``--write-baseline``, ``--save-hyp``) that is an input of ``jobs`` (a hypothesis file or a file in a hypothesis
    folder, a glossary, a corpus file or a ``--ref``/``--src`` file, a gate file and its baselines, the ``--baseline`` output) or
    another output; ``outputs`` are ``(option, path)`` pairs ("-" is stdout)."""
    from bilingual.corpus.folder import resolve_corpus
    from bilingual.outputs import check_outputs

    inputs: list[tuple[str, object]] = [("the gate file", gate), ("--baseline", baseline)]
    for job in jobs:
        inputs += [("the hypothesis", job.hyp), *(("the glossary", g) for g in job.glossaries)]
        if job.ref_file is not None:
            inputs += [("--ref", job.ref_file), ("--src", job.src_file)]
        else:
            inputs.append(("the corpus", resolve_corpus(job.corpus)))
        if job.gate_entry is not None:
            inputs += [("the gate's hypothesis", job.gate_entry.hyp), ("the gate's baseline", job.gate_entry.baseline)]
    check_outputs(inputs, outputs)


def write_baseline(path: Path, run: EvalRun, glossaries: Sequence[Path] = ()) -> dict:
    """Store ``run``'s scores (those computed) with their signatures and glossaries as baseline JSON; returns it."""
    from bilingual.evaluation.gate import baseline_document

    doc = baseline_document(
        corpus=run.corpus.name, source_lang=run.source_lang, target_lang=run.target_lang, system=run.system,
        segments=len(run.hyps), scores=run.values(), signatures=dict(run.scores.signatures), glossaries=list(glossaries),
    )  # fmt: skip
    doc["scores"] = {k: v for k, v in doc["scores"].items() if v is not None}
    write_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n", what="baseline")
    return doc


def one_line(text: str) -> str:
    """A translation as one line of a hypothesis file: a line break inside it becomes a space and
    trailing whitespace goes (as sacrebleu and ``--hyp`` read the line back)."""
    if "\n" in text or "\r" in text:
        text = " ".join(part.strip() for part in text.splitlines())
    return text.rstrip()


def write_hypotheses(path: Path, run: EvalRun) -> Path:
    """Write ``run``'s hypotheses, one a line in corpus (or reference) order: a file ``--hyp`` and ``--baseline`` read."""
    return write_atomic(path, "".join(f"{h}\n" for h in run.hyps), what="--save-hyp")


__all__ = [
    "EvalJob",
    "EvalResults",
    "build_jobs",
    "check_output_paths",
    "one_line",
    "parse_bars",
    "parse_metrics",
    "run_gate",
    "run_jobs",
    "translate_corpus",
    "write_baseline",
    "write_hypotheses",
]
