"""Protected spans: masked for the engine, restored afterwards, never lost."""

from __future__ import annotations

import pytest

from bilingual.translation.placeholders import dropped, mask, unmask

TEXT = "자세한 내용은 https://example.com 과 `pip install x` 를 보라."
SPANS = [(TEXT.index("https"), TEXT.index(" 과")), (TEXT.index("`"), TEXT.rindex("`") + 1)]


def test_mask_replaces_spans_with_numbered_placeholders():
    masked = mask(TEXT, SPANS)
    assert masked.text == "자세한 내용은 [1] 과 [2] 를 보라."
    assert list(masked.originals.values()) == ["https://example.com", "`pip install x`"]


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("See [1] and [2] for details.", "See https://example.com and `pip install x` for details."),
        ("See [ 2 ] and [[1]].", "See `pip install x` and https://example.com."),  # mangled brackets
        ("See [1] and [1] and [2].", "See https://example.com and  and `pip install x`."),  # repeated: one copy
        ("See the details.", "See the details. https://example.com `pip install x`"),  # dropped: appended
        ("See [2].", "See `pip install x`. https://example.com"),
        ("", "https://example.com `pip install x`"),
    ],
)
def test_unmask_restores_every_span(output, expected):
    masked = mask(TEXT, SPANS)
    assert unmask(output, masked) == expected


def test_existing_bracketed_numbers_are_not_placeholders():
    text = "논문 [1] 과 http://a.kr 참고."
    masked = mask(text, [(text.index("http"), text.index(" 참고"))])
    assert masked.text == "논문 [1] 과 [2] 참고."
    assert unmask("Paper [1] and [2].", masked) == "Paper [1] and http://a.kr."
    assert dropped("Paper [1].", masked) == ["http://a.kr"]


def test_no_spans_is_identity():
    masked = mask("그대로", [])
    assert masked.text == "그대로" and unmask("as is", masked) == "as is"
