"""Server-sent event streams: one decoder shared by the sync and async iterators, and `stream_chunk_builder`, which
makes one full response of a stream's chunks.

Leaving a loop early, `close()`, `with`, or dropping the iterator (even before its first chunk) closes the HTTP
response. A stream that ends
before `[DONE]` and before any choice finished raises `APIConnectionError`: a cut stream is never returned as if
it were complete.
"""

from __future__ import annotations

import codecs
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, NoReturn, Protocol, TypeVar, cast

import pydantic

from shim import _http
from shim import exceptions as exc
from shim._errors import invalid_body, json_object, raise_for_error_object, status_error, translating
from shim._results import Shape, attach, decode_json, hidden_params, private_attributes
from shim._router import Route
from shim.types import ModelResponse, TextCompletionResponse
from shim.types._base import GatewayResult

ChunkT = TypeVar("ChunkT")


class Watcher(Protocol):
    """Sees a stream's chunks and its end (shim/_observe/observation.py): None when read to the end, GeneratorExit
    when closed early (or dropped), else the error."""

    def chunk(self, chunk: Any) -> None: ...

    def end(self, error: BaseException | None) -> None: ...


class _Decoder(Generic[ChunkT]):
    """Turns the bytes of an event stream into chunks, as they come; knows whether the stream finished properly.

    It reads bytes, not text lines: an event ends at a blank line, and its data, still bytes, is validated into a
    chunk by pydantic-core in one step (`Shape.validated`), with no line or text object made per event; only data
    that does not validate is decoded and checked as before. Lines end at LF, CRLF or CR, as the SSE standard says
    (the HTTP library's text lines also broke at U+2028, U+2029 and U+0085, which JSON strings may hold raw).
    """

    def __init__(self, shape: Shape[ChunkT], route: Route, response: _http.Response, elapsed_ms: float) -> None:
        self.shape = shape
        self.route = route
        self.response = response
        self.hidden = hidden_params(route, response, elapsed_ms)
        self.private = private_attributes(self.hidden)  # each chunk gets a copy
        self.validate = shape.json_validator()
        self.rest: list[bytes] = []  # the bytes after the last blank line: an event under way
        self.done = False
        self.finished = False
        encoding = response.encoding or "utf-8"
        utf8 = codecs.lookup(encoding).name == "utf-8"
        # A charset other than UTF-8 that the gateway names: its text is read as UTF-8 bytes from here on.
        self.text = None if utf8 else codecs.getincrementaldecoder(encoding)(errors="replace")

    def feed(self, data: bytes) -> list[bytes]:
        """Take the body's next bytes; return the data of each event they complete (bytes, not chunks: the caller
        makes each chunk with `chunk` and hands it on before making the next, since a list of chunks lived long
        enough for the garbage collector to promote them, and then to sweep the whole heap)."""
        if self.text is not None:
            data = self.text.decode(data).encode()
        self.rest.append(data)
        # `find`, not `in`: `b"\n" in data` first tries its operand as an int, and formats a TypeError it drops.
        if data.find(b"\n") < 0 and data.find(b"\r") < 0:  # the middle of a long event: kept until its end comes
            return []
        data = b"".join(self.rest) if len(self.rest) > 1 else data
        cr = b""
        if data.find(b"\r") >= 0:
            data, cr = (data[:-1], b"\r") if data.endswith(b"\r") else (data, b"")  # half a CRLF, maybe
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        events = data.split(b"\n\n")
        last = events.pop()
        self.rest = [last + cr] if last or cr else []
        # One data line is nearly every event; any other is read line by line.
        return [
            event[6:] if event.startswith(b"data: ") and event.find(b"\n") < 0 else _data(event)
            for event in events
            if event.find(b"data:") >= 0
        ]

    def chunk(self, data: bytes) -> ChunkT | None:
        """The chunk of one event's data; None for `[DONE]`, empty data, or anything after `[DONE]`."""
        if self.done or not data:
            return None
        if data.startswith(b"[DONE]"):
            self.done = True
            return None
        chunk = self.shape.validated(self.route, data, self.validate)
        if chunk is None:
            return self._checked(data.decode("utf-8", "replace"))
        if isinstance(chunk, GatewayResult):
            object.__setattr__(chunk, "__pydantic_private__", self.private.copy())
        if not self.finished:
            self.finished = self.shape.finished(chunk)
        return chunk

    def _checked(self, text: str) -> ChunkT:
        """An event's data that did not validate: decoded, checked and built as every event once was."""
        try:
            payload = json.loads(text)
        except ValueError:
            raise invalid_body(self.response, text, self.route, "a stream event is not JSON") from None
        return self._chunk(payload)

    def _chunk(self, value: object) -> ChunkT:
        payload = json_object(value)
        if payload is None:
            raise invalid_body(self.response, value, self.route, "a stream event is not a JSON object")
        raise_for_error_object(self.response, payload, self.route)
        if payload.get("type") == "error":  # the Responses API's error event
            raise status_error(self.response, payload, self.route, str(payload.get("message") or payload))
        chunk = self.shape.build(payload, self.route, self.response, self.hidden)
        self.finished = self.finished or self.shape.finished(payload)
        return chunk

    def is_event_stream(self) -> bool:
        """False when the gateway answered a streaming call with a JSON document or an HTML page instead."""
        kind = self.response.headers.get("content-type", "").lower()
        return not ("json" in kind or "html" in kind)

    def not_a_stream(self) -> NoReturn:
        """Raise for a whole (read) body where a stream was expected: its error object, or what it is instead."""
        data = decode_json(self.response, self.route)
        kind = self.response.headers.get("content-type")
        raise invalid_body(self.response, data, self.route, f"expected an event stream, got {kind}")

    def end(self) -> None:
        """At the end of the body: the last event even without its blank line, and fail if the stream was cut
        short."""
        rest = b"".join(self.rest) + (b"" if self.text is None else self.text.decode(b"", final=True).encode())
        if rest.find(b"data:") >= 0:
            self.chunk(_data(rest.replace(b"\r\n", b"\n").replace(b"\r", b"\n")))
        if not (self.done or self.finished):
            message = "The gateway's stream ended before it finished (no [DONE] and no finish_reason)"
            raise exc.APIConnectionError(message=message, request=self.response.request)


