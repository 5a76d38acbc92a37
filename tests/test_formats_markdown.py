"""Markdown articles: exact round trip, block kinds, protected inline spans, markup under translation."""

from __future__ import annotations

import re

import pytest
from formats_helpers import fake_translate, paragraphs

from bilingual.document import BlockKind
from bilingual.formats import parse, render

ARTICLE = """\
---
title: 경기도 협약
date: 2012-10-25
---

# 경기도, 러시아 기술기업과 *협력* 협약

천성우 기자 (swchun@heraldcorp.com)

김문수 지사는 **금요일** [러시아기술공사](https://rostec.ru/en "Rostec")와
양해각서를 체결한다고 `경기도청`이 밝혔다.

![김 지사와 부사장](images/kim.jpg)
(경기도청 제공)

> 김 지사는 "협력하자"고 말했다.
> 부사장은 이를 받아들였다.

## 주요 내용

- 기업 10곳 연결
  - 기술 이전 <abbr title="memorandum">MOU</abbr>
- 태스크포스 구성, 참고: <https://gg.go.kr> 및 [보도자료][press]

1. 첫째
2. 둘째

| 분야 | 내용 |
|------|------|
| 기계 | 기술 \\| 이전 |

```python
print("코드는 번역하지 않는다")
```

    들여쓴 코드도 그대로

<div class="ad">광고</div>

***

[press]: https://gg.go.kr/press "보도자료"
"""

ROUND_TRIP = {
    "article": ARTICLE,
    "article-crlf": ARTICLE.replace("\n", "\r\n"),
    "article-no-final-newline": ARTICLE.rstrip("\n"),
    "empty": "",
    "blank": "\n\n",
    "setext": "Title\n=====\n\nSub\n---\n\ntext\n",
    "atx-closing": "## Heading ##   \n#\n",
    "hard-breaks": "line one  \nline two\\\nline three\n",
    "lazy-quote": "> quoted\nlazy continuation\n>\n> > nested quote\n",
    "loose-list": "- a\n\n  second paragraph\n\n- b\n",
    "tabs": "-\titem with tab\n\n\tcode with tab\n",
    "html-and-comments": "<!-- comment -->\n\ntext <span>x</span>\n",
    "reference-only": "[a]: http://a\n",
    "emphasis-edge": "*a* _b_ **c** ~~d~~ \\*not\\* &amp; &copy;\n",
    "unclosed-fence": "```\nnever closed\n",
    "front-matter-toml": "+++\ntitle = 'x'\n+++\nBody\n",
    "table-no-outer-pipes": "a | b\n--|--\nc | d\n",
}


