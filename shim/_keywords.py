"""LiteLLM's own keyword arguments on a call: taken out of the body, and applied around the sender.

`take` (called by `prepare`) pops every name of LiteLLM's parameter table (`_litellm_params.PARAMS`) except the
routing and transport ones `prepare` reads itself and the few forwarded on purpose, and returns what the call asked
for (`Extras`). `around`/`aaround` wrap the sender: a mock answers locally, fallbacks retry on another model,
`.parsed` is added to structured outputs, and a debug line is logged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import openai
import pydantic

from shim import _debug, _fallbacks, _mock, _structured, _transport
from shim._litellm_params import PARAMS
from shim._router import PREFIX, Route
from shim.exceptions import ConfigError

if TYPE_CHECKING:
    from shim._request import Call

OutT = TypeVar("OutT")

# Table names `prepare` reads itself (routing, retries, headers), and the ones the gateway gets on purpose.
_READ_BY_PREPARE = frozenset({"api_base", "api_key", "custom_llm_provider", "headers", "num_retries", "max_retries"})
_NOT_TAKEN = _READ_BY_PREPARE | {name for name, kind in PARAMS.items() if kind == "forwarded"}
_ROUTING = ("api_base", "base_url", "api_key", "custom_llm_provider")
# A call that names none of these has no LiteLLM keyword to apply or drop: `prepare` skips `take` altogether.
TAKEN = (
    frozenset(PARAMS) - _NOT_TAKEN
    | {"caching", "cache", "request_timeout", "client", "ssl_verify", "stream_timeout"}
    | {"mock_response", "mock_tool_calls", "mock_timeout", "mock_delay", *_fallbacks.NAMES}
    | {"response_format", "tools"}  # pydantic classes there become a json_schema format / function tools
)
_CACHE_CONTROL = frozenset({"no-cache", "no-store"})


@dataclass(frozen=True, slots=True)
class Extras:
    """What a call's LiteLLM keywords ask for beyond the request itself."""

    again: Callable[[Mapping[str, Any]], Call[Any, Any]]  # the same call with overrides, for a fallback
    mock: _mock.Mock | None = None
    fallbacks: _fallbacks.Fallbacks | None = None
    parse_as: type[pydantic.BaseModel] | None = None
    stream_timeout: float | None = None
    verify: _transport.Verify | None = None  # None: SSL_VERIFY / shim.ssl_verify / SSL_CERT_FILE decide
    client: openai.OpenAI | openai.AsyncOpenAI | None = None
    timeout: object = None  # for mock_timeout


def take(kwargs: dict[str, Any], again: Callable[[Mapping[str, Any]], Call[Any, Any]]) -> Extras:
    """Pop LiteLLM's own keywords from `kwargs` (leaving those `prepare` reads) and return what they ask for."""
    _refuse_caching(kwargs.pop("caching", None), kwargs.pop("cache", None))
    if kwargs.get("timeout") is None and kwargs.get("request_timeout") is not None:
        kwargs["timeout"] = kwargs["request_timeout"]  # LiteLLM: timeout or request_timeout
    client = _transport.check_client(kwargs.pop("client", None))
    if client is not None:
        kwargs.setdefault("api_base", str(client.base_url))
        kwargs.setdefault("api_key", client.api_key)
    extras = Extras(
        again,
        mock=_mock.take(kwargs),
        fallbacks=_fallbacks.take(kwargs),
        parse_as=_structured.take(kwargs),
        stream_timeout=_seconds("stream_timeout", kwargs.pop("stream_timeout", None)),
        verify=_verify(kwargs.pop("ssl_verify", None)),
        client=client,
        timeout=kwargs.get("timeout"),
    )
    if client is not None:  # a key only ever goes to the gateway it was given for
        bases = [kwargs.get("api_base"), kwargs.get("base_url"), *_fallbacks.gateways(extras.fallbacks)]
        _transport.check_client_gateway(client, bases)
    for name in [name for name in kwargs if name in PARAMS and name not in _NOT_TAKEN]:
        del kwargs[name]
    if extras.mock is not None:
        for name in _ROUTING:
            kwargs.pop(name, None)
    return extras


def _verify(given: object) -> _transport.Verify | None:
    """A given `ssl_verify`, checked before I/O; None when not given (the pool's settings then decide)."""
    return None if given is None else _transport.resolve_verify(given)


def mock_route(model: object) -> Route:
    """A mocked call's route: no gateway needed."""
    return _mock.route(model)