def _data(event: bytes) -> bytes:
    """The data of an event's lines (LF-separated): its `data:` lines, not `event:`, `id:`, `retry:` or comments."""
    lines = event.split(b"\n")
    return b"\n".join(
        line[6:] if line.startswith(b"data: ") else line[5:] for line in lines if line.startswith(b"data:")
    )


# Each generator first yields this marker, at once: from then on, closing or garbage-collecting it runs its
# `finally`, so a stream dropped before its first chunk still closes its response (and frees its connection).
_STARTED: Any = object()


def _events(decoder: _Decoder[ChunkT]) -> Generator[ChunkT]:
    response = decoder.response
    try:
        yield _STARTED
        with translating(decoder.route):
            if not decoder.is_event_stream():
                response.read()
                decoder.not_a_stream()
            for data in response.iter_bytes():
                for event in decoder.feed(data):
                    chunk = decoder.chunk(event)
                    if chunk is not None:
                        yield chunk
            decoder.end()
    finally:
        response.close()


async def _aevents(decoder: _Decoder[ChunkT]) -> AsyncGenerator[ChunkT]:
    response = decoder.response
    try:
        yield _STARTED
        with translating(decoder.route):
            if not decoder.is_event_stream():
                await response.aread()
                decoder.not_a_stream()
            async for data in response.aiter_bytes():
                for event in decoder.feed(data):
                    chunk = decoder.chunk(event)
                    if chunk is not None:
                        yield chunk
            decoder.end()
    finally:
        await response.aclose()


