"""Shared fixtures: tiny random-weight checkpoints, built once per test session, and a test article.

Each checkpoint fixture returns the folder of a checkpoint written by
:mod:`bilingual.testing.tiny_model` in the layout of the real Hub model, so a
test loads it through the same ``from_pretrained`` path as a real model.
"""

from __future__ import annotations

from pathlib import Path

import pytest


KO_ARTICLE = """\
서울시, 내년부터 버스 요금 인상

김민수 기자

서울시는 25일 내년 1월부터 시내버스 요금을 200원 올린다고 밝혔다. 시는 적자가 커졌다고 설명했다.

요금 인상은 8년 만이다.

시민단체는 인상 폭이 지나치다고 비판했다. 일부 시의원도 반대 의견을 냈다.

서울 시내버스가 광화문 앞을 지나고 있다. (연합뉴스)

시는 저소득층 할인을 넓히겠다고 했다.

지하철 요금은 내년 하반기에 다시 논의한다.
"""


@pytest.fixture(scope="session")
def ko_article() -> str:
    """A short Korean news article written for the tests: headline, byline, five paragraphs
    (two of two sentences) and a photo caption, blocks separated by blank lines."""
    return KO_ARTICLE


@pytest.fixture(scope="session")
def tiny_marian_ko_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bilingual.testing.tiny_model import build_marian

    return build_marian(tmp_path_factory.mktemp("tiny-marian-ko-en"), source_lang="ko", target_lang="en")


@pytest.fixture(scope="session")
def tiny_marian_en_ko(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bilingual.testing.tiny_model import build_marian

    return build_marian(tmp_path_factory.mktemp("tiny-marian-en-ko"), source_lang="en", target_lang="ko")


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bilingual.testing.tiny_model import build_m2m100

    return build_m2m100(tmp_path_factory.mktemp("tiny-m2m100"))


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bilingual.testing.tiny_model import build_nllb

    return build_nllb(tmp_path_factory.mktemp("tiny-nllb"))
