# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo examples test lint typecheck pytest install install-test clean bench soak reliability-report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# `compat` brings a real LiteLLM proxy for tests/proxy (about 1.5 min to install); `make demo` stays light.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,compat]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/shim demo

examples: install
	@for example in quickstart chat streaming embeddings images transcription speech rerank responses async_batch image_edit files_and_batches; do \
		echo "== examples/$$example.py"; $(BIN)/python examples/$$example.py || exit 1; done

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/pyright

pytest: install-test
	$(BIN)/python -m pytest

test: lint typecheck pytest

# The reliability suite runs in `make test`; these rerun it alone and rewrite RELIABILITY.md from its figures.
reliability-report: install-test
	$(BIN)/python -m tests.reliability.report

# Longer: 100,000 requests over 5,000 tenants, 10,000 abandoned streams, 10x the fuzzing examples.
soak: install-test
	$(BIN)/python -m tests.reliability.report --soak

# Side-by-side benchmarks (bench/README.md); BENCH_ARGS=--quick for a smoke run, --write for BENCHMARKS.md.
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV)
