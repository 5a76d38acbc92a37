"""One reading layer (bilingual.text.encoding.read_file) for every text input.

Each input kind is written with the same Korean content in each encoding and
must give the same result; each bad file must give exactly one ``error:`` line
naming it and exit 2 through the real CLI, and stay byte-identical. Glossary
edits write the file back in the encoding, BOM and line breaks they read.
"""

from __future__ import annotations

import codecs
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.corpus.folder import load_corpus
from bilingual.errors import GlossaryError
from bilingual.formats import read_inputs
from bilingual.glossary import edit, load_glossary
from bilingual.glossary.terms import HEADER, Term

REPO = Path(__file__).resolve().parents[1]
SEED = load_corpus("seed")
SEED_ID = SEED.articles[0].id
SEED_ARTICLES = REPO / "corpora" / "seed" / "articles"

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16-le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "cp949": lambda text: text.encode("cp949"),
}

ARTICLE = "서울시, 버스 요금 인상\n\n김민수 기자\n\n서울시는 내년부터 요금을 올린다고 밝혔다. 시민들은 반대했다.\n"
GLOSSARY = f"{HEADER}\n# 이름\n서울시\tSeoul City\t서울특별시\t\tplace\tapproved\t\n김민수\tKim Min-su\t\tGim Min-su\tperson\tapproved\t기자\n이란\tIran\t\t\tplace\tapproved\t\n"
LINT_TEXT = "이란성 쌍둥이와 이란혁명 기념일, 이란은 서울시에 대사관을 둔다.\n"
POSTEDIT_GLOSSARY = f"{HEADER}\n캐버노\tKavanaugh\t\tCabrino | Kaberno\tperson\tapproved\t\n팔루\tPalu\t\tFallu | Pallu\tplace\tapproved\t\n"
POSTEDIT_SOURCE = "캐버노는 팔루에 갔다.\n그는 말했다.\n팔루의 지진\n"
# a Korean hypothesis for en->ko against seed's Korean side, one segment a line, some words dropped
KO_HYP = "\n".join(" ".join(s.split()[:-1]) or s for s in SEED.side("ko")) + "\n"


@dataclass(frozen=True)
class Kind:
    """One input kind: the file under test (``slot``), the command reading it, its other inputs."""

    name: str
    slot: str  # relative to the case folder
    content: str
    argv: tuple[str, ...]  # "{d}": the case folder, "{model}": the tiny ko->en model
    others: dict[str, str | Path] = field(default_factory=dict)  # text (UTF-8) or a file to copy
    outputs: tuple[str, ...] = ()  # files (or folders) written, compared byte for byte
    empty_fails: bool = True  # an empty file is an error naming it
    folder_fails: bool = True  # a folder in its place is an error naming it


