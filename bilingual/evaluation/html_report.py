"""The HTML report of evaluation runs: one self-contained page.

Inline CSS and an inline SVG chart of per-article chrF++ (a histogram of
segment chrF++ for sentence-level corpora), the sacrebleu signatures next to
the numbers; no scripts, no external assets.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from bilingual.evaluation.report import (
    METRIC_LABELS,
    TOP_MISSED,
    chart_metric,
    direction_label,
    missed_by_term,
    size_label,
)
from bilingual.evaluation.run import EvalRun

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #1d2733; background: #fff; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #d5dbe3; }
table { border-collapse: collapse; margin: .6rem 0; }
th, td { border: 1px solid #d5dbe3; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
code { font-size: .85em; background: #f2f4f7; padding: 0 .2em; }
.pass { color: #146c2e; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
.seg { margin: .4rem 0 .9rem; } .seg div { margin-left: 1rem; }
figure { margin: 1rem 0; } figcaption { color: #566272; font-size: .9rem; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def svg_article_chart(run: EvalRun, metric: str | None = None) -> str:
    """Horizontal bars of ``metric`` per article (corpus order), with the corpus score as a line."""
    metric = metric or chart_metric(run)
    rows = run.articles
    base = {a.id: a.values.get(metric) for a in (run.baseline_articles or [])}
    label_w, bar_w, row_h, top, pad = 260, 560, 16, 30, 60
    width = label_w + bar_w + pad
    height = top + row_h * len(rows) + 30
    max_v = 100.0
    corpus_v = run.scores.values.get(metric, 0.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_e(METRIC_LABELS[metric])} per article">',
        f"<title>{_e(METRIC_LABELS[metric])} per article, {_e(run.corpus.name)} {_e(direction_label(run))}</title>",
    ]
    for tick in range(0, 101, 20):
        x = label_w + bar_w * tick / max_v
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 24}" stroke="#e3e7ec"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top - 10}" font-size="11" text-anchor="middle" fill="#566272">{tick}</text>'
        )
    for i, a in enumerate(rows):
        v = a.values.get(metric, 0.0)
        y = top + i * row_h
        w = bar_w * max(0.0, min(v, max_v)) / max_v
        colour = "#3b6fb6" if v >= corpus_v else "#d9822b"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + row_h - 4}" font-size="11" text-anchor="end" fill="#1d2733">'
            f"{_e(a.id[:40])}</text>"
        )
        parts.append(
            f'<rect class="bar" data-article="{_e(a.id)}" data-value="{v:.4f}" x="{label_w}" y="{y + 2}" '
            f'width="{w:.2f}" height="{row_h - 4}" fill="{colour}"><title>{_e(a.id)}: '
            f"{_e(METRIC_LABELS[metric])} {v:.2f} ({a.n_segments} segments)</title></rect>"
        )
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + row_h - 4}" font-size="10" fill="#566272">{v:.1f}</text>'
        )
        if a.id in base and base[a.id] is not None:
            bx = label_w + bar_w * max(0.0, min(base[a.id], max_v)) / max_v
            parts.append(
                f'<line class="baseline-mark" x1="{bx:.1f}" y1="{y + 1}" x2="{bx:.1f}" y2="{y + row_h - 1}" '
                f'stroke="#1d2733" stroke-width="2"/>'
            )
    cx = label_w + bar_w * max(0.0, min(corpus_v, max_v)) / max_v
    parts.append(
        f'<line class="corpus-line" x1="{cx:.1f}" y1="{top - 4}" x2="{cx:.1f}" y2="{height - 24}" '
        f'stroke="#b3261e" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text x="{cx:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#b3261e">'
        f"corpus {corpus_v:.2f}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def svg_segment_histogram(run: EvalRun, metric: str | None = None) -> str:
    """Histogram of sentence-level ``metric`` in bins of 10 points (sentence-level corpora)."""
    metric = metric or chart_metric(run)
    scores = run.stats.segment_scores(metric)
    bins = [0] * 10
    for s in scores:
        bins[min(9, max(0, int(s // 10)))] += 1
    width, height, left, top, bottom = 640, 300, 50, 20, 40
    plot_w, plot_h = width - left - 20, height - top - bottom
    peak = max(bins) or 1
    bw = plot_w / 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="segment {_e(METRIC_LABELS[metric])} histogram">',
        f"<title>Sentence-level {_e(METRIC_LABELS[metric])}, {_e(run.corpus.name)} {_e(direction_label(run))}</title>",
    ]
    for k, count in enumerate(bins):
        h = plot_h * count / peak
        x = left + k * bw
        parts.append(
            f'<rect class="bar" data-bin="{k * 10}-{k * 10 + 10}" data-value="{count}" x="{x + 2:.1f}" '
            f'y="{top + plot_h - h:.1f}" width="{bw - 4:.1f}" height="{h:.1f}" fill="#3b6fb6">'
            f"<title>{k * 10}-{k * 10 + 10}: {count} segments</title></rect>"
        )
        parts.append(
            f'<text x="{x + bw / 2:.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle">{k * 10}</text>'
        )
        parts.append(
            f'<text x="{x + bw / 2:.1f}" y="{top + plot_h - h - 4:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#566272">{count}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" font-size="11" text-anchor="middle">'
        f"sentence {_e(METRIC_LABELS[metric])}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _run_html(run: EvalRun) -> list[str]:
    out = [f"<section><h2>{_e(run.corpus.name)} {_e(direction_label(run))}: {_e(run.system or 'hypotheses')}</h2>"]
    out.append(
        f"<p>{_e(size_label(run))}; primary figure "
        f"{_e(METRIC_LABELS[run.scores.primary])}.</p>"
    )
    has_sig = run.significance is not None
    out.append("<table><tr><th>metric</th><th>score</th>" + (
        "<th>baseline</th><th>difference</th><th>95% CI</th><th>p (bootstrap)</th><th>p (AR)</th>" if has_sig else ""
    ) + "</tr>")
    for name, label in METRIC_LABELS.items():
        if name not in run.scores.values:
            continue
        row = f"<tr><td>{_e(label)}</td><td>{run.scores.values[name]:.2f}</td>"
        if has_sig:
            bs = run.significance["paired-bootstrap"][name]
            ar = run.significance["approximate-randomization"][name]
            row += (
                f"<td>{bs.baseline:.2f}</td><td>{bs.difference:+.2f}</td>"
                f"<td>[{bs.ci_low:+.2f}, {bs.ci_high:+.2f}]</td><td>{bs.p_value:.4f}</td><td>{ar.p_value:.4f}</td>"
            )
        out.append(row + "</tr>")
    out.append("</table>")
    out.append("<p>sacrebleu signatures:</p><ul>")
    for name, sig in run.scores.signatures.items():
        out.append(f"<li>{_e(METRIC_LABELS.get(name, name))}: <code>{_e(sig)}</code></li>")
    out.append("</ul>")
    if run.gate is not None:
        cls = "pass" if run.gate.passed else "fail"
        out.append(
            f'<p>Quality gate ({_e(run.gate.entry.name)}): <span class="{cls}">'
            f'{"PASSED" if run.gate.passed else "FAILED"}</span></p><ul>'
        )
        for c in run.gate.checks:
            out.append(f'<li class="{"pass" if c.passed else "fail"}">{_e(c.describe())}</li>')
        out.append("</ul>")
    if len(run.articles) > 1:
        label = METRIC_LABELS[chart_metric(run)]
        caption = f"{label} per article in corpus order; dashed line: corpus {label}; orange: below it"
        if run.baseline_articles:
            caption += "; black tick: baseline"
        out.append(f"<figure>{svg_article_chart(run)}<figcaption>{_e(caption)}</figcaption></figure>")
    else:
        out.append(
            f"<figure>{svg_segment_histogram(run)}<figcaption>Sentence-level {METRIC_LABELS[chart_metric(run)]} of the "
            f"{len(run.hyps)} segments</figcaption></figure>"
        )
    if run.terms is not None:
        rate = "n/a" if run.terms.rate is None else f"{run.terms.rate:.1%}"
        out.append(
            f"<h3>Glossary terms</h3><p>Term success rate: <strong>{rate}</strong> "
            f"({run.terms.matched} of {run.terms.total} terms found in the sources).</p>"
        )
        if run.terms.missed:
            groups = missed_by_term(run.terms)
            out.append(f"<p>Most often missed ({len(groups)} distinct terms):</p><table>")
            out.append("<tr><th>expected</th><th>source</th><th>misses</th><th>articles</th></tr>")
            for (expected, source_form), checks in groups[:TOP_MISSED]:
                arts = sorted({c.article_id for c in checks})
                out.append(
                    f"<tr><td><code>{_e(expected)}</code></td><td>{_e(source_form)}</td><td>{len(checks)}</td>"
                    f"<td>{_e(', '.join(arts[:3]) + (' ...' if len(arts) > 3 else ''))}</td></tr>"
                )
            out.append(f"</table><details><summary>all {len(run.terms.missed)} misses</summary><ul>")
            for c in run.terms.missed:
                out.append(
                    f"<li>missed <code>{_e(c.expected)}</code> for {_e(c.source_form)} in "
                    f"{_e(c.article_id)} (segment {c.segment + 1})</li>"
                )
            out.append("</ul></details>")
    if run.worst:
        out.append(f"<h3>{len(run.worst)} worst segments (sentence {METRIC_LABELS[run.worst[0].metric]})</h3>")
        for w in run.worst:
            out.append(
                f'<div class="seg"><strong>{_e(w.article_id)} #{w.article_index + 1}</strong> '
                f"{METRIC_LABELS[w.metric]} {w.score:.1f}<div>source: {_e(w.source)}</div><div>output: {_e(w.hypothesis)}</div>"
                f"<div>reference: {_e(w.reference)}</div></div>"
            )
    out.append("</section>")
    return out


def report_html(runs: Sequence[EvalRun]) -> str:
    """A self-contained HTML page (inline CSS and SVG only)."""
    title = "bilingual eval: " + ", ".join(f"{r.corpus.name} {direction_label(r)}" for r in runs)
    body = [f"<h1>{_e(title)}</h1>"]
    gated = [r for r in runs if r.gate is not None]
    if gated:
        ok = all(r.gate.passed for r in gated)
        body.append(f'<p>Quality gate: <span class="{"pass" if ok else "fail"}">{"PASSED" if ok else "FAILED"}</span></p>')
    for run in runs:
        body += _run_html(run)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


__all__ = ["report_html", "svg_article_chart", "svg_segment_histogram"]
