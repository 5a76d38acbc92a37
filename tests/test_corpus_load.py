"""Corpus folders: the shipped corpora load; every broken folder is a CorpusError naming what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bilingual.corpus.folder import list_corpora, load_corpus
from bilingual.errors import CorpusError
from eval_helpers import CORPORA, run_cli

SHIPPED = [
    # (name, articles, segments, granularity, licence)
    ("ntrex128", 123, 1997, "article", "CC-BY-SA-4.0"),
    ("wmt24pp-news", 17, 149, "article", "Apache-2.0"),
    ("flores200-devtest", 1, 1012, "sentence", "CC-BY-SA-4.0"),
    ("seed", 1, 15, "article", None),
]


@pytest.mark.parametrize("name,articles,segments,granularity,licence", SHIPPED)
def test_shipped_corpora_load_with_licence_files(name, articles, segments, granularity, licence):
    corpus = load_corpus(name)
    assert (len(corpus.articles), len(corpus)) == (articles, segments)
    assert corpus.info.granularity == granularity and corpus.info.original == "en"
    assert len(corpus.side("ko")) == len(corpus.side("en")) == segments
    if licence:
        assert corpus.info.licence == licence
    for name_ in corpus.info.licence_files:
        assert (corpus.path / name_).stat().st_size > 0
    assert "ATTRIBUTION.md" in corpus.info.licence_files


def test_seed_is_aligned_with_paragraphs():
    article = load_corpus("seed").articles[0]
    en, ko = article.side("en"), article.side("ko")
    assert en[1] == "Gyeonggi to sign cooperation deal with Russian technology firm"
    assert ko[1] == "경기도, 러시아 기술기업과 협력 협약 맺는다"
    assert en[-1] == "By Chun Sung-woo (swchun@heraldcorp.com)" and ko[-1].startswith("천성우 기자")
    # headline, byline, dateline and the photo caption with its credit are their own paragraphs
    assert article.paragraph_starts[:5] == (0, 1, 2, 3, 4)
    # ... and the caption's credit line "(Gyeonggi provincial office)" stays in the caption's paragraph
    assert en[7] == "(Gyeonggi provincial office)" and ko[7] == "(경기도청 제공)"
    assert 6 in article.paragraph_starts and 7 not in article.paragraph_starts
    assert len(article.paragraph_starts) == 14


def test_list_finds_every_shipped_corpus():
    names = {p.name for p in list_corpora()}
    assert {"ntrex128", "wmt24pp-news", "flores200-devtest", "seed"} <= names


def _copy(tmp_path: Path, name: str = "wmt24pp-news") -> Path:
    folder = tmp_path / name
    shutil.copytree(CORPORA / name, folder)
    return folder


ARTICLE = "test-en-news_beverly_press.3585"


def _drop_ko_line(folder: Path) -> None:
    path = folder / "articles" / f"{ARTICLE}.ko.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")


def _remove_en_file(folder: Path) -> None:
    (folder / "articles" / f"{ARTICLE}.en.txt").unlink()


def _remove_manifest(folder: Path) -> None:
    (folder / "manifest.toml").unlink()


def _paragraph_break_one_side(folder: Path) -> None:
    path = folder / "articles" / f"{ARTICLE}.en.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:2] + [""] + lines[2:]) + "\n", encoding="utf-8")


def _manifest_count(folder: Path) -> None:
    path = folder / "manifest.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'id = "{ARTICLE}"\nsegments = 5', f'id = "{ARTICLE}"\nsegments = 6'), encoding="utf-8")


def _stray_file(folder: Path) -> None:
    (folder / "articles" / "extra.en.txt").write_text("x\n", encoding="utf-8")


def _unknown_key(folder: Path) -> None:
    path = folder / "manifest.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("granularity", 'licensor = "x"\ngranularity', 1), encoding="utf-8")


def _missing_licence(folder: Path) -> None:
    (folder / "LICENSE.txt").unlink()


def _undecodable(folder: Path) -> None:
    (folder / "articles" / f"{ARTICLE}.ko.txt").write_bytes("가나다 ".encode() + b"\xff\xfe\n")


BROKEN = [
    (_drop_ko_line, f"article {ARTICLE}: 5 en segments but 4 ko segments"),
    (_remove_en_file, f"article {ARTICLE}: missing file articles/{ARTICLE}.en.txt"),
    (_remove_manifest, "is not a corpus folder: it has no manifest.toml"),
    (_paragraph_break_one_side, f"article {ARTICLE}: paragraph breaks differ"),
    (_manifest_count, f"article {ARTICLE}: manifest.toml says 6 segments, the files have 5"),
    (_stray_file, "articles/extra.en.txt is not an article listed in manifest.toml"),
    (_unknown_key, "unknown key(s) licensor"),
    (_missing_licence, "licence file LICENSE.txt named in manifest.toml is missing"),
    (_undecodable, f"{ARTICLE}.ko.txt: cannot detect the encoding: invalid byte 0xff at offset 10"),
]


@pytest.mark.parametrize("damage,message", BROKEN, ids=[m[:40] for _, m in BROKEN])
def test_broken_corpus_folders(tmp_path: Path, damage, message):
    folder = _copy(tmp_path)
    damage(folder)
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert message in str(info.value)


def test_unknown_corpus_name():
    with pytest.raises(CorpusError, match="no corpus 'ntrex129'"):
        load_corpus("ntrex129")


def test_corpus_show_and_list_commands():
    proc = run_cli("corpus", "show", "seed")
    assert proc.returncode == 0, proc.stderr
    assert "granularity: article" in proc.stdout and "segments: 15" in proc.stdout
    proc = run_cli("corpus", "show", "seed", "--article", "koreaherald-2012-10-25-gyeonggi-russian-tech")
    assert "2\ten\tGyeonggi to sign cooperation deal with Russian technology firm" in proc.stdout
    assert "2\tko\t경기도, 러시아 기술기업과 협력 협약 맺는다" in proc.stdout
    proc = run_cli("corpus", "list")
    assert proc.returncode == 0 and "ntrex128\tarticle\t123 articles\t1997 segments" in proc.stdout
