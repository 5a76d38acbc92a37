"""Learning from editors: approved segments into the memory, name corrections into glossary proposals.

Input is three aligned sides: the Korean source, the machine translation
(MT) and the editor's version of it (PE). Every (source, edited) pair is an
approved translation and goes into the translation memory (origin
``learn``). Names are learnt from the differences between MT and PE:

1. MT and PE are split into words and compared with :mod:`difflib` on word
   level. Where a changed stretch holds capitalised spans on both sides
   (``Adam Kiff`` → ``Adam Keefe``), the spans are widened to the whole
   capitalised run around them (a possessive ends a run; titles and
   sentence openers are dropped) and paired in order; the longer side is cut
   to the stretch spelt most like the other (``Supreme Court Justice Brett
   Caverno`` → ``Brett Caverno``). A pair counts only when the editor's name
   does not occur in MT and the machine's name does not occur in PE (a name
   that merely moved is no correction).
2. The editor's name is tied to a span of the Korean source: glossary terms
   found there (:func:`bilingual.glossary.match.find_terms`) and kiwipiepy
   proper-noun spans (:func:`bilingual.glossary.suggest.korean_candidates`)
   are the candidates, and the one whose transliteration sounds most like the
   editor's or the machine's name wins (:func:`sound_similarity`, at least
   ``min_sound``). A glossary term whose English is the editor's name wins
   outright. A particle kiwipiepy left on the span (리스고가) is dropped when
   the shorter form is more frequent in the sources. Inside a corrected name
   whose Korean has as many words, each corrected word whose Korean word
   also stands alone in the sources (a surname) is a correction too.
3. Corrections are grouped by (Korean, English). Evidence is the number of
   segments, and consistency: the share of the segments holding the Korean
   span whose PE holds the English name. Proposals are ranked by
   ``log2(1 + segments) * consistency * sound`` and linked competitively
   (each Korean name and each English name is used once). The machine's
   forms become ``wrong_english`` only when they look like a rendering of the
   name (:func:`wrong_form`), not a word that stood in its place.

Against a glossary: a name the glossary already has right (same Korean,
same English, the MT form already a ``wrong_english``) is not proposed; when
the glossary has the term but the MT form is new, the proposal adds the MT
form as ``wrong_english`` to that row. The review file holds the canonical
glossary columns plus ``accept`` and ``evidence``;
:func:`accept_review` adds the rows not marked ``no`` through the locked
glossary edit (:func:`bilingual.glossary.edit.edit`), merging
``korean_forms``/``wrong_english`` into an existing row instead of adding a
second one.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bilingual.errors import GlossaryError, InputError
from bilingual.glossary.terms import COLUMNS, LIST_SEPARATOR, Glossary, Term

REVIEW_COLUMNS = (*COLUMNS, "accept", "evidence")
LEARN_ORIGIN = "learn"
MIN_SOUND = 0.5
MIN_WRONG_LIKENESS = 0.4
MAX_NAME_WORDS = 5
REJECT = frozenset({"no", "n"})

# Words, with inner apostrophes, hyphens and dots (Berners-Lee, O'Neill, U.S.); other marks one by one.
_TOKEN = re.compile(r"\w(?:[\w'’.\-]*\w)?\.?|[^\w\s]")
_POSSESSIVE = re.compile(r"['’]s?$")
_POSSESSIVE_WORD = re.compile(r"\w['’]s?$")
_CONNECTORS = frozenset({"of", "de", "von", "van", "der", "la", "le", "du", "del", "da", "al", "bin"})
_NOT_NAMES = frozenset(
    """a an the he she it they we i you his her its their our this that these those there here in on at of for
    to from by with as and but or if when while after before since so yet not no yes what who why how where which
    mr mrs ms dr one some many most all both also then now today however meanwhile monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec said says according did does do is was
    are were has have had will would can could should must""".split()
)
# Titles and forms of address dropped from the front of a name (Senator Dianne Feinstein -> Dianne Feinstein).
_TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady sen senator rep representative gov governor president
    vice prime minister secretary chancellor judge justice king queen prince princess coach captain capt
    gen general col lt sgt officer chairman chief mayor pope rev father professor doctor lieutenant sergeant
    detective inspector constable ambassador congressman congresswoman commissioner director manager striker
    midfielder defender goalkeeper star singer actor actress rapper""".split()
)


