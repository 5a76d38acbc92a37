"""Where URLs and e-mail addresses end in running Korean text (protected spans)."""

from __future__ import annotations

import pytest

from bilingual.formats import parse
from bilingual.formats.spans import url_and_email_spans
from bilingual.translation.placeholders import mask


@pytest.mark.parametrize(
    ("text", "protected"),
    [
        # Hangul glued to a URL or address is Korean text (a particle), not part of it
        ("자세한 내용은 https://example.com/a에서 확인할 수 있다", ["https://example.com/a"]),
        ("(www.korea.kr/news)에서", ["www.korea.kr/news"]),
        ("www.korea.kr로 접속", ["www.korea.kr"]),
        ("문의: press@mofa.go.kr로 하면 된다", ["press@mofa.go.kr"]),
        ("담당자kim@gg.go.kr에게", ["kim@gg.go.kr"]),
        ("https://www.mofa.go.kr/에서 확인", ["https://www.mofa.go.kr/"]),  # a particle-only segment
        ("https://a.kr/view?id=12를 보라", ["https://a.kr/view?id=12"]),
        ("https://ko.wikipedia.org/wiki/%EC%84%9C%EC%9A%B8에서", ["https://ko.wikipedia.org/wiki/%EC%84%9C%EC%9A%B8"]),
        ("https://a.kr/x.에서", ["https://a.kr/x"]),
        ("(https://a.kr/뉴스)에서", ["https://a.kr/뉴스"]),
        # a Hangul path segment or query value inside an IRI stays in
        ("https://ko.wikipedia.org/wiki/서울 참조", ["https://ko.wikipedia.org/wiki/서울"]),
        ("https://a.kr/뉴스/1에서", ["https://a.kr/뉴스/1"]),
        ("https://a.kr/q?x=1&y=서울 참조", ["https://a.kr/q?x=1&y=서울"]),
        ("http://한국.kr/a에서", ["http://한국.kr/a"]),
        ("https://에서", []),  # nothing after the scheme
        # sentence punctuation after a URL stays outside; balanced brackets stay inside
        ("see https://example.com/a.", ["https://example.com/a"]),
        ("see https://example.com/a, then", ["https://example.com/a"]),
        ("see https://example.com/a!? ok", ["https://example.com/a"]),
        ("(see https://example.com/a)", ["https://example.com/a"]),
        ("[https://example.com/a]", ["https://example.com/a"]),
        ("https://en.wikipedia.org/wiki/Seoul_(city).", ["https://en.wikipedia.org/wiki/Seoul_(city)"]),
        ("(https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("https://example.com/a?b=1.", ["https://example.com/a?b=1"]),
        ("https://example.com/a.html 참조", ["https://example.com/a.html"]),
        # quotes and CJK brackets never belong to a URL
        ("“https://example.com/a”라고", ["https://example.com/a"]),
        ("‘https://example.com/a’", ["https://example.com/a"]),
        ("「https://example.com/a」", ["https://example.com/a"]),
        ("『www.korea.kr』", ["www.korea.kr"]),
        ("《https://example.com/a》", ["https://example.com/a"]),
        ("（https://example.com/a）에서", ["https://example.com/a"]),
        ("https://a.kr/x·https://b.kr/y", ["https://a.kr/x", "https://b.kr/y"]),
        ("https://a.kr/x、www.b.kr。", ["https://a.kr/x", "www.b.kr"]),
        # unchanged cases
        ("plain https://example.com/page and mail@example.com.", ["https://example.com/page", "mail@example.com"]),
        ("https://user@example.com/a", ["https://user@example.com/a"]),
        ("www. 다음", []),
    ],
)
def test_url_and_email_spans(text: str, protected: list[str]) -> None:
    assert [text[a:b] for a, b in url_and_email_spans(text)] == protected


@pytest.mark.parametrize(
    ("text", "fmt", "masked"),
    [
        ("자세한 내용은 https://example.com/a에서 확인할 수 있다.", "txt", "자세한 내용은 [1]에서 확인할 수 있다."),
        ("문의: press@mofa.go.kr로 하면 된다.", "txt", "문의: [1]로 하면 된다."),
        ("정책 브리핑(www.korea.kr/news)에서 볼 수 있다.", "md", "정책 브리핑([1])에서 볼 수 있다."),
        ("[정책 브리핑](https://www.korea.kr/news)에서 본다.", "md", "[1]정책 브리핑[2]에서 본다."),
    ],
)
def test_particle_reaches_the_engine(text: str, fmt: str, masked: str) -> None:
    """The particle stays in the text the engine translates (only the URL is masked)."""
    (doc,) = parse(text, fmt)
    block = next(b for b in doc.blocks if b.translatable)
    assert mask(block.text, block.protected).text == masked
