"""Known translation models, pinned in one table, and finding a model on disk.

``--model`` takes a Hugging Face Hub id or a local folder. A Hub id is looked up
in the local Hugging Face cache first; only when it is not there is the Hub
asked, and a model that is neither cached nor reachable raises
:class:`~bilingual.errors.ModelUnavailableError` naming the model and saying
how to pass a folder instead. Code from a model repository is never run
(``trust_remote_code`` stays off) and safetensors weights are preferred.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from bilingual.errors import LicenceWarning, ModelUnavailableError
from bilingual.models.weights import check_weights
from bilingual.text.language import LANGUAGES



@dataclass(frozen=True)
class KnownModel:
    """A pretrained checkpoint the project has used, pinned to one Hub revision."""

    repo: str
    revision: str | None  # a commit id; None when no pin is known (then the Hub's "main")
    arch: str  # marian | m2m100 | nllb
    directions: tuple[tuple[str, str], ...]
    licence: str
    commercial_use: bool
    note: str = ""


# Every known model in one place; the defaults below pick from it.
KNOWN_MODELS: dict[str, KnownModel] = {
    m.repo: m
    for m in (
        KnownModel(
            "Helsinki-NLP/opus-mt-tc-big-ko-en",
            "fa26583a41d95346933f26b4cb8f9b700da0d445",
            "marian",
            (("ko", "en"),),
            "CC-BY-4.0",
            True,
            "OPUS-MT transformer-big, Korean to English (default)",
        ),
        KnownModel(
            "Helsinki-NLP/opus-mt-tc-big-en-ko",
            "ae8606b7b29a495f31ce679cee2007f536a3a5ce",
            "marian",
            (("en", "ko"),),
            "CC-BY-4.0",
            True,
            "OPUS-MT transformer-big, English to Korean (default)",
        ),
        KnownModel(
            "facebook/m2m100_418M",
            "55c2e61bbf05dfb8d7abccdc3fae6fc8512fd636",
            "m2m100",
            (("ko", "en"), ("en", "ko")),
            "MIT",
            True,
            "multilingual, both directions",
        ),
        KnownModel(
            "facebook/nllb-200-distilled-600M",
            "f8d333a098d19b4fd9a8b18f94170487ad3f821d",
            "nllb",
            (("ko", "en"), ("en", "ko")),
            "CC-BY-NC-4.0",
            False,
            "multilingual, both directions; non-commercial licence",
        ),
    )
}

DEFAULT_MODELS: dict[tuple[str, str], str] = {
    ("ko", "en"): "Helsinki-NLP/opus-mt-tc-big-ko-en",
    ("en", "ko"): "Helsinki-NLP/opus-mt-tc-big-en-ko",
}

# Files a transformers checkpoint needs; weights are chosen separately.
_CHECKPOINT_FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "vocab.json",
    "target_vocab.json",
    "source.spm",
    "target.spm",
    "sentencepiece.bpe.model",
    "*.model",
)

_NON_COMMERCIAL_WARNED: set[str] = set()


@dataclass(frozen=True)
class LocatedModel:
    """Where a model's files are, and what is known about it."""

    name: str  # what the user asked for (Hub id or folder)
    path: Path  # a local folder holding config.json and the weights
    revision: str | None
    known: KnownModel | None


def default_model(source_lang: str, target_lang: str) -> str:
    try:
        return DEFAULT_MODELS[(source_lang, target_lang)]
    except KeyError:
        raise ModelUnavailableError(
            f"no default model for {source_lang}->{target_lang}; languages are {', '.join(LANGUAGES)}"
        ) from None


def known_model(name: str) -> KnownModel | None:
    return KNOWN_MODELS.get(name)


def licence_warning(name: str, known: KnownModel | None = None, *, config: dict | None = None) -> str | None:
    """A one-line warning when ``name`` is under a non-commercial licence, else None.

    Recognises the known table and any NLLB-200 checkpoint (CC-BY-NC-4.0),
    including a local folder whose ``config.json`` says it is NLLB.
    """
    known = known or known_model(name)
    is_nllb = "nllb" in name.lower() or (config is not None and _is_nllb_config(config))
    if known is not None and not known.commercial_use:
        licence = known.licence
    elif is_nllb:
        licence = "CC-BY-NC-4.0"
    else:
        return None
    return f"model {name} is licensed {licence}: non-commercial use only"


def warn_licence_once(name: str, known: KnownModel | None = None, *, config: dict | None = None) -> None:
    """Emit the non-commercial licence warning for ``name`` once per process."""
    message = licence_warning(name, known, config=config)
    if message and name not in _NON_COMMERCIAL_WARNED:
        _NON_COMMERCIAL_WARNED.add(name)
        warnings.warn(message, LicenceWarning, stacklevel=2)


def _is_nllb_config(config: dict) -> bool:
    name = str(config.get("_name_or_path", "")) + " " + str(config.get("tokenizer_class", ""))
    return "nllb" in name.lower()


def is_local(model: str) -> bool:
    """True when ``model`` names something on disk rather than a Hub id."""
    if Path(model).expanduser().exists() or model.startswith((".", "/", "~")) or "\\" in model:
        return True
    return model.rstrip("/").count("/") > 1  # Hub ids are "name" or "owner/name"