@dataclass(frozen=True)
class Correction:
    """One name the editor changed in one segment."""

    line: int  # 1-based segment number
    korean: str  # the Korean source span
    english: str  # the editor's name
    machine: str  # the machine's name in the same place
    sound: float  # how alike the Korean span and the names sound (0-1)


@dataclass
class Proposal:
    """One glossary row to review, with the evidence it was ranked by."""

    korean: str
    english: str
    wrong_english: tuple[str, ...]
    segments: tuple[int, ...]  # segment numbers with the correction
    consistency: float  # share of the segments holding the Korean span whose PE holds the English
    sound: float
    score: float
    korean_forms: tuple[str, ...] = ()
    kind: str = "other"
    note: str = ""
    machine_counts: dict[str, int] = field(default_factory=dict)

    @property
    def evidence(self) -> str:
        """The evidence in words, for the review file."""
        lines = ", ".join(str(n) for n in self.segments[:8]) + (", …" if len(self.segments) > 8 else "")
        machine = ", ".join(f"{form} ×{count}" for form, count in self.machine_counts.items())
        return (
            f"{len(self.segments)} segment{'s' if len(self.segments) != 1 else ''} (lines {lines}); "
            f"MT: {machine}; consistency {self.consistency:.2f}; sound {self.sound:.2f}"
        )

    def term(self) -> Term:
        """The proposal as a glossary row."""
        return Term(self.korean, self.english, self.korean_forms, self.wrong_english, self.kind, "approved", self.note)


@dataclass(frozen=True)
class LearnResult:
    """What :func:`learn` found: the pairs to store and the ranked proposals."""

    pairs: tuple[tuple[str, str], ...]  # (source, edited) pairs, empty ones left out
    changed: int  # segments where MT and PE differ
    corrections: tuple[Correction, ...]
    proposals: tuple[Proposal, ...]
    skipped_known: int  # corrections the glossary already holds right


