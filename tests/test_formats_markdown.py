"""Markdown articles: exact round trip, block kinds, protected inline spans, markup under translation."""

from __future__ import annotations

import re

import pytest
from formats_helpers import fake_translate, paragraphs

from bilingual.document import BlockKind
from bilingual.errors import InputError
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


def _staircase(depth: int) -> str:
    """Quotes nested 1, 2, ... ``depth`` deep, each level one Korean line."""
    return "".join(">" * n + f" {n}단계 인용문이다.\n" for n in range(1, depth + 1))


def _quoted_lists(depth: int) -> str:
    """A list nested three deep inside quotes nested ``depth`` deep, a lazy line and a blank quote line."""
    q = "> " * depth
    return (
        f"{q}인용 속 첫 문단이다.\n{q}\n"
        f"{q}- 첫 항목이다.\n{q}  - 둘째 단계 항목이다.\n{q}    1. 셋째 단계 번호 항목이다.\n{q}       이어지는 줄이다.\n"
        f"{q}- 마지막 항목이다.\n"
    )


DEEP = {
    "quotes-20": ">" * 20 + " 스무 겹 인용문 속 한국어 문장이다.\n",
    "quotes-100": ">" * 100 + " 백 겹 인용문 속 한국어 문장이다.\n> > 둘째 줄도 있다.\n",
    "staircase-100": _staircase(100),
    "spaced-quotes-100": "> " * 100 + "띄어 쓴 인용 표시 백 개다.\n" + "> " * 100 + "둘째 줄이다.\n",
    "lists-in-quotes-20": _quoted_lists(20),
    "lists-in-quotes-100": _quoted_lists(100),
    "lists-200-levels": "".join("  " * i + f"- {i}단계 항목\n" for i in range(100)),
    "quotes-200": ">" * 200 + " 이백 겹이다.\n",
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_quotes_and_lists_are_translated(text: str) -> None:
    (doc,) = parse(text, "md")
    assert render(doc) == text
    translatable = [b for b in doc.blocks if b.translatable]
    assert "".join(b.text for b in translatable).count("다") == text.count("다")  # every Korean sentence is in a block
    out = render(fake_translate(doc))
    assert not re.search("[가-힣]", out)
    assert len(out.splitlines()) == len(text.splitlines())
    for src_line, out_line in zip(text.splitlines(), out.splitlines(), strict=True):
        assert re.match(r"[>\s\-\d.]*", src_line).group() == re.match(r"[>\s\-\d.]*", out_line).group()
        assert src_line.count(">") == out_line.count(">")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (">" * 201 + " 너무 깊다.\n", 1),
        ("첫 문단.\n\n" + _staircase(250), 203),
        ("".join("  " * i + "- 항목\n" for i in range(101)), 101),
        ("> " * 196 + "- 항목\n" + "> " * 196 + "  - 항목\n" + "> " * 196 + "    - 항목\n", 3),
    ],
)
def test_deeper_nesting_is_one_error_line(text: str, line: int) -> None:
    with pytest.raises(InputError) as info:
        parse(text, "md", id="deep", name="deep.md")
    assert str(info.value) == (
        f"deep.md: line {line}: block quotes and lists nested more than 200 levels deep (a quote is one level, a list two)"
    )


def test_deep_link_brackets_are_read_as_text() -> None:
    for depth in (150, 300):
        text = "[" * depth + "한국어 문장" + "]" * depth + "(http://x.kr)\n"
        (doc,) = parse(text, "md")
        assert render(doc) == text and doc.blocks[0].translatable
