"""Reference article pairs on disk.

A corpus is one folder::

    corpora/<name>/
      manifest.toml          name, languages, original, granularity, licence, source, articles
      LICENSE.md, ...        the licence and attribution files the manifest names
      articles/<id>.<lang>.txt

Each article file holds one segment a line; a blank line marks a paragraph
break and both sides of an article must break at the same places. Line i of
``<id>.ko.txt`` is the translation of line i of ``<id>.en.txt``. The manifest
lists the articles in corpus order (the order of a one-segment-a-line
hypothesis file) with their segment counts::

    name = "ntrex128"
    title = "NTREX-128 news test references"
    languages = ["en", "ko"]
    original = "en"                 # the side that was written first
    granularity = "article"         # article | sentence
    licence = "CC-BY-SA-4.0"
    licence_files = ["LICENSE.md"]
    source = "microsoft/NTREX ..."
    attribution = "Federmann, Kocmi and Xin (2022) ..."

    [[articles]]
    id = "bbc.381790"
    segments = 15

Loading checks everything it can (files present, same segment counts and
paragraph breaks on both sides, counts as the manifest says) and raises
:class:`~bilingual.errors.CorpusError` naming the article at fault.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilingual.errors import CorpusError
from bilingual.outputs import replace_folder
from bilingual.text.encoding import read_text
from bilingual.text.language import LANGUAGES

MANIFEST = "manifest.toml"
ARTICLES_DIR = "articles"
GRANULARITIES = ("article", "sentence")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
_MANIFEST_KEYS = {
    "name",
    "title",
    "languages",
    "original",
    "granularity",
    "licence",
    "licence_files",
    "source",
    "attribution",
    "segments",
    "articles",
}
# What a manifest cannot do without; the rest have defaults (title: the name, attribution: none).
REQUIRED_KEYS = ("name", "languages", "original", "granularity", "licence", "source", "articles")


@dataclass(frozen=True)
class Article:
    """One article: aligned segments per language and where paragraphs start."""

    id: str
    segments: dict[str, tuple[str, ...]]
    paragraph_starts: tuple[int, ...] = (0,)  # segment indices that open a paragraph

    def side(self, lang: str) -> tuple[str, ...]:
        try:
            return self.segments[lang]
        except KeyError:
            raise CorpusError(f"article {self.id} has no {lang!r} side") from None

    def __len__(self) -> int:
        return len(next(iter(self.segments.values())))


@dataclass(frozen=True)
class CorpusInfo:
    """What the manifest says about a corpus, besides its articles."""

    name: str
    title: str
    languages: tuple[str, str]
    original: str
    granularity: str
    licence: str
    source: str
    attribution: str
    licence_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus: its manifest information and its articles in order."""

    info: CorpusInfo
    articles: tuple[Article, ...]
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.info.name

    def side(self, lang: str) -> list[str]:
        """All segments of one language, in corpus order."""
        self._check_lang(lang)
        return [seg for article in self.articles for seg in article.side(lang)]

    def article_ids(self) -> list[str]:
        """The article id of every segment, in corpus order."""
        return [article.id for article in self.articles for _ in range(len(article))]

    def spans(self) -> list[tuple[str, int, int]]:
        """``(article id, start, end)`` of each article in the flat segment list."""
        out, start = [], 0
        for article in self.articles:
            out.append((article.id, start, start + len(article)))
            start += len(article)
        return out

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise CorpusError(f"corpus {self.name}: no article {article_id!r}")

    def __len__(self) -> int:
        return sum(len(a) for a in self.articles)

    def _check_lang(self, lang: str) -> None:
        if lang not in self.info.languages:
            raise CorpusError(
                f"corpus {self.name} has languages {', '.join(self.info.languages)}, not {lang!r}"
            )


# --------------------------------------------------------------------------- finding


