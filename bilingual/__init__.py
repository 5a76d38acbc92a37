"""bilingual: Korean<->English news translation with name glossaries and quality gates.

The public API, importable from the package itself; each name loads its module
on first use, so ``import bilingual`` stays cheap (no torch, no kiwipiepy)::

    import bilingual

    docs = bilingual.read_inputs("article.ko.txt")
    glossary = bilingual.load_glossaries(["glossaries/names.tsv"])
    translator = bilingual.Translator.from_pretrained(
        "Helsinki-NLP/opus-mt-tc-big-ko-en", enforcer=bilingual.Enforcer(glossary, "ko", "en")
    )
    result = translator.translate_documents(docs)
    print(bilingual.render(result.documents[0]))
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it
_API: dict[str, str] = {
    # data objects
    "Document": "bilingual.document",
    "Block": "bilingual.document",
    "BlockKind": "bilingual.document",
    "Segment": "bilingual.document",
    "Term": "bilingual.glossary.terms",
    "Glossary": "bilingual.glossary.terms",
    "Corpus": "bilingual.corpus.folder",
    "Article": "bilingual.corpus.folder",
    # reading and writing articles
    "read_inputs": "bilingual.formats",
    "write_outputs": "bilingual.formats",
    "parse": "bilingual.formats",
    "render": "bilingual.formats",
    # translation
    "Translator": "bilingual.translation.pipeline",
    "TranslationResult": "bilingual.translation.report",
    "translate_files": "bilingual.translation.files",
    "FilesResult": "bilingual.translation.files",
    # archives
    "translate_archive": "bilingual.archive.run",
    "translate_stream": "bilingual.archive.stream",
    "read_records": "bilingual.archive.records",
    "GenerationOptions": "bilingual.engines.base",
    "Engine": "bilingual.engines.base",
    "load_engine": "bilingual.engines",
    "detect_engine": "bilingual.engines",
    # glossaries
    "load_glossary": "bilingual.glossary.io",
    "load_glossaries": "bilingual.glossary.io",
    "find_terms": "bilingual.glossary.match",
    "Enforcer": "bilingual.glossary.enforce",
    # corpora and evaluation
    "load_corpus": "bilingual.corpus.folder",
    "evaluate_run": "bilingual.evaluation.run",
    "EvalJob": "bilingual.evaluation.jobs",
    "EvalResults": "bilingual.evaluation.jobs",
    "build_jobs": "bilingual.evaluation.jobs",
    "run_jobs": "bilingual.evaluation.jobs",
    "run_gate": "bilingual.evaluation.jobs",
    "load_gate": "bilingual.evaluation.gate",
    # languages
    "LANGUAGES": "bilingual.text.language",
    "detect_language": "bilingual.text.language",
    "check_direction": "bilingual.text.language",
    # errors and warnings
    "BilingualError": "bilingual.errors",
    "InputError": "bilingual.errors",
    "ModelUnavailableError": "bilingual.errors",
    "EngineError": "bilingual.errors",
    "GlossaryError": "bilingual.errors",
    "CorpusError": "bilingual.errors",
    "GateConfigError": "bilingual.errors",
    "GateFailed": "bilingual.errors",
    "StrictTermsError": "bilingual.errors",
    "BilingualWarning": "bilingual.errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'bilingual' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
