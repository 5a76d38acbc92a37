"""Benchmark archives: the NTREX-128 Korean articles repeated with distinct ids, and a tiny model.

Used by ``archive_memory.py`` and ``kill_resume.py``. Each article becomes one
JSON Lines record ``{"id": "<ntrex id>#<copy>", "title": first line, "body": the
other lines, "source": "ntrex128", "copy": k}``; copies go round the 123
articles in order, so a window of articles rarely holds the same article twice.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "corpora" / "ntrex128" / "articles"


def ntrex_korean() -> list[tuple[str, str, str]]:
    """(id, title, body) of each NTREX-128 Korean article, in file name order."""
    out = []
    for path in sorted(ARTICLES.glob("*.ko.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        out.append((path.name.removesuffix(".ko.txt"), title.strip(), body.strip()))
    return out


def write_archive(path: Path, count: int) -> Path:
    """``count`` records into ``path`` (JSON Lines), going round the NTREX-128 articles."""
    articles = ntrex_korean()
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            ident, title, body = articles[i % len(articles)]
            record = {"id": f"{ident}#{i // len(articles)}", "title": title, "body": body, "source": "ntrex128", "copy": i // len(articles)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def tiny_model(folder: Path) -> Path:
    """A tiny random-weight Marian ko-en checkpoint in ``folder`` (built once)."""
    from bilingual.testing.tiny_model import build_marian

    if not (folder / "config.json").exists():
        build_marian(folder, source_lang="ko", target_lang="en")
    return folder
