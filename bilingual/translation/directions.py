"""Which way each article goes, and which model takes each way.

:func:`group_by_direction` gives every article of a run its direction: the
one given (``--from``/``--to``), or the one its own translatable text shows
(:func:`bilingual.text.language.detect_language`), so a folder of Korean and
English articles is split into a ko->en and an en->ko group. An article with
no letters to translate (only code, numbers or markup) goes with the largest
group as one of its ``idle`` articles and is written back as it is.

:func:`parse_model_options` reads repeatable ``--model`` values: ``MODEL`` for
every direction, ``ko-en=MODEL`` / ``en-ko=MODEL`` for one. :func:`models_for`
picks each group's model (its own, else the plain one, else the pinned
default) and refuses a plain model for a run with both directions unless the
model is known to translate both; a known model is also refused for a
direction it does not translate. Either error is one line naming the
articles that need another model.

:func:`translate_groups` translates each group with its own translator and
returns one :class:`DirectedResult`: the documents in input order and a
report that gives every article's direction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bilingual.errors import EmptyTranslationError, InputError
from bilingual.text.language import LANGUAGES, detect_language, resolve_direction, script_counts
from bilingual.translation.report import TranslationResult

if TYPE_CHECKING:
    from bilingual.document import Document
    from bilingual.translation.pipeline import Progress, Translator

Direction = tuple[str, str]

_DIRECTED_MODEL = re.compile(r"([a-z]{2})-([a-z]{2})=(.*)", re.DOTALL)
NAMES_SHOWN = 10  # article names listed in one line before "and N more"


@dataclass
class DirectionGroup:
    """The articles of a run that go one way."""

    source_lang: str
    target_lang: str
    documents: list[Document]
    detected: bool  # the direction came from the articles' text, not from --from/--to
    idle: list[Document] = field(default_factory=list)  # nothing to translate: carried along, written back as they are

    @property
    def direction(self) -> Direction:
        return (self.source_lang, self.target_lang)

    @property
    def label(self) -> str:
        return f"{self.source_lang}->{self.target_lang}"

    def summary(self) -> str:
        """``ko->en: 3 articles (a.txt, b.txt, c.txt)``."""
        return counted_names(self.label, self.documents)


def counted_names(label: str, docs: Sequence[Document]) -> str:
    """``LABEL: 3 articles (a.txt, b.txt, c.txt)``."""
    count = len(docs)
    return f"{label}: {count} article{'' if count == 1 else 's'} ({list_names([article_name(d) for d in docs])})"


def article_name(doc: Document) -> str:
    """How messages name an article: its path in the input (``sub/a.txt``), with the line for a JSON Lines record."""
    base = doc.meta.get("relpath") or doc.meta.get("source") or doc.id or "<input>"
    jsonl = doc.meta.get("jsonl")
    return f"{base}:{jsonl['lineno']}" if jsonl else str(base)


def list_names(names: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    """``a.txt, b.txt`` or, past ``shown`` names, ``a.txt, ... j.txt and 5 more``."""
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def group_by_direction(
    docs: Sequence[Document], source_lang: str | None = None, target_lang: str | None = None
) -> list[DirectionGroup]:
    """The direction groups of a run, most articles first (ties: in input order).

    With ``source_lang`` or ``target_lang`` every article goes that way;
    otherwise each article's direction is detected from its translatable text.
    InputError when no article has a letter to translate and no direction was given.
    """
    if source_lang is not None or target_lang is not None:
        source, target = resolve_direction((), source_lang, target_lang)
        return [DirectionGroup(source, target, list(docs), detected=False)]
    by_direction: dict[Direction, list[Document]] = {}
    undecided: list[Document] = []
    for doc in docs:
        text = "\n".join(b.text for b in doc.blocks if b.translatable)
        if sum(script_counts(text)) == 0:
            undecided.append(doc)
            continue
        source = detect_language(text)
        by_direction.setdefault(resolve_direction((), source), []).append(doc)
    if not by_direction:
        raise InputError(
            f"cannot tell the language of {list_names([article_name(d) for d in docs])}: there are no Korean "
            "or Latin letters to translate (code, markup and numbers are kept as they are); "
            "pass --from ko or --from en"
        )
    groups = [DirectionGroup(s, t, group, detected=True) for (s, t), group in by_direction.items()]
    groups.sort(key=lambda g: -len(g.documents))
    groups[0].idle = undecided
    return groups


def parse_model_options(values: Sequence[str] | str | None) -> tuple[str | None, dict[Direction, str]]:
    """``--model`` values as (the model for every direction, the model of each named direction).

    ``MODEL`` is for every direction; ``ko-en=MODEL`` or ``en-ko=MODEL`` for one.
    InputError for two plain models, a direction named twice, an unknown
    direction or an empty model.
    """
    if values is None or isinstance(values, str):
        values = [] if values is None else [values]
    plain: str | None = None
    directed: dict[Direction, str] = {}
    for value in values:
        match = _DIRECTED_MODEL.fullmatch(value)
        if match is None:
            if plain is not None:
                raise InputError(
                    f"--model given twice ({plain}, {value}); name the direction of each: "
                    "--model ko-en=MODEL --model en-ko=MODEL"
                )
            plain = _non_empty(value, value)
            continue
        source, target, model = match.groups()
        if source not in LANGUAGES or target not in LANGUAGES or source == target:
            raise InputError(f"--model {value}: unknown direction {source}-{target}; use ko-en= or en-ko=")
        if (source, target) in directed:
            raise InputError(f"--model {source}-{target}= given twice ({directed[(source, target)]}, {model})")
        directed[(source, target)] = _non_empty(model, value)
    return plain, directed


def _non_empty(model: str, value: str) -> str:
    if not model.strip():
        raise InputError(f"--model {value!r}: no model named")
    return model


def models_for(
    groups: Sequence[DirectionGroup], model: str | None, directed: Mapping[Direction, str] | None = None
) -> list[str | None]:
    """The model of each group (None: the pinned default of its direction); InputError when the
    models given cannot serve the groups (see the module docstring)."""
    directed = directed or {}
    chosen = [directed.get(g.direction, model) for g in groups]
    shared = [g for g, name in zip(groups, chosen) if g.direction not in directed and name is not None]
    for group, name in zip(groups, chosen):
        known = known_directions(name) if name is not None else None
        if known is not None and group.direction not in known:
            serves = ", ".join(f"{s}->{t}" for s, t in known)
            raise InputError(
                f"model {name} translates {serves}, not {group.summary()}; give --model "
                f"{group.source_lang}-{group.target_lang}=MODEL for them"
            )
    if len(shared) > 1 and known_directions(model) is None:
        listed = "; ".join(g.summary() for g in groups)
        raise InputError(
            f"--model {model} is one model for one direction, but the input goes both ways ({listed}); "
            "give a model per direction (--model ko-en=MODEL --model en-ko=MODEL) or --from/--to"
        )
    return chosen


def known_directions(model: str | None) -> tuple[Direction, ...] | None:
    """The directions a model from the known-model tables translates; None for any other model."""
    if model is None:
        return None
    from bilingual.models.offline import OFFLINE_MODELS
    from bilingual.models.registry import known_model

    known = known_model(model) or OFFLINE_MODELS.get(model)
    return tuple(known.directions) if known is not None else None


@dataclass
class DirectedResult(TranslationResult):
    """The translation of a run's direction groups; the report adds every article's direction."""

    groups: list[DirectionGroup] = field(default_factory=list)

    def report(self) -> dict:
        data = super().report()
        direction = {id(d): g.direction for g in self.groups for d in g.documents}
        data["articles"] = [
            {"document": d.id, "name": article_name(d), **_languages(direction.get(id(d)))} for d in self.documents
        ]
        data["summary"]["directions"] = {g.label: len(g.documents) for g in self.groups}
        idle = sum(len(g.idle) for g in self.groups)
        if idle:
            data["summary"]["directions"]["none"] = idle
        return data


def _languages(direction: Direction | None) -> dict[str, str | None]:
    """An article's ``source_lang`` and ``target_lang`` in the report (None: nothing to translate)."""
    source, target = direction or (None, None)
    return {"source_lang": source, "target_lang": target}


