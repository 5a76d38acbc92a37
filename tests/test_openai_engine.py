"""The openai engine against a real HTTP server on 127.0.0.1 (tests/openai_server.py):
requests and prompts, batching and concurrency, retries, timeouts, one-line errors, the API key."""

from __future__ import annotations

import time

import pytest
from openai_server import OpenAIServer, garbage, sleep, status

from bilingual.engines import GenerationOptions, load_engine
from bilingual.engines.prompts import EXAMPLES
from bilingual.errors import BilingualError, EngineError, InputError, ModelUnavailableError

KEY = "sk-test-0123456789abcdef"
OPTIONS = GenerationOptions()


@pytest.fixture
def server():
    with OpenAIServer({"하나.": "One.", "둘.": "Two."}) as running:
        yield running


def engine(server: OpenAIServer, **options: str):
    return load_engine(
        "tiny", source_lang="ko", target_lang="en", engine="openai",
        engine_options={"base_url": server.base_url, "backoff": "0.01", **options},
    )  # fmt: skip


def test_chat_request_carries_the_examples_as_turns_and_greedy_settings(server) -> None:
    eng = engine(server)
    assert eng.translate_texts(["하나."], OPTIONS) == ["One."]
    [request] = server.completions()
    body = request["body"]
    assert request["path"] == "/v1/chat/completions" and body["model"] == "tiny"
    assert len(body["messages"]) == 2 * len(EXAMPLES) + 1 and body["messages"][-1]["content"].endswith("\n\n하나.")
    assert (body["temperature"], body["seed"], "min_tokens" in body) == (0.0, 0, False)
    assert body["max_tokens"] == 3 * eng.count_tokens(["하나."])[0] + 24


def test_few_shot_style_uses_the_completions_endpoint_with_stop_strings(server) -> None:
    eng = engine(server, prompt_style="few-shot")
    assert eng.translate_texts(["하나."], OPTIONS) == ["One."]
    [request] = server.completions()
    assert request["path"] == "/v1/completions"
    assert request["body"]["prompt"].endswith("Korean: 하나.\nEnglish:") and request["body"]["stop"][0] == "\n"


@pytest.mark.parametrize(("concurrency", "most"), [("1", 1), ("4", 4)])
def test_a_batch_is_sent_concurrently_and_comes_back_in_order(concurrency, most) -> None:
    with OpenAIServer(delay=0.2) as server:
        eng = engine(server, concurrency=concurrency)
        texts = [f"문장 {'가' * k}." for k in range(1, 9)]
        start = time.perf_counter()
        results = eng.translate_texts(texts, OPTIONS)
        elapsed = time.perf_counter() - start
    assert results == [f"Segment of {len(t)} characters." for t in texts]
    assert server.most_in_flight == most
    if most > 1:
        assert elapsed < 8 * 0.2  # faster than one after another


def test_503_is_retried_after_the_servers_retry_after(server) -> None:
    server.script = [status(503), status(429)]
    assert engine(server, retries="2").translate_texts(["하나."], OPTIONS) == ["One."]
    assert len(server.completions()) == 3


def test_retries_run_out_in_one_line(server) -> None:
    server.script = [status(503, "overloaded", retry_after=None)] * 3
    with pytest.raises(EngineError) as caught:
        engine(server, retries="2").translate_batch(["하나."], OPTIONS)
    assert str(caught.value) == (
        f"the server at {server.base_url}/chat/completions answered HTTP 503: overloaded (after 3 tries)"
    )


def test_timeout_is_an_error_and_not_retried(server) -> None:
    server.script = [sleep(1.5)]
    eng = engine(server, timeout="0.3", retries="3")
    start = time.perf_counter()
    with pytest.raises(EngineError, match=r"gave no answer within 0.3 s \(timeout\)"):
        eng.translate_batch(["하나."], OPTIONS)
    assert time.perf_counter() - start < 1.2 and len(server.completions()) == 1


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (status(400, "max_tokens is too large", None), EngineError, "answered HTTP 400: max_tokens is too large"),
        (status(404, "model 'tiny' not found", None), ModelUnavailableError, "answered HTTP 404: model 'tiny' not found"),
        (status(401, "invalid key", None), ModelUnavailableError, "no API key was sent: set $OPENAI_API_KEY"),
        (garbage(), EngineError, "answered with something that is not JSON: <html>not an API</html>"),
    ],
)
def test_http_and_answer_errors_are_one_line(server, monkeypatch, action, error, message) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server.script = [action]
    with pytest.raises(error) as caught:
        engine(server).translate_batch(["하나."], OPTIONS)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_server_that_is_not_there() -> None:
    with OpenAIServer() as gone:
        base_url = gone.base_url
    with pytest.raises(ModelUnavailableError, match="cannot reach the server at .*/models: connection refused"):
        load_engine("tiny", source_lang="ko", target_lang="en", engine="openai", engine_options={"base_url": base_url})


