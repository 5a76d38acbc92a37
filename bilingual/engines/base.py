"""The contract every translation engine keeps.

An engine turns a batch of source segments into the same number of
:class:`Translation` results, in order. It knows nothing of documents,
glossaries or files.

:class:`Engine` is the base class of every engine. Its public
:meth:`Engine.translate_batch` checks the call once for all engines (a list of
strings, valid :class:`GenerationOptions`, no segment over the engine's input
limit), answers a blank segment with an empty translation without asking the
model, and checks that the engine's own :meth:`Engine._translate` gave exactly
one :class:`Translation` per segment it was given; any break of that is an
:class:`~bilingual.errors.EngineError`.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass

from bilingual.errors import EngineError, InputError


@dataclass(frozen=True)
class GenerationOptions:
    beams: int = 4
    max_length: int = 512  # maximum number of generated target tokens
    min_length: int = 0  # minimum number of generated target tokens (retry of empty output)
    batch_size: int = 16

    def check(self) -> None:
        """InputError naming the first setting out of range."""
        for name, lowest in (("beams", 1), ("max_length", 1), ("min_length", 0), ("batch_size", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
                raise InputError(f"generation option {name} must be an integer of at least {lowest} (got {value!r})")


@dataclass(frozen=True)
class EngineNote:
    """Something an engine did to hold one answer to its segment (e.g. cut a loop, retried)."""

    kind: str  # "cut" | "retried" | "empty" | "untranslated" | "example"
    detail: str
    raw: str = ""  # the model's answer before the cut or retry


@dataclass(frozen=True)
class Translation:
    """One segment's translation and what the engine did to get it."""

    text: str
    notes: tuple[EngineNote, ...] = ()


class Engine(abc.ABC):
    """One loaded model for one direction (``source_lang`` -> ``target_lang``)."""

    name: str = ""
    model_id: str
    source_lang: str  # "ko" | "en"
    target_lang: str

    @abc.abstractmethod
    def max_input_tokens(self) -> int:
        """Largest number of source tokens the model accepts for one segment."""

    @abc.abstractmethod
    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source-side token counts (used to split over-long segments and to batch)."""

    @abc.abstractmethod
    def _translate(self, texts: list[str], options: GenerationOptions) -> list[Translation]:
        """Translate non-blank ``texts`` (already checked); exactly one result per text, in order."""

    def translate_batch(self, texts: Sequence[str], options: GenerationOptions) -> list[Translation]:
        """Translate ``texts``: exactly ``len(texts)`` results, in order.

        InputError for a call that is wrong (not a list of strings, options out of
        range); EngineError for a segment over :meth:`max_input_tokens` (nothing
        is ever truncated: split it first) and for an engine that breaks the
        one-in, one-out rule. A blank segment gets an empty translation.
        """
        batch = checked_texts(texts)
        if not isinstance(options, GenerationOptions):
            raise InputError(f"options must be GenerationOptions, not {type(options).__name__}")
        options.check()
        wanted = [i for i, text in enumerate(batch) if text.strip()]
        if not wanted:
            return [Translation("") for _ in batch]
        todo = [batch[i] for i in wanted]
        self._check_lengths(todo, wanted)
        results = list(self._translate(todo, options))
        if len(results) != len(todo) or not all(isinstance(r, Translation) for r in results):
            kinds = sorted({type(r).__name__ for r in results if not isinstance(r, Translation)})
            what = f" ({', '.join(kinds)} instead of Translation)" if kinds else ""
            raise EngineError(f"engine {self.name} returned {len(results)} outputs for {len(todo)} segments{what}")
        out = [Translation("") for _ in batch]
        for i, result in zip(wanted, results):
            out[i] = result
        return out

    def _check_lengths(self, texts: list[str], positions: Sequence[int] | None = None) -> None:
        """EngineError for the first text over :meth:`max_input_tokens` (``positions``: its place in the caller's batch)."""
        limit = self.max_input_tokens()
        for k, n in enumerate(self.count_tokens(texts)):
            if n > limit:
                where = (positions[k] if positions is not None else k) + 1
                raise EngineError(
                    f"segment {where} of the batch has {n} tokens, more than the {self.name} engine's limit of "
                    f"{limit}; split it before translating (nothing is truncated)"
                )

    def translate_texts(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """:meth:`translate_batch` without the notes: one string per text."""
        return [result.text for result in self.translate_batch(texts, options)]


def checked_texts(texts: Sequence[str]) -> list[str]:
    """``texts`` as a list; InputError unless it is a sequence of strings (a bare string is not)."""
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
        raise InputError(f"translate_batch takes a list of strings, not {type(texts).__name__}")
    bad = next((i for i, text in enumerate(texts) if not isinstance(text, str)), None)
    if bad is not None:
        raise InputError(f"segment {bad + 1} of the batch is {type(texts[bad]).__name__}, not str")
    return list(texts)
