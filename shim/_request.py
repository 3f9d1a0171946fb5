"""The one path from a call to the wire: split the keyword arguments, resolve the route, send, make the result.

`prepare` is the only place that splits a call's keyword arguments (routing, transport options, body); `result`
and `run` send a prepared call through the cached client and turn the answer into the endpoint's result or
stream. Sync and async share everything except the line that awaits the SDK.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from time import monotonic, perf_counter
from typing import TYPE_CHECKING, Any, TypeVar, cast

import openai

from shim import _http
from shim._call import Call, FilePart, Spec
from shim._errors import translating
from shim._flow import Flow, adrive, drive
from shim._litellm import keywords
from shim._litellm.fallbacks import merged
from shim._litellm.keywords import TAKEN, mock_route, stream_options, take
from shim._observe import observation as _observe
from shim._observe.callbacks import per_call
from shim._router import Route, Settings, check_provider, package_settings, resolve, resolve_api_key, resolve_base_url
from shim._settings import SETTINGS
from shim._transport import internals
from shim._transport.bounds import Bounds, bounded
from shim._transport.clients import CACHE, auth_headers
from shim._transport.json import encode, jsonable
from shim._transport.paths import fill

if TYPE_CHECKING:
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper, Watcher

ResultT = TypeVar("ResultT")
ChunkT = TypeVar("ChunkT")


_OTEL = "opentelemetry.trace"  # imported: spans are wanted (shim/_observe/otel.py)

# A year: beyond ~9e9 s the socket layer raises OverflowError, and nobody means to wait longer than this.
_MAX_TIMEOUT = 365 * 24 * 3600

# The characters of an HTTP header name (RFC 9110 "token").
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Headers the HTTP client sets to frame the request (and hop-by-hop ones): a caller's copy breaks it in the transport.
_FRAMING = frozenset({"content-length", "transfer-encoding", "host", "connection", "keep-alive", "upgrade", "te"})

# LiteLLM-only options that mean nothing on this route; accepted so LiteLLM code runs unchanged.
_IGNORED = ("drop_params",)
_NOT_GIVEN: Any = object()


def prepare(
    spec: Spec[ResultT, ChunkT],
    model: object,
    fields: Mapping[str, Any],
    kwargs: dict[str, Any],
    *,
    stream: object = None,
    files: Sequence[tuple[str, FilePart]] = (),
    ids: Mapping[str, str] | None = None,
) -> Call[ResultT, ChunkT]:
    """Resolve a call's route and options; what is left of `kwargs` goes into the body (the query of a GET).
    `ids` fill the spec's path (`files/{file_id}`).

    Raises `RouteError`, `ConfigError`, `TypeError` or `ValueError` before anything is sent.
    """
    # LiteLLM's own keywords never reach the body (forwarded ones excepted); a call naming none skips the keyword
    # layer altogether (and its copy of the arguments for fallbacks), unless debug output wants it to log.
    settings = package_settings()
    if settings.debug or not kwargs.keys().isdisjoint(TAKEN):
        extras = take(kwargs, _again(spec, model, fields, dict(kwargs), stream, files, ids))
    else:
        extras = None
    stream = _stream(spec, stream if stream is not None else kwargs.pop("stream", None))
    mocked = extras is not None and extras.mock is not None
    route = mock_route(model) if mocked else _route(spec, model, kwargs, settings)
    options = request_options(kwargs)
    total_timeout = _total_timeout(kwargs.pop("total_timeout", None))
    max_bytes = _max_response_bytes(kwargs.pop("max_response_bytes", _NOT_GIVEN))
    if extras is not None:
        stream_options(options, extras, bool(stream))
    extra_body = kwargs.pop("extra_body", None)
    callbacks = per_call(kwargs.pop("callbacks")) if "callbacks" in kwargs else ()
    for name in _IGNORED:
        kwargs.pop(name, None)
    given = {**fields, **kwargs}
    body = {**spec.defaults, **{k: v for k, v in given.items() if v is not None}}
    if route.model:
        body = {"model": route.model, **body}
    if stream is not None and spec.chunks is not None:
        body["stream"] = stream
    if extra_body is not None:
        body.update(_mapping("extra_body", extra_body))
    if files:
        options["headers"] = {**options.get("headers", {}), "Content-Type": "multipart/form-data"}
    path = fill(spec.path, ids)  # ValueError for an id of "." or "..", which would leave its segment
    return Call(spec, route, body, options, bool(stream), files, total_timeout, max_bytes, callbacks, extras, path)


def _again(
    spec: Spec[ResultT, ChunkT],
    model: object,
    fields: Mapping[str, Any],
    original: dict[str, Any],
    stream: object,
    files: Sequence[tuple[str, FilePart]],
    ids: Mapping[str, str] | None,
) -> Callable[[Mapping[str, Any]], Call[ResultT, ChunkT]]:
    """The same call with a fallback's overrides (`model`, `api_base`, `api_key`, ...), prepared afresh."""

    def again(overrides: Mapping[str, Any]) -> Call[ResultT, ChunkT]:
        fallback = merged(original, dict(overrides))
        return prepare(spec, overrides.get("model", model), fields, fallback, stream=stream, files=files, ids=ids)

    return again


