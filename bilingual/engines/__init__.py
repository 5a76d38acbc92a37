"""Translation engines behind one contract (:mod:`bilingual.engines.base`), listed in
:mod:`bilingual.engines.registry` and each imported only when used."""

from __future__ import annotations

from bilingual.engines.base import Engine, EngineNote, GenerationOptions, Translation
from bilingual.engines.registry import ENGINE_NAMES, ENGINES, EngineSpec, detect_engine, engine_spec, load_engine

__all__ = [
    "ENGINES",
    "ENGINE_NAMES",
    "Engine",
    "EngineNote",
    "EngineSpec",
    "GenerationOptions",
    "Translation",
    "detect_engine",
    "engine_spec",
    "load_engine",
]