# ---------------------------------------------------------------------- English side


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _runs(words: Sequence[str]) -> list[tuple[int, int]]:
    """Capitalised runs ``[start, end)`` of ``words`` (lower-case connectors allowed inside)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if not _capital(words[i]):
            i += 1
            continue
        end = i + 1
        while end < len(words) and not _POSSESSIVE_WORD.search(words[end - 1]):  # Google's China: the name ends at 's
            if _capital(words[end]):
                end += 1
            elif words[end].lower() in _CONNECTORS and end + 1 < len(words) and _capital(words[end + 1]):
                end += 2
            else:
                break
        runs.append((i, end))
        i = end
    return runs


def _name(words: Sequence[str], start: int, end: int) -> str | None:
    """The run as a name (possessive dropped), or None when it is no name (``The``, ``He``, too long)."""
    span = list(words[start:end])
    while span and (span[0].lower().rstrip(".") in _NOT_NAMES or span[0].lower().rstrip(".") in _TITLES):
        span.pop(0)
    if not span or len(span) > MAX_NAME_WORDS:
        return None
    span[-1] = _POSSESSIVE.sub("", span[-1]) if not span[-1].isupper() else span[-1]
    span[-1] = span[-1].rstrip(".") if not re.fullmatch(r"(?:[A-Z]\.)+", span[-1]) else span[-1]
    if not span[-1] or all(w.lower() in _NOT_NAMES for w in span):
        return None
    return " ".join(span)


def _trim(name: str, other: str) -> str:
    """``name`` cut to as many words as ``other`` (or one more), keeping the stretch that is spelt most like it.

    A changed stretch may hold a title or a neighbouring word on one side only
    (``Supreme Court Justice Brett Caverno`` against ``Brett Kavanaugh``)."""
    words, size = name.split(), len(other.split())
    if len(words) <= size + 1:
        return name
    target = other.lower()
    best = max(
        (" ".join(words[i:i + n]) for n in (size, size + 1) for i in range(len(words) - n + 1)),
        key=lambda span: difflib.SequenceMatcher(None, span.lower(), target).ratio(),
    )
    return best


def _contains(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def name_changes(machine: str, edited: str) -> list[tuple[str, str]]:
    """(machine's name, editor's name) pairs where the editor replaced a capitalised span."""
    mt_words, pe_words = _words(machine), _words(edited)
    mt_runs, pe_runs = _runs(mt_words), _runs(pe_words)
    found: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, mt_words, pe_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace":
            continue
        mt_side = [r for r in mt_runs if r[0] < i2 and r[1] > i1]
        pe_side = [r for r in pe_runs if r[0] < j2 and r[1] > j1]
        if not mt_side or len(mt_side) != len(pe_side) or len(mt_side) > 3:
            continue
        for (ms, me), (ps, pe) in zip(mt_side, pe_side):
            mt_name, pe_name = _name(mt_words, ms, me), _name(pe_words, ps, pe)
            if not mt_name or not pe_name or mt_name == pe_name:
                continue
            mt_name, pe_name = _trim(mt_name, pe_name), _trim(pe_name, mt_name)
            if mt_name == pe_name:
                continue
            if _contains(machine, pe_name) or _contains(edited, mt_name):
                continue
            found.append((mt_name, pe_name))
    return found


# ---------------------------------------------------------------------- Korean side


def _korean_spans(tokens: Sequence[object], text: str, glossary: Glossary | None) -> list[tuple[str, Term | None]]:
    """(Korean span, the glossary term it is): glossary terms found in ``text``, then kiwipiepy proper-noun spans."""
    from bilingual.glossary.suggest import korean_candidates

    spans: list[tuple[str, Term | None]] = []
    if glossary is not None and len(glossary):
        from bilingual.glossary.match import find_terms

        spans.extend((m.term.korean.strip(), m.term) for m in find_terms(glossary, text, "ko"))
    spans.extend((surface, None) for surface in korean_candidates(tokens, text).values())
    return spans


def _align(
    spans: Sequence[tuple[str, Term | None]], machine: str, edited: str, min_sound: float
) -> tuple[str, float, Term | None] | None:
    """The span that sounds most like either name (the longer one on a tie), or a glossary term whose English
    is the editor's name; None when nothing reaches ``min_sound``."""
    from bilingual.glossary.suggest import sound_similarity

    best: tuple[str, float, Term | None] | None = None
    for korean, term in spans:
        if term is not None and term.english.strip() == edited:
            return korean, 1.0, term
        sound = max(sound_similarity(korean, edited), sound_similarity(korean, machine))
        if sound >= min_sound and (best is None or sound > best[1] or (sound == best[1] and len(korean) > len(best[0]))):
            best = (korean, sound, term)
    return best


# Particles taken off the end of a name; 도, 로, 이, 나 and the like also end names (위도도, 팔루) and stay.
_STRIPPED = frozenset({"의", "가", "는", "은", "를", "을", "에게", "에서", "와", "과", "께서"})


class _Stems:
    """Drops a particle the analyser left on a name (리스고가 -> 리스고) when the shorter form, of two
    syllables or more, is seen more often in the sources than the longer one."""

    def __init__(self, sources: Sequence[str]) -> None:
        self._text = "\n".join(sources)
        self._counts: dict[str, int] = {}

    def count(self, form: str) -> int:
        """How often ``form`` occurs in the sources."""
        if form not in self._counts:
            self._counts[form] = self._text.count(form)
        return self._counts[form]

    def __call__(self, korean: str) -> str:
        head, _, last = korean.rpartition(" ")
        for cut in range(2, len(last)):
            if last[cut:] in _STRIPPED and self.count(last[:cut]) > self.count(last):
                return (head + " " if head else "") + last[:cut]
        return korean


def _word_corrections(
    line: int, korean: str, mt_name: str, pe_name: str, min_sound: float, stems: _Stems
) -> list[Correction]:
    """Single-word corrections inside a corrected name whose Korean has as many words (브렛 캐버노:
    Caverno -> Kavanaugh gives 캐버노 -> Kavanaugh), for words the sources also use without the rest of the
    name (a surname alone), so that those are learnt as well as full names."""
    from bilingual.glossary.suggest import sound_similarity

    ko_words, mt_words, pe_words = korean.split(), mt_name.split(), pe_name.split()
    if len(ko_words) < 2 or not len(ko_words) == len(mt_words) == len(pe_words):
        return []
    found = []
    for ko, mt, pe in zip(ko_words, mt_words, pe_words):
        if mt == pe or len(ko) < 2 or not _capital(pe) or pe.lower() in _CONNECTORS:
            continue
        if stems.count(ko) <= stems.count(korean):  # the word never stands alone
            continue
        sound = max(sound_similarity(ko, pe), sound_similarity(ko, mt))
        if sound >= min_sound:
            found.append(Correction(line, ko, pe, mt, round(sound, 3)))
    return found