def _stream(spec: Spec[Any, Any], stream: object) -> bool | None:
    if stream is not None and not isinstance(stream, bool):
        raise TypeError(f"stream must be True or False, not {stream!r}")
    if stream and spec.chunks is None and not spec.binary:
        raise ValueError(f"{spec.path} does not stream: drop stream=True")
    return stream


def _route(spec: Spec[Any, Any], model: object, kwargs: dict[str, Any], settings: Settings) -> Route:
    api_base = _first(kwargs, "api_base", "base_url")
    api_key = kwargs.pop("api_key", None)
    provider = kwargs.pop("custom_llm_provider", None)
    if not spec.takes_model or (spec.takes_model == "optional" and model is None):
        check_provider(provider)
        return Route(
            "", resolve_base_url(api_base, settings, os.environ), resolve_api_key(api_key, settings, os.environ)
        )
    return resolve(
        model, api_base=api_base, api_key=api_key, custom_llm_provider=provider, settings=settings, env=os.environ
    )


def request_options(kwargs: dict[str, Any]) -> openai.RequestOptions:
    """Pop the transport options (timeout, retries, headers, query) from `kwargs`."""
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


def result(call: Call[ResultT, Any]) -> ResultT:
    """Send `call` and return its typed result."""
    return drive(_layers(call, asynchronous=False), _send)


async def aresult(call: Call[ResultT, Any]) -> ResultT:
    """`result` on the running loop's client."""
    return await adrive(_layers(call, asynchronous=True), _asend)


def run(call: Call[ResultT, ChunkT]) -> ResultT | CustomStreamWrapper[ChunkT]:
    """Send `call`; return its result, or a stream of chunks when the call streams events."""
    return drive(_layers(call, asynchronous=False), _send)


async def arun(call: Call[ResultT, ChunkT]) -> ResultT | AsyncCustomStreamWrapper[ChunkT]:
    """`run` on the running loop's client."""
    return await adrive(_layers(call, asynchronous=True), _asend)


def _layers(call: Call[Any, Any], *, asynchronous: bool) -> Flow[Any]:
    """The layers around the send, outermost first: observing (when anything listens), LiteLLM's keywords (when
    the call names any), then the exchange that turns the answer into the result or stream."""
    if _listened(call):
        observation = _observe.observation_of(call, is_async=asynchronous)
        exchange = Exchange(asynchronous, observation)
        return _observe.watch(
            observation,
            lambda headers: keywords.flow(_observe.with_headers(call, headers), exchange, asynchronous=asynchronous),
            streams=call.stream and call.spec.chunks is not None,
        )
    exchange = Exchange(asynchronous)
    return exchange(call) if call.extras is None else keywords.flow(call, exchange, asynchronous=asynchronous)


def _listened(call: Call[Any, Any]) -> bool:
    """Whether anything listens to the call (its callbacks, the package's, or spans): the one check on every call,
    made of attribute reads here (as `shim._observe.observation.active` for the SDK path)."""
    settings = SETTINGS
    return bool(call.callbacks or _OTEL in sys.modules or settings.callbacks or settings.input_callback) or bool(
        settings.success_callback or settings.failure_callback
    )


class Exchange:
    """One send of a call, and what its answer becomes: the endpoint's result, or a stream of its chunks (sync or
    async, shown to `watcher` when the call is observed)."""

    __slots__ = ("asynchronous", "watcher")

    def __init__(self, asynchronous: bool, watcher: Watcher | None = None) -> None:
        self.asynchronous = asynchronous
        self.watcher = watcher

    def __call__(self, call: Call[Any, Any]) -> Flow[Any]:
        started = perf_counter()
        response: _http.Response = yield call
        elapsed_ms = (perf_counter() - started) * 1000
        if call.spec.chunks is None or not call.stream:
            return call.spec.result.parse(call.route, response, elapsed_ms)
        from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper

        if self.asynchronous:
            return AsyncCustomStreamWrapper[Any](call.spec.chunks, call.route, response, elapsed_ms, self.watcher)
        return CustomStreamWrapper[Any](call.spec.chunks, call.route, response, elapsed_ms, self.watcher)


