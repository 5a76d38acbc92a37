"""``bilingual corpus``: import, create, list and show reference corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from bilingual.cli.help import Typer

corpus_app = Typer(help="Reference article pairs under corpora/: import, new, list, show.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus")


@corpus_app.command("import")
def import_command(
    kind: Annotated[str, typer.Argument(help="ntrex128, wmt24pp-news, flores200 or seed.")],
    from_dir: Annotated[Path, typer.Option("--from-dir", metavar="FOLDER", help="Folder holding the published files.")],
    out: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", "--out", metavar="FOLDER", help="Corpus folder to write (default corpora/<name>)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing corpus folder.")] = False,
) -> None:
    """Check a published test set (line counts, article ids) and write it as a corpus folder with its licence."""
    from bilingual.corpus.importer import import_corpus

    corpus = import_corpus(kind, from_dir, out, force=force)
    typer.echo(
        f"wrote {corpus.path}: {len(corpus.articles)} articles, {len(corpus)} segments, "
        f"licence {corpus.info.licence}"
    )


@corpus_app.command("new")
def new_command(
    name: Annotated[str, typer.Argument(help="Name of the corpus (its folder under --dir).")],
    source: Annotated[
        Optional[Path], typer.Option("--source", metavar="FILE", help="Source segments, one a line.")
    ] = None,
    target: Annotated[
        Optional[Path], typer.Option("--target", metavar="FILE", help="Their reference translations, line for line.")
    ] = None,
    tmx: Annotated[Optional[Path], typer.Option("--tmx", metavar="FILE", help="Take the pairs from a TMX file.")] = None,
    xliff: Annotated[
        Optional[Path], typer.Option("--xliff", metavar="FILE", help="Take the pairs from an XLIFF file's units with targets.")
    ] = None,
    articles: Annotated[
        Optional[Path],
        typer.Option("--articles", metavar="FILE", help="Article ids: one a pair, or ID<TAB>FIRST-LAST a line."),
    ] = None,
    licence: Annotated[
        Optional[str], typer.Option("--licence", metavar="TEXT", help="Licence of the pairs (default: unspecified).")
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="Title for the manifest.")] = None,
    source_lang: Annotated[str, typer.Option("--from-lang", metavar="LANG", help="Language of the source side: ko or en.")] = "ko",
    target_lang: Annotated[str, typer.Option("--to-lang", metavar="LANG", help="Language of the target side: en or ko.")] = "en",
    original: Annotated[
        Optional[str], typer.Option("--original", metavar="LANG", help="The side written first (default: the source side).")
    ] = None,
    corpora_dir: Annotated[
        Path, typer.Option("--dir", metavar="FOLDER", help="Folder the corpus goes in (default corpora/).")
    ] = Path("corpora"),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing corpus of that name.")] = False,
) -> None:
    """Write a corpus folder from your own pairs (two line-aligned files, a TMX or an XLIFF), ready for eval."""
    from bilingual.corpus.new import new_corpus

    corpus, pairs = new_corpus(
        name, source=source, target=target, tmx=tmx, xliff=xliff, articles=articles, source_lang=source_lang,
        target_lang=target_lang, licence=licence, title=title, original=original, corpora_dir=corpora_dir, force=force,
    )  # fmt: skip
    skipped = f", {pairs.skipped} units without both sides skipped" if pairs.skipped else ""
    typer.echo(
        f"wrote {corpus.path}: {len(corpus.articles)} article{'s' if len(corpus.articles) != 1 else ''}, "
        f"{len(corpus)} segments ({source_lang}->{target_lang}), licence {corpus.info.licence}{skipped}"
    )


@corpus_app.command("list")
def list_command() -> None:
    """List the corpora found (name, granularity, articles, segments, licence)."""
    from bilingual.corpus.folder import list_corpora, load_corpus

    for folder in list_corpora():
        corpus = load_corpus(folder)
        info = corpus.info
        typer.echo(
            f"{info.name}\t{info.granularity}\t{len(corpus.articles)} articles\t{len(corpus)} segments\t"
            f"original {info.original}\t{info.licence}\t{folder}"
        )


@corpus_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="Corpus name or folder.")],
    article: Annotated[Optional[str], typer.Option("--article", help="Print this article side by side.")] = None,
) -> None:
    """Print a corpus's manifest information and articles, or one article's aligned segments."""
    from bilingual.corpus.folder import load_corpus

    corpus = load_corpus(name)
    info = corpus.info
    if article is not None:
        a = corpus.article(article)
        src, tgt = info.original, next(x for x in info.languages if x != info.original)
        for i, (x, y) in enumerate(zip(a.side(src), a.side(tgt)), start=1):
            typer.echo(f"{i}\t{src}\t{x}")
            typer.echo(f"{i}\t{tgt}\t{y}")
        return
    typer.echo(f"name: {info.name}")
    typer.echo(f"title: {info.title}")
    typer.echo(f"languages: {', '.join(info.languages)} (original: {info.original})")
    typer.echo(f"granularity: {info.granularity}")
    typer.echo(f"licence: {info.licence} ({', '.join(info.licence_files)})")
    typer.echo(f"source: {info.source}")
    typer.echo(f"attribution: {info.attribution}")
    typer.echo(f"articles: {len(corpus.articles)}, segments: {len(corpus)}")
    for a in corpus.articles:
        typer.echo(f"  {a.id}\t{len(a)} segments")
