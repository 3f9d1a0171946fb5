"""One OpenTelemetry client span per call, by the GenAI semantic conventions. Imported only once the program has
imported OpenTelemetry itself (`pip install 'shim[otel]'` brings the API); `import shim` never imports it.

The span is named `{operation} {model}`; it carries the request parameters the conventions name, the response's
id, model, finish reasons and token counts, the gateway's own facts (`litellm.*`: call id, deployment id, cost),
each HTTP attempt as an event (the SDK's retries included), and on failure `error.type` and an error status.
Message content is recorded only when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true, as the conventions
require. The trace context goes to the gateway as `traceparent`, so the gateway's spans join the caller's trace.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urlsplit

from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from shim._observe.callbacks import usage_of
from shim._router import PREFIX
from shim._version import __version__

CAPTURE_CONTENT = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

# Request parameters the conventions name: body field -> attribute.
_PARAMS = {
    "temperature": "gen_ai.request.temperature",
    "top_p": "gen_ai.request.top_p",
    "top_k": "gen_ai.request.top_k",
    "max_tokens": "gen_ai.request.max_tokens",
    "max_completion_tokens": "gen_ai.request.max_tokens",
    "max_output_tokens": "gen_ai.request.max_tokens",
    "frequency_penalty": "gen_ai.request.frequency_penalty",
    "presence_penalty": "gen_ai.request.presence_penalty",
    "seed": "gen_ai.request.seed",
    "n": "gen_ai.request.choice.count",
    "dimensions": "gen_ai.embeddings.dimension.count",
}


def start(
    operation: str, model: str, body: Mapping[str, Any], base_url: str, routed: Mapping[str, Any] | None = None
) -> CallSpan | None:
    """The call's span, or None when no tracer records and there is no trace context to pass on."""
    if isinstance(trace.get_tracer_provider(), (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
        # No SDK configured (the API hands out its proxy until one is): nothing records, so skip the attributes,
        # but pass on a trace context the caller holds (e.g. extracted from an incoming request).
        context = trace.get_current_span().get_span_context()
        return CallSpan(trace.NonRecordingSpan(context), body) if context.is_valid else None
    attributes = _request_attributes(operation, model, body, base_url)
    if routed is not None:  # a Router's call: which model group and deployment served it
        attributes["litellm.model_group"] = str(routed["model_group"])
        attributes["litellm.model_id"] = str(routed["model_id"])
    tracer = trace.get_tracer("shim", __version__)
    span = tracer.start_span(
        f"{operation} {model}" if model else operation, kind=SpanKind.CLIENT, attributes=attributes
    )
    if not span.is_recording() and not span.get_span_context().is_valid:
        return None
    return CallSpan(span, body)


class CallSpan:
    """The span of one call, from its start to its end (a stream's end or close)."""

    def __init__(self, span: Span, body: Mapping[str, Any]) -> None:
        self.span = span
        self.recording = span.is_recording()
        self.resends = 0
        if self.recording and _capture():
            messages = body.get("messages", body.get("input", body.get("prompt")))
            if messages is not None:
                span.set_attribute("gen_ai.input.messages", _json(messages))

    def headers(self) -> dict[str, str]:
        """`traceparent` (and `tracestate`, baggage: whatever propagators are set) for the gateway."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier, context=trace.set_span_in_context(self.span))
        return carrier

    def attempt(self, retry_count: str | None) -> None:
        if self.recording:
            count = _int(retry_count)
            self.resends = max(self.resends, count)
            self.span.add_event("http.request", {"http.request.resend_count": count})

    def answered(self, status: int, retry_count: str | None) -> None:
        if self.recording:
            attributes = {"http.response.status_code": status, "http.request.resend_count": _int(retry_count)}
            self.span.add_event("http.response", attributes)

    def first_chunk(self) -> None:
        if self.recording:
            self.span.add_event("gen_ai.response.first_chunk")

    def success(self, result: object, hidden: Mapping[str, Any]) -> None:
        if self.recording:
            self._response(result, hidden)
        self.span.end()

    def closed(self, partial: object, hidden: Mapping[str, Any]) -> None:
        """A stream closed before its end: the span ends, with what was read, and no error."""
        if self.recording:
            self._response(partial, hidden, finished=False)
            self.span.add_event("gen_ai.stream.closed")
        self.span.end()

    def failure(self, error: BaseException) -> None:
        if self.recording:
            kind = type(error)
            self.span.set_attribute("error.type", f"{kind.__module__}.{kind.__qualname__}")
            status = getattr(error, "status_code", None)
            if isinstance(status, int):
                self.span.set_attribute("http.response.status_code", status)
            self._resends()
            self.span.record_exception(error)
            self.span.set_status(Status(StatusCode.ERROR, f"{kind.__name__}: {error}"[:300]))
        self.span.end()

    def _resends(self) -> None:
        if self.resends:
            self.span.set_attribute("http.request.resend_count", self.resends)

    def _response(self, result: object, hidden: Mapping[str, Any], *, finished: bool = True) -> None:
        attributes = _response_attributes(result, hidden)
        if not finished:  # a partial stream has no finish reason (the rebuilt response says "stop")
            attributes.pop("gen_ai.response.finish_reasons", None)
        self.span.set_attributes(attributes)
        self._resends()
        if _capture():
            output = _output(result)
            if output is not None:
                self.span.set_attribute("gen_ai.output.messages", _json(output))


def _request_attributes(
    operation: str, model: str, body: Mapping[str, Any], base_url: str
) -> dict[str, AttributeValue]:
    attributes: dict[str, AttributeValue] = {"gen_ai.operation.name": operation, "gen_ai.provider.name": "litellm"}
    if model:
        attributes["gen_ai.request.model"] = model
    attributes.update(_server(base_url))
    for name, attribute in _PARAMS.items():
        value = body.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            attributes[attribute] = value
    stop = body.get("stop")
    if isinstance(stop, str):
        attributes["gen_ai.request.stop_sequences"] = [stop]
    elif isinstance(stop, list) and all(isinstance(item, str) for item in cast("list[object]", stop)):
        attributes["gen_ai.request.stop_sequences"] = [str(item) for item in cast("list[object]", stop)]
    encoding = body.get("encoding_format")
    if isinstance(encoding, str):
        attributes["gen_ai.request.encoding_formats"] = [encoding]
    return attributes


@functools.lru_cache(maxsize=256)
def _server(base_url: str) -> dict[str, AttributeValue]:
    url = urlsplit(base_url)  # host and port only: a base URL may carry credentials
    if not url.hostname:
        return {}
    return {"server.address": url.hostname, "server.port": url.port or (443 if url.scheme == "https" else 80)}


def _response_attributes(result: object, hidden: Mapping[str, Any]) -> dict[str, AttributeValue]:
    attributes: dict[str, AttributeValue] = {}
    response_id = getattr(result, "id", None)
    if isinstance(response_id, str):
        attributes["gen_ai.response.id"] = response_id
    model = getattr(result, "model", None)
    if isinstance(model, str):
        attributes["gen_ai.response.model"] = model.removeprefix(PREFIX)
    usage = usage_of(result)
    for name in ("input_tokens", "output_tokens"):
        if name in usage:
            attributes[f"gen_ai.usage.{name}"] = usage[name]
    reasons = [str(reason) for reason in _finish_reasons(result)]
    if reasons:
        attributes["gen_ai.response.finish_reasons"] = reasons
    attributes.update(_gateway_attributes(hidden))
    return attributes


def _finish_reasons(result: object) -> list[Any]:
    choices: Any = getattr(result, "choices", None)
    if isinstance(choices, list):
        items = cast("list[object]", choices)
        return [reason for choice in items if (reason := getattr(choice, "finish_reason", None))]
    status = getattr(result, "status", None)  # the Responses API: completed, incomplete, failed
    return [status] if isinstance(status, str) else []


def _gateway_attributes(hidden: object) -> dict[str, AttributeValue]:
    if not isinstance(hidden, Mapping):
        return {}
    facts = cast("Mapping[str, Any]", hidden)
    headers: Mapping[str, Any] = facts.get("additional_headers") or {}
    values = {
        "litellm.call_id": facts.get("litellm_call_id"),
        "litellm.model_id": facts.get("model_id"),
        "litellm.model_group": headers.get("llm_provider-x-litellm-model-group"),
        "litellm.response_cost": facts.get("response_cost"),
    }
    return {name: value for name, value in values.items() if isinstance(value, (str, float))}


def _output(result: object) -> Any:
    choices: Any = getattr(result, "choices", None)
    if isinstance(choices, list):
        items = cast("list[object]", choices)
        return [_dump(getattr(choice, "message", None) or getattr(choice, "text", None)) for choice in items]
    output = getattr(result, "output", None)
    return _dump(output) if output is not None else None


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [_dump(item) for item in cast("list[Any]", value)]
    dump = getattr(value, "model_dump", None)
    return dump(mode="json", exclude_none=True, warnings=False) if dump is not None else value


def _json(value: object) -> str:
    try:
        return json.dumps(_dump(value), default=str, ensure_ascii=False)
    except RecursionError:  # the send raises a ValueError for it; recording the span must not raise first
        return '"<nested too deeply to show>"'


def _capture() -> bool:
    return os.environ.get(CAPTURE_CONTENT, "").strip().lower() == "true"


def _int(value: str | None) -> int:
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0
