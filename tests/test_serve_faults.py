"""``bilingual serve`` under faults, through the real server subprocess with a tiny model: a small version of
``eval/bench/serve_faults.py``'s mix with a SIGTERM in the middle, graceful shutdown with a request in flight,
the access log (no texts, no keys) and ``--workers``."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def faults():
    spec = importlib.util.spec_from_file_location("serve_faults", ROOT / "eval" / "bench" / "serve_faults.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["serve_faults"] = module
    spec.loader.exec_module(module)
    return module


def test_fault_mix_with_sigterm_in_the_middle(faults, tiny_marian_ko_en, tmp_path):
    glossary = tmp_path / "names.tsv"
    shutil.copy(ROOT / "glossaries" / "names.tsv", glossary)
    result = faults.run(str(tiny_marian_ko_en), requests=150, clients=16, seed=3, timeout=30, glossary=glossary, log_dir=tmp_path)
    summary = faults.table(result)
    assert result["requests"] == 150, summary
    assert result["crashes"] == 0 and result["hung"] == 0, summary
    assert result["wrong_answers"] == 0, summary + "\n" + "\n".join(result["bad"])
    assert result["tracebacks"] == 0, result["log_tail"]
    assert result["well_formed_200"] > 0
    assert result["shutdown"]["exit_status"] == 0 and result["final_exit"]["status"] == 0, summary
    assert result["shutdown"]["probe_after_exit"] != 200  # nothing answers once it is gone, and nothing hangs


def test_workers_finish_the_request_in_flight_on_sigterm_and_log_neither_text_nor_key(faults, tiny_marian_ko_en, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("very-secret-key-42 100\n", encoding="utf-8")
    server = faults.Server(
        ["-m", str(tiny_marian_ko_en), "--beams", "1", "--max-length", "8", "--api-keys", str(keys), "--batch-wait-ms", "1500",
         "--workers", "2", "--max-body", "65536"],
        faults.free_port(), tmp_path / "serve.log",
    )  # fmt: skip
    server.start()
    # the defects the fault run found, each once: a chunked body over the limit (was a 500 and a traceback), a lone
    # surrogate (500 from the tokenizer), deep nesting, a wrong-typed extension, half a body then a closed socket
    # (a ClientDisconnect traceback)
    json_type = {"Content-Type": "application/json"}
    status, raw = faults.send_http(server.port, "POST", "/translate", b"x" * 70000, {**json_type, "chunked": "1"}, 30)
    assert status == 413 and "too large" in json.loads(raw)["error"]
    for bad in (b'{"q": "\\ud800 x", "source": "ko", "target": "en", "api_key": "very-secret-key-42"}',
                b'{"q": ' + b"[" * 20000 + b"]" * 20000 + b"}",
                b'{"q": "x", "source": "ko", "target": "en", "alternatives": "x", "api_key": "very-secret-key-42"}'):
        status, raw = faults.send_http(server.port, "POST", "/translate", bad, json_type, 30)
        assert status == 400 and json.loads(raw)["error"], bad[:40]
    faults.send_raw(server.port, "raw_half_body", 5)
    answer: list = []
    text = "비밀스러운 기사 본문이다."

    def call():
        body = json.dumps({"q": text, "source": "ko", "target": "en", "api_key": "very-secret-key-42"}).encode()
        answer.append(faults.send_http(server.port, "POST", "/translate", body, {"Content-Type": "application/json"}, 30))

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.5)  # the request waits in a worker's batcher (--batch-wait-ms 1500)
    status, took = server.terminate(30)
    thread.join(30)
    assert status == 0 and took < 30
    assert answer and answer[0][0] == 200 and json.loads(answer[0][1])["translatedText"]
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and log.count("Started server process") == 2
    assert text not in log and "very-secret-key-42" not in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    entry = next(e for e in lines if e["path"] == "/translate" and e["status"] == 200)
    assert entry["method"] == "POST" and entry["bytes_in"] > 0 and entry["bytes_out"] > 0
    assert [e["status"] for e in lines if e["method"] == "POST"][:4] == [413, 400, 400, 400]  # 413s are logged too
    assert entry["key"] is not None and len(entry["key"]) == 12 and entry["key"] not in "very-secret-key-42"
    assert next(e for e in lines if e["path"] == "/health")["key"] is None
