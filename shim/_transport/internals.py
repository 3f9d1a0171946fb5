"""The openai SDK below its public API: the clients the cache builds, and every other place shim goes there, each
with its reason and its fallback.

openai's public API has no way to do these; each is checked by tests/test_openai_internals.py, which fails loudly
(naming the touch) when a release moves or changes it, and each falls back to public behaviour if it is gone:

- `openai._models.FinalRequestOptions` (`post_template`): `request()` takes one, and `post()` rebuilds it per call
  (~30 us). Gone: shim calls `post()`.
- `client._client` (`http_client_of`): the only way to share a client's HTTP pool with a `shim.OpenAI`. Gone: the
  `shim.OpenAI` gets a pool of its own.
- `resource._client` (`client_of`): a resource's timeout and retries, which the patch keeps, and a stream's key,
  scrubbed from its errors. Gone: openai's defaults, and the key left in (the gateway's own scrubbing still holds).
- `OpenAI._prepare_url` (`OnceURLs`): the SDK parses each path's URL twice per request. Gone: never called, no harm.
- `openai.Stream` without its `__init__` (`GatewayStream`): `__init__` needs a client to decode with. A test checks
  that every public method of `openai.Stream` is served.
- `x-stainless-raw-response` (`RAW_RESPONSE_HEADER`): the SDK's marker for `with_raw_response`, a private constant.
  A test compares it with openai's.

The clients the cache builds, one per gateway (`PooledOpenAI`, `AsyncPooledOpenAI`), are the SDK's own, minus
per-request work that means nothing there.

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

import functools
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import openai

from shim import _http
from shim._transport.paths import check as check_path

if TYPE_CHECKING:
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper

T = TypeVar("T")

RAW_RESPONSE_HEADER = "x-stainless-raw-response"
"""openai's marker header for `with_raw_response` ("true") / `with_streaming_response` ("stream"), spelled out: it is
a constant of the private `openai._constants` (as `X-Stainless-Raw-Response`)."""


def wants_raw_response(headers: object) -> bool:
    """Whether a request's headers carry openai's raw-response marker, in any case."""
    if not isinstance(headers, Mapping):
        return False
    names = cast("Mapping[object, object]", headers)
    return any(str(name).lower() == RAW_RESPONSE_HEADER for name in names)


# The fields `shim._request._issue` sets on a copy of the template: the path, the body, and what
# `request_options`/`_with_key` give.
_TEMPLATE_FIELDS = frozenset({"url", "content", "headers", "params", "timeout", "max_retries"})


@functools.cache
def post_template() -> Any:
    """What `post()` builds on every call before it hands it to the client's public `request()`, made once, to be
    copied with each call's path, body and options; or None to call `post()` itself.

    Why a private openai name: `FinalRequestOptions` (in `openai._models`) is the type `request()` takes, and openai
    exposes it nowhere public. `post()` builds one afresh per call, and pydantic resolves a dozen defaults with
    deep copies (~30 us, a tenth of a bare HTTP client's whole call); a copy of a template costs ~3 us. Should a
    release move it, or drop a field set here (a copy would then send no body), shim falls back to `post()`.
    """
    try:
        from openai._models import FinalRequestOptions  # noqa: TID251  (the reason is in the docstring above)
    except ImportError:
        return None
    if not _TEMPLATE_FIELDS.issubset(FinalRequestOptions.model_fields):
        return None
    return FinalRequestOptions.construct(method="post", url="")


def http_client_of(client: openai.OpenAI | openai.AsyncOpenAI) -> Any:
    """A client's HTTP client (its pool), or None if a release no longer keeps it where `copy()` reads it."""
    return getattr(client, "_client", None)


def client_of(resource: object) -> object:
    """The client a resource (`client.chat.completions`) or a stream belongs to; None if a release keeps it
    elsewhere."""
    return getattr(resource, "_client", None)


class OnceURLs:
    """The SDK's `_prepare_url`, each path's URL kept (a mixin placed before the SDK's class): the base URL joined
    with `chat/completions` is parsed once per client, not twice per request."""

    _MAX_URLS = 64  # paths whose URL a client keeps (an id in a path, `files/file-abc`, makes a new one)

    def _prepare_url(self, url: str) -> _http.URL:
        urls: dict[str, _http.URL] = self.__dict__.setdefault("_urls", {})
        prepared = urls.get(url)
        if prepared is None:
            # A routed SDK call's path (the patch strips `litellm_proxy/` before the SDK builds it): no dot-segment.
            prepared = cast("_http.URL", cast("Any", super())._prepare_url(check_path(url)))
            if len(urls) < self._MAX_URLS:
                urls[url] = prepared  # a URL is immutable, and a pooled client's base URL never changes
        return prepared


class GatewayStream(openai.Stream[T], Generic[T]):
    """What a routed `create(..., stream=True)` returns: an `openai.Stream` fed by the shim's stream.

    Iterate it, use `with`, call `close()`, read `.response`, as with any `openai.Stream`. Chunks are the shim's
    (subclasses of the openai chunk types), and so are errors (subclasses of the openai exceptions).
    """

    # openai.Stream.__init__ is not called: it needs the caller's OpenAI client to decode with, and the shim's
    # stream already decodes. Every public method of openai.Stream is served by the ones below.
    def __init__(self, stream: CustomStreamWrapper[T]) -> None:
        self.response = stream.response
        self._gateway_stream = stream

    def __repr__(self) -> str:
        return f"GatewayStream(model={self._gateway_stream.model!r})"

    def __next__(self) -> T:
        return next(self._gateway_stream)

    def __iter__(self) -> Iterator[T]:
        return self._gateway_stream

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._gateway_stream.close()


class AsyncGatewayStream(openai.AsyncStream[T], Generic[T]):
    """The async `GatewayStream`: an `openai.AsyncStream` (`async for`, `async with`, `await close()`)."""

    def __init__(self, stream: AsyncCustomStreamWrapper[T]) -> None:
        self.response = stream.response
        self._gateway_stream = stream

    def __repr__(self) -> str:
        return f"AsyncGatewayStream(model={self._gateway_stream.model!r})"

    async def __anext__(self) -> T:
        return await self._gateway_stream.__anext__()

    def __aiter__(self) -> AsyncIterator[T]:  # pyright: ignore[reportIncompatibleMethodOverride]
        return self._gateway_stream

    async def close(self) -> None:
        """Stop reading and release the connection."""
        await self._gateway_stream.aclose()


# What the pooled clients are built with: never sent, because every request carries its tenant's key.
NO_KEY = "shim-sends-the-key-per-request"
_ENV_CUSTOM_HEADERS = "OPENAI_CUSTOM_HEADERS"
_TELEMETRY = "x-stainless-"


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


class _Once(OnceURLs):
    """The per-client parts of `default_headers` and `_prepare_url`, computed once (placed before the SDK's class)."""

    @property
    def default_headers(self) -> dict[str, str | openai.Omit]:
        sent: dict[str, str | openai.Omit] | None = self.__dict__.get("_sent")
        if sent is None:  # the SDK merges it into a new dict per request, never changing it
            sdk: dict[str, str | openai.Omit] = cast("Any", super()).default_headers
            sent = self.__dict__["_sent"] = {name: value for name, value in sdk.items() if not _telemetry(name)}
        return sent


def _telemetry(name: str) -> bool:
    return name.lower().startswith(_TELEMETRY)


class PooledOpenAI(_Once, openai.OpenAI):
    """The cached sync client of one gateway. Its pool is every caller's: `close()` (and leaving a `with` block, and
    closing a copy) leaves it open; `shim.close()` drops it (the pool closes once no call uses it)."""

    def close(self) -> None:
        """Leave the shared pool open (the cache closes it; `shim.close()` drops it)."""


class AsyncPooledOpenAI(_Once, openai.AsyncOpenAI):
    """The cached async client of one gateway, on one event loop: `close()` leaves its shared pool open too."""

    async def close(self) -> None:
        """Leave the shared pool open (the cache closes it; `await shim.aclose()` drops it)."""


def close_pooled(client: openai.OpenAI) -> None:
    """Close a cached sync client's pool: the cache's own close (a forked child's copies of its parent's)."""
    openai.OpenAI.close(client)


async def aclose_pooled(client: openai.AsyncOpenAI) -> None:
    """Close a cached async client's pool: the cache's own close, at its event loop's end."""
    await openai.AsyncOpenAI.close(client)


PooledT = TypeVar("PooledT", PooledOpenAI, AsyncPooledOpenAI)


def pooled(cls: type[PooledT], base_url: str, http_client: Any) -> PooledT:
    """A client of `cls` for the gateway at `base_url`, sending through `http_client` (its pool)."""
    return cls(api_key=NO_KEY, base_url=base_url, http_client=http_client, default_headers=isolation_headers())
