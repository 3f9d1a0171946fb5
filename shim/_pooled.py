"""The openai clients the cache builds, one per gateway: the SDK's own, minus per-request work that means nothing there.

Every shim call goes through `request()` (or `get()`/`delete()`) of one of these, so retries, timeouts and errors
are the SDK's. Two things the SDK redoes on every request are done once per client instead (together ~130 us of a
~700 us one-message call on the bench machine, BENCHMARKS.md):

- The default headers, built once. OpenAI's telemetry headers (`X-Stainless-Lang`, `-OS`, `-Arch`, `-Runtime`,
  `-Package-Version`, `-Async`, ...) are left out: a LiteLLM gateway does not pass `x-stainless-*` on, and each
  header is normalized and validated twice per request. The per-attempt `x-stainless-retry-count` and
  `x-stainless-read-timeout` are still sent (the SDK adds them to each request, and `_bounds` reads the first).
- The URL of each path: the base URL joined with `chat/completions` is parsed once, not twice per request.

The environment's OpenAI headers (org, project, OPENAI_CUSTOM_HEADERS) and the placeholder key's `Authorization`
are removed (`isolation_headers`); each request carries its tenant's key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar, cast

import openai

from shim import _http
from shim._paths import check as check_path

# What the pooled clients are built with: never sent, because every request carries its tenant's key.
NO_KEY = "shim-sends-the-key-per-request"
_ENV_CUSTOM_HEADERS = "OPENAI_CUSTOM_HEADERS"
_TELEMETRY = "x-stainless-"
# Paths whose URL a client keeps (an id in a path, `files/file-abc`, makes a new one): beyond this, parsed each time.
_MAX_URLS = 64


def isolation_headers() -> Mapping[str, str]:
    """Default headers that keep OpenAI's own environment (org, project, custom headers) away from the gateway.

    The openai client reads OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS (which may carry an
    `Authorization` header) from the environment; explicit default headers override all of them, and the
    placeholder key's own `Authorization` is removed too, so a request without its tenant's key sends none.
    """
    headers: dict[str, str | openai.Omit] = {
        name.strip(): openai.Omit()
        for name, sep, _ in (line.partition(":") for line in os.environ.get(_ENV_CUSTOM_HEADERS, "").split("\n"))
        if sep and name.strip()
    }
    headers.update({"OpenAI-Organization": openai.Omit(), "OpenAI-Project": openai.Omit()})
    headers["Authorization"] = openai.Omit()
    # The SDK types default_headers as str values, yet documents Omit() as the way to remove a header.
    return cast("Mapping[str, str]", headers)


class _Once:
    """The per-client parts of `default_headers` and `_prepare_url`, computed once (placed before the SDK's class)."""

    @property
    def default_headers(self) -> dict[str, str | openai.Omit]:
        sent: dict[str, str | openai.Omit] | None = self.__dict__.get("_sent")
        if sent is None:  # the SDK merges it into a new dict per request, never changing it
            sdk: dict[str, str | openai.Omit] = cast("Any", super()).default_headers
            sent = self.__dict__["_sent"] = {name: value for name, value in sdk.items() if not _telemetry(name)}
        return sent

    def _prepare_url(self, url: str) -> _http.URL:
        urls: dict[str, _http.URL] = self.__dict__.setdefault("_urls", {})
        prepared = urls.get(url)
        if prepared is None:
            # A routed SDK call's path (the patch strips `litellm_proxy/` before the SDK builds it): no dot-segment.
            prepared = cast("_http.URL", cast("Any", super())._prepare_url(check_path(url)))
            if len(urls) < _MAX_URLS:
                urls[url] = prepared  # a URL is immutable, and a pooled client's base URL never changes
        return prepared


def _telemetry(name: str) -> bool:
    return name.lower().startswith(_TELEMETRY)


class PooledOpenAI(_Once, openai.OpenAI):
    """The cached sync client of one gateway."""


class AsyncPooledOpenAI(_Once, openai.AsyncOpenAI):
    """The cached async client of one gateway, on one event loop."""


PooledT = TypeVar("PooledT", PooledOpenAI, AsyncPooledOpenAI)


def pooled(cls: type[PooledT], base_url: str, http_client: Any) -> PooledT:
    """A client of `cls` for the gateway at `base_url`, sending through `http_client` (its pool)."""
    return cls(api_key=NO_KEY, base_url=base_url, http_client=http_client, default_headers=isolation_headers())
