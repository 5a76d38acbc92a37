"""Editing a glossary file safely: a lock, a re-read under the lock, an atomic replace.

Every edit takes ``.<name>.lock`` next to the file (``filelock``), reads the
file again under the lock (so concurrent editors each see the others' rows),
changes it in memory and writes it back with
:func:`bilingual.outputs.write_atomic` (a temporary file in the same folder,
fsync-ed and renamed over the original, its permission bits kept). A process
killed at any moment therefore leaves either the old or the new file. A
glossary reached through a symlink is edited where the link points: the lock,
the temporary file and the new content are next to the target, and the link
stays a link.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bilingual.errors import EditConflict, GlossaryError, InputError
from bilingual.glossary import io as glossary_io
from bilingual.glossary.terms import COLUMNS, KINDS, STATUSES, Glossary, Term
from bilingual.outputs import write_atomic
from bilingual.text.encoding import Decoded
from bilingual.text.invisible import hidden_characters

LOCK_TIMEOUT_S = 60.0


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def edit(path: str | Path, change: Callable[[Glossary], object], *, create: bool = False) -> object:
    """Lock ``path``, read it, apply ``change`` to the glossary, write it back atomically.

    Returns whatever ``change`` returns. ``create=True`` starts an empty canonical
    glossary when the file does not exist.
    """
    from filelock import FileLock, Timeout

    path = Path(path)
    if path.is_symlink():  # edit the file the link points to; the link stays
        path = Path(os.path.realpath(path))
    if not path.parent.is_dir():
        raise GlossaryError(f"{path.parent}: no such folder")
    try:
        with FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_S):
            # only a lock holder writes temporary files: any left now are from a killed writer
            for stale in path.parent.glob(f".{path.name}.*.tmp"):
                stale.unlink(missing_ok=True)
            stored = Decoded("", str(path))  # a new file: UTF-8, LF line breaks, no BOM
            if path.exists():
                stored = glossary_io.read_file(path)
                glossary = glossary_io.parse_file(stored.text, path)
            elif create:
                glossary = Glossary(path=str(path))
            else:
                raise GlossaryError(f"{path}: no such glossary file (use --create to start one)")
            fmt = glossary_io.detect_format(path)
            result = change(glossary)
            text = glossary_io.dump(glossary, fmt)
            # the file keeps its encoding, BOM and line breaks; TBX declares UTF-8 itself
            write_atomic(path, text if fmt == "tbx" else stored.encode(text), what="glossary")
            return result
    except InputError as exc:  # a new value the file's encoding cannot hold, or a failed write
        raise GlossaryError(exc.message) from None
    except Timeout:
        raise GlossaryError(f"{path}: another edit holds the lock for more than {LOCK_TIMEOUT_S:.0f} s") from None
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot write: {exc.strerror or exc}") from None


def validate_term(term: Term) -> None:
    where = term.korean.strip() or "<empty>"
    if not term.korean.strip() or not term.english.strip():
        raise GlossaryError("korean and english must not be empty")
    if term.kind not in KINDS:
        raise GlossaryError(f"{where}: kind {term.kind!r} is not one of {', '.join(KINDS)}")
    if term.status not in STATUSES:
        raise GlossaryError(f"{where}: status {term.status!r} is not one of {', '.join(STATUSES)}")
    for value in (term.korean, term.english, term.note, *term.korean_forms, *term.wrong_english):
        if "\t" in value or "\n" in value or "\r" in value:
            raise GlossaryError(f"{where}: a value holds a tab or a line break")
        hidden = hidden_characters(value)
        if hidden:
            raise GlossaryError(f"{where}: {value!r} holds {', '.join(hidden)}, which would be copied into translations")
        if "|" in value and value in (*term.korean_forms, *term.wrong_english):
            raise GlossaryError(f"{where}: a form holds '|', the list separator")


def add_term(path: str | Path, term: Term, *, create: bool = False) -> Term:
    """Append ``term``; an existing row with the same Korean and English term is an error."""
    validate_term(term)

    def change(glossary: Glossary) -> Term:
        for existing in glossary.terms:
            if existing.korean.strip() == term.korean.strip() and existing.english.strip() == term.english.strip():
                raise GlossaryError(
                    f"{existing.where}: {term.korean.strip()} -> {term.english.strip()} is already in the glossary"
                )
        extra = term.korean_forms or term.wrong_english or term.note or term.kind != "other" or term.status != "approved"
        if glossary.layout == "plain" and extra:
            raise GlossaryError(f"{path}: a plain two-column glossary holds only Korean and English")
        glossary.entries.append(replace(term, raw=""))
        glossary.invalidate()
        return term

    return edit(path, change, create=create)  # type: ignore[return-value]


def _select(glossary: Glossary, korean: str, english: str | None) -> list[int]:
    hits = [
        index
        for index, entry in enumerate(glossary.entries)
        if isinstance(entry, Term)
        and entry.korean.strip() == korean.strip()
        and (english is None or entry.english.strip() == english.strip())
    ]
    if not hits:
        what = korean.strip() + (f" -> {english.strip()}" if english else "")
        raise GlossaryError(f"no glossary row for {what}")
    if len(hits) > 1 and english is None:
        choices = ", ".join(repr(glossary.entries[i].english.strip()) for i in hits)  # type: ignore[union-attr]
        raise GlossaryError(f"{korean.strip()} has {len(hits)} rows ({choices}); give --english to choose one")
    return hits


def remove_term(path: str | Path, korean: str, english: str | None = None) -> Term:
    def change(glossary: Glossary) -> Term:
        index = _select(glossary, korean, english)[0]
        removed = glossary.entries.pop(index)
        glossary.invalidate()
        return removed  # type: ignore[return-value]

    return edit(path, change)  # type: ignore[return-value]


LIST_FIELDS = ("korean_forms", "wrong_english")


def set_field(
    path: str | Path, korean: str, field: str, value: str, *, english: str | None = None, expected: str | None = None
) -> Term:
    """Set one column of one row (list columns take ``a | b``). With ``expected`` (the value the editor
    saw), a row whose value differs by now is left alone and :class:`EditConflict` is raised."""
    if field not in COLUMNS:
        raise GlossaryError(f"unknown field {field!r} (fields: {', '.join(COLUMNS)})")

    def change(glossary: Glossary) -> Term:
        index = _select(glossary, korean, english)[0]
        old = glossary.entries[index]
        if not isinstance(old, Term):  # _select only returns rows; kept for the type checker
            raise GlossaryError(f"line {index} is not a term row")
        if expected is not None:
            current = getattr(old, field)
            shown = " | ".join(current) if field in LIST_FIELDS else str(current)
            if shown.strip() != expected.strip():
                raise EditConflict(
                    f"{korean.strip()}: {field} was changed by someone else to {shown!r} since you loaded it; "
                    "reload and edit again"
                )
        new_value: object = glossary_io.split_field(value) if field in LIST_FIELDS else value
        new = replace(old, **{field: new_value}, raw="")
        validate_term(new)
        glossary.entries[index] = new
        glossary.invalidate()
        return new

    return edit(path, change)  # type: ignore[return-value]
