"""OpenTelemetry spans by the GenAI conventions, and the trace context the gateway receives."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import shim
from shim.testing import FakeProxy
from tests.conftest import HI


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """An SDK tracer provider for this test only (the global one can be set once per process)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    yield exporter
    provider.shutdown()


def _auth(proxy: FakeProxy) -> dict[str, Any]:
    return {"api_base": proxy.url, "api_key": proxy.api_key}


def _only(exporter: InMemorySpanExporter) -> ReadableSpan:
    [span] = exporter.get_finished_spans()
    return span


def _traceparent_matches(span: ReadableSpan, header: str | None) -> bool:
    context = span.get_span_context()
    assert header is not None
    _, trace_id, span_id, _ = header.split("-")
    return int(trace_id, 16) == context.trace_id and int(span_id, 16) == context.span_id


def test_chat_span_by_the_genai_conventions(proxy: FakeProxy, spans: InMemorySpanExporter) -> None:
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("handler") as parent:
        shim.completion("litellm_proxy/gpt-4o", HI, temperature=0.2, max_tokens=50, top_p=0.9, **_auth(proxy))
    span = next(s for s in spans.get_finished_spans() if s.name != "handler")
    assert span.name == "chat gpt-4o"
    assert span.kind is SpanKind.CLIENT
    assert span.parent is not None and span.parent.span_id == parent.get_span_context().span_id
    attributes = dict(span.attributes or {})
    assert attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "litellm",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.max_tokens": 50,
        "gen_ai.request.top_p": 0.9,
        "server.address": "127.0.0.1",
        "server.port": int(proxy.url.rsplit(":", 1)[1].split("/")[0]),
        "gen_ai.response.id": attributes["gen_ai.response.id"],
        "gen_ai.response.model": "gpt-4o",
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": attributes["gen_ai.usage.input_tokens"],
        "gen_ai.usage.output_tokens": attributes["gen_ai.usage.output_tokens"],
        "litellm.call_id": attributes["litellm.call_id"],
        "litellm.model_id": "fake-deployment-1",
        "litellm.response_cost": 0.00042,
    }
    assert str(attributes["gen_ai.response.id"]).startswith("chatcmpl-")
    assert len(str(attributes["litellm.call_id"])) == 36  # the gateway's x-litellm-call-id
    assert span.status.status_code is StatusCode.UNSET
    assert _traceparent_matches(span, proxy.requests[-1].headers.get("traceparent"))
    assert "gen_ai.input.messages" not in attributes  # content only on opt-in


@pytest.mark.parametrize(
    ("call", "name", "operation"),
    [
        (lambda a: shim.embedding("litellm_proxy/emb", input="x", **a), "embeddings emb", "embeddings"),
        (lambda a: shim.text_completion("litellm_proxy/t", "hi", **a), "text_completion t", "text_completion"),
        (lambda a: shim.responses("litellm_proxy/r", input="hi", **a), "chat r", "chat"),
        (
            lambda a: shim.anthropic.messages.create(max_tokens=8, messages=HI, model="litellm_proxy/c", **a),
            "chat c",
            "chat",
        ),
        (
            lambda a: shim.image_edit(image=b"png", prompt="a cat", model="litellm_proxy/e", **a),
            "image_edit e",
            "image_edit",
        ),
        (lambda a: shim.file_list(**a), "file_list", "file_list"),
        (lambda a: shim.rerank("litellm_proxy/rr", query="q", documents=["a"], **a), "rerank rr", "rerank"),
        (lambda a: shim.models(**a), "models", "models"),
    ],
)
def test_every_endpoint_has_its_span(
    proxy: FakeProxy, spans: InMemorySpanExporter, call: Any, name: str, operation: str
) -> None:
    call(_auth(proxy))
    span = _only(spans)
    assert span.name == name
    assert (span.attributes or {})["gen_ai.operation.name"] == operation
    assert _traceparent_matches(span, proxy.requests[-1].headers.get("traceparent"))


