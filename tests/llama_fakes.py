"""A stand-in for ``llama_cpp.Llama`` that behaves like greedy decoding of a scripted answer.

Tokens are Unicode code points (plus one special ``<end_of_turn>`` id). For each
prompt the fake looks up the segment (the text after the last source-language
label, or the last user turn) in ``answers`` and "generates" the scripted answer
one character at a time: a logits processor that bans a character makes the fake
skip it, like a real model taking its next-best token. Stop strings and
``max_tokens`` are applied as llama.cpp applies them.
"""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np

END_OF_TURN = 0x110000
VOCAB = END_OF_TURN + 1
GEMMA_LIKE_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<start_of_turn>"
    "{{ 'model' if m['role'] == 'assistant' else m['role'] }}\n{{ m['content'] }}<end_of_turn>\n"
    "{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)


class FakeLlama:
    def __init__(self, answers: dict[str, list[str]] | None = None, *, metadata: dict | None = None, n_ctx: int = 4096):
        self.answers = {k: list(v) for k, v in (answers or {}).items()}
        self.metadata = metadata if metadata is not None else {"general.name": "fake base"}
        self._n_ctx = n_ctx
        self.calls: list[dict] = []

    # --- the parts of the Llama API the engine uses ---
    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        s = text.decode("utf-8")
        tokens = []
        while s:
            if special and s.startswith("<end_of_turn>"):
                tokens.append(END_OF_TURN)
                s = s[len("<end_of_turn>") :]
            else:
                tokens.append(ord(s[0]))
                s = s[1:]
        return tokens

    def detokenize(self, tokens, prev_tokens=None, special=False) -> bytes:
        return "".join("<end_of_turn>" if t == END_OF_TURN else chr(t) for t in tokens).encode("utf-8")

    def token_eos(self) -> int:
        return 1

    def token_bos(self) -> int:
        return 2

    def n_ctx(self) -> int:
        return self._n_ctx

    def create_completion(self, prompt: str, *, max_tokens: int, stop: list[str], logits_processor=None, **kwargs):
        segment = self._segment(prompt)
        script = self.answers.get(segment)
        answer = script.pop(0) if script and len(script) > 1 else (script[0] if script else "")
        self.calls.append({"prompt": prompt, "segment": segment, "max_tokens": max_tokens, "stop": stop, **kwargs,
                           "logits_processor": logits_processor})
        answer = answer.partition("<end_of_turn>")[0]  # the end-of-turn token ends generation
        generated = []
        for ch in answer:
            if logits_processor is not None:
                scores = np.zeros(VOCAB, dtype=np.float32)
                scores[ord(ch)] = 1.0
                scores = logits_processor(None, scores)
                if scores[ord(ch)] == -np.inf:
                    continue  # banned: the model takes another token
            generated.append(ch)
            text = "".join(generated)
            for s in stop:
                if s and s in text:
                    return _result(text[: text.index(s)], "stop")
            if len(generated) >= max_tokens:
                return _result(text, "length")
        return _result("".join(generated), "stop")

    def _segment(self, prompt: str) -> str:
        if "<start_of_turn>user\n" in prompt:
            last = prompt.rsplit("<start_of_turn>user\n", 1)[1].split("<end_of_turn>", 1)[0]
            return last.split("\n\n", 1)[1]
        last_line = prompt.rsplit("\n", 2)[-2]
        return last_line.split(": ", 1)[1]


def _result(text: str, finish_reason: str) -> dict:
    return {"choices": [{"text": text, "finish_reason": finish_reason}]}


def fake_llama_module(answers: dict[str, list[str]] | None = None, *, metadata: dict | None = None,
                      gpu: bool = False, fail: str | None = None) -> types.ModuleType:
    """A module standing in for ``llama_cpp``: ``Llama(model_path=..., ...)`` builds a :class:`FakeLlama`."""
    module = types.ModuleType("llama_cpp")
    module.created = []

    def llama(model_path: str, **kwargs):
        if fail:
            raise ValueError(fail)
        llm = FakeLlama(answers, metadata=metadata, n_ctx=kwargs.get("n_ctx", 4096))
        llm.model_path = Path(model_path)
        llm.kwargs = kwargs
        module.created.append(llm)
        return llm

    module.Llama = llama
    module.llama_supports_gpu_offload = lambda: gpu
    return module
