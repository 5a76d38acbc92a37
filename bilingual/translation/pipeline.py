"""The translation pipeline: documents in, translated documents and a report out.

For all documents at once: split every translatable block into sentences (and
over-long sentences into clause parts), mask protected spans, let the glossary
enforcer prepare each segment, sort the segments of ALL documents by token
length, translate them in token-budget batches, put them back in order, retry
any non-empty segment whose output came back empty with a minimum output
length, let the enforcer finish, restore the protected spans, and fill
``Segment.translation``. Every source segment must end with a non-empty
translation and every document must keep its blocks: anything else raises
:class:`~bilingual.errors.EngineError`.

With a translation memory (``memory``), each segment is looked up first: an
exact match, or a fuzzy one at or above ``memory_threshold``, gives its target
as the translation (``Segment.origin`` "tm-exact" / "tm-fuzzy", with the
score), and only the rest go to the engine (origin "mt"). A memory target is
an approved translation and is used as it is: the glossary enforcer checks
its names without changing it (a term the enforcer would have repaired or
inserted is reported ``missed``, its detail saying the memory's target was
kept), and placeholder restoring applies to machine translations only.

The three steps are public for callers that stream (``bilingual.archive.stream``):
:meth:`Translator.prepare_documents`, :meth:`Translator.translate_pending` (which
says after each batch which segments are final, an empty output having been
retried at once) and :meth:`Translator.finish_documents` for any subset of the
documents.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

from bilingual.document import Block, Document, Segment
from bilingual.engines.base import Engine, GenerationOptions, Translation
from bilingual.errors import EmptyTranslationError, EngineError, InputError
from bilingual.glossary.hooks import Prepared, TermEnforcer, TermEvent
from bilingual.text.invisible import without_invisible
from bilingual.translation.placeholders import Masked, dropped, mask, unmask
from bilingual.translation.report import SegmentReport, TranslationResult
from bilingual.translation.segmenting import segment_block, split_long

if TYPE_CHECKING:
    from bilingual.memory.store import TranslationMemory

# Longest segment (source tokens) sent to a model in one piece. Sentence-level
# NMT models are trained on sentences far shorter than their position limit
# and degrade on longer input, so longer sentences are split at clause
# boundaries even when the model would accept them.
MAX_SEGMENT_TOKENS = 256
# Padded source tokens per batch for each unit of --batch-size: a batch holds at
# most batch_size segments and at most batch_size * TOKENS_PER_SLOT tokens.
TOKENS_PER_SLOT = 64
# Room left under the model's limit for placeholders and glossary substitutions.
_LIMIT_MARGIN = 8

Progress = Callable[[int, int], None]


@dataclass
class _Unit:
    """One segment on its way through the engine."""

    source: str
    masked: Masked
    prepared: Prepared
    output: str = ""
    retried: bool = False
    notes: list[dict] = field(default_factory=list)
    origin: str | None = None  # "tm-exact" / "tm-fuzzy" when the memory gave the output; None: the engine's
    tm_score: float | None = None


@dataclass
class PendingDocuments:
    """Documents split into segments and prepared for the engine (:meth:`Translator.prepare_documents`).

    ``slots[k]`` is the (document, block, segment index, Segment) of ``units[k]``;
    the slots of document ``d`` are ``slots[starts[d]:starts[d + 1]]``.
    """

    docs: list[Document]
    block_counts: list[int]
    slots: list[tuple[int, int, int, Segment]] = field(default_factory=list)
    units: list[_Unit] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)

    def document_of(self, unit: int) -> int:
        """The index of the document that unit ``unit`` belongs to."""
        return self.slots[unit][0]


class Translator:
    """Translate documents or plain segments with one engine (one direction)."""

    def __init__(
        self,
        engine: Engine,
        enforcer: TermEnforcer | None = None,
        options: GenerationOptions = GenerationOptions(),
        *,
        max_segment_tokens: int = MAX_SEGMENT_TOKENS,
        memory: TranslationMemory | None = None,
        memory_threshold: float = 85.0,
    ) -> None:
        if enforcer is not None and (
            enforcer.source_lang != engine.source_lang or enforcer.target_lang != engine.target_lang
        ):
            raise InputError(
                f"glossary direction {enforcer.source_lang}->{enforcer.target_lang} does not match "
                f"the model's {engine.source_lang}->{engine.target_lang}"
            )
        if options.batch_size < 1 or options.beams < 1 or options.max_length < 1:
            raise InputError("--batch-size, --beams and --max-length must be at least 1")
        self.engine = engine
        self.enforcer = enforcer
        self.options = options
        self.max_segment_tokens = max_segment_tokens
        self.memory = memory
        self.memory_threshold = memory_threshold

    @classmethod
    def from_pretrained(
        cls,
        model: str | None = None,
        *,
        source_lang: str = "ko",
        target_lang: str = "en",
        engine: str | None = None,
        revision: str | None = None,
        device: str = "cpu",
        threads: int | None = None,
        compute_type: str | None = None,
        enforcer: TermEnforcer | None = None,
        options: GenerationOptions = GenerationOptions(),
        engine_options: Mapping[str, str] | None = None,
    ) -> Translator:
        """Load ``model`` (default: the pinned model for the direction) and wrap it."""
        from bilingual.engines import load_engine
        from bilingual.models.registry import default_model

        name = model or default_model(source_lang, target_lang)
        loaded = load_engine(
            name,
            source_lang=source_lang,
            target_lang=target_lang,
            engine=engine,
            device=device,
            threads=threads,
            revision=revision,
            compute_type=compute_type,
            engine_options=engine_options,
        )
        return cls(loaded, enforcer=enforcer, options=options)

    # limits ------------------------------------------------------------------

    def segment_limit(self) -> int:
        """Most source tokens one segment may have before it is split into parts."""
        return max(8, min(self.engine.max_input_tokens() - _LIMIT_MARGIN, self.max_segment_tokens))

    # plain segments ----------------------------------------------------------

    def translate_texts(self, texts: Sequence[str], *, progress: Progress | None = None) -> list[str]:
        """One translation per input text (each text is one segment; over-long ones are
        translated in clause parts joined by a space). Empty texts give empty outputs."""
        limit = self.segment_limit()
        pieces: list[tuple[int, str, str]] = []  # (text index, part, trailing)
        for i, text in enumerate(texts):
            if not text.strip():
                continue
            for part, trailing in split_long(text.strip(), self.engine.source_lang, limit, self.engine.count_tokens):
                pieces.append((i, part, trailing))
        units = [self._unit(part, []) for _, part, _ in pieces]
        self._translate_units(units, progress)
        finished = [self._finish(unit)[0] for unit in units]
        empty = [pieces[k][1] for k, text in enumerate(finished) if not text]
        if empty:
            raise EngineError(f"{len(empty)} segment(s) came back empty even with a minimum length, e.g. {empty[0][:60]!r}")
        outputs = [""] * len(texts)
        for (i, _, _), text in zip(pieces, finished):
            outputs[i] = f"{outputs[i]} {text}" if outputs[i] else text
        return outputs

    # documents ---------------------------------------------------------------

    def translate_document(self, doc: Document, *, progress: Progress | None = None) -> Document:
        """Translate one document in place and return it (see :meth:`translate_documents`)."""
        return self.translate_documents([doc], progress=progress).documents[0]

    def translate_documents(self, docs: Sequence[Document], *, progress: Progress | None = None) -> TranslationResult:
        """Fill ``Segment.translation`` of every translatable block of every document.

        Raises EngineError if a document would lose or gain blocks or a source
        segment has no translation; EmptyTranslationError (carrying the result)
        if a non-empty segment stays empty after the retry.
        """
        pending = self.prepare_documents(docs)
        for _ in self.translate_pending(pending, progress=progress):
            pass
        return self.finish_documents(pending)

    # the three steps of translate_documents, for callers that stream -------

    def prepare_documents(self, docs: Sequence[Document]) -> PendingDocuments:
        """Split every translatable block of ``docs`` into segments, mask protected spans and
        let the glossary enforcer prepare each segment; nothing is sent to the engine yet."""
        source_lang = self.engine.source_lang
        limit = self.segment_limit()
        pending = PendingDocuments(list(docs), [len(d.blocks) for d in docs])
        for d, doc in enumerate(pending.docs):
            doc.source_lang, doc.target_lang = source_lang, self.engine.target_lang
            pending.starts.append(len(pending.slots))
            for b, block in enumerate(doc.blocks):
                segments = segment_block(block, source_lang, max_tokens=limit, count_tokens=self.engine.count_tokens)
                for s, (segment, spans) in enumerate(zip(segments, _segment_spans(block))):
                    if not segment.text.strip():
                        segment.translation = segment.text
                        continue
                    pending.slots.append((d, b, s, segment))
                    pending.units.append(self._unit(segment.text, spans))
        pending.starts.append(len(pending.slots))
        if self.memory is not None and pending.units:
            matches = self.memory.lookup_many(
                [unit.source for unit in pending.units], source_lang, self.engine.target_lang,
                threshold=self.memory_threshold,
            )  # fmt: skip
            for unit, match in zip(pending.units, matches):
                if match is not None:
                    unit.output = match.entry.target
                    unit.origin = "tm-exact" if match.kind == "exact" else "tm-fuzzy"
                    unit.tm_score = match.score
        return pending

    def translate_pending(self, pending: PendingDocuments, *, progress: Progress | None = None) -> Iterator[list[int]]:
        """Translate the segments of ``pending``: distinct model inputs in longest-first
        token-budget batches, an empty output retried at once with a minimum length.

        A generator: nothing is translated until it is iterated. After each batch
        it yields the indices (into ``pending.units``) of the segments whose
        output is now final.
        """
        return self._unit_batches(pending.units, progress)

    def finish_documents(self, pending: PendingDocuments, which: Sequence[int] | None = None) -> TranslationResult:
        """Finish the translated segments of the documents ``which`` (indices into
        ``pending.docs``; default all): glossary enforcement, protected spans restored,
        ``Segment.translation`` filled, every document checked (see :meth:`translate_documents`)."""
        indices = range(len(pending.docs)) if which is None else which
        docs = [pending.docs[d] for d in indices]
        reports: list[SegmentReport] = []
        for d in indices:
            for k in range(pending.starts[d], pending.starts[d + 1]):
                _, b, s, segment = pending.slots[k]
                unit = pending.units[k]
                output, events, restored = self._finish(unit)
                segment.translation = output
                segment.origin, segment.tm_score = unit.origin or "mt", unit.tm_score
                reports.append(
                    SegmentReport(
                        document=pending.docs[d].id,
                        block=b,
                        segment=s,
                        source=segment.text,
                        output=output,
                        part_of=segment.part_of,
                        terms=events,
                        retried=unit.retried,
                        empty=not output,
                        restored=restored,
                        engine_notes=list(unit.notes),
                        origin=unit.origin or "mt",
                        tm_score=unit.tm_score,
                    )
                )
        result = TranslationResult(docs, reports)
        if result.empty_segments:
            first = result.empty_segments[0]
            raise EmptyTranslationError(
                f"{len(result.empty_segments)} segment(s) came back empty even when retried with a minimum "
                f"length (document {first.document or '-'}, block {first.block}, segment {first.segment}: "
                f"{first.source[:60]!r})",
                result,
            )
        _verify(docs, [pending.block_counts[d] for d in indices])
        return result

    # internals ---------------------------------------------------------------

    def _unit(self, text: str, spans: list[tuple[int, int]]) -> _Unit:
        masked = mask(text, spans)
        if self.enforcer is not None:
            prepared = self.enforcer.prepare(masked.text)
        else:
            prepared = Prepared(source=masked.text, model_input=masked.text)
        prepared.model_input = without_invisible(prepared.model_input)
        return _Unit(source=text, masked=masked, prepared=prepared)

    def _finish(self, unit: _Unit) -> tuple[str, list[TermEvent], list[str]]:
        """The enforcer's finish, then the protected spans put back: (text, term events, spans restored at the end)."""
        if unit.origin is not None:  # a translation memory's target: used as it is, its names checked
            output = unit.output.strip()
            if self.enforcer is None:
                return output, [], []
            _, checked = self.enforcer.finish(unit.prepared, output)
            return output, [_memory_event(event) for event in checked], []
        output, events = unit.output, list(unit.prepared.events)
        if self.enforcer is not None:
            output, events = self.enforcer.finish(unit.prepared, output)
        restored = dropped(output, unit.masked)
        return unmask(output, unit.masked).strip(), events, restored

    def _translate_units(self, units: list[_Unit], progress: Progress | None) -> None:
        """Translate the distinct model inputs of ``units`` (see :meth:`_unit_batches`)."""
        for _ in self._unit_batches(units, progress):
            pass

    def _unit_batches(self, units: list[_Unit], progress: Progress | None) -> Iterator[list[int]]:
        """Translate the distinct model inputs of ``units``, longest-first batches, each empty
        output retried at once; after each batch, yield the indices of the units it finished."""
        where: dict[str, list[int]] = {}
        remembered = []  # outputs the translation memory gave: final already
        for k, unit in enumerate(units):
            if unit.origin is not None:
                remembered.append(k)
            else:
                where.setdefault(unit.prepared.model_input, []).append(k)
        distinct = list(where)
        if remembered:
            yield remembered
        if not distinct:
            if progress:
                progress(0, 0)
            return
        counts = self.engine.count_tokens(distinct)
        hard_limit = self.engine.max_input_tokens()
        over = [(text, n) for text, n in zip(distinct, counts) if n > hard_limit]
        if over:
            raise EngineError(
                f"a segment has {over[0][1]} tokens after glossary and placeholder substitution, more than the "
                f"model's {hard_limit}: {over[0][0][:60]!r}"
            )
        order = sorted(range(len(distinct)), key=lambda i: counts[i], reverse=True)
        done = 0
        for batch in _batches(order, counts, self.options.batch_size):
            texts = [distinct[i] for i in batch]
            translated = self.engine.translate_batch(texts, self.options)  # one result per text: the Engine checks
            notes: dict[str, list[dict]] = {}
            self._collect_notes(texts, translated, notes)
            outputs = dict(zip(texts, (t.text.strip() for t in translated)))
            retried: set[str] = set()
            for i in batch:
                text = distinct[i]
                if text.strip() and not outputs[text]:
                    minimum = min(self.options.max_length, max(2, math.ceil(counts[i] / 3)))
                    again = self.engine.translate_batch([text], replace(self.options, min_length=minimum))
                    self._collect_notes([text], again, notes)
                    outputs[text] = again[0].text.strip()
                    retried.add(text)
            finished: list[int] = []
            for text in texts:
                for k in where[text]:
                    units[k].output = outputs[text]
                    units[k].retried = text in retried
                    units[k].notes = notes.get(text, [])
                    finished.append(k)
            done += len(texts)
            if progress:
                progress(done, len(distinct))
            yield finished

    @staticmethod
    def _collect_notes(texts: list[str], translated: list[Translation], notes: dict[str, list[dict]]) -> None:
        """File the notes of each translation (as dicts, for the report) under its input text."""
        for text, result in zip(texts, translated, strict=True):
            if result.notes:
                notes.setdefault(text, []).extend(asdict(note) for note in result.notes)