async def test_async_call_span_and_traceparent(proxy: FakeProxy, spans: InMemorySpanExporter) -> None:
    await shim.aembedding("litellm_proxy/emb", input=["a", "b"], encoding_format="float", **_auth(proxy))
    span = _only(spans)
    assert span.name == "embeddings emb"
    assert (span.attributes or {})["gen_ai.request.encoding_formats"] == ("float",)
    assert (span.attributes or {})["gen_ai.usage.input_tokens"] > 0
    assert _traceparent_matches(span, proxy.requests[-1].headers.get("traceparent"))


def test_error_span(proxy: FakeProxy, spans: InMemorySpanExporter) -> None:
    proxy.respond(status=429, headers={"retry-after": "0"}, times=2)
    with pytest.raises(shim.RateLimitError):
        shim.completion("litellm_proxy/m", HI, num_retries=1, **_auth(proxy))
    span = _only(spans)
    assert span.status.status_code is StatusCode.ERROR
    attributes = span.attributes or {}
    assert attributes["error.type"] == "shim.exceptions.RateLimitError"
    assert attributes["http.response.status_code"] == 429
    assert attributes["http.request.resend_count"] == 1
    assert [event.name for event in span.events] == ["http.request", "http.response"] * 2 + ["exception"]


def test_each_retry_attempt_is_an_event(proxy: FakeProxy, spans: InMemorySpanExporter) -> None:
    proxy.respond(status=503, headers={"retry-after": "0"}, times=2)
    shim.completion("litellm_proxy/m", HI, num_retries=3, **_auth(proxy))
    span = _only(spans)
    answers = [dict(event.attributes or {}) for event in span.events if event.name == "http.response"]
    assert answers == [
        {"http.response.status_code": 503, "http.request.resend_count": 0},
        {"http.response.status_code": 503, "http.request.resend_count": 1},
        {"http.response.status_code": 200, "http.request.resend_count": 2},
    ]
    assert span.status.status_code is StatusCode.UNSET
    # Every attempt carried the same trace context.
    assert len({request.headers.get("traceparent") for request in proxy.requests}) == 1


def test_stream_span_ends_when_the_stream_ends(proxy: FakeProxy, spans: InMemorySpanExporter) -> None:
    stream = shim.completion("litellm_proxy/m", HI, stream=True, stream_options={"include_usage": True}, **_auth(proxy))
    assert spans.get_finished_spans() == ()
    for _ in stream:
        pass
    span = _only(spans)
    attributes = span.attributes or {}
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert attributes["gen_ai.usage.output_tokens"] > 0
    assert "gen_ai.response.first_chunk" in [event.name for event in span.events]


async def test_async_stream_closed_early_ends_its_span(proxy: FakeProxy, spans: InMemorySpanExporter) -> None:
    stream = await shim.acompletion("litellm_proxy/m", HI, stream=True, **_auth(proxy))
    async with stream:
        await stream.__anext__()
    span = _only(spans)
    assert "gen_ai.stream.closed" in [event.name for event in span.events]
    assert "gen_ai.response.finish_reasons" not in (span.attributes or {})
    assert span.status.status_code is StatusCode.UNSET


def test_message_content_only_on_opt_in(
    proxy: FakeProxy, spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    shim.completion("litellm_proxy/m", HI, **_auth(proxy))
    attributes = _only(spans).attributes or {}
    assert "hello world" in str(attributes["gen_ai.input.messages"])
    assert "echo: hello world" in str(attributes["gen_ai.output.messages"])


def test_no_key_in_any_attribute_or_event(proxy: FakeProxy, spans: InMemorySpanExporter, monkeypatch: Any) -> None:
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    shim.completion("litellm_proxy/m", HI, **_auth(proxy))
    proxy.respond(status=401)
    with pytest.raises(shim.AuthenticationError):
        shim.completion("litellm_proxy/m", HI, **_auth(proxy))
    for span in spans.get_finished_spans():
        text = span.to_json()
        assert proxy.api_key not in text


def test_without_a_tracer_provider_nothing_is_sent(proxy: FakeProxy) -> None:
    # opentelemetry imported, no SDK configured: no span, and no trace context to pass on.
    shim.completion("litellm_proxy/m", HI, **_auth(proxy))
    assert "traceparent" not in proxy.requests[-1].headers


def test_import_shim_does_not_import_opentelemetry() -> None:
    code = "import shim, sys; shim.CustomLogger; shim.flush_callbacks; print('opentelemetry' in str(list(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "False", result.stderr
