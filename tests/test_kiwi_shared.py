"""Sentence splitting and the glossary share one kiwipiepy analyser per process."""

from __future__ import annotations

import kiwipiepy
import pytest

from bilingual.text import kiwi as kiwi_module
from bilingual.glossary import korean
from bilingual.translation.segmenting import split_sentences


@pytest.fixture
def counted(monkeypatch):
    """Count ``Kiwi`` constructions (and their keyword arguments) from a clean cache."""
    made: list[dict] = []
    real = kiwipiepy.Kiwi

    def counting(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(kiwipiepy, "Kiwi", counting)
    kiwi_module.kiwi.cache_clear()
    korean.kiwi_tokens.cache_clear()
    yield made
    kiwi_module.kiwi.cache_clear()
    korean.kiwi_tokens.cache_clear()


def test_segmentation_and_glossary_build_one_analyser(counted) -> None:
    parts = split_sentences("김문수 지사가 모스크바를 방문했다. 그는 로스텍과 협약을 맺었다.", "ko")
    assert [text for text, _ in parts] == ["김문수 지사가 모스크바를 방문했다.", "그는 로스텍과 협약을 맺었다."]
    assert [tag for _, _, tag in korean.kiwi_tokens("로스텍과")][-1] == "JC"
    assert korean.kiwi_boundary("김문수는", 3)
    assert len(counted) == 1
    assert counted[0].get("load_multi_dict") is False


def test_suggest_asks_for_the_multi_word_dictionary(counted) -> None:
    from bilingual.glossary.suggest import _analyse

    tokens = _analyse(["김문수 지사가 모스크바를 방문했다."])
    assert "김문수" in [t.form for t in tokens[0]]
    assert [kw.get("load_multi_dict") for kw in counted] == [True]
