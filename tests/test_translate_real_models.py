"""Real pretrained models (slow; skipped unless the model is in the local Hugging Face cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual.models.registry import DEFAULT_MODELS, KNOWN_MODELS, cached_snapshot

pytestmark = pytest.mark.slow

SEED = Path(__file__).resolve().parents[1] / "corpora/seed/articles"


def cached_or_skip(repo: str) -> None:
    if cached_snapshot(repo, revision=KNOWN_MODELS[repo].revision) is None:
        pytest.skip(f"{repo} is not in the local Hugging Face cache")


@pytest.mark.parametrize(("source_lang", "target_lang"), [("ko", "en"), ("en", "ko")])
def test_default_model_translates_the_seed_article(source_lang, target_lang):
    from bilingual.formats import read_inputs, render
    from bilingual.text.language import script_counts
    from bilingual.translation.pipeline import Translator

    repo = DEFAULT_MODELS[(source_lang, target_lang)]
    cached_or_skip(repo)
    [source] = sorted(SEED.glob(f"*.{source_lang}.txt"))
    [doc] = read_inputs(source)
    translator = Translator.from_pretrained(source_lang=source_lang, target_lang=target_lang)
    result = translator.translate_documents([doc])
    assert all(s.output for s in result.segments)
    hangul, latin = script_counts(render(doc))
    if target_lang == "en":
        assert latin > 10 * hangul
    else:
        assert hangul > latin


def test_default_ko_en_model_gets_a_simple_sentence_right():
    from bilingual.translation.pipeline import Translator

    repo = DEFAULT_MODELS[("ko", "en")]
    cached_or_skip(repo)
    [out] = Translator.from_pretrained().translate_texts(["서울은 한국의 수도이다."])
    assert "Seoul" in out and "capital" in out.lower()
