"""The ``bilingual`` console script.

Each command group lives in its own module and registers itself on ``app``;
heavy imports happen inside the commands so ``--help`` is instant. Every
:class:`~bilingual.errors.BilingualError` becomes one line on stderr and its
exit code.
"""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="bilingual",
    help="Translate Korean<->English news articles, keep names right with a glossary, gate quality in CI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Translate Korean<->English news articles, keep names right with a glossary, gate quality in CI."""

# Modules that add commands to ``app`` (each calls ``app.command`` or ``app.add_typer``).
COMMAND_MODULES = (
    "bilingual.cli.translate",
    "bilingual.cli.models",
    "bilingual.cli.glossary",
    "bilingual.cli.glossary_postedit",
    "bilingual.cli.corpus",
    "bilingual.cli.eval",
)


@app.command("version")
def version() -> None:
    """Print the installed version."""
    from bilingual import __version__

    typer.echo(__version__)


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # command group not written yet
                continue
            raise
        module.register(app)


_register()


def main() -> None:
    from bilingual.errors import BilingualError

    try:
        app()  # standalone mode: usage errors print click's message and exit 2
    except BilingualError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
