"""``bilingual corpus``: import, list and show reference corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from bilingual.cli.help import Typer

corpus_app = Typer(help="Reference article pairs under corpora/: import, list, show.", no_args_is_help=True)


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
