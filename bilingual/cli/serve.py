"""``bilingual serve``: options in, :mod:`bilingual.serve` does the work (uvicorn on loopback by default)."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Annotated

import typer

from bilingual.cli.options import (
    BeamsOption,
    DeviceOption,
    EngineOption,
    EngineOptionsOption,
    MaxLengthOption,
    RevisionOption,
)

_DIRECTED = re.compile(r"(ko|en)-(ko|en)=(.+)", re.DOTALL)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to bind (default loopback; 0.0.0.0 exposes the server).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 5000,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", metavar="MODEL",
            help="Model for ko->en (or for --from/--to's direction); ko-en=MODEL or en-ko=MODEL for one direction "
            "(repeatable; default: both directions with their pinned models).",
        ),
    ] = None,  # fmt: skip
    source_lang: Annotated[
        str | None, typer.Option("--from", metavar="LANG", help="With one plain --model: its source language.")
    ] = None,
    target_lang: Annotated[
        str | None, typer.Option("--to", metavar="LANG", help="With one plain --model: its target language.")
    ] = None,
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", "-g", metavar="FILE", help="Glossary file (repeatable; requests name one by its file stem)."),
    ] = None,
    engine: EngineOption = None,
    engine_option: EngineOptionsOption = None,
    revision: RevisionOption = None,
    compute_type: Annotated[str | None, typer.Option("--compute-type", help="Weights precision, e.g. int8.")] = None,
    device: DeviceOption = "cpu",
    threads: Annotated[int | None, typer.Option(help="CPU threads for the engine.")] = None,
    beams: BeamsOption = 4,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Segments per engine batch, shared across requests.")] = 16,
    max_length: MaxLengthOption = 512,
    batch_wait_ms: Annotated[
        float, typer.Option("--batch-wait-ms", help="Longest wait for other requests' segments before a batch runs.")
    ] = 5.0,
    cross_batching: Annotated[
        bool, typer.Option("--cross-batching/--no-cross-batching", help="Share engine batches across requests.")
    ] = True,
    char_limit: Annotated[int, typer.Option("--char-limit", help="Most characters per request (-1: none).")] = 20_000,
    max_body: Annotated[int, typer.Option("--max-body", help="Most request body bytes (413 past it).")] = 2 * 1024 * 1024,
    queue_size: Annotated[int, typer.Option("--queue-size", help="Most segments waiting for the engine (429 past it).")] = 4096,
    max_requests: Annotated[int, typer.Option("--max-requests", help="Most translation requests at once (429 past it).")] = 256,
    api_keys: Annotated[
        Path | None, typer.Option("--api-keys", metavar="FILE", help="API keys file: KEY [REQUESTS_PER_MINUTE] [editor] per line.")
    ] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level (info shows the access log).")] = "info",
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Server processes on the one port, each with its own models and batcher.")
    ] = 1,
) -> None:
    """Serve translation over HTTP: a LibreTranslate-compatible API, /v1/articles and a web page."""
    import logging

    import uvicorn

    from bilingual.cli.options import parse_engine_options
    from bilingual.serve.app import create_app
    from bilingual.serve.keys import load_keys
    from bilingual.serve.service import ServeConfig, Service

    models = parse_models(model, source_lang, target_lang)
    config = ServeConfig(
        models=models, glossaries=list(glossary or ()), engine=engine, engine_options=parse_engine_options(engine_option),
        device=device, threads=threads, compute_type=compute_type, revision=revision, beams=beams,
        max_length=max_length, batch_size=batch_size, wait_ms=batch_wait_ms, cross_request=cross_batching,
        char_limit=char_limit, max_body=max_body, queue_size=queue_size, max_requests=max_requests, api_keys=api_keys,
    )  # fmt: skip
    if api_keys is not None:
        load_keys(api_keys)  # a broken file fails before any model loads
    common = {"host": host, "port": port, "log_level": log_level, "access_log": False, "lifespan": "on",
              "timeout_graceful_shutdown": GRACEFUL_S}  # fmt: skip
    served = ", ".join(f"{s}->{t}" for s, t in models)
    if workers > 1:  # each worker process imports the app factory and loads its own models
        import os

        from bilingual.serve.app import CONFIG_ENV

        os.environ[CONFIG_ENV] = json.dumps({"config": config.to_dict(), "log_level": log_level})
        typer.echo(f"serving {served} on http://{host}:{port} with {workers} workers", err=True)
        uvicorn.run("bilingual.serve.app:app_from_environment", factory=True, workers=workers, **common)
        return
    service = Service(config)
    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO), format="%(message)s")
    typer.echo(f"serving {served} on http://{host}:{port}", err=True)
    # uvicorn stops on SIGTERM/SIGINT (in-flight requests finish, then the batchers stop) and signals the
    # process again afterwards: a stop that was asked for and done is exit 0, not the CLI's 143/130.
    for name in ("SIGTERM", "SIGINT"):
        signal.signal(getattr(signal, name), _stopped)
    uvicorn.run(create_app(service), **common)


GRACEFUL_S = 30  # seconds in-flight requests get to finish after SIGTERM


def _stopped(signum: int, frame: object) -> None:
    """After uvicorn's graceful shutdown: nothing more to do."""


def parse_models(values: list[str] | None, source_lang: str | None, target_lang: str | None) -> dict:
    """``--model`` values as {direction: model}: ``ko-en=M``/``en-ko=M``, or one plain model for the
    ``--from``/``--to`` direction (default ko->en); none: both directions with their pinned models."""
    from bilingual.errors import InputError
    from bilingual.text.language import resolve_direction

    if not values:
        return {("ko", "en"): None, ("en", "ko"): None}
    models: dict[tuple[str, str], str] = {}
    plain = [v for v in values if not _DIRECTED.fullmatch(v)]
    if len(plain) > 1:
        raise InputError("--model given twice without a direction; use --model ko-en=MODEL --model en-ko=MODEL")
    for value in values:
        match = _DIRECTED.fullmatch(value)
        if match:
            source, target, name = match.groups()
            if source == target or (source, target) in models:
                raise InputError(f"--model {value}: a direction is ko-en or en-ko, each given once")
            models[(source, target)] = name
    if plain:
        direction = resolve_direction([], source_lang or ("ko" if target_lang is None else None), target_lang)
        if direction in models:
            raise InputError(f"--model given twice for {direction[0]}-{direction[1]}")
        models[direction] = plain[0]
    return models