def search_dirs() -> list[Path]:
    """Folders searched for a corpus given by name, first match wins.

    ``$BILINGUAL_CORPORA`` (``os.pathsep``-separated), ``./corpora`` and the
    ``corpora/`` folder of the source checkout.
    """
    dirs = [Path(p) for p in os.environ.get("BILINGUAL_CORPORA", "").split(os.pathsep) if p]
    dirs.append(Path.cwd() / "corpora")
    dirs.append(Path(__file__).resolve().parent.parent.parent / "corpora")
    seen, out = set(), []
    for d in dirs:
        key = d.resolve() if d.exists() else d
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def resolve_corpus(path_or_name: str | Path) -> Path:
    """The folder of a corpus given as a path or as a name under :func:`search_dirs`."""
    candidate = Path(path_or_name)
    if candidate.is_dir():
        return candidate
    if candidate.exists():
        raise CorpusError(f"{candidate} is a file, not a corpus folder")
    name = str(path_or_name)
    if "/" not in name and os.sep not in name:
        for folder in search_dirs():
            if (folder / name).is_dir():
                return folder / name
    looked = ", ".join(str(d) for d in search_dirs())
    raise CorpusError(f"no corpus {name!r} (not a folder; looked in {looked})")


def list_corpora() -> list[Path]:
    """Every corpus folder (one with a manifest) in :func:`search_dirs`, by name."""
    found: dict[str, Path] = {}
    for folder in search_dirs():
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            if (child / MANIFEST).is_file() and child.name not in found:
                found[child.name] = child
    return [found[k] for k in sorted(found)]


# --------------------------------------------------------------------------- loading


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise CorpusError(f"{folder} is not a corpus folder: it has no {MANIFEST}")
    text = read_text(path, encoding="utf-8", empty_ok=True, error=CorpusError)  # TOML is UTF-8
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _MANIFEST_KEYS)
    if unknown:
        raise CorpusError(f"{path}: unknown key(s) {', '.join(unknown)}")
    return data


def minimal_manifest(name: str, article_id: str = "ID", segments: int | None = None) -> str:
    """A minimal manifest on one line (keys separated by " | "), for error messages."""
    count = f" segments = {segments}" if segments is not None else ""
    return " | ".join(
        [
            f"name = {_toml_str(name)}",
            'languages = ["en", "ko"]',
            'original = "ko"',
            'granularity = "article"',
            'licence = "CC-BY-4.0"',
            'source = "where the pairs come from"',
            f"[[articles]] id = {_toml_str(article_id)}{count}",
        ]
    )


def check_required_keys(data: dict, path: Path) -> None:
    """CorpusError naming every required key the manifest lacks (or leaves empty), at once,
    with a minimal manifest for this folder in the same line."""
    missing = [key for key in REQUIRED_KEYS if key not in data or data[key] in ("", [], {})]
    if not missing:
        return
    folder = path.parent
    # the example names an article that is really there, when there is one
    ids = sorted(p.name[: -len(".txt")].rpartition(".")[0] for p in (folder / ARTICLES_DIR).glob("*.*.txt"))
    example = minimal_manifest(str(data.get("name") or folder.name), ids[0] if ids else "ID")
    raise CorpusError(
        f"{path}: missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
        f"(a minimal manifest, one key a line: {example}; `bilingual corpus new` writes one)"
    )