def translate_groups(
    docs: Sequence[Document],
    groups: Sequence[DirectionGroup],
    translators: Sequence[Translator],
    *,
    progress: Progress | None = None,
) -> DirectedResult:
    """Translate each group with its translator; the documents come back in the order of ``docs``.

    Progress counts on across groups. An EmptyTranslationError of a group
    carries the result of every group translated so far, that one included.
    """
    results: list[TranslationResult] = []
    offset = 0
    for group, translator in zip(groups, translators, strict=True):
        seen = [0]

        def counted(done: int, total: int, base: int = offset, seen: list[int] = seen) -> None:
            seen[0] = total
            if progress is not None:
                progress(base + done, base + total)

        try:
            results.append(translator.translate_documents([*group.documents, *group.idle], progress=counted))
        except EmptyTranslationError as exc:
            exc.result = _merged(docs, groups, [*results, exc.result])
            raise
        offset += seen[0]
    return _merged(docs, groups, results)


def _merged(docs: Sequence[Document], groups: Sequence[DirectionGroup], results: Sequence[TranslationResult]) -> DirectedResult:
    """One result: documents in input order, each document's segments at its place."""
    position = {id(d): i for i, d in enumerate(docs)}
    chunks: list[tuple[int, list]] = []
    for result in results:
        segments = iter(result.segments)
        pending = next(segments, None)
        for doc in result.documents:
            mine = []
            while pending is not None and pending.document == doc.id:
                mine.append(pending)
                pending = next(segments, None)
            chunks.append((position[id(doc)], mine))
        if pending is not None:  # segments of a document the walk did not reach stay with the last one
            chunks[-1][1].extend([pending, *segments])
    chunks.sort(key=lambda c: c[0])
    translated = {id(d) for r in results for d in r.documents}
    return DirectedResult(
        documents=[d for d in docs if id(d) in translated],
        segments=[s for _, mine in chunks for s in mine],
        groups=list(groups),
    )
