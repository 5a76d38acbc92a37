"""bilingual: Korean<->English news translation with name glossaries and quality gates."""

__version__ = "0.1.0"
