"""Build corpus folders (see :mod:`bilingual.corpus.folder`) from public test sets.

Each known set is one row of :data:`SPECS`: which files hold which language,
where the article ids are, how many articles and segments the published set
has, and its licence and attribution. Importing checks line counts and
article ids against that row, splits the lines into per-article files, and
copies or writes the licence and an ``ATTRIBUTION.md`` next to the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from bilingual.corpus.folder import Article, Corpus, CorpusInfo, split_paragraphs, write_corpus
from bilingual.errors import CorpusError
from bilingual.outputs import check_outputs
from bilingual.text.encoding import read_text


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    name: str  # default corpus folder name
    title: str
    files: dict[str, str]  # lang -> file in the source folder
    ids_file: str | None  # one article id a line, or None (one article)
    single_id: str  # article id when there is no ids file
    granularity: str
    original: str
    licence: str
    source: str
    attribution: str
    expected_articles: int | None
    expected_segments: int | None
    paragraphs: bool = False  # blank lines separate paragraphs (same on both sides)
    copy_files: dict[str, str] = field(default_factory=dict)  # source file -> name in corpus
    bundled_licence: tuple[str, str] | None = None  # (file in bilingual/data/licences, name in corpus)
    changes: str = "Split into one file pair per article by the article ids; no text changed."


SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        ImportSpec(
            kind="ntrex128",
            name="ntrex128",
            title="NTREX-128: news test references (WMT19 news test), English originals and human Korean translations",
            files={"en": "newstest2019-src.eng.txt", "ko": "newstest2019-ref.kor.txt"},
            ids_file="DOCUMENT_IDS.tsv",
            single_id="",
            granularity="article",
            original="en",
            licence="CC-BY-SA-4.0",
            source="microsoft/NTREX (NTREX-128), as mirrored in Helsinki-NLP/OPUS-MT-testsets datasets/microsoft/ntrex/",
            attribution=(
                "Christian Federmann, Tom Kocmi and Ying Xin. 2022. NTREX-128 - News Test References for MT "
                "Evaluation of 128 Languages. SUMEval 2022. https://aclanthology.org/2022.sumeval-1.4"
            ),
            expected_articles=123,
            expected_segments=1997,
            copy_files={"LICENSE.md": "LICENSE.md", "README.md": "NTREX-README.md"},
        ),
        ImportSpec(
            kind="wmt24pp-news",
            name="wmt24pp-news",
            title="WMT24++ en-ko_KR, news domain: English originals and post-edited Korean references",
            files={"en": "news.en", "ko": "news.ko"},
            ids_file="news.docids",
            single_id="",
            granularity="article",
            original="en",
            licence="Apache-2.0",
            source="google/wmt24pp (en-ko_KR, domain news)",
            attribution=(
                "Daniel Deutsch et al. 2025. WMT24++: Expanding the Language Coverage of WMT24 to 55 Languages "
                "& Dialects. arXiv:2502.12404. Data: google/wmt24pp, Apache License 2.0."
            ),
            expected_articles=17,
            expected_segments=149,
            bundled_licence=("Apache-2.0.txt", "LICENSE.txt"),
        ),
        ImportSpec(
            kind="flores200",
            name="flores200-devtest",
            title="FLORES-200 devtest, kor_Hang and eng_Latn (sentences from Wikinews, Wikivoyage, Wikibooks)",
            files={"en": "eng_Latn.devtest", "ko": "kor_Hang.devtest"},
            ids_file=None,
            single_id="devtest",
            granularity="sentence",
            original="en",
            licence="CC-BY-SA-4.0",
            source=(
                "facebookresearch FLORES-200, as mirrored in Helsinki-NLP/OPUS-MT-testsets "
                "datasets/facebook/flores/flores200_dataset/devtest/"
            ),
            attribution=(
                "NLLB Team et al. 2022. No Language Left Behind: Scaling Human-Centered Machine Translation. "
                "arXiv:2207.04672; Goyal et al. 2022. The Flores-101 Evaluation Benchmark. TACL 10."
            ),
            expected_articles=1,
            expected_segments=1012,
            bundled_licence=("CC-BY-SA-4.0.md", "LICENSE.md"),
            changes="Sentence-level set kept as one file pair in the published order; no text changed (doubled quotes kept).",
        ),
        ImportSpec(
            kind="seed",
            name="seed",
            title="Korea Herald, 25 Oct 2012: Gyeonggi to sign cooperation deal with Russian technology firm",
            files={"en": "en.txt", "ko": "ko.txt"},
            ids_file=None,
            single_id="koreaherald-2012-10-25-gyeonggi-russian-tech",
            granularity="article",
            original="en",
            licence="English article (c) 2012 The Korea Herald, quoted for evaluation; Korean version written for this project",
            source="The Korea Herald, 25 Oct 2012 (shared/seed); Korean version written for the bilingual project, aligned segment by segment",
            attribution="The Korea Herald, By Chun Sung-woo, Published Oct. 25, 2012 - 19:41",
            expected_articles=1,
            expected_segments=None,
            paragraphs=True,
            copy_files={"README.md": "README.md"},
            changes="Headline, byline, dateline, caption and paragraphs aligned line by line; scraped page furniture left out.",
        ),
    )
}


def _read_lines(folder: Path, name: str) -> list[str]:
    path = folder / name
    if not path.is_file():
        raise CorpusError(f"missing file {path}")
    text = read_text(path, empty_ok=True, error=CorpusError)
    if text.endswith("\n"):
        text = text[:-1]
    return [line.rstrip("\r") for line in text.split("\n")] if text else []


def _articles_from_ids(spec: ImportSpec, sides: dict[str, list[str]], ids: list[str]) -> list[Article]:
    n = len(ids)
    for lang, lines in sides.items():
        if len(lines) != n:
            raise CorpusError(
                f"{spec.kind}: {spec.files[lang]} has {len(lines)} lines but {spec.ids_file} has {n}"
            )
    runs: list[tuple[str, int, int]] = []
    for i, article_id in enumerate(ids):
        article_id = article_id.strip()
        if not article_id:
            raise CorpusError(f"{spec.kind}: {spec.ids_file} line {i + 1} has no article id")
        if runs and runs[-1][0] == article_id:
            runs[-1] = (article_id, runs[-1][1], i + 1)
        else:
            runs.append((article_id, i, i + 1))
    seen: dict[str, int] = {}
    for article_id, start, _ in runs:
        if article_id in seen:
            raise CorpusError(
                f"{spec.kind}: article {article_id} appears in two places ({spec.ids_file} lines "
                f"{seen[article_id] + 1} and {start + 1}); its lines must be contiguous"
            )
        seen[article_id] = start
    articles = []
    for article_id, start, end in runs:
        segs = {}
        for lang, lines in sides.items():
            chunk = lines[start:end]
            for k, line in enumerate(chunk):
                if not line.strip():
                    raise CorpusError(
                        f"{spec.kind}: article {article_id}: {spec.files[lang]} line {start + k + 1} is empty"
                    )
            segs[lang] = tuple(chunk)
        articles.append(Article(article_id, segs, (0,)))
    return articles


def _single_article(spec: ImportSpec, sides: dict[str, list[str]]) -> Article:
    if spec.paragraphs:
        parsed = {lang: split_paragraphs("\n".join(lines)) for lang, lines in sides.items()}
        (a, (seg_a, br_a)), (b, (seg_b, br_b)) = parsed.items()
        if len(seg_a) != len(seg_b):
            raise CorpusError(
                f"{spec.kind}: article {spec.single_id}: {len(seg_a)} {a} segments but {len(seg_b)} {b} segments"
            )
        if br_a != br_b:
            raise CorpusError(f"{spec.kind}: article {spec.single_id}: paragraph breaks differ between {a} and {b}")
        return Article(spec.single_id, {a: tuple(seg_a), b: tuple(seg_b)}, tuple(br_a))
    (a, lines_a), (b, lines_b) = sides.items()
    if len(lines_a) != len(lines_b):
        raise CorpusError(
            f"{spec.kind}: {spec.files[a]} has {len(lines_a)} lines but {spec.files[b]} has {len(lines_b)}"
        )
    for lang, lines in sides.items():
        for k, line in enumerate(lines):
            if not line.strip():
                raise CorpusError(f"{spec.kind}: {spec.files[lang]} line {k + 1} is empty")
    return Article(spec.single_id, {a: tuple(lines_a), b: tuple(lines_b)}, (0,))


def attribution_text(spec: ImportSpec, licence_names: list[str]) -> str:
    return "\n".join(
        [
            f"# {spec.title}",
            "",
            f"- Source: {spec.source}",
            f"- Cite: {spec.attribution}",
            f"- Licence: {spec.licence}" + (f" (full text: {', '.join(licence_names)})" if licence_names else ""),
            f"- Original language: {spec.original}",
            f"- Changes: {spec.changes}",
            f"- Built by: `bilingual corpus import {spec.kind}`",
            "",
        ]
    )


def import_corpus(kind: str, from_dir: Path, out_dir: Path | None = None, *, force: bool = False) -> Corpus:
    """Check a published set in ``from_dir`` and write it as a corpus folder."""
    spec = SPECS.get(kind)
    if spec is None:
        raise CorpusError(f"unknown corpus kind {kind!r}; known: {', '.join(SPECS)}")
    from_dir = Path(from_dir)
    if not from_dir.is_dir():
        raise CorpusError(f"{from_dir} is not a folder")
    out_dir = Path(out_dir) if out_dir is not None else Path("corpora") / spec.name
    check_outputs([("--from-dir", from_dir)], folders=[("-o", out_dir)])
    sides = {lang: _read_lines(from_dir, name) for lang, name in spec.files.items()}
    if spec.ids_file:
        articles = _articles_from_ids(spec, sides, _read_lines(from_dir, spec.ids_file))
    else:
        articles = [_single_article(spec, sides)]
    total = sum(len(a) for a in articles)
    if spec.expected_articles is not None and len(articles) != spec.expected_articles:
        raise CorpusError(f"{spec.kind}: found {len(articles)} articles, the published set has {spec.expected_articles}")
    if spec.expected_segments is not None and total != spec.expected_segments:
        raise CorpusError(f"{spec.kind}: found {total} segments, the published set has {spec.expected_segments}")
    extra: dict[str, bytes] = {}
    for source_name, target_name in spec.copy_files.items():
        path = from_dir / source_name
        if not path.is_file():
            raise CorpusError(f"{spec.kind}: {path} is missing (licence/attribution must travel with the data)")
        extra[target_name] = path.read_bytes()
    if spec.bundled_licence:
        bundled, target_name = spec.bundled_licence
        extra[target_name] = resources.files("bilingual").joinpath("data", "licences", bundled).read_bytes()
    licence_names = [n for n in extra if n.upper().startswith("LICEN")]
    extra["ATTRIBUTION.md"] = attribution_text(spec, licence_names).encode("utf-8")
    info = CorpusInfo(
        name=out_dir.name,
        title=spec.title,
        languages=("en", "ko"),
        original=spec.original,
        granularity=spec.granularity,
        licence=spec.licence,
        source=spec.source,
        attribution=spec.attribution,
        licence_files=tuple(sorted(licence_names)) + ("ATTRIBUTION.md",),
    )
    return write_corpus(out_dir, info, articles, extra_files=extra, force=force)


__all__ = ["SPECS", "ImportSpec", "import_corpus"]
