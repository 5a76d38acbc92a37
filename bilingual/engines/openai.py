"""OpenAI-compatible server engine: a language model served over HTTP (vLLM, llama.cpp's
server, ``llama_cpp.server``, Ollama, TGI, or OpenAI itself).

``--model`` is the model name the server knows; everything else is an
``--engine-option`` (:class:`OpenAIOptions`)::

    bilingual translate a.ko.txt --engine openai --model NAME \\
        --engine-option base_url=http://127.0.0.1:8080/v1

Each segment is one request, prompted as the llama-cpp engine prompts
(:mod:`bilingual.engines.prompts`): ``prompt_style=chat`` (the default) sends
the examples and the segment as messages to ``/chat/completions`` (the server
applies the model's chat template); ``prompt_style=few-shot`` sends the few-shot
prompt to ``/completions`` with its stop strings, for a base model. The answer
is held to its segment by :func:`bilingual.engines.answers.hold_answer` (cut,
retried, noted). Up to ``concurrency`` requests of a batch are in flight at
once, in a thread pool; results keep the batch's order.

Decoding: ``temperature`` (default 0, greedy on servers that honour it) and
``seed`` 0; ``beams`` is not used. A retry of an empty answer sends
``min_tokens`` (honoured by vLLM and ``llama_cpp.server``; other servers ignore
or refuse it).

The API key is read from the environment variable named by ``api_key_env``
(default ``OPENAI_API_KEY``; a local server usually needs none) and sent as
``Authorization: Bearer``. It is never shown: not in an error, not in a repr.

Failures are one line: a server that cannot be reached when loading is a
:class:`~bilingual.errors.ModelUnavailableError`; during translation, a
connection error, HTTP 429 or 5xx is retried ``retries`` times with a doubling
wait (``backoff`` seconds first, or the server's ``Retry-After``), then becomes
an :class:`~bilingual.errors.EngineError`, as does a timeout (not retried: the
server may still be working on the request), another HTTP error (401, 403 and
404 are ModelUnavailableError) or an answer that is not the expected JSON.

Token counts are an estimate, since the server's tokenizer is unknown here: one
token per 3 bytes of UTF-8, rounded up (one per Hangul syllable, one per 3
Latin letters), which errs high for the usual tokenizers, so segments are split
early rather than too late. ``max_input_tokens`` (default 512) is the limit in
those units.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bilingual.engines.answers import PromptedEngine
from bilingual.engines.base import GenerationOptions, Translation
from bilingual.engines.prompts import PromptStyle, chat_messages, few_shot_prompt, language_name, stop_strings
from bilingual.errors import EngineError, InputError, ModelUnavailableError
from bilingual.text.language import check_direction

RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
MODEL_STATUS = frozenset({401, 403, 404})  # a key, access or model problem, not a passing failure
MAX_RETRY_AFTER = 30.0  # seconds: the longest Retry-After honoured
BYTES_PER_TOKEN = 3


@dataclass(frozen=True)
class OpenAIOptions:
    """``--engine-option`` settings of the openai engine."""

    base_url: str = "http://127.0.0.1:8000/v1"  # up to and including /v1
    api_key_env: str = "OPENAI_API_KEY"  # the environment variable holding the key (unset: no key sent)
    prompt_style: PromptStyle = "chat"
    timeout: float = 120.0  # seconds for one request
    retries: int = 3  # further tries after a connection error, HTTP 429 or 5xx
    backoff: float = 0.5  # seconds before the first retry, doubled for each next one
    concurrency: int = 4  # requests in flight at once
    temperature: float = 0.0
    max_tokens: int | None = None  # answer tokens per segment; default 3 x the segment's + 24, at most --max-length
    max_input_tokens: int = 512  # estimated source tokens one segment may have

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"base_url must be an http:// or https:// address (got {self.base_url!r})")
        for name, value, lowest in (("timeout", self.timeout, 0.0), ("backoff", self.backoff, -1.0),
                                    ("temperature", self.temperature, -1.0)):  # fmt: skip
            if not value > lowest:
                raise InputError(f"{name} must be {'above 0' if lowest == 0 else 'at least 0'} (got {value})")
        for name, value, lowest in (("retries", self.retries, 0), ("concurrency", self.concurrency, 1),
                                    ("max_tokens", self.max_tokens or 1, 1), ("max_input_tokens", self.max_input_tokens, 16)):  # fmt: skip
            if value < lowest:
                raise InputError(f"{name} must be at least {lowest} (got {value})")
        if not self.api_key_env.strip():
            raise InputError("api_key_env must name an environment variable")


class _Failure(Exception):
    """One request that failed: ``status`` is the HTTP status (None: no answer, or not JSON)."""

    def __init__(self, message: str, *, status: int | None = None, retry: bool = False, wait: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry = retry  # worth another try (connection error, HTTP 429 or 5xx)
        self.wait = wait  # the server's Retry-After, in seconds


class OpenAIEngine(PromptedEngine):
    """A :class:`~bilingual.engines.answers.PromptedEngine` on an OpenAI-compatible server."""

    name = "openai"

    def __init__(
        self, model: str, *, source_lang: str, target_lang: str, options: OpenAIOptions, api_key: str | None = None
    ) -> None:
        language_name(source_lang), language_name(target_lang)
        self.model_id = model
        self.source_lang = source_lang
        self.target_lang = target_lang
        self.options = options
        self.base_url = options.base_url.rstrip("/")
        self.prompt_style: PromptStyle = options.prompt_style
        self.answer_tokens = options.max_tokens
        self.decoding = "greedy" if options.temperature == 0 else f"temperature {options.temperature}"
        self._api_key = api_key or None
        self._opener = _opener(self.base_url)

    def __repr__(self) -> str:
        return f"OpenAIEngine(model={self.model_id!r}, base_url={self.base_url!r}, {self.source_lang}->{self.target_lang})"

    # --- Engine contract -----------------------------------------------------
    def max_input_tokens(self) -> int:
        return self.options.max_input_tokens

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Estimated: one token per 3 bytes of UTF-8 (see the module's docstring)."""
        return [math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN) for text in texts]

    def _translate(self, texts: list[str], options: GenerationOptions) -> list[Translation]:
        """Up to ``concurrency`` segments at once, results in the batch's order."""
        if len(texts) == 1 or self.options.concurrency == 1:
            return super()._translate(texts, options)
        counts = self.count_tokens(texts)
        with ThreadPoolExecutor(max_workers=min(self.options.concurrency, len(texts))) as pool:
            futures = [pool.submit(self._translate_one, text, n, options) for text, n in zip(texts, counts)]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    # --- requests -------------------------------------------------------------
    def _complete(
        self, text: str, examples: Sequence[tuple[str, str]], *, max_tokens: int, min_tokens: int
    ) -> tuple[str, bool]:
        """One request; ``min_tokens`` > 0 is sent as the ``min_tokens`` field."""
        body: dict = {"model": self.model_id, "max_tokens": max_tokens, "temperature": self.options.temperature, "seed": 0}
        if min_tokens > 0:
            body["min_tokens"] = min_tokens
        if self.prompt_style == "chat":
            body["messages"] = chat_messages(text, self.source_lang, self.target_lang, examples)
            path = "/chat/completions"
        else:
            body["prompt"] = few_shot_prompt(text, self.source_lang, self.target_lang, examples)
            body["stop"] = stop_strings("few-shot", self.source_lang, self.target_lang)
            path = "/completions"
        answer = self.request("POST", path, body)
        try:
            choice = answer["choices"][0]
            content = choice["message"]["content"] if self.prompt_style == "chat" else choice["text"]
        except (KeyError, IndexError, TypeError):
            raise EngineError(f"{self._where(path)} answered without choices[0]: {_excerpt(json.dumps(answer))}") from None
        if content is not None and not isinstance(content, str):
            raise EngineError(f"{self._where(path)} answered with a non-text choice: {_excerpt(json.dumps(content))}")
        return content or "", choice.get("finish_reason") == "length"

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        """The JSON answer to one request, retried as the options say; one-line error when it fails."""
        tries = self.options.retries + 1
        wait = self.options.backoff
        for attempt in range(tries):
            try:
                return self._send(method, path, body)
            except _Failure as failure:
                if not failure.retry or attempt == tries - 1:
                    raise self._error(failure, tries=attempt + 1) from None
                time.sleep(failure.wait if failure.wait is not None else wait)
                wait *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, failure: _Failure, *, tries: int = 1) -> EngineError | ModelUnavailableError:
        message = f"{failure.message} (after {tries} tries)" if tries > 1 else failure.message
        if failure.status in MODEL_STATUS:
            return ModelUnavailableError(message + (self._key_hint() if failure.status in (401, 403) else ""))
        return EngineError(message)

    def _send(self, method: str, path: str, body: dict | None) -> dict:
        where = self._where(path)
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        timeout = f"{where} gave no answer within {self.options.timeout:g} s (timeout)"
        try:
            with self._opener.open(request, timeout=self.options.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = self._redact(_error_detail(exc))
            message = f"{where} answered HTTP {exc.code}{': ' + detail if detail else ''}"
            wait = _retry_after(exc.headers.get("Retry-After")) if exc.headers else None
            raise _Failure(message, status=exc.code, retry=exc.code in RETRIED_STATUS, wait=wait) from None
        except TimeoutError:  # not retried: the server may still be working on it
            raise _Failure(timeout) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _Failure(timeout) from None
            raise _Failure(f"cannot reach {where}: {self._redact(_reason(exc.reason))}", retry=True) from None
        except (http.client.HTTPException, ConnectionError) as exc:
            raise _Failure(f"the connection to {where} broke: {self._redact(_reason(exc))}", retry=True) from None
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            text = raw.decode("utf-8", errors="replace")
            raise _Failure(f"{where} answered with something that is not JSON: {self._redact(_excerpt(text))}") from None

    def check_server(self) -> None:
        """Ask once for the server's model list: ModelUnavailableError if it cannot be reached,
        does not speak JSON or refuses the key; any other answer shows a server is there."""
        try:
            self._send("GET", "/models", None)
        except _Failure as failure:
            if failure.status is None or failure.status in (401, 403):
                error = self._error(failure)
                raise ModelUnavailableError(error.message) from None

    def _where(self, path: str) -> str:
        return f"the server at {self.base_url}{path}"

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _key_hint(self) -> str:
        env = self.options.api_key_env
        if self._api_key:
            return f"; check the API key in ${env}"
        return f"; no API key was sent: set ${env} (or --engine-option api_key_env=NAME)"


def _opener(base_url: str) -> urllib.request.OpenerDirector:
    """An opener that honours the proxy settings of the environment, except for a loopback server."""
    host = urllib.parse.urlsplit(base_url).hostname or ""
    if host == "localhost" or host.startswith("127.") or host == "::1":
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The server's error message (OpenAI's ``{"error": {"message": ...}}``, FastAPI's ``detail``) or text."""
    try:
        raw = exc.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):
        return exc.reason if isinstance(exc.reason, str) else ""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return _excerpt(raw)
    if isinstance(data, dict):
        error = data.get("error", data.get("detail", data.get("message")))
        if isinstance(error, dict):
            error = error.get("message", error)
        if error is not None:
            return _excerpt(error if isinstance(error, str) else json.dumps(error))
    return _excerpt(raw)


