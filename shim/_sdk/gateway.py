"""`shim.OpenAI` / `shim.AsyncOpenAI`: the openai SDK's own clients, pointed at the gateway.

Modelled on openai's `lib/azure.py`, which re-targets the same classes at Azure: the base URL and key come from the
shim's configuration chain instead of OpenAI's variables, and one request hook (the public `request()`, through
which every resource method of the SDK sends) rewrites a `litellm_proxy/<name>` model to `<name>`. Everything else
(files, batches, parse, stream helpers, raw responses, errors) is the SDK's own behaviour.

The connection pool is the shim's one pool per gateway (`shim.client_cache`): a client is a key and some options,
not a pool, so closing one, or a copy of one (`with_options`, `copy`, for any gateway), leaves the pool to the cache
(`shim.close()` / `await shim.aclose()`): one tenant's `with client.with_options(...):` never closes it for others.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

import openai

from shim import _http
from shim._errors import scrub_key
from shim._observe import observation as _observe
from shim._router import PREFIX, package_settings, resolve_api_key, resolve_base_url
from shim._sdk import observed as _observe_sdk
from shim._transport.clients import CACHE, auth_headers, pool_verify, shared_pool_owner
from shim._transport.internals import http_client_of, isolation_headers
from shim._transport.paths import check as check_path

__all__ = ["AsyncOpenAI", "OpenAI", "gateway_route", "strip_prefix"]

# `models.retrieve("litellm_proxy/x")` puts the model in the path: percent-encoded by openai 3.x, as is by 1.x.
_PoolT = TypeVar("_PoolT", _http.Client, _http.AsyncClient)

_MODEL_PATHS = ("/models/" + PREFIX.replace("/", "%2F"), "/models/" + PREFIX)


def strip_prefix(model: object) -> object:
    """`litellm_proxy/<name>` as `<name>`; anything else as it is."""
    return model[len(PREFIX) :] if isinstance(model, str) and model.startswith(PREFIX) else model


def gateway_route(api_key: object = None, base_url: object = None) -> tuple[str, str]:
    """The gateway's (base URL, key): argument > `shim.api_base`/`shim.api_key` > LITELLM_PROXY_API_BASE/_KEY.

    Raises `ConfigError` when either is missing; OpenAI's own variables are never read.
    """
    settings = package_settings()
    base = resolve_base_url(str(base_url) if isinstance(base_url, _http.URL) else base_url, settings, os.environ)
    return base, resolve_api_key(api_key, settings, os.environ)


def _wire_options(options: Any) -> Any:
    """The request options with a `litellm_proxy/` model stripped, in the body (JSON or multipart) or the path.

    The path is checked once stripped (`litellm_proxy/..` becomes `..`, which the SDK checked with the prefix on),
    and on every openai release (older ones do not check): `ValueError` for a dot-segment, before any I/O."""
    body = options.json_data
    if isinstance(body, Mapping) and "model" in body:
        fields = cast("Mapping[str, Any]", body)
        options.json_data = {**fields, "model": strip_prefix(fields["model"])}
    url = options.url
    if isinstance(url, str):
        for prefixed in _MODEL_PATHS:
            if url.startswith(prefixed):
                rest = url[len(prefixed) :]
                if not rest.split("?", 1)[0]:  # `/models/` is the list: a delete there would go to the collection
                    raise ValueError("Expected a non-empty value for `model` after the 'litellm_proxy/' prefix")
                options.url = "/models/" + rest
        check_path(options.url)
    return options


@functools.cache
def _takes_admin_key() -> bool:
    return "admin_api_key" in inspect.signature(openai.OpenAI).parameters  # and openai.AsyncOpenAI: one release


def _admin_key(key: str) -> dict[str, Any]:
    """`admin_api_key=key` for the openai releases that have an admin key (2.x on): else they would read
    OPENAI_ADMIN_KEY and send it to the gateway. Earlier releases have none to keep away."""
    return {"admin_api_key": key} if _takes_admin_key() else {}


def _options(key: str, base: str, pool: object, default_headers: Mapping[str, str] | None) -> dict[str, Any]:
    """What a gateway client is made with: its tenant's key (also as the admin key where openai has one), the
    gateway's URL, its pool, and headers without OpenAI's environment."""
    return {
        "api_key": key,
        **_admin_key(key),
        "base_url": base,
        "default_headers": _headers(key, default_headers),
        "http_client": pool,
    }


def _headers(api_key: str, default_headers: Mapping[str, str] | None) -> dict[str, str]:
    # OpenAI's environment (org, project, OPENAI_CUSTOM_HEADERS) stays away; the gateway key is this client's.
    return {**isolation_headers(), **(default_headers or {}), **auth_headers(api_key)}


def _send(
    client: openai.OpenAI | openai.AsyncOpenAI,
    send: Any,
    cast_to: Any,
    options: Any,
    stream: bool,
    stream_cls: Any,
    *,
    asynchronous: bool,
) -> Any:
    """One request of a shim client through the SDK's `request` (`send`): what it returns (for the async client,
    an awaitable of it). Every stream it makes scrubs the key from what it raises (`ObservedStream`)."""
    options = _wire_options(options)
    if not _observe.active():
        watched = _observe_sdk.stream_class(stream_cls, options, stream=stream, asynchronous=asynchronous)
        return send(cast_to, options, stream=stream, stream_cls=watched or stream_cls)
    observe = _observe_sdk.arequest if asynchronous else _observe_sdk.request
    return observe(
        lambda wired, cls: send(cast_to, wired, stream=stream, stream_cls=cls),  # pyright: ignore[reportUnknownLambdaType]
        options,
        stream=stream,
        stream_cls=stream_cls,
        base_url=str(client.base_url),
        api_key=client.api_key,
    )


def _sharing(pool: object) -> object | None:
    """What a client holds when its pool is the shim's shared one (a gateway's, also reached by a copy made with
    `with_options(base_url=...)` for another gateway): the cached client owning it, so the LRU keeps the pool
    open meanwhile (or True once that is gone). None: the pool is the client's own, and `close()` closes it."""
    shared, owner = shared_pool_owner(pool)
    return (owner or True) if shared else None


