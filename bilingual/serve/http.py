"""HTTP plumbing of ``bilingual serve``: errors as LibreTranslate's ``{"error": ...}``,
the request body limit, and the counters behind ``/metrics``."""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from fastapi.responses import JSONResponse

if TYPE_CHECKING:
    from bilingual.serve.service import Service


def error_response(status: int, message: str, retry_after: float | None = None) -> JSONResponse:
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after is not None else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is answered 413, by its Content-Length or, for a
    chunked body (no Content-Length), as it arrives: a chunked body is read whole, up to the limit, before the
    app sees it (the server holds a body with a Content-Length to that length)."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _too_large(self) -> JSONResponse:
        return error_response(413, f"Request body too large (limit {self.limit} bytes)")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.limit:
                return await self._too_large()(scope, receive, send)
            return await self.app(scope, receive, send)
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            return await self.app(scope, receive, send)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nobody to answer
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return await self._too_large()(scope, receive, send)
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class Metrics:
    """Counters for ``/metrics`` (Prometheus text format)."""

    def __init__(self) -> None:
        self.requests: Counter[tuple[str, int]] = Counter()
        self.characters = 0
        self.in_flight = 0
        self.rejected = 0
        self.started = time.time()

    def render(self, service: Service) -> str:
        lines = [
            "# TYPE bilingual_requests_total counter",
            *(f'bilingual_requests_total{{path="{p}",status="{s}"}} {n}' for (p, s), n in sorted(self.requests.items())),
            "# TYPE bilingual_translated_characters_total counter",
            f"bilingual_translated_characters_total {self.characters}",
            "# TYPE bilingual_requests_in_flight gauge",
            f"bilingual_requests_in_flight {self.in_flight}",
            "# TYPE bilingual_rejected_busy_total counter",
            f"bilingual_rejected_busy_total {self.rejected}",
            "# TYPE bilingual_uptime_seconds gauge",
            f"bilingual_uptime_seconds {time.time() - self.started:.1f}",
        ]
        for name, kind in (
            ("batches", "counter"), ("segments", "counter"), ("jobs", "counter"), ("shared_batches", "counter"),
            ("largest_share", "gauge"), ("waiting", "gauge"), ("engine_seconds", "counter"),
        ):  # fmt: skip
            lines.append(f"# TYPE bilingual_batcher_{name} {kind}")
            for (s, t), batcher in service.batchers.items():
                value = getattr(batcher.stats, name)
                shown = f"{value:.3f}" if isinstance(value, float) else str(value)
                lines.append(f'bilingual_batcher_{name}{{direction="{s}-{t}"}} {shown}')
        return "\n".join(lines) + "\n"