KINDS = [
    Kind("article", "article.txt", ARTICLE,
         ("translate", "{d}/article.txt", "--model", "{model}", "-o", "{d}/out.txt", "--quiet"), outputs=("out.txt",)),
    Kind("glossary", "g.tsv", GLOSSARY, ("glossary", "match", "{d}/text.txt", "-g", "{d}/g.tsv"),
         others={"text.txt": ARTICLE}, empty_fails=False),
    Kind("match-text", "text.txt", ARTICLE, ("glossary", "match", "{d}/text.txt", "-g", "{d}/g.tsv"),
         others={"g.tsv": GLOSSARY}, empty_fails=False),
    Kind("lint-glossary", "g.tsv", GLOSSARY, ("glossary", "lint", "-g", "{d}/g.tsv", "--corpus", "{d}/c.ko.txt"),
         others={"c.ko.txt": LINT_TEXT}, empty_fails=False),
    Kind("lint-corpus", "c.ko.txt", LINT_TEXT, ("glossary", "lint", "-g", "{d}/g.tsv", "--corpus", "{d}/c.ko.txt"),
         others={"g.tsv": GLOSSARY}, empty_fails=False, folder_fails=False),  # a folder of *.ko.txt is valid
    Kind("hypothesis", "hyp.ko", KO_HYP,
         ("eval", "--corpus", "seed", "--from", "en", "--to", "ko", "--hyp", "{d}/hyp.ko", "--metrics", "chrf", "--json", "-")),
    Kind("hypothesis-in-folder", f"hyps/{SEED_ID}.ko.txt", KO_HYP,
         ("eval", "--corpus", "seed", "--from", "en", "--to", "ko", "--hyp", "{d}/hyps", "--metrics", "chrf", "--json", "-"),
         folder_fails=False),  # a folder of that name is no article file: "has no file for article" names the folder
    Kind("postedit-source", "src.ko", POSTEDIT_SOURCE,
         ("glossary", "apply", "-s", "{d}/src.ko", "--hyp", "{d}/hyp.en", "-o", "{d}/out.en", "-g", "{d}/g.tsv",
          "--report", "{d}/report.json"),
         others={"hyp.en": "Cabrino went to Fallu.\nHe said.\nThe Palu earthquake\n", "g.tsv": POSTEDIT_GLOSSARY},
         outputs=("out.en", "report.json")),
    Kind("corpus-import", "pub/ko.txt", (SEED_ARTICLES / f"{SEED_ID}.ko.txt").read_text(encoding="utf-8"),
         ("corpus", "import", "seed", "--from-dir", "{d}/pub", "--out", "{d}/out"),
         others={"pub/en.txt": SEED_ARTICLES / f"{SEED_ID}.en.txt", "pub/README.md": REPO / "corpora" / "seed" / "README.md"},
         outputs=("out",), empty_fails=False),  # empty: "15 en segments but 0 ko segments"
    Kind("corpus-load", f"seed/articles/{SEED_ID}.ko.txt", (SEED_ARTICLES / f"{SEED_ID}.ko.txt").read_text(encoding="utf-8"),
         ("eval", "--corpus", "{d}/seed", "--from", "en", "--to", "ko", "--hyp", "{d}/hyp.ko", "--metrics", "chrf", "--json", "-"),
         others={"seed": REPO / "corpora" / "seed", "hyp.ko": KO_HYP}, empty_fails=False),
]


def _setup(kind: Kind, folder: Path) -> Path:
    """Write the kind's other inputs under ``folder``; the path of its slot."""
    for name, value in kind.others.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, str):
            target.write_text(value, encoding="utf-8")
        elif value.is_dir():
            shutil.copytree(value, target)
        else:
            shutil.copyfile(value, target)
    slot = folder / kind.slot
    slot.parent.mkdir(parents=True, exist_ok=True)
    slot.unlink(missing_ok=True)  # copied with a corpus folder
    return slot


def _argv(kind: Kind, folder: Path, model: Path) -> list[str]:
    return [arg.replace("{d}", str(folder)).replace("{model}", str(model)) for arg in kind.argv]


def _outputs(kind: Kind, folder: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name in kind.outputs:
        path = folder / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                files[str(file.relative_to(folder))] = file.read_bytes().replace(str(folder).encode(), b"<d>")
    return files


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_every_encoding_gives_the_same_result(kind: Kind, tmp_path: Path, tiny_marian_ko_en: Path):
    results = {}
    for encoding, encode in ENCODINGS.items():
        folder = tmp_path / encoding
        slot = _setup(kind, folder)
        data = encode(kind.content)
        slot.write_bytes(data)
        result = CliRunner().invoke(app, _argv(kind, folder, tiny_marian_ko_en))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == 0, (encoding, result.output)
        results[encoding] = (result.exit_code, result.stdout.replace(str(folder), "<d>"), _outputs(kind, folder))
        assert slot.read_bytes() == data, encoding
    different = [encoding for encoding, got in results.items() if got != results["utf-8"]]
    assert not different, f"{kind.name}: {different} differ from utf-8"
    assert results["utf-8"][1] or results["utf-8"][2], "the command gave nothing to compare"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_article_documents_are_the_same_for_every_encoding(tmp_path: Path, encoding: str):
    (tmp_path / "utf-8.txt").write_bytes(ARTICLE.encode("utf-8"))
    (tmp_path / f"{encoding}.txt").write_bytes(ENCODINGS[encoding](ARTICLE))
    [expected] = read_inputs(tmp_path / "utf-8.txt")
    [doc] = read_inputs(tmp_path / f"{encoding}.txt")
    assert doc.blocks == expected.blocks and doc.format == expected.format


# ---------------------------------------------------------------- bad files


def _make_folder(path: Path) -> None:
    path.mkdir()


BAD = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06", "looks binary"),
    "nul-bytes": ("김민수 기자\x00가 말했다.\n".encode(), "looks binary (it contains NUL bytes)"),
    "undecodable": (b"\x80\x81 \xfe\xff bad\n", "cannot detect the encoding: invalid byte"),
    "lone-surrogate": ("서울시 ".encode() + b"\xed\xa0\x80\n", "a lone surrogate U+D800 at byte offset 10"),
    "empty": (b"", "is empty"),
    "folder": (_make_folder, ""),
    "missing": (None, ""),
}
BAD_CASES = [
    pytest.param(kind, bad, id=f"{kind.name}-{bad}")
    for kind in KINDS
    for bad in BAD
    if (bad != "empty" or kind.empty_fails) and (bad != "folder" or kind.folder_fails)
]


