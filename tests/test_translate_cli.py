"""``bilingual translate`` and ``bilingual models`` end to end (tiny real checkpoints, no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app

MARKDOWN = """\
# 서울시, *버스* 요금 인상

서울시는 [발표문](https://seoul.go.kr/news?id=7)에서 요금을 올린다고 밝혔다.

- 인상 폭은 `200원`이다.
- 문의는 help@seoul.go.kr 로 하면 된다.

```
코드는 번역하지 않는다
```
"""

JSONL = "".join(
    json.dumps(r, ensure_ascii=False) + "\n"
    for r in (
        {"id": "a1", "title": "버스 요금 인상", "body": "서울시는 요금을 올린다.\n\n시민들은 반대했다."},
        {"id": "a2", "title": "지하철 논의", "body": "지하철 요금은 내년에 논의한다."},
        {"id": "a3", "title": "할인 확대", "body": "저소득층 할인이 넓어진다. 시가 밝혔다."},
    )
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def blocks(text: str) -> list[str]:
    return [b for b in text.split("\n\n") if b.strip()]


def test_korean_article_keeps_its_structure(tiny_marian_ko_en, tmp_path, ko_article):
    src = tmp_path / "article.txt"
    src.write_text(ko_article, encoding="utf-8")
    out, report = tmp_path / "out.txt", tmp_path / "report.json"
    code, _ = run("translate", str(src), "-o", str(out), "--model", str(tiny_marian_ko_en), "--report", str(report), "--quiet")
    assert code == 0
    translated = out.read_text(encoding="utf-8")
    from bilingual.document import BlockKind
    from bilingual.formats import parse

    kinds = [b.kind for b in parse(ko_article, "txt")[0].blocks if b.translatable]
    assert kinds.count(BlockKind.PARAGRAPH) == 5
    assert {BlockKind.HEADLINE, BlockKind.BYLINE, BlockKind.CAPTION} <= set(kinds)
    assert len(blocks(translated)) == len(blocks(ko_article)) == 8  # headline, byline, caption, 5 paragraphs
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["segments"] == 10 and data["summary"]["empty"] == 0  # 2 + 2 two-sentence paragraphs
    assert all(s["output"].strip() for s in data["segments"])
    assert translated != ko_article


def test_markdown_keeps_markup(tiny_marian_ko_en, tmp_path):
    src = tmp_path / "article.md"
    src.write_text(MARKDOWN, encoding="utf-8")
    code, output = run("translate", str(src), "--model", str(tiny_marian_ko_en), "--quiet")
    assert code == 0
    lines = output.splitlines()
    assert lines[0].startswith("# ")
    assert "](https://seoul.go.kr/news?id=7)" in output
    assert "`200원`" in output and "help@seoul.go.kr" in output
    assert sum(line.startswith("- ") for line in lines) == 2
    assert "```\n코드는 번역하지 않는다\n```" in output
    assert "서울시는 [발표문]" not in output


def test_jsonl_of_three_articles(tiny_marian_ko_en, tmp_path):
    src = tmp_path / "articles.jsonl"
    src.write_text(JSONL, encoding="utf-8")
    code, output = run("translate", str(src), "--model", str(tiny_marian_ko_en), "--quiet")
    assert code == 0
    records = [json.loads(line) for line in output.splitlines()]
    assert [r["id"] for r in records] == ["a1", "a2", "a3"]
    for record, source in zip(records, JSONL.splitlines()):
        original = json.loads(source)
        assert record["title"].strip() and record["title"] != original["title"]
        assert record["body"].count("\n\n") == original["body"].count("\n\n")


def test_a_1500_character_sentence_is_translated_in_parts(tiny_marian_ko_en, tmp_path):
    clause = "서울시는 시민의 교통 부담을 줄이기 위해 다양한 지원책을 함께 내놓았으며, "
    sentence = (clause * 40)[:1499].rstrip(", ") + "."
    src = tmp_path / "long.txt"
    src.write_text(sentence + "\n", encoding="utf-8")
    report = tmp_path / "r.json"
    code, output = run("translate", str(src), "--model", str(tiny_marian_ko_en), "--report", str(report), "--beams", "1", "-q")
    assert code == 0 and len(sentence) >= 1490
    segments = json.loads(report.read_text(encoding="utf-8"))["segments"]
    assert len(segments) > 1 and all(s["part_of"] == 0 for s in segments)
    assert "".join(s["source"] for s in segments).replace(" ", "") == sentence.replace(" ", "")
    assert all(s["output"] for s in segments)
    assert len(blocks(output)) == 1


def test_cp949_and_utf8_give_identical_output(tiny_marian_ko_en, tmp_path, ko_article):
    outputs = []
    for encoding in ("utf-8", "cp949"):
        src = tmp_path / f"article-{encoding}.txt"
        src.write_bytes(ko_article.encode(encoding))
        code, output = run("translate", str(src), "--model", str(tiny_marian_ko_en), "-q")
        assert code == 0
        outputs.append(output)
    assert outputs[0] == outputs[1]


def test_direction_is_detected_from_the_script(tiny_marian_en_ko, tmp_path):
    src = tmp_path / "en.txt"
    src.write_text("Seoul raises bus fares\n\nThe city said fares will rise next year.\n", encoding="utf-8")
    code, output = run("translate", str(src), "--model", str(tiny_marian_en_ko), "-q")
    assert code == 0 and len(blocks(output)) == 2


def test_glossary_report_and_strict(tiny_marian_ko_en, tmp_path, monkeypatch, ko_article):
    glossary = tmp_path / "g.tsv"
    glossary.write_text(
        "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote\n서울시\tSeoul Metropolitan Government\t\t\torganisation\tapproved\t\n",
        encoding="utf-8",
    )
    src = tmp_path / "a.txt"
    src.write_text(ko_article, encoding="utf-8")
    report, out = tmp_path / "r.json", tmp_path / "o.txt"
    args = ["translate", str(src), "--model", str(tiny_marian_ko_en), "--glossary", str(glossary), "--report", str(report), "-q"]
    code, _ = run(*args, "-o", str(out))
    assert code == 0
    events = [e for s in json.loads(report.read_text(encoding="utf-8"))["segments"] for e in s["terms"]]
    events = [e for e in events if e["status"] in ("applied", "repaired", "missed")]  # not hangul-left, unknown-name
    assert events and {e["source"] for e in events} == {"서울시"}
    assert "Seoul Metropolitan Government" in out.read_text(encoding="utf-8")

    from bilingual.errors import StrictTermsError
    from bilingual.glossary.enforce import Enforcer

    def miss_everything(self, prepared, output):
        text, found = original_finish(self, prepared, output)
        for event in found:
            if event.is_term:
                event.status = "missed"
        return text, found

    original_finish = Enforcer.finish
    monkeypatch.setattr(Enforcer, "finish", miss_everything)
    strict_out = tmp_path / "strict.txt"
    with pytest.raises(StrictTermsError, match="missed"):
        run(*args, "--strict", "-o", str(strict_out))
    assert not strict_out.exists()


def test_models_lists_defaults_and_cache_state(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    for argv in (["models"], ["models", "list"]):
        code, output = run(*argv)
        assert code == 0
        assert "Helsinki-NLP/opus-mt-tc-big-ko-en" in output and "default ko->en" in output
        assert "CC-BY-NC-4.0" in output and "not cached" in output


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bilingual", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "no such file"),
        ("empty", "empty"),
        ("binary", "binary"),
        ("model-offline", "is not in the local Hugging Face cache"),
        ("model-unreachable", "cannot be downloaded"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, tiny_marian_ko_en, ko_article, case, message):
    src = tmp_path / "a.txt"
    model = str(tiny_marian_ko_en)
    env = {"HF_HUB_CACHE": str(tmp_path / "cache")}
    if case == "missing":
        src = tmp_path / "nope.txt"
    elif case == "empty":
        src.write_bytes(b"")
    elif case == "binary":
        src.write_bytes(bytes(range(256)) * 4)
    else:
        src.write_text(ko_article, encoding="utf-8")
        model = "no-such-owner/no-such-model"
        if case == "model-offline":
            env["HF_HUB_OFFLINE"] = "1"
        else:
            env["HF_ENDPOINT"] = "http://127.0.0.1:9"  # nothing listens there
    done = cli("translate", str(src), "--model", model, env=env)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], done.stderr
    if case.startswith("model"):
        assert "no-such-owner/no-such-model" in lines[0] and "--model /path/to/folder" in lines[0]


def test_help_is_instant_and_documents_options():
    done = cli("translate", "--help")
    assert done.returncode == 0
    for option in ("--from", "--to", "--model", "--revision", "--engine", "--device", "--threads", "--beams",
                   "--batch-size", "--max-length", "--format", "--encoding", "--glossary", "--report", "--strict", "--quiet"):
        assert option in done.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, bilingual.cli.app; print('torch' in sys.modules, 'transformers' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip() == "False False"


@pytest.mark.parametrize(
    ("stderr_tty", "stdout_tty", "quiet", "total", "shown"),
    [(True, True, False, 40, True), (True, True, True, 40, False), (True, False, False, 40, False),
     (False, True, False, 40, False), (True, True, False, 4, False)],
)
def test_progress_bar_only_on_terminals_and_longer_runs(monkeypatch, stderr_tty, stdout_tty, quiet, total, shown):
    from bilingual.cli.progress import ProgressBar, progress_enabled

    monkeypatch.setattr(sys.stderr, "isatty", lambda: stderr_tty, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: stdout_tty, raising=False)
    with ProgressBar(enabled=progress_enabled(quiet), threshold=16) as progress:
        progress.update(0, total)
        assert (progress._bar is not None) is shown