def _retry_after(value: str | None) -> float | None:
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value))) if value else None
    except ValueError:
        return None  # an HTTP date: use the backoff


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return " ".join(str(reason).split()) or type(reason).__name__


def _excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def handles(model: str) -> bool:
    """False: a model on a server is used only when ``--engine openai`` is named."""
    return False


def load(
    model: str,
    *,
    source_lang: str,
    target_lang: str,
    device: str = "cpu",
    threads: int | None = None,
    revision: str | None = None,
    compute_type: str | None = None,
    options: OpenAIOptions | None = None,
) -> OpenAIEngine:
    """Connect to the server of ``options.base_url`` for ``model``; see :func:`bilingual.engines.load_engine`.

    The server is asked for its model list once (``GET /models``): one that cannot
    be reached is a ModelUnavailableError now rather than at the first segment.
    """
    options = options or OpenAIOptions()
    check_direction(source_lang, target_lang)
    for flag, given in (("--revision", revision), ("--compute-type", compute_type), ("--threads", threads)):
        if given is not None:
            raise InputError(f"{flag} does not apply to the openai engine: the server runs the model as it is set up")
    if device != "cpu":
        raise InputError("--device does not apply to the openai engine: the server decides where the model runs")
    if not model.strip():
        raise InputError("the openai engine needs --model: the name of a model the server serves")
    engine = OpenAIEngine(
        model,
        source_lang=source_lang,
        target_lang=target_lang,
        options=options,
        api_key=os.environ.get(options.api_key_env),
    )
    engine.check_server()
    return engine
