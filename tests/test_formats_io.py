"""read_inputs / write_outputs: files, folders, stdin, stdout, and their errors."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from formats_helpers import fake_translate

from bilingual.errors import InputError
from bilingual.formats import (
    format_for_path,
    normalize_format,
    plan_outputs,
    read_inputs,
    render,
    write_outputs,
)

ARTICLE = "제목\n\n첫 문단.\n\n둘째 문단.\n"
MARKDOWN = "# 제목\n\n- 항목 `code`\n"
JSONL = '{"id": "a", "title": "T1", "body": "B1"}\n{"id": "b", "title": "T2", "body": "B2"}\n'


def make_tree(root: Path) -> None:
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "a.md").write_text(MARKDOWN, encoding="utf-8")
    (root / "sub" / "c.markdown").write_text(MARKDOWN, encoding="utf-8")
    (root / "sub" / "deep" / "d.jsonl").write_text(JSONL, encoding="utf-8")
    (root / "sub" / "notes.pdf").write_bytes(b"%PDF-1.7\n")  # not an article file: skipped
    (root / ".hidden").mkdir()
    (root / ".hidden" / "e.txt").write_text(ARTICLE, encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("a.txt", "txt"), ("a.TXT", "txt"), ("a.md", "md"), ("a.markdown", "md"), ("a.jsonl", "jsonl"), ("a", "txt")],
)
def test_format_for_path(path: str, fmt: str) -> None:
    assert format_for_path(path) == fmt


@pytest.mark.parametrize(("name", "fmt"), [("text", "txt"), ("Markdown", "md"), (".md", "md"), ("ndjson", "jsonl")])
def test_format_aliases(name: str, fmt: str) -> None:
    assert normalize_format(name) == fmt


def test_unknown_format() -> None:
    with pytest.raises(InputError, match="unknown format 'pdf'"):
        normalize_format("pdf")


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    make_tree(tmp_path)
    docs = read_inputs(tmp_path)
    assert [(d.meta["relpath"], d.format, d.id) for d in docs] == [
        ("a.md", "md", "a"),
        ("b.txt", "txt", "b"),
        ("sub/c.markdown", "md", "sub/c"),
        ("sub/deep/d.jsonl", "jsonl", "a"),
        ("sub/deep/d.jsonl", "jsonl", "b"),
    ]


def test_forced_format(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(MARKDOWN, encoding="utf-8")
    (doc,) = read_inputs(path, format="md")
    assert doc.format == "md" and doc.blocks[0].prefix == "# "


def test_folder_output_mirrors_input(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    make_tree(src)
    docs = [fake_translate(d) for d in read_inputs(src)]
    written = write_outputs(docs, out)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "a.md",
        "b.txt",
        "sub/c.markdown",
        "sub/deep/d.jsonl",
    ]
    assert (out / "b.txt").read_text(encoding="utf-8") == "T\n\nT T.\n\nT T.\n"
    assert (out / "a.md").read_text(encoding="utf-8") == "# T\n\n- T `code`\n"
    assert len((out / "sub" / "deep" / "d.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert not list(out.rglob("*.tmp"))


def test_single_file_output_and_utf8(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_bytes(ARTICLE.encode("cp949"))
    target = tmp_path / "out" / "a.en.txt"
    write_outputs(read_inputs(src), target)
    assert target.read_bytes() == ARTICLE.encode("utf-8")  # output is always UTF-8


@pytest.mark.parametrize(("output", "written"), [("out", "out/a.txt"), ("out.txt", "out.txt"), ("made/", "made/a.txt")])
def test_file_or_folder_output(tmp_path: Path, output: str, written: str) -> None:
    src = tmp_path / "in" / "a.txt"
    src.parent.mkdir()
    src.write_text(ARTICLE, encoding="utf-8")
    target = f"{tmp_path}/{output}"
    assert write_outputs(read_inputs(src), target) == [tmp_path / written]
    assert (tmp_path / written).read_text(encoding="utf-8") == ARTICLE


def test_jsonl_documents_go_to_one_file(tmp_path: Path) -> None:
    src = tmp_path / "news.jsonl"
    src.write_text(JSONL, encoding="utf-8")
    target = tmp_path / "out.jsonl"
    write_outputs(read_inputs(src), target)
    assert target.read_text(encoding="utf-8") == JSONL


def test_several_text_documents_to_one_file_is_an_error(tmp_path: Path) -> None:
    make_tree(tmp_path)
    docs = read_inputs(tmp_path)
    with pytest.raises(InputError, match="5 documents cannot be written to one file"):
        plan_outputs(docs, tmp_path / "all.txt")  # checked before any translation
    with pytest.raises(InputError, match="5 documents cannot be written to one file"):
        write_outputs(docs, tmp_path / "all.txt")
    assert not (tmp_path / "all.txt").exists()
    with pytest.raises(InputError, match="stdout"):
        write_outputs(docs, None)


def test_output_never_overwrites_input(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(InputError, match="refusing to overwrite an input"):
        write_outputs(read_inputs(src), src)
    with pytest.raises(InputError, match="refusing to overwrite an input"):
        write_outputs(read_inputs(tmp_path), tmp_path)
    assert src.read_text(encoding="utf-8") == ARTICLE


class _Stream(io.StringIO):
    def __init__(self, data: bytes = b"") -> None:
        super().__init__()
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize(
    ("text", "encoding", "fmt", "expected_format", "count"),
    [
        (ARTICLE, "utf-8", None, "txt", 1),
        (ARTICLE, "cp949", None, "txt", 1),
        (JSONL, "utf-8", None, "jsonl", 2),
        (MARKDOWN, "utf-8", "md", "md", 1),
    ],
)
def test_stdin_and_stdout(monkeypatch: pytest.MonkeyPatch, text, encoding, fmt, expected_format, count) -> None:
    data = text.encode(encoding)
    monkeypatch.setattr(sys, "stdin", _Stream(data))
    docs = read_inputs("-", format=fmt)
    assert [d.format for d in docs] == [expected_format] * count
    out = _Stream()
    monkeypatch.setattr(sys, "stdout", out)
    assert write_outputs(docs, None) == []
    assert out.buffer.getvalue().decode("utf-8") == "".join(render(d) for d in docs)
    assert out.buffer.getvalue() == text.encode("utf-8")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "no such file or folder"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_bytes(b"  \n\t\n"), "contains only whitespace"),
        (lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "looks binary"),
        (lambda p: p.write_bytes("한국".encode() + b"\xfe\xfe"), "offset 6"),
        (lambda p: p.mkdir(), "no article files"),
    ],
    ids=["missing", "empty", "whitespace", "binary", "undecodable", "empty-folder"],
)
def test_input_errors(tmp_path: Path, setup, message: str) -> None:
    path = tmp_path / "article.txt"
    setup(path)
    with pytest.raises(InputError) as info:
        read_inputs(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_stdin_errors_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stream(b""))
    with pytest.raises(InputError, match="<stdin> is empty"):
        read_inputs("-")
