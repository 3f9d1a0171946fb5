"""Observing calls sent through the openai SDK's own methods: `shim.OpenAI` and the SDK path of `patch_openai()`.

Every resource method of the SDK sends through the client's `request()`, which `shim.OpenAI` overrides; there the
call is wrapped in the observing layer, `_observe.watch` (callbacks, one span, `traceparent` to the gateway).
What the SDK returns decides what the span and the callbacks see:

- a parsed object (`ChatCompletion`, `ParsedChatCompletion`, `Response`, ...): itself; the gateway's facts (call
  id, cost) come from the answer's headers, seen by the shim pool's event hooks;
- `with_raw_response`: the object it parses to (the body is read already; the parse is cached, so the caller's own
  `.parse()` costs nothing more); `with_streaming_response` (body not read yet) and streamed raw responses: the
  response itself, so the span ends when it is returned, with the headers' facts;
- a stream: the SDK makes it with the `stream_cls` it is given, so it is given `ObservedStream[Chunk]`, an
  `openai.Stream` that shows each chunk to the call's observation and ends it when the stream ends, fails, or its
  HTTP response is closed (by `close()`, `with`, or a stream helper such as `chat.completions.stream()`). Observed
  or not, an error it raises has the client's key scrubbed (a gateway's error event may echo it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar, cast, get_args

import openai

from shim import _http
from shim._endpoints.specs import spec_for
from shim._errors import scrub_key
from shim._flow import Flow, adrive, drive, once
from shim._observe import hooks
from shim._observe import observation as _observe
from shim._transport.internals import client_of, wants_raw_response

T = TypeVar("T")
R = TypeVar("R")


Send = Callable[[Any, Any], R]  # (options, stream_cls) -> the SDK's result


def request(send: Send[R], options: Any, *, stream: bool, stream_cls: Any, base_url: str, api_key: str) -> R:
    """`send(options, stream_cls)` observed; `options` are the SDK's `FinalRequestOptions`. An error is shown to the
    span and the callbacks with `api_key` scrubbed (a gateway may echo it)."""
    return drive(_flow(send, options, stream, stream_cls, base_url, api_key, is_async=False), _no_call)


async def arequest(
    send: Send[Awaitable[R]], options: Any, *, stream: bool, stream_cls: Any, base_url: str, api_key: str
) -> R:
    """`request` for the async client."""
    return await adrive(_flow(send, options, stream, stream_cls, base_url, api_key, is_async=True), _no_call)


def _flow(
    send: Send[Any], options: Any, stream: bool, stream_cls: Any, base_url: str, api_key: str, *, is_async: bool
) -> Flow[Any]:
    """The observing layer around the SDK's own send: one step, the SDK's `request()`."""
    observed_cls = stream_class(stream_cls, options, stream=stream, asynchronous=is_async)
    observation = _observation(options, base_url, api_key, is_async)
    return _observe.watch(
        observation,
        lambda headers: once(lambda: send(_with_headers(options, headers), observed_cls or stream_cls)),
        streams=observed_cls is not None,
        report=_report,
    )


def _observation(options: Any, base_url: str, api_key: str, is_async: bool) -> _observe.Observation:
    """The call's observation, named by the endpoint table's row for its path (no ids), else by its resource."""
    url = str(options.url)
    spec = spec_for(str(options.method), url)
    body: Any = options.json_data
    fields = cast("Mapping[str, Any]", body if isinstance(body, Mapping) else {})
    model = fields.get("model")
    resource = url.strip("/").split("/", 1)[0]  # `models/gpt-4o`, `files/file-1/content`: their resource only
    return _observe.Observation(
        path=spec.path if spec is not None else resource,
        call_type=spec.call_type if spec is not None else resource,
        operation=spec.operation if spec is not None else resource,
        model=model if isinstance(model, str) else "",
        body=fields,
        base_url=base_url,
        is_async=is_async,
        api_key=api_key,
    )


def _no_call(step: object) -> Any:
    raise TypeError(f"the SDK path sends through the SDK, not {step!r}")


def _with_headers(options: Any, headers: dict[str, str]) -> Any:
    if headers:
        given: Any = options.headers
        mine = cast("Mapping[str, Any]", given if isinstance(given, Mapping) else {})
        options.headers = {**headers, **mine}  # the caller's own `traceparent` wins
    return options


def stream_class(stream_cls: Any, options: Any, *, stream: bool, asynchronous: bool) -> Any:
    """`Stream[Chunk]` as `ObservedStream[Chunk]` (its errors scrubbed of the client's key, its chunks shown to the
    call's observation, if any); None for no stream, a raw response's, or a chunk type that cannot be read."""
    if not stream or wants_raw_response(options.headers):
        return None
    args = get_args(stream_cls)
    observed: Any = AsyncObservedStream if asynchronous else ObservedStream
    return observed[args[0]] if len(args) == 1 else None


def _scrubbed(stream: openai.Stream[Any] | openai.AsyncStream[Any], error: BaseException) -> None:
    """Scrub the stream's client's key from an error raised while reading it (an error event may echo it)."""
    key: object = getattr(client_of(stream), "api_key", None)
    if isinstance(key, str) and key:
        scrub_key(error, key)


def _report(result: object) -> object:
    """What the span and the callbacks see of a result: a raw response's parsed object when its body is read."""
    http: Any = getattr(result, "http_response", None)
    parse: Any = getattr(result, "parse", None)
    if not isinstance(http, _http.Response) or parse is None:
        return result
    if not http.is_stream_consumed or "json" not in http.headers.get("content-type", ""):
        return result
    try:
        parsed: object = parse()  # LegacyAPIResponse: sync, and cached for the caller's own parse()
    except Exception:  # what the caller's own parse() raises is theirs to see, not ours
        return result
    return result if isinstance(parsed, Awaitable) else parsed


class _Watch:
    """One stream's link to its call's observation: chunks in, one end out, however the stream ends."""

    def __init__(self) -> None:
        self.observation = hooks.current()
        self.reading = False  # inside our own next(): a close then is the SDK's, at the stream's end
        self.ended = False

    @classmethod
    def over(cls, response: _http.Response, closing: Callable[[Any, _Watch], Any]) -> _Watch:
        """The watch of a stream over `response`; for an observed call, the response's body (wrapped by
        `closing`, `_ClosingStream` or `_AsyncClosingStream`) also tells it when the response is closed."""
        watch = cls()
        if watch.observation is not None:
            response.stream = closing(response.stream, watch)
        return watch

    def chunk(self, chunk: object) -> None:
        if self.observation is not None:
            self.observation.chunk(chunk)

    def end(self, error: BaseException | None) -> None:
        if not self.ended and self.observation is not None:
            self.ended = True
            self.observation.end(error)

    def reading_from(self, stream: openai.Stream[Any] | openai.AsyncStream[Any]) -> _Reading:
        """Around the SDK's own next chunk: see `_Reading`."""
        return _Reading(self, stream)

    def closed(self) -> None:
        if not self.reading:  # closed by the caller (close(), `with`, a stream helper) before the end
            self.end(GeneratorExit())


class _Reading:
    """The SDK reading one chunk: its stream's end (`Stop[Async]Iteration`) or error ends the watch, the error
    first scrubbed of the stream's key (a gateway's error event may echo it). A class, not a `@contextmanager`: it
    wraps every chunk."""

    __slots__ = ("stream", "watch")

    def __init__(self, watch: _Watch, stream: openai.Stream[Any] | openai.AsyncStream[Any]) -> None:
        self.watch = watch
        self.stream = stream

    def __enter__(self) -> None:
        self.watch.reading = True

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> None:
        watch = self.watch
        watch.reading = False
        if isinstance(error, (StopIteration, StopAsyncIteration)):
            watch.end(None)
        elif error is not None:
            _scrubbed(self.stream, error)
            watch.end(error)


class _ClosingStream(_http.SyncByteStream):
    """A response's byte stream that tells its watch when the response is closed."""

    def __init__(self, inner: Any, watch: _Watch) -> None:
        self.inner = inner
        self.watch = watch

    def __iter__(self) -> Iterator[bytes]:
        yield from self.inner

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            self.watch.closed()


class _AsyncClosingStream(_http.AsyncByteStream):
    """`_ClosingStream` for an async response."""

    def __init__(self, inner: Any, watch: _Watch) -> None:
        self.inner = inner
        self.watch = watch

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self.inner:
            yield part

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            self.watch.closed()


class ObservedStream(openai.Stream[T], Generic[T]):
    """An `openai.Stream` whose chunks and end go to the observation of the call that made it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shim_watch = _Watch.over(self.response, _ClosingStream)

    def __next__(self) -> T:
        with self._shim_watch.reading_from(self):
            chunk = super().__next__()
        self._shim_watch.chunk(chunk)
        return chunk

    def __iter__(self) -> Iterator[T]:
        while True:
            try:
                yield self.__next__()
            except StopIteration:
                return


class AsyncObservedStream(openai.AsyncStream[T], Generic[T]):
    """The async `ObservedStream`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shim_watch = _Watch.over(self.response, _AsyncClosingStream)

    async def __anext__(self) -> T:
        with self._shim_watch.reading_from(self):
            chunk = await super().__anext__()
        self._shim_watch.chunk(chunk)
        return chunk

    async def __aiter__(self) -> AsyncIterator[T]:  # pyright: ignore[reportIncompatibleMethodOverride]
        while True:
            try:
                yield await self.__anext__()
            except StopAsyncIteration:
                return
