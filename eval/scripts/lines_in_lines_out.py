"""Lines in = lines out: NTREX-128 and FLORES-200 devtest, one sentence a line, both sides,
through ``bilingual translate`` with tiny random-weight models.

Writes each side of each shipped corpus as a ``.txt`` file with one segment a
line, translates it with the CLI (greedy, 4 target tokens a segment: only the
line structure is measured), and prints lines in, lines out, and segments the
pipeline translated. Usage::

    python eval/scripts/lines_in_lines_out.py [--bilingual .venv/bin/bilingual]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from bilingual.corpus.folder import load_corpus
from bilingual.testing.tiny_model import build_marian

CORPORA = ("ntrex128", "flores200-devtest")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bilingual", default="bilingual", help="the CLI to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        models = {
            ("ko", "en"): build_marian(root / "ko-en", source_lang="ko", target_lang="en"),
            ("en", "ko"): build_marian(root / "en-ko", source_lang="en", target_lang="ko"),
        }
        print("| corpus | from | lines in | lines out | segments |")
        print("|---|---|---:|---:|---:|")
        ok = True
        for name in CORPORA:
            corpus = load_corpus(name)
            for source, target in models:
                lines = corpus.side(source)
                src = root / f"{name}.{source}.txt"
                src.write_text("\n".join(lines) + "\n", encoding="utf-8")
                out, report = root / f"{name}.{target}.txt", root / f"{name}.{source}.json"
                subprocess.run(
                    [args.bilingual, "translate", str(src), "--from", source, "--to", target,
                     "--model", str(models[source, target]), "--beams", "1", "--max-length", "4",
                     "-q", "-o", str(out), "--report", str(report)],
                    check=True,
                )
                n_out = len(out.read_text(encoding="utf-8").splitlines())
                segments = json.loads(report.read_text(encoding="utf-8"))["summary"]["segments"]
                ok &= n_out == len(lines)
                print(f"| {name} | {source} | {len(lines)} | {n_out} | {segments} |", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
