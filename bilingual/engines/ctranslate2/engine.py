"""CTranslate2 engine: a converted model folder run by CTranslate2 (int8 on CPU).

The folder is written by :func:`bilingual.engines.ctranslate2.convert.convert` (or by CTranslate2's own
``ct2-transformers-converter`` with the tokenizer files copied in). Tokenization uses
the checkpoint's own SentencePiece files, exactly as the transformers tokenizers do
(pieces missing from the vocabulary become ``<unk>``, then ``</s>``, plus the
language codes of M2M100/NLLB), so neither torch nor transformers is imported here:
loading is fast and memory stays low.

Supported layouts:

* Marian (``source.spm`` + ``target.spm``), one direction per model;
* M2M100 (``sentencepiece.bpe.model``, language tokens ``__ko__``/``__en__``);
* NLLB-200 (``sentencepiece.bpe.model``, language tokens ``kor_Hang``/``eng_Latn``).
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from bilingual.engines.base import Engine, GenerationOptions, Translation, checked_texts
from bilingual.engines.ctranslate2.layout import LANG_ALIASES, ModelLayout, is_ctranslate2_model, read_layout
from bilingual.errors import EngineError, EngineOptionWarning, InputError, ModelUnavailableError
from bilingual.text.language import check_direction

COMPUTE_TYPES = ("int8", "int8_float32", "float32", "float16")
DEVICES = ("cpu", "cuda")
# Parallel CTranslate2 workers (inter_threads) by default; see CTranslate2Options.
DEFAULT_WORKERS = 1

# Language tokens of the multilingual checkpoints, per project language code.
_M2M100_CODES = {"ko": "__ko__", "en": "__en__"}
_NLLB_CODES = {"ko": "kor_Hang", "en": "eng_Latn"}
# Marian target-language tokens of multi-target models
_MARIAN_TARGET_TOKENS = {"ko": (">>kor<<", ">>kor_Hang<<"), "en": (">>eng<<",)}


def default_threads() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _normalise_lang(lang: str) -> str:
    code = LANG_ALIASES.get(lang.lower())
    if code is None:
        raise InputError(f"unsupported language {lang!r}; expected 'ko' or 'en'")
    return code


class CTranslate2Engine(Engine):
    """The :class:`~bilingual.engines.base.Engine` protocol on a CTranslate2 folder."""

    name = "ctranslate2"

    def __init__(
        self,
        path: Path,
        layout: ModelLayout,
        translator,
        *,
        source_lang: str,
        target_lang: str,
        compute_type: str,
        threads: int,
        workers: int = 1,
    ) -> None:
        import sentencepiece

        self.model_id = str(path)
        self.path = path
        self.layout = layout
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.compute_type = compute_type
        self.threads = threads
        self.workers = workers  # CTranslate2 inter_threads: sub-batches translated in parallel
        self._translator = translator
        self._vocab = frozenset(layout.vocabulary)
        try:
            self._source_sp = sentencepiece.SentencePieceProcessor(model_file=str(layout.source_spm))
            self._target_sp = (
                self._source_sp
                if layout.target_spm == layout.source_spm
                else sentencepiece.SentencePieceProcessor(model_file=str(layout.target_spm))
            )
        except (OSError, RuntimeError) as exc:
            reason = " ".join(str(exc).split())[:200]
            raise ModelUnavailableError(f"cannot load the SentencePiece files of {path}: {reason}") from None
        # NLLB's transformers tokenizer is the "fast" one (tokenizer.json); its pre-tokenizer
        # differs from plain SentencePiece on edge cases, so use the same file when present.
        self._fast = None
        if layout.architecture == "nllb" and (path / "tokenizer.json").is_file():
            try:
                import tokenizers

                self._fast = tokenizers.Tokenizer.from_file(str(path / "tokenizer.json"))
            except ImportError:
                self._fast = None
            except Exception as exc:  # tokenizers raises its own exception type for a bad file
                reason = " ".join(str(exc).split())[:200]
                raise ModelUnavailableError(f"cannot load {path / 'tokenizer.json'}: {reason}") from None
        codes = {"m2m100": _M2M100_CODES, "nllb": _NLLB_CODES}.get(layout.architecture)
        self._source_prefix: list[str] = [codes[source_lang]] if codes else []
        self._target_prefix: list[str] | None = [codes[target_lang]] if codes else None
        if codes:
            missing = [c for c in (codes[source_lang], codes[target_lang]) if c not in self._vocab]
            if missing:
                raise ModelUnavailableError(f"{path}: language token(s) {', '.join(missing)} not in the vocabulary")
        else:
            # multi-target OPUS-MT models want a >>xxx<< target token in front of the source
            marian_codes = [t for t in layout.vocabulary if t.startswith(">>") and t.endswith("<<")]
            if marian_codes:
                wanted = _MARIAN_TARGET_TOKENS[target_lang]
                token = next((t for t in wanted if t in marian_codes), None)
                if token is None:
                    raise ModelUnavailableError(
                        f"model {path} is multi-target but has no {target_lang} target token ({', '.join(wanted)})"
                    )
                self._source_prefix = [token]
        # special tokens around the pieces (</s>, language tokens), excluded from count_tokens
        self._special_count = len(self._source_prefix) + 1
        self._special = {"<s>", "</s>", "<unk>", "<pad>"}
        if codes:
            self._special |= {t for t in layout.vocabulary if re.fullmatch(r"__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}|madeupword\d+", t)}

    # --- Engine protocol -------------------------------------------------
    def max_input_tokens(self) -> int:
        """Source tokens one segment may have, special tokens excluded."""
        return self.layout.max_input_tokens - self._special_count

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Source tokens of each text, special tokens excluded."""
        return [len(self._pieces(text)) for text in texts]

    def _pieces(self, text: str) -> list[str]:
        if self._fast is not None:
            return self._fast.encode(text, add_special_tokens=False).tokens
        return self._source_sp.encode(text, out_type=str)

    def tokenize(self, text: str) -> list[str]:
        """Source tokens exactly as the transformers tokenizer makes them (with ``</s>``)."""
        pieces = self._pieces(text)
        return [*self._source_prefix, *(p if p in self._vocab else "<unk>" for p in pieces), "</s>"]

    def detokenize(self, tokens: list[str]) -> str:
        """Target tokens to text, as the transformers tokenizer decodes them (special tokens dropped)."""
        pieces = [t for t in tokens if t not in self._special]
        if self._fast is not None:
            ids = [self._fast.token_to_id(p) for p in pieces]
            text = self._fast.decode([i for i in ids if i is not None], skip_special_tokens=True)
        else:
            text = self._target_sp.decode_pieces(pieces)
        text = text.replace("\u2581", " ")
        return " ".join(text.split())

    def _translate(self, texts: list[str], options: GenerationOptions) -> list[Translation]:
        return [Translation(self.detokenize(tokens)) for tokens in self._decode(texts, options)]

    # --- token level (used by tests and the benchmark) -------------------
    def translate_tokens(self, texts: list[str], options: GenerationOptions) -> list[list[str]]:
        """Translate ``texts``; the target tokens of each (no ``</s>``, no language token)."""
        texts = checked_texts(texts)
        options.check()
        if not texts:
            return []
        self._check_lengths(texts)
        return self._decode(texts, options)

    def _decode(self, texts: list[str], options: GenerationOptions) -> list[list[str]]:
        source = [self.tokenize(text) for text in texts]
        skip = 1 if self._target_prefix else 0
        # as in transformers: never past the decoder's position table (less its start token and the
        # language token), and the last position spent on a forced </s> when the model forces it
        max_length = min(options.max_length, self.layout.decoder_positions - 1 - skip)
        max_length = max(1, max_length - 1 if self.layout.forced_eos else max_length)
        generation = self.layout.generation
        min_length = options.min_length or generation.min_tokens(skip)  # transformers: the config's when none is asked
        extra = {}
        per_worker = -(-len(texts) // self.workers)  # ceil: one sub-batch per worker, run in parallel
        if len(texts) > 1 and (self.workers > 1 or len(texts) > options.batch_size):
            extra = {"max_batch_size": max(1, min(per_worker, options.batch_size)), "batch_type": "examples"}
        try:
            results = self._translator.translate_batch(
                source,
                target_prefix=[self._target_prefix] * len(source) if self._target_prefix else None,
                beam_size=options.beams,
                # CTranslate2 counts the forced target language token in both lengths
                max_decoding_length=max_length + skip,
                min_decoding_length=min(min_length, max_length) + skip,
                max_input_length=0,  # never truncate: the pipeline splits over-long segments
                **generation.search_options(),
                **extra,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed on a batch of {len(texts)} segments: {exc}") from None
        return [list(result.hypotheses[0])[skip:] for result in results]


@dataclass(frozen=True)
class CTranslate2Options:
    """``--engine-option`` settings of the CTranslate2 engine.

    ``workers``: how many of the ``threads`` each translate a share of every
    batch in parallel (CTranslate2's ``inter_threads``, sharing one copy of the
    weights), each with ``threads // workers`` intra-op threads. The default,
    :data:`DEFAULT_WORKERS`, is what eval/bench/translate.py measured fastest.
    """

    workers: int = DEFAULT_WORKERS

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise InputError(f"workers must be at least 1 (got {self.workers})")


def handles(model: str) -> bool:
    """True for a folder holding CTranslate2's ``model.bin``."""
    return is_ctranslate2_model(Path(model).expanduser())


def load(
    model: str,
    *,
    source_lang: str,
    target_lang: str,
    device: str = "cpu",
    threads: int | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    options: CTranslate2Options | None = None,
) -> CTranslate2Engine:
    """Load a converted CTranslate2 folder as an engine.

    ``compute_type`` None keeps the type the folder was converted with. ``threads``
    (default: all the machine's cores) is the total number of threads, shared by
    the ``workers`` of :class:`CTranslate2Options`.
    """
    options = options or CTranslate2Options()
    path = Path(model).expanduser()
    source_lang, target_lang = _normalise_lang(source_lang), _normalise_lang(target_lang)
    check_direction(source_lang, target_lang)
    if revision is not None:
        raise InputError("--revision pins a Hub model; a CTranslate2 folder is used as it is (drop --revision)")
    if device not in DEVICES:
        raise InputError(f"unknown device {device!r}; expected one of: {', '.join(DEVICES)}")
    if compute_type is not None and compute_type not in COMPUTE_TYPES:
        raise InputError(f"unknown compute type {compute_type!r}; expected one of: {', '.join(COMPUTE_TYPES)}")
    if threads is not None and threads < 1:
        raise InputError(f"--threads must be at least 1 (got {threads})")
    layout = read_layout(path)
    if layout.source_lang and layout.target_lang and (layout.source_lang, layout.target_lang) != (source_lang, target_lang):
        raise InputError(
            f"model {path} translates {layout.source_lang}->{layout.target_lang}, not {source_lang}->{target_lang}; "
            "pass --from/--to to match or use the model of the other direction"
        )

    try:
        import ctranslate2
    except ImportError:
        raise ModelUnavailableError("the ctranslate2 package is not installed: pip install ctranslate2") from None
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise ModelUnavailableError("--device cuda: CTranslate2 sees no CUDA device on this machine")
    if compute_type is not None:
        supported = ctranslate2.get_supported_compute_types(device)
        if compute_type not in supported:
            raise InputError(
                f"compute type {compute_type} is not supported on {device} here "
                f"(supported: {', '.join(sorted(t for t in supported if t in COMPUTE_TYPES))})"
            )
    if layout.architecture == "nllb":
        from bilingual.models.registry import warn_licence_once

        warn_licence_once(str(path), None, config={"tokenizer_class": "nllb"})
    if layout.generation.not_applied:
        warnings.warn(
            f"{path}: generation_config.json sets {', '.join(layout.generation.not_applied)}, which CTranslate2 does not "
            "apply; outputs may differ from the transformers engine",
            EngineOptionWarning,
            stacklevel=2,
        )
    n_threads = threads or default_threads()
    n_workers = max(1, min(options.workers, n_threads))
    try:
        translator = ctranslate2.Translator(
            str(path),
            device=device,
            compute_type=compute_type or "default",
            intra_threads=max(1, n_threads // n_workers),
            inter_threads=n_workers,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        reason = " ".join(str(exc).split()) or exc.__class__.__name__
        raise ModelUnavailableError(
            f"cannot load CTranslate2 model {path}: {reason}; the folder is incomplete or corrupted, convert it again"
        ) from None
    return CTranslate2Engine(
        path,
        layout,
        translator,
        source_lang=source_lang,
        target_lang=target_lang,
        compute_type=compute_type or "default",
        threads=n_threads,
        workers=n_workers,
    )
