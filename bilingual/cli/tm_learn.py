"""``bilingual tm learn`` (approved segments and name corrections from editors) and ``bilingual tm accept``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer



def learn_command(
    source: Annotated[Path, typer.Option("--source", metavar="FILE", help="Korean source: one segment a line (.txt) or article files.")],
    mt: Annotated[Path, typer.Option("--mt", metavar="FILE", help="The machine translation, aligned with --source.")],
    edited: Annotated[Path, typer.Option("--edited", metavar="FILE", help="The editor's version of --mt, aligned with it.")],
    glossary: Annotated[
        Path | None, typer.Option("--glossary", "-g", metavar="FILE", help="Glossary to compare with: names it has right are not proposed.")
    ] = None,
    tm: Annotated[
        Path | None, typer.Option("--tm", metavar="FILE", help="Translation memory that receives the (source, edited) pairs (created when missing).")
    ] = None,
    review: Annotated[
        Path | None, typer.Option("--review", metavar="FILE", help="Write the proposals here as a review TSV (default: print them).")
    ] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, metavar="N", help="Keep only the N best proposals.")] = None,
) -> None:
    """Learn from an editor: store the approved segments and propose glossary rows from name corrections."""
    from bilingual.glossary import load_glossary
    from bilingual.memory.learn import check_aligned, learn, read_segments, review_text, store_pairs
    from bilingual.outputs import check_outputs, write_atomic

    inputs = [("--source", source), ("--mt", mt), ("--edited", edited), ("--glossary", glossary)]
    check_outputs(inputs, [("--review", review), ("--tm", tm)])
    sides = [(option, str(path), read_segments(path, option)) for option, path in inputs[:3]]
    check_aligned(sides)
    result = learn(sides[0][2], sides[1][2], sides[2][2], glossary=load_glossary(glossary) if glossary else None, top=top)
    text = review_text(result.proposals)
    if review is not None:
        write_atomic(review, text, what="review file")
    else:
        typer.echo(text, nl=False)
    if tm is not None:
        added = store_pairs(tm, result.pairs, note=f"learn:{edited.name}")
        typer.echo(f"{tm}: {added} new entries from {len(result.pairs)} edited segments", err=True)
    typer.echo(
        f"{len(sides[0][2])} segments, {result.changed} edited, {len(result.corrections)} name corrections: "
        f"{len(result.proposals)} proposals, {result.skipped_known} already in the glossary"
        + (f"; review {review}, then: bilingual tm accept {review} --glossary FILE" if review else ""),
        err=True,
    )


def accept_command(
    review: Annotated[Path, typer.Argument(metavar="REVIEW", help="Review TSV written by tm learn (rows marked 'no' in accept are skipped).")],
    glossary: Annotated[Path, typer.Option("--glossary", "-g", metavar="FILE", help="Glossary file to add the accepted rows to.")],
    create: Annotated[bool, typer.Option("--create", help="Start the glossary file when it does not exist.")] = False,
) -> None:
    """Add the accepted rows of a review file to a glossary (forms merged into existing rows)."""
    from bilingual.memory.learn import accept_review
    from bilingual.outputs import check_outputs

    check_outputs([("REVIEW", review)], [("--glossary", glossary)])
    result = accept_review(review, glossary, create=create)
    typer.echo(
        f"{glossary}: {result.added} rows added, {result.merged} merged into existing rows, "
        f"{result.unchanged} already there, {result.rejected} rejected"
    )


def register(app: typer.Typer) -> None:
    """Add ``learn`` and ``accept`` to the ``tm`` command group."""
    from bilingual.cli.tm import tm_app

    tm_app.command("learn")(learn_command)
    tm_app.command("accept")(accept_command)