@pytest.mark.parametrize(("kind", "bad"), BAD_CASES)
def test_bad_file_is_one_error_line_naming_it(kind: Kind, bad: str, tmp_path: Path, tiny_marian_ko_en: Path):
    slot = _setup(kind, tmp_path)
    content, message = BAD[bad]
    if isinstance(content, bytes):
        slot.write_bytes(content)
    elif content is not None:
        content(slot)
    before = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    proc = subprocess.run(
        [sys.executable, "-m", "bilingual", *_argv(kind, tmp_path, tiny_marian_ko_en)],
        capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
    )  # fmt: skip
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    # the file by its path (or, inside a corpus or hypothesis folder, by its name)
    assert slot.name in lines[0] and message in lines[0], lines[0]
    assert {p: p.read_bytes() for p in before} == before  # every input byte-identical
    assert not any((tmp_path / name).exists() for name in kind.outputs)


# ---------------------------------------------------------------- writers keep what the reader saw


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_glossary_edit_keeps_encoding_bom_and_line_breaks(tmp_path: Path, encoding: str, newline: str):
    path = tmp_path / "g.tsv"
    original = ENCODINGS[encoding](GLOSSARY.replace("\n", newline))
    path.write_bytes(original)
    edit.add_term(path, Term("똠방각하", "Ddombang", kind="title"))  # a UHC-only syllable: CP949, not EUC-KR
    row = "똠방각하\tDdombang\t\t\ttitle\tapproved\t\n"
    assert path.read_bytes() == ENCODINGS[encoding]((GLOSSARY + row).replace("\n", newline))
    assert [t.korean for t in load_glossary(path).terms][-1] == "똠방각하"
    edit.remove_term(path, "똠방각하")
    assert path.read_bytes() == original


def test_glossary_edit_refuses_a_value_the_file_encoding_cannot_hold(tmp_path: Path):
    path = tmp_path / "g.tsv"
    path.write_bytes(GLOSSARY.encode("cp949"))
    with pytest.raises(GlossaryError, match=r"'😀' \(U\+1F600\) cannot be written in CP949"):
        edit.add_term(path, Term("스마일", "Smile 😀"))
    assert path.read_bytes() == GLOSSARY.encode("cp949")


def test_tbx_declaring_its_encoding_reads_like_utf8(tmp_path: Path):
    from bilingual.glossary import dump, parse

    tbx = dump(parse(GLOSSARY, "tsv"), "tbx")
    assert 'encoding="UTF-8"' in tbx.splitlines()[0]
    (tmp_path / "utf8.tbx").write_text(tbx, encoding="utf-8")
    (tmp_path / "utf16.tbx").write_bytes(tbx.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16"))
    assert load_glossary(tmp_path / "utf16.tbx").terms == load_glossary(tmp_path / "utf8.tbx").terms

