"""Archives: lazy JSONL/gzip/zstd/Parquet records, the windowed stream, the journal and --resume, ``bilingual batch``."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.archive.journal import ArchiveWriter, journal_path, partial_path, parts_path, read_journal
from bilingual.archive.records import Columns, archive_format, read_records, record_from_line, render_line
from bilingual.archive.run import run_archive, run_settings
from bilingual.archive.stream import translate_stream
from bilingual.engines.base import GenerationOptions
from bilingual.errors import InputError, OutputError
from bilingual.testing.fake_engine import FakeEngine
from bilingual.translation.pipeline import Translator
from tests.test_outputs import SLOW_CLI

REPO = Path(__file__).resolve().parents[1]
FORMATS = ["jsonl", "jsonl.gz", "jsonl.zst", "parquet"]


def _articles(n: int, lang: str = "en") -> list[dict]:
    """n articles of 0 to 3 paragraphs (so they finish in different batches), with other keys."""
    rows = []
    for i in range(n):
        if lang == "en":
            title = f"Seoul raises bus fares {i}"
            body = "\n\n".join(f"The city said fares rise by {i * 10 + k} won. Critics objected." for k in range(i % 4))
        else:
            title = f"서울시 버스 요금 인상 {i}"
            body = "\n\n".join(f"서울시는 요금을 {i * 10 + k}원 올린다고 밝혔다. 시민들은 반대했다." for k in range(i % 4))
        rows.append({"id": f"a{i}", "title": title, "body": body, "score": i + 0.5, "tags": ["news", str(i)], "note": None})
    return rows


def _write_input(path: Path, rows: list[dict]) -> None:
    fmt = archive_format(path)
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=7)
        return
    # odd spacing, key order and escapes that must come through byte for byte
    text = "".join(
        '{"tags": %s,  "id": "%s", "title": %s, "body": %s, "score": %r, "x": "caf\\u00e9", "big": 1.10}\n'
        % (json.dumps(r["tags"]), r["id"], json.dumps(r["title"]), json.dumps(r["body"], ensure_ascii=False), r["score"])
        for r in rows
    )
    data = text.encode("utf-8")
    if fmt == "jsonl.gz":
        data = gzip.compress(data)
    elif fmt == "jsonl.zst":
        import zstandard

        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)


def _fake(batch_size: int = 2, source: str = "en", target: str = "ko") -> Translator:
    return Translator(FakeEngine(source, target), options=GenerationOptions(batch_size=batch_size))


def _settings(path: Path, out: Path, **extra) -> dict:
    return run_settings(path, output_format=archive_format(out), model="fake", source_lang="en", target_lang="ko", **extra)


def _run(src: Path, out: Path, **kw):
    window = kw.pop("window", 4)
    order = kw.pop("order", "input")
    return run_archive(
        src, out, kw.pop("translator", None) or _fake(), settings=_settings(src, out, window=window, order=order),
        window=window, order=order, **kw,
    )  # fmt: skip


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_translates_title_and_body_and_keeps_everything_else(tmp_path: Path, fmt: str):
    rows = _articles(9)
    src, out = tmp_path / f"in.{fmt}", tmp_path / f"out.{fmt}"
    _write_input(src, rows)
    result = _run(src, out)
    assert (result.articles, result.translated, result.kept) == (9, 9, 0)
    assert not partial_path(out).exists() and not parts_path(out).exists()
    back = list(read_records(out))
    assert [r.id for r in back] == [f"a{i}" for i in range(9)]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.read_schema(out) == pq.read_schema(src)
        table = pq.read_table(out).to_pylist()
        for row, original in zip(table, rows):
            assert row["title"] == f"[ko] {original['title']}"
            assert {k: row[k] for k in ("id", "score", "tags", "note")} == {k: original[k] for k in ("id", "score", "tags", "note")}
        assert table[0]["body"] == ""  # an empty body stays empty
    else:
        originals = [r.document.meta["jsonl"]["line"] for r in read_records(src)]
        for record, line in zip(back, originals):
            written = record.document.meta["jsonl"]["line"]
            members = record.document.meta["jsonl"]["members"]
            assert members["title"].value.startswith("[ko] ")
            # only the title and body strings changed: everything before the title is the original bytes
            assert written[: members["title"].start] == line[: line.index('"title": ') + 9]
            assert written.endswith(', "x": "caf\\u00e9", "big": 1.10}')


def test_custom_columns_and_a_record_without_an_id(tmp_path: Path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"headline": "Seoul rain.", "text": "It rained. Then it stopped."}\n\n{"key": 7, "text": "Sun."}\n', encoding="utf-8")
    columns = Columns(id="key", title="headline", body="text")
    result = _run(src, out, columns=columns)
    assert result.articles == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == [
        '{"headline": "[ko] Seoul rain.", "text": "[ko] It rained. [ko] Then it stopped."}',
        "",  # the blank line before the second article is kept
        '{"key": 7, "text": "[ko] Sun."}',
    ]
    assert [r.id for r in read_records(src, columns=columns)] == [f"{src}:1", "7"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("in.jsonl", '{"id": 1}\n', 'line 1: the object has neither "title" nor "body"'),
        ("in.jsonl", '{"title": 5}\n', '"title" must be a string'),
        ("in.jsonl", "not json\n", "line 1: not valid JSON"),
        ("in.jsonl", b'{"title": "\xff"}\n', "line 1 is not UTF-8"),
        ("in.jsonl.gz", b"not gzip at all", "cannot read it as jsonl.gz"),
        ("in.jsonl.zst", b"not zstd", "cannot read it as jsonl.zst: zstd decompress error"),
        ("in.txt", "x", "not an archive file name"),
    ],
)
def test_bad_records_are_one_line_naming_the_place(tmp_path: Path, name: str, content: str | bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        list(read_records(path))


def test_parquet_without_text_columns_is_refused(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1], "title": [3]}), path)
    with pytest.raises(InputError, match="column 'title' holds int64, not text"):
        list(read_records(path))


# --------------------------------------------------------------------------- the stream


def test_the_stream_reads_lazily_one_window_at_a_time():
    lines = [json.dumps(r) + "\n" for r in _articles(20)]
    taken = []

    def records():
        for i, line in enumerate(lines):
            taken.append(i)
            yield record_from_line(line, i)

    stream = translate_stream(records(), _fake(), window=5)
    first = next(stream)
    assert first.record.index == 0 and len(taken) == 5  # one window read, no more
    rest = list(stream)
    assert [t.record.index for t in [first, *rest]] == list(range(20))
    assert [t.window_end for t in [first, *rest]].count(True) == 4


def test_finished_order_yields_each_article_when_its_last_batch_is_done():
    articles = [
        {"title": "Rain.", "body": "A b c d e f g h i j k."},  # its short title is the last batch
        {"title": "One two three four five six seven eight nine ten."},
        {"title": "Mid length title here now."},
        {"title": "2024"},  # nothing to translate: done before any batch
        {"title": "x y z"},
        {"title": "The next window comes after."},
    ]
    lines = [json.dumps(a) + "\n" for a in articles]

    def order(kind: str) -> list[int]:
        records = (record_from_line(line, i) for i, line in enumerate(lines))
        return [t.record.index for t in translate_stream(records, _fake(batch_size=1), window=5, order=kind)]

    assert order("input") == [0, 1, 2, 3, 4, 5]
    assert order("finished") == [3, 1, 2, 4, 0, 5]


def test_the_stream_gives_the_same_translations_as_translate_documents():
    lines = [json.dumps(r) + "\n" for r in _articles(6)]
    streamed = [render_line(t.record) for t in translate_stream((record_from_line(x, i) for i, x in enumerate(lines)), _fake(), window=3)]
    docs = [record_from_line(x, i) for i, x in enumerate(lines)]
    _fake().translate_documents([r.document for r in docs])
    assert streamed == [render_line(r) for r in docs]


# --------------------------------------------------------------------------- journal and resume


class _Killed(BaseException):
    """Stands for the process dying: nothing below the raise runs, no file is closed cleanly."""


def _crash_after(n: int):
    def on_article(item, result):
        if result.articles >= n:  # articles in the output, those of earlier runs included
            raise _Killed

    return on_article


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("order", ["input", "finished"])
def test_resume_after_a_crash_gives_the_same_bytes(tmp_path: Path, fmt: str, order: str):
    rows = _articles(13)
    src = tmp_path / f"in.{fmt}"
    _write_input(src, rows)
    whole = tmp_path / f"whole.{fmt}"
    _run(src, whole, order=order)
    out = tmp_path / f"out.{fmt}"
    rng = random.Random(fmt + order)
    for crash in sorted(rng.sample(range(5, 13), 3)):  # past the first window, so a Parquet part is kept
        with pytest.raises(_Killed):
            _run(src, out, order=order, resume=True, on_article=_crash_after(crash))
        if fmt != "parquet":  # what a kill in the middle of a write leaves: half an article, half a journal line
            with open(partial_path(out), "ab") as handle:
                handle.write(b'{"id": "half an art')
            with open(journal_path(out), "ab") as handle:
                handle.write(b'{"record": 99, "id": "a9')
    result = _run(src, out, order=order, resume=True)
    assert result.kept > 0 and result.kept + result.translated == 13 == result.articles
    assert out.read_bytes() == whole.read_bytes()
    assert [r.id for r in read_records(out)] == [f"a{i}" for i in range(13)] if order == "input" else True
    again = _run(src, out, order=order, resume=True)
    assert again.already_complete and again.articles == 13 and out.read_bytes() == whole.read_bytes()


def test_resume_drops_an_article_whose_bytes_changed(tmp_path: Path):
    src, whole, out = tmp_path / "in.jsonl", tmp_path / "whole.jsonl", tmp_path / "out.jsonl"
    _write_input(src, _articles(10))
    _run(src, whole)
    with pytest.raises(_Killed):
        _run(src, out, on_article=_crash_after(7))
    data = bytearray(partial_path(out).read_bytes())
    third = read_journal(journal_path(out)).entries[2]
    data[third["offset"] + 3] ^= 1  # a flipped bit in the third article
    partial_path(out).write_bytes(bytes(data))
    result = _run(src, out, resume=True)
    assert result.kept == 2 and result.translated == 8
    assert out.read_bytes() == whole.read_bytes()


def test_resume_refuses_a_journal_of_other_settings(tmp_path: Path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_input(src, _articles(6))
    with pytest.raises(_Killed):
        _run(src, out, on_article=_crash_after(2))
    with pytest.raises(OutputError, match=r"other settings \(window: 4 -> 2\); run without --resume"):
        _run(src, out, resume=True, window=2)
    assert _run(src, out, window=2).translated == 6  # without --resume: a fresh run


def test_a_run_without_resume_starts_over_and_replaces_the_output_only_at_the_end(tmp_path: Path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_input(src, _articles(6))
    out.write_text("old\n", encoding="utf-8")
    with pytest.raises(_Killed):
        _run(src, out, on_article=_crash_after(3))
    assert out.read_text(encoding="utf-8") == "old\n"  # the old output until the new one is whole
    assert _run(src, out).translated == 6 and len(out.read_text(encoding="utf-8").splitlines()) == 6


def test_journal_lines_say_where_each_article_is(tmp_path: Path):
    src, out = tmp_path / "in.jsonl.gz", tmp_path / "out.jsonl.gz"
    _write_input(src, _articles(5))
    _run(src, out)
    state = read_journal(journal_path(out))
    assert state.header["format"] == "bilingual-archive-journal" and state.header["settings"]["window"] == 4
    data = out.read_bytes()
    for entry in state.entries:  # each article is a whole gzip member of the output
        member = data[entry["offset"] : entry["offset"] + entry["bytes"]]
        assert json.loads(gzip.decompress(member))["id"] == entry["id"]
    assert state.complete["records"] == 5 and state.complete["bytes"] == len(data)


def test_writer_skips_articles_already_written(tmp_path: Path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_input(src, _articles(3))
    records = list(read_records(src))
    settings = _settings(src, out)
    with ArchiveWriter(out, "jsonl", settings=settings) as writer:
        assert writer.write(records[0]) and not writer.write(records[0])
        writer.end_window(0)
    with ArchiveWriter(out, "jsonl", settings=settings, resume=True) as writer:
        assert 0 in writer.done and not writer.write(records[0]) and writer.write(records[1])
        writer.finish()
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


# --------------------------------------------------------------------------- SIGKILL in a real process

# `bilingual batch` runs with the SLOW_CLI of tests/test_outputs.py: its engine is a FakeEngine taking SLOW seconds per batch.


@pytest.mark.parametrize("fmt", ["jsonl.zst", "parquet"])
def test_sigkill_at_random_moments_then_resume_gives_the_uninterrupted_bytes(tmp_path: Path, fmt: str):
    src = tmp_path / f"in.{fmt}"
    _write_input(src, _articles(40))
    script = tmp_path / "slow_cli.py"
    script.write_text(SLOW_CLI, encoding="utf-8")

    def batch(out: Path, *extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(script), "batch", str(src), "-o", str(out), "-m", "fake", "--from", "en",
             "--window", "4", "--batch-size", "2", "-q", *extra],
            env={**os.environ, "SLOW": "0.01"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        )  # fmt: skip

    whole = tmp_path / f"whole.{fmt}"
    start = time.monotonic()
    proc = batch(whole)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    took = time.monotonic() - start
    out = tmp_path / f"out.{fmt}"
    rng = random.Random(fmt)
    killed = 0
    for _ in range(3):
        proc = batch(out, "--resume")
        time.sleep(rng.uniform(0.2, took))
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait(timeout=60) == -signal.SIGKILL
    proc = batch(out, "--resume")
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert killed >= 1
    assert out.read_bytes() == whole.read_bytes()


# --------------------------------------------------------------------------- the command, through a real model


def _cli(*args: str):
    from bilingual.cli.app import app

    return CliRunner().invoke(app, list(args))


def test_batch_command_with_a_tiny_transformers_model(tmp_path: Path, tiny_marian_ko_en: Path):
    src, out = tmp_path / "in.jsonl.gz", tmp_path / "out.jsonl.gz"
    _write_input(src, _articles(5, lang="ko"))
    done = _cli("batch", str(src), "-o", str(out), "-m", str(tiny_marian_ko_en), "--beams", "1", "--max-length", "24", "--window", "2")
    assert done.exit_code == 0, done.output
    assert "5 articles written to" in done.output
    back = list(read_records(out))
    assert [r.id for r in back] == [f"a{i}" for i in range(5)]
    first = back[1].document.meta["jsonl"]
    assert first["members"]["title"].value != "서울시 버스 요금 인상 1" and first["line"].endswith('"big": 1.10}')
    again = _cli("batch", str(src), "-o", str(out), "-m", str(tiny_marian_ko_en), "--beams", "1", "--max-length", "24", "--window", "2", "--resume")
    assert again.exit_code == 0 and "already complete (5 articles)" in again.output


BAD_RUNS = [
    (["in.jsonl", "-o", "out.parquet"], "-o out.parquet is parquet but INPUT in.jsonl is jsonl; JSON Lines go to JSON Lines, Parquet to Parquet"),
    (["in.jsonl", "-o", "in.jsonl"], "-o in.jsonl is INPUT in.jsonl; refusing to overwrite an input"),
    (["in.jsonl", "-o", "out.txt"], "out.txt: not an archive file name; use one ending in"),
    (["missing.jsonl", "-o", "out.jsonl"], "INPUT missing.jsonl: no such file"),
    (["in.jsonl", "-o", "out.jsonl", "--window", "0"], "--window must be at least 1 (got 0)"),
    (["in.jsonl", "-o", "out.jsonl", "--order", "fast"], "--order must be one of input, finished (got 'fast')"),
    (["in.jsonl", "-o", "out.jsonl", "--title-column", "body"], "the id, title and body columns must differ"),
    (["-", "-o", "out.jsonl"], "INPUT must be an archive file"),
    (["in.jsonl", "-o", "out.jsonl", "-g", "out.jsonl.bilingual-journal"],
     "the journal out.jsonl.bilingual-journal is the glossary out.jsonl.bilingual-journal; refusing to overwrite an input"),
]
# Each bad run through the console script's main() in one process: (exit status, stderr lines).
MAIN_LOOP = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from bilingual.cli.app import main
    out = []
    for args in json.loads(sys.argv[1]):
        sys.argv = ["bilingual", "batch", *args, "-m", "fake"]
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code
        out.append([code, err.getvalue().strip().splitlines()])
    print(json.dumps(out))
    """
)


def test_batch_errors_are_one_line_and_exit_2(tmp_path: Path):
    (tmp_path / "in.jsonl").write_text('{"title": "Seoul."}\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", MAIN_LOOP, json.dumps([args for args, _ in BAD_RUNS])],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for (args, message), (code, lines) in zip(BAD_RUNS, json.loads(proc.stdout), strict=True):
        assert code == 2 and len(lines) == 1 and lines[0].startswith(f"error: {message}"), (args, lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # nothing written, no journal
