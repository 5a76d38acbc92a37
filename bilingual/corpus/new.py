"""Build a corpus folder (see :mod:`bilingual.corpus.folder`) from a user's own reference pairs.

The pairs come from two plain files with one segment a line (line i of the
target file translates line i of the source file), from a TMX file, or from
an XLIFF file (1.2 or 2.0) whose units have targets; the last two are read with
translate-toolkit. Without an articles file the pairs are one sentence-level
article named like the corpus; an articles file splits them into articles in
one of two forms:

- one article id a line, as many lines as there are pairs (the form of
  NTREX-128's ``DOCUMENT_IDS.tsv``); each article's lines must be contiguous;
- ``ID<TAB>FIRST-LAST`` a line (1-based, inclusive pair numbers), the ranges
  covering every pair once and in order.

In both, blank lines and lines starting with ``#`` are skipped. The folder is
written by :func:`bilingual.corpus.folder.write_corpus` (built beside its
place and renamed in whole; an existing corpus is replaced only with
``force``) and loaded back, so what was written is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilingual.corpus.folder import _ID_RE, Article, Corpus, CorpusInfo, write_corpus
from bilingual.errors import CorpusError, InputError
from bilingual.outputs import check_outputs
from bilingual.text.encoding import read_bytes, read_text
from bilingual.text.language import check_direction

DEFAULT_LICENCE = "unspecified"
_RANGE_RE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
_BREAKS_RE = re.compile(r"\s*[\r\n]+\s*")


@dataclass(frozen=True)
class Pairs:
    """Aligned segments read from the user's files, and where they came from."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    origin: str  # what the manifest's ``source`` key says
    skipped: int = 0  # TMX/XLIFF units without both languages (or without a target)

    def __len__(self) -> int:
        return len(self.source)


# --------------------------------------------------------------------------- reading pairs


def _lines(path: Path, what: str) -> list[str]:
    """The lines of a one-segment-a-line file, trailing whitespace removed (as sacrebleu reads them)."""
    text = read_text(path, what=what, error=CorpusError)
    if text.endswith("\n"):
        text = text[:-1]
    return [line.rstrip() for line in text.split("\n")]


def read_line_pairs(source: Path, target: Path) -> Pairs:
    """Pairs from two files with one segment a line; CorpusError unless the counts match and no line is blank."""
    src, tgt = _lines(Path(source), "--source"), _lines(Path(target), "--target")
    if len(src) != len(tgt):
        raise CorpusError(
            f"--source {source} has {len(src)} lines but --target {target} has {len(tgt)}; "
            "give one segment a line, line for line"
        )
    for name, path, lines in (("--source", source, src), ("--target", target, tgt)):
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                raise CorpusError(
                    f"{name} {path} line {number} is blank; a corpus segment cannot be empty "
                    "(remove the line from both files; use --articles to split articles)"
                )
    return Pairs(tuple(src), tuple(tgt), f"{Path(source).name} and {Path(target).name}")


def _flat(text: str | None) -> str:
    """A unit's text on one line: line breaks inside it become one space."""
    return _BREAKS_RE.sub(" ", text or "").strip()


def _primary(code: str | None) -> str:
    return (code or "").strip().replace("_", "-").split("-", 1)[0].lower()


def read_tmx_pairs(path: Path, source_lang: str, target_lang: str) -> Pairs:
    """Pairs from the ``source_lang`` and ``target_lang`` variants (``tuv``) of each TMX unit.

    Read by the translation memory's reader (:func:`bilingual.memory.tmx.read_tmx_units`): languages
    are matched by their primary subtag (``ko-KR``, ``KO`` and ``ko`` are the same), inline codes
    (``bpt``, ``ept``, ``ph``, ``it``, ``ut``) are left out of the text, and a document type that
    declares entities is refused. A unit without both languages is skipped and counted.
    """
    from bilingual.memory.tmx import read_tmx_units

    data = read_bytes(path, what="--tmx")
    src: list[str] = []
    tgt: list[str] = []
    skipped = 0
    try:
        for unit in read_tmx_units(data, f"--tmx {path}"):
            source, target = unit.texts.get(source_lang), unit.texts.get(target_lang)
            if source and target:
                src.append(source)
                tgt.append(target)
            else:
                skipped += 1
    except InputError as exc:
        raise CorpusError(str(exc)) from None
    if not src:
        raise CorpusError(f"--tmx {path}: no unit has both a {source_lang} and a {target_lang} segment")
    return Pairs(tuple(src), tuple(tgt), f"{Path(path).name} (TMX)", skipped)