def locate(model: str, *, revision: str | None = None, cache_dir: str | Path | None = None) -> LocatedModel:
    """Find ``model`` (a local folder or a Hub id) on disk, downloading it only if needed.

    Raises ModelUnavailableError for a folder that is not a model, for a Hub
    id that is neither in the local cache nor reachable, and for weight files
    that are damaged or would run code (:func:`bilingual.models.weights.check_weights`).
    """
    path = Path(model).expanduser()
    if is_local(model):
        if not path.exists():
            raise ModelUnavailableError(f"model folder {model} does not exist")
        if not path.is_dir():
            raise ModelUnavailableError(f"model {model} is a file, not a model folder (expected config.json inside)")
        if not (path / "config.json").is_file():
            raise ModelUnavailableError(f"{model} is not a model folder: it has no config.json")
        check_weights(path, model)
        return LocatedModel(name=model, path=path, revision=None, known=None)

    known = known_model(model)
    pinned = revision or (known.revision if known else None)
    folder = cached_snapshot(model, revision=pinned, cache_dir=cache_dir) or _download(model, pinned, cache_dir)
    check_weights(folder, model)
    return LocatedModel(name=model, path=folder, revision=pinned, known=known)


def _unavailable(model: str, reason: str) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"model {model} is not in the local Hugging Face cache and cannot be downloaded ({reason}); "
        f"copy the model folder from a machine that has it and pass it with --model /path/to/folder"
    )


def cached_snapshot(repo: str, *, revision: str | None = None, cache_dir: str | Path | None = None) -> Path | None:
    """The cached snapshot folder of ``repo`` (at ``revision``) holding config.json and weights, or None."""
    from huggingface_hub import try_to_load_from_cache

    try:
        config = try_to_load_from_cache(repo, "config.json", revision=revision, cache_dir=cache_dir)
    except ValueError:  # malformed repo id
        return None
    if not isinstance(config, str):
        return None
    folder = Path(config).parent
    if not _weights_in(folder):
        return None
    return folder


def _weights_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.safetensors")) or sorted(folder.glob("pytorch_model*.bin"))


def _download(model: str, revision: str | None, cache_dir: str | Path | None = None) -> Path:
    """Download the checkpoint files of ``model``: safetensors weights when the repo has them."""
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        raise _unavailable(model, "HF_HUB_OFFLINE is set")
    try:
        info = HfApi().model_info(model, revision=revision)
        files = [s.rfilename for s in (info.siblings or [])]
        weights = [f for f in files if f.endswith(".safetensors")] or [
            f for f in files if f.startswith("pytorch_model") and f.endswith((".bin", ".bin.index.json"))
        ]
        if not weights:
            raise ModelUnavailableError(f"model {model} has no safetensors or PyTorch weights on the Hub")
        folder = snapshot_download(
            model,
            revision=info.sha or revision,
            allow_patterns=[*_CHECKPOINT_FILES, *weights, "*.safetensors.index.json"],
            cache_dir=cache_dir,
        )
    except ModelUnavailableError:
        raise
    except (OSError, HfHubHTTPError, OfflineModeIsEnabled, ValueError) as exc:
        raise _unavailable(model, _reason(exc)) from None
    except Exception as exc:  # network stacks raise their own types (httpx, requests)
        if type(exc).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "requests", "urllib3"):
            raise _unavailable(model, _reason(exc)) from None
        raise
    return Path(folder)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


@dataclass(frozen=True)
class ModelListing:
    repo: str
    revision: str | None
    directions: str
    licence: str
    default_for: str
    cached: Path | None
    note: str


def list_models(cache_dir: str | Path | None = None) -> list[ModelListing]:
    """Known models with their defaults, licences and whether a copy is in the local cache."""
    defaults = {repo: f"{s}->{t}" for (s, t), repo in DEFAULT_MODELS.items()}
    rows = []
    for repo, known in KNOWN_MODELS.items():
        rows.append(
            ModelListing(
                repo=repo,
                revision=known.revision,
                directions=", ".join(f"{s}->{t}" for s, t in known.directions),
                licence=known.licence,
                default_for=defaults.get(repo, ""),
                cached=cached_snapshot(repo, revision=known.revision, cache_dir=cache_dir)
                or cached_snapshot(repo, cache_dir=cache_dir),
                note=known.note,
            )
        )
    return rows


def cached_translation_models(cache_dir: str | Path | None = None) -> list[tuple[str, Path]]:
    """Other seq2seq translation checkpoints found in the local Hugging Face cache."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        cache = scan_cache_dir(cache_dir)
    except (CacheNotFound, OSError, ValueError):  # no cache folder yet
        return []
    found = []
    for repo in cache.repos:
        if repo.repo_type != "model" or repo.repo_id in KNOWN_MODELS:
            continue
        for revision in repo.revisions:
            names = {f.file_name for f in revision.files}
            if "config.json" in names and (names & {"source.spm", "sentencepiece.bpe.model", "spiece.model"}):
                found.append((repo.repo_id, revision.snapshot_path))
                break
    return sorted(found)
