"""Holding a language model's answer to the one segment it was asked to translate.

A general language model asked for one translation may run on: repeat itself,
continue with more sentences than the source has, start the next example pair,
or answer with one of the prompt's examples. These functions find that in the
answer text, and :func:`hold_answer` cuts or retries and records what it did
as :class:`~bilingual.engines.base.EngineNote` s. :class:`PromptedEngine` is
the base of the engines built on them (:mod:`bilingual.engines.llama_cpp`,
:mod:`bilingual.engines.openai`), which only say how to get one answer.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bilingual.engines.base import Engine, EngineNote, GenerationOptions, Translation
from bilingual.engines.prompts import EXAMPLES, PromptStyle

Examples = Sequence[tuple[str, str]]
# One request to the model: (prompt examples, min_tokens) -> (raw answer, whether it hit the token limit).
# min_tokens > 0 asks that the answer not end before that many tokens.
Complete = Callable[[Examples, int], tuple[str, bool]]

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")
# a sentence ends at . ! ? (and their full-width forms), after closing quotes/brackets
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*(?=\s+|$)")


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


def hold_answer(
    text: str,
    complete: Complete,
    *,
    examples: Examples,
    source_lang: str,
    target_lang: str,
    style: PromptStyle,
    min_length: int = 0,
) -> Translation:
    """Ask ``complete`` for the translation of ``text`` and hold the answer to that one segment.

    * the answer is cleaned with :func:`clean_answer` (a ``cut`` note says what went);
    * an empty answer is asked again once with at least one token (``min_length``
      when larger); still empty, it stays empty with an ``empty`` note;
    * an answer that repeats one of the prompt's examples (:func:`echoed_example`)
      is asked again without that example and kept if it no longer does (an
      ``example`` note either way);
    * an English answer that is mostly Hangul gets an ``untranslated`` note.
    """
    notes: list[EngineNote] = []
    raw, hit_limit = complete(examples, min_length)
    cleaned = clean_answer(raw, text, hit_limit=hit_limit, style=style)
    if not cleaned.text:
        first_raw = raw
        retry_length = max(1, min_length)
        raw, hit_limit = complete(examples, retry_length)
        cleaned = clean_answer(raw, text, hit_limit=hit_limit, style=style)
        if not cleaned.text:
            return Translation("", (EngineNote("empty", "empty answer, also after a retry", raw),))
        notes.append(
            EngineNote("retried", f"empty answer; retried with a minimum length of {retry_length} token(s)", first_raw)
        )
    echo = echoed_example(cleaned.text, text, examples, source_lang, target_lang)
    if echo is not None:
        others = [pair for k, pair in enumerate(examples) if k != echo]
        first_raw = raw
        raw, hit_limit = complete(others, min_length)
        again = clean_answer(raw, text, hit_limit=hit_limit, style=style)
        if again.text and echoed_example(again.text, text, examples, source_lang, target_lang) is None:
            detail = f"the answer repeated prompt example {echo + 1}; retried without it"
            cleaned = again
        else:
            detail = f"the answer repeats prompt example {echo + 1}, also when retried without it"
            raw = first_raw
        notes.append(EngineNote("example", detail, first_raw))
    if cleaned.cut:
        notes.append(EngineNote("cut", cleaned.cut, raw))
    if looks_untranslated(cleaned.text, target_lang):
        notes.append(EngineNote("untranslated", "the answer is mostly Hangul", raw))
    return Translation(cleaned.text, tuple(notes))


class PromptedEngine(Engine):
    """An engine that asks a general language model for each segment's translation on its own.

    A subclass sets ``prompt_style`` (and may change ``examples`` or
    ``answer_tokens``) and implements :meth:`_complete`, one request to its
    model. Each segment's answer may take ``answer_tokens`` tokens, by default
    3 x the segment's tokens + 24 (at least 8), never more than ``max_length``
    of the :class:`~bilingual.engines.base.GenerationOptions`; it is held to its
    segment by :func:`hold_answer`. Segments are translated one after another;
    a subclass may override :meth:`_translate` to run :meth:`_translate_one`
    concurrently.
    """

    prompt_style: PromptStyle = "few-shot"
    examples: tuple[tuple[str, str], ...] = EXAMPLES
    answer_tokens: int | None = None

    @abc.abstractmethod
    def _complete(self, text: str, examples: Examples, *, max_tokens: int, min_tokens: int) -> tuple[str, bool]:
        """The model's raw answer for ``text`` prompted with ``examples``, and whether it stopped at
        ``max_tokens``; ``min_tokens`` > 0 asks it not to end before that many tokens."""

    def _translate(self, texts: list[str], options: GenerationOptions) -> list[Translation]:
        return [self._translate_one(text, n, options) for text, n in zip(texts, self.count_tokens(texts), strict=True)]

    def _translate_one(self, text: str, n_tokens: int, options: GenerationOptions) -> Translation:
        max_tokens = min(options.max_length, self.answer_tokens or max(8, 3 * n_tokens + 24))

        def complete(examples: Examples, min_tokens: int) -> tuple[str, bool]:
            return self._complete(text, examples, max_tokens=max_tokens, min_tokens=min(min_tokens, max_tokens))

        return hold_answer(
            text,
            complete,
            examples=self.examples,
            source_lang=self.source_lang,
            target_lang=self.target_lang,
            style=self.prompt_style,
            min_length=options.min_length,
        )