def _xliff_store(data: bytes, path: Path) -> Any:  # a translate-toolkit XLIFF store (1.2 or 2.0)
    from translate.storage import xliff, xliff2

    head = data[:2000]
    is_v2 = b"urn:oasis:names:tc:xliff:document:2." in head or re.search(rb"<xliff[^>]*version=[\"']2\.", head)
    try:
        return (xliff2.Xliff2File if is_v2 else xliff.xlifffile).parsestring(data)
    except Exception as exc:  # lxml and translate-toolkit raise several kinds for a broken file
        raise CorpusError(f"--xliff {path}: not an XLIFF file ({_first_line(exc)})") from None


def read_xliff_pairs(path: Path, source_lang: str, target_lang: str) -> Pairs:
    """Pairs from the units (XLIFF 2.0: segments) of an XLIFF file that have a target.

    A file that declares other languages than ``source_lang`` and
    ``target_lang`` is refused; units without a target are skipped and counted.
    """
    data = read_bytes(path, what="--xliff")
    store = _xliff_store(data, path)
    for declared, wanted, side in (
        (store.getsourcelanguage(), source_lang, "source"),
        (store.gettargetlanguage(), target_lang, "target"),
    ):
        if declared and _primary(declared) != wanted:
            raise CorpusError(
                f"--xliff {path}: the file's {side} language is {declared!r}, not {wanted} "
                "(pass --from-lang/--to-lang to match it)"
            )
    src: list[str] = []
    tgt: list[str] = []
    skipped = 0
    for unit in store.units:
        if unit.isheader() or not unit.istranslatable():
            continue
        source, target = _flat(unit.source), _flat(unit.target)
        if source and target:
            src.append(source)
            tgt.append(target)
        else:
            skipped += 1
    if not src:
        raise CorpusError(f"--xliff {path}: no unit has a target to use as the reference")
    return Pairs(tuple(src), tuple(tgt), f"{Path(path).name} (XLIFF)", skipped)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- articles


