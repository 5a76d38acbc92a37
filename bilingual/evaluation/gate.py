"""The CI quality gate: bars per corpus in ``eval/gate.toml``, stored baselines, pass/fail.

A gate file is a list of checks, one per corpus and direction::

    [[check]]
    corpus = "ntrex128"            # a corpus name or folder (bilingual.corpus.folder)
    from = "ko"                    # default ko
    to = "en"                      # default en
    hyp = "../tests/data/system-outputs/kor-eng/ntrex128/x.txt"   # what `--gate` alone scores
    # model = "gemma3-270m"        # ... or translate the corpus with a model instead
    # glossary = ["../glossaries/names.tsv"]   # needed by *_term_success_rate bars
    # metrics = ["bleu", "chrf++"]  # what to compute; default all four (TER is the slow one)
    baseline = "baselines/ntrex128.ko-en.json"
    min_bleu = 25.0
    "min_chrf++" = 51.0
    max_ter = 70.0
    min_term_success_rate = 0.9
    max_drop_bleu = 0.5            # baseline minus this run, in metric points
    "max_drop_chrf++" = 0.5

Paths are relative to the gate file. Every bar and every stored baseline
score is a finite number (NaN or infinity is a GateConfigError, exit 2, not a
failed gate). Bars are ``min_<metric>`` for metrics
where higher is better (``bleu``, ``chrf``, ``chrf++``,
``term_success_rate``), ``max_<metric>`` for TER, and ``max_drop_<metric>``
for any of them against the baseline (for TER a drop is an increase). Any
other key is a :class:`~bilingual.errors.GateConfigError`; a bar that does
not hold makes :func:`check_entry` report it and the CLI raise
:class:`~bilingual.errors.GateFailed` (exit 1) naming the metric, the value
and the bar.

A baseline file (JSON) stores the scores with their sacrebleu signatures;
the gate refuses to compare numbers made with different settings.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bilingual.errors import GateConfigError
from bilingual.text.language import check_direction

GATE_METRICS = ("bleu", "chrf", "chrf++", "ter", "term_success_rate")
LOWER_IS_BETTER = frozenset({"ter"})
_ENTRY_KEYS = {"corpus", "from", "to", "hyp", "model", "engine", "glossary", "baseline", "name", "tokenize", "metrics"}
SCORED_METRICS = ("bleu", "chrf", "chrf++", "ter")


@dataclass(frozen=True)
class GateEntry:
    corpus: str
    source_lang: str
    target_lang: str
    name: str
    hyp: Path | None = None
    model: str | None = None
    engine: str | None = None
    glossaries: tuple[Path, ...] = ()
    baseline: Path | None = None
    tokenize: str | None = None
    metrics: tuple[str, ...] = SCORED_METRICS  # what to compute (TER is the slow one)
    mins: dict[str, float] = field(default_factory=dict)
    maxs: dict[str, float] = field(default_factory=dict)
    max_drops: dict[str, float] = field(default_factory=dict)

    @property
    def needs_terms(self) -> bool:
        return "term_success_rate" in self.mins or "term_success_rate" in self.max_drops


@dataclass(frozen=True)
class GateConfig:
    path: Path
    entries: tuple[GateEntry, ...]

    def find(self, corpus: str, source_lang: str, target_lang: str) -> GateEntry:
        for entry in self.entries:
            if _corpus_key(entry.corpus) == _corpus_key(corpus) and (
                entry.source_lang,
                entry.target_lang,
            ) == (source_lang, target_lang):
                return entry
        raise GateConfigError(f"{self.path}: no [[check]] for corpus {corpus} {source_lang}->{target_lang}")


def _corpus_key(corpus: str) -> str:
    return Path(corpus).name


def _number(value: Any, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GateConfigError(f"{where}: {key} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise GateConfigError(f"{where}: {key} must be a finite number, not {value!r}")
    if value < 0:
        raise GateConfigError(f"{where}: {key} must not be negative")
    return float(value)


def _parse_bar(key: str, where: str) -> tuple[str, str] | None:
    """``(prefix, metric)`` of a bar key such as ``min_bleu``; None for a key that is not a bar."""
    for prefix in ("max_drop_", "min_", "max_"):
        if key.startswith(prefix):
            metric = key[len(prefix) :]
            if metric not in GATE_METRICS:
                raise GateConfigError(f"{where}: unknown metric {metric!r} in {key!r}; metrics: {', '.join(GATE_METRICS)}")
            if prefix == "min_" and metric in LOWER_IS_BETTER:
                raise GateConfigError(f"{where}: {key}: lower {metric} is better, use max_{metric}")
            if prefix == "max_" and metric not in LOWER_IS_BETTER:
                raise GateConfigError(f"{where}: {key}: higher {metric} is better, use min_{metric}")
            return prefix, metric
    return None


def bars_entry(
    bars: dict[str, float], *, corpus: str, source_lang: str, target_lang: str, glossaries: tuple[Path, ...] = ()
) -> GateEntry:
    """A gate entry from bars given on the command line (``--bar min_bleu=25``), checked as a gate file's.

    Only ``min_<metric>`` and ``max_<metric>`` bars: a ``max_drop_`` bar needs a
    stored baseline, which only a gate file names.
    """
    where = "--bar"
    mins: dict[str, float] = {}
    maxs: dict[str, float] = {}
    for key, value in bars.items():
        parsed = _parse_bar(key, where)
        if parsed is None:
            raise GateConfigError(f"--bar {key}: not a bar; give min_<metric>=N or max_ter=N")
        prefix, metric = parsed
        if prefix == "max_drop_":
            raise GateConfigError(f"--bar {key}: max_drop_ bars need a stored baseline; put them in a gate file")
        (mins if prefix == "min_" else maxs)[metric] = _number(value, key, where)
    if "term_success_rate" in mins and not glossaries:
        raise GateConfigError("--bar min_term_success_rate needs --glossary")
    return GateEntry(
        corpus=corpus,
        source_lang=source_lang,
        target_lang=target_lang,
        name=f"{_corpus_key(corpus)} {source_lang}->{target_lang}",
        glossaries=glossaries,
        mins=mins,
        maxs=maxs,
    )


def _parse_entry(raw: Any, index: int, path: Path) -> GateEntry:
    where = f"{path} [[check]] #{index + 1}"
    if not isinstance(raw, dict):
        raise GateConfigError(f"{where}: not a table")
    corpus = raw.get("corpus")
    if not isinstance(corpus, str) or not corpus:
        raise GateConfigError(f"{where}: 'corpus' is required")
    where = f"{path} [[check]] {corpus}"
    mins: dict[str, float] = {}
    maxs: dict[str, float] = {}
    drops: dict[str, float] = {}
    for key, value in raw.items():
        if key in _ENTRY_KEYS:
            continue
        parsed = _parse_bar(key, where)
        if parsed is None:
            raise GateConfigError(
                f"{where}: unknown key {key!r} (known: {', '.join(sorted(_ENTRY_KEYS))}, "
                "min_<metric>, max_<metric>, max_drop_<metric>)"
            )
        prefix, metric = parsed
        {"max_drop_": drops, "min_": mins, "max_": maxs}[prefix][metric] = _number(value, key, where)
    src, tgt = raw.get("from", "ko"), raw.get("to", "en")
    check_direction(src, tgt, error=GateConfigError, where=where)
    for key in ("hyp", "model", "engine", "baseline", "name", "tokenize"):
        if key in raw and not isinstance(raw[key], str):
            raise GateConfigError(f"{where}: {key} must be a string")
    if "hyp" in raw and "model" in raw:
        raise GateConfigError(f"{where}: give hyp or model, not both")
    glossary = raw.get("glossary", [])
    if isinstance(glossary, str):
        glossary = [glossary]
    if not isinstance(glossary, list) or not all(isinstance(g, str) for g in glossary):
        raise GateConfigError(f"{where}: glossary must be a path or a list of paths")
    metrics = raw.get("metrics", list(SCORED_METRICS))
    if not isinstance(metrics, list) or not metrics or not all(isinstance(m, str) for m in metrics):
        raise GateConfigError(f"{where}: metrics must be a list of metric names")
    for m in metrics:
        if m not in SCORED_METRICS:
            raise GateConfigError(f"{where}: unknown metric {m!r} in metrics; metrics: {', '.join(SCORED_METRICS)}")
    for m in [*mins, *maxs, *drops]:
        if m in SCORED_METRICS and m not in metrics:
            raise GateConfigError(f"{where}: a bar on {m} needs {m!r} in metrics")
    if drops and "baseline" not in raw:
        raise GateConfigError(f"{where}: max_drop_* bars need a baseline file")
    base = path.parent
    entry = GateEntry(
        corpus=corpus,
        source_lang=src,
        target_lang=tgt,
        name=raw.get("name") or f"{_corpus_key(corpus)} {src}->{tgt}",
        hyp=base / raw["hyp"] if "hyp" in raw else None,
        model=raw.get("model"),
        engine=raw.get("engine"),
        glossaries=tuple(base / g for g in glossary),
        baseline=base / raw["baseline"] if "baseline" in raw else None,
        tokenize=raw.get("tokenize"),
        metrics=tuple(metrics),
        mins=mins,
        maxs=maxs,
        max_drops=drops,
    )
    if entry.needs_terms and not entry.glossaries:
        raise GateConfigError(f"{where}: a term_success_rate bar needs a glossary")
    if not (mins or maxs or drops):
        raise GateConfigError(f"{where}: no bars (min_*, max_*, max_drop_*)")
    return entry


def load_gate(path: str | Path) -> GateConfig:
    """Read and check a gate file (every key known, every bar a number)."""
    path = Path(path)
    if not path.is_file():
        raise GateConfigError(f"gate file {path} not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GateConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise GateConfigError(f"{path}: not a gate file: TOML nested too deeply") from None
    unknown = sorted(set(data) - {"check"})
    if unknown:
        raise GateConfigError(f"{path}: unknown top-level key(s) {', '.join(unknown)}; checks go in [[check]] tables")
    raw = data.get("check")
    if not isinstance(raw, list) or not raw:
        raise GateConfigError(f"{path}: no [[check]] tables")
    entries = tuple(_parse_entry(item, i, path) for i, item in enumerate(raw))
    seen = set()
    for e in entries:
        key = (_corpus_key(e.corpus), e.source_lang, e.target_lang)
        if key in seen:
            raise GateConfigError(f"{path}: two checks for {e.corpus} {e.source_lang}->{e.target_lang}")
        seen.add(key)
    return GateConfig(path, entries)


# --------------------------------------------------------------------------- baselines


@dataclass(frozen=True)
class Baseline:
    path: Path
    scores: dict[str, float]
    signatures: dict[str, str]
    system: str = ""


def load_baseline(path: str | Path) -> Baseline:
    path = Path(path)
    if not path.is_file():
        raise GateConfigError(f"baseline file {path} not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GateConfigError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise GateConfigError(f"{path}: not a baseline: JSON nested too deeply") from None
    scores = data.get("scores") if isinstance(data, dict) else None
    sigs = data.get("signatures", {}) if isinstance(data, dict) else None
    if not isinstance(scores, dict) or not isinstance(sigs, dict):
        raise GateConfigError(f"{path}: a baseline needs 'scores' and 'signatures' objects")
    for k, v in scores.items():
        if k not in GATE_METRICS:
            raise GateConfigError(f"{path}: unknown metric {k!r} in scores")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise GateConfigError(f"{path}: score {k} must be a finite number, not {v!r}")
    return Baseline(path, {k: float(v) for k, v in scores.items()}, dict(sigs), str(data.get("system", "")))


def baseline_document(
    *,
    corpus: str,
    source_lang: str,
    target_lang: str,
    system: str,
    segments: int,
    scores: dict[str, float],
    signatures: dict[str, str],
    glossaries: list[Path] | None = None,
) -> dict[str, Any]:
    """What ``--write-baseline`` stores: the numbers next to how they were made.

    The glossaries behind a term success rate are recorded by path and
    SHA-256 (for people reading the baseline; the gate does not refuse a
    changed glossary, whose edits are expected).
    """
    import hashlib

    doc: dict[str, Any] = {
        "corpus": corpus,
        "from": source_lang,
        "to": target_lang,
        "system": system,
        "segments": segments,
        "scores": scores,
        "signatures": signatures,
    }
    if glossaries:
        doc["glossaries"] = [
            {"path": str(g), "sha256": hashlib.sha256(Path(g).read_bytes()).hexdigest()} for g in glossaries
        ]
    return doc


def _sig_fields(signature: str) -> dict[str, str]:
    out = {}
    for part in signature.split("|"):
        key, _, value = part.partition(":")
        out[key] = value
    return out


def check_signatures(baseline: Baseline, signatures: dict[str, str]) -> None:
    """Refuse to compare scores made with different settings (a sacrebleu version change is allowed)."""
    for metric, stored in baseline.signatures.items():
        current = signatures.get(metric)
        if current is None:
            continue
        a = {k: v for k, v in _sig_fields(stored).items() if k != "version"}
        b = {k: v for k, v in _sig_fields(current).items() if k != "version"}
        if a != b:
            raise GateConfigError(
                f"baseline {baseline.path}: {metric} was scored as {stored}, this run as {current}; "
                "re-create the baseline with the same settings"
            )


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class BarCheck:
    metric: str
    kind: str  # min | max | max_drop
    bar: float
    value: float | None  # the run's value (for max_drop: the drop)
    passed: bool
    baseline: float | None = None
    current: float | None = None

    def describe(self) -> str:
        d = 4 if self.metric == "term_success_rate" else 2  # a 0-1 share vs. metric points
        if self.value is None:
            return f"{self.metric}: no value (bar {self.kind} {self.bar:g})"
        if self.kind == "min":
            rel = ">=" if self.passed else "<"
            return f"{self.metric} {self.value:.{d}f} {rel} min {self.bar:g}"
        if self.kind == "max":
            rel = "<=" if self.passed else ">"
            return f"{self.metric} {self.value:.{d}f} {rel} max {self.bar:g}"
        rel = "<=" if self.passed else ">"
        half = 0.5 * 10**-d
        if self.value < half:
            change = f"improved by {-self.value:.{d}f}" if self.value <= -half else "did not change"
        else:
            change = f"{'rose' if self.metric in LOWER_IS_BETTER else 'dropped'} {self.value:.{d}f}"
        return (
            f"{self.metric} {change} from baseline {self.baseline:.{d}f} to {self.current:.{d}f} "
            f"({rel} max drop {self.bar:g})"
        )


@dataclass(frozen=True)
class GateResult:
    entry: GateEntry
    checks: tuple[BarCheck, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[BarCheck]:
        return [c for c in self.checks if not c.passed]


def check_entry(entry: GateEntry, values: dict[str, float | None], signatures: dict[str, str]) -> GateResult:
    """Every bar of ``entry`` against a run's values (``term_success_rate`` as a 0-1 share)."""
    checks: list[BarCheck] = []
    for metric, bar in entry.mins.items():
        v = values.get(metric)
        checks.append(BarCheck(metric, "min", bar, v, v is not None and v >= bar))
    for metric, bar in entry.maxs.items():
        v = values.get(metric)
        checks.append(BarCheck(metric, "max", bar, v, v is not None and v <= bar))
    if entry.max_drops:
        baseline = load_baseline(entry.baseline)  # type: ignore[arg-type]
        check_signatures(baseline, signatures)
        for metric, bar in entry.max_drops.items():
            base = baseline.scores.get(metric)
            if base is None:
                raise GateConfigError(f"baseline {baseline.path} has no {metric} score for max_drop_{metric}")
            v = values.get(metric)
            if v is None:
                checks.append(BarCheck(metric, "max_drop", bar, None, False, base, None))
                continue
            drop = v - base if metric in LOWER_IS_BETTER else base - v
            checks.append(BarCheck(metric, "max_drop", bar, drop, drop <= bar + 1e-9, base, v))
    return GateResult(entry, tuple(checks))


def failure_message(results: list[GateResult]) -> str:
    parts = []
    for r in results:
        if r.failures:
            parts.append(f"{r.entry.name}: " + "; ".join(c.describe() for c in r.failures))
    return "quality gate failed: " + " | ".join(parts)


__all__ = [
    "GATE_METRICS",
    "BarCheck",
    "Baseline",
    "GateConfig",
    "GateEntry",
    "GateResult",
    "baseline_document",
    "bars_entry",
    "check_entry",
    "check_signatures",
    "failure_message",
    "load_baseline",
    "load_gate",
]