def _watched(events: Generator[ChunkT], watcher: Watcher) -> Generator[ChunkT]:
    """`events` (past its marker) shown to `watcher`; ends exactly once, however the stream ends."""
    with _ending(watcher):
        try:
            yield _STARTED
            for chunk in events:
                watcher.chunk(chunk)
                yield chunk
        finally:
            events.close()


async def _awatched(events: AsyncGenerator[ChunkT], watcher: Watcher) -> AsyncGenerator[ChunkT]:
    """`_watched` for async streams."""
    with _ending(watcher):
        try:
            yield _STARTED
            async for chunk in events:
                watcher.chunk(chunk)
                yield chunk
        finally:
            await events.aclose()


@contextlib.contextmanager
def _ending(watcher: Watcher) -> Generator[None]:
    """Tells the watcher how its stream ended, once the block is left: None at the end, `GeneratorExit` when the
    stream is closed early (or dropped), else the error."""
    error: BaseException | None = None
    try:
        yield
    except BaseException as caught:
        error = caught
        raise
    finally:
        watcher.end(error)


class _Stream(Generic[ChunkT]):
    """What the sync and async streams share: the answer, its model, the gateway's facts, and a decoder."""

    def __init__(
        self,
        shape: Shape[ChunkT],
        route: Route,
        response: _http.Response,
        elapsed_ms: float,
        watcher: Watcher | None = None,
    ) -> None:
        self.response = response
        self.model = route.model
        decoder = _Decoder(shape, route, response, elapsed_ms)
        self._hidden_params = decoder.hidden  # LiteLLM's name; shared by every chunk (a fallback marks them all)
        self._begin(decoder, watcher)

    def _begin(self, decoder: _Decoder[ChunkT], watcher: Watcher | None) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r})"


EventsT = TypeVar("EventsT", Generator[Any], AsyncGenerator[Any])


def _chained(
    events: EventsT, watcher: Watcher | None, watched: Callable[[EventsT, Watcher], EventsT], start: Callable[..., Any]
) -> EventsT:
    """The stream's events, shown to `watcher` if any, each generator run to its _STARTED marker."""
    if watcher is not None:
        start(events)
        events = watched(events, watcher)
    start(events)
    return events


class CustomStreamWrapper(_Stream[ChunkT]):
    """A sync stream of chunks (LiteLLM's name). Iterate it, or use it as a context manager."""

    def _begin(self, decoder: _Decoder[ChunkT], watcher: Watcher | None) -> None:
        self._events: Generator[ChunkT] = _chained(_events(decoder), watcher, _watched, next)

    def __iter__(self) -> Iterator[ChunkT]:
        return self

    def __next__(self) -> ChunkT:
        return next(self._events)

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._events.close()
        self.response.close()

    def __enter__(self) -> CustomStreamWrapper[ChunkT]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _start(events: AsyncGenerator[Any]) -> None:
    """To the _STARTED marker without awaiting (nothing before it awaits); this also registers the generator with
    the running loop, which closes it if it is dropped."""
    with contextlib.suppress(StopIteration):
        events.__anext__().send(None)


class AsyncCustomStreamWrapper(_Stream[ChunkT]):
    """An async stream of chunks. Iterate it with `async for`, or use it as an async context manager."""

    def _begin(self, decoder: _Decoder[ChunkT], watcher: Watcher | None) -> None:
        self._events: AsyncGenerator[ChunkT] = _chained(_aevents(decoder), watcher, _awatched, _start)

    def __aiter__(self) -> AsyncIterator[ChunkT]:
        return self

    async def __anext__(self) -> ChunkT:
        return await self._events.__anext__()

    async def aclose(self) -> None:
        """Stop reading and release the connection."""
        await self._events.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> AsyncCustomStreamWrapper[ChunkT]:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


# --- `stream_chunk_builder`: one full response from the chunks of a stream ----------------------------------


@dataclass
class _ToolCall:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list[str])

    def add(self, delta: Any) -> None:
        self.id = self.id or delta.get("id")
        function: Any = delta.get("function") or {}
        self.name += function.get("name") or ""
        self.arguments.append(function.get("arguments") or "")

    def to_dict(self) -> dict[str, Any]:
        function = {"name": self.name, "arguments": "".join(self.arguments)}
        return {"id": self.id, "type": "function", "function": function}