def stream_options(options: openai.RequestOptions, extras: Extras, stream: bool) -> None:
    """`stream_timeout` is the longest wait for the next piece of a stream: the read timeout of a streaming call."""
    if stream and extras.stream_timeout is not None:
        total = options.get("timeout")
        base = total if isinstance(total, openai.Timeout) else openai.Timeout(total if total is not None else 600.0)
        options["timeout"] = openai.Timeout(base.connect, read=extras.stream_timeout, write=base.write, pool=base.pool)


def around(call: Call[Any, Any], send: Callable[[Call[Any, Any]], OutT]) -> OutT:
    """Send `call` with its LiteLLM keywords applied."""
    extras = call.extras
    if extras is None:
        return send(call)
    if extras.mock is not None:
        if extras.mock.timeout:
            time.sleep(_mock.timeout_seconds(extras.timeout))
            raise _mock.timeout_error()
        return _finish(_mocked(call, extras.mock, asynchronous=False), extras)
    _log(call)
    try:
        return _finish(send(call), extras)
    except openai.APIError as error:
        for n, fallback in _next(call, error):
            try:
                return _finish(_mark(send(fallback), n), extras)
            except openai.APIError as again:
                error = again
        raise error  # its own __cause__ (the SDK's exception, scrubbed) stays for debugging


async def aaround(call: Call[Any, Any], send: Callable[[Call[Any, Any]], Awaitable[OutT]]) -> OutT:
    """`around` for an async call."""
    extras = call.extras
    if extras is None:
        return await send(call)
    if extras.mock is not None:
        if extras.mock.timeout:
            await asyncio.sleep(_mock.timeout_seconds(extras.timeout))
            raise _mock.timeout_error()
        return _finish(_mocked(call, extras.mock, asynchronous=True), extras)
    _log(call)
    try:
        return _finish(await send(call), extras)
    except openai.APIError as error:
        for n, fallback in _next(call, error):
            try:
                return _finish(_mark(await send(fallback), n), extras)
            except openai.APIError as again:
                error = again
        raise error  # its own __cause__ (the SDK's exception, scrubbed) stays for debugging


def _next(call: Call[Any, Any], error: BaseException) -> list[tuple[int, Call[Any, Any]]]:
    extras = call.extras
    if extras is None or extras.fallbacks is None:
        return []
    model = PREFIX + call.route.model
    found = _fallbacks.candidates(extras.fallbacks, model, error)
    return [(n, extras.again(overrides)) for n, overrides in enumerate(found, 1)]


def _mocked(call: Call[Any, Any], mock: _mock.Mock, *, asynchronous: bool) -> Any:
    spec = call.spec
    _mock.check(spec.path)
    streams = call.stream and spec.chunks is not None
    response = _mock.response(spec.path, mock, call.route.model, stream=streams)
    if not streams:
        return spec.result.parse(call.route, response, 0.0)
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper

    chunks: Any = spec.chunks
    if asynchronous:
        return AsyncCustomStreamWrapper[Any](chunks, call.route, response, 0.0)
    return CustomStreamWrapper[Any](chunks, call.route, response, 0.0)


def _finish(result: OutT, extras: Extras) -> OutT:
    if extras.parse_as is not None:
        _structured.attach_parsed(result, extras.parse_as)
    return result


def _mark(result: OutT, attempted: int) -> OutT:
    """Record that a fallback answered, as LiteLLM does (`x-litellm-attempted-fallbacks`)."""
    hidden: Any = getattr(result, "_hidden_params", None)
    if isinstance(hidden, dict):
        headers: Any = cast("dict[str, Any]", hidden).setdefault("additional_headers", {})
        headers["x-litellm-attempted-fallbacks"] = attempted
    return result


def _log(call: Call[Any, Any]) -> None:
    url = f"{call.route.base_url}/{call.path}"
    _debug.log_request(call.spec.method, url, call.route.api_key, call.body)


def _refuse_caching(caching: object, cache: object) -> None:
    asks = bool(caching) or (isinstance(cache, Mapping) and not set(map(str, cache)) <= _CACHE_CONTROL)  # pyright: ignore[reportUnknownArgumentType]
    if asks or (cache is not None and not isinstance(cache, Mapping)):
        raise ConfigError(
            "shim has no client-side cache (caching=/cache=): turn on the gateway's cache (litellm_settings: "
            "cache: true in its config.yaml) and it serves repeated requests for every client"
        )


def _seconds(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name} must be a number of seconds > 0, not {value!r}")
    return float(value)
