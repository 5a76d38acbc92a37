"""The llama-cpp engine's own logic, on a fake ``Llama`` (no llama-cpp-python, no model needed):
prompt building, stop/cut of answers that run on, retry of empty answers, loading errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from llama_fakes import END_OF_TURN, GEMMA_LIKE_TEMPLATE, FakeLlama, fake_llama_module

from bilingual.engines import detect_engine, load_engine
from bilingual.engines.base import Engine, GenerationOptions, Translation
from bilingual.engines.answers import clean_answer, cut_repetition, echoed_example, split_sentences
from bilingual.engines.llama_cpp import PROMPT_ENV, LlamaCppEngine, detect_prompt_style, handles
from bilingual.engines.prompts import EXAMPLES, few_shot_prompt, render_chat_template
from bilingual.errors import EngineError, InputError, ModelUnavailableError

OPTIONS = GenerationOptions()


def engine(answers: dict[str, list[str]], *, source="ko", target="en", metadata=None, style=None) -> LlamaCppEngine:
    return LlamaCppEngine(
        FakeLlama(answers, metadata=metadata), model_id="fake.gguf", source_lang=source, target_lang=target,
        prompt_style=style,
    )


# --------------------------------------------------------------------------- prompts
def test_few_shot_prompt_ko_en_ends_with_the_segment_and_open_answer() -> None:
    prompt = few_shot_prompt("경기도는 협약을 맺었다.", "ko", "en")
    lines = prompt.split("\n")
    assert lines[-2:] == ["Korean: 경기도는 협약을 맺었다.", "English:"]
    assert lines[:3] == [f"Korean: {EXAMPLES[0][0]}", f"English: {EXAMPLES[0][1]}", ""]
    assert prompt.count("Korean: ") == len(EXAMPLES) + 1


def test_few_shot_prompt_en_ko_turns_the_examples_around() -> None:
    prompt = few_shot_prompt("Hello.", "en", "ko")
    assert prompt.startswith(f"English: {EXAMPLES[0][1]}\nKorean: {EXAMPLES[0][0]}\n\n")
    assert prompt.endswith("English: Hello.\nKorean:")


def test_few_shot_prompt_joins_a_segment_broken_over_lines() -> None:
    # a newline inside the segment would end the prompt's line and the answer with it
    assert few_shot_prompt("첫 줄\n둘째 줄", "ko", "en").endswith("Korean: 첫 줄 둘째 줄\nEnglish:")


def test_chat_prompt_uses_the_model_template_and_drops_the_leading_bos() -> None:
    prompt = render_chat_template(
        GEMMA_LIKE_TEMPLATE, [{"role": "user", "content": "hi"}], bos_token="<bos>", eos_token="<eos>"
    )
    assert prompt == "<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n"


def test_broken_chat_template_is_a_model_error() -> None:
    with pytest.raises(ModelUnavailableError, match="chat template"):
        render_chat_template("{{ raise_exception('no system role') }}", [], bos_token="", eos_token="")


BASE_WITH_TEMPLATE = {"general.name": "Gemma 3 270m", "general.basename": "gemma-3", "tokenizer.chat_template": "x"}


@pytest.mark.parametrize(
    ("metadata", "file_name", "expected"),
    [
        ({"general.name": "Gemma 3 270m"}, "gemma-3-270m-q4_k_m.gguf", "few-shot"),
        (BASE_WITH_TEMPLATE, "gemma-3-270m-q4_k_m.gguf", "few-shot"),  # a template alone does not make it chat
        ({**BASE_WITH_TEMPLATE, "general.finetune": "it"}, "model.gguf", "chat"),
        ({"general.name": "Qwen2.5 1.5B Instruct", "tokenizer.chat_template": "x"}, "model.gguf", "chat"),
        ({"tokenizer.chat_template": "x"}, "gemma-3-1b-it-Q4_K_M.gguf", "chat"),
        ({"general.name": "Llama 3.2 1B Instruct"}, "model.gguf", "few-shot"),  # no template to use
        ({"general.name": "Qwen2.5 Math", "tokenizer.chat_template": "x"}, "qwen-math.gguf", "few-shot"),
    ],
)
def test_prompt_style_detection(metadata, file_name, expected, monkeypatch) -> None:
    monkeypatch.delenv(PROMPT_ENV, raising=False)
    assert detect_prompt_style(metadata, file_name) == expected


def test_prompt_style_environment_override(monkeypatch) -> None:
    monkeypatch.setenv(PROMPT_ENV, "chat")
    assert detect_prompt_style(BASE_WITH_TEMPLATE, "base.gguf") == "chat"
    monkeypatch.setenv(PROMPT_ENV, "zero-shot")
    with pytest.raises(InputError, match=PROMPT_ENV):
        detect_prompt_style(BASE_WITH_TEMPLATE, "base.gguf")


# --------------------------------------------------------------------------- cutting answers
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the the the the", "the"),
        ("He said he said he said that", "He said"),
        ("Seoul, Seoul, Seoul, Seoul,", "Seoul"),
        ("It rose, rose sharply.", "It rose, rose sharply."),  # two in a row is language, not a loop
        ("The city of Suwon and the city of Suwon", "The city of Suwon and the city of Suwon"),
        ("", ""),
    ],
)
def test_cut_repetition(text, expected) -> None:
    assert cut_repetition(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ('He said "yes." Then left', ['He said "yes."', "Then left"]),
        ("Rates at 3.5 percent.", ["Rates at 3.5 percent."]),
        ("  ", []),
    ],
)
def test_split_sentences(text, expected) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("raw", "source", "hit_limit", "style", "expected", "was_cut"),
    [
        (" Gyeonggi signed a deal.", "경기도가 협약을 맺었다.", False, "few-shot", "Gyeonggi signed a deal.", False),
        ("It rained. It rained.", "비가 왔다.", False, "few-shot", "It rained.", True),
        ("It rained. Then it snowed. And then", "비가 왔다.", True, "few-shot", "It rained.", True),
        ("It rained and it rained and it rained and", "비가 왔다.", True, "few-shot", "It rained and", True),
        ("Two sentences. Both kept.", "문장 하나. 문장 둘.", True, "few-shot", "Two sentences. Both kept.", True),
        ("Here is the translation:\n\nIt rained.", "비가 왔다.", False, "chat", "It rained.", True),
        ("It rained.\nKorean: 눈이 왔다.", "비가 왔다.", False, "few-shot", "It rained.", True),
        ("", "비가 왔다.", False, "few-shot", "", False),
    ],
)
def test_clean_answer(raw, source, hit_limit, style, expected, was_cut) -> None:
    cleaned = clean_answer(raw, source, hit_limit=hit_limit, style=style)
    assert cleaned.text == expected
    assert bool(cleaned.cut) == was_cut


# --------------------------------------------------------------------------- the engine on a fake Llama
def test_engine_satisfies_the_protocol_and_returns_one_answer_per_segment() -> None:
    eng = engine({"하나.": [" One.\nKorean: 둘."], "둘.": [" Two."]})
    assert isinstance(eng, Engine)
    results = eng.translate_batch(["하나.", "둘.", "  "], OPTIONS)
    assert results == [Translation("One."), Translation("Two."), Translation("")]
    call = eng._llm.calls[0]
    assert call["temperature"] == 0.0 and call["top_k"] == 1  # greedy
    assert call["stop"][0] == "\n"
    assert len(eng._llm.calls) == 2  # the blank segment never reaches the model


def test_empty_answer_is_retried_with_line_end_banned_and_reported() -> None:
    eng = engine({"하나.": ["\nOne."]})
    [result] = eng.translate_batch(["하나."], OPTIONS)
    assert result.text == "One." and [n.kind for n in result.notes] == ["retried"]
    first, retry = eng._llm.calls
    assert first["logits_processor"] is None and retry["logits_processor"] is not None
    assert ord("\n") in retry["logits_processor"].banned and END_OF_TURN in retry["logits_processor"].banned


def test_answer_still_empty_after_retry_is_reported_not_invented() -> None:
    eng = engine({"하나.": [""]})
    results = eng.translate_batch(["하나.", "둘."], OPTIONS)
    assert [(r.text, [n.kind for n in r.notes]) for r in results] == [("", ["empty"]), ("", ["empty"])]


def test_min_length_bans_the_line_end_from_the_first_attempt() -> None:
    eng = engine({"하나.": ["\nOne."]})
    assert eng.translate_batch(["하나."], GenerationOptions(min_length=1)) == [Translation("One.")]
    assert len(eng._llm.calls) == 1


def test_runaway_answer_is_cut_at_the_token_limit_and_reported() -> None:
    looping = " It rained." + " And then it rained again and again" * 20
    eng = engine({"비가 왔다.": [looping]})
    [out] = eng.translate_batch(["비가 왔다."], OPTIONS)
    assert out.text == "It rained."
    [note] = out.notes
    assert note.kind == "cut" and "token limit" in note.detail and note.raw.startswith(" It rained.")
    assert eng._llm.calls[0]["max_tokens"] == 3 * len("비가 왔다.") + 24  # answer budget scales with the segment


def test_max_length_caps_the_answer_budget() -> None:
    eng = engine({"하나.": [" One."]})
    eng.translate_batch(["하나."], GenerationOptions(max_length=10))
    assert eng._llm.calls[0]["max_tokens"] == 10


def test_hangul_answer_for_english_target_is_reported() -> None:
    eng = engine({"경기도": [" 경기도"]})
    [out] = eng.translate_batch(["경기도"], OPTIONS)
    assert out.text == "경기도" and [n.kind for n in out.notes] == ["untranslated"]


def test_over_long_segment_is_an_engine_error_not_a_truncation() -> None:
    eng = engine({})
    with pytest.raises(EngineError, match="split it"):
        eng.translate_batch(["가" * (eng.max_input_tokens() + 1)], OPTIONS)


def test_chat_model_gets_its_template_and_examples_as_turns() -> None:
    metadata = {"general.finetune": "it", "tokenizer.chat_template": GEMMA_LIKE_TEMPLATE,
                "tokenizer.ggml.bos_token_id": "2"}
    eng = engine({"하나.": ["One.<end_of_turn>"]}, metadata=metadata)
    assert eng.prompt_style == "chat"
    assert eng.translate_texts(["하나."], OPTIONS) == ["One."]
    prompt = eng._llm.calls[0]["prompt"]
    assert prompt.count("<start_of_turn>user\n") == len(EXAMPLES) + 1
    assert prompt.endswith("하나.<end_of_turn>\n<start_of_turn>model\n")
    assert eng._llm.calls[0]["stop"] == []


def test_chat_style_without_a_template_is_refused() -> None:
    with pytest.raises(ModelUnavailableError, match="no chat template"):
        engine({}, style="chat")


def test_en_ko_direction() -> None:
    eng = engine({"One.": [" 하나."]}, source="en", target="ko")
    assert eng.translate_texts(["One."], OPTIONS) == ["하나."]
    assert eng._llm.calls[0]["prompt"].endswith("English: One.\nKorean:")


# --------------------------------------------------------------------------- loading
@pytest.fixture
def gguf_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"GGUF" + b"\0" * 60)
    return path


@pytest.mark.parametrize(
    ("model", "expected"),
    [("model.gguf", True), ("Model.GGUF", True), ("gemma3-270m", True), ("Helsinki-NLP/opus-mt-ko-en", False),
     ("model.bin", False)],
)
def test_handles(model, expected) -> None:
    assert handles(model) is expected


def test_detect_engine_sends_gguf_and_offline_names_here() -> None:
    assert detect_engine("x/model.gguf") == "llama-cpp"
    assert detect_engine("gemma3-270m") == "llama-cpp"


def test_missing_llama_cpp_names_the_install_command(monkeypatch, gguf_file) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import fails as if not installed
    with pytest.raises(ModelUnavailableError) as info:
        load_engine(str(gguf_file), source_lang="ko", target_lang="en")
    assert "pip install 'bilingual[llm]'" in str(info.value)


def test_load_through_the_registry_with_a_fake_llama_cpp(monkeypatch, gguf_file) -> None:
    module = fake_llama_module({"하나.": [" One."]})
    monkeypatch.setitem(sys.modules, "llama_cpp", module)
    eng = load_engine(str(gguf_file), source_lang="ko", target_lang="en", threads=2)
    assert eng.name == "llama-cpp" and eng.translate_texts(["하나."], OPTIONS) == ["One."]
    [llm] = module.created
    assert llm.model_path == gguf_file and llm.kwargs["n_threads"] == 2 and llm.kwargs["n_gpu_layers"] == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"revision": "main"}, InputError, "--revision"),
        ({"compute_type": "int8"}, InputError, "quantization is fixed"),
        ({"device": "tpu"}, InputError, "unknown device"),
        ({"device": "cuda"}, ModelUnavailableError, "no GPU support"),
    ],
)
def test_load_rejects_options_that_do_not_apply(monkeypatch, gguf_file, kwargs, error, message) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module())
    from bilingual.engines import llama_cpp as llama_cpp_engine

    with pytest.raises(error, match=message):
        llama_cpp_engine.load(str(gguf_file), source_lang="ko", target_lang="en", **kwargs)


def test_load_refuses_a_file_that_is_not_gguf(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module())
    bad = tmp_path / "weights.gguf"
    bad.write_bytes(b"PK\x03\x04 not a gguf")
    with pytest.raises(ModelUnavailableError, match="not a GGUF file"):
        load_engine(str(bad), source_lang="ko", target_lang="en")
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_engine(str(tmp_path / "missing.gguf"), source_lang="ko", target_lang="en")


def test_llama_load_failure_is_one_clean_error(monkeypatch, gguf_file) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module(fail="Failed to load model from file"))
    with pytest.raises(ModelUnavailableError, match="cannot load .*Failed to load model"):
        load_engine(str(gguf_file), source_lang="ko", target_lang="en")


@pytest.mark.parametrize(("before", "after"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_openmp_threads_wait_passively_unless_the_user_says_otherwise(monkeypatch, gguf_file, before, after) -> None:
    if before is None:
        monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    else:
        monkeypatch.setenv("OMP_WAIT_POLICY", before)
    monkeypatch.setitem(sys.modules, "llama_cpp", fake_llama_module())
    load_engine(str(gguf_file), source_lang="ko", target_lang="en")
    assert __import__("os").environ["OMP_WAIT_POLICY"] == after


@pytest.mark.parametrize(
    ("output", "source", "expected"),
    [
        # a dateline answered with the 4th example's translation
        ("The Bank of Korea raised its benchmark interest rate by 3.5 percent.", "입력 : 2012.10.25 19:41", 3),
        # a segment that really is like the example may be translated like it
        ("The Bank of Korea kept its key rate at 3.5 percent.", "한국은행은 기준금리를 연 3.5%로 유지했다.", None),
        ("Korea Herald", "코리아헤럴드", None),
        ("", "입력", None),
    ],
)
def test_echoed_example(output, source, expected) -> None:
    assert echoed_example(output, source, EXAMPLES, "ko", "en") == expected


def test_answer_repeating_an_example_is_retried_without_that_example() -> None:
    dateline = "입력 : 2012.10.25 19:41"
    eng = engine({dateline: [f" {EXAMPLES[3][1]}", " Posted: 2012.10.25 19:41"]})
    [out] = eng.translate_batch([dateline], OPTIONS)
    assert out.text == "Posted: 2012.10.25 19:41"
    [note] = out.notes
    assert note.kind == "example" and "retried without it" in note.detail
    first, retry = eng._llm.calls
    assert EXAMPLES[3][0] in first["prompt"] and EXAMPLES[3][0] not in retry["prompt"]
    assert EXAMPLES[0][0] in retry["prompt"]


def test_answer_repeating_an_example_twice_is_kept_and_reported() -> None:
    dateline = "입력 : 2012.10.25 19:41"
    eng = engine({dateline: [f" {EXAMPLES[3][1]}", f" {EXAMPLES[2][1]}"]})
    [out] = eng.translate_batch([dateline], OPTIONS)
    assert out.text == EXAMPLES[3][1]
    assert [(n.kind, "also when retried" in n.detail) for n in out.notes] == [("example", True)]