@dataclass
class _Choice:
    role: str | None = None
    content: list[str] = field(default_factory=list[str])
    refusal: list[str] = field(default_factory=list[str])
    tool_calls: dict[int, _ToolCall] = field(default_factory=dict[int, _ToolCall])
    finish_reason: str | None = None

    def add(self, choice: Any) -> None:
        delta: Any = choice.get("delta") or {}
        self.role = self.role or delta.get("role")
        self.content.append(delta.get("content") or choice.get("text") or "")
        self.refusal.append(delta.get("refusal") or "")
        for call in delta.get("tool_calls") or ():
            self.tool_calls.setdefault(call.get("index", 0), _ToolCall()).add(call)
        self.finish_reason = choice.get("finish_reason") or self.finish_reason

    def message(self) -> dict[str, Any]:
        content = "".join(self.content)
        message: dict[str, Any] = {"role": self.role or "assistant", "content": content or None}
        if self.tool_calls:
            message["tool_calls"] = [self.tool_calls[index].to_dict() for index in sorted(self.tool_calls)]
        if any(self.refusal):
            message["refusal"] = "".join(self.refusal)
        return message


def stream_chunk_builder(
    chunks: Iterable[Any], messages: Iterable[Any] | None = None
) -> ModelResponse | TextCompletionResponse | None:
    """Rebuild the full response (content, tool calls, usage) from the chunks of a chat or text stream.

    Chunks may be shim chunks, openai `ChatCompletionChunk`s or dicts. Usage is the stream's own usage chunk: ask
    for it with `stream_options={"include_usage": True}`; without it `usage` is None (LiteLLM would estimate it
    with a tokenizer, and `messages` is accepted for that signature's sake). Returns None for no chunks.

    Example:
        >>> chunks = list(shim.completion("litellm_proxy/m", messages, stream=True))
        >>> shim.stream_chunk_builder(chunks).choices[0].message.content
    """
    del messages  # accepted for LiteLLM compatibility; usage comes from the stream itself
    originals = list(chunks)
    items = [_as_dict(chunk) for chunk in originals]
    if not items:
        return None
    choices: dict[int, _Choice] = {}
    usage = None
    for item in items:
        usage = item.get("usage") or usage
        for choice in item.get("choices") or ():
            choices.setdefault(choice.get("index", 0), _Choice()).add(choice)
    first = items[0]
    head = {key: first[key] for key in ("id", "created", "model", "system_fingerprint") if key in first}
    result = _text(head, choices, usage) if first.get("object") == "text_completion" else _chat(head, choices, usage)
    hidden: Any = getattr(originals[0], "_hidden_params", None)
    return attach(result, dict(json_object(hidden) or {}))


def _chat(head: dict[str, Any], choices: dict[int, _Choice], usage: Any) -> ModelResponse:
    built = [
        {"index": index, "message": choice.message(), "finish_reason": choice.finish_reason or "stop"}
        for index, choice in sorted(choices.items())
    ]
    return ModelResponse.construct(**head, object="chat.completion", choices=built, usage=usage)


def _text(head: dict[str, Any], choices: dict[int, _Choice], usage: Any) -> TextCompletionResponse:
    built = [
        {"index": index, "text": "".join(choice.content), "finish_reason": choice.finish_reason or "stop"}
        for index, choice in sorted(choices.items())
    ]
    return TextCompletionResponse.construct(**head, object="text_completion", choices=built, usage=usage)


def _as_dict(chunk: Any) -> dict[str, Any]:
    if isinstance(chunk, pydantic.BaseModel):
        return chunk.model_dump(mode="json", exclude_none=True)
    if isinstance(chunk, Mapping):
        mapping = cast("Mapping[str, Any]", chunk)
        return dict(mapping)
    raise TypeError(f"stream_chunk_builder() takes stream chunks or dicts, not {type(chunk).__name__}")
