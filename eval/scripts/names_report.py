"""How often real Korean→English systems get NTREX-128's names wrong, and what ``glossary apply`` fixes.

For each published system output on NTREX-128 (ko→en): the glossary term
success rate (:func:`bilingual.evaluation.metrics.term_success`: each approved glossary term found
in a source segment, once per segment, succeeds when its English form is in the
output) before and after ``bilingual glossary apply`` with
``glossaries/ntrex128.tsv``; BLEU and chrF++ before and after with a paired
bootstrap test (1,000 resamples, seed 12345); and the ten most frequent misses
that remain, with why.

The glossary's wrong renderings were collected from these same three outputs,
so "after" is an in-sample figure. The held-out column repeats the measurement
with, for each system, only the wrong renderings that the *other two* systems
also produce (a rendering seen only in this system's output is dropped): what
the glossary would do for a system it was not built from.

Usage::

    python eval/scripts/names_report.py [--outputs DIR] [--glossary G] [--out eval/scripts/names_report.md]

DIR holds the three files of ``../shared/data/system-outputs/kor-eng/ntrex128``
(default: ``tests/data/system-outputs/kor-eng/ntrex128`` in the repository if it
exists, else ``../shared/data/system-outputs/kor-eng/ntrex128``).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import difflib
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SYSTEMS = {
    "Tatoeba-MT-models/opus-2021-02-18": "Tatoeba-MT-models__opus-2021-02-18.txt",
    "Tatoeba-MT-models/opusTCv20210807-sepvoc_transformer-big_2022-07-28": (
        "Tatoeba-MT-models__opusTCv20210807-sepvoc_transformer-big_2022-07-28.txt"
    ),
    "facebook/nllb-200-distilled-1.3B": "facebook__nllb-200-distilled-1.3B.txt",
}
DEFAULT_OUTPUTS = (
    REPO / "tests" / "data" / "system-outputs" / "kor-eng" / "ntrex128",
    REPO.parent / "shared" / "data" / "system-outputs" / "kor-eng" / "ntrex128",
)


def find_outputs(explicit: str | None) -> Path:
    candidates = [Path(explicit)] if explicit else list(DEFAULT_OUTPUTS)
    for folder in candidates:
        if all((folder / name).is_file() for name in SYSTEMS.values()):
            return folder
    sys.exit(f"error: no folder with the three NTREX-128 ko-en outputs among: {', '.join(map(str, candidates))}")


def held_out_glossary(glossary, system: str, sources, outputs):
    """The glossary with only the wrong renderings that some *other* system produces for that term."""
    from bilingual.glossary.match import find_surface, find_terms
    from bilingual.glossary.terms import Term

    others = [hyps for name, hyps in outputs.items() if name != system]
    seen: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for i, src in enumerate(sources):
        for match in find_terms(glossary, src, "ko"):
            term = match.term
            key = (term.korean, term.english)
            for wrong in term.wrong_english:
                if wrong in seen[key]:
                    continue
                if any(find_surface(hyps[i], wrong, "en") for hyps in others):
                    seen[key].add(wrong)
    entries = []
    for entry in glossary.entries:
        if isinstance(entry, Term):
            kept = tuple(w for w in entry.wrong_english if w in seen[(entry.korean, entry.english)])
            entry = dataclasses.replace(entry, wrong_english=kept)
        entries.append(entry)
    return dataclasses.replace(glossary, entries=entries, _cache={})


def why_missed(check, hyp: str, ref: str, korean: str, vocabulary: set[str]) -> tuple[str, str]:
    """('reference', '') | ('adjective', form) | ('unknown form', form) | ('not rendered', '')."""
    from bilingual.glossary.match import contains_term
    from bilingual.glossary.suggest import english_candidates, sound_similarity

    if not contains_term(ref, check.expected, "en"):
        return "reference", ""
    ref_spans = {s.lower() for s in english_candidates(ref)}
    best, best_score = "", 0.0
    n_words = len(check.expected.split())
    import re

    # lower-case words that are not English words of the references ("caperno", not "using")
    words = {w for w in re.findall(r"[^\W\d_][\w'’-]{3,}", hyp) if w.islower() and w not in vocabulary}
    for span in sorted(english_candidates(hyp) | words):
        if span.lower() in ref_spans or len(span.split()) > n_words + 1:
            continue
        spelling = difflib.SequenceMatcher(None, span.lower(), check.expected.lower()).ratio()
        sound = sound_similarity(korean, span)
        if span in words and not (spelling >= 0.6 or (sound >= 0.8 and abs(len(span) - len(check.expected)) <= 3)):
            continue  # a lower-case word must look or sound very like the name
        score = max(spelling, sound)
        if score > best_score:
            best, best_score = span, score
    if best and best_score >= 0.6:
        low, expected = best.lower(), check.expected.lower()
        if low[:4] == expected[:4] and low != expected and re.search(r"(an|ian|ese|ish|i|ns)$", low):
            return "adjective", best  # Indonesian for Indonesia
        return "unknown form", best
    return "not rendered", ""


def fmt_p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputs", help="folder with the three NTREX-128 ko-en system outputs")
    parser.add_argument("--glossary", default=str(REPO / "glossaries" / "ntrex128.tsv"))
    parser.add_argument("--out", default=str(REPO / "eval" / "names_report.md"))
    parser.add_argument("--samples", type=int, default=1000, help="bootstrap resamples")
    args = parser.parse_args(argv)

    from bilingual.corpus.folder import load_corpus
    from bilingual.evaluation.metrics import extract_stats, scores_from_stats, term_success
    from bilingual.glossary import load_glossary
    from bilingual.glossary.match import contains_term
    from bilingual.glossary.postedit import postedit
    from bilingual.evaluation.significance import paired_bootstrap

    started = time.perf_counter()
    folder = find_outputs(args.outputs)
    corpus = load_corpus(REPO / "corpora" / "ntrex128")
    sources, refs, ids = corpus.side("ko"), corpus.side("en"), corpus.article_ids()
    glossary = load_glossary(args.glossary)
    outputs = {name: (folder / fname).read_text(encoding="utf-8").splitlines() for name, fname in SYSTEMS.items()}

    def rates(hyps, report=None):
        report = report or term_success(glossary, sources, hyps, source_lang="ko", target_lang="en", article_ids=ids)
        attested = [c for c in report.checks if contains_term(refs[c.segment], c.expected, "en")]
        att_rate = sum(c.found for c in attested) / len(attested) if attested else float("nan")
        return report, att_rate, len(attested)

    import re

    vocabulary = {w for ref in refs for w in re.findall(r"[^\W\d_][\w'’-]{3,}", ref) if w.islower()}
    rows = []
    signatures = {}
    misses_by_system = {}
    for name, hyps in outputs.items():
        result = postedit(glossary, sources, hyps)
        fixed = result.outputs
        held = postedit(held_out_glossary(glossary, name, sources, outputs), sources, hyps).outputs
        before_rep, before_att, n_att = rates(hyps)
        after_rep, after_att, _ = rates(fixed)
        held_rep, held_att, _ = rates(held)
        stats_before = extract_stats(hyps, refs, metrics=("bleu", "chrf++"))
        stats_after = extract_stats(fixed, refs, metrics=("bleu", "chrf++"))
        stats_held = extract_stats(held, refs, metrics=("bleu", "chrf++"))
        signatures = stats_before.signatures()
        sig = paired_bootstrap(stats_after, stats_before, n_samples=args.samples)
        sig_held = paired_bootstrap(stats_held, stats_before, n_samples=args.samples)
        s_before = scores_from_stats(stats_before, "en")
        s_after = scores_from_stats(stats_after, "en")
        s_held = scores_from_stats(stats_held, "en")
        counts = result.counts()
        changed = sum(1 for a, b in zip(hyps, fixed) if a != b)
        # edit precision: does the English original have the name written in, and not the word taken out?
        from bilingual.glossary.match import find_surface

        edits = [(seg.index, e) for seg in result.segments for e in seg.edits]
        confirmed = sum(1 for i, e in edits if find_surface(refs[i], e.english, "en"))
        suspicious = sum(
            1 for i, e in edits if find_surface(refs[i], e.old.strip(), "en") and not find_surface(refs[i], e.english, "en")
        )
        rows.append(
            dict(
                name=name, terms=before_rep.total, attested=n_att, before=before_rep.rate, after=after_rep.rate,
                held=held_rep.rate, before_att=before_att, after_att=after_att, held_att=held_att,
                bleu=(s_before["bleu"], s_after["bleu"], s_held["bleu"]),
                chrf=(s_before["chrf++"], s_after["chrf++"], s_held["chrf++"]),
                sig=sig, sig_held=sig_held, counts=counts, changed=changed,
                edits=len(edits), confirmed=confirmed, suspicious=suspicious,
            )
        )
        misses = collections.defaultdict(lambda: {"n": 0, "why": collections.Counter(), "forms": collections.Counter()})
        for check in after_rep.missed:
            korean = check.source_form
            why, form = why_missed(check, fixed[check.segment], refs[check.segment], korean, vocabulary)
            entry = misses[check.expected]
            entry["n"] += 1
            entry["why"][why] += 1
            if form:
                entry["forms"][form] += 1
            entry.setdefault("korean", korean)
        misses_by_system[name] = misses
        print(
            f"{name}: terms {before_rep.total}, success {before_rep.rate:.3f} -> {after_rep.rate:.3f} "
            f"(held-out {held_rep.rate:.3f}); chrF++ {s_before['chrf++']:.2f} -> {s_after['chrf++']:.2f} "
            f"(p={sig['chrf++'].p_value:.4f}); BLEU {s_before['bleu']:.2f} -> {s_after['bleu']:.2f} "
            f"(p={sig['bleu'].p_value:.4f})",
            flush=True,
        )

    lines = write_report(rows, misses_by_system, signatures, args, folder, len(glossary), time.perf_counter() - started)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


def write_report(rows, misses_by_system, signatures, args, folder, n_terms, seconds) -> list[str]:
    try:
        folder_shown = folder.relative_to(REPO)
    except ValueError:
        folder_shown = Path("../shared") / folder.relative_to(REPO.parent / "shared")
    out = [
        "# Names in real NTREX-128 ko→en output: before and after `bilingual glossary apply`",
        "",
        f"Generated by `python eval/scripts/names_report.py` ({seconds:.0f} s) from the three published outputs in "
        f"`{folder_shown}`, the corpus `corpora/ntrex128` (1,997 segments, 123 articles) and "
        f"`glossaries/ntrex128.tsv` ({n_terms} terms). *After* = the output of "
        "`bilingual glossary apply --source SRC --hyp HYP -o OUT --glossary glossaries/ntrex128.tsv`, "
        "which only replaces known wrong renderings of names (nothing else in a segment changes).",
        "",
        "**Term success** (as `bilingual eval --glossary`): every approved glossary term found in a source "
        "segment counts once per segment; it succeeds when its English form is in the output segment. "
        "*Attested* restricts this to the terms whose English form the English original (the reference) also "
        "has in that segment: a fairer view, since the Korean side sometimes names a thing the English calls "
        "otherwise (중국 for *Chinese*, 웨일스 국회 for *the assembly*).",
        "",
        "**Held-out**: the glossary's wrong renderings were collected from these same three outputs, so *after* is "
        "in-sample. The held-out run keeps, for each system, only the wrong renderings that one of the *other two* "
        "systems also produces: the gain to expect on a system the glossary was not built from.",
        "",
        "## Term success and scores",
        "",
        "| system | terms (attested) | term success before → after (held-out) | attested before → after (held-out) | segments changed | repaired / missed | edits: name in reference / word of reference removed |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        c = r["counts"]
        out.append(
            f"| {r['name']} | {r['terms']} ({r['attested']}) | {r['before']:.1%} → **{r['after']:.1%}** ({r['held']:.1%}) "
            f"| {r['before_att']:.1%} → **{r['after_att']:.1%}** ({r['held_att']:.1%}) | {r['changed']} "
            f"| {c['repaired']} / {c['missed']} | {r['confirmed']} of {r['edits']} / {r['suspicious']} |"
        )
    out += [
        "",
        "The last column checks each edit against the English original: how many write a name that the "
        "original's segment also has, and how many replaced a word that the original's segment itself uses "
        "(a false repair).",
    ]
    out += [
        "",
        f"Paired bootstrap of *after* (and *held-out*) against *before*: {args.samples} resamples, seed 12345, "
        "p = share of resamples whose centred difference is at least the observed one; 95% interval of the difference.",
        "",
        "| system | chrF++ before → after (Δ, 95% CI, p) | held-out chrF++ (Δ, p) | BLEU before → after (Δ, 95% CI, p) | held-out BLEU (Δ, p) |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        cs, bs, ch, bh = r["sig"]["chrf++"], r["sig"]["bleu"], r["sig_held"]["chrf++"], r["sig_held"]["bleu"]
        out.append(
            f"| {r['name']} | {r['chrf'][0]:.2f} → **{r['chrf'][1]:.2f}** ({cs.difference:+.2f}, "
            f"[{cs.ci_low:+.2f}, {cs.ci_high:+.2f}], p {fmt_p(cs.p_value)}) "
            f"| {r['chrf'][2]:.2f} ({ch.difference:+.2f}, p {fmt_p(ch.p_value)}) "
            f"| {r['bleu'][0]:.2f} → **{r['bleu'][1]:.2f}** ({bs.difference:+.2f}, "
            f"[{bs.ci_low:+.2f}, {bs.ci_high:+.2f}], p {fmt_p(bs.p_value)}) "
            f"| {r['bleu'][2]:.2f} ({bh.difference:+.2f}, p {fmt_p(bh.p_value)}) |"
        )
    out += ["", "Signatures: " + "; ".join(f"`{name}`: `{sig}`" for name, sig in signatures.items()), ""]
    out += [
        "## The ten most frequent misses left after `apply`",
        "",
        "Why, per missed occurrence: **unknown form** — the output renders the name, but in a form the glossary "
        "does not list (the closest capitalised span of the output is shown; adding it to `wrong_english` would "
        "let `apply` repair it); **not rendered** — nothing in the output resembles the name (dropped, translated "
        "as a common noun, or replaced by a pronoun); **reference** — the English original does not use the term "
        "in that segment either (an adjective or a paraphrase), so the miss is the glossary's, not the system's; "
        "**adjective** — the output has the adjective or demonym (*Indonesian*) where the English original has the "
        "name (*Indonesia*): not a wrong name, but not the glossary's form either.",
        "",
    ]
    for r in rows:
        misses = misses_by_system[r["name"]]
        out += [f"### {r['name']}", "", "| term | Korean | misses | unknown form | not rendered | reference | adjective | forms seen |", "|---|---|---|---|---|---|---|---|"]
        top = sorted(misses.items(), key=lambda kv: (-kv[1]["n"], kv[0]))[:10]
        for english, m in top:
            forms = ", ".join(f"{f} ×{n}" for f, n in m["forms"].most_common(3))
            out.append(
                f"| {english} | {m['korean']} | {m['n']} | {m['why']['unknown form']} | {m['why']['not rendered']} "
                f"| {m['why']['reference']} | {m['why']['adjective']} | {forms} |"
            )
        out.append("")
    return out


if __name__ == "__main__":
    sys.exit(main())
