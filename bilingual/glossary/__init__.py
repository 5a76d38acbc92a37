"""Name glossaries: entries, file formats, Korean-aware matching, enforcement, lint.

The public API (cheap to import; kiwipiepy is loaded only when matching needs it)::

    from bilingual.glossary import load_glossary, load_glossaries, Term, Glossary
    from bilingual.glossary.match import find_terms, contains_term
    from bilingual.glossary.enforce import Enforcer
"""

from bilingual.glossary.io import dump, load_glossaries, load_glossary, merge, parse
from bilingual.glossary.terms import COLUMNS, HEADER, KINDS, STATUSES, Comment, Glossary, Override, Term

__all__ = [
    "COLUMNS",
    "HEADER",
    "KINDS",
    "STATUSES",
    "Comment",
    "Glossary",
    "Override",
    "Term",
    "dump",
    "load_glossaries",
    "load_glossary",
    "merge",
    "parse",
]
