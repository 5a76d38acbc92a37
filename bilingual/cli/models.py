"""``bilingual models``: the known models, their licences, and what is cached locally."""

from __future__ import annotations

import typer

from bilingual.cli.help import Typer

models_app = Typer(
    help="Known translation models, their licences, and which are in the local Hugging Face cache.",
    no_args_is_help=False,
)


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


@models_app.callback(invoke_without_command=True)
def _models(ctx: typer.Context) -> None:
    """Known translation models, their licences, and which are in the local Hugging Face cache."""
    if ctx.invoked_subcommand is None:
        list_models()


@models_app.command("list")
def list_models() -> None:
    """List the known models (defaults marked) and whether each is cached here."""
    from bilingual.models.registry import cached_translation_models, list_models as known

    for row in known():
        default = f"  default {row.default_for}" if row.default_for else ""
        revision = row.revision[:12] if row.revision else "unpinned"
        typer.echo(f"{row.repo}  [{row.directions}]  {row.licence}  revision {revision}{default}")
        typer.echo(f"    {'cached: ' + str(row.cached) if row.cached else 'not cached'}")
    others = cached_translation_models()
    if others:
        typer.echo("other translation models in the local cache:")
        for repo, path in others:
            typer.echo(f"{repo}  {path}")
    from bilingual.models.offline import listing_lines

    for line in listing_lines():
        typer.echo(line)
    typer.echo("Any local model folder works too: bilingual translate ARTICLE --model /path/to/folder")


@models_app.command("convert")
def convert_model(
    src: str = typer.Argument(..., help="transformers checkpoint: a local folder (or a cached Hub id)"),
    out: str = typer.Argument(..., help="folder to write the CTranslate2 model into"),
    quantization: str = typer.Option(
        "int8", "--quantization", metavar="TYPE", help="weight type: int8 (fast on CPU), int8_float32, int16, float16, float32"
    ),
    revision: str = typer.Option(None, "--revision", help="Hub revision of SRC, when SRC is a Hub id"),
    force: bool = typer.Option(False, "--force", help="replace OUT if it is not empty"),
) -> None:
    """Convert a Marian / M2M100 / NLLB checkpoint into a CTranslate2 folder (use it with --model OUT)."""
    from bilingual.engines.ctranslate2.convert import convert

    path = convert(src, out, quantization, revision=revision, force=force)
    typer.echo(f"converted {src} -> {path} ({quantization}); translate with: bilingual translate FILE --model {path}")
