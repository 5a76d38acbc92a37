"""A small OpenAI-compatible HTTP server on 127.0.0.1 (a free port) for the openai engine's tests.

It answers ``GET /v1/models``, ``POST /v1/chat/completions`` and ``POST
/v1/completions`` like a real server: the segment is read back out of the
prompt (the last user turn after its instruction, or the last ``Korean: ...``
line), looked up in ``answers`` (default: ``"Segment of N characters."``), and
returned in OpenAI's JSON shape. ``script`` (a list of callables, one used per
request in turn) can make a request fail first: ``status(503)``, ``sleep(1.0)``,
``garbage()``. Every request is recorded (path, JSON body, Authorization
header), and the most requests ever in flight at once is kept.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Action = Callable[["_Handler"], bool]  # True: the request was answered


class OpenAIServer:
    def __init__(self, answers: dict[str, str] | None = None, *, delay: float = 0.0) -> None:
        self.answers = dict(answers or {})
        self.delay = delay  # seconds each completion takes
        self.script: list[Action] = []
        self.requests: list[dict] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def __enter__(self) -> OpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def completions(self) -> list[dict]:
        return [r for r in self.requests if r["path"] != "/v1/models"]

    def answer_for(self, segment: str) -> str:
        return self.answers.get(segment, f"Segment of {len(segment)} characters.")


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeOpenAI/1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    @property
    def owner(self) -> OpenAIServer:
        return self.server.owner  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._record(None)
        if self.path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": "tiny", "object": "model"}]})
        else:
            self.send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        self._record(body)
        owner = self.owner
        with owner._lock:
            action = owner.script.pop(0) if owner.script else None
            owner.in_flight += 1
            owner.most_in_flight = max(owner.most_in_flight, owner.in_flight)
        try:
            if action is not None and action(self):
                return
            time.sleep(owner.delay)
            self._complete(body)
        finally:
            with owner._lock:
                owner.in_flight -= 1

    def _record(self, body: object) -> None:
        with self.owner._lock:
            self.owner.requests.append({"path": self.path, "body": body, "authorization": self.headers.get("Authorization")})

    def _complete(self, body: dict) -> None:
        if self.path == "/v1/chat/completions":
            segment = body["messages"][-1]["content"].split("\n\n", 1)[1]
            answer = self.owner.answer_for(segment)
            choice = {"index": 0, "message": {"role": "assistant", "content": answer}}
        elif self.path == "/v1/completions":
            segment = body["prompt"].rsplit("\n", 2)[-2].split(": ", 1)[1]
            answer = " " + self.owner.answer_for(segment)
            for stop in body.get("stop") or []:
                answer = answer.split(stop, 1)[0]
            choice = {"index": 0, "text": answer}
        else:
            self.send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        words = answer.split()
        finish = "stop"
        if len(words) > body["max_tokens"]:
            answer, finish = " ".join(words[: body["max_tokens"]]), "length"
            choice = {**choice, "message": {"role": "assistant", "content": answer}} if "message" in choice else {**choice, "text": answer}
        self.send_json(200, {"object": "chat.completion", "choices": [{**choice, "finish_reason": finish}]})

    def send_json(self, status: int, data: object, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)


def status(code: int, message: str = "busy", retry_after: str | None = "0") -> Action:
    def act(handler: _Handler) -> bool:
        handler.send_json(code, {"error": {"message": message}}, {"Retry-After": retry_after} if retry_after else None)
        return True

    return act


def sleep(seconds: float) -> Action:
    def act(handler: _Handler) -> bool:
        time.sleep(seconds)
        return False

    return act


def garbage() -> Action:
    def act(handler: _Handler) -> bool:
        raw = b"<html>not an API</html>"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)
        return True

    return act