@pytest.mark.parametrize("text", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_untranslated_round_trip_is_exact(text: str) -> None:
    (doc,) = parse(text, "md")
    assert doc.format == "md"
    assert render(doc) == text


@pytest.mark.parametrize("text", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_protected_spans_are_inside_text(text: str) -> None:
    (doc,) = parse(text, "md")
    for block in doc.blocks:
        last = 0
        for start, end in block.protected:
            assert last <= start < end <= len(block.text)
            last = end


def kinds_and_texts(text: str) -> list[tuple[BlockKind, str]]:
    (doc,) = parse(text, "md")
    return [(b.kind, b.text) for b in doc.blocks if b.translatable]


def test_article_blocks() -> None:
    assert kinds_and_texts(ARTICLE) == [
        (BlockKind.HEADING, "경기도, 러시아 기술기업과 *협력* 협약"),
        (BlockKind.BYLINE, "천성우 기자 (swchun@heraldcorp.com)"),
        (
            BlockKind.PARAGRAPH,
            '김문수 지사는 **금요일** [러시아기술공사](https://rostec.ru/en "Rostec")와\n'
            "양해각서를 체결한다고 `경기도청`이 밝혔다.",
        ),
        (BlockKind.PARAGRAPH, "![김 지사와 부사장](images/kim.jpg)\n(경기도청 제공)"),
        (BlockKind.QUOTE, '김 지사는 "협력하자"고 말했다.\n부사장은 이를 받아들였다.'),
        (BlockKind.HEADING, "주요 내용"),
        (BlockKind.LIST_ITEM, "기업 10곳 연결"),
        (BlockKind.LIST_ITEM, '기술 이전 <abbr title="memorandum">MOU</abbr>'),
        (BlockKind.LIST_ITEM, "태스크포스 구성, 참고: <https://gg.go.kr> 및 [보도자료][press]"),
        (BlockKind.LIST_ITEM, "첫째"),
        (BlockKind.LIST_ITEM, "둘째"),
        (BlockKind.TABLE_CELL, "분야"),
        (BlockKind.TABLE_CELL, "내용"),
        (BlockKind.TABLE_CELL, "기계"),
        (BlockKind.TABLE_CELL, "기술 \\| 이전"),
    ]


def test_untranslated_blocks() -> None:
    (doc,) = parse(ARTICLE, "md")
    kept = [(b.kind, b.text.splitlines()[0]) for b in doc.blocks if not b.translatable]
    assert kept == [
        (BlockKind.OTHER, "---"),  # front matter
        (BlockKind.CODE, "```python"),
        (BlockKind.CODE, "    들여쓴 코드도 그대로"),
        (BlockKind.OTHER, '<div class="ad">광고</div>'),
        (BlockKind.OTHER, "***"),
    ]
    # the reference definition is kept verbatim around the blocks
    assert doc.blocks[-1].suffix.endswith('[press]: https://gg.go.kr/press "보도자료"\n')


@pytest.mark.parametrize(
    ("text", "protected"),
    [
        ("see `code span` here", ["`code span`"]),
        ("a ``code with ` tick`` b", ["``code with ` tick``"]),
        ("[link text](http://x.kr/a?b=1 \"title\") end", ["[", '](http://x.kr/a?b=1 "title")']),
        ("![alt text](img/a.png)", ["![", "](img/a.png)"]),
        ("visit <https://gg.go.kr> or <kim@gg.go.kr>", ["<https://gg.go.kr>", "<kim@gg.go.kr>"]),
        ("inline <b>html</b> here", ["<b>", "</b>"]),
        ("[full][ref] and [collapsed][] and [shortcut]\n\n[ref]: /r\n[collapsed]: /c\n[shortcut]: /s", ["[", "][ref]", "[collapsed][]", "[shortcut]"]),
        ("[not a link] stays text", []),
        ("plain https://example.com/page and mail@example.com.", ["https://example.com/page", "mail@example.com"]),
        ("[`code` in link](/u)", ["[", "`code`", "](/u)"]),
        ("escaped \\*star\\* and &amp;", ["\\*", "\\*", "&amp;"]),
        ("*emphasis* and **strong** stay translatable", []),
    ],
)
def test_protected_spans(text: str, protected: list[str]) -> None:
    (doc,) = parse(text, "md")
    block = next(b for b in doc.blocks if b.translatable)
    assert [block.text[a:b] for a, b in block.protected] == protected


def test_protected_spans_with_crlf() -> None:
    (doc,) = parse("first line\r\nsecond `code` [l](/u)\r\n", "md")
    block = doc.blocks[0]
    assert [block.text[a:b] for a, b in block.protected] == ["`code`", "[", "](/u)"]


@pytest.mark.parametrize("name", ["article", "article-crlf", "lazy-quote", "loose-list", "setext", "hard-breaks"])
def test_translation_keeps_markup(name: str) -> None:
    source = ROUND_TRIP[name]
    (doc,) = parse(source, "md")
    protected = [b.text[x:y] for b in doc.blocks for x, y in b.protected]
    out = render(fake_translate(doc))
    assert out != source
    assert len(paragraphs(out)) == len(paragraphs(source))
    assert len(out.splitlines()) == len(source.splitlines())
    for piece in protected:
        assert piece in out
    # every block is still there, and every line keeps its leading markup
    (again,) = parse(out, "md")
    assert [_generic(b.kind) for b in again.blocks] == [_generic(b.kind) for b in doc.blocks]
    for src_line, out_line in zip(source.splitlines(), out.splitlines(), strict=True):
        assert re.match(r"\W*", src_line).group() == re.match(r"\W*", out_line).group()


def _generic(kind: BlockKind) -> BlockKind:
    """Bylines and captions are found by their words, which the fake translation replaces."""
    return BlockKind.PARAGRAPH if kind in (BlockKind.BYLINE, BlockKind.CAPTION, BlockKind.DATELINE) else kind


def test_translated_article_exact() -> None:
    text = (
        "# 제목 *강조*\n\n"
        "> 인용 [링크](http://x.kr)\n> 둘째 줄 `코드`\n\n"
        "- 항목\n  - 중첩 항목\n    이어지는 줄\n\n"
        "| 가 | 나 |\n|---|---|\n| 다 | 라 |\n\n"
        "```\n코드\n```\n"
    )
    (doc,) = parse(text, "md")
    assert render(fake_translate(doc)) == (
        "# T *T*\n\n"
        "> T [T](http://x.kr)\n> T T `코드`\n\n"
        "- T\n  - T T\n    T T\n\n"
        "| T | T |\n|---|---|\n| T | T |\n\n"
        "```\n코드\n```\n"
    )


def test_translation_with_fewer_lines_uses_continuation_markup() -> None:
    from bilingual.document import Segment

    (doc,) = parse("> one\n> two\n> three\n", "md")
    block = doc.blocks[0]
    block.segments = [Segment("one\ntwo", "\n", "ONE TWO"), Segment("three", "", "THREE\n\nFOUR")]
    assert render(doc) == "> ONE TWO\n> THREE FOUR\n"


@pytest.mark.parametrize(
    ("text", "translatable"),
    [
        ("`only code`\n", False),
        ("![](images/a.png)\n", False),
        ("<https://gg.go.kr>\n", False),
        ("- 10%\n", False),
        ("- mail@x.kr\n", False),
        ("**`code`** 설명\n", True),
        ("![사진 설명](images/a.png)\n", True),
        ("[링크](http://x.kr)\n", True),
    ],
)
def test_blocks_with_nothing_to_translate(text: str, translatable: bool) -> None:
    (doc,) = parse(text, "md")
    assert [b.translatable for b in doc.blocks] == [translatable]
    assert render(fake_translate(doc)) != text or not translatable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- item\n\tTab continuation\n", [("- ", "item\nTab continuation", ["\t"])]),
        ("-\ttab item\n", [("-\t", "tab item", [])]),
        ("\x0c\n<http://auto> 자동 링크\n", [("\x0c\n", "<http://auto> 자동 링크", [])]),
        ("\u3000전각 공백 \u3000\n", [("\u3000", "전각 공백", [])]),
        ("# 제목 \u3000\n", [("# ", "제목", [])]),
        ("- 항목\u00a0\n", [("- ", "항목", [])]),
        ("> a\n>\tb\n", [("> ", "a\n\tb", [">"])]),  # markdown-it keeps this tab in the text
    ],
)
def test_whitespace_variants_are_still_translated(text: str, expected) -> None:
    (doc,) = parse(text, "md")
    assert [(b.prefix, b.text, b.line_prefixes) for b in doc.blocks if b.translatable] == expected
    assert render(doc) == text
