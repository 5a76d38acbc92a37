"""`bilingual corpus import`: published files back into the shipped corpora, with checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual.corpus.folder import load_corpus
from bilingual.corpus.importer import import_corpus
from bilingual.errors import CorpusError
from eval_helpers import CORPORA, run_cli


def _published_ntrex(tmp_path: Path) -> Path:
    """Re-create the published NTREX-128 layout from the shipped corpus."""
    corpus = load_corpus("ntrex128")
    src = tmp_path / "ntrex128"
    src.mkdir()
    (src / "newstest2019-src.eng.txt").write_text("\n".join(corpus.side("en")) + "\n", encoding="utf-8")
    (src / "newstest2019-ref.kor.txt").write_text("\n".join(corpus.side("ko")) + "\n", encoding="utf-8")
    (src / "DOCUMENT_IDS.tsv").write_text("\n".join(corpus.article_ids()) + "\n", encoding="utf-8")
    (src / "LICENSE.md").write_bytes((CORPORA / "ntrex128" / "LICENSE.md").read_bytes())
    (src / "README.md").write_bytes((CORPORA / "ntrex128" / "NTREX-README.md").read_bytes())
    return src


def _published_wmt(tmp_path: Path) -> Path:
    corpus = load_corpus("wmt24pp-news")
    src = tmp_path / "wmt"
    src.mkdir()
    (src / "news.en").write_text("\n".join(corpus.side("en")) + "\n", encoding="utf-8")
    (src / "news.ko").write_text("\n".join(corpus.side("ko")), encoding="utf-8")  # the published file has no final newline
    (src / "news.docids").write_text("\n".join(corpus.article_ids()) + "\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("name,make", [("ntrex128", _published_ntrex), ("wmt24pp-news", _published_wmt)])
def test_import_rebuilds_the_shipped_corpus_byte_for_byte(tmp_path: Path, name, make):
    kind = name
    out = tmp_path / "out" / name
    corpus = import_corpus(kind, make(tmp_path), out)
    shipped = CORPORA / name
    for path in sorted(shipped.rglob("*")):
        if path.is_file():
            assert (out / path.relative_to(shipped)).read_bytes() == path.read_bytes(), path.name
    assert len(corpus) == len(load_corpus(name))


def _shuffle_ids(src: Path) -> None:
    path = src / "news.docids"
    ids = path.read_text(encoding="utf-8").splitlines()
    ids[0], ids[-1] = ids[-1], ids[0]  # one article split in two places
    path.write_text("\n".join(ids) + "\n", encoding="utf-8")


def _drop_line(src: Path) -> None:
    path = src / "news.ko"
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:-1]), encoding="utf-8")


def _blank_line(src: Path) -> None:
    path = src / "news.en"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = ""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _drop_article(src: Path) -> None:
    for name in ("news.en", "news.ko", "news.docids"):
        path = src / name
        path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:-3]) + "\n", encoding="utf-8")


def _missing_file(src: Path) -> None:
    (src / "news.docids").unlink()


BROKEN = [
    (_shuffle_ids, "appears in two places"),
    (_drop_line, "news.ko has 148 lines but news.docids has 149"),
    (_blank_line, "news.en line 4 is empty"),
    (_drop_article, "the published set has 149"),
    (_missing_file, "missing file"),
]


@pytest.mark.parametrize("damage,message", BROKEN, ids=[m for _, m in BROKEN])
def test_import_checks_counts_and_ids(tmp_path: Path, damage, message):
    src = _published_wmt(tmp_path)
    damage(src)
    with pytest.raises(CorpusError, match=message):
        import_corpus("wmt24pp-news", src, tmp_path / "out")
    assert not (tmp_path / "out" / "manifest.toml").exists()


def test_import_keeps_licence_and_attribution(tmp_path: Path):
    corpus = import_corpus("wmt24pp-news", _published_wmt(tmp_path), tmp_path / "out")
    assert "Apache License" in (corpus.path / "LICENSE.txt").read_text(encoding="utf-8")
    attribution = (corpus.path / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "google/wmt24pp" in attribution and "Apache-2.0" in attribution


def test_import_refuses_to_overwrite_and_ntrex_needs_its_licence(tmp_path: Path):
    src = _published_ntrex(tmp_path)
    (src / "LICENSE.md").unlink()
    with pytest.raises(CorpusError, match="LICENSE.md is missing"):
        import_corpus("ntrex128", src, tmp_path / "out")
    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError, match="already exists and is not empty"):
        import_corpus("wmt24pp-news", _published_wmt(tmp_path), out)


def test_import_command(tmp_path: Path):
    src = _published_wmt(tmp_path)
    proc = run_cli("corpus", "import", "wmt24pp-news", "--from-dir", str(src), "--out", str(tmp_path / "c"))
    assert proc.returncode == 0, proc.stderr
    assert "17 articles, 149 segments, licence Apache-2.0" in proc.stdout
    proc = run_cli("corpus", "import", "europarl", "--from-dir", str(src))
    assert proc.returncode == 2 and proc.stderr.startswith("error: unknown corpus kind 'europarl'")