def _info_from_manifest(data: dict, path: Path) -> CorpusInfo:
    def text(key: str, required: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise CorpusError(f"{path}: {key!r} must be a non-empty string")
        return value

    languages = data.get("languages")
    if (
        not isinstance(languages, list)
        or len(languages) != 2
        or sorted(languages) != sorted(LANGUAGES)
    ):
        raise CorpusError(f"{path}: 'languages' must be [\"en\", \"ko\"] in some order")
    original = text("original")
    if original not in languages:
        raise CorpusError(f"{path}: 'original' must be one of {languages}, not {original!r}")
    granularity = text("granularity")
    if granularity not in GRANULARITIES:
        raise CorpusError(f"{path}: 'granularity' must be article or sentence, not {granularity!r}")
    licence_files = data.get("licence_files", [])
    if not isinstance(licence_files, list) or not all(isinstance(x, str) for x in licence_files):
        raise CorpusError(f"{path}: 'licence_files' must be a list of file names")
    return CorpusInfo(
        name=text("name"),
        title=text("title", required=False) or text("name"),
        languages=(languages[0], languages[1]),
        original=original,
        granularity=granularity,
        licence=text("licence"),
        source=text("source"),
        attribution=text("attribution", required=False),
        licence_files=tuple(licence_files),
    )


def split_paragraphs(text: str) -> tuple[list[str], list[int]]:
    """Segments (non-blank lines) and the indices of the segments that open a paragraph."""
    segments: list[str] = []
    starts: list[int] = []
    new_paragraph = True
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            new_paragraph = True
            continue
        if new_paragraph:
            starts.append(len(segments))
            new_paragraph = False
        segments.append(line)
    return segments, starts


def _read_side(folder: Path, corpus: str, article_id: str, lang: str) -> tuple[list[str], list[int]]:
    path = folder / ARTICLES_DIR / f"{article_id}.{lang}.txt"
    if not path.is_file():
        raise CorpusError(
            f"corpus {corpus}: article {article_id}: missing file {ARTICLES_DIR}/{path.name}"
        )
    text = read_text(path, what=f"corpus {corpus}: article {article_id}:", empty_ok=True, error=CorpusError)
    return split_paragraphs(text)


def load_corpus(path_or_name: str | Path) -> Corpus:
    """Load and check a corpus folder (a path, or a name under :func:`search_dirs`)."""
    folder = resolve_corpus(path_or_name)
    data = read_manifest(folder)
    manifest_path = folder / MANIFEST
    check_required_keys(data, manifest_path)
    info = _info_from_manifest(data, manifest_path)
    for name in info.licence_files:
        if not (folder / name).is_file():
            raise CorpusError(f"corpus {info.name}: licence file {name} named in {MANIFEST} is missing")
    entries = data.get("articles")
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{manifest_path}: no [[articles]] listed")
    articles: list[Article] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise CorpusError(f"{manifest_path}: every [[articles]] entry needs an id")
        article_id = entry["id"]
        if not _ID_RE.match(article_id):
            raise CorpusError(f"{manifest_path}: article id {article_id!r} is not a safe file name")
        if article_id in seen:
            raise CorpusError(f"{manifest_path}: article {article_id} is listed twice")
        seen.add(article_id)
        sides: dict[str, tuple[str, ...]] = {}
        breaks: dict[str, list[int]] = {}
        for lang in info.languages:
            segs, starts = _read_side(folder, info.name, article_id, lang)
            sides[lang], breaks[lang] = tuple(segs), starts
        a, b = info.languages
        if len(sides[a]) != len(sides[b]):
            raise CorpusError(
                f"corpus {info.name}: article {article_id}: {len(sides[a])} {a} segments "
                f"but {len(sides[b])} {b} segments"
            )
        if breaks[a] != breaks[b]:
            raise CorpusError(
                f"corpus {info.name}: article {article_id}: paragraph breaks differ between {a} and {b}"
            )
        if not sides[a]:
            raise CorpusError(f"corpus {info.name}: article {article_id} has no segments")
        expected = entry.get("segments")
        if expected is not None and expected != len(sides[a]):
            raise CorpusError(
                f"corpus {info.name}: article {article_id}: {MANIFEST} says {expected} segments, "
                f"the files have {len(sides[a])}"
            )
        articles.append(Article(article_id, sides, tuple(breaks[a])))
    _check_no_stray_files(folder, info, seen)
    corpus = Corpus(info, tuple(articles), folder)
    total = data.get("segments")
    if total is not None and total != len(corpus):
        raise CorpusError(f"corpus {info.name}: {MANIFEST} says {total} segments, the articles have {len(corpus)}")
    return corpus


def _check_no_stray_files(folder: Path, info: CorpusInfo, ids: set[str]) -> None:
    for path in sorted((folder / ARTICLES_DIR).glob("*.txt")):
        stem = path.name[: -len(".txt")]
        article_id, _, lang = stem.rpartition(".")
        if lang not in info.languages or article_id not in ids:
            raise CorpusError(
                f"corpus {info.name}: {ARTICLES_DIR}/{path.name} is not an article listed in {MANIFEST}"
            )


# --------------------------------------------------------------------------- writing


def _toml_str(value: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def render_manifest(info: CorpusInfo, articles: Sequence[Article]) -> str:
    lines = [
        "# Corpus manifest: see README, section \"Evaluation and the CI quality gate\".",
        f"name = {_toml_str(info.name)}",
        f"title = {_toml_str(info.title)}",
        f"languages = [{', '.join(_toml_str(x) for x in info.languages)}]",
        f"original = {_toml_str(info.original)}",
        f"granularity = {_toml_str(info.granularity)}",
        f"licence = {_toml_str(info.licence)}",
        f"licence_files = [{', '.join(_toml_str(x) for x in info.licence_files)}]",
        f"source = {_toml_str(info.source)}",
        f"attribution = {_toml_str(info.attribution)}",
        f"segments = {sum(len(a) for a in articles)}",
    ]
    for article in articles:
        lines += ["", "[[articles]]", f"id = {_toml_str(article.id)}", f"segments = {len(article)}"]
    return "\n".join(lines) + "\n"


def render_side(article: Article, lang: str) -> str:
    out: list[str] = []
    starts = set(article.paragraph_starts)
    for i, seg in enumerate(article.side(lang)):
        if i in starts and i > 0:
            out.append("")
        out.append(seg)
    return "\n".join(out) + "\n"


def write_corpus(
    folder: Path,
    info: CorpusInfo,
    articles: Iterable[Article],
    *,
    extra_files: dict[str, bytes] | None = None,
    force: bool = False,
) -> Corpus:
    """Write a corpus folder and load it back (so what was written is checked).

    The folder is built beside ``folder`` and renamed into place when complete
    (:func:`bilingual.outputs.replace_folder`): an interrupted or failed write
    (a full disk, a read-only target) leaves ``folder`` as it was. ``force``
    replaces an existing, non-empty folder whole.
    """
    articles = list(articles)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise CorpusError(f"{folder} is a file, not a corpus folder")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise CorpusError(f"{folder} already exists and is not empty (use --force to replace it)")
    for article in articles:
        if not _ID_RE.match(article.id):
            raise CorpusError(f"article id {article.id!r} is not a safe file name")
        for lang in info.languages:
            for seg in article.side(lang):
                if "\n" in seg or not seg.strip():
                    raise CorpusError(f"article {article.id}: a {lang} segment is empty or spans lines")

    def build(tmp: Path) -> None:
        (tmp / ARTICLES_DIR).mkdir()
        for article in articles:
            for lang in info.languages:
                (tmp / ARTICLES_DIR / f"{article.id}.{lang}.txt").write_text(render_side(article, lang), encoding="utf-8")
        for name, content in (extra_files or {}).items():
            (tmp / name).write_bytes(content)
        (tmp / MANIFEST).write_text(render_manifest(info, articles), encoding="utf-8")

    replace_folder(folder, build, what="corpus folder")
    return load_corpus(folder)


__all__ = [
    "REQUIRED_KEYS",
    "Article",
    "Corpus",
    "CorpusInfo",
    "check_required_keys",
    "list_corpora",
    "load_corpus",
    "minimal_manifest",
    "read_manifest",
    "resolve_corpus",
    "split_paragraphs",
    "write_corpus",
]
