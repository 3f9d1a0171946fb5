"""LiteLLM's own keyword arguments on a call: taken out of the body, and applied around the sender.

`take` (called by `prepare`) pops every name of LiteLLM's parameter table (`_litellm_params.PARAMS`) except the
routing and transport ones `prepare` reads itself and the few forwarded on purpose, and returns what the call asked
for (`Extras`). `around`/`aaround` wrap the sender: a mock answers locally, fallbacks retry on another model,
`.parsed` is added to structured outputs, and a debug line is logged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import openai

from shim._call import Call, Extras, Overrides
from shim._flow import Flow, Wait
from shim._litellm import debug as _debug
from shim._litellm import fallbacks as _fallbacks
from shim._litellm import mock as _mock
from shim._litellm import structured as _structured
from shim._litellm.params import PARAMS
from shim._router import PREFIX, Route
from shim._transport import tls as _transport
from shim.exceptions import ConfigError

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


def flow(call: Call[Any, Any], exchange: Callable[[Call[Any, Any]], Flow[OutT]], *, asynchronous: bool) -> Flow[OutT]:
    """Send `call` with its LiteLLM keywords applied (`exchange` is one send and its result): a mock answers
    locally, fallbacks are tried in turn when the call fails, a structured output gets `.parsed`."""
    extras = call.extras
    if extras is None:
        return (yield from exchange(call))
    if extras.mock is not None:
        if extras.mock.timeout:
            yield Wait(_mock.timeout_seconds(extras.timeout))
            raise _mock.timeout_error()
        return _finish(_mocked(call, extras.mock, asynchronous=asynchronous), extras)
    _log(call)
    budget = _fallbacks.Budget(call.total_timeout)
    try:
        return _finish((yield from exchange(call)), extras)
    except openai.APIError as error:
        tried = _fallbacks.Tried(call, error)
        for n, overrides in enumerate(_candidates(call, error), 1):
            fallback = budget.within(extras.again(overrides))
            if fallback is None:  # the whole call's total_timeout is spent: no fallback starts
                raise tried.all_failed(budget_spent=True) from tried.last.__cause__
            try:
                return _finish(_mark((yield from exchange(fallback)), n), extras)
            except openai.APIError as again:
                tried.add(fallback, again)
        raise tried.all_failed() from tried.last.__cause__  # the SDK's exception (scrubbed) stays for debugging


def _candidates(call: Call[Any, Any], error: BaseException) -> list[Overrides]:
    extras = call.extras
    if extras is None or extras.fallbacks is None:
        return []
    return _fallbacks.candidates(extras.fallbacks, PREFIX + call.route.model, error)


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
    control = set(map(str, cast("Mapping[object, object]", cache))) if isinstance(cache, Mapping) else None
    asks = bool(caching) or (control is not None and not control <= _CACHE_CONTROL)
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
