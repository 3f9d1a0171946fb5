"""Observing a call: LiteLLM's callbacks (`_callbacks.py`) and OpenTelemetry spans (`_otel.py`), around the sender.

The sender asks `observing(call)` first, one cheap check: no callback set and OpenTelemetry never imported means
nothing to do, and the call goes out as before. Otherwise `observe`/`aobserve` wrap the send: input callbacks,
a span whose trace context goes to the gateway (`traceparent`), each HTTP attempt recorded on the span (the SDK
retries inside one `request()`, so attempts are seen from the HTTP client's event hooks), and the end, which for a
stream is when it ends or is closed (`Observation` is the stream's watcher).

`observed_call`/`aobserved_call` are the same for code that sends by other means (the patched openai client).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pydantic

from shim import _callbacks, _http

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
    return bool(call.callbacks) or active()


class Observation:
    """One call, seen by its callbacks and its span. Also the watcher of its stream, if it streams."""

    def __init__(
        self,
        *,
        path: str,
        model: str,
        body: Mapping[str, Any],
        base_url: str,
        per_call: tuple[object, ...] = (),
        is_async: bool = False,
        api_key: str = "",
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
        self.model = model
        self.base_url = base_url
        self.chunks: list[Any] = []
        self.response: _http.Response | None = None  # the last answer, for the gateway's facts in its headers
        # The call's key, for calls sent by the SDK's own code: its errors are scrubbed before anyone sees them.
        self._api_key = api_key

    def start(self) -> dict[str, str]:
        """Fire the input callbacks; the headers that carry the trace context to the gateway."""
        if self.log is not None:
            self.log.pre()
        return self.span.headers() if self.span is not None else {}

    def attempt(self, request: _http.Request) -> None:
        if self.span is not None:
            self.span.attempt(request.headers.get("x-stainless-retry-count"))

    def answered(self, response: _http.Response) -> None:
        self.response = response
        if self.span is not None:
            self.span.answered(response.status_code, response.request.headers.get("x-stainless-retry-count"))

    def success(self, result: object) -> None:
        wanted = self.log is not None or (self.span is not None and self.span.recording)
        hidden: Mapping[str, Any] = (_callbacks.hidden_of(result) or self.hidden()) if wanted else {}
        if self.span is not None:
            self.span.success(result, hidden)
        if self.log is not None:
            self.log.success(result, hidden)

    def hidden(self) -> Mapping[str, Any]:
        """The gateway's facts from its answer's headers, for results that carry none (the SDK's own objects)."""
        if self.response is None:
            return {}
        from shim._results import hidden_params
        from shim._router import Route

        return hidden_params(Route(self.model, self.base_url, ""), self.response, 0.0)

    def failure(self, error: BaseException) -> None:
        if self._api_key:
            from shim._errors import scrub_key

            scrub_key(error, self._api_key)
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
            self.success(assemble(self.path, self.chunks, self.hidden))
        elif isinstance(error, GeneratorExit):
            if self.span is not None:
                partial = assemble(self.path, self.chunks, self.hidden) if self.chunks else None
                self.span.closed(partial, _callbacks.hidden_of(partial) or self.hidden())
        else:
            self.failure(error)


_CURRENT: ContextVar[Observation | None] = ContextVar("shim_observation", default=None)


def current() -> Observation | None:
    """The observation of the call being sent in this context, if any (a stream made inside it adopts it)."""
    return _CURRENT.get()


def active() -> bool:
    """Whether anything listens to calls (package callbacks, or OpenTelemetry imported): the cheap check."""
    if _OTEL in sys.modules:
        return True
    package = sys.modules["shim"]
    return bool(package.callbacks or package.input_callback or package.success_callback or package.failure_callback)


def observe(call: Call[Any, Any], send: Callable[[Call[Any, Any], Observation], R]) -> R:
    """Send `call` observed; `send` gets the observation to watch a stream with."""
    observation = _observation(call, is_async=False)
    return _sync(observation, lambda: send(_with_headers(call, observation.start()), observation), _streams(call))


async def aobserve(call: Call[Any, Any], send: Callable[[Call[Any, Any], Observation], Awaitable[R]]) -> R:
    """`observe` for the async sender."""
    observation = _observation(call, is_async=True)
    return await _async(
        observation, lambda: send(_with_headers(call, observation.start()), observation), _streams(call)
    )


def observed_call(
    send: Callable[[dict[str, str], Observation], R],
    *,
    path: str,
    model: str,
    body: Mapping[str, Any],
    base_url: str,
    stream: bool = False,
    report: Callable[[R], object] | None = None,
    api_key: str = "",
) -> R:
    """Observe a call sent by other means (the patched openai client, `shim.OpenAI`): callbacks, span, attempts.

    `send(headers, observation)` must send the request with `headers` added (the trace context) through a client
    from `shim._clients` (whose event hooks report each attempt), and return the result. For a stream
    (`stream=True`), hand each chunk to `observation.chunk(chunk)` and call `observation.end(error)` once, with
    None at its end, `GeneratorExit()` when closed early, or the error. `report(result)`, if given, is what the
    span and the callbacks are shown of a result that is not the response itself (a raw HTTP response).
    `api_key`, if given, is scrubbed from an error (in place) before the span and the callbacks see it.

    Example:
        >>> if shim._observe.active():
        ...     return shim._observe.observed_call(lambda headers, _: create(**kwargs, extra_headers=headers),
        ...         path="chat/completions", model=kwargs["model"], body=kwargs, base_url=str(client.base_url))
    """
    observation = Observation(path=path, model=model, body=body, base_url=base_url, api_key=api_key)
    return _sync(observation, lambda: send(observation.start(), observation), stream, report)


async def aobserved_call(
    send: Callable[[dict[str, str], Observation], Awaitable[R]],
    *,
    path: str,
    model: str,
    body: Mapping[str, Any],
    base_url: str,
    stream: bool = False,
    report: Callable[[R], object] | None = None,
    api_key: str = "",
) -> R:
    """`observed_call` for async clients (async callbacks run as tasks on the running loop)."""
    observation = Observation(path=path, model=model, body=body, base_url=base_url, is_async=True, api_key=api_key)
    return await _async(observation, lambda: send(observation.start(), observation), stream, report)


def _observation(call: Call[Any, Any], *, is_async: bool) -> Observation:
    route = call.route
    return Observation(
        path=call.spec.path,
        model=route.model,
        body=call.body,
        base_url=route.base_url,
        per_call=call.callbacks,
        is_async=is_async,
    )


def _with_headers(call: Call[Any, Any], headers: dict[str, str]) -> Call[Any, Any]:
    if not headers:
        return call
    options = call.options
    return replace(call, options={**options, "headers": {**headers, **options.get("headers", {})}})


def _streams(call: Call[Any, Any]) -> bool:
    return call.stream and call.spec.chunks is not None


def _sync(
    observation: Observation, send: Callable[[], R], streams: bool, report: Callable[[R], object] | None = None
) -> R:
    token = _CURRENT.set(observation)
    try:
        value = send()
    except BaseException as error:
        observation.failure(error)
        raise
    finally:
        _CURRENT.reset(token)
    if not streams:  # a stream's end is its watcher's
        observation.success(value if report is None else report(value))
    return value


async def _async(
    observation: Observation,
    send: Callable[[], Awaitable[R]],
    streams: bool,
    report: Callable[[R], object] | None = None,
) -> R:
    token = _CURRENT.set(observation)
    try:
        value = await send()
    except BaseException as error:
        observation.failure(error)
        raise
    finally:
        _CURRENT.reset(token)
    if not streams:
        observation.success(value if report is None else report(value))
    return value


def assemble(path: str, chunks: list[Any], hidden: Callable[[], Mapping[str, Any]] = dict) -> Any:
    """A stream's whole response: chat and text rebuilt from their chunks; the Responses API's final event's.

    `hidden` gives the gateway's facts (from the answer's headers) when the chunks carry none: Responses API
    events are openai's own types, without `_hidden_params`."""
    if not chunks:
        return None
    if path in ("chat/completions", "completions"):
        from shim._builder import stream_chunk_builder

        return stream_chunk_builder(chunks)
    final: Any = getattr(chunks[-1], "response", None)  # response.completed / .incomplete / .failed
    if isinstance(final, pydantic.BaseModel):
        final = dict(final)  # openai's `Response`: its fields, as the shim's type (with the gateway's facts) takes
    if isinstance(final, Mapping):
        from shim._results import attach
        from shim.types import ResponsesAPIResponse

        facts = dict(_callbacks.hidden_of(chunks[0]) or hidden())
        return attach(ResponsesAPIResponse.construct(**cast("Mapping[str, Any]", final)), facts)
    return final


# The HTTP client's event hooks: each attempt the SDK makes (its retries included) goes to the call's span.


def _on_request(request: _http.Request) -> None:
    observation = _CURRENT.get()
    if observation is not None:
        observation.attempt(request)


def _on_response(response: _http.Response) -> None:
    observation = _CURRENT.get()
    if observation is not None:
        observation.answered(response)


async def _aon_request(request: _http.Request) -> None:
    _on_request(request)


async def _aon_response(response: _http.Response) -> None:
    _on_response(response)


def event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """Event hooks for a sync HTTP client: one ContextVar read per request when nothing observes."""
    return {"request": [_on_request], "response": [_on_response]}


def async_event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """Event hooks for an async HTTP client."""
    return {"request": [_aon_request], "response": [_aon_response]}
