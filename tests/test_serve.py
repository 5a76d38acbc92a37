"""``bilingual serve`` as a real subprocess on a free loopback port with tiny models, called by
LibreTranslate's own clients (libretranslatepy, deep-translator) and by plain urllib."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], tmp: Path):
    port = free_port()
    log = open(tmp / f"serve-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilingual", "serve", "--port", str(port), *args], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError((tmp / f"serve-{port}.log").read_text())
        try:
            urllib.request.urlopen(url + "health", timeout=2).read()
            return proc, url, tmp / f"serve-{port}.log"
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("bilingual serve did not answer /health within 90 s")


def stop(proc) -> int:
    proc.terminate()
    try:
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture(scope="module")
def glossary_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve-glossary") / "names.tsv"
    shutil.copy(ROOT / "glossaries" / "names.tsv", path)
    return path


@pytest.fixture(scope="module")
def server(tiny_marian_ko_en, tiny_marian_en_ko, glossary_file, tmp_path_factory):
    proc, url, log = start(
        ["-m", f"ko-en={tiny_marian_ko_en}", "-m", f"en-ko={tiny_marian_en_ko}", "-g", str(glossary_file),
         "--beams", "1", "--max-length", "16", "--char-limit", "2000", "--max-body", "65536",
         "--batch-wait-ms", "50"],
        tmp_path_factory.mktemp("serve"),
    )  # fmt: skip
    yield url
    status = stop(proc)
    text = log.read_text()
    assert status == 0, text  # SIGTERM: a graceful stop that was asked for exits 0
    assert "Application shutdown complete" in text  # after uvicorn's graceful shutdown
    assert "secret-key" not in text and "김문수" not in text  # the access log holds no texts or keys


def call(url: str, path: str, body=None, *, form: dict | None = None, raw: bytes | None = None, headers=None):
    """(status, JSON answer, headers) of one request."""
    data, kind = None, None
    if body is not None:
        data, kind = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data, kind = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    elif raw is not None:
        data, kind = raw, "application/json"
    request = urllib.request.Request(url + path, data=data, headers={**({"Content-Type": kind} if kind else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers


def test_libretranslatepy_translates_detects_and_lists_languages(server):
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(server)
    out = client.translate("서울시는 요금을 올린다고 밝혔다.", "ko", "en")
    assert isinstance(out, str) and out.strip()
    assert client.translate("Seoul raised bus fares.", "en", "ko").strip()
    assert client.detect("서울시는 요금을 올린다.")[0]["language"] == "ko"
    languages = {lang["code"]: lang["targets"] for lang in client.languages()}
    assert languages == {"en": ["ko"], "ko": ["en"]}


def test_deep_translator_libretranslator(server):
    from deep_translator import LibreTranslator

    translator = LibreTranslator(source="ko", target="en", custom_url=server, api_key="unused")
    assert translator.translate("경기도 김문수 지사가 말했다.").strip()
    assert len(translator.translate_batch(["서울.", "부산."])) == 2
    assert "Korean" in translator.get_supported_languages()  # its own table; the wire calls are above


def test_translate_auto_array_report_and_glossary_names(server):
    status, answer, _ = call(server, "translate", {"q": ["경기도 김문수 지사가 말했다.", "Hello."], "source": "auto", "target": "en", "report": True})
    assert status == 200
    assert [d["language"] for d in answer["detectedLanguage"]] == ["ko", "en"]
    assert "Kim Moon-soo" in answer["translatedText"][0]  # the glossary's name, enforced
    assert answer["translatedText"][1] == "Hello."  # already English
    terms = {t["source"]: t["status"] for s in answer["report"][0]["segments"] for t in s["terms"]}
    assert terms.get("김문수") in ("applied", "repaired")


def test_articles_endpoint_keeps_other_keys(server):
    article = {"id": "a1", "title": "김문수 지사", "body": "서울시는 요금을 올린다.\n\n두번째 문단이다.", "url": "x"}
    status, answer, _ = call(server, "v1/articles", {"article": article, "target": "en"})
    assert status == 200 and answer["source"] == "ko"
    assert answer["article"]["id"] == "a1" and answer["article"]["url"] == "x"
    assert answer["article"]["body"].count("\n\n") == 1
    assert answer["report"]["summary"]["segments"] == 3


ERRORS = [
    ("missing q", {"source": "ko", "target": "en"}, 400, "missing q"),
    ("unknown language", {"q": "x", "source": "fr", "target": "en"}, 400, "fr is not supported"),
    ("bad format", {"q": "x", "source": "ko", "target": "en", "format": "pdf"}, 400, "pdf format"),
    ("wrong type", {"q": 5, "source": "ko", "target": "en"}, 400, "q must be"),
    ("over the char limit", {"q": "가" * 2001, "source": "ko", "target": "en"}, 400, "exceeds text limit"),
    ("unknown glossary", {"q": "서울", "source": "ko", "target": "en", "glossary": "nope"}, 400, "unknown glossary"),
]


@pytest.mark.parametrize("name, body, status, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_translate_errors(server, name, body, status, message):
    got, answer, _ = call(server, "translate", body)
    assert got == status and message in answer["error"]


def test_malformed_json_and_oversized_body(server):
    assert call(server, "translate", raw=b"{not json")[:2] == (400, {"error": "Invalid JSON format"})
    assert call(server, "translate", raw=b"[1, 2]")[0] == 400
    status, answer, _ = call(server, "translate", raw=b'{"q": "' + b"a" * 70000 + b'"}')
    assert status == 413 and "too large" in answer["error"]


def test_concurrent_requests_share_a_batch(server):
    texts = [f"서울시는 {n}일 요금을 올린다고 밝혔다." for n in range(12)]
    answers: list = [None] * len(texts)

    def one(i):
        answers[i] = call(server, "translate", {"q": texts[i], "source": "ko", "target": "en", "report": True})

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(a is not None and a[0] == 200 for a in answers)
    assert max(a[1]["report"]["batch_shared"] for a in answers) > 1
    metrics = urllib.request.urlopen(server + "metrics", timeout=10).read().decode()
    shared = [line for line in metrics.splitlines() if line.startswith('bilingual_batcher_shared_batches{direction="ko-en"}')]
    assert shared and int(shared[0].split()[-1]) >= 1


def test_glossary_edit_lands_in_the_tsv(server, glossary_file):
    status, answer, _ = call(server, "v1/glossaries/names", {"action": "add", "korean": "홍길동", "english": "Hong Gil-dong", "kind": "person"})
    assert status == 200 and answer["term"]["english"] == "Hong Gil-dong"
    assert "홍길동\tHong Gil-dong" in glossary_file.read_text(encoding="utf-8")
    status, answer, _ = call(server, "translate", {"q": "홍길동이 왔다.", "source": "ko", "target": "en", "glossary": "names"})
    assert status == 200 and "Hong Gil-dong" in answer["translatedText"]
    assert call(server, "v1/glossaries/names", {"action": "add", "korean": "홍길동", "english": "Hong Gil-dong"})[0] == 400
    assert call(server, "v1/glossaries/names", {"action": "remove", "korean": "홍길동"})[0] == 200
    assert "홍길동" not in glossary_file.read_text(encoding="utf-8")


def test_api_keys_rate_limit_and_editor(tiny_marian_ko_en, glossary_file, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("# test keys\nsecret-key-one 2\nsecret-key-editor 100 editor\n", encoding="utf-8")
    proc, url, log = start(["-m", str(tiny_marian_ko_en), "--api-keys", str(keys), "-g", str(glossary_file), "--beams", "1", "--max-length", "8"], tmp_path)
    try:
        body = {"q": "서울", "source": "ko", "target": "en"}
        assert call(url, "translate", body)[0] == 400  # no key
        assert call(url, "translate", {**body, "api_key": "wrong-key-123"})[0] == 403
        assert call(url, "translate", {**body, "api_key": "secret-key-one"})[0] == 200
        assert call(url, "translate", {**body, "api_key": "secret-key-one"})[0] == 200
        status, answer, headers = call(url, "translate", {**body, "api_key": "secret-key-one"})
        assert status == 429 and int(headers["Retry-After"]) >= 1
        edit = {"action": "add", "korean": "임꺽정", "english": "Im Kkeok-jeong"}
        assert call(url, "v1/glossaries/names", {**edit, "api_key": "secret-key-one"})[0] == 403
        assert call(url, "v1/glossaries/names", {**edit, "api_key": "secret-key-editor"})[0] == 200
        assert call(url, "v1/glossaries/names", {"action": "remove", "korean": "임꺽정", "api_key": "secret-key-editor"})[0] == 200
    finally:
        stop(proc)
    assert "secret-key" not in log.read_text()


def test_translate_file_and_download(server):
    import requests

    article = "김문수 지사\n\n경기도 김문수 지사가 말했다.\n서울시는 요금을 올린다.\n".encode("utf-8")
    answer = requests.post(
        server + "translate_file", data={"source": "auto", "target": "en"},
        files={"file": ("story.ko.txt", article, "text/plain")}, timeout=60,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    url = answer.json()["translatedFileUrl"]
    download = requests.get(url, timeout=60)
    assert download.status_code == 200
    assert 'filename="story.ko.txt"' in download.headers["Content-Disposition"]
    text = download.content.decode("utf-8")
    assert text.count("\n") == article.decode().count("\n")  # lines in = lines out
    assert "Kim Moon-soo" in text and "김문수" not in text
    refused = requests.post(server + "translate_file", data={"source": "ko", "target": "en"},
                            files={"file": ("story.exe", b"MZ", "application/octet-stream")}, timeout=60)  # fmt: skip
    assert refused.status_code == 400 and "not supported" in refused.json()["error"]
    missing = requests.get(server + "download_file/nothing.txt", timeout=60)
    assert missing.status_code == 400 and missing.json() == {"error": "Invalid filename"}
