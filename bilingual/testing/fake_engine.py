"""A deterministic stand-in engine for unit tests of code around the engine.

It "translates" by tagging the text (``"[en] " + text`` by default), records
every batch it was given (after :class:`~bilingual.engines.base.Engine` took out
blank segments), counts one token per word or punctuation mark, can be told to
return empty output for chosen inputs (unless a minimum length is forced, as the
pipeline's retry does) and to attach notes to chosen inputs' translations. Features still need a test through
the real transformers path with :mod:`bilingual.testing.tiny_model`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bilingual.engines.base import Engine, EngineNote, GenerationOptions, Translation

_TOKEN = re.compile(r"\w+|[^\w\s]")


class FakeEngine(Engine):
    name = "fake"

    def __init__(
        self,
        source_lang: str = "ko",
        target_lang: str = "en",
        *,
        max_tokens: int = 512,
        transform: Callable[[str], str] | None = None,
        empty_for: tuple[str, ...] = (),
        always_empty: tuple[str, ...] = (),
        notes: dict[str, tuple[EngineNote, ...]] | None = None,
    ) -> None:
        self.model_id = "fake"
        self.source_lang = source_lang
        self.target_lang = target_lang
        self._max_tokens = max_tokens
        self._transform = transform or (lambda text: f"[{target_lang}] {text}")
        self._empty_for = set(empty_for)  # empty unless a minimum length is forced
        self._always_empty = set(always_empty)  # empty even then
        self._notes = dict(notes or {})
        self.batches: list[list[str]] = []
        self.options: list[GenerationOptions] = []

    def max_input_tokens(self) -> int:
        return self._max_tokens

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(_TOKEN.findall(t)) for t in texts]

    def _translate(self, texts: list[str], options: GenerationOptions) -> list[Translation]:
        self.batches.append(list(texts))
        self.options.append(options)
        out = []
        for text in texts:
            empty = text in self._always_empty or (text in self._empty_for and options.min_length == 0)
            out.append(Translation("" if empty else self._transform(text), self._notes.get(text, ())))
        return out