def _key(korean: str) -> str:
    return korean.replace(" ", "")


def _analyse(sources: Sequence[str]) -> list[list[object]]:
    from bilingual.text.kiwi import kiwi

    return [list(tokens) for tokens in kiwi(multi_words=True).tokenize(list(sources))]


# ---------------------------------------------------------------------- learning


def read_segments(path: str | Path, what: str) -> list[str]:
    """The segments of one side: the lines of a ``.txt`` file (lines in = lines out), else the text of
    each translatable block of the article(s) the format readers parse from the file or folder."""
    from bilingual.evaluation.plain import read_lines

    path = Path(path)
    if path.is_file() and path.suffix.lower() in ("", ".txt"):
        return [line.rstrip("\r") for line in read_lines(path, what)]
    from bilingual.formats import read_inputs

    return [" ".join(block.text.split()) for doc in read_inputs(path) for block in doc.blocks if block.translatable]


def check_aligned(sides: Sequence[tuple[str, str, Sequence[str]]]) -> None:
    """InputError naming every side and its segment count unless all counts agree.

    ``sides`` are (option, path, segments) triples."""
    counts = {len(segments) for _, _, segments in sides}
    if len(counts) > 1:
        listed = ", ".join(f"{option} {path}: {len(segments)}" for option, path, segments in sides)
        raise InputError(f"segment counts differ ({listed}); the files must align segment for segment")


def learn(
    sources: Sequence[str],
    machine: Sequence[str],
    edited: Sequence[str],
    *,
    glossary: Glossary | None = None,
    min_sound: float = MIN_SOUND,
    top: int | None = None,
) -> LearnResult:
    """Pairs for the memory and ranked glossary proposals from aligned source, MT and PE segments."""
    check_aligned((("source", "", sources), ("mt", "", machine), ("edited", "", edited)))
    pairs = tuple((s, e) for s, e in zip(sources, edited) if s.strip() and e.strip())
    changed = [i for i, (m, e) in enumerate(zip(machine, edited)) if m.strip() != e.strip() and sources[i].strip()]
    analysed = dict(zip(changed, _analyse([sources[i] for i in changed]))) if changed else {}
    corrections: list[Correction] = []
    terms: dict[str, Term] = {}
    stem = _Stems(sources)
    for i in changed:
        spans = _korean_spans(analysed[i], sources[i], glossary)
        used: set[str] = set()
        for mt_name, pe_name in name_changes(machine[i], edited[i]):
            aligned = _align([s for s in spans if _key(s[0]) not in used], mt_name, pe_name, min_sound)
            if aligned is None:
                continue
            korean, sound, term = aligned
            used.add(_key(korean))
            if term is not None:
                terms[_key(korean)] = term
            else:
                korean = stem(korean)
            corrections.append(Correction(i + 1, korean, pe_name, mt_name, round(sound, 3)))
            corrections.extend(_word_corrections(i + 1, korean, mt_name, pe_name, min_sound, stem))
    proposals, known = _rank(corrections, sources, edited, glossary, terms)
    if top is not None:
        proposals = proposals[:top]
    return LearnResult(pairs, len(changed), tuple(corrections), tuple(proposals), known)


def wrong_form(korean: str, english: str, machine: str) -> bool:
    """Whether the machine's form is a rendering of the name (Adam Kiff for Adam Keefe, 아담 키프) rather than
    a word that only stood in the same place (Recently, City Hall): the mean of its spelling likeness to the
    editor's name and its sound likeness to the Korean is at least ``MIN_WRONG_LIKENESS``."""
    from bilingual.glossary.suggest import sound_similarity

    spelling = difflib.SequenceMatcher(None, english.lower(), machine.lower()).ratio()
    return (spelling + sound_similarity(korean, machine)) / 2 >= MIN_WRONG_LIKENESS


