"""``bilingual glossary apply`` (post-edit a translation) and ``bilingual glossary suggest``.

Both commands join the ``glossary`` group (``bilingual.cli.glossary.glossary_app``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def _read_lines(path: Path, what: str) -> tuple[list[str], bool]:
    """Lines of a one-segment-a-line file (or "-" for stdin), and whether it ended with a newline.

    The encoding is detected (UTF-8, UTF-16, CP949/EUC-KR) by ``bilingual.text.encoding.read_text``.
    """
    from bilingual.text.encoding import read_text

    text = read_text(path, what=f"{what} file", stdin=True)
    trailing = text.endswith("\n")
    lines = text.split("\n")
    if trailing:
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines, trailing


def _write_text(path: Path, text: str) -> None:
    from bilingual.outputs import write_atomic

    if str(path) == "-":
        sys.stdout.write(text)
        return
    write_atomic(path, text)


def apply_command(
    source: Annotated[Path, typer.Option("--source", "-s", help="Korean source, one segment a line.")],
    hyp: Annotated[Path, typer.Option("--hyp", help="The English translation to repair, aligned line by line.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the repaired translation ('-' for stdout).")],
    glossary: Annotated[
        list[Path], typer.Option("--glossary", "-g", help="Glossary file (repeatable; later ones override earlier).")
    ],
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a JSON report: per segment the terms applied/repaired/missed and the edits.")
    ] = None,
) -> None:
    """Post-edit an existing translation: replace known wrong renderings of glossary names.

    Nothing outside the replaced spans changes. Prints a one-line summary on stderr.
    """
    from bilingual.cli.glossary import echo_overrides
    from bilingual.glossary import load_glossaries
    from bilingual.glossary.postedit import postedit
    from bilingual.outputs import check_outputs

    check_outputs(
        [("--source", source), ("--hyp", hyp), *(("the glossary", g) for g in glossary)],
        [("-o", output), ("--report", report)],
    )
    gloss = load_glossaries([str(p) for p in glossary])
    echo_overrides(gloss)
    sources, _ = _read_lines(source, "source")
    hyps, trailing = _read_lines(hyp, "translation")
    result = postedit(gloss, sources, hyps)
    _write_text(output, "\n".join(result.outputs) + ("\n" if trailing else ""))
    counts = result.counts()
    if report is not None:
        payload = {
            "source": str(source),
            "hyp": str(hyp),
            "glossaries": [str(p) for p in glossary],
            **result.as_dict(),
        }
        _write_text(report, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    typer.echo(
        f"{len(sources)} segments, {counts['terms']} terms: {counts['applied']} applied, "
        f"{counts['repaired']} repaired ({counts['edits']} edits), {counts['missed']} missed",
        err=True,
    )


def suggest_command(
    source: Annotated[Path, typer.Option("--source", "-s", help="Korean side, one segment a line.")],
    target: Annotated[Path, typer.Option("--target", "-t", help="English side, aligned line by line.")],
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="How many suggestions to print.")] = 100,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Least number of segments a pair must share.")] = 2,
    as_glossary: Annotated[
        bool, typer.Option("--as-glossary", help="Print canonical glossary rows (to review, then add) instead of a table.")
    ] = False,
) -> None:
    """Suggest glossary entries: Korean proper nouns paired with the English spans they co-occur with."""
    from bilingual.glossary.suggest import suggest

    korean, _ = _read_lines(source, "Korean")
    english, _ = _read_lines(target, "English")
    rows = suggest(korean, english, min_count=min_count, top=top)
    if as_glossary:
        from bilingual.glossary.terms import HEADER

        typer.echo(HEADER)
        for s in rows:
            forms = " | ".join(s.korean_forms)
            note = f"suggested: {s.pair_count} segments, dice {s.dice:.2f}"
            typer.echo(f"{s.korean}\t{s.english}\t{forms}\t\tother\tapproved\t{note}")
        return
    typer.echo("rank\tkorean\tenglish\tsegments\tkorean_segments\tenglish_segments\tdice\tsound")
    for rank, s in enumerate(rows, 1):
        typer.echo(
            f"{rank}\t{s.korean}\t{s.english}\t{s.pair_count}\t{s.korean_count}\t{s.english_count}\t{s.dice:.3f}\t{s.sound:.2f}"
        )


def register(app: typer.Typer) -> None:
    """Add ``apply`` and ``suggest`` to the ``glossary`` command group."""
    from bilingual.cli.glossary import glossary_app

    glossary_app.command("apply")(apply_command)
    glossary_app.command("suggest")(suggest_command)