def _send(call: Call[Any, Any]) -> _http.Response:
    """Send through the cached sync client; the SDK retries, we translate its errors."""
    client = CACHE.for_call(call.route.base_url, *_tls(call))
    with translating(call.route), bounded(_bounds(call)):
        return _issue(client, call)


async def _asend(call: Call[Any, Any]) -> _http.Response:
    """Send through the running loop's cached async client."""
    client = CACHE.async_for_call(call.route.base_url, *_tls(call))
    with translating(call.route), bounded(_bounds(call)):
        return await _issue(client, call)


def _tls(call: Call[Any, Any]) -> tuple[bool | str | None, object]:
    return (None, None) if call.extras is None else (call.extras.verify, call.extras.client)


def _issue(client: openai.OpenAI | openai.AsyncOpenAI, call: Call[Any, Any]) -> Any:
    """The SDK call (a response, or for the async client an awaitable of one). The body is plain JSON already,
    so the SDK's per-endpoint parameter transformation is skipped, and it goes as bytes serialized here: the
    SDK's encoder (non-ASCII output, a Python-level hook per object) cost ~1.7x as much for a long conversation.
    Bytes are sent again as they are on a retry."""
    options = _with_key(call)
    path = call.path
    if call.spec.method == "get":
        return client.get(path, cast_to=_http.Response, options=options, stream=call.stream)
    if call.spec.method == "delete":
        return client.delete(path, cast_to=_http.Response, options=options)
    if call.files:
        files = list(call.files)
        return client.post(
            path, cast_to=_http.Response, body=call.body, files=files, options=options, stream=call.stream
        )
    if not _posts_bytes():  # openai < 2: the SDK serializes the body, and cannot serialize message objects
        return client.post(path, cast_to=_http.Response, body=jsonable(call.body), options=options, stream=call.stream)
    template = internals.post_template()
    if template is None:
        return client.post(path, cast_to=_http.Response, content=encode(call.body), options=options, stream=call.stream)
    update = {"url": path, "content": encode(call.body), **options}
    return client.request(_http.Response, template.model_copy(update=update), stream=call.stream)


@functools.cache
def _posts_bytes() -> bool:
    """Whether the installed SDK's `post()` takes a ready body (`content=`)."""
    return "content" in inspect.signature(openai.OpenAI.post).parameters


def _with_key(call: Call[Any, Any]) -> openai.RequestOptions:
    """The call's options with its tenant's key: one client serves every tenant of a gateway."""
    options: openai.RequestOptions = {
        **call.options,
        "headers": {**auth_headers(call.route.api_key), **call.options.get("headers", {})},
    }
    if call.spec.method == "get" and call.body:
        options["params"] = {**call.body, **call.options.get("params", {})}
    return options


def _bounds(call: Call[Any, Any]) -> Bounds:
    deadline = None if call.total_timeout is None else monotonic() + call.total_timeout
    return Bounds(read_whole=not call.stream, max_bytes=call.max_response_bytes, deadline=deadline)


def _first(kwargs: dict[str, Any], name: str, alias: str) -> Any:
    value = kwargs.pop(name, None)
    other = kwargs.pop(alias, None)
    return value if value is not None else other


def _seconds(name: str, value: object, also: str = "") -> float:
    """A number of seconds in (0, a year], checked before I/O."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= _MAX_TIMEOUT:
        raise ValueError(f"{name} must be a number of seconds > 0 and <= {_MAX_TIMEOUT}{also}, not {value!r}")
    return float(value)


def _timeout(value: object) -> float | openai.Timeout:
    return value if isinstance(value, openai.Timeout) else _seconds("timeout", value, " or an openai.Timeout")


def _total_timeout(value: object) -> float | None:
    value = SETTINGS.total_timeout if value is None else value
    return None if value is None else _seconds("total_timeout", value)


def _max_response_bytes(value: object) -> int | None:
    value = SETTINGS.max_response_bytes if value is _NOT_GIVEN else value
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"max_response_bytes must be a positive int, or None for no limit, not {value!r}")
    return value


def _headers(value: object) -> dict[str, str]:
    # Checked here, before I/O: a CR/LF would inject a header, and the HTTP library would fail late (and be retried).
    headers = _mapping("extra_headers", value)
    for name, header in headers.items():
        if not name or not set(name) <= _TOKEN:
            raise ValueError(f"extra_headers has an invalid header name {name!r}: use letters, digits and '-'")
        if name.lower() in _FRAMING:
            raise ValueError(f"extra_headers[{name!r}] is set by the HTTP client, which frames the request: drop it")
        if not isinstance(header, str) or not (header.isascii() and header.isprintable()):
            raise ValueError(f"extra_headers[{name!r}] must be a printable ASCII string")
    return headers


def _mapping(name: str, value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    mapping = cast("Mapping[object, Any]", value)
    return {str(k): v for k, v in mapping.items()}