def test_server_that_goes_away_during_a_run(server) -> None:
    eng = engine(server, retries="1")
    server.stop()
    with pytest.raises(EngineError, match=r"cannot reach .*connection refused \(after 2 tries\)"):
        eng.translate_batch(["하나."], OPTIONS)


def test_the_api_key_is_sent_as_bearer_and_never_shown(server, monkeypatch) -> None:
    monkeypatch.setenv("MY_SERVER_KEY", KEY)
    eng = engine(server, api_key_env="MY_SERVER_KEY", retries="0")
    assert eng.translate_texts(["하나."], OPTIONS) == ["One."]
    assert {r["authorization"] for r in server.requests} == {f"Bearer {KEY}"}
    messages = [repr(eng), repr(eng.options), str(vars(eng.options))]
    for action in (status(401, f"key {KEY} was revoked", None), status(500, f"echo {KEY}", None), garbage()):
        server.script = [action]
        with pytest.raises(BilingualError) as caught:
            eng.translate_batch(["하나."], OPTIONS)
        messages.append(str(caught.value))
    assert "key *** was revoked; check the API key in $MY_SERVER_KEY" in messages[3]
    assert all(KEY not in message for message in messages)


def test_answers_are_held_to_their_segment_with_notes(server) -> None:
    server.answers["셋."] = "Three. " + "And again and again " * 30
    [result] = engine(server).translate_batch(["셋."], OPTIONS)
    assert result.text == "Three."
    assert [n.kind for n in result.notes] == ["cut"] and "token limit" in result.notes[0].detail


def test_empty_answer_is_asked_again_with_min_tokens(server) -> None:
    server.answers["넷."] = ""
    [result] = engine(server).translate_batch(["넷."], OPTIONS)
    first, retry = server.completions()
    assert "min_tokens" not in first["body"] and retry["body"]["min_tokens"] == 1
    assert result.text == "" and [n.kind for n in result.notes] == ["empty"]


def test_max_length_and_max_tokens_bound_the_answer(server) -> None:
    engine(server, max_tokens="50").translate_batch(["하나."], GenerationOptions(max_length=20))
    engine(server, max_tokens="5").translate_batch(["하나."], OPTIONS)
    assert [r["body"]["max_tokens"] for r in server.completions()] == [20, 5]


def test_token_counts_are_a_high_estimate() -> None:
    from bilingual.engines.openai import OpenAIEngine, OpenAIOptions

    eng = OpenAIEngine("m", source_lang="ko", target_lang="en", options=OpenAIOptions())
    assert eng.count_tokens(["서울", "Seoul", ""]) == [2, 2, 0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"device": "cuda"}, "--device does not apply"),
        ({"threads": 2}, "--threads does not apply"),
        ({"compute_type": "int8"}, "--compute-type does not apply"),
        ({"revision": "main"}, "--revision does not apply"),
        ({"engine_options": {"base_url": "127.0.0.1:8080"}}, "base_url must be an http:// or https:// address"),
        ({"engine_options": {"concurrency": "0"}}, "concurrency must be at least 1"),
        ({"engine_options": {"timeout": "0"}}, "timeout must be above 0"),
        ({"engine_options": {"api_key": KEY}}, "has no option 'api_key'; its options: base_url=TEXT, api_key_env=TEXT"),
    ],
)
def test_options_that_do_not_apply_are_input_errors(kwargs, message) -> None:
    with pytest.raises(InputError) as caught:
        load_engine("tiny", source_lang="ko", target_lang="en", engine="openai", **kwargs)
    assert message in str(caught.value) and "\n" not in str(caught.value)
