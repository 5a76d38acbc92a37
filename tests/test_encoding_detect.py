"""bilingual.text.encoding.decode: detection, forced encodings, and the errors it gives."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bilingual.text.encoding import decode
from bilingual.errors import InputError
from bilingual.formats import parse, read_inputs, render

DATA = Path(__file__).parent / "data" / "formats"
KOREAN = "경기도는 러시아 기업과 협약을 맺는다.\n김문수 지사가 말했다.\n"
ENGLISH = "Gyeonggi signs a deal.\nKim said so.\n"
MIXED = "Published : Oct. 25, 2012 - 19:41\n김문수 경기도지사 (Kim Moon-soo)\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (KOREAN.encode("utf-8"), KOREAN),
        (codecs.BOM_UTF8 + KOREAN.encode("utf-8"), KOREAN),
        (codecs.BOM_UTF16_LE + KOREAN.encode("utf-16-le"), KOREAN),
        (codecs.BOM_UTF16_BE + KOREAN.encode("utf-16-be"), KOREAN),
        (codecs.BOM_UTF32_LE + KOREAN.encode("utf-32-le"), KOREAN),
        (KOREAN.encode("utf-16-le"), KOREAN),  # no BOM: found from the NUL pattern
        (KOREAN.encode("utf-16-be"), KOREAN),
        (ENGLISH.encode("utf-16-le"), ENGLISH),
        (MIXED.encode("utf-16-be"), MIXED),
        (KOREAN.encode("cp949"), KOREAN),
        (KOREAN.encode("euc-kr"), KOREAN),
        (MIXED.encode("cp949"), MIXED),
        ("똠방각하 샾".encode("cp949"), "똠방각하 샾"),  # UHC-only syllables (not in EUC-KR)
        (ENGLISH.encode("ascii"), ENGLISH),
        (b"line\r\nwith CRLF\r\n", "line\r\nwith CRLF\r\n"),
        (b"tab\tand form feed\x0c ok", "tab\tand form feed\x0c ok"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf32le-bom",
        "utf16le-nobom-ko",
        "utf16be-nobom-ko",
        "utf16le-nobom-en",
        "utf16be-nobom-mixed",
        "cp949",
        "euc-kr",
        "cp949-mixed",
        "cp949-uhc",
        "ascii",
        "crlf",
        "tab-ff",
    ],
)
def test_detects(data: bytes, expected: str) -> None:
    assert decode(data, name="x.txt") == expected


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        (KOREAN.encode("cp949"), "cp949", KOREAN),
        (KOREAN.encode("euc-kr"), "EUC-KR", KOREAN),
        (codecs.BOM_UTF8 + KOREAN.encode("utf-8"), "utf-8", KOREAN),  # BOM dropped
        (KOREAN.encode("utf-16"), "utf-16", KOREAN),
        ("café".encode("cp1252"), "cp1252", "café"),
        ("don’t".encode("cp1252"), "windows-1252", "don’t"),
    ],
)
def test_forced(data: bytes, encoding: str, expected: str) -> None:
    assert decode(data, encoding, name="x.txt") == expected


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"", None, "x.txt is empty"),
        (b"", "cp949", "x.txt is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", None, "looks binary"),
        (bytes(range(256)) * 4, None, "looks binary"),
        (b"\x01\x02\x03\x04\x05\x06text\x07\x08", None, "looks binary"),
        (b"abc\x00def\x00\x00ghi", None, "looks binary"),
        (b"hello\x00world!", None, "looks binary"),  # one NUL at one parity: not UTF-16
        ("김문수 지사\x00가 말했다.\n".encode(), None, "looks binary"),  # UTF-8 with a NUL
        ("한국 ".encode() + b"\xed\xa0\x80", None, "a lone surrogate U+D800 at byte offset 7"),
        (codecs.BOM_UTF16_LE + "가".encode("utf-16-le") + b"\x00\xdc", None, "lone surrogate U+DC00 at byte offset 4"),
        (codecs.BOM_UTF16_BE + b"\xd8\x00" + "가".encode("utf-16-be"), None, "lone surrogate U+D800 at byte offset 2"),
        ("한국어".encode() + b"\xff rest", None, "invalid byte 0xff at offset 9"),
        ("don’t stop".encode("cp1252"), None, "invalid byte 0x92 at offset 3"),
        # CP949 Korean with one damaged byte: the offset is where the best candidate failed
        ("한국 ".encode("cp949") + b"\xff\xfe", None, "invalid byte 0xff at offset 5"),
        ("경기도".encode("cp949") * 50 + b"\x80" + "끝".encode("cp949"), None, "at offset 300"),
        (KOREAN.encode("cp949"), "utf-8", "cannot decode as UTF-8: invalid byte 0xb0 at byte offset 0"),
        ("가나".encode() + b"\xc0", "utf-8", "byte offset 6"),
        (codecs.BOM_UTF8 + b"ok\xff", None, "invalid byte 0xff at byte offset 5"),
        (b"plain", "no-such-codec", "unknown encoding 'no-such-codec'"),
    ],
)
def test_errors(data: bytes, encoding: str | None, message: str) -> None:
    with pytest.raises(InputError) as info:
        decode(data, encoding, name="x.txt")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("legacy", ["cp949", "euc-kr"])
@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_legacy_korean_parses_like_utf8(tmp_path: Path, legacy: str, fmt: str) -> None:
    """Must-show 4 (parsing side): the same article as CP949/EUC-KR and UTF-8 gives identical Documents."""
    article = (DATA / "seed_ko.txt").read_text(encoding="utf-8")
    (tmp_path / "utf8").mkdir()
    (tmp_path / "legacy").mkdir()
    (tmp_path / "utf8" / f"article.{fmt}").write_bytes(article.encode("utf-8"))
    (tmp_path / "legacy" / f"article.{fmt}").write_bytes(article.encode(legacy))
    utf8_docs = read_inputs(tmp_path / "utf8")
    legacy_docs = read_inputs(tmp_path / "legacy")
    for doc in utf8_docs + legacy_docs:
        doc.meta.pop("source")  # the only difference: the folder it was read from
    assert legacy_docs == utf8_docs
    assert render(legacy_docs[0]) == article
    assert parse(decode(article.encode(legacy), name="a"), fmt) == parse(article, fmt)
