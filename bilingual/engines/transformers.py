"""The transformers engine: Marian (OPUS-MT), M2M100 and NLLB-200 checkpoints.

Transformers 5 has no translation pipeline, so this calls the tokenizer and
``AutoModelForSeq2SeqLM.generate()`` directly. Language codes are set per
architecture: M2M100 uses ``ko``/``en``, NLLB ``kor_Hang``/``eng_Latn`` (the
tokenizer's ``src_lang`` plus ``forced_bos_token_id`` for the target);
multi-target Marian models get their ``>>xxx<<`` target token. Inputs are never
truncated: a segment longer than :meth:`max_input_tokens` is an error (the
pipeline splits such sentences first).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

from bilingual.engines.base import Engine, GenerationOptions, Translation
from bilingual.errors import EngineError, InputError, ModelUnavailableError
from bilingual.models.registry import LocatedModel, locate, warn_licence_once
from bilingual.models.weights import LOAD_ERRORS

M2M100_CODES = {"ko": "ko", "en": "en"}
NLLB_CODES = {"ko": "kor_Hang", "en": "eng_Latn"}
MARIAN_TARGET_TOKENS = {"ko": (">>kor<<", ">>kor_Hang<<"), "en": (">>eng<<",)}
DTYPES = {"float32": "float32", "float16": "float16", "bfloat16": "bfloat16", "auto": None, "default": None}


@dataclass(frozen=True)
class TransformersOptions:
    """The transformers engine takes no ``--engine-option``."""


def handles(model: str) -> bool:
    """Every model: a Hub id or a checkpoint folder (the engine asked last)."""
    return True


def load(
    model: str,
    *,
    source_lang: str,
    target_lang: str,
    device: str = "cpu",
    threads: int | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    options: TransformersOptions | None = None,
) -> TransformersEngine:
    """Load ``model`` (Hub id or folder) with transformers; see :func:`bilingual.engines.load_engine`."""
    if compute_type is not None and compute_type not in DTYPES:
        raise InputError(
            f"--compute-type {compute_type} is not supported by the transformers engine; "
            f"use one of: {', '.join(DTYPES)}"
        )
    located = locate(model, revision=revision)  # before importing torch: a missing model fails fast

    import torch

    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError("--device cuda was asked for but no CUDA device is available (this torch build is CPU-only or has no GPU)")
    if threads is not None:
        torch.set_num_threads(threads)
    return TransformersEngine(located, source_lang=source_lang, target_lang=target_lang, device=device, compute_type=compute_type)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(f"cannot read {path}: {exc}") from None


def architecture(folder: Path) -> str:
    """``marian``, ``m2m100`` or ``nllb`` from a checkpoint folder's config and tokenizer files."""
    config = _read_json(folder / "config.json")
    model_type = config.get("model_type", "")
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        tokenizer_config = _read_json(folder / "tokenizer_config.json")
        if "nllb" in str(tokenizer_config.get("tokenizer_class", "")).lower():
            return "nllb"
        return "m2m100"
    raise ModelUnavailableError(
        f"model {folder} is a {model_type or 'unknown'} model; the transformers engine runs Marian, M2M100 and NLLB"
    )


