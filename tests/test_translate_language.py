"""Direction from the text's script."""

from __future__ import annotations

import pytest

from bilingual.errors import InputError
from bilingual.text.language import detect_language, resolve_direction


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("서울에 비가 온다.", "ko"),
        ("삼성전자(Samsung Electronics)는 25일 LG Display와 OLED 패널 계약을 맺었다.", "ko"),
        ("Seoul is rainy today.", "en"),
        ("The word 한국 means Korea in English and appears here once.", "en"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("given", "expected"),
    [((None, None), ("ko", "en")), (("en", None), ("en", "ko")), ((None, "ko"), ("en", "ko")), (("ko", "en"), ("ko", "en"))],
)
def test_resolve_direction(given, expected):
    assert resolve_direction(["서울에 비가 온다."], *given) == expected


@pytest.mark.parametrize(("texts", "given"), [(["1234 --- !!!"], (None, None)), (["x"], ("ko", "ko")), (["x"], ("ja", None))])
def test_direction_errors(texts, given):
    with pytest.raises(InputError):
        resolve_direction(texts, *given)
