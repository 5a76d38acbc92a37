"""Convert a transformers checkpoint (Marian, M2M100, NLLB) into a CTranslate2 folder.

Uses CTranslate2's own ``TransformersConverter``; the checkpoint's tokenizer files
are copied next to ``model.bin`` so the CTranslate2 engine tokenizes exactly as
transformers does, and ``bilingual.json`` records what the engine needs (direction,
input limit, the size of ``model.bin`` to detect a damaged copy).

The conversion writes into a hidden temporary folder beside ``out`` and renames it
into place only when complete, so an interrupted conversion never leaves a folder
that looks like a usable model.
"""

from __future__ import annotations

import json
from pathlib import Path

from bilingual.engines.ctranslate2.layout import LANG_ALIASES, METADATA_FILE, MODEL_FILE
from bilingual.errors import BilingualError, ConversionError, InputError, ModelUnavailableError
from bilingual.models.weights import LOAD_ERRORS, check_weights
from bilingual.outputs import check_outputs, replace_folder

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "bfloat16", "float32")
SUPPORTED_MODEL_TYPES = ("marian", "m2m_100")  # NLLB-200 checkpoints are model_type m2m_100

# Tokenizer and generation files copied into the converted folder when present.
# (The checkpoint's config.json is not copied: CTranslate2 writes its own.)
TOKENIZER_FILES = (
    "source.spm",
    "target.spm",
    "vocab.json",
    "target_vocab.json",
    "sentencepiece.bpe.model",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "generation_config.json",
)


