"""A converted CTranslate2 folder on disk: checked, and described for the engine.

:func:`read_layout` reads what :func:`bilingual.engines.ctranslate2.convert.convert`
wrote (``model.bin``, the vocabulary, the SentencePiece files, ``bilingual.json``,
the checkpoint's ``tokenizer_config.json`` and ``generation_config.json``) and
says what is broken in one :class:`~bilingual.errors.ModelUnavailableError` line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bilingual.engines.ctranslate2.generation import GenerationSettings, read_generation_settings
from bilingual.errors import ModelUnavailableError

MODEL_FILE = "model.bin"
METADATA_FILE = "bilingual.json"  # written by bilingual.engines.ctranslate2.convert
DEFAULT_MAX_INPUT_TOKENS = 512
# Marian tokenizer_config language names seen on the Hub ("ko", "kor", "kor_Hang", ...)
LANG_ALIASES = {"ko": "ko", "kor": "ko", "kor_hang": "ko", "en": "en", "eng": "en", "eng_latn": "en"}

_CONVERT_HINT = "convert a transformers checkpoint with `bilingual models convert SRC OUT --quantization int8`"


def is_ctranslate2_model(path: str | Path) -> bool:
    """True when ``path`` is a folder holding CTranslate2's ``model.bin``."""
    return Path(path, MODEL_FILE).is_file()


@dataclass(frozen=True)
class ModelLayout:
    """What the engine needs to know about a converted folder."""

    architecture: str  # "marian" | "m2m100" | "nllb"
    source_spm: Path
    target_spm: Path
    vocabulary: tuple[str, ...]
    source_lang: str | None  # fixed direction of a Marian model, when known
    target_lang: str | None
    max_input_tokens: int
    forced_eos: bool  # transformers forces </s> as the last token at max length
    decoder_positions: int  # transformers never decodes past the decoder's position table
    generation: GenerationSettings = GenerationSettings()  # from generation_config.json


def read_layout(path: Path) -> ModelLayout:
    """Check a converted folder and describe it; ModelUnavailableError when broken."""
    if not path.is_dir():
        raise ModelUnavailableError(f"CTranslate2 model folder {path} does not exist; {_CONVERT_HINT}")
    model_bin = path / MODEL_FILE
    if not model_bin.is_file():
        raise ModelUnavailableError(f"{path} is not a CTranslate2 model folder (no {MODEL_FILE}); {_CONVERT_HINT}")
    metadata = _read_json(path / METADATA_FILE) if (path / METADATA_FILE).is_file() else {}
    if not isinstance(metadata, dict):
        raise ModelUnavailableError(f"{path / METADATA_FILE} is not a JSON object; convert the model again")
    expected_size = metadata.get("model_bin_bytes")
    if isinstance(expected_size, int) and model_bin.stat().st_size != expected_size:
        raise ModelUnavailableError(
            f"{model_bin} has {model_bin.stat().st_size} bytes but the conversion wrote {expected_size}: "
            "the folder is incomplete or corrupted; convert the model again"
        )
    if not (path / "config.json").is_file():
        raise ModelUnavailableError(f"CTranslate2 model folder {path} has no config.json; convert the model again")
    _read_json(path / "config.json")
    vocabulary = _read_vocabulary(path)

    if (path / "source.spm").is_file() or (path / "target.spm").is_file():
        architecture = "marian"
        source_spm, target_spm = path / "source.spm", path / "target.spm"
    elif (path / "sentencepiece.bpe.model").is_file():
        source_spm = target_spm = path / "sentencepiece.bpe.model"
        vocab_set = set(vocabulary)
        if "__en__" in vocab_set:
            architecture = "m2m100"
        elif "eng_Latn" in vocab_set:
            architecture = "nllb"
        else:
            raise ModelUnavailableError(
                f"{path}: sentencepiece.bpe.model found but the vocabulary has neither M2M100 (__en__) "
                "nor NLLB (eng_Latn) language tokens"
            )
    else:
        raise ModelUnavailableError(
            f"CTranslate2 model folder {path} has no SentencePiece files (source.spm/target.spm or "
            "sentencepiece.bpe.model); convert it with `bilingual models convert`, which copies them"
        )
    for spm_file in (source_spm, target_spm):
        if not spm_file.is_file():
            raise ModelUnavailableError(f"CTranslate2 model folder {path} has no {spm_file.name}; convert the model again")

    source_lang, target_lang = metadata.get("source_lang"), metadata.get("target_lang")
    tokenizer_config: dict = {}
    if (path / "tokenizer_config.json").is_file():
        loaded = _read_json(path / "tokenizer_config.json")
        tokenizer_config = loaded if isinstance(loaded, dict) else {}
    if architecture == "marian" and source_lang is None:
        source_lang = LANG_ALIASES.get(str(tokenizer_config.get("source_lang", "")).lower())
        target_lang = LANG_ALIASES.get(str(tokenizer_config.get("target_lang", "")).lower())
    generation = GenerationSettings()
    if (path / "generation_config.json").is_file():
        config = _read_json(path / "generation_config.json")
        if isinstance(config, dict):
            generation = read_generation_settings(config, _read_target_vocabulary(path, vocabulary))
    max_input = metadata.get("max_input_tokens") or tokenizer_config.get("model_max_length")
    if not isinstance(max_input, int) or not 0 < max_input < 1_000_000:
        max_input = DEFAULT_MAX_INPUT_TOKENS
    positions = metadata.get("decoder_positions")
    if not isinstance(positions, int) or not 0 < positions < 1_000_000:
        positions = max_input  # a folder converted without it: the encoder's limit, the same table in Marian
    return ModelLayout(
        architecture=architecture,
        source_spm=source_spm,
        target_spm=target_spm,
        vocabulary=vocabulary,
        source_lang=source_lang if architecture == "marian" else None,
        target_lang=target_lang if architecture == "marian" else None,
        max_input_tokens=max_input,
        forced_eos=bool(metadata.get("forced_eos", False)),
        decoder_positions=positions,
        generation=generation,
    )


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelUnavailableError(
            f"cannot read {path} ({exc.__class__.__name__}): the model folder is incomplete or corrupted; "
            "convert the model again"
        ) from None


def _read_vocabulary(path: Path) -> tuple[str, ...]:
    for name in ("shared_vocabulary.json", "source_vocabulary.json"):
        if (path / name).is_file():
            tokens = _read_json(path / name)
            if not isinstance(tokens, list) or not tokens or not all(isinstance(t, str) for t in tokens):
                raise ModelUnavailableError(f"{path / name} is not a list of tokens; convert the model again")
            return tuple(tokens)
    for name in ("shared_vocabulary.txt", "source_vocabulary.txt"):
        if (path / name).is_file():
            try:
                return tuple(path.joinpath(name).read_text(encoding="utf-8").splitlines())
            except (OSError, UnicodeDecodeError) as exc:
                raise ModelUnavailableError(f"cannot read {path / name} ({exc.__class__.__name__})") from None
    raise ModelUnavailableError(
        f"CTranslate2 model folder {path} has no vocabulary file (shared_vocabulary.json); convert the model again"
    )


def _read_target_vocabulary(path: Path, shared: tuple[str, ...]) -> tuple[str, ...]:
    """The target side's tokens by id: ``target_vocabulary.json`` when the folder has one, else ``shared``."""
    for name in ("target_vocabulary.json", "target_vocabulary.txt"):
        if (path / name).is_file():
            if name.endswith(".json"):
                tokens = _read_json(path / name)
                return tuple(tokens) if isinstance(tokens, list) else shared
            return tuple(path.joinpath(name).read_text(encoding="utf-8").splitlines())
    return shared
