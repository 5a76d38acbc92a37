"""The ``bilingual`` console script.

Each command group lives in its own module and registers itself on ``app``;
heavy imports happen inside the commands so ``--help`` is instant. Every
:class:`~bilingual.errors.BilingualError` becomes one line on stderr and its
exit code, and every Python warning of ours one line ``warning: ...`` (once per
message; ``--quiet`` silences them).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator

import typer

from bilingual.cli.help import Typer

app = Typer(
    name="bilingual",
    help="Translate Korean<->English news articles, keep names right with a glossary, gate quality in CI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Translate Korean<->English news articles, keep names right with a glossary, gate quality in CI."""
    ctx.with_resource(clean_warnings())

# Modules that add commands to ``app`` (each calls ``app.command`` or ``app.add_typer``).
COMMAND_MODULES = (
    "bilingual.cli.translate",
    "bilingual.cli.models",
    "bilingual.cli.glossary",
    "bilingual.cli.glossary_postedit",
    "bilingual.cli.corpus",
    "bilingual.cli.eval",
    "bilingual.cli.serve",
    "bilingual.cli.batch",
    "bilingual.cli.tm",
    "bilingual.cli.tm_learn",
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


@contextlib.contextmanager
def clean_warnings() -> Iterator[None]:
    """Inside: a warning of ours (a :class:`~bilingual.errors.BilingualWarning`, or one
    warned from ``bilingual``'s code) prints as one line ``warning: MESSAGE`` on stderr,
    without Python's file, line and source, once per message; any other warning
    prints as Python prints it."""
    import warnings

    from bilingual.errors import BilingualWarning

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    python_show = warnings.showwarning
    shown: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        ours = category.__module__.partition(".")[0] == "bilingual" or os.path.abspath(filename).startswith(package)
        if not ours:
            python_show(message, category, filename, lineno, file, line)
            return
        text = f"warning: {message}"
        if text not in shown:
            shown.add(text)
            typer.echo(text, err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", BilingualWarning)  # repeats are dropped by message, above
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def silenced(quiet: bool) -> Iterator[None]:
    """Inside, with ``quiet``: no warning is shown (``--quiet``)."""
    if not quiet:
        yield
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _raise_interrupted(signum: int, frame: object) -> None:
    from bilingual.errors import Interrupted

    raise Interrupted(signum)


def handle_signals() -> None:
    """SIGTERM and SIGHUP raise :class:`~bilingual.errors.Interrupted` in the main thread, so that
    ``finally`` blocks run (temporary files are removed) instead of the process dying where it stands."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, _raise_interrupted)


def main() -> None:
    """The console script: a user's fault is one ``error:`` line and its exit status (2 bad input,
    1 a failed gate or ``--strict``); SIGINT exits 130, SIGTERM 143 (128 + the signal) with one line
    ``interrupted (SIGTERM)``; a folder run's journal records how it ended. Anything else is a bug
    and keeps its traceback."""
    from bilingual.errors import BilingualError, Interrupted
    from bilingual.outputs import stop_runs

    handle_signals()
    try:
        with clean_warnings():
            app()  # standalone mode: usage errors print click's message and exit 2
    except BilingualError as exc:
        stop_runs("failed", str(exc))
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Interrupted as exc:
        stop_runs("interrupted", str(exc))
        typer.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        stop_runs("interrupted", "interrupted (SIGINT)")
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        stop_runs("failed", f"internal error: {type(exc).__name__}")
        raise


if __name__ == "__main__":
    main()
