"""What the ``bilingual tm`` commands do, as library functions over a memory file.

Each opens the memory, does one thing, and closes it. A memory may never be
one of the inputs it is filled from, and an exported TMX never the memory or
its source (the output guard of :mod:`bilingual.outputs`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from bilingual.errors import InputError
from bilingual.memory.store import TMEntry, TMMatch, TranslationMemory

__all__ = ["add_pair", "corpus_entries", "export_tmx", "import_pairs", "lookup", "stats"]

PathLike = str | os.PathLike[str]


def corpus_entries(corpus: PathLike, source_lang: str, target_lang: str) -> Iterator[TMEntry]:
    """The aligned segment pairs of a reference corpus (a name under corpora/ or a folder)."""
    from bilingual.corpus.folder import load_corpus

    loaded = load_corpus(corpus)
    origin = f"corpus:{loaded.name}"
    for source, target in zip(loaded.side(source_lang), loaded.side(target_lang), strict=True):
        yield TMEntry(source, target, source_lang, target_lang, origin=origin)


def import_pairs(tm: PathLike, source: PathLike, source_lang: str, target_lang: str) -> tuple[int, int]:
    """Add the pairs of a TMX file or a corpus to ``tm``: (pairs read, entries new)."""
    from bilingual.outputs import check_outputs

    check_outputs([("the source", source)], [("--tm", tm)])
    path = Path(source)
    if path.suffix.lower() == ".tmx":
        from bilingual.memory.tmx import read_tmx

        entries = list(read_tmx(path, source_lang=source_lang, target_lang=target_lang))
        if not entries:
            raise InputError(f"TMX {path}: no unit has both a {source_lang} and a {target_lang} variant")
    else:
        entries = list(corpus_entries(source, source_lang, target_lang))
    with TranslationMemory.open(tm) as memory:
        return len(entries), memory.add(entries)


def export_tmx(tm: PathLike, output: PathLike, source_lang: str, target_lang: str) -> int:
    """Write the ``source_lang``→``target_lang`` entries of ``tm`` to ``output`` as TMX; the number written."""
    from bilingual.memory.tmx import render_tmx
    from bilingual.outputs import check_outputs, write_atomic

    check_outputs([("--tm", tm)], [("OUTPUT", output)])
    with TranslationMemory.open(tm, create=False) as memory:
        entries = list(memory.entries(source_lang, target_lang))
    if not entries:
        raise InputError(f"translation memory {tm}: no {source_lang}->{target_lang} entries to export")
    write_atomic(output, render_tmx(entries, source_lang=source_lang), what="OUTPUT")
    return len(entries)


def add_pair(tm: PathLike, source: str, target: str, source_lang: str, target_lang: str, *, note: str = "") -> bool:
    """Add one pair; whether it was new."""
    if not source.strip() or not target.strip():
        raise InputError("--source and --target must both hold text")
    with TranslationMemory.open(tm) as memory:
        return memory.add([TMEntry(source, target, source_lang, target_lang, origin="add", note=note)]) == 1


def lookup(
    tm: PathLike, text: str, source_lang: str, target_lang: str, *, threshold: float = 85.0, limit: int = 3
) -> list[TMMatch]:
    """The best matches of ``text`` in ``tm``."""
    from bilingual.translation.files import check_memory_threshold

    check_memory_threshold(threshold, "--threshold")
    if limit < 1:
        raise InputError("--limit must be at least 1")
    with TranslationMemory.open(tm, create=False) as memory:
        return memory.lookup(text, source_lang, target_lang, threshold=threshold, limit=limit)


def stats(tm: PathLike) -> tuple[int, list[tuple[str, str, int]]]:
    """(entries, entries per language pair) of ``tm``."""
    with TranslationMemory.open(tm, create=False) as memory:
        return len(memory), memory.pairs()
