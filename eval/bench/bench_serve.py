"""Serving benchmark: `bilingual serve` with and without cross-request batching, against the batch CLI.

A tc-big-sized CTranslate2 int8 model (random weights, the dimensions of
Helsinki-NLP/opus-mt-tc-big-ko-en: built once by ``eval/bench/translate.py``'s
``ensure_models`` into ``eval/models/bench``) serves Korean->English. The
client sends real NTREX-128 Korean articles (``corpora/ntrex128/articles``, one
sentence per line, each article a different one so that nothing is translated
twice) to ``POST /v1/articles``, one article per request, from 1, 4, 16 and 64
concurrent clients (threads, each with its own keep-alive connection), first
in three modes on the same engine and options:

- ``cross``: cross-request batching (``bilingual serve``'s default);
- ``one-at-a-time``: ``--no-cross-batching``, one request at a time, all of a
  request's sentences batched together, longest first;
- ``libretranslate``: LibreTranslate's design. LibreTranslate 1.9.6 hands each
  ``q`` to argostranslate 1.11.0, whose ``PackageTranslation.hypotheses``
  splits the text at every ``\n`` and makes one ``translate_batch`` call per
  line (that line's sentences), on a CTranslate2 translator with
  ``inter_threads=1`` (so calls from concurrent requests run one at a time).
  Here: ``--no-cross-batching`` with the pipeline's engine calls cut the same
  way, one call per source line (:func:`per_line_calls`); everything else
  (segmenting, glossary, report) is bilingual's own. The bench checks that the
  engine was called once per line.

Then the same articles go through the batch CLI's in-process pipeline
(:class:`~bilingual.translation.pipeline.Translator` over all of them at once,
as ``bilingual translate FOLDER`` does).

Random weights make output lengths arbitrary, so the output length is forced
(``translate.py``'s ``ForcedLength``): every engine batch decodes exactly the
longest reference length among its segments (the NTREX English original in
target SentencePiece tokens; a segment the pipeline cut differently gets its
source length times the corpus ratio). The server runs the real ``bilingual
serve`` command line, in a child process of this script that wraps the loaded
engine in ``ForcedLength`` before the CLI starts.

Figures per client count and mode: requests/s, segments/s, target tokens/s
(each article's reference tokens: what a real translation produces), p50/p95
request latency, engine calls; and the batch CLI's target tokens/s on the same
articles. All the modes' servers are up from the start and the cells take
turns (``--repeat N`` runs each cell and the batch CLI N times, rotating the
order of the modes), so that a change in the machine's load falls on every mode
alike; the summary gives each cell's median and the median of the ratios
measured in the same round.

Usage::

    python eval/bench/bench_serve.py                        # 64 articles, greedy
    python eval/bench/bench_serve.py --clients 1 16 --beams 4 --out eval/bench/results/serve.json
    python eval/bench/bench_serve.py --clients 16 --units article --repeat 5 --out eval/bench/results/bench-serve-16x5.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from translate import SIZES, ForcedLength, ensure_models  # noqa: E402

ROOT = HERE.parents[1]
ARTICLES = ROOT / "corpora" / "ntrex128" / "articles"
GLOSSARY = ROOT / "glossaries" / "ntrex128.tsv"


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------
def load_articles(limit: int) -> list[tuple[str, str, list[str], list[str]]]:
    """(id, Korean text, Korean lines, English lines) of the first ``limit`` NTREX articles by id."""
    out = []
    for ko_path in sorted(ARTICLES.glob("*.ko.txt")):
        en_path = ko_path.with_name(ko_path.name[: -len(".ko.txt")] + ".en.txt")
        text = ko_path.read_text(encoding="utf-8")
        ko = [line.strip() for line in text.splitlines() if line.strip()]
        en = [line.strip() for line in en_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if len(ko) != len(en):
            continue
        out.append((ko_path.name[: -len(".ko.txt")], text, ko, en))
        if len(out) >= limit:
            break
    return out


def reference_lengths(model_dir: Path, articles) -> tuple[dict[str, int], float, list[int]]:
    """({Korean line: English reference tokens}, target/source token ratio, reference tokens per article)."""
    import sentencepiece as spm

    target = spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))
    source = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
    lengths: dict[str, int] = {}
    per_article = []
    source_tokens = 0
    for _, _, ko, en in articles:
        total = 0
        for k, e in zip(ko, en):
            n = len(target.encode(e))
            lengths[k] = n
            total += n
            source_tokens += len(source.encode(k)) + 1
        per_article.append(total)
    return lengths, sum(per_article) / max(1, source_tokens), per_article


# --------------------------------------------------------------------------------------
# the server child: the real CLI with the loaded engine wrapped
# --------------------------------------------------------------------------------------
MODES = ("cross", "one-at-a-time", "libretranslate")


def per_line_calls() -> None:
    """Make every :class:`~bilingual.translation.pipeline.Translator` call its engine once per source
    line, as argostranslate does (``split_into_paragraphs`` is ``text.split("\\n")``, then one
    ``translate_batch`` per paragraph): a line's segments are one call, the next line's the next."""
    from bilingual.translation.pipeline import Translator

    def translate_pending(self, pending, *, progress=None):
        lines: list[list[int]] = []
        current: list[int] = []
        last = None
        for k, (d, b, _, segment) in enumerate(pending.slots):
            if current and (d, b) != last:
                lines.append(current)
                current = []
            current.append(k)
            last = (d, b)
            if "\n" in segment.trailing:
                lines.append(current)
                current = []
        if current:
            lines.append(current)
        for line in lines:
            for finished in self._unit_batches([pending.units[k] for k in line], progress):
                yield [line[i] for i in finished]

    Translator.translate_pending = translate_pending


def serve_child(lengths_file: str, cli_args: list[str], *, per_line: bool = False) -> None:
    import bilingual.engines as engines

    if per_line:
        per_line_calls()

    data = json.loads(Path(lengths_file).read_text(encoding="utf-8"))
    real_load = engines.load_engine

    def load_forced(*args, **kwargs):
        return ForcedLength(real_load(*args, **kwargs), data["lengths"], data["ratio"])

    engines.load_engine = load_forced  # Service imports it from bilingual.engines when it loads
    sys.argv = ["bilingual", "serve", *cli_args]
    from bilingual.cli.app import main

    main()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, args: list[str], lengths_file: Path, log: Path, *, per_line: bool = False) -> None:
        self.port = free_port()
        self.log = log
        child = ["--serve-child", str(lengths_file), *(["--per-line"] if per_line else [])]
        self.proc = subprocess.Popen(
            [sys.executable, __file__, *child, "--", "--port", str(self.port), *args],
            stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited {self.proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                status, _ = request(self.port, "GET", "/health", None, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.proc.kill()
        raise SystemExit("the server did not answer /health within 300 s")

    def metrics(self) -> dict[str, float]:
        _, body = request(self.port, "GET", "/metrics", None)
        out = {}
        for line in body.decode().splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    def engine_calls(self) -> int:
        """Engine batches run so far, all directions."""
        return int(sum(v for k, v in self.metrics().items() if k.startswith("bilingual_batcher_batches{")))

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def request(port: int, method: str, path: str, body: dict | None, *, timeout: float = 600, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


# --------------------------------------------------------------------------------------
# one cell: N clients, closed loop
# --------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_cell(port: int, work: list[tuple[str, dict, int]], clients: int) -> dict:
    """``clients`` threads share ``work`` ((path, body, reference tokens) each sent once) as fast as answered."""
    lock = threading.Lock()
    todo = list(range(len(work)))
    latencies: list[float] = []
    segments = 0
    done_tokens = 0
    failures: list[str] = []

    def client() -> None:
        nonlocal segments, done_tokens
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    i = todo.pop(0)
                path, body, tokens = work[i]
                start = time.perf_counter()
                status, raw = request(port, "POST", path, body, conn=conn)
                took = time.perf_counter() - start
                with lock:
                    if status != 200:
                        failures.append(f"{status} {raw[:200]!r}")
                        continue
                    latencies.append(took)
                    report = json.loads(raw)["report"]
                    segments += (report[0] if isinstance(report, list) else report)["summary"]["segments"]
                    done_tokens += tokens
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {
        "clients": clients,
        "requests": len(latencies),
        "failures": failures,
        "seconds": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall, 3),
        "segments_per_s": round(segments / wall, 2),
        "tokens_per_s": round(done_tokens / wall, 1),
        "p50_s": round(percentile(latencies, 0.5), 2),
        "p95_s": round(percentile(latencies, 0.95), 2),
    }


# --------------------------------------------------------------------------------------
# the batch CLI's pipeline on the same articles
# --------------------------------------------------------------------------------------
def run_cli(model: Path, articles, tokens: list[int], lengths, ratio, args) -> dict:
    """What ``bilingual translate FOLDER -g GLOSSARY -o OUT`` does with the same engine and options, engine
    load excluded, in a child process (so that its model is gone before the servers start)."""
    cfg = {"model": str(model), "articles": len(articles), "beams": args.beams, "batch_size": args.batch_size,
           "threads": args.threads, "glossary": not args.no_glossary}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        lengths_file = Path(tmp) / "lengths.json"
        lengths_file.write_text(json.dumps({"lengths": lengths, "ratio": ratio}), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, __file__, "--cli-child", json.dumps(cfg), "--lengths", str(lengths_file)],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"the batch CLI run failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["tokens_per_s"] = round(sum(tokens[: len(articles)]) / result["seconds"], 1)
    return result


def cli_child(cfg: dict, lengths_file: str) -> dict:
    from bilingual.engines import load_engine
    from bilingual.engines.base import GenerationOptions
    from bilingual.formats import read_inputs, write_outputs
    from bilingual.glossary import load_glossaries
    from bilingual.glossary.enforce import Enforcer
    from bilingual.translation.pipeline import Translator

    data = json.loads(Path(lengths_file).read_text(encoding="utf-8"))
    engine = load_engine(cfg["model"], engine="ctranslate2", source_lang="ko", target_lang="en",
                         threads=cfg["threads"], compute_type="int8")  # fmt: skip
    wrapped = ForcedLength(engine, data["lengths"], data["ratio"])
    options = GenerationOptions(beams=cfg["beams"], batch_size=cfg["batch_size"])
    engine.translate_batch(["워밍업 문장이다."], GenerationOptions(beams=cfg["beams"], min_length=4, max_length=4))
    articles = load_articles(cfg["articles"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for name, text, _, _ in articles:
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        enforcer = Enforcer(load_glossaries([GLOSSARY]), "ko", "en") if cfg["glossary"] else None
        docs = read_inputs(folder)
        translated = Translator(wrapped, enforcer=enforcer, options=options).translate_documents(docs)
        write_outputs(translated.documents, Path(tmp) / "out")
        seconds = time.perf_counter() - start
    return {
        "articles": len(articles), "segments": wrapped.segments, "batches": wrapped.calls,
        "seconds": round(seconds, 2), "engine_seconds": round(wrapped.seconds, 2),
        "segments_per_s": round(wrapped.segments / seconds, 2),
    }  # fmt: skip


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------
def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve-child"]:
        per_line = argv[2:3] == ["--per-line"]
        rest = argv[3:] if per_line else argv[2:]
        serve_child(argv[1], rest[1:] if rest[:1] == ["--"] else rest, per_line=per_line)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", nargs="+", type=int, default=[1, 4, 16, 64])
    parser.add_argument("--articles", type=int, default=64, help="distinct NTREX articles (at least the most clients)")
    parser.add_argument("--min-requests", type=int, default=8, help="articles: at least this many requests a cell")
    parser.add_argument("--units", nargs="+", default=["article", "sentence"], choices=["article", "sentence"],
                        help="one request = one article (/v1/articles) or one sentence (/translate)")
    parser.add_argument("--sentences-per-client", type=int, default=4, help="sentences: requests a cell per client")
    parser.add_argument("--min-sentences", type=int, default=32, help="sentences: at least this many requests a cell")
    parser.add_argument("--beams", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--batch-wait-ms", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=2, help="CTranslate2 threads (server and CLI alike)")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--no-glossary", action="store_true", help="without glossaries/ntrex128.tsv")
    parser.add_argument("--no-cli", action="store_true", help="skip the batch CLI run")
    parser.add_argument("--repeat", type=int, default=1, help="run every cell (and the batch CLI) this many times, "
                        "the modes taking turns; the summary gives medians")  # fmt: skip
    parser.add_argument("--out", type=Path, default=HERE / "results" / "bench-serve.json")
    parser.add_argument("--cli-child", help=argparse.SUPPRESS)
    parser.add_argument("--lengths", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cli_child:
        print(json.dumps(cli_child(json.loads(args.cli_child), args.lengths)))
        return 0

    paths = ensure_models(SIZES["tc-big"])
    model = paths["ct2-int8"]
    articles = load_articles(max(args.articles, max(args.clients)))
    lengths, ratio, tokens = reference_lengths(paths["transformers"], articles)
    lines = list(dict.fromkeys(line for article in articles for line in article[2]))

    def work(unit: str, clients: int) -> list[tuple[str, dict, int]]:
        if unit == "article":
            n = min(len(articles), max(clients, -(-args.min_requests // clients) * clients))
            return [("/v1/articles", {"text": articles[i][1], "format": "txt", "source": "ko", "target": "en"}, tokens[i])
                    for i in range(n)]  # fmt: skip
        n = min(len(lines), max(args.min_sentences, args.sentences_per_client * clients))
        return [("/translate", {"q": line, "source": "ko", "target": "en", "report": True}, lengths[line]) for line in lines[:n]]

    used = max(len(work("article", c)) for c in args.clients)
    results: dict = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": f"random-weight tc-big ({SIZES['tc-big'].reference} dimensions), CTranslate2 int8, forced lengths",
        "options": {k: v for k, v in vars(args).items() if k not in ("out", "cli_child", "lengths")},
        "cores": os.cpu_count(),
        "articles": len(articles),
        "modes": {},
    }
    print(f"{len(articles)} NTREX articles, {sum(len(a[2]) for a in articles)} lines, "
          f"{sum(tokens)} reference tokens; load {load()}", file=sys.stderr, flush=True)  # fmt: skip

    def cli_run() -> dict:
        before = load()
        cli = run_cli(model, articles[:used], tokens, lengths, ratio, args)
        cli["load_before"], cli["load_after"] = before, load()
        print(f"batch CLI, {cli['articles']} articles: {cli['tokens_per_s']} tok/s, {cli['segments_per_s']} seg/s "
              f"({cli['seconds']} s; load {before} -> {cli['load_after']})", file=sys.stderr, flush=True)  # fmt: skip
        return cli

    cli_runs: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        lengths_file = Path(tmp) / "lengths.json"
        lengths_file.write_text(json.dumps({"lengths": lengths, "ratio": ratio}), encoding="utf-8")
        servers: dict[str, Server] = {}
        try:
            # every mode's server is up (idle) from the start, and the cells take turns, so that a change in the
            # machine's load falls on every mode alike
            for mode in args.modes:
                serve_args = [
                    "-m", str(model), "--engine", "ctranslate2", "--compute-type", "int8", "--threads", str(args.threads),
                    "--beams", str(args.beams), "--batch-size", str(args.batch_size),
                    "--batch-wait-ms", str(args.batch_wait_ms), "--log-level", "warning",
                    *([] if args.no_glossary else ["-g", str(GLOSSARY)]),
                    "--cross-batching" if mode == "cross" else "--no-cross-batching",
                ]  # fmt: skip
                servers[mode] = Server(serve_args, lengths_file, Path(tmp) / f"serve-{mode}.log", per_line=mode == "libretranslate")
                request(servers[mode].port, "POST", "/v1/articles", {"text": "워밍업 문장이다.", "source": "ko", "target": "en"})
                results["modes"][mode] = {"cells": []}
            for rep in range(args.repeat):
                if not args.no_cli:
                    cli_runs.append(cli_run())
                for unit, clients in [(u, c) for u in args.units for c in args.clients]:
                    order = args.modes[rep % len(args.modes):] + args.modes[: rep % len(args.modes)]
                    for mode in order:
                        # a one-line request is one engine call in LibreTranslate's design too: its sentence
                        # cells are the one-at-a-time ones
                        if mode == "libretranslate" and unit != "article":
                            continue
                        server = servers[mode]
                        before = load()
                        cell_work = work(unit, clients)
                        calls_before = server.engine_calls()
                        cell = {"unit": unit, "repeat": rep, **run_cell(server.port, cell_work, clients)}
                        cell["engine_calls"] = server.engine_calls() - calls_before
                        cell["lines"] = sum(len([line for line in body.get("text", body.get("q", "")).split("\n") if line.strip()])
                                            for _, body, _ in cell_work)  # fmt: skip
                        if mode == "libretranslate" and cell["engine_calls"] < cell["lines"]:
                            raise SystemExit(f"libretranslate mode: {cell['engine_calls']} engine calls for {cell['lines']} lines")
                        cell["load_before"], cell["load_after"] = before, load()
                        results["modes"][mode]["cells"].append(cell)
                        print(f"{mode:14} {unit:8} {clients:3} clients: {cell['requests_per_s']:6.3f} req/s {cell['segments_per_s']:7.2f} "
                              f"seg/s {cell['tokens_per_s']:7.1f} tok/s  p50 {cell['p50_s']:6.2f} s p95 {cell['p95_s']:6.2f} s"
                              f"  ({cell['requests']} requests, {cell['engine_calls']} engine calls, {cell['seconds']} s; "
                              f"load {before} -> {cell['load_after']})"
                              + (f" FAILED {len(cell['failures'])}: {cell['failures'][:2]}" if cell["failures"] else ""),
                              file=sys.stderr, flush=True)  # fmt: skip
            for mode, server in servers.items():
                results["modes"][mode]["batcher"] = {
                    k.split("{")[0].removeprefix("bilingual_batcher_"): v for k, v in server.metrics().items()
                    if k.startswith("bilingual_batcher_")
                }  # fmt: skip
        finally:
            for mode, server in servers.items():
                results["modes"].setdefault(mode, {})["exit_status"] = server.stop()
    if cli_runs:
        results["batch_cli_runs"] = cli_runs
        results["batch_cli"] = {"tokens_per_s": statistics.median(r["tokens_per_s"] for r in cli_runs)}

    # per cell: the median over the repetitions of tokens/s, and of cross-request batching's ratio to each
    # other mode measured in the same repetition
    summary = {}
    cells = {(mode, c["unit"], c["clients"], c["repeat"]): c for mode, m in results["modes"].items() for c in m.get("cells", [])}
    for unit, clients in [(u, c) for u in args.units for c in args.clients]:
        row: dict = {}
        for mode in args.modes:
            runs = [cells[(mode, unit, clients, r)]["tokens_per_s"] for r in range(args.repeat) if (mode, unit, clients, r) in cells]
            if runs:
                row[f"{mode}_tokens_per_s"] = statistics.median(runs)
        if "cross" in args.modes:
            for other in ("one-at-a-time", "libretranslate"):
                base_mode = other if unit == "article" else "one-at-a-time"
                ratios = [cells[("cross", unit, clients, r)]["tokens_per_s"] / cells[(base_mode, unit, clients, r)]["tokens_per_s"]
                          for r in range(args.repeat) if ("cross", unit, clients, r) in cells
                          and (base_mode, unit, clients, r) in cells]  # fmt: skip
                if ratios:
                    row[f"vs_{other.replace('-', '_')}"] = round(statistics.median(ratios), 2)
                    row[f"vs_{other.replace('-', '_')}_each"] = [round(x, 2) for x in ratios]
            if cli_runs:
                ratios = [cells[("cross", unit, clients, r)]["tokens_per_s"] / cli_runs[r]["tokens_per_s"]
                          for r in range(args.repeat) if ("cross", unit, clients, r) in cells]  # fmt: skip
                row["vs_batch_cli"] = round(statistics.median(ratios), 2)
                row["vs_batch_cli_each"] = [round(x, 2) for x in ratios]
        summary[f"{unit}/{clients}"] = row
        print(f"{unit:8} {clients:3} clients: {json.dumps(row)}", file=sys.stderr)
    results["summary"] = summary
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    results["load_at_end"] = load()
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}", file=sys.stderr)
    from bilingual.outputs import write_atomic

    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(args.out, json.dumps(results, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
