"""Load and fault run for `bilingual serve` on loopback: well-formed requests mixed with broken ones, a SIGTERM in the middle.

``--requests`` requests (default 2,000) from ``--clients`` threads (default 32),
drawn with a fixed seed from a mix of well-formed calls (``/translate`` as
JSON, form and array, ``/v1/articles``, ``/detect``, ``/languages``,
``/health``, ``/metrics``, glossary search) and faults: malformed JSON, wrong
types, unknown languages, bodies over ``--max-body`` (by Content-Length and
chunked), texts over ``--char-limit``, lone surrogates and deep nesting in
JSON, invalid UTF-8, unknown paths and methods, raw sockets that send half a
body and close, that close before reading the answer, or that send garbage.
Half-way through, the server gets SIGTERM while requests are in flight; it
must finish them and exit 0 within its graceful timeout, then it is started
again on the same port and the run goes on.

Counted: server crashes (an exit that was not asked for), well-formed requests
not answered 200 or a JSON ``{"error": ...}`` 429/503, faults not answered a
JSON ``{"error": ...}`` 4xx (a 500 is a defect; odd but possibly valid input
may also be answered 200), requests that hung past
``--timeout``, tracebacks in the server's stderr. ``tests/test_serve_faults.py``
runs a smaller mix with :func:`run` and asserts all of them are zero.

Usage::

    python eval/bench/serve_faults.py                         # tiny model, built in a temp folder
    python eval/bench/serve_faults.py --model eval/models/bench/tc-big/ct2-int8 --requests 400
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KOREAN = ["서울시는 버스 요금을 올린다고 밝혔다.", "경기도 김문수 지사가 말했다.", "정부는 내년 예산을 발표했다.",
          "비가 많이 내렸다.", "회의는 오후에 열린다."]  # fmt: skip
ENGLISH = ["Seoul raised bus fares.", "The governor spoke on Monday.", "Heavy rain fell."]


@dataclasses.dataclass
class Outcome:
    kind: str
    well_formed: bool
    status: int | None = None  # None: no HTTP answer
    error: str = ""  # what went wrong on the client's side (refused, reset, timeout)
    json_error: bool = False  # the answer was {"error": "..."}
    during_stop: bool = False  # sent while the server was stopping


# --------------------------------------------------------------------------------------
# the request mix
# --------------------------------------------------------------------------------------
def _json(body) -> tuple[bytes, dict]:
    return json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"}


def make_request(kind: str, rng: random.Random, limits: dict) -> tuple[str, str, bytes | None, dict]:
    """(method, path, body, headers) of one request of ``kind`` (raw kinds are sent by :func:`send_raw`)."""
    ko = rng.choice(KOREAN)
    if kind == "translate_json":
        return ("POST", "/translate", *_json({"q": ko, "source": rng.choice(["ko", "auto"]), "target": "en"}))
    if kind == "translate_form":
        import urllib.parse

        body = urllib.parse.urlencode({"q": ko, "source": "ko", "target": "en"}).encode()
        return "POST", "/translate", body, {"Content-Type": "application/x-www-form-urlencoded"}
    if kind == "translate_array":
        return ("POST", "/translate", *_json({"q": rng.sample(KOREAN, 3), "source": "ko", "target": "en", "report": True}))
    if kind == "translate_en":  # already English: answered as is
        return ("POST", "/translate", *_json({"q": rng.choice(ENGLISH), "source": "auto", "target": "en"}))
    if kind == "article":
        article = {"id": f"a{rng.randrange(10**6)}", "title": ko, "body": "\n\n".join(rng.sample(KOREAN, 3))}
        return ("POST", "/v1/articles", *_json({"article": article, "target": "en"}))
    if kind == "detect":
        return ("POST", "/detect", *_json({"q": ko}))
    if kind in ("languages", "health", "metrics", "frontend"):
        path = {"languages": "/languages", "health": "/health", "metrics": "/metrics", "frontend": "/frontend/settings"}[kind]
        return "GET", path, None, {}
    if kind == "glossary_search":
        return "GET", "/v1/glossaries/names?q=%EA%B9%80", None, {}
    # faults ---------------------------------------------------------------------
    if kind == "malformed_json":
        body = rng.choice([b'{"q": "abc', b"{'q': 1}", b"", b"nul", b'{"q": "x"} trailing', b"\xef\xbb\xbf{", b"[1, 2"])
        return "POST", rng.choice(["/translate", "/v1/articles", "/detect"]), body, {"Content-Type": "application/json"}
    if kind == "wrong_types":
        body = rng.choice([
            {"q": 5, "source": "ko", "target": "en"}, {"q": ["a", 3], "source": "ko", "target": "en"},
            {"q": {"a": 1}, "source": "ko", "target": "en"}, {"q": ko, "source": 1, "target": "en"},
            {"q": ko, "source": "ko", "target": ["en"]}, {"q": ko, "source": "ko", "target": "en", "format": 5},
            {"q": ko, "source": "ko", "target": "en", "glossary": 7}, {"q": ko, "source": "ko", "target": "en", "report": {}},
            {"q": ko, "source": "ko", "target": "en", "api_key": 12}, {"q": ko, "source": "ko", "target": "en", "alternatives": "x"},
            {"q": [], "source": "ko", "target": "en"}, {"q": [None], "source": "ko", "target": "en"},
            {"q": True, "source": "ko", "target": "en"}, {"q": 1e400, "source": "ko", "target": "en"},
        ])  # fmt: skip
        path = "/translate"
        if rng.random() < 0.3:
            path, body = "/v1/articles", rng.choice([
                {"article": "text"}, {"article": {"id": 1, "title": 2, "body": [3]}}, {"article": {}},
                {"text": 5}, {"text": ko, "format": 5}, {"text": ko, "source": ["ko"]}, {"article": {"body": ko}, "glossary": 1},
                {"text": ko, "format": "pdf"}, {"article": {"id": "x", "title": "t", "body": {"a": 1}}},
            ])  # fmt: skip
        elif rng.random() < 0.2:
            path, body = "/detect", rng.choice([{"q": 5}, {"q": None}, {}, {"q": ["a"]}])
        return ("POST", path, *_json(body))
    if kind == "unknown_language":
        body = rng.choice([
            {"q": ko, "source": "fr", "target": "en"}, {"q": ko, "source": "ko", "target": "xx"},
            {"q": ko, "source": "auto", "target": "de"}, {"q": ko, "source": "en", "target": "fr"},
            {"q": ko, "source": "", "target": "en"}, {"q": ko, "source": "ko", "target": ""},
        ])  # fmt: skip
        if rng.random() < 0.3:
            return ("POST", "/v1/articles", *_json({"text": ko, "source": "zz", "target": "en"}))
        return ("POST", "/translate", *_json(body))
    if kind == "oversized":
        body = b'{"q": "' + b"a" * (limits["max_body"] + 1000) + b'", "source": "ko", "target": "en"}'
        return "POST", "/translate", body, {"Content-Type": "application/json"}
    if kind == "oversized_chunked":
        return "POST", "/translate", b"x" * (limits["max_body"] + 1000), {"Content-Type": "application/json", "chunked": "1"}
    if kind == "over_char_limit":
        return ("POST", "/translate", *_json({"q": "가" * (limits["char_limit"] + 1), "source": "ko", "target": "en"}))
    if kind == "odd_text":
        body = rng.choice([
            b'{"q": "\\ud800\\udc00\\ud800 \xec\x84\x9c\xec\x9a\xb8", "source": "ko", "target": "en"}',
            b'{"q": "\\u0000\\u0000", "source": "ko", "target": "en"}',
            b'{"q": "' + b"[" * 50 + b'", "source": "ko", "target": "en"}',
            b'{"q": ' + b"[" * 100000 + b"]" * 100000 + b', "source": "ko", "target": "en"}',
            b'{"q": "\xff\xfe invalid utf-8", "source": "ko", "target": "en"}',
            b'{"q": NaN, "source": "ko", "target": "en"}',
            b'{"text": "\\udfff", "source": "ko", "target": "en"}',
        ])  # fmt: skip
        return "POST", rng.choice(["/translate", "/v1/articles", "/detect"]), body, {"Content-Type": "application/json"}
    if kind == "bad_form":
        return rng.choice([
            ("POST", "/translate", b"q=%E0%A4%A&source=ko&target=en", {"Content-Type": "application/x-www-form-urlencoded"}),
            ("POST", "/translate", b"--xx\r\nbroken", {"Content-Type": "multipart/form-data; boundary=xx"}),
            ("POST", "/translate_file", b"--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--xx--\r\n",
             {"Content-Type": "multipart/form-data; boundary=xx"}),
            ("POST", "/translate_file", b"--xx\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n\xff\xfe\x00\x01\r\n"
             b"--xx\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nko\r\n--xx\r\nContent-Disposition: form-data; "
             b"name=\"target\"\r\n\r\nen\r\n--xx--\r\n", {"Content-Type": "multipart/form-data; boundary=xx"}),
            ("POST", "/translate", b"q=x", {"Content-Type": "text/plain"}),
        ])  # fmt: skip
    if kind == "bad_path":
        return rng.choice([
            ("GET", "/translate", None, {}), ("GET", "/nope", None, {}), ("DELETE", "/languages", None, {}),
            ("GET", "/download_file/..%2F..%2Fetc%2Fpasswd", None, {}), ("GET", "/download_file/nope", None, {}),
            ("GET", "/v1/glossaries/nope", None, {}), ("POST", "/v1/glossaries/names", *_json({"action": "explode", "korean": "가"})),
            ("GET", "/static/..%2Fapp.py", None, {}),
        ])  # fmt: skip
    raise ValueError(kind)


WELL_FORMED = {
    "translate_json": 20, "translate_form": 6, "translate_array": 6, "translate_en": 3, "article": 8, "detect": 4,
    "languages": 2, "health": 2, "metrics": 1, "frontend": 1, "glossary_search": 1,
}  # fmt: skip
FAULTS = {
    "malformed_json": 6, "wrong_types": 8, "unknown_language": 5, "oversized": 3, "oversized_chunked": 2,
    "over_char_limit": 2, "odd_text": 5, "bad_form": 3, "bad_path": 3,
    "raw_half_body": 3, "raw_close_early": 3, "raw_garbage": 2, "raw_half_headers": 1,
}  # fmt: skip


# Odd but possibly valid input (NUL characters, brackets, broken percent-encoding, a UTF-16 file): answered
# 200 or a JSON 4xx error, never 500.
EITHER = {"odd_text", "bad_form"}


def plan(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    kinds = [*WELL_FORMED, *FAULTS]
    weights = [*WELL_FORMED.values(), *FAULTS.values()]
    return rng.choices(kinds, weights, k=n)


# --------------------------------------------------------------------------------------
# sending
# --------------------------------------------------------------------------------------
def send_http(port: int, method: str, path: str, body: bytes | None, headers: dict, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = dict(headers)
        if headers.pop("chunked", None):
            conn.putrequest(method, path)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            assert body is not None
            try:
                for i in range(0, len(body), 16384):
                    piece = body[i : i + 16384]
                    conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                conn.send(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered 413 and closed before the whole body came: read that answer
        else:
            try:
                conn.request(method, path, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                pass
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def send_raw(port: int, kind: str, timeout: float) -> int | None:
    """A client that misbehaves on the socket; the status it read, if any."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        body = json.dumps({"q": KOREAN[0], "source": "ko", "target": "en"}).encode()
        head = f"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        if kind == "raw_half_body":  # promises the body, sends half, goes away
            sock.sendall(head.encode() + body[: len(body) // 2])
            time.sleep(0.01)
            return None
        if kind == "raw_close_early":  # a whole request, gone before the answer
            sock.sendall(head.encode() + body)
            return None
        if kind == "raw_half_headers":
            sock.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Le")
            return None
        sock.sendall(b"\x16\x03\x01\x00\xa5GARBAGE / HTTP/9.9\r\n\r\n")  # raw_garbage: a TLS hello and nonsense
        try:
            data = sock.recv(4096)
        except (ConnectionResetError, TimeoutError, socket.timeout):
            return None
        return int(data.split()[1]) if data.startswith(b"HTTP/1.1 ") else None


# --------------------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``bilingual serve`` as a subprocess; stderr collected in ``log``."""

    def __init__(self, args: list[str], port: int, log: Path) -> None:
        self.args, self.port, self.log = args, port, log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        handle = open(self.log, "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bilingual", "serve", "--port", str(self.port), *self.args],
            stdout=handle, stderr=handle, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if send_http(self.port, "GET", "/health", None, {}, 2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not answer /health")

    def terminate(self, grace: float) -> tuple[int | None, float]:
        """SIGTERM; (exit status or None if it did not exit within ``grace`` s, seconds it took)."""
        assert self.proc is not None
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None, time.monotonic() - start
        return status, time.monotonic() - start

    def crashed(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None


# --------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------
def run(model: str, *, requests: int = 2000, clients: int = 32, seed: int = 14, timeout: float = 60.0,
        term_at: float = 0.5, grace: float = 35.0, glossary: Path | None = None, extra: list[str] | None = None,
        log_dir: Path | None = None, max_requests: int = 48) -> dict:  # fmt: skip
    """Run the mix against a server of ``model`` and return the counts (see the module docstring)."""
    limits = {"max_body": 65536, "char_limit": 2000}
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="serve-faults-"))
    args = ["-m", model, "--beams", "1", "--max-length", "16", "--char-limit", str(limits["char_limit"]),
            "--max-body", str(limits["max_body"]), "--max-requests", str(max_requests), "--queue-size", "256",
            *(["-g", str(glossary)] if glossary else []), *(extra or [])]  # fmt: skip
    server = Server(args, free_port(), log_dir / "serve.log")
    server.start()
    kinds = plan(requests, seed)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    up = threading.Event()
    up.set()
    stopping = threading.Event()
    in_flight = 0
    next_index = 0
    crashes = 0
    shutdown: dict = {}

    def client(number: int) -> None:
        nonlocal in_flight, next_index
        rng = random.Random(seed * 1000 + number)
        while True:
            up.wait()
            with lock:
                if next_index >= len(kinds):
                    return
                kind = kinds[next_index]
                next_index += 1
                in_flight += 1
            outcome = Outcome(kind, kind in WELL_FORMED, during_stop=stopping.is_set())
            try:
                if kind.startswith("raw_"):
                    outcome.status = send_raw(server.port, kind, timeout)
                else:
                    method, path, body, headers = make_request(kind, rng, limits)
                    status, raw = send_http(server.port, method, path, body, headers, timeout)
                    outcome.status = status
                    try:
                        answer = json.loads(raw)
                        outcome.json_error = isinstance(answer, dict) and isinstance(answer.get("error"), str)
                    except ValueError:
                        pass
            except (TimeoutError, socket.timeout):
                outcome.error = "timeout"
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                outcome.error = type(exc).__name__
            outcome.during_stop = outcome.during_stop or stopping.is_set()
            with lock:
                in_flight -= 1
                outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at = int(requests * term_at)
    while any(t.is_alive() for t in threads):
        if server.crashed() and not stopping.is_set():
            crashes += 1
            server.start()
        if term_at and not shutdown and next_index >= stop_at:
            up.clear()  # clients start nothing new; what is in flight must finish
            stopping.set()
            with lock:
                shutdown["in_flight_at_sigterm"] = in_flight
            status, took = server.terminate(grace)
            probe = None
            try:  # a client arriving after the server stopped listening is refused, never left hanging
                probe = send_http(server.port, "GET", "/health", None, {}, 5)[0]
            except OSError as exc:
                probe = type(exc).__name__
            shutdown.update(exit_status=status, seconds=round(took, 2), probe_after_exit=probe)
            server.start()
            stopping.clear()
            up.set()
        time.sleep(0.02)
    for t in threads:
        t.join()
    if server.crashed():
        crashes += 1
    final_status, final_seconds = server.terminate(grace)
    log = server.log.read_text(encoding="utf-8", errors="replace")
    return summarize(outcomes, crashes=crashes, shutdown=shutdown, final=(final_status, round(final_seconds, 2)), log=log)


def summarize(outcomes: list[Outcome], *, crashes: int, shutdown: dict, final, log: str) -> dict:
    rows: dict[str, Counter] = {}
    bad: list[str] = []
    for o in outcomes:
        row = rows.setdefault(o.kind, Counter())
        row["sent"] += 1
        if o.error == "timeout":
            row["hung"] += 1
            bad.append(f"{o.kind}: hung")
        elif o.kind.startswith("raw_"):
            row["ok"] += 1  # nothing is owed to a client that went away; the server must only survive it
        elif o.status is None:
            if o.during_stop:
                row["refused_stopping"] += 1
            else:
                row["no_answer"] += 1
                bad.append(f"{o.kind}: no answer ({o.error})")
        elif o.well_formed:
            if o.status == 200:
                row["200"] += 1
            elif o.status in (429, 503) and o.json_error:
                row["busy"] += 1
            else:
                row["wrong"] += 1
                bad.append(f"{o.kind}: {o.status} json_error={o.json_error}")
        elif 400 <= o.status < 500 and o.json_error:
            row[str(o.status)] += 1
        elif o.kind in EITHER and o.status == 200:
            row["200"] += 1
        else:
            row["wrong"] += 1
            bad.append(f"{o.kind}: {o.status} json_error={o.json_error}")
    tracebacks = log.count("Traceback (most recent call last)")
    return {
        "requests": len(outcomes),
        "crashes": crashes,
        "hung": sum(r["hung"] for r in rows.values()),
        "well_formed": sum(r["sent"] for k, r in rows.items() if k in WELL_FORMED),
        "well_formed_200": sum(r["200"] for k, r in rows.items() if k in WELL_FORMED),
        "well_formed_busy": sum(r["busy"] for r in rows.values()),
        "wrong_answers": len(bad),
        "refused_while_stopping": sum(r["refused_stopping"] for r in rows.values()),
        "tracebacks": tracebacks,
        "shutdown": shutdown,
        "final_exit": {"status": final[0], "seconds": final[1]},
        "bad": bad[:40],
        "rows": {k: dict(v) for k, v in sorted(rows.items())},
        "log_tail": log[-4000:] if tracebacks or bad else "",
    }


def table(result: dict) -> str:
    columns = ["sent", "200", "busy", "400", "403", "404", "405", "413", "refused_stopping", "no_answer", "wrong", "hung", "ok"]
    lines = [f"{'kind':20} " + " ".join(f"{c:>8}" for c in columns)]
    for kind, row in result["rows"].items():
        lines.append(f"{kind:20} " + " ".join(f"{row.get(c, 0):>8}" for c in columns))
    lines.append("")
    for key in ("requests", "crashes", "hung", "well_formed", "well_formed_200", "well_formed_busy", "wrong_answers",
                "refused_while_stopping", "tracebacks"):  # fmt: skip
        lines.append(f"{key:24} {result[key]}")
    lines.append(f"{'sigterm':24} {json.dumps(result['shutdown'])}")
    lines.append(f"{'final sigterm':24} {json.dumps(result['final_exit'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model to serve (default: a tiny random Marian ko->en, built in a temp folder)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--timeout", type=float, default=60.0, help="a request taking longer has hung")
    parser.add_argument("--max-requests", type=int, default=48, help="the server's --max-requests (429 past it)")
    parser.add_argument("--log", type=Path, help="also keep the server's log here")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "serve-faults.json")
    args = parser.parse_args(argv)
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        model = args.model
        if model is None:
            from bilingual.testing.tiny_model import build_marian

            model = str(build_marian(Path(tmp) / "tiny", source_lang="ko", target_lang="en"))
        glossary = Path(tmp) / "names.tsv"
        shutil.copy(ROOT / "glossaries" / "names.tsv", glossary)
        start = time.monotonic()
        result = run(model, requests=args.requests, clients=args.clients, seed=args.seed, timeout=args.timeout,
                     glossary=glossary, log_dir=Path(tmp), max_requests=args.max_requests)  # fmt: skip
        result["seconds"] = round(time.monotonic() - start, 1)
        if args.log:
            shutil.copy(Path(tmp) / "serve.log", args.log)
    result["load"] = os.getloadavg()
    print(table(result))
    print(f"{'seconds':24} {result['seconds']}  (load {' '.join(f'{x:.2f}' for x in result['load'])})")
    if result["bad"]:
        print("\n".join(["", "wrong answers:", *result["bad"]]))
    if result["log_tail"]:
        print("\nserver log tail:\n" + result["log_tail"])
    from bilingual.outputs import write_atomic

    write_atomic(args.out, json.dumps(result, indent=2) + "\n")
    clean = not (result["crashes"] or result["hung"] or result["wrong_answers"] or result["tracebacks"])
    return 0 if clean and result["shutdown"].get("exit_status") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
