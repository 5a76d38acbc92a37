"""Is a term present in an output? Korean surface forms with particles; Unicode, hyphen and
apostrophe variants in English; spelling (diacritics) still exact."""

from __future__ import annotations

import unicodedata

import pytest

from bilingual.evaluation.metrics import term_success
from bilingual.glossary import Glossary, Term
from bilingual.glossary.match import contains_term, find_surface, find_terms


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


KIM_FORMS = ("김 지사", "김문수 지사")


@pytest.mark.parametrize(
    ("text", "surface", "lang", "forms", "present"),
    [
        # Korean: the term or any of its forms, with particles, spacing variants, compounds
        ("김문수는 말했다", "김문수", "ko", (), True),
        ("김문수의 계획", "김문수", "ko", (), True),
        ("김 지사는 말했다", "김문수", "ko", KIM_FORMS, True),
        ("김지사의 계획", "김문수", "ko", KIM_FORMS, True),
        ("김문수 지사에게 물었다", "김문수", "ko", KIM_FORMS, True),
        ("김 지사는 말했다", "김문수", "ko", (), False),  # without the forms only the term counts
        ("김 지사는 말했다", "김문수", "ko", (" ", ""), False),  # blank forms are ignored
        ("이 지사는 말했다", "김문수", "ko", KIM_FORMS, False),
        (nfd("김 지사는 말했다"), "김문수", "ko", KIM_FORMS, True),  # NFD Hangul output
        ("김문수는 말했다", nfd("김문수"), "ko", (), True),  # NFD Hangul in the glossary
        ("김 지사는 말했다", "김문수", "ko", tuple(nfd(f) for f in KIM_FORMS), True),
        # English: Unicode composition never decides
        ("José García said", "José García", "en", (), True),
        (nfd("José García said"), "José García", "en", (), True),
        ("José García said", nfd("José García"), "en", (), True),
        (nfd("JOSÉ GARCÍA's view"), "José García", "en", (), True),
        # ... but the spelling does: no diacritics is not the glossary's spelling, nor the reverse
        ("Jose Garcia said", "José García", "en", (), False),
        ("José García said", "Jose Garcia", "en", (), False),
        (nfd("José said"), "Jose", "en", (), False),  # NFD é is not e followed by something else
        ("Jose\u0301 said", "José", "en", (), True),
        # apostrophe variants
        ("O’Brien said", "O'Brien", "en", (), True),
        ("O'Brien said", "O’Brien", "en", (), True),
        ("Côte d’Ivoire's team", "Côte d'Ivoire", "en", (), True),
        ("O Brien said", "O'Brien", "en", (), False),
        ("Kim Moon-soo’s plan", "Kim Moon-soo", "en", (), True),
        # hyphen variants
        ("Kim Moon\u2010soo said", "Kim Moon-soo", "en", (), True),  # hyphen
        ("Kim Moon\u2011soo said", "Kim Moon-soo", "en", (), True),  # non-breaking hyphen
        ("Kim Moon\u2013soo said", "Kim Moon-soo", "en", (), True),  # en dash
        ("Kim Moon\uff0dsoo said", "Kim Moon-soo", "en", (), True),  # full-width hyphen-minus
        ("Kim Moon\ufe63soo said", "Kim Moon-soo", "en", (), True),  # small hyphen-minus
        ("Kim Moon-soo said", "Kim Moon\u2011soo", "en", (), True),  # the glossary's hyphen is a variant
        ("Kim Mo\uff0don-soo said", "Kim Moon-soo", "en", (), False),  # a hyphen the term lacks
    ],
)
def test_contains_term(text: str, surface: str, lang: str, forms: tuple[str, ...], present: bool) -> None:
    got = contains_term(text, surface, lang, forms=forms) if forms else contains_term(text, surface, lang)
    assert got is present


@pytest.mark.parametrize(
    ("text", "surface", "found"),
    [
        (nfd("Mr. José García said"), "José García", nfd("José García")),
        ("said O’Brien.", "O'Brien", "O’Brien"),
        ("Kim Moon\u2011soo’s", "Kim Moon-soo", "Kim Moon\u2011soo"),
    ],
)
def test_found_text_is_the_original(text: str, surface: str, found: str) -> None:
    """Offsets point into the text as given (NFD stays NFD), so post-editing replaces the right span."""
    (match,) = find_surface(text, surface, "en")
    assert text[match.start:match.end] == match.text == found


GLOSSARY = Glossary(entries=[
    Term("김문수", "Kim Moon-soo", KIM_FORMS, ("Kim Mun-su",), "person"),
    Term("호세 가르시아", "José García", kind="person"),
])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (nfd("José García met Kim Mun-su"), [(nfd("José García"), False), ("Kim Mun-su", True)]),
        ("Jose Garcia met Kim Moon‑soo", [("Kim Moon‑soo", False)]),
    ],
)
def test_find_terms_english(text: str, expected) -> None:
    assert [(m.text, m.wrong) for m in find_terms(GLOSSARY, text, "en")] == expected


@pytest.mark.parametrize(
    ("hyp", "found"),
    [
        (nfd("José García arrived."), True),
        ("José García arrived.", True),
        ("Jose Garcia arrived.", False),
    ],
)
def test_term_success_is_exact_but_not_unicode_form_sensitive(hyp: str, found: bool) -> None:
    report = term_success(GLOSSARY, ["호세 가르시아가 도착했다."], [hyp], source_lang="ko", target_lang="en")
    assert [c.found for c in report.checks] == [found]


def test_term_success_into_korean_counts_the_terms_forms() -> None:
    report = term_success(GLOSSARY, ["Gov. Kim Moon-soo said."], ["김 지사는 말했다."], source_lang="en", target_lang="ko")
    assert [c.found for c in report.checks] == [True]
