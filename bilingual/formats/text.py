"""Plain-text articles: headline, paragraphs, bylines, datelines and captions.

The first line that carries letters is the headline; blank lines separate
paragraphs; consecutive ordinary lines form one paragraph whose inner line
breaks are kept. Bylines, datelines, photo captions and bullet lines are
blocks of their own kind on the line where they stand; lines without a letter
(rules, bare numbers) are kept untranslated. Every character of the input
lands in some block's prefix, text or suffix, so rendering an untranslated
Document gives the input back exactly.
"""

from __future__ import annotations

import re

from bilingual.document import Block, BlockKind, Document, render_block
from bilingual.formats.spans import split_lines, url_and_email_spans

_CAP = r"[A-Z][\w.'’-]*"
_EN_BYLINE = re.compile(
    rf"By\s+{_CAP}(?:(?:\s+|\s*,\s*)(?:{_CAP}|and|&|of|the|in))*\s*(?:\([^()]*\))?"
)
_KO_REPORTER = r"(?:기자|특파원|선임기자|객원기자|인턴기자|수습기자|논설위원|통신원|편집위원)"
_KO_NAMES = r"[가-힣]{2,4}(?:\s*[·,]\s*[가-힣]{2,4})*"
_EMAIL = r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_KO_BYLINE = re.compile(
    rf"(?:\[[^\]]{{1,20}}\]\s*)?(?:\([^()]{{1,30}}\)\s*)?(?:(?:글|사진|글·사진|사진·글)\s*=\s*)?"
    rf"{_KO_NAMES}\s*{_KO_REPORTER}(?:\s*\(?{_EMAIL}\)?)?(?:\s*=)?"
)
_EMAIL_LINE = re.compile(rf"[(<\[]?{_EMAIL}[)>\]]?")
# "(서울=연합뉴스)" alone, or leading a paragraph: "(서울=연합뉴스) 홍길동 기자 = 정부는 ..."
_AGENCY = r"[(【\[][^()【】\[\]=]{1,20}=[^()【】\[\]]{1,20}[)】\]]"
_AGENCY_LINE = re.compile(rf"{_AGENCY}(?:\s*{_KO_NAMES}\s*{_KO_REPORTER})?(?:\s*=)?")
_AGENCY_LEAD = re.compile(rf"({_AGENCY}(?:\s*{_KO_NAMES}\s*{_KO_REPORTER})?(?:\s*=)?)(\s*)(?=\S)")

_DATELINE = re.compile(
    r"(?:(?:Published|Updated|Posted|Last\s+updated|Modified|Created|Date)"
    r"(?:\s*:\s*|\s+(?=[A-Z][a-z]{2,8}\.?\s+\d|\d)).{0,60}\d.{0,40}"
    r"|(?:입력|수정|기사입력|최종수정|등록|송고|업데이트|발행)\s*:?\s*\d{4}\s*[-./년].{0,80}"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}(?:[\s,-]+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\s*(?:KST|UTC|GMT|[AP]\.?M\.?))?)"
)

_CREDIT_WORDS = (
    r"Yonhap|AP|AFP|Reuters|EPA|Xinhua|News1|Newsis|Getty|Bloomberg|Photo|photo|"
    r"[Cc]ourtesy|[Oo]ffice|Herald|Ministry|제공|연합뉴스|뉴시스|뉴스1|사진"
)
_EN_CAPTION = re.compile(
    rf".*(?:[.!?'\"’”]\s*\([^()@]{{2,60}}\)|\((?:[^()@]*\b)?(?:{_CREDIT_WORDS})\b[^()@]{{0,40}}\))"
)
_CREDIT_LINE = re.compile(rf"\((?:[^()@]*\b)?(?:{_CREDIT_WORDS})\b[^()@]{{0,40}}\)")
_KO_CAPTION = re.compile(
    r"(?:\[사진|<사진|\(사진\s*=|사진\s*=|▲|△).*"
    r"|.*(?:/\s*(?:연합뉴스|뉴시스|뉴스1|사진\s*=.*)|\[[^\]]*(?:자료사진|사진\s*=|제공)[^\]]*\])"
)
_BULLET = re.compile(r"(?:[•·▪◦●○■□▶►▷◆◇※]|[-–—*+]|\d{1,3}[.)])[ \t]+(?=\S)")


