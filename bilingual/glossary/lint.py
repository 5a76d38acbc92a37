"""Checks editors run before committing a glossary (``bilingual glossary lint``).

Errors (exit status 1): the same row twice, one Korean term with two approved
English terms, a wrong rendering equal to the term itself, Hangul missing from
a Korean column or present in an English one, a hidden character (zero-width
space, soft hyphen, control character: it would be copied into translations).
Warnings: padded or empty values, a value a spreadsheet would run as a
formula (it starts with ``=``, ``+``, ``-`` or ``@``),
a Korean form shared by two terms, forbidden/deprecated rows without an
approved row, and short Korean terms that match inside words of the corpora
through a compound or the analyser rather than a plain particle (check them:
지사 also means branch office, 이란성 is not Iran), and Korean names of the corpora
that are near-misses of a term (another transliteration, a shorter institution head:
블라디스라보비치 for 블라디슬라보비치, 한국산업기술대학 for 한국산업기술대학교; see
``variants.py``), to add as the term's ``korean_forms``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bilingual.glossary import korean
from bilingual.glossary.io import formula_like
from bilingual.glossary.match import find_terms, normalise
from bilingual.glossary.terms import Glossary, Term
from bilingual.glossary.variants import near_misses
from bilingual.text.encoding import read_text
from bilingual.text.invisible import hidden_characters

SHORT_SYLLABLES = 2
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


@dataclass(frozen=True)
class LintIssue:
    severity: str  # "error" or "warning"
    where: str  # file:line
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.code}: {self.message}"


def lint(glossary: Glossary, corpus_texts: Iterable[str] = ()) -> list[LintIssue]:
    issues: list[LintIssue] = []
    terms = glossary.terms
    issues += _fields(terms)
    issues += _duplicates(terms)
    issues += _forms(terms)
    issues += _orphans(terms)
    texts = list(corpus_texts)
    if texts:
        issues += _short_terms(glossary, texts)
        issues += _near_misses(glossary, texts)
    return issues


def _issue(term: Term, severity: str, code: str, message: str) -> LintIssue:
    return LintIssue(severity, term.where or term.korean.strip(), code, message)


def _fields(terms: list[Term]) -> list[LintIssue]:
    issues = []
    for term in terms:
        values = {"korean": term.korean, "english": term.english, "note": term.note}
        for name, items in (("korean_forms", term.korean_forms), ("wrong_english", term.wrong_english)):
            for index, item in enumerate(items):
                values[f"{name}[{index + 1}]"] = item
                if not item.strip():
                    issues.append(_issue(term, "warning", "empty-value", f"{name} holds an empty item"))
        for name, value in values.items():
            if value != value.strip():
                issues.append(_issue(term, "warning", "padded", f"{name} {value!r} has spaces at an end"))
            elif "  " in value:
                issues.append(_issue(term, "warning", "padded", f"{name} {value!r} has a double space"))
        for name, value in values.items():
            if formula_like(value):
                issues.append(_issue(term, "warning", "spreadsheet-formula", f"{name} {value!r} starts with {value[0]!r}, "
                                     "which a spreadsheet runs as a formula (a CSV export puts a ' in front)"))
        for name, value in values.items():
            hidden = hidden_characters(value)
            if hidden:
                issues.append(_issue(term, "error", "hidden-character", f"{name} {value!r} holds {', '.join(hidden)}"))
        for name, value in values.items():
            if name.startswith(("korean", "korean_forms")) and value.strip() and not _HANGUL.search(value):
                issues.append(_issue(term, "error", "wrong-script", f"{name} {value!r} has no Hangul: is it in the wrong column?"))
            if name.startswith(("english", "wrong_english")) and _HANGUL.search(value):
                issues.append(_issue(term, "error", "wrong-script", f"{name} {value!r} holds Hangul: is it in the wrong column?"))
        for wrong in term.wrong_english:
            if normalise(wrong, "en")[0] == normalise(term.english, "en")[0]:
                issues.append(_issue(term, "error", "wrong-is-right", f"wrong_english {wrong!r} is the English term itself (up to case/hyphens)"))
    return issues


def _duplicates(terms: list[Term]) -> list[LintIssue]:
    issues = []
    seen: dict[tuple[str, str], Term] = {}
    approved: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        key = (term.korean.strip(), term.english.strip())
        if key in seen:
            issues.append(_issue(term, "error", "duplicate", f"{key[0]} -> {key[1]} is already at {seen[key].where}"))
        else:
            seen[key] = term
        if term.status == "approved":
            approved[key[0]].append(term)
    for korean_term, rows in approved.items():
        englishes = list(dict.fromkeys(t.english.strip() for t in rows))
        if len(englishes) > 1:
            where = ", ".join(t.where for t in rows)
            issues.append(_issue(rows[-1], "error", "two-english", f"{korean_term} has two approved English terms {englishes} ({where})"))
    return issues


def _forms(terms: list[Term]) -> list[LintIssue]:
    issues = []
    owner: dict[str, Term] = {}
    for term in terms:
        if term.status != "approved":
            continue
        for surface in term.korean_surfaces:
            key = normalise(surface, "ko")[0]
            other = owner.get(key)
            if other is not None and other.korean.strip() != term.korean.strip():
                issues.append(_issue(term, "warning", "shared-form", f"{surface!r} is also a form of {other.korean.strip()} ({other.where}); the first row wins"))
            owner.setdefault(key, term)
    return issues


def _orphans(terms: list[Term]) -> list[LintIssue]:
    approved = {t.korean.strip() for t in terms if t.status == "approved"}
    return [
        _issue(t, "warning", "no-approved", f"{t.status} row for {t.korean.strip()} has no approved row to use instead")
        for t in terms
        if t.status != "approved" and t.korean.strip() not in approved
    ]


def _short_terms(glossary: Glossary, texts: list[str]) -> list[LintIssue]:
    """Short terms that the corpus shows matching inside longer words (not term + particles)."""
    short = {
        s: t for t in glossary.effective_terms() for s in t.korean_surfaces
        if len(normalise(s, "ko")[0]) <= SHORT_SYLLABLES
    }
    if not short:
        return []
    inside: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for m in find_terms(glossary, text, "ko"):
            if m.form not in short:
                continue
            end = m.end
            while end < len(text) and text[end].isalnum():
                end += 1
            rest = text[m.end:end]
            if rest and not korean.rest_is_particles(rest):
                inside[m.form][text[m.start:end]] += 1
    issues = []
    for surface, words in inside.items():
        listed = ", ".join(f"{w} ({n}x)" for w, n in words.most_common(5))
        issues.append(_issue(short[surface], "warning", "short-term", f"short term {surface!r} matches inside longer words of the corpus: {listed}; check they mean the term"))
    return issues


def _near_misses(glossary: Glossary, texts: list[str]) -> list[LintIssue]:
    """Names of the corpus close to a term's Korean surface but not matched by it."""
    issues = []
    for miss in near_misses(glossary, texts):
        term = miss.term.korean.strip()
        of = f"{miss.surface!r}" if miss.surface == term else f"{miss.surface!r} (a form of {term})"
        issues.append(_issue(miss.term, "warning", "near-miss", (
            f"the corpus has {miss.text!r} ({miss.count}x), close to {of}: {', '.join(miss.differences)}; "
            f"if it is the same name, add it to the korean_forms of {term}"
        )))
    return issues


def corpus_texts(paths: Iterable[str | Path]) -> list[str]:
    """Korean texts from files or folders (``*.ko.txt`` in folders, recursively)."""
    texts = []
    for path in paths:
        path = Path(path)
        files = sorted(path.rglob("*.ko.txt")) if path.is_dir() else [path]
        for file in files:
            texts.append(read_text(file, what="corpus text", empty_ok=True))
    return texts
