# Two entry points for a fresh machine; both create .venv and install into it.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test translate-seed clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch is installed first, pinned to the CPU build, so that nothing pulls CUDA.
install: $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache
