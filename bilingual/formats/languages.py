"""Languages a localization file declares, checked against the direction of a run.

XLIFF files name their source and target languages (``source-language`` /
``target-language`` in 1.2, ``srcLang`` / ``trgLang`` in 2.0) and a PO file
names its target (``Language:``). A reader records them in
``Document.meta["languages"]`` as ``(source, target)``, either one None when
the file leaves it out; :func:`check_direction` refuses a run that goes
another way. Codes are compared by their primary subtag, so ``ko-KR``,
``ko_KR`` and ``ko`` are the same language.
"""

from __future__ import annotations

from bilingual.document import Document
from bilingual.errors import InputError

__all__ = ["LANGUAGES_KEY", "check_direction", "declared_languages", "primary", "same_language"]

LANGUAGES_KEY = "languages"


def primary(code: str) -> str:
    """The primary language subtag of a code, lower-cased: ``ko`` for ``ko-KR`` or ``ko_KR``."""
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


def same_language(a: str, b: str) -> bool:
    """Whether two language codes name the same language (primary subtags equal)."""
    return primary(a) == primary(b)


def declared_languages(doc: Document) -> tuple[str | None, str | None]:
    """The ``(source, target)`` languages the document's file declares (None: not declared)."""
    value = doc.meta.get(LANGUAGES_KEY)
    if not value:
        return None, None
    source, target = value
    return source or None, target or None


def check_direction(doc: Document, source_lang: str, target_lang: str, *, name: str | None = None) -> None:
    """InputError when the file of ``doc`` declares a language other than the run's."""
    declared_source, declared_target = declared_languages(doc)
    where = name or doc.meta.get("source") or doc.id or "<input>"
    if declared_source is not None and not same_language(declared_source, source_lang):
        raise InputError(
            f"{where}: the file's source language is {declared_source!r}, but this run translates "
            f"{source_lang}->{target_lang} (pass --from {primary(declared_source)}, or fix the file)"
        )
    if declared_target is not None and not same_language(declared_target, target_lang):
        raise InputError(
            f"{where}: the file's target language is {declared_target!r}, but this run translates "
            f"{source_lang}->{target_lang} (pass --to {primary(declared_target)}, or fix the file)"
        )
