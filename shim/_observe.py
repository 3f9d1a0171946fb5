"""Observing a call: LiteLLM's callbacks (`_callbacks.py`) and OpenTelemetry spans (`_otel.py`), around the sender.

The sender asks `observing(call)` first, one cheap check: no callback set and OpenTelemetry never imported means
nothing to do, and the call goes out as before. Otherwise `observe`/`aobserve` wrap the send: input callbacks,
a span whose trace context goes to the gateway (`traceparent`), each HTTP attempt recorded on the span (the SDK
retries inside one `post()`, so attempts are seen from the HTTP client's event hooks), and the end, which for a
stream is when it ends or is closed (`Observation` is the stream's watcher).

`observed_call`/`aobserved_call` are the same for code that sends by other means (the patched openai client).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import httpx2

from shim import _callbacks

if TYPE_CHECKING:
    from shim._otel import CallSpan
    from shim._request import Call

R = TypeVar("R")

_OTEL = "opentelemetry.trace"

# What each endpoint's span calls its operation (GenAI semantic conventions, where they name one).
OPERATIONS = {
    "chat/completions": "chat",
    "completions": "text_completion",
    "embeddings": "embeddings",
    "responses": "responses",
    "images/generations": "image_generation",
    "rerank": "rerank",
    "audio/transcriptions": "transcription",
    "audio/speech": "speech",
    "models": "models",
}


def observing(call: Call[Any, Any]) -> bool:
    """The one check on every call: is anything listening?"""
    return bool(call.callbacks) or _OTEL in sys.modules or _callbacks.configured()


class Observation:
    """One call, seen by its callbacks and its span. Also the watcher of its stream, if it streams."""

    def __init__(
        self,
        *,
        path: str,
        model: str,
        body: Mapping[str, Any],
        base_url: str,
        per_call: tuple[object, ...],
        is_async: bool,
    ) -> None:
        callbacks = _callbacks.Callbacks(per_call)  # refuses string callbacks before anything is sent
        self.log = (
            _callbacks.CallLog(callbacks, path=path, model=model, body=body, api_base=base_url, is_async=is_async)
            if callbacks
            else None
        )
        self.span: CallSpan | None = None
        if _OTEL in sys.modules:
            from shim import _otel

            self.span = _otel.start(OPERATIONS.get(path, path), model, body, base_url)
        self.path = path
        self.chunks: list[Any] = []

    def start(self) -> dict[str, str]:
        """Fire the input callbacks; the headers that carry the trace context to the gateway."""
        if self.log is not None:
            self.log.pre()
        return self.span.headers() if self.span is not None else {}

    def attempt(self, request: httpx2.Request) -> None:
        if self.span is not None:
            self.span.attempt(request.headers.get("x-stainless-retry-count"))

    def answered(self, response: httpx2.Response) -> None:
        if self.span is not None:
            self.span.answered(response.status_code, response.request.headers.get("x-stainless-retry-count"))

    def success(self, result: object) -> None:
        if self.span is not None:
            self.span.success(result)
        if self.log is not None:
            self.log.success(result)

    def failure(self, error: BaseException) -> None:
        if self.span is not None:
            self.span.failure(error)
        if self.log is not None:
            self.log.failure(error)

    # The stream watcher's side.

    def chunk(self, chunk: object) -> None:
        if not self.chunks and self.span is not None:
            self.span.first_chunk()
        self.chunks.append(chunk)
        if self.log is not None:
            self.log.chunk(chunk)

    def end(self, error: BaseException | None) -> None:
        """The stream ended: read to its end (None), closed early (GeneratorExit), or failed."""
        if error is None:
            self.success(assemble(self.path, self.chunks))
        elif isinstance(error, GeneratorExit):
            if self.span is not None:
                self.span.closed(assemble(self.path, self.chunks) if self.chunks else None)
        else:
            self.failure(error)


_CURRENT: ContextVar[Observation | None] = ContextVar("shim_observation", default=None)


def _watch(call: Call[Any, Any], is_async: bool) -> tuple[Observation, Call[Any, Any]]:
    observation = Observation(
        path=call.spec.path,
        model=call.route.model,
        body=call.body,
        base_url=call.route.base_url,
        per_call=call.callbacks,
        is_async=is_async,
    )
    headers = observation.start()
    if headers:
        options = call.options
        call = replace(call, options={**options, "headers": {**headers, **options.get("headers", {})}})
    return observation, call


def _streams(call: Call[Any, Any]) -> bool:
    return call.stream and call.spec.chunks is not None


def observe(call: Call[Any, Any], send: Callable[[Call[Any, Any], Observation], R]) -> R:
    """Send `call` observed; `send` gets the observation to watch a stream with."""
    observation, call = _watch(call, is_async=False)
    token = _CURRENT.set(observation)
    try:
        value = send(call, observation)
    except BaseException as error:
        observation.failure(error)
        raise
    finally:
        _CURRENT.reset(token)
    if not _streams(call):
        observation.success(value)
    return value


async def aobserve(call: Call[Any, Any], send: Callable[[Call[Any, Any], Observation], Awaitable[R]]) -> R:
    """`observe` for the async sender."""
    observation, call = _watch(call, is_async=True)
    token = _CURRENT.set(observation)
    try:
        value = await send(call, observation)
    except BaseException as error:
        observation.failure(error)
        raise
    finally:
        _CURRENT.reset(token)
    if not _streams(call):
        observation.success(value)
    return value


def assemble(path: str, chunks: list[Any]) -> Any:
    """A stream's whole response: chat and text rebuilt from their chunks; the Responses API's final event's."""
    if not chunks:
        return None
    if path in ("chat/completions", "completions"):
        from shim._builder import stream_chunk_builder

        return stream_chunk_builder(chunks)
    return getattr(chunks[-1], "response", None)


# The HTTP client's event hooks: each attempt the SDK makes (its retries included) goes to the call's span.


def _on_request(request: httpx2.Request) -> None:
    observation = _CURRENT.get()
    if observation is not None:
        observation.attempt(request)


def _on_response(response: httpx2.Response) -> None:
    observation = _CURRENT.get()
    if observation is not None:
        observation.answered(response)


async def _aon_request(request: httpx2.Request) -> None:
    _on_request(request)


async def _aon_response(response: httpx2.Response) -> None:
    _on_response(response)


def event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """Event hooks for a sync HTTP client: one ContextVar read per request when nothing observes."""
    return {"request": [_on_request], "response": [_on_response]}


def async_event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """Event hooks for an async HTTP client."""
    return {"request": [_aon_request], "response": [_aon_response]}
