"""Reports of evaluation runs: JSON (for scripts), Markdown (CI job summary), terminal lines.

Each carries the sacrebleu signatures next to the numbers. The HTML page is
made by :mod:`bilingual.evaluation.html_report`; :func:`write_reports` writes
any of the three.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bilingual.evaluation.run import EvalRun

METRIC_LABELS = {"bleu": "BLEU", "chrf": "chrF", "chrf++": "chrF++", "ter": "TER"}
CHART_METRIC = "chrf++"
TOP_MISSED = 20
ARROW = "\u2192"


def direction_label(run: EvalRun) -> str:
    return f"{run.source_lang}{ARROW}{run.target_lang}"


def size_label(run: EvalRun) -> str:
    if run.corpus.info.granularity == "sentence":
        return f"{len(run.hyps)} segments (a sentence-level set)"
    n = len(run.articles)
    return f"{len(run.hyps)} segments in {n} article{'s' if n != 1 else ''}"


# --------------------------------------------------------------------------- JSON


def run_to_dict(run: EvalRun) -> dict[str, Any]:
    """One run as a JSON-ready dict; metric keys hold sacrebleu's numbers unrounded."""
    out: dict[str, Any] = {
        "corpus": run.corpus.name,
        "from": run.source_lang,
        "to": run.target_lang,
        "system": run.system,
        "segments": len(run.hyps),
        "primary": run.scores.primary,
        **dict(run.scores.values),
        "signatures": dict(run.scores.signatures),
        "tokenize": run.scores.tokenize,
        "articles": [
            {"id": a.id, "segments": a.n_segments, **dict(a.values)} for a in run.articles
        ],
        "worst_segments": [
            {
                "index": w.index,
                "article": w.article_id,
                "article_index": w.article_index,
                w.metric: w.score,
                "source": w.source,
                "hypothesis": w.hypothesis,
                "reference": w.reference,
            }
            for w in run.worst
        ],
    }
    if run.terms is not None:
        out["term_success_rate"] = run.terms.rate
        out["terms"] = {
            "found": run.terms.total,
            "matched": run.terms.matched,
            "missed": [
                {
                    "index": c.segment,
                    "article": c.article_id,
                    "source_form": c.source_form,
                    "expected": c.expected,
                    "hypothesis": run.hyps[c.segment],
                }
                for c in run.terms.missed
            ],
        }
    if run.baseline_scores is not None:
        out["baseline"] = {"system": run.baseline_system, **dict(run.baseline_scores.values)}
    if run.significance is not None:
        out["significance"] = {
            method: {metric: r.as_dict() for metric, r in results.items()}
            for method, results in run.significance.items()
        }
    if run.gate is not None:
        out["gate"] = {
            "name": run.gate.entry.name,
            "passed": run.gate.passed,
            "checks": [
                {
                    "metric": c.metric,
                    "kind": c.kind,
                    "bar": c.bar,
                    "value": c.value,
                    "baseline": c.baseline,
                    "passed": c.passed,
                    "text": c.describe(),
                }
                for c in run.gate.checks
            ],
        }
    return out


def report_json(runs: Sequence[EvalRun]) -> dict[str, Any]:
    """One run: its object (the scripts' contract). Several (a gate file): ``{"passed", "runs"}``."""
    if len(runs) == 1:
        return run_to_dict(runs[0])
    return {
        "passed": all(r.gate is None or r.gate.passed for r in runs),
        "runs": [run_to_dict(r) for r in runs],
    }


def missed_by_term(terms) -> list[tuple[tuple[str, str], list]]:
    """Missed term checks grouped by (expected, source form), most frequent first."""
    groups: dict[tuple[str, str], list] = {}
    for c in terms.missed:
        groups.setdefault((c.expected, c.source_form), []).append(c)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


