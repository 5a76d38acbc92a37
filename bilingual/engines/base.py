"""The protocol every translation engine implements.

An engine turns a batch of source segments into the same number of target
segments, in order. It knows nothing of documents, glossaries or files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class GenerationOptions:
    beams: int = 4
    max_length: int = 512  # maximum number of generated target tokens
    min_length: int = 0  # minimum number of generated target tokens (retry of empty output)
    batch_size: int = 16


@runtime_checkable
class Engine(Protocol):
    name: str
    model_id: str
    source_lang: str  # "ko" | "en"
    target_lang: str

    def max_input_tokens(self) -> int:
        """Largest number of source tokens the model accepts for one segment."""

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source-side token counts (used to split over-long segments and to batch)."""

    def translate_batch(self, texts: list[str], options: GenerationOptions) -> list[str]:
        """Translate ``texts``; must return exactly ``len(texts)`` strings, in order."""
