"""Shared fixtures: tiny random-weight checkpoints, built once per test session.

Each fixture returns the folder of a checkpoint written by
:mod:`bilingual.testing.tiny_model` in the layout of the real Hub model, so a
test loads it through the same ``from_pretrained`` path as a real model.
"""

from __future__ import annotations

from pathlib import Path

import pytest


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
