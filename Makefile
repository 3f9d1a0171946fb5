# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo examples test lint typecheck pytest ecosystem install install-test install-bench clean bench soak reliability-report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# `compat` brings a real LiteLLM proxy for tests/proxy (about 1.5 min to install); `make demo` stays light.
# `bench` (matplotlib) lets the bench smoke test draw the picture.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,compat,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-bench

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench

demo: install
	$(BIN)/shim demo

examples: install
	@for example in quickstart chat streaming embeddings images transcription speech rerank responses async_batch \
		patch_openai gateway_client anthropic_messages model_info image_edit files_and_batches; do \
		echo "== examples/$$example.py"; $(BIN)/python examples/$$example.py || exit 1; done

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/pyright

pytest: install-test
	$(BIN)/python -m pytest

# Frameworks built on the openai SDK (langchain-openai), unchanged, through patch_openai() and a real proxy. Their
# own venv: they bring `tenacity`, which switches on LiteLLM's retry layer and so changes what the differential
# run behind compat_matrix.md observes.
ECO_VENV := .venv-ecosystem
$(ECO_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(ECO_VENV)
	$(ECO_VENV)/bin/python -m pip install -q --upgrade pip
	$(ECO_VENV)/bin/python -m pip install -q -e '.[test,compat,ecosystem]'
	touch $@

ecosystem: $(ECO_VENV)/.installed
	$(ECO_VENV)/bin/python -m pytest tests/proxy/test_patch_proxy.py

test: lint typecheck pytest ecosystem

# The reliability suite runs in `make test`; these rerun it alone and rewrite RELIABILITY.md from its figures.
reliability-report: install-test
	$(BIN)/python -m tests.reliability.report

# Longer: 100,000 requests over 5,000 tenants, 10,000 abandoned streams, 10x the fuzzing examples, 6,000 calls
# over 1,000 gateways (the LRU), 300 loops closed without asyncio.run and 3,000 asyncio.run() calls.
soak: install-test
	$(BIN)/python -m tests.reliability.report --soak

# Side-by-side benchmarks (bench/README.md); BENCH_ARGS=--quick for a smoke run, --write for BENCHMARKS.md and .png.
bench: install-bench
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.observability $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(ECO_VENV)