def _consistency(korean: str, english: str, sources: Sequence[str], edited: Sequence[str]) -> float:
    key = _key(korean)
    holding = [i for i, s in enumerate(sources) if key in s.replace(" ", "")]
    if not holding:
        return 0.0
    return sum(1 for i in holding if _contains(edited[i], english)) / len(holding)


def _glossary_term(glossary: Glossary | None, korean: str, english: str, terms: dict[str, Term]) -> Term | None:
    if _key(korean) in terms:
        return terms[_key(korean)]
    if glossary is None:
        return None
    for term in glossary.terms:
        if term.status == "approved" and _key(korean) in {_key(s) for s in term.korean_surfaces}:
            return term
    for term in glossary.terms:
        if term.status == "approved" and term.english.strip() == english:
            return term
    return None


def _rank(
    corrections: Sequence[Correction],
    sources: Sequence[str],
    edited: Sequence[str],
    glossary: Glossary | None,
    terms: dict[str, Term],
) -> tuple[list[Proposal], int]:
    groups: dict[tuple[str, str], list[Correction]] = defaultdict(list)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    for c in corrections:
        groups[(_key(c.korean), c.english)].append(c)
        surfaces[_key(c.korean)][c.korean] += 1
    scored: list[Proposal] = []
    for (key, english), found in groups.items():
        korean = surfaces[key].most_common(1)[0][0]
        machine = Counter(c.machine for c in found if wrong_form(korean, english, c.machine))
        segments = tuple(sorted({c.line for c in found}))
        sound = max(c.sound for c in found)
        consistency = round(_consistency(korean, english, sources, edited), 3)
        score = round(math.log2(1 + len(segments)) * max(consistency, 0.05) * sound, 4)
        scored.append(
            Proposal(korean, english, tuple(machine), segments, consistency, sound, score,
                     machine_counts=dict(machine.most_common()))
        )
    scored.sort(key=lambda p: (-p.score, -len(p.segments), p.korean, p.english))
    used_ko: set[str] = set()
    used_en: set[str] = set()
    result: list[Proposal] = []
    known = 0
    for p in scored:
        if _key(p.korean) in used_ko or p.english in used_en:
            continue
        used_ko.add(_key(p.korean))
        used_en.add(p.english)
        term = _glossary_term(glossary, p.korean, p.english, terms)
        if term is None:
            result.append(p)
            continue
        if term.english.strip() == p.english:
            new_wrong = tuple(w for w in p.wrong_english if w not in term.wrong_english and w != term.english.strip())
            forms = () if _key(p.korean) in {_key(s) for s in term.korean_surfaces} else (p.korean,)
            if not new_wrong and not forms:
                known += 1
                continue
            p.korean, p.korean_forms, p.wrong_english, p.kind = term.korean.strip(), forms, new_wrong, term.kind
            p.note = "adds to the glossary row " + (term.where or term.korean.strip())
            result.append(p)
        else:
            p.note = f"the glossary has {term.korean.strip()} -> {term.english.strip()}"
            result.append(p)
    return result, known


def store_pairs(tm_path: str | Path, pairs: Sequence[tuple[str, str]], *, source_lang: str = "ko",
                target_lang: str = "en", note: str = "") -> int:
    """Add approved (source, edited) pairs to the memory at ``tm_path`` (origin ``learn``); the number new."""
    from bilingual.memory.store import TMEntry, TranslationMemory

    with TranslationMemory.open(tm_path) as memory:
        return memory.add(TMEntry(s, e, source_lang, target_lang, origin=LEARN_ORIGIN, note=note) for s, e in pairs)


# ---------------------------------------------------------------------- review file


def _cell(value: str) -> str:
    return " ".join(value.split())


def review_text(proposals: Sequence[Proposal]) -> str:
    """The review file: canonical glossary columns plus ``accept`` (blank: accepted) and ``evidence``."""
    lines = ["\t".join(REVIEW_COLUMNS)]
    for p in proposals:
        cells = (
            p.korean, p.english, LIST_SEPARATOR.join(p.korean_forms), LIST_SEPARATOR.join(p.wrong_english),
            p.kind, "approved", p.note, "", p.evidence,
        )
        lines.append("\t".join(_cell(c) for c in cells))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ReviewRow:
    """One row of a review file: the glossary row it proposes and whether it was accepted."""

    line: int
    term: Term
    accepted: bool


