"""Observing a call: LiteLLM's callbacks (`_callbacks.py`) and OpenTelemetry spans (`_otel.py`), around the sender.

The sender asks whether anything listens first, one cheap check: no callback set and OpenTelemetry never imported means
nothing to do, and the call goes out as before. Otherwise `observe`/`aobserve` wrap the send: input callbacks,
a span whose trace context goes to the gateway (`traceparent`), each HTTP attempt recorded on the span (the SDK
retries inside one `request()`, so attempts are seen from the HTTP client's event hooks), and the end, which for a
stream is when it ends or is closed (`Observation` is the stream's watcher).

`watch` is the same layer for code that sends by other means (`shim.OpenAI`, the patched openai client).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pydantic

from shim import _http
from shim._flow import Flow
from shim._observe import callbacks as _callbacks
from shim._observe.hooks import CURRENT as _CURRENT
from shim._settings import listening

if TYPE_CHECKING:
    from shim._call import Call
    from shim._observe.otel import CallSpan

R = TypeVar("R")

# The Router's deployment for the call being made (shim/_balancer/effects.py sets it around each attempt): its
# callbacks' metadata and its span name the model group and deployment id that served.
ROUTED: ContextVar[Mapping[str, Any] | None] = ContextVar("shim_routed", default=None)

_OTEL = "opentelemetry.trace"


class Observation:
    """One call, seen by its callbacks and its span. Also the watcher of its stream, if it streams."""

    def __init__(
        self,
        *,
        path: str,
        call_type: str,
        operation: str,
        model: str,
        body: Mapping[str, Any],
        base_url: str,
        per_call: tuple[object, ...] = (),
        is_async: bool = False,
        api_key: str = "",
    ) -> None:
        callbacks = _callbacks.Callbacks(per_call)  # refuses string callbacks before anything is sent
        routed = ROUTED.get()
        self.log = (
            _callbacks.CallLog(
                callbacks,
                call_type=call_type,
                model=model,
                body=body,
                api_base=base_url,
                is_async=is_async,
                routed=routed,
            )
            if callbacks
            else None
        )
        self.span: CallSpan | None = None
        if _OTEL in sys.modules:
            from shim._observe import otel as _otel

            self.span = _otel.start(operation, model, body, base_url, routed)
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


def active() -> bool:
    """Whether anything listens to calls (package callbacks, or OpenTelemetry imported): the cheap check."""
    if _OTEL in sys.modules:
        return True
    return listening()


def observation_of(call: Call[Any, Any], *, is_async: bool) -> Observation:
    """The observation of a call the sender makes."""
    route = call.route
    return Observation(
        path=call.spec.path,
        call_type=call.spec.call_type,
        operation=call.spec.operation,
        model=route.model,
        body=call.body,
        base_url=route.base_url,
        per_call=call.callbacks,
        is_async=is_async,
    )


def with_headers(call: Call[Any, Any], headers: dict[str, str]) -> Call[Any, Any]:
    """`call` with the trace context's headers (the call's own win)."""
    if not headers:
        return call
    options = call.options
    return replace(call, options={**options, "headers": {**headers, **options.get("headers", {})}})


def watch(
    observation: Observation,
    inner: Callable[[dict[str, str]], Flow[R]],
    *,
    streams: bool,
    report: Callable[[R], object] | None = None,
) -> Flow[R]:
    """The observing layer: input callbacks, then `inner` (given the trace context's headers to send) as the call
    being observed in this context, then its success or failure. A stream's end is its watcher's (`streams`)."""
    token = _CURRENT.set(observation)
    try:
        value = yield from inner(observation.start())
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
        from shim._streaming import stream_chunk_builder

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