# --------------------------------------------------------------------------- Markdown


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _run_markdown(run: EvalRun) -> list[str]:
    lines = [
        f"## {run.corpus.name} {direction_label(run)}: {run.system or 'hypotheses'}",
        "",
        f"{size_label(run)}. "
        f"Primary figure: {METRIC_LABELS[run.scores.primary]}.",
        "",
    ]
    has_base = run.baseline_scores is not None
    header = "| metric | score |" + (" baseline | difference | 95% CI | p (bootstrap) | p (AR) |" if has_base else "")
    lines += [header, "|---|---:|" + ("---:|---:|---|---:|---:|" if has_base else "")]
    for name, label in METRIC_LABELS.items():
        if name not in run.scores.values:
            continue
        row = f"| {label} | {_fmt(run.scores.values[name])} |"
        if has_base and run.significance:
            bs = run.significance["paired-bootstrap"][name]
            ar = run.significance["approximate-randomization"][name]
            row += (
                f" {_fmt(bs.baseline)} | {bs.difference:+.2f} | [{bs.ci_low:+.2f}, {bs.ci_high:+.2f}] |"
                f" {bs.p_value:.4f} | {ar.p_value:.4f} |"
            )
        lines.append(row)
    if run.terms is not None:
        rate = "n/a (no glossary term in the sources)" if run.terms.rate is None else f"{run.terms.rate:.1%}"
        lines += ["", f"Term success rate: {rate} ({run.terms.matched} of {run.terms.total} glossary terms)."]
        groups = missed_by_term(run.terms)
        if groups:
            lines += ["", f"Most often missed ({len(groups)} distinct terms; every miss is in the JSON report):", ""]
        for (expected, source_form), checks in groups[:TOP_MISSED]:
            arts = sorted({c.article_id for c in checks})
            where = ", ".join(arts[:3]) + (" ..." if len(arts) > 3 else "")
            lines.append(f"- `{expected}` for {source_form}: {len(checks)}x ({where})")
    lines += ["", "Signatures (sacrebleu):", ""]
    for name, sig in run.scores.signatures.items():
        lines.append(f"- {METRIC_LABELS.get(name, name)}: `{sig}`")
    if run.gate is not None:
        verdict = "PASSED" if run.gate.passed else "FAILED"
        lines += ["", f"Quality gate ({run.gate.entry.name}): **{verdict}**", ""]
        for c in run.gate.checks:
            lines.append(f"- {'ok  ' if c.passed else 'FAIL'} {c.describe()}")
    if len(run.articles) > 1:
        cm = chart_metric(run)
        sign = -1 if cm == "ter" else 1
        worst_articles = sorted(run.articles, key=lambda a: sign * a.values.get(cm, 0.0))[:10]
        lines += [
            "",
            f"Lowest {len(worst_articles)} of {len(run.articles)} articles by {METRIC_LABELS[cm]} "
            "(all articles are in the JSON and HTML reports):",
            "",
            "| article | segments | BLEU | chrF++ | TER |",
            "|---|---:|---:|---:|---:|",
        ]
        for a in worst_articles:
            lines.append(
                f"| {_md_escape(a.id)} | {a.n_segments} | {_fmt(a.values.get('bleu'))} | "
                f"{_fmt(a.values.get('chrf++'))} | {_fmt(a.values.get('ter'))} |"
            )
    if run.worst:
        lines += ["", f"{len(run.worst)} worst segments by sentence {METRIC_LABELS[run.worst[0].metric]}:", ""]
        for k, w in enumerate(run.worst, start=1):
            lines += [
                f"{k}. {w.article_id} #{w.article_index + 1} ({METRIC_LABELS[w.metric]} {w.score:.1f})",
                f"   - source: {w.source}",
                f"   - output: {w.hypothesis}",
                f"   - reference: {w.reference}",
            ]
    return lines


def report_markdown(runs: Sequence[EvalRun]) -> str:
    """Markdown for a CI job summary; plain text stays readable (no HTML, short tables)."""
    lines = ["# bilingual eval", ""]
    gated = [r for r in runs if r.gate is not None]
    if gated:
        ok = all(r.gate.passed for r in gated)
        lines += [f"Quality gate: **{'PASSED' if ok else 'FAILED'}** ({len(gated)} check{'s' if len(gated) > 1 else ''})", ""]
    for run in runs:
        lines += _run_markdown(run) + [""]
    return "\n".join(lines).rstrip() + "\n"


def chart_metric(run: EvalRun) -> str:
    """chrF++ when it was computed (stable on short articles), else the first metric there is."""
    values = run.scores.values
    return next((m for m in (CHART_METRIC, "chrf", "bleu", "ter") if m in values), CHART_METRIC)


def summary_lines(runs: Sequence[EvalRun]) -> list[str]:
    """Short plain-text lines for the terminal."""
    out = []
    for r in runs:
        v = r.scores.values
        figures = "  ".join(f"{METRIC_LABELS[m]} {v[m]:.2f}" for m in METRIC_LABELS if m in v)
        line = f"{r.corpus.name} {direction_label(r)}  {figures}  ({len(r.hyps)} segments)"
        if r.terms is not None and r.terms.rate is not None:
            line += f"  terms {r.terms.rate:.1%}"
        out.append(line)
        if r.significance is not None:
            for name, res in r.significance["paired-bootstrap"].items():
                out.append(
                    f"  vs baseline {METRIC_LABELS[name]}: {res.difference:+.2f} "
                    f"[{res.ci_low:+.2f}, {res.ci_high:+.2f}] p={res.p_value:.4f}"
                )
        if r.gate is not None:
            for c in r.gate.checks:
                out.append(f"  gate {'ok  ' if c.passed else 'FAIL'} {c.describe()}")
    return out


def write_reports(
    runs: Sequence[EvalRun],
    *,
    json_path: str | Path | None = None,
    markdown_path: Path | None = None,
    html_path: Path | None = None,
) -> None:
    """Write the JSON (``"-"``: to stdout), Markdown and HTML reports of ``runs`` that have a path, each atomically."""
    from bilingual.outputs import write_atomic

    if json_path is not None:
        text = json.dumps(report_json(runs), indent=2, ensure_ascii=False) + "\n"
        if str(json_path) == "-":
            sys.stdout.write(text)
        else:
            write_atomic(json_path, text, what="--json")
    if markdown_path is not None:
        write_atomic(markdown_path, report_markdown(runs), what="--markdown")
    if html_path is not None:
        from bilingual.evaluation.html_report import report_html

        write_atomic(html_path, report_html(runs), what="--html")


__all__ = ["chart_metric", "report_json", "report_markdown", "run_to_dict", "summary_lines", "write_reports"]
