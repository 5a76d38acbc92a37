"""Translating a stream of articles with bounded memory, like CTranslate2's ``translate_iterable``.

Records are read lazily and taken ``window`` at a time (window ``k`` is the
records ``k * window`` to ``(k + 1) * window - 1`` of the stream). The
segments of a window's articles are translated together by the
:class:`~bilingual.translation.pipeline.Translator`: split, masked, prepared
by the glossary enforcer, de-duplicated, sorted by token length and batched by
its token budget. After each batch, every article whose segments are all done
is finished (glossary enforcement, protected spans put back, checks) and
yielded:

- ``order="input"`` (the default): in input order; an article is yielded as
  soon as it and every article before it are done.
- ``order="finished"``: as soon as it is done; articles finished by the same
  batch come in input order, and articles with nothing to translate come first.

Both orders depend only on the input, the window and the translator's
settings, never on timing, so a run repeated over the same window gives the
same output in the same order (what a resumed run relies on). At most one
window of articles is held at a time, so peak memory depends on the window
and the longest articles, not on how many articles the stream has.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Literal, TypeVar

from bilingual.archive.records import Record
from bilingual.errors import InputError
from bilingual.translation.pipeline import PendingDocuments, Progress, Translator
from bilingual.translation.report import SegmentReport

__all__ = ["DEFAULT_WINDOW", "ORDERS", "Order", "Translated", "translate_records", "translate_stream", "windows"]

Order = Literal["input", "finished"]
ORDERS: tuple[str, ...] = ("input", "finished")
# Articles translated together: enough for full, length-sorted batches across
# articles; small enough that a window of long articles stays a few MB.
DEFAULT_WINDOW = 64

T = TypeVar("T")


@dataclass
class Translated:
    """One finished article: its record (``record.document`` now translated), the report
    of each of its segments, and whether it is the last article of its window to finish."""

    record: Record
    segments: list[SegmentReport] = field(default_factory=list)
    window: int = 0  # which window it was translated in
    window_end: bool = False  # no article of this window comes after it


def check_stream_options(window: int, order: str) -> None:
    """InputError for a window below 1 or an order that is not ``input`` or ``finished``."""
    if window < 1:
        raise InputError(f"--window must be at least 1 (got {window})")
    if order not in ORDERS:
        raise InputError(f"--order must be one of {', '.join(ORDERS)} (got {order!r})")


def windows(items: Iterable[T], window: int) -> Iterator[list[T]]:
    """``items`` in consecutive lists of ``window`` (the last may be shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, window)):
        yield chunk


def translate_stream(
    records: Iterable[Record],
    translator: Translator,
    *,
    window: int = DEFAULT_WINDOW,
    order: Order | str = "input",
    progress: Progress | None = None,
    first_window: int = 0,
) -> Iterator[Translated]:
    """Translate ``records`` window by window and yield each article as it is done (see the module text).

    ``progress(done, total)`` counts the distinct segments of the current
    window. ``first_window`` numbers the first window (a caller that skips whole
    windows keeps the numbers of the full stream). Errors of the translator
    (:class:`~bilingual.errors.EngineError`, an empty segment) stop the stream;
    articles yielded before stay valid.
    """
    check_stream_options(window, order)
    for number, chunk in enumerate(windows(records, window), start=first_window):
        yield from translate_window(chunk, translator, order=order, progress=progress, number=number)


def translate_window(
    chunk: list[Record],
    translator: Translator,
    *,
    order: Order | str = "input",
    progress: Progress | None = None,
    number: int = 0,
) -> Iterator[Translated]:
    """Translate one window of records together; yield each as it is done, in ``order``."""
    pending = translator.prepare_documents([r.document for r in chunk])
    remaining = [pending.starts[d + 1] - pending.starts[d] for d in range(len(chunk))]
    done = [n == 0 for n in remaining]
    emitted = 0
    next_in_order = 0

    def ready(newly: list[int]) -> Iterator[Translated]:
        nonlocal emitted, next_in_order
        if order == "finished":
            picked = sorted(newly)
        else:
            picked = []
            while next_in_order < len(chunk) and done[next_in_order]:
                picked.append(next_in_order)
                next_in_order += 1
        for d in picked:
            emitted += 1
            yield _finish(pending, translator, chunk, d, number, emitted == len(chunk))

    yield from ready([d for d in range(len(chunk)) if done[d]])
    for units in translator.translate_pending(pending, progress=progress):
        newly = []
        for unit in units:
            d = pending.document_of(unit)
            remaining[d] -= 1
            if remaining[d] == 0:
                done[d] = True
                newly.append(d)
        yield from ready(newly)


def _finish(pending: PendingDocuments, translator: Translator, chunk: list[Record], d: int, number: int, last: bool) -> Translated:
    result = translator.finish_documents(pending, [d])
    return Translated(record=chunk[d], segments=result.segments, window=number, window_end=last)


def translate_records(
    records: Iterable[Record], translator: Translator, *, window: int = DEFAULT_WINDOW, order: Order | str = "input"
) -> list[Translated]:
    """Every record of ``records`` translated (:func:`translate_stream`, collected in a list)."""
    return list(translate_stream(records, translator, window=window, order=order))
