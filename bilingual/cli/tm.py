"""``bilingual tm``: the translation memory (import, export, add, lookup, stats)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bilingual.cli.help import Typer

tm_app = Typer(help="The translation memory: import, export, add, lookup, stats (docs/memory.md).", no_args_is_help=True)

DEFAULT_TM = Path("tm.db")
TmOption = Annotated[
    Path, typer.Option("--tm", metavar="FILE", help="Translation memory file (SQLite; created when missing).")
]
FromOption = Annotated[str, typer.Option("--from", metavar="LANG", help="Source language: ko or en.")]
ToOption = Annotated[str | None, typer.Option("--to", metavar="LANG", help="Target language (default: the other one).")]


def register(app: typer.Typer) -> None:
    app.add_typer(tm_app, name="tm")


def _target(source_lang: str, target_lang: str | None) -> tuple[str, str]:
    from bilingual.memory.store import normalize_lang
    from bilingual.text.language import check_direction, other

    src = normalize_lang(source_lang, where="--from")
    tgt = normalize_lang(target_lang, where="--to") if target_lang else other(src)
    return check_direction(src, tgt)


@tm_app.command("import")
def import_command(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="A .tmx file, or a corpus (name or folder).")],
    tm: TmOption = DEFAULT_TM,
    source_lang: FromOption = "ko",
    target_lang: ToOption = None,
) -> None:
    """Add the pairs of a TMX file or a reference corpus to the memory."""
    from bilingual.memory.io import import_pairs

    src, tgt = _target(source_lang, target_lang)
    read, added = import_pairs(tm, source, src, tgt)
    typer.echo(f"{tm}: {added} new entries from {read} pairs of {source} ({src}->{tgt})")


@tm_app.command("export")
def export_command(
    output: Annotated[Path, typer.Argument(metavar="OUTPUT", help="TMX file to write.")],
    tm: TmOption = DEFAULT_TM,
    source_lang: FromOption = "ko",
    target_lang: ToOption = None,
) -> None:
    """Write one language pair of the memory as a TMX 1.4 file."""
    from bilingual.memory.io import export_tmx

    src, tgt = _target(source_lang, target_lang)
    count = export_tmx(tm, output, src, tgt)
    typer.echo(f"wrote {output}: {count} entries ({src}->{tgt})")


@tm_app.command("add")
def add_command(
    source: Annotated[str, typer.Option("--source", metavar="TEXT", help="The source segment.")],
    target: Annotated[str, typer.Option("--target", metavar="TEXT", help="Its approved translation.")],
    tm: TmOption = DEFAULT_TM,
    source_lang: FromOption = "ko",
    target_lang: ToOption = None,
    note: Annotated[str, typer.Option("--note", metavar="TEXT", help="A note kept with the entry.")] = "",
) -> None:
    """Add one approved pair."""
    from bilingual.memory.io import add_pair

    src, tgt = _target(source_lang, target_lang)
    added = add_pair(tm, source, target, src, tgt, note=note)
    typer.echo(f"{tm}: {'added' if added else 'already held'} ({src}->{tgt})")


@tm_app.command("lookup")
def lookup_command(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The source segment to look up.")],
    tm: TmOption = DEFAULT_TM,
    source_lang: FromOption = "ko",
    target_lang: ToOption = None,
    threshold: Annotated[float, typer.Option("--threshold", metavar="SCORE", help="Lowest fuzzy score (0-100).")] = 85.0,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="Most matches shown.")] = 3,
) -> None:
    """Show the best matches of a segment: score, kind, source and target (exit 1 when none)."""
    from bilingual.memory.io import lookup

    src, tgt = _target(source_lang, target_lang)
    matches = lookup(tm, text, src, tgt, threshold=threshold, limit=limit)
    if not matches:
        typer.echo(f"no match at or above {threshold:g}", err=True)
        raise typer.Exit(1)
    for match in matches:
        typer.echo(f"{match.score:5.1f}  {match.kind:5}  {match.entry.source}\n              -> {match.entry.target}")


@tm_app.command("stats")
def stats_command(tm: TmOption = DEFAULT_TM) -> None:
    """Entries per language pair."""
    from bilingual.memory.io import stats

    total, pairs = stats(tm)
    typer.echo(f"{tm}: {total} entries")
    for src, tgt, count in pairs:
        typer.echo(f"  {src}->{tgt}: {count}")