def read_article_spans(path: Path, n_pairs: int) -> list[tuple[str, int, int]]:
    """``(id, start, end)`` of each article (0-based, end exclusive) from an articles file (see the module)."""
    text = read_text(path, what="--articles", error=CorpusError)
    rows = [
        (number, line.rstrip())
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not rows:
        raise CorpusError(f"--articles {path} lists no articles")
    with_tab = sum("\t" in line for _, line in rows)
    if with_tab == 0:
        return _spans_from_ids(path, rows, n_pairs)
    if with_tab != len(rows):
        raise CorpusError(
            f"--articles {path}: some lines have a tab and some do not; give either one id a line "
            "or ID<TAB>FIRST-LAST a line"
        )
    return _spans_from_ranges(path, rows, n_pairs)


def _check_id(path: Path, number: int, article_id: str) -> None:
    if not _ID_RE.match(article_id):
        raise CorpusError(
            f"--articles {path} line {number}: article id {article_id!r} is not a safe file name "
            "(letters, digits, . _ + -, starting with a letter or digit)"
        )


def _spans_from_ids(path: Path, rows: list[tuple[int, str]], n_pairs: int) -> list[tuple[str, int, int]]:
    if len(rows) != n_pairs:
        raise CorpusError(f"--articles {path} has {len(rows)} ids but there are {n_pairs} pairs; give one id a pair")
    spans: list[tuple[str, int, int]] = []
    first_line: dict[str, int] = {}
    for index, (number, line) in enumerate(rows):
        article_id = line.strip()
        if spans and spans[-1][0] == article_id:
            spans[-1] = (article_id, spans[-1][1], index + 1)
            continue
        _check_id(path, number, article_id)
        if article_id in first_line:
            raise CorpusError(
                f"--articles {path}: article {article_id} appears in two places (lines {first_line[article_id]} "
                f"and {number}); its pairs must be contiguous"
            )
        first_line[article_id] = number
        spans.append((article_id, index, index + 1))
    return spans


def _spans_from_ranges(path: Path, rows: list[tuple[int, str]], n_pairs: int) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    expected = 1
    for number, line in rows:
        article_id, _, rest = line.partition("\t")
        article_id = article_id.strip()
        match = _RANGE_RE.match(rest)
        if match is None:
            raise CorpusError(f"--articles {path} line {number}: {rest.strip()!r} is not a range FIRST-LAST (e.g. 1-12)")
        first, last = int(match.group(1)), int(match.group(2))
        _check_id(path, number, article_id)
        if article_id in seen:
            raise CorpusError(f"--articles {path} line {number}: article {article_id} is listed twice")
        seen.add(article_id)
        if first != expected or last < first:
            raise CorpusError(
                f"--articles {path} line {number}: article {article_id} covers {first}-{last}, but the next "
                f"range must start at {expected} and not end before it; ranges cover every pair once, in order"
            )
        if last > n_pairs:
            raise CorpusError(f"--articles {path} line {number}: range {first}-{last} goes past the last pair ({n_pairs})")
        spans.append((article_id, first - 1, last))
        expected = last + 1
    if expected != n_pairs + 1:
        raise CorpusError(f"--articles {path}: the ranges end at {expected - 1}, but there are {n_pairs} pairs")
    return spans


# --------------------------------------------------------------------------- writing


def _attribution(title: str, origin: str, licence: str, original: str) -> str:
    return "\n".join(
        [
            f"# {title}",
            "",
            f"- Source: {origin}",
            f"- Licence: {licence}",
            f"- Original language: {original}",
            "- Built by: `bilingual corpus new`",
            "",
        ]
    )


def new_corpus(
    name: str,
    *,
    source: Path | None = None,
    target: Path | None = None,
    tmx: Path | None = None,
    xliff: Path | None = None,
    articles: Path | None = None,
    source_lang: str = "ko",
    target_lang: str = "en",
    licence: str | None = None,
    title: str | None = None,
    original: str | None = None,
    corpora_dir: Path = Path("corpora"),
    force: bool = False,
) -> tuple[Corpus, Pairs]:
    """Write ``corpora_dir/name`` from the user's pairs and return it loaded, with the pairs read.

    Give ``source`` and ``target`` (two one-segment-a-line files), or ``tmx``,
    or ``xliff``. ``original`` is the side that was written first (default:
    the source side). InputError for options that do not fit together, CorpusError
    for files whose pairs do not line up.
    """
    src_lang, tgt_lang = check_direction(source_lang, target_lang)
    given = [label for label, value in (("--source/--target", source or target), ("--tmx", tmx), ("--xliff", xliff)) if value]
    if len(given) != 1:
        raise InputError("give the pairs as --source FILE --target FILE, or --tmx FILE, or --xliff FILE (one of them)")
    if (source is None) != (target is None):
        raise InputError("--source and --target go together: the two files of the pairs")
    original = original or src_lang
    if original not in (src_lang, tgt_lang):
        raise InputError(f"--original must be {src_lang} or {tgt_lang}, not {original!r}")
    if not _ID_RE.match(name):
        raise InputError(f"corpus name {name!r} is not a safe folder name (letters, digits, . _ + -)")
    folder = Path(corpora_dir) / name
    inputs = [("--source", source), ("--target", target), ("--tmx", tmx), ("--xliff", xliff), ("--articles", articles)]
    check_outputs(inputs, folders=[("the corpus folder", folder)])
    if tmx is not None:
        pairs = read_tmx_pairs(tmx, src_lang, tgt_lang)
    elif xliff is not None:
        pairs = read_xliff_pairs(xliff, src_lang, tgt_lang)
    else:
        pairs = read_line_pairs(source, target)  # type: ignore[arg-type]  # both given: checked above
    if articles is not None:
        spans = read_article_spans(articles, len(pairs))
        granularity = "article"
    else:
        spans = [(name, 0, len(pairs))]
        granularity = "sentence"
    built = [
        Article(article_id, {src_lang: pairs.source[start:end], tgt_lang: pairs.target[start:end]}, (0,))
        for article_id, start, end in spans
    ]
    licence = (licence or "").strip() or DEFAULT_LICENCE
    title = (title or "").strip() or f"{name}: reference pairs {src_lang}-{tgt_lang} from {pairs.origin}"
    info = CorpusInfo(
        name=name,
        title=title,
        languages=_languages(src_lang, tgt_lang),
        original=original,
        granularity=granularity,
        licence=licence,
        source=pairs.origin,
        attribution="",
        licence_files=("ATTRIBUTION.md",),
    )
    extra = {"ATTRIBUTION.md": _attribution(title, pairs.origin, licence, original).encode("utf-8")}
    corpus = write_corpus(folder, info, built, extra_files=extra, force=force)
    return corpus, pairs


def _languages(a: str, b: str) -> tuple[str, str]:
    first, second = sorted((a, b))
    return first, second


__all__ = [
    "DEFAULT_LICENCE",
    "Pairs",
    "new_corpus",
    "read_article_spans",
    "read_line_pairs",
    "read_tmx_pairs",
    "read_xliff_pairs",
]
