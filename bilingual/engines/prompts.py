"""Prompts that ask a general language model to translate one segment.

Shared by the engines that drive a language model rather than a translation
model (:mod:`bilingual.engines.llama_cpp`, :mod:`bilingual.engines.openai`):

* ``few-shot``: a completion prompt for a **base** model, ``Korean: ...`` /
  ``English: ...`` pairs written for the project, then the segment and an open
  answer line; the answer is the rest of that line (:func:`stop_strings`);
* ``chat``: the same examples as chat turns for an **instruction-tuned** model
  (:func:`chat_messages`), rendered with the model's own chat template
  (:func:`render_chat_template`) or sent as messages to a chat endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from bilingual.errors import InputError, ModelUnavailableError
from bilingual.models.offline import INSTALL_LLM
from bilingual.text.language import LANGUAGE_NAMES

PromptStyle = Literal["few-shot", "chat"]
PROMPT_STYLES: tuple[PromptStyle, ...] = ("few-shot", "chat")

# Example pairs for the prompts, written for the project (not taken from any
# test set, so scores on FLORES/NTREX/the seed article are not contaminated).
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


def language_name(code: str) -> str:
    """``Korean`` for ``ko``, ``English`` for ``en``; InputError for any other code."""
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
    A segment broken over lines is joined into one line.
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


def stop_strings(style: PromptStyle, source_lang: str, target_lang: str) -> list[str]:
    """Where a few-shot answer ends (end of line, or the model starting the next pair); none for chat,
    whose answer ends with the model's end-of-turn token."""
    if style == "few-shot":
        return ["\n", f"{language_name(source_lang)}:", f"{language_name(target_lang)}:"]
    return []


def render_chat_template(template: str, messages: list[dict[str, str]], *, bos_token: str, eos_token: str) -> str:
    """Render a Jinja chat template (as transformers and llama.cpp do), ready for the answer.

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