def _batches(order: list[int], counts: list[int], batch_size: int) -> list[list[int]]:
    """Consecutive runs of ``order`` (sorted by length) of at most ``batch_size`` items
    and ``batch_size * TOKENS_PER_SLOT`` padded tokens."""
    budget = batch_size * TOKENS_PER_SLOT
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        n = max(counts[i], 1)
        if current and (len(current) >= batch_size or max(longest, n) * (len(current) + 1) > budget):
            batches.append(current)
            current, longest = [], 0
        current.append(i)
        longest = max(longest, n)
    if current:
        batches.append(current)
    return batches


def _segment_spans(block: Block) -> list[list[tuple[int, int]]]:
    """Each segment's protected spans, relative to the segment's text."""
    out = []
    offset = 0
    for segment in block.segments:
        end = offset + len(segment.text)
        spans = [(max(s, offset) - offset, min(e, end) - offset) for s, e in block.protected if s < end and e > offset]
        out.append([(s, e) for s, e in spans if e > s])
        offset = end + len(segment.trailing)
    return out


def _verify(docs: Sequence[Document], block_counts: list[int]) -> None:
    """Every document keeps its blocks; every non-empty source segment has a non-empty translation."""
    for doc, count in zip(docs, block_counts):
        if len(doc.blocks) != count:
            raise EngineError(f"document {doc.id or '-'} had {count} blocks but has {len(doc.blocks)} after translation")
        for b, block in enumerate(doc.blocks):
            if not block.translatable:
                continue
            if "".join(s.text + s.trailing for s in block.segments) != block.text:
                raise EngineError(f"document {doc.id or '-'} block {b}: its segments do not add up to its text")
            for s, segment in enumerate(block.segments):
                if segment.text.strip() and not (segment.translation or "").strip():
                    raise EngineError(
                        f"document {doc.id or '-'} block {b} segment {s} has no translation: {segment.text[:60]!r}"
                    )


def _memory_event(event: TermEvent) -> TermEvent:
    """A term event of a translation memory's target, which is never changed: a repair becomes a miss."""
    if event.status != "repaired":
        return event
    detail = f"in the translation memory's target, kept as it is ({event.detail})"
    return replace(event, status="missed", detail=detail)
