"""Formats through the real transformers path: a tiny random-weight Marian checkpoint
translates whole articles, and the written articles keep their structure.

The tiny model's output is gibberish; what is checked is what the formats
promise: same blocks, same markup, same paragraphs and lines, every source
segment with a non-empty translation, and identical output for the same
article read as CP949 and as UTF-8.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from formats_helpers import paragraphs

from bilingual.document import BlockKind
from bilingual.formats import parse, read_inputs, render, write_outputs

ARTICLE_KO = """\
경기도, 러시아 기술기업과 협력 협약 맺는다

천성우 기자

입력 : 2012.10.25 19:41

김문수 경기도지사는 금요일 러시아기술공사와 기술투자 양해각서를 체결한다고 경기도청이 목요일 밝혔다.

김 지사는 모스크바를 방문해 국영기관의 제1부사장을 만났다. 두 사람은 협력에 합의했다.

김문수 경기도지사(오른쪽)가 모스크바에서 기념촬영을 하고 있다.
(경기도청 제공)

김 지사는 또 러시아 기업 대표들과 함께 경기도를 방문해 달라고 요청했다.

경기도는 러시아 투자 유치를 전담하는 태스크포스를 꾸릴 계획이다.

협약에 따라 바우만 공대는 유망한 경기도 기업들에 첨단기술을 이전한다.
"""

MARKDOWN_KO = """\
# 경기도, *러시아* 기술기업과 협약

> 김 지사는 "협력하자"고 말했다.
> 부사장은 [제안](https://example.kr/news?id=1)을 받아들였다.

## 주요 내용

- 기업 10곳을 `경기도청`이 연결한다.
  - 기술 이전을 **추진**한다.
- 자세한 내용은 <https://gg.go.kr> 참고.

| 분야 | 내용 |
|---|---|
| 기계 | 기술 이전 |

```
코드는 번역하지 않는다
```
"""

JSONL_KO = "".join(
    json.dumps(record, ensure_ascii=False) + "\n"
    for record in (
        {"id": "a1", "title": "경기도 협약", "body": "첫 문단이다.\n\n둘째 문단이다. 셋째 문장.", "source": "KH"},
        {"id": "a2", "title": "러시아 방문", "body": "김 지사는 모스크바를 방문했다.\n\n천성우 기자"},
        {"id": 3, "title": "기술 이전", "body": "바우만 공대는 기술을 이전한다.", "tags": ["tech"]},
    )
)

# the container markup that starts a Markdown line
MARKUP = re.compile(r"[ \t>]*(?:[-*+][ \t]+|\d+[.)][ \t]+|#{1,6}[ \t]+|\|[ \t]*)?")


@pytest.fixture(scope="module")
def translator(tiny_marian_ko_en: Path):
    from bilingual.translation.pipeline import Translator

    return Translator.from_pretrained(str(tiny_marian_ko_en), source_lang="ko", target_lang="en")


def all_segments_translated(doc) -> None:
    segments = doc.segments()
    assert segments, "a translatable document must have segments"
    for segment in segments:
        assert segment.translation is not None
        if segment.text.strip():
            assert segment.translation.strip(), segment.text


def test_text_article_keeps_structure(translator, tmp_path: Path) -> None:
    src = tmp_path / "article.txt"
    src.write_text(ARTICLE_KO, encoding="utf-8")
    (doc,) = read_inputs(src)
    kinds = [b.kind for b in doc.blocks]
    assert kinds.count(BlockKind.PARAGRAPH) >= 5
    assert {BlockKind.HEADLINE, BlockKind.BYLINE, BlockKind.DATELINE, BlockKind.CAPTION} <= set(kinds)
    translator.translate_document(doc)
    all_segments_translated(doc)
    write_outputs([doc], tmp_path / "out" / "article.txt")
    out = (tmp_path / "out" / "article.txt").read_text(encoding="utf-8")
    assert out != ARTICLE_KO
    assert [b.kind for b in doc.blocks] == kinds
    assert len(paragraphs(out)) == len(paragraphs(ARTICLE_KO)) == 9  # headline, byline, dateline, 5 + caption
    assert [bool(line.strip()) for line in out.splitlines()] == [bool(line.strip()) for line in ARTICLE_KO.splitlines()]
    assert "입력" not in out or "2012.10.25" in out  # the dateline block is translated in place


def test_markdown_article_keeps_markup(translator) -> None:
    (doc,) = parse(MARKDOWN_KO, "md")
    protected = [b.text[x:y] for b in doc.blocks for x, y in b.protected]
    translator.translate_document(doc)
    all_segments_translated(doc)
    out = render(doc)
    assert out != MARKDOWN_KO
    assert len(out.splitlines()) == len(MARKDOWN_KO.splitlines())
    for src_line, out_line in zip(MARKDOWN_KO.splitlines(), out.splitlines(), strict=True):
        assert out_line.startswith(MARKUP.match(src_line).group()), (src_line, out_line)
    for piece in protected:  # code span, link brackets and URL, autolink
        assert piece in out
    assert "```\n코드는 번역하지 않는다\n```\n" in out
    assert "|---|---|" in out


def test_jsonl_file_of_three_articles(translator, tmp_path: Path) -> None:
    src = tmp_path / "news.jsonl"
    src.write_text(JSONL_KO, encoding="utf-8")
    docs = read_inputs(src)
    assert len(docs) == 3
    translator.translate_documents(docs)
    for doc in docs:
        all_segments_translated(doc)
    write_outputs(docs, tmp_path / "news.en.jsonl")
    records = [json.loads(line) for line in (tmp_path / "news.en.jsonl").read_text(encoding="utf-8").splitlines()]
    originals = [json.loads(line) for line in JSONL_KO.splitlines()]
    assert len(records) == 3
    for record, original in zip(records, originals, strict=True):
        assert list(record) == list(original)
        assert record["id"] == original["id"]
        assert record["title"].strip() and record["title"] != original["title"]
        assert len(paragraphs(record["body"])) == len(paragraphs(original["body"]))
        for key in set(original) - {"title", "body"}:
            assert record[key] == original[key]


@pytest.mark.parametrize("legacy", ["cp949", "euc-kr"])
def test_legacy_korean_translates_identically(translator, tmp_path: Path, legacy: str) -> None:
    """Must-show 4: the same article saved as CP949/EUC-KR and as UTF-8 gives identical output."""
    for name, encoding in (("utf8", "utf-8"), ("legacy", legacy)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "article.txt").write_bytes(ARTICLE_KO.encode(encoding))
    outputs = []
    for name in ("utf8", "legacy"):
        docs = read_inputs(tmp_path / name)
        translator.translate_documents(docs)
        write_outputs(docs, tmp_path / f"{name}-out/")
        outputs.append((tmp_path / f"{name}-out" / "article.txt").read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].decode("utf-8") != ARTICLE_KO