def parse_review(text: str, *, name: str) -> list[ReviewRow]:
    """Rows of a review file (``#`` lines and blank lines skipped); GlossaryError for a bad header or row."""
    from bilingual.glossary.io import split_field

    lines = text.lstrip("\ufeff").splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise GlossaryError(f"{name}: empty review file")
    header = [cell.strip().lower() for cell in numbered[0][1].split("\t")]
    missing = [c for c in ("korean", "english") if c not in header]
    if missing:
        raise GlossaryError(f"{name}:{numbered[0][0]}: the header has no {' or '.join(missing)} column")
    rows: list[ReviewRow] = []
    for n, line in numbered[1:]:
        cells = line.split("\t")
        value = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(header)}
        if not value["korean"] or not value["english"]:
            raise GlossaryError(f"{name}:{n}: korean and english must not be empty")
        term = Term(
            value["korean"], value["english"], split_field(value.get("korean_forms", "")),
            split_field(value.get("wrong_english", "")), value.get("kind") or "other",
            value.get("status") or "approved", value.get("note", ""), source=name, line=n,
        )
        rows.append(ReviewRow(n, term, value.get("accept", "").lower() not in REJECT))
    return rows


@dataclass(frozen=True)
class AcceptResult:
    """What :func:`accept_review` changed."""

    added: int
    merged: int  # rows whose forms or wrong renderings were added to an existing row
    unchanged: int  # accepted rows the glossary already held
    rejected: int


def _merge(old: Term, new: Term) -> Term:
    forms = tuple(dict.fromkeys([*old.korean_forms, *(f for f in (new.korean, *new.korean_forms)
                                                         if _key(f) not in {_key(s) for s in old.korean_surfaces})]))
    wrong = tuple(dict.fromkeys([*old.wrong_english, *(w for w in new.wrong_english if w != old.english.strip())]))
    return replace(old, korean_forms=forms, wrong_english=wrong, raw="")


def _same_name(term: Term, new: Term) -> bool:
    if term.english.strip() != new.english.strip():
        return False
    keys = {_key(s) for s in term.korean_surfaces}
    return _key(new.korean) in keys or any(_key(f) in keys for f in new.korean_forms)


def accept_review(review: str | Path, glossary_path: str | Path, *, create: bool = False) -> AcceptResult:
    """Add the accepted rows of a review file to a glossary in one locked, atomic edit."""
    from bilingual.glossary.edit import edit, validate_term
    from bilingual.text.encoding import read_text

    rows = parse_review(read_text(review, what="review file"), name=str(review))
    accepted = [row for row in rows if row.accepted]
    for row in accepted:
        try:
            validate_term(row.term)
        except GlossaryError as exc:
            raise GlossaryError(f"{review}:{row.line}: {exc.message}") from None

    def change(glossary: Glossary) -> AcceptResult:
        added = merged = unchanged = 0
        for row in accepted:
            index = next(
                (i for i, e in enumerate(glossary.entries) if isinstance(e, Term) and _same_name(e, row.term)), None
            )
            if index is None:
                extra = row.term.korean_forms or row.term.wrong_english or row.term.note or row.term.kind != "other"
                if glossary.layout == "plain" and extra:
                    raise GlossaryError(
                        f"{glossary_path}: a plain two-column glossary holds only Korean and English "
                        f"({review}:{row.line} has more)"
                    )
                glossary.entries.append(replace(row.term, source="", line=0, raw=""))
                added += 1
                continue
            old = glossary.entries[index]
            if not isinstance(old, Term):  # _same_name only takes terms; kept for the type checker
                continue
            new = _merge(old, row.term)
            if new == old:
                unchanged += 1
                continue
            if glossary.layout == "plain":
                raise GlossaryError(f"{glossary_path}: a plain two-column glossary holds no forms or wrong renderings")
            glossary.entries[index] = new
            merged += 1
        glossary.invalidate()
        return AcceptResult(added, merged, unchanged, len(rows) - len(accepted))

    return edit(glossary_path, change, create=create)  # type: ignore[return-value]