def parse_text(text: str, *, id: str | None = None, headline: bool = True) -> Document:
    """A Document for a plain-text article (``headline=False`` for JSONL bodies)."""
    blocks: list[Block] = []
    pending = ""  # blank lines before the first block
    open_paragraph: Block | None = None  # ordinary lines join it until a blank/special line
    need_headline = headline
    for line in split_lines(text):
        content = line.rstrip("\r\n")
        body = content.strip()
        if not body:
            open_paragraph = None
            if blocks:
                blocks[-1].suffix += line
            else:
                pending += line
            continue
        lead = content[: len(content) - len(content.lstrip())]
        tail = line[len(lead) + len(body) :]
        if need_headline and _has_letters(body):
            need_headline = False
            blocks.append(Block(BlockKind.HEADLINE, body, prefix=lead, suffix=tail))
            open_paragraph = None
            continue
        if open_paragraph is not None and _CREDIT_LINE.fullmatch(body):
            # a photo credit on its own line closes the caption written above it
            open_paragraph.kind = BlockKind.CAPTION
        for block, mergeable in _classify(body, lead, tail):
            if mergeable and open_paragraph is not None:
                open_paragraph.text += open_paragraph.suffix + block.prefix + block.text
                open_paragraph.suffix = block.suffix
                continue
            blocks.append(block)
            open_paragraph = block if mergeable else None
    if blocks:
        blocks[0].prefix = pending + blocks[0].prefix
    elif pending:
        blocks.append(Block(BlockKind.OTHER, pending))
    for block in blocks:
        if block.translatable:
            block.protected = url_and_email_spans(block.text)
    return Document(blocks=blocks, id=id, format="txt")


def render_text(doc: Document) -> str:
    return "".join(render_block(b) for b in doc.blocks)


def classify_line(body: str) -> BlockKind:
    """The kind of one stripped, non-empty line that is not the headline."""
    return _classify(body, "", "")[0][0].kind


def _classify(body: str, lead: str, tail: str) -> list[tuple[Block, bool]]:
    """Blocks for one non-blank line, each with whether it may join a paragraph."""
    kind = special_kind(body)
    if kind is not None:
        return [(Block(kind, body, prefix=lead, suffix=tail), False)]
    agency = _AGENCY_LEAD.match(body)
    if agency:
        byline = Block(BlockKind.BYLINE, agency.group(1), prefix=lead, suffix=agency.group(2))
        rest = body[agency.end() :]
        return [(byline, False), (Block(BlockKind.PARAGRAPH, rest, suffix=tail), True)]
    bullet = _BULLET.match(body)
    if bullet and _has_letters(body[bullet.end() :]):
        return [
            (
                Block(BlockKind.LIST_ITEM, body[bullet.end() :], prefix=lead + bullet.group(), suffix=tail),
                False,
            )
        ]
    return [(Block(BlockKind.PARAGRAPH, body, prefix=lead, suffix=tail), True)]


def special_kind(body: str) -> BlockKind | None:
    if not _has_letters(body):
        return BlockKind.OTHER
    if len(body) <= 160 and (
        _EN_BYLINE.fullmatch(body)
        or _KO_BYLINE.fullmatch(body)
        or _AGENCY_LINE.fullmatch(body)
        or _EMAIL_LINE.fullmatch(body)
    ):
        return BlockKind.BYLINE
    if len(body) <= 120 and _DATELINE.fullmatch(body):
        return BlockKind.DATELINE
    if _EN_CAPTION.fullmatch(body) or _KO_CAPTION.fullmatch(body):
        return BlockKind.CAPTION
    return None


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def parse(data: str, *, id: str | None = None, name: str | None = None) -> list[Document]:
    """The format table's reader (:data:`bilingual.formats.FORMAT_SPECS`): one Document."""
    return [parse_text(data, id=id)]


def render(doc: Document) -> str:
    """The format table's writer: :func:`render_text`."""
    return render_text(doc)
