"""Translation engines behind one protocol (see :mod:`bilingual.engines.base`).

Each engine lives in its own module, imported only when used, exposing
``load(model, *, source_lang, target_lang, device, threads, revision,
compute_type) -> Engine``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path

from bilingual.engines.base import Engine, GenerationOptions
from bilingual.errors import EngineError, InputError
from bilingual.text.language import check_direction

__all__ = ["ENGINES", "Engine", "GenerationOptions", "detect_engine", "load_engine"]

ENGINES: dict[str, str] = {
    "transformers": "bilingual.engines.transformers",
    "ctranslate2": "bilingual.engines.ctranslate2.engine",
    "llama-cpp": "bilingual.engines.llama_cpp",
}

def detect_engine(model: str) -> str:
    """Which engine serves ``model``: a CTranslate2 folder (``model.bin``), a GGUF
    file or a model the llama-cpp engine claims, otherwise transformers."""
    path = Path(model).expanduser()
    if path.is_dir() and (path / "model.bin").is_file():
        return "ctranslate2"
    if path.suffix.lower() == ".gguf":
        return "llama-cpp"
    if _llama_cpp_handles(model):
        return "llama-cpp"
    return "transformers"


def _llama_cpp_handles(model: str) -> bool:
    try:
        module = importlib.import_module(ENGINES["llama-cpp"])
    except ModuleNotFoundError as exc:
        if exc.name == ENGINES["llama-cpp"]:  # engine not written yet
            return False
        raise
    handles = getattr(module, "handles", None)
    return bool(handles and handles(model))


def load_engine(
    model: str,
    *,
    source_lang: str,
    target_lang: str,
    engine: str | None = None,
    device: str = "cpu",
    threads: int | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    engine_options: Mapping[str, str] | None = None,
) -> Engine:
    """Load ``model`` for ``source_lang`` -> ``target_lang`` with the named (or detected) engine."""
    check_direction(source_lang, target_lang)
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise InputError(f"unknown device {device!r}; use cpu or cuda")
    if threads is not None and threads < 1:
        raise InputError(f"--threads must be at least 1 (got {threads})")
    name = engine or detect_engine(model)
    if engine_options:
        raise InputError(f"the {name} engine takes no --engine-option (got {', '.join(sorted(engine_options))})")
    if name not in ENGINES:
        raise InputError(f"unknown engine {name!r}; use one of: {', '.join(ENGINES)}")
    try:
        module = importlib.import_module(ENGINES[name])
    except ModuleNotFoundError as exc:
        if exc.name == ENGINES[name]:
            raise EngineError(f"the {name} engine is not available in this installation") from None
        raise
    return module.load(
        model,
        source_lang=source_lang,
        target_lang=target_lang,
        device=device,
        threads=threads,
        revision=revision,
        compute_type=compute_type,
    )
