"""Fixtures for tests that go through a real LiteLLM proxy (marker `proxy`).

The proxy is started once per session (it takes seconds to import) in front of one fake upstream; tests tell their
requests apart by asserting on the upstream's most recent request to a path, so they must not run in parallel
against the same session fixture.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from .harness import LITELLM_ENV, ProxyProcess, litellm_executable, proxy_config, start_proxy, stop_proxy, write_config
from .tap import Tap
from .upstream import FakeUpstream


@dataclass(frozen=True)
class LiteLLMProxy:
    """A running proxy: where it listens, the key it accepts, and the upstream recorder behind it."""

    url: str
    api_key: str
    upstream: FakeUpstream
    process: ProxyProcess


# Warnings LiteLLM 1.108.7 triggers on its first calls (none at import). They are added as `filterwarnings` marks so
# they outrank a command-line `-W error`, which would otherwise turn them into exceptions that LiteLLM swallows
# (in logging threads) or rewraps (a stream dies as MidStreamFallbackError). Each is pinned to LiteLLM's own
# classes or module so that the same warning from anything else still fails the run.
LITELLM_WARNING_FILTERS = (
    # pydantic, when it first builds a schema for LiteLLM's streaming TypedDicts (ChatCompletionThinkingBlock, ...).
    r"ignore:Item '\w+' on TypedDict class 'ChatCompletion\w+' is using the `ReadOnly` qualifier:UserWarning",
    # LiteLLM reads model_fields / model_computed_fields off instances while building stream chunks.
    r"ignore::pydantic.warnings.PydanticDeprecatedSince211:litellm\.litellm_core_utils\..*",
    # responses(stream=True) on a faked stream serializes chat-style usage into its ResponseAPIUsage field.
    r"ignore:Pydantic serializer warnings.\s+PydanticSerializationUnexpectedValue\(Expected `ResponseAPIUsage`"
    ":UserWarning",
    # LiteLLM's sync calls with fallbacks create its async logging worker's coroutine and drop it unawaited.
    r"ignore:coroutine 'LoggingWorker._worker_loop' was never awaited:RuntimeWarning",
    r"ignore:Exception ignored in. <coroutine object LoggingWorker._worker_loop:pytest.PytestUnraisableExceptionWarning",
)


def unavailable_reason() -> str | None:
    """Why the proxy suite cannot run here, or None when it can."""
    if os.environ.get(LITELLM_ENV):  # a proxy from another venv: only the tests that import litellm need it here
        try:
            litellm_executable()
        except FileNotFoundError as error:
            return str(error)
        return None
    missing = [name for name in ("litellm", "fastapi", "uvicorn") if importlib.util.find_spec(name) is None]
    if missing:
        return f"litellm[proxy] is not installed ({', '.join(missing)} missing): pip install 'litellm[proxy]==1.108.7'"
    try:
        litellm_executable()
    except FileNotFoundError as error:
        return str(error)
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "proxy: end-to-end tests through a real LiteLLM proxy subprocess")
    # litellm's import fetches its cost map from GitHub (with retries) unless told to use the bundled copy.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = unavailable_reason()
    for item in items:
        if item.get_closest_marker("proxy") is None:
            continue
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))
        for spec in LITELLM_WARNING_FILTERS:
            item.add_marker(pytest.mark.filterwarnings(spec))


@pytest.fixture(scope="session")
def litellm_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiteLLMProxy]:
    """A LiteLLM proxy subprocess in front of a fake upstream, shared by the whole session."""
    workdir: Path = tmp_path_factory.mktemp("litellm-proxy")
    with FakeUpstream() as upstream:
        config = write_config(workdir / "config.yaml", proxy_config(upstream.url))
        process = start_proxy(config, workdir / "proxy.log")
        try:
            yield LiteLLMProxy(process.url, process.api_key, upstream, process)
        finally:
            stop_proxy(process)


@pytest.fixture(scope="session")
def litellm_sdk() -> ModuleType:
    """The `litellm` module, imported only by tests that use it so a missing install skips instead of erroring."""
    # Not pytest.importorskip: it imports with warnings ignored, which changes what LiteLLM's import leaves behind.
    if importlib.util.find_spec("litellm") is None:
        pytest.skip("the litellm SDK is not installed in this venv (only its proxy runs)")
    return importlib.import_module("litellm")


@pytest.fixture(scope="session")
def proxy_tap(litellm_proxy: LiteLLMProxy) -> Iterator[Tap]:
    """A recording relay in front of the proxy: what a client sent, before the proxy rewrote it."""
    tap = Tap(litellm_proxy.url)
    try:
        yield tap
    finally:
        tap.close()


@pytest.fixture(scope="session")
def silent_url() -> Iterator[str]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers: for timeouts."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture(scope="session")
def refused_url() -> str:
    """A loopback port nobody listens on: connections to it are refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