def convert(
    src: str | Path,
    out: str | Path,
    quantization: str = "int8",
    *,
    revision: str | None = None,
    force: bool = False,
) -> Path:
    """Convert checkpoint ``src`` (a local folder, or a cached Hub id) into CTranslate2 folder ``out``.

    ``quantization`` is the weight type stored on disk (int8 for fast CPU use). An
    existing non-empty ``out`` is replaced only with ``force``. Returns ``out``.
    """
    if quantization not in QUANTIZATIONS:
        raise InputError(f"unknown quantization {quantization!r}; expected one of: {', '.join(QUANTIZATIONS)}")
    out = Path(out).expanduser()
    check_outputs([("SRC", Path(str(src)).expanduser())], folders=[("OUT", out)])  # even with --force
    if out.exists() and not out.is_dir():
        raise InputError(f"output {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(f"output folder {out} is not empty; pass --force to replace it")
    src_path = Path(str(src)).expanduser()
    if not src_path.is_dir():
        if src_path.exists():
            raise InputError(f"{src} is a file; pass the checkpoint folder (with config.json)")
        src_path = _hub_snapshot(str(src), revision)
    config = _local_config(src_path)
    check_weights(src_path, str(src))

    try:
        import ctranslate2
        import transformers  # noqa: F401  (the converter needs it)
    except ImportError as exc:
        raise ModelUnavailableError(f"conversion needs {exc.name}: pip install ctranslate2 transformers") from None

    def build(tmp: Path) -> None:
        converter = _converter_class(ctranslate2)(str(src_path), copy_files=_present_files(src_path))
        try:
            converter.convert(str(tmp), quantization=quantization, force=True)
        except (OSError, ValueError, KeyError, AttributeError, RuntimeError, TypeError, *LOAD_ERRORS) as exc:
            raise ConversionError(f"CTranslate2 could not convert {src}: {' '.join(str(exc).split())[:300]}") from None
        _write_metadata(tmp, src=str(src), revision=revision, quantization=quantization, config=config, ct2=ctranslate2)

    return replace_folder(out, build, what="OUT")  # built beside OUT, renamed into place when complete


def _hub_snapshot(model_id: str, revision: str | None) -> Path:
    """The local folder of a Hub checkpoint: cached, or downloaded if the Hub is reachable.

    Same rules as ``bilingual translate --model``: known models at their pinned
    revision, safetensors weights when the repository has them.
    """
    from bilingual.models.registry import locate

    return locate(model_id, revision=revision).path


def _local_config(path: Path) -> dict:
    config_file = path / "config.json"
    if not config_file.is_file():
        raise InputError(f"{path} is not a transformers checkpoint folder (no config.json)")
    config = _read_json(config_file)
    model_type = config.get("model_type")
    if model_type not in SUPPORTED_MODEL_TYPES:
        raise ConversionError(
            f"cannot convert model type {model_type!r} from {path}: supported are Marian (opus-mt) and "
            "M2M100/NLLB-200 checkpoints"
        )
    weights = [p for p in ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json") if (path / p).is_file()]
    if not weights:
        raise InputError(f"{path} has no weights (model.safetensors)")
    return config


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} is not a JSON object")
    return data


def _present_files(path: Path) -> list[str]:
    return [name for name in TOKENIZER_FILES if (path / name).is_file()]


def _converter_class(ctranslate2):
    """CTranslate2's converter, with the vocabulary fixed for transformers 5 tokenizers.

    transformers 5's ``M2M100Tokenizer.get_vocab()`` no longer lists the 100 language
    tokens, and ``special_tokens_map`` no longer carries ``additional_special_tokens``,
    so CTranslate2 4.x builds a vocabulary 100 tokens short of the model ("Source
    vocabulary 0 has size N but the model expected N+100"). The view below restores
    every token the tokenizer can name, by id, so the vocabulary matches the model.
    """

    class _Converter(ctranslate2.converters.TransformersConverter):
        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            if hasattr(tokenizer, "lang_code_to_id") or "Nllb" in type(tokenizer).__name__:
                return _CompleteVocabulary(tokenizer)
            return tokenizer

    return _Converter


class _CompleteVocabulary:
    """A tokenizer whose ``get_vocab()`` also lists added/language tokens (by id)."""

    def __init__(self, tokenizer) -> None:
        self._tokenizer = tokenizer

    def __getattr__(self, name):
        return getattr(self._tokenizer, name)

    def get_vocab(self) -> dict[str, int]:
        tok = self._tokenizer
        vocab = dict(tok.get_vocab())
        taken = set(vocab.values())
        size = len(tok)
        extra = {}
        if hasattr(tok, "lang_code_to_id"):  # M2M100: language ids follow the vocabulary
            for code, index in tok.lang_code_to_id.items():
                token = tok.convert_ids_to_tokens(index)
                if token not in vocab and index not in taken:
                    extra[token] = index
            size = max(size, max(tok.lang_code_to_id.values()) + 1)
        for index in range(size):
            if index in taken or index in extra.values():
                continue
            token = tok.convert_ids_to_tokens(index)
            if token is not None and token != tok.unk_token and token not in vocab and token not in extra:
                extra[token] = index
        vocab.update(extra)
        ids = sorted(vocab.values())
        if ids != list(range(len(ids))):
            gap = next(i for i, v in enumerate(ids) if v != i)
            raise ValueError(f"the tokenizer's vocabulary has no token for id {gap}")
        return vocab


def _write_metadata(folder: Path, *, src: str, revision: str | None, quantization: str, config: dict, ct2) -> None:
    import transformers

    model_type = config.get("model_type")
    tokenizer_config = {}
    if (folder / "tokenizer_config.json").is_file():
        tokenizer_config = _read_json(folder / "tokenizer_config.json")
    generation = {}
    if (folder / "generation_config.json").is_file():
        generation = _read_json(folder / "generation_config.json")
    architecture = {"marian": "marian", "m2m_100": "m2m100"}[model_type]
    if model_type == "m2m_100" and "Nllb" in str(tokenizer_config.get("tokenizer_class", "")):
        architecture = "nllb"
    source_lang = target_lang = None
    if model_type == "marian":
        source_lang = LANG_ALIASES.get(str(tokenizer_config.get("source_lang", "")).lower())
        target_lang = LANG_ALIASES.get(str(tokenizer_config.get("target_lang", "")).lower())
    max_input = tokenizer_config.get("model_max_length")
    positions = config.get("max_position_embeddings")
    if not isinstance(max_input, int) or max_input > 100_000:
        max_input = positions if isinstance(positions, int) else None
    elif isinstance(positions, int):
        max_input = min(max_input, positions)
    forced_eos = generation.get("forced_eos_token_id", config.get("forced_eos_token_id"))
    metadata = {
        "format": "bilingual-ctranslate2",
        "format_version": 1,
        "architecture": architecture,
        "converted_from": src,
        "revision": revision,
        "quantization": quantization,
        "source_lang": source_lang,
        "target_lang": target_lang,
        "max_input_tokens": max_input,
        "forced_eos": forced_eos is not None,
        "decoder_positions": positions if isinstance(positions, int) else None,
        "model_bin_bytes": (folder / MODEL_FILE).stat().st_size,
        "ctranslate2_version": ct2.__version__,
        "transformers_version": transformers.__version__,
    }
    (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
