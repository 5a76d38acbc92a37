"""The HTTP side of ``bilingual serve``: a LibreTranslate-compatible API, native endpoints, the web page.

:func:`create_app` wraps a loaded :class:`~bilingual.serve.service.Service` in a
FastAPI app. Parameters are read as LibreTranslate reads them: a JSON object
body, or the query string and form fields together. Every error is
``{"error": "..."}`` with LibreTranslate's status (400 bad request, 403 bad
key, 413 body too large, 429 slow down with ``Retry-After``, 500 a failed
translation). Translation work runs in worker threads; the event loop only
parses, admits and answers. The access log is one JSON line per request on
the ``bilingual.serve.access`` logger: method, route (the matched route's
pattern, never the query string), status, milliseconds, request and response
body bytes, and the API key's id (a hash prefix; None without a key); never a
text or a key.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import os
import time
import urllib.parse
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from bilingual.formats import EXTENSIONS
from bilingual.errors import ApiError, BilingualError, EditConflict, EngineError, InputError
from bilingual.serve.batching import Overloaded
from bilingual.serve.http import BodyLimit, Metrics, error_response
from bilingual.serve.keys import KeyRing, load_keys
from bilingual.serve.service import Service
from bilingual.text.language import LANGUAGE_NAMES, script_counts

ACCESS_LOG = logging.getLogger("bilingual.serve.access")
CONFIG_ENV = "BILINGUAL_SERVE_CONFIG"  # ``--workers``: the config each worker process reads
KEPT_FILES = 100  # translated files kept for /download_file


def create_app(service: Service) -> FastAPI:
    """The FastAPI app that serves ``service`` (its batchers start with the app and stop with it)."""
    config = service.config
    keys = KeyRing(load_keys(config.api_keys)) if config.api_keys else None
    pool = ThreadPoolExecutor(max_workers=max(4, min(64, config.max_requests)), thread_name_prefix="request")
    metrics = Metrics()
    files: OrderedDict[str, tuple[bytes, str]] = OrderedDict()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        service.start()
        try:
            yield
        finally:  # uvicorn lets in-flight requests finish first (graceful shutdown)
            await service.stop()
            pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="bilingual",
        description="Korean<->English news translation with glossaries; LibreTranslate-compatible API (docs/serve.md).",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.metrics = metrics

    # errors --------------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.retry_after)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        return error_response(400, "Invalid request")

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception):
        logging.getLogger("bilingual.serve").exception("internal error")
        return error_response(500, f"Internal error: {type(exc).__name__}")

    # the access log and counters -----------------------------------------------

    app.add_middleware(BodyLimit, limit=config.max_body)  # inside the access log, so that its 413s are logged too

    @app.middleware("http")
    async def _access_log(request: Request, call_next):
        start = time.perf_counter()
        status = 500
        response = None
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = request.scope.get("route")
            path = route.path if route is not None else "<other>"
            metrics.requests[(path, status)] += 1
            length = request.headers.get("content-length") or "0"
            out = response.headers.get("content-length") if response is not None else None
            ACCESS_LOG.info(json.dumps({
                "ts": round(time.time(), 3), "method": request.method, "path": path, "status": status,
                "ms": round((time.perf_counter() - start) * 1000, 1),
                "bytes_in": int(length) if length.isdigit() else None,
                "bytes_out": int(out) if out and out.isdigit() else None,
                "key": getattr(request.state, "key_id", None),
                "client": request.client.host if request.client else None,
            }))  # fmt: skip

    # reading requests -----------------------------------------------------------

    async def body(request: Request) -> bytes:
        try:
            return await request.body()
        except ClientDisconnect:  # half a body, then gone: nobody is left to answer
            raise ApiError(400, "Invalid request: the client went away before the body ended") from None

    async def params(request: Request) -> dict[str, Any]:
        """LibreTranslate's reading: a JSON object body, or the query string and form fields."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            try:
                data = json.loads(await body(request) or b"null")
                # a lone surrogate (\ud800) is valid JSON but no text: refuse it here, not deep in a tokenizer
                json.dumps(data, ensure_ascii=False).encode("utf-8")
            except (ValueError, UnicodeError, RecursionError):
                raise ApiError(400, "Invalid JSON format") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Invalid JSON format")
            return data
        values: dict[str, Any] = dict(request.query_params)
        if kind == "application/x-www-form-urlencoded":  # UTF-8, percent-encoded or not
            text = (await body(request)).decode("utf-8", "replace")
            values.update(urllib.parse.parse_qsl(text, keep_blank_values=True))
        elif kind == "multipart/form-data":
            try:
                form = await request.form()
            except ClientDisconnect:
                raise ApiError(400, "Invalid request: the client went away before the body ended") from None
            except Exception:
                raise ApiError(400, "Invalid form data") from None
            for key, value in form.multi_items():
                values[key] = value
        return values

    def access(values: dict[str, Any], request: Request, *, editor: bool = False) -> None:
        given = values.get("api_key")
        if given is not None and not isinstance(given, str):
            raise ApiError(400, "Invalid request: api_key must be a string")
        if keys is None:  # no keys configured: everyone may translate and edit (bind to loopback)
            return
        auth = request.headers.get("authorization", "")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not isinstance(given, str) or not given:
            raise ApiError(400, "Please contact the server operator to get an API key")
        key = keys.lookup(given)
        if key is None:
            raise ApiError(403, "Invalid API key")
        request.state.key_id = key.id
        if editor and not key.editor:
            raise ApiError(403, "This API key may not edit glossaries")
        wait = keys.admit(key)
        if wait:
            raise ApiError(429, f"Slowdown: {key.per_minute} per minute", retry_after=wait)

    def text_param(values: dict[str, Any], name: str, *, required: bool = True) -> str | None:
        value = values.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(400, f"Invalid request: missing {name} parameter")
            return None
        if not isinstance(value, str):
            raise ApiError(400, f"Invalid request: {name} must be a string")
        return value

    def language(code: str) -> str:
        if code not in LANGUAGE_NAMES:
            raise ApiError(400, f"{code} is not supported")
        return code

    def detect(text: str) -> dict:
        hangul, latin = script_counts(text)
        if hangul + latin == 0:
            return {"confidence": 0.0, "language": service.directions[0][0]}
        share = hangul / (hangul + latin)
        from bilingual.text.language import KOREAN_SHARE

        lang = "ko" if share >= KOREAN_SHARE else "en"
        return {"confidence": round(100.0 * (share if lang == "ko" else 1 - share), 1), "language": lang}

    async def run(fn, *args):
        """``fn(*args)`` in a worker thread, admitted against the in-flight limit; errors as API errors."""
        if metrics.in_flight >= config.max_requests:
            metrics.rejected += 1
            raise ApiError(429, "Slowdown: the server is busy, try again shortly", retry_after=1)
        metrics.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        except Overloaded as exc:
            metrics.rejected += 1
            raise ApiError(429, f"Slowdown: {exc}", retry_after=1) from None
        except EditConflict as exc:
            raise ApiError(409, str(exc)) from None
        except (InputError, BilingualError) as exc:
            if isinstance(exc, EngineError):
                raise ApiError(500, f"Cannot translate text: {exc}") from None
            raise ApiError(400, str(exc)) from None
        finally:
            metrics.in_flight -= 1

    def report_of(translated) -> dict:
        report = translated.result.report() if translated.result is not None else {"segments": [], "summary": {}}
        report["batch_shared"] = translated.shared
        return report

    # the LibreTranslate API -------------------------------------------------------

    @app.get("/health", summary="Is the server up, and which directions does it serve")
    async def health():
        return {"status": "ok", "directions": [f"{s}-{t}" for s, t in service.directions]}

    @app.get("/languages", summary="The languages and their targets (LibreTranslate)")
    async def languages():
        targets: dict[str, list[str]] = {}
        for s, t in service.directions:
            targets.setdefault(s, []).append(t)
        return [{"code": c, "name": LANGUAGE_NAMES[c], "targets": sorted(ts)} for c, ts in sorted(targets.items())]

    @app.get("/frontend/settings", summary="Settings for a LibreTranslate front end")
    async def frontend_settings():
        source, target = service.directions[0]
        return {
            "charLimit": config.char_limit,
            "frontendTimeout": 500,
            "apiKeys": keys is not None,
            "keyRequired": keys is not None,
            "suggestions": False,
            "filesTranslation": True,
            "supportedFilesFormat": list(EXTENSIONS),
            "language": {
                "source": {"code": "auto", "name": "Auto Detect"},
                "target": {"code": target, "name": LANGUAGE_NAMES[target]},
            },
        }

    @app.post(
        "/translate",
        summary="Translate text (LibreTranslate)",
        description="Form fields, query parameters or a JSON object: q (a string or an array), source (a code or "
        "auto), target, format (text or html), api_key, alternatives; extensions: glossary (a configured glossary's "
        "name), report=true (each segment's glossary events).",
    )
    async def translate(request: Request):
        values = await params(request)
        access(values, request)
        q = values.get("q")
        if q is None or q == "" or q == []:
            raise ApiError(400, "Invalid request: missing q parameter")
        source = text_param(values, "source")
        target = language(text_param(values, "target"))
        fmt = text_param(values, "format", required=False) or "text"
        if fmt not in ("text", "html"):
            raise ApiError(400, f"{fmt} format is not supported")
        glossary = text_param(values, "glossary", required=False)
        report_value = values.get("report", "")
        if not isinstance(report_value, (str, bool, int)):
            raise ApiError(400, "Invalid request: report must be true or false")
        want_report = str(report_value).lower() in ("1", "true", "yes")
        alternatives = values.get("alternatives")
        if alternatives not in (None, "") and not (
            isinstance(alternatives, int) or (isinstance(alternatives, str) and alternatives.strip().isdigit())
        ):
            raise ApiError(400, "Invalid request: alternatives must be a number")
        batch = isinstance(q, list)
        texts = q if batch else [q]
        if not all(isinstance(t, str) for t in texts):
            raise ApiError(400, "Invalid request: q must be a string or an array of strings")
        if not request.headers.get("content-type", "").startswith("application/json"):
            texts = ["\n".join(t.splitlines()) for t in texts]  # LF only, as LibreTranslate counts characters
        if batch and len(texts) > config.batch_limit:
            raise ApiError(400, f"Invalid request: request ({len(texts)}) exceeds text limit ({config.batch_limit})")
        chars = sum(len(t) for t in texts)
        if config.char_limit >= 0 and chars > config.char_limit:
            raise ApiError(400, f"Invalid request: request ({chars}) exceeds text limit ({config.char_limit})")
        if source == "auto":
            detected = [detect(t) for t in texts]
        else:
            detected = [{"confidence": 100.0, "language": language(source)} for _ in texts]
        if glossary is not None:
            try:
                service.glossary(glossary)
            except InputError as exc:
                raise ApiError(400, str(exc)) from None
        for d in detected:
            if d["language"] != target and (d["language"], target) not in service.directions:
                raise ApiError(400, f"{LANGUAGE_NAMES[target]} ({target}) is not available as a target language "
                               f"from {LANGUAGE_NAMES[d['language']]} ({d['language']})")  # fmt: skip
        metrics.characters += chars

        def work():
            done = []
            for text, d in zip(texts, detected):
                if d["language"] == target:
                    from bilingual.serve.service import Translated

                    done.append(Translated(text, None, 1))
                else:
                    done.append(service.translate_text(text, (d["language"], target), glossary, fmt))
            return done

        done = await run(work)
        body: dict[str, Any] = {"translatedText": [t.text for t in done] if batch else done[0].text}
        if source == "auto":
            body["detectedLanguage"] = detected if batch else detected[0]
        if alternatives not in (None, "", 0, "0", False):
            body["alternatives"] = [[] for _ in done] if batch else []
        if want_report:
            body["report"] = [report_of(t) for t in done] if batch else report_of(done[0])
        return body

    @app.post("/detect", summary="Detect the language of a text (LibreTranslate)")
    async def detect_route(request: Request):
        values = await params(request)
        access(values, request)
        q = text_param(values, "q")
        return [detect(q)]

    @app.post("/translate_file", summary="Translate an article file in any format bilingual reads (LibreTranslate)")
    async def translate_file(request: Request):
        values = await params(request)
        access(values, request)
        upload = values.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(400, "Invalid request: missing file parameter")
        name = upload.filename or ""
        if not name:
            raise ApiError(400, "Invalid request: empty file")
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in EXTENSIONS:
            raise ApiError(400, f"Invalid request: file format not supported (supported: {', '.join(EXTENSIONS)})")
        source = text_param(values, "source")
        target = language(text_param(values, "target"))
        glossary = text_param(values, "glossary", required=False)
        data = await upload.read()

        def work():
            from bilingual.formats import parse, render_documents

            docs = parse(data, EXTENSIONS[suffix], name=name)
            text = "\n".join(block.text for doc in docs for block in doc.blocks if block.translatable)
            src = detect(text)["language"] if source == "auto" else language(source)
            if src != target:
                service.translate_documents(docs, (src, target), glossary)
            return render_documents(docs)

        rendered = await run(work)
        stored = f"{uuid.uuid4()}.{name.replace('/', '_')}"
        files[stored] = (rendered.encode("utf-8") if isinstance(rendered, str) else rendered, name)
        while len(files) > KEPT_FILES:
            files.popitem(last=False)
        return {"translatedFileUrl": str(request.url_for("download_file", filename=stored))}

    @app.get("/download_file/{filename}", summary="Download a translated file (LibreTranslate)")
    async def download_file(filename: str):
        if filename not in files:
            raise ApiError(400, "Invalid filename")
        data, name = files[filename]
        media = mimetypes.guess_type(name)[0] or "text/plain"
        media += "; charset=utf-8" if media.startswith("text/") else ""
        return Response(data, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    # native endpoints ---------------------------------------------------------------

    @app.post(
        "/v1/articles",
        summary="Translate one article with its report",
        description='A JSON object: {"article": {JSON Lines article: id, title, body, other keys kept}} or '
        '{"text": "...", "format": "txt|md|jsonl"}; optional "source" (default auto), "target", "glossary", '
        '"api_key". Answers the translated article (or text), the direction and the report.',
    )
    async def articles(request: Request):
        values = await params(request)
        access(values, request)
        article = values.get("article")
        text = values.get("text")
        if isinstance(article, dict):
            fmt = "jsonl"
            text = json.dumps(article, ensure_ascii=False)
        elif isinstance(text, str) and text.strip():
            fmt = values.get("format") or "txt"
            if fmt not in ("txt", "md", "jsonl"):
                raise ApiError(400, f"{fmt} format is not supported")
        else:
            raise ApiError(400, "Invalid request: give article (an object) or text (a string)")
        if config.char_limit >= 0 and len(text) > config.char_limit:
            raise ApiError(400, f"Invalid request: request ({len(text)}) exceeds text limit ({config.char_limit})")
        source = values.get("source") or "auto"
        target = values.get("target")
        glossary = values.get("glossary") or None
        if not all(v is None or isinstance(v, str) for v in (source, target, glossary)):
            raise ApiError(400, "Invalid request: source, target and glossary are strings")
        src = detect(text)["language"] if source == "auto" else language(source)
        tgt = language(target) if target else ("en" if src == "ko" else "ko")
        metrics.characters += len(text)

        def work():
            from bilingual.formats import parse

            docs = parse(text, fmt, name="article")
            return docs, service.translate_documents(docs, (src, tgt), glossary)

        docs, (result, shared) = await run(work)
        from bilingual.formats import render

        rendered = "".join(render(d) for d in docs)
        report = result.report()
        report["batch_shared"] = shared
        body: dict[str, Any] = {"source": src, "target": tgt, "report": report}
        if fmt == "jsonl" and isinstance(article, dict):
            body["article"] = json.loads(rendered)
        else:
            body["text"] = rendered
        return body

    @app.get("/v1/glossaries", summary="The configured glossaries")
    async def glossaries():
        return [
            {"name": name, "file": str(path), "terms": len(service.glossary(name).terms)}
            for name, path in service.glossary_files.items()
        ]

    @app.get("/v1/glossaries/{name}", summary="Search a glossary's terms")
    async def glossary_terms(name: str, q: str = ""):
        try:
            return {"name": name, "terms": service.search_glossary(name, q)}
        except InputError as exc:
            raise ApiError(404, str(exc)) from None

    @app.post(
        "/v1/glossaries/{name}",
        summary="Add, set or remove one term (an editor key when keys are configured)",
        description='{"action": "add|set|remove", "korean": ..., "english": ..., "korean_forms": "a | b", '
        '"wrong_english": ..., "kind": ..., "status": ..., "note": ..., "field"/"value" for set, optional "expected" (the value the editor saw: a changed row answers 409)}',
    )
    async def glossary_edit(name: str, request: Request):
        values = await params(request)
        access(values, request, editor=True)
        fields = {k: v for k, v in values.items() if isinstance(v, str)}

        def work():
            return service.edit_glossary(name, fields.get("action", ""), fields)

        return {"term": await run(work)}

    @app.get("/metrics", summary="Counters in the Prometheus text format")
    async def metrics_route():
        return PlainTextResponse(metrics.render(service), media_type="text/plain; version=0.0.4")

    # the web page -------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index():
        return HTMLResponse(page("index.html"))

    @app.get("/glossary", response_class=HTMLResponse, include_in_schema=False)
    async def glossary_page():
        return HTMLResponse(page("glossary.html"))

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str):
        kinds = {".css": "text/css", ".js": "text/javascript"}
        suffix = "." + name.rsplit(".", 1)[-1]
        if suffix not in kinds or "/" in name:
            raise ApiError(404, "Not Found")
        try:
            return Response(page(name), media_type=kinds[suffix] + "; charset=utf-8")
        except FileNotFoundError:
            raise ApiError(404, "Not Found") from None

    return app


def app_from_environment():
    """The app of one ``bilingual serve --workers N`` process: its own models and batchers, loaded from the
    config the command put in ``BILINGUAL_SERVE_CONFIG`` (uvicorn calls this factory in each worker)."""
    from bilingual.serve.service import ServeConfig

    data = json.loads(os.environ[CONFIG_ENV])
    level = str(data.get("log_level") or "info").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO), format="%(message)s")
    return create_app(Service(ServeConfig.from_dict(data["config"])))


def page(name: str) -> str:
    """A file of the web page (package data in ``bilingual/serve/web/``)."""
    return resources.files("bilingual.serve").joinpath("web", name).read_text(encoding="utf-8")