class TransformersEngine(Engine):
    """One loaded seq2seq translation model, for one direction."""

    name = "transformers"

    def __init__(
        self,
        located: LocatedModel,
        *,
        source_lang: str,
        target_lang: str,
        device: str = "cpu",
        compute_type: str | None = None,
    ) -> None:
        self.model_id = located.name
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.device = device
        self.path = located.path
        self.arch = architecture(located.path)
        config = _read_json(located.path / "config.json")
        if self.arch == "nllb":
            warn_licence_once(located.name, located.known, config={"tokenizer_class": "nllb"})
        else:
            warn_licence_once(located.name, located.known, config=config)
        self.tokenizer, self.model = self._load(located.path, compute_type)
        self._prefix = ""
        self.forced_bos_token_id: int | None = None
        if self.arch in ("m2m100", "nllb"):
            codes = NLLB_CODES if self.arch == "nllb" else M2M100_CODES
            self.tokenizer.src_lang = codes[source_lang]
            token = codes[target_lang] if self.arch == "nllb" else f"__{codes[target_lang]}__"
            token_id = self.tokenizer.convert_tokens_to_ids(token)
            if token_id is None or token_id == self.tokenizer.unk_token_id:
                raise ModelUnavailableError(f"model {self.model_id} has no language token {token}")
            self.forced_bos_token_id = int(token_id)
        else:
            self._prefix = self._marian_target_prefix(target_lang)
        self._special_count = len(self.tokenizer("", add_special_tokens=True)["input_ids"])

    def _load(self, folder: Path, compute_type: str | None):
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        dtype = DTYPES.get(compute_type or "default")
        bars_were_off = hf_logging.is_progress_bar_enabled() is False
        hf_logging.disable_progress_bar()
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
                tokenizer = AutoTokenizer.from_pretrained(folder, trust_remote_code=False)
                model = AutoModelForSeq2SeqLM.from_pretrained(
                    folder,
                    trust_remote_code=False,
                    use_safetensors=True if any(folder.glob("*.safetensors")) else None,
                    dtype=getattr(torch, dtype) if dtype else None,
                )
        except (OSError, ValueError, KeyError, TypeError, RuntimeError, *LOAD_ERRORS) as exc:
            text = " ".join(str(exc).split())[:200]
            raise ModelUnavailableError(f"model {self.model_id} could not be loaded from {folder}: {text}") from None
        finally:
            if not bars_were_off:
                hf_logging.enable_progress_bar()
        model.eval()
        if self.device != "cpu":
            model.to(self.device)
        return tokenizer, model

    def _marian_target_prefix(self, target_lang: str) -> str:
        """Multi-target OPUS-MT models need a ``>>xxx<<`` token in front of every source."""
        codes = getattr(self.tokenizer, "supported_language_codes", None) or []
        if not codes:
            return ""
        for token in MARIAN_TARGET_TOKENS[target_lang]:
            if token in codes:
                return token + " "
        return ""  # language tokens, but none for our target: a single-target model

    # Engine protocol -------------------------------------------------------

    def max_input_tokens(self) -> int:
        """Source tokens one segment may have, special tokens excluded."""
        limits = [int(getattr(self.model.config, "max_position_embeddings", 512) or 512)]
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        if isinstance(tokenizer_limit, int) and 0 < tokenizer_limit < 100_000:
            limits.append(tokenizer_limit)
        return min(limits) - self._special_count - (1 if self._prefix else 0)

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        # verbose=False: counting a text longer than the model's limit is the point, not a mistake
        encoded = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def _translate(self, texts: list[str], options: GenerationOptions) -> list[Translation]:
        import torch

        batch = self.tokenizer([self._prefix + t for t in texts], return_tensors="pt", padding=True)
        batch = {k: v.to(self.device) for k, v in batch.items()}
        # max_length/min_length count the decoder start token (and a forced language token)
        prefix = 1 + (1 if self.forced_bos_token_id is not None else 0)
        # never past the decoder's position table (Marian's is 512: 513 tokens would crash)
        positions = int(getattr(self.model.config, "max_position_embeddings", 0) or 0)
        max_length = prefix + options.max_length
        if positions:
            max_length = min(max_length, positions)
        kwargs: dict = {
            "num_beams": max(1, options.beams),
            "do_sample": False,
            "max_length": max_length,
        }
        if options.min_length > 0:
            kwargs["min_length"] = prefix + options.min_length
        if self.forced_bos_token_id is not None:
            kwargs["forced_bos_token_id"] = self.forced_bos_token_id
        try:
            with torch.inference_mode():
                generated = self.model.generate(**batch, **kwargs)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"generation failed in {self.model_id}: {' '.join(str(exc).split())[:200]}") from None
        rows = generated.tolist()
        if self.forced_bos_token_id is not None:
            rows = [[t for t in row if t != self.forced_bos_token_id] for row in rows]
        outputs = self.tokenizer.batch_decode(rows, skip_special_tokens=True)
        return [Translation(" ".join(o.split())) for o in outputs]
