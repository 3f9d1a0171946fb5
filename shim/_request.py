"""The one path from a call to the wire: resolve the route, split the options, send through the cached client.

Sync and async share everything here except the line that awaits the SDK.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import openai

from shim import _http
from shim._clients import ClientCache, auth_headers
from shim._errors import translating
from shim._router import Route, Settings, resolve, resolve_api_key, resolve_base_url

CACHE = ClientCache()

# A year: beyond ~9e9 s the socket layer raises OverflowError, and nobody means to wait longer than this.
_MAX_TIMEOUT = 365 * 24 * 3600

# The characters of an HTTP header name (RFC 9110 "token").
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# LiteLLM-only options that mean nothing on this route; accepted so LiteLLM code runs unchanged.
_IGNORED = ("drop_params",)


@dataclass(frozen=True, slots=True)
class Call:
    """A resolved call: where it goes, what it sends, and how (timeout, retries, headers)."""

    route: Route
    path: str
    body: dict[str, Any]
    options: openai.RequestOptions
    stream: bool = False
    method: str = "post"
    files: Any = None


def package_settings() -> Settings:
    """The module attributes `shim.api_base`, `shim.api_key`, `shim.use_litellm_proxy`, read at call time."""
    package = sys.modules["shim"]
    return Settings(
        api_base=getattr(package, "api_base", None),
        api_key=getattr(package, "api_key", None),
        use_litellm_proxy=bool(getattr(package, "use_litellm_proxy", False)),
    )


def prepare(
    path: str, model: object, fields: Mapping[str, Any], kwargs: dict[str, Any], *, streams: bool = True
) -> Call:
    """Resolve a call's route and options; what is left of `kwargs` goes into the JSON body.

    Raises `RouteError`, `ConfigError`, `TypeError` or `ValueError` before anything is sent.
    """
    route = resolve(
        model,
        api_base=_first(kwargs, "api_base", "base_url"),
        api_key=kwargs.pop("api_key", None),
        custom_llm_provider=kwargs.pop("custom_llm_provider", None),
        settings=package_settings(),
        env=os.environ,
    )
    options = request_options(kwargs)
    extra_body = kwargs.pop("extra_body", None)
    for name in _IGNORED:
        kwargs.pop(name, None)
    body = {"model": route.model, **fields, **{k: v for k, v in kwargs.items() if v is not None}}
    if extra_body is not None:
        body.update(_mapping("extra_body", extra_body))
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise TypeError(f"stream must be True or False, not {stream!r}")
    if stream and not streams:
        raise ValueError(f"{path} does not stream: drop stream=True")
    return Call(route, path, body, options, stream=bool(stream))


def prepare_get(path: str, kwargs: dict[str, Any]) -> Call:
    """A GET with no model (e.g. `models`): the gateway and key only; other keywords become query parameters."""
    settings = package_settings()
    route = Route(
        "",
        resolve_base_url(_first(kwargs, "api_base", "base_url"), settings, os.environ),
        resolve_api_key(kwargs.pop("api_key", None), settings, os.environ),
    )
    options = request_options(kwargs)
    params = {k: v for k, v in kwargs.items() if v is not None}
    if params:
        options["params"] = params
    return Call(route, path, {}, options, method="get")


def request_options(kwargs: dict[str, Any]) -> openai.RequestOptions:
    """Pop the transport options (timeout, retries, headers) from `kwargs`."""
    options: openai.RequestOptions = {}
    timeout = kwargs.pop("timeout", None)
    if timeout is not None:
        options["timeout"] = _timeout(timeout)
    retries = _first(kwargs, "num_retries", "max_retries")
    if retries is not None:
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"num_retries must be an int >= 0, not {retries!r}")
        options["max_retries"] = retries
    # LiteLLM sends both when both are given; `extra_headers` wins a name given twice.
    headers = {**_headers(kwargs.pop("headers", None) or {}), **_headers(kwargs.pop("extra_headers", None) or {})}
    if headers:
        options["headers"] = headers
    query = kwargs.pop("extra_query", None)
    if query:
        options["params"] = _mapping("extra_query", query)
    return options


def send(call: Call) -> _http.Response:
    """Send through the cached sync client; the SDK retries, we translate its errors."""
    client = CACHE.sync_client(call.route.base_url)
    with translating(call.route):
        return _issue(client, call)


async def asend(call: Call) -> _http.Response:
    """Send through the running loop's cached async client."""
    client = CACHE.async_client(call.route.base_url)
    with translating(call.route):
        return await _issue(client, call)


def _issue(client: openai.OpenAI | openai.AsyncOpenAI, call: Call) -> Any:
    """The SDK call (a response, or for the async client an awaitable of one). The body is plain JSON already,
    so the SDK's per-endpoint parameter transformation is skipped; its JSON encoder still serializes message
    objects from earlier responses."""
    options = _with_key(call)
    if call.method == "get":
        return client.get(call.path, cast_to=_http.Response, options=options)
    return client.post(
        call.path, cast_to=_http.Response, body=call.body, files=call.files, options=options, stream=call.stream
    )


def _with_key(call: Call) -> openai.RequestOptions:
    """The call's options with its tenant's key: one client serves every tenant of a gateway."""
    return {**call.options, "headers": {**auth_headers(call.route.api_key), **call.options.get("headers", {})}}


def _first(kwargs: dict[str, Any], name: str, alias: str) -> Any:
    value = kwargs.pop(name, None)
    other = kwargs.pop(alias, None)
    return value if value is not None else other


def _timeout(value: object) -> float | openai.Timeout:
    if isinstance(value, openai.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= _MAX_TIMEOUT:
        raise ValueError(
            f"timeout must be a number of seconds > 0 and <= {_MAX_TIMEOUT} or an openai.Timeout, not {value!r}"
        )
    return float(value)


def _headers(value: object) -> dict[str, str]:
    # Checked here, before I/O: a CR/LF would inject a header, and the HTTP library would fail late (and be retried).
    headers = _mapping("extra_headers", value)
    for name, header in headers.items():
        if not name or not set(name) <= _TOKEN:
            raise ValueError(f"extra_headers has an invalid header name {name!r}: use letters, digits and '-'")
        if not isinstance(header, str) or not (header.isascii() and header.isprintable()):
            raise ValueError(f"extra_headers[{name!r}] must be a printable ASCII string")
    return headers


def _mapping(name: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    mapping = cast("Mapping[object, Any]", value)
    return {str(k): v for k, v in mapping.items()}
