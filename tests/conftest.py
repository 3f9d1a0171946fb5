"""Shared fixtures: a clean environment and client cache for every test, and a running FakeProxy."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import shim
from shim._endpoints.facts import MODEL_INFO_CACHE
from shim.testing import FakeProxy

_ENV_PREFIXES = ("LITELLM_", "OPENAI_", "USE_LITELLM_PROXY", "SHIM_")


@pytest.fixture(autouse=True)
def clean_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No gateway or OpenAI settings leak in from the machine or from another test."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setattr(shim, "api_base", None)
    monkeypatch.setattr(shim, "api_key", None)
    monkeypatch.setattr(shim, "use_litellm_proxy", False)
    yield
    shim.close()
    # Keyed by the gateway's URL: a later test's FakeProxy can get the same port, and must not see this answer.
    MODEL_INFO_CACHE.clear()


@pytest.fixture
def proxy() -> Iterator[FakeProxy]:
    with FakeProxy() as running:
        yield running


@pytest.fixture
def gateway(proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> FakeProxy:
    """A FakeProxy configured through the environment, as most users do."""
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", proxy.url)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", proxy.api_key)
    return proxy


HI = [{"role": "user", "content": "hello world"}]