class _Gateway(Generic[_PoolT]):
    """What `OpenAI` and `AsyncOpenAI` add to openai's clients, written once: the gateway's options, its URL and
    key from shim's configuration chain, and the shim's shared pool unless `http_client` is given. Each client
    names its openai constructor (`_shim_init`) and where its shared pool comes from (`_shim_shared_client`)."""

    _shim_shared: object | None

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | _http.URL | None = None,
        api_base: str | None = None,
        timeout: float | openai.Timeout | openai.NotGiven | None = openai.NOT_GIVEN,
        max_retries: int = openai.DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: _PoolT | None = None,
        websocket_base_url: str | _http.URL | None = None,
        **openai_only: object,
    ) -> None:
        base, key = gateway_route(api_key, base_url or api_base)
        shared = self._shim_shared_client(base) if http_client is None else None  # held until `_sharing` holds it
        pool = http_client_of(shared) if shared is not None else http_client
        self._shim_init(
            **_options(key, base, pool, default_headers),
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_query=default_query,
        )
        del openai_only  # organization, project, webhook_secret, workload_identity, ... from `copy()`
        self._shim_shared = _sharing(pool)

    def _shim_init(self, **options: Any) -> None:
        raise NotImplementedError

    def _shim_shared_client(self, base_url: str) -> openai.OpenAI | openai.AsyncOpenAI | None:
        raise NotImplementedError


