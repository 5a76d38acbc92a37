"""The process's kiwipiepy analyser, shared by sentence splitting and the glossary.

:mod:`bilingual.translation.segmenting` and :mod:`bilingual.glossary.korean` both need a
``Kiwi``; both ask here, so it is built once per process. Without kiwipiepy's
multi-word dictionary it starts in about 1.7 s (build, then the first analysis)
and holds about 320 MB; with it, 4.4 s and 510 MB. Sentence boundaries on
NTREX-128 and the glossary-matching table (``eval/bench/segment.py``,
``eval/scripts/glossary_match_accuracy.py``) come out identical either way, so
translation goes without it. ``glossary suggest`` asks for it
(``multi_words=True``): it finds multi-word names, and its top-100 precision
on NTREX-128 drops from 75 to 67 kept without it. ``num_workers=1``: calls
are one paragraph or one word at a time, where a thread pool only costs memory.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_BUILDING = threading.Lock()  # threads asking at once (bilingual serve) wait for one build, not build one each


def kiwi(*, multi_words: bool = False) -> Any:
    """The shared ``kiwipiepy.Kiwi``, built on first use."""
    with _BUILDING:
        return _build(multi_words)


@functools.lru_cache(maxsize=2)
def _build(multi_words: bool) -> Any:
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=1, load_multi_dict=multi_words)


kiwi.cache_clear = _build.cache_clear  # type: ignore[attr-defined]  # as with functools.lru_cache