class OpenAI(_Gateway[_http.Client], openai.OpenAI):
    """An `openai.OpenAI` for the LiteLLM gateway: every resource of the SDK, with the gateway's URL and key.

    Args:
        api_key: the gateway key; default `shim.api_key`, then LITELLM_PROXY_API_KEY (never OPENAI_API_KEY).
        base_url: the gateway's URL (alias `api_base`); default `shim.api_base`, then LITELLM_PROXY_API_BASE.
        timeout: as for `openai.OpenAI`.
        max_retries: as for `openai.OpenAI`.
        default_headers: as for `openai.OpenAI`.
        default_query: as for `openai.OpenAI`.
        websocket_base_url: as for `openai.OpenAI`.
        http_client: your own pool; by default the shim's shared pool for this gateway.

    A model given as `litellm_proxy/<name>` is sent as `<name>`. Raises `shim.ConfigError` before any I/O when
    the gateway's URL or key is missing. OpenAI-only options (`organization`, `project`, `admin_api_key`, ...)
    are accepted, as `with_options()` passes them on, and never sent to the gateway.

    Example:
        >>> client = shim.OpenAI()  # LITELLM_PROXY_API_BASE / LITELLM_PROXY_API_KEY
        >>> client.chat.completions.parse(model="litellm_proxy/gpt-4o", messages=msgs, response_format=Answer)
    """

    def _shim_init(self, **options: Any) -> None:
        openai.OpenAI.__init__(self, **options)

    def _shim_shared_client(self, base_url: str) -> openai.OpenAI:
        return openai_client_for(base_url)

    def __repr__(self) -> str:
        return f"shim.OpenAI(base_url={str(self.base_url)!r})"

    def request(self, cast_to: Any, options: Any, *, stream: bool = False, stream_cls: Any = None) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        """Send one request (the SDK's hook for every resource method), with the model prefix stripped; observed
        (callbacks, an OpenTelemetry span) when anything listens. The key is scrubbed from what it raises."""
        try:
            return _send(self, super().request, cast_to, options, stream, stream_cls, asynchronous=False)
        except Exception as error:
            scrub_key(error, self.api_key)  # a gateway may echo the key in its error body
            raise

    def close(self) -> None:
        """Close the pool, unless it is the shim's shared one (then `shim.close()` does)."""
        if self._shim_shared is None:
            super().close()


class AsyncOpenAI(_Gateway[_http.AsyncClient], openai.AsyncOpenAI):
    """The async `shim.OpenAI`: an `openai.AsyncOpenAI` for the gateway.

    Made inside a running event loop, it shares the shim's pool for that loop and gateway; made outside one, it
    has its own pool (close it with `await client.close()`).

    Example:
        >>> client = shim.AsyncOpenAI(api_key="sk-tenant")
        >>> await client.responses.create(model="litellm_proxy/gpt-4o", input="hi")
    """

    def _shim_init(self, **options: Any) -> None:
        openai.AsyncOpenAI.__init__(self, **options)

    def _shim_shared_client(self, base_url: str) -> openai.AsyncOpenAI | None:
        return async_openai_client_for(base_url)

    def __repr__(self) -> str:
        return f"shim.AsyncOpenAI(base_url={str(self.base_url)!r})"

    async def request(self, cast_to: Any, options: Any, *, stream: bool = False, stream_cls: Any = None) -> Any:  # pyright: ignore[reportIncompatibleMethodOverride]
        """Send one request (the SDK's hook for every resource method), with the model prefix stripped; observed
        (callbacks, an OpenTelemetry span) when anything listens. The key is scrubbed from what it raises."""
        try:
            return await _send(self, super().request, cast_to, options, stream, stream_cls, asynchronous=True)
        except Exception as error:
            scrub_key(error, self.api_key)
            raise

    async def close(self) -> None:
        """Close the pool, unless it is the shim's shared one (then `shim.aclose()` does)."""
        if self._shim_shared is None:
            await super().close()


def openai_client_for(base_url: str) -> openai.OpenAI:
    """The shim's cached (keyless) client for this gateway."""
    return CACHE.sync_client(base_url, pool_verify(base_url, None))


def async_openai_client_for(base_url: str) -> openai.AsyncOpenAI | None:
    """The running loop's cached client for this gateway; None outside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    return CACHE.async_client(base_url, pool_verify(base_url, None))
