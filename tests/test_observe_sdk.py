"""Callbacks and OpenTelemetry spans for calls made through the openai SDK: `shim.OpenAI` / `shim.AsyncOpenAI`, and
`patch_openai()` (its fast path through shim's functions, and its SDK path through the SDK's own methods)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import BaseModel

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

MODEL = "litellm_proxy/gw-model"
Event = tuple[str, dict[str, Any], Any]


class Answer(BaseModel):
    text: str


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    yield exporter
    provider.shutdown()


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """What LiteLLM-style function callbacks receive: (kind, kwargs, response)."""
    seen: list[Event] = []
    monkeypatch.setattr(shim, "callbacks", [])
    monkeypatch.setattr(shim, "input_callback", [lambda kwargs: seen.append(("input", kwargs, None))])  # pyright: ignore[reportUnknownLambdaType]
    monkeypatch.setattr(shim, "success_callback", [lambda k, r, s, e: seen.append(("success", k, r))])  # pyright: ignore[reportUnknownLambdaType]
    monkeypatch.setattr(shim, "failure_callback", [lambda k, r, s, e: seen.append(("failure", k, r))])  # pyright: ignore[reportUnknownLambdaType]
    return seen


@pytest.fixture
def patched() -> Iterator[openai.OpenAI]:
    """The user's own openai client (its server is never reached by routed calls), with the patch applied."""
    with shim.patch_openai(), openai.OpenAI(api_key="sk-openai-user", base_url="http://127.0.0.1:9/v1") as client:
        yield client


def _only(exporter: InMemorySpanExporter) -> ReadableSpan:
    [span] = exporter.get_finished_spans()
    return span


def _attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


def _finished(events: list[Event]) -> list[Event]:
    shim.flush_callbacks()
    return [event for event in events if event[0] != "input"]


def _assert_call(span: ReadableSpan, gateway: FakeProxy, name: str = "chat gw-model") -> dict[str, Any]:
    """One client span, parent of the gateway's request (traceparent), with the gateway's facts."""
    assert span.name == name
    assert span.kind is SpanKind.CLIENT
    context = span.get_span_context()
    header = gateway.requests[-1].headers.get("traceparent")
    assert header is not None and header.split("-")[1:3] == [f"{context.trace_id:032x}", f"{context.span_id:016x}"]
    attributes = _attributes(span)
    assert attributes["litellm.model_id"] == "fake-deployment-1"
    assert attributes["litellm.response_cost"] == 0.00042
    return attributes


def _json_answer(gateway: FakeProxy) -> None:
    message = {"role": "assistant", "content": '{"text": "hi"}'}
    gateway.respond(body={
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gw-model",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    })  # fmt: skip


def test_patched_create_takes_the_fast_path_observed(
    patched: openai.OpenAI, gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]
) -> None:
    patched.chat.completions.create(model=MODEL, messages=HI, temperature=0.5)  # pyright: ignore[reportArgumentType]
    attributes = _assert_call(_only(spans), gateway)
    assert attributes["gen_ai.request.temperature"] == 0.5
    assert attributes["gen_ai.usage.input_tokens"] > 0
    [(kind, kwargs, _)] = _finished(events)
    assert (kind, kwargs["model"], kwargs["response_cost"]) == ("success", "gw-model", 0.00042)
    assert kwargs["call_type"] == "completion"


def test_patched_parse_takes_the_sdk_path_observed(
    patched: openai.OpenAI, gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]
) -> None:
    _json_answer(gateway)
    result = patched.chat.completions.parse(model=MODEL, messages=HI, response_format=Answer)  # pyright: ignore[reportArgumentType]
    assert result.choices[0].message.parsed == Answer(text="hi")
    attributes = _assert_call(_only(spans), gateway)
    assert attributes["gen_ai.response.id"] == "chatcmpl-1"
    assert (attributes["gen_ai.usage.input_tokens"], attributes["gen_ai.usage.output_tokens"]) == (3, 2)
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    kinds = [event[0] for event in events]
    [(kind, kwargs, response)] = _finished(events)
    assert kinds[0] == "input"
    assert (kind, kwargs["model"], kwargs["response_cost"], response) == ("success", "gw-model", 0.00042, result)
    assert kwargs["standard_logging_object"]["prompt_tokens"] == 3
    assert "sk-" not in repr(kwargs)


def test_patched_raw_response_is_observed_by_what_it_parses_to(
    patched: openai.OpenAI, gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]
) -> None:
    _json_answer(gateway)
    raw = patched.chat.completions.with_raw_response.create(model=MODEL, messages=HI)  # pyright: ignore[reportArgumentType]
    attributes = _assert_call(_only(spans), gateway)
    assert (attributes["gen_ai.response.id"], attributes["gen_ai.usage.output_tokens"]) == ("chatcmpl-1", 2)
    assert raw.parse().id == "chatcmpl-1"
    [(_, kwargs, response)] = _finished(events)
    assert response is raw.parse()
    assert kwargs["response_cost"] == 0.00042


def test_patched_streaming_response_ends_its_span_when_returned(
    patched: openai.OpenAI, gateway: FakeProxy, spans: InMemorySpanExporter
) -> None:
    with patched.chat.completions.with_streaming_response.create(model=MODEL, messages=HI) as response:  # pyright: ignore[reportArgumentType]
        assert response.parse().object == "chat.completion"
    _assert_call(_only(spans), gateway)


def test_patched_stream_manager_span_ends_with_the_stream(
    patched: openai.OpenAI, gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]
) -> None:
    with patched.chat.completions.stream(model=MODEL, messages=HI, stream_options={"include_usage": True}) as stream:  # pyright: ignore[reportArgumentType]
        assert not spans.get_finished_spans()  # open while the stream is
        final = stream.get_final_completion()
    attributes = _assert_call(_only(spans), gateway)
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert final.usage is not None
    assert attributes["gen_ai.usage.output_tokens"] == final.usage.completion_tokens
    [(kind, kwargs, response)] = _finished(events)
    assert (kind, kwargs["stream"], kwargs["response_cost"]) == ("success", True, 0.00042)
    assert response.choices[0].message.content == final.choices[0].message.content


def test_a_stream_closed_early_ends_its_span_without_success(
    gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]
) -> None:
    client = shim.OpenAI()
    with client.chat.completions.stream(model=MODEL, messages=HI) as stream:  # pyright: ignore[reportArgumentType]
        next(iter(stream))
    span = _only(spans)
    assert [event.name for event in span.events][-1] == "gen_ai.stream.closed"
    assert span.status.status_code is StatusCode.UNSET
    assert _finished(events) == []


def test_shim_openai_calls_are_observed(gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]) -> None:
    client = shim.OpenAI()
    client.embeddings.create(model=MODEL, input="x")
    _assert_call(_only(spans), gateway, "embeddings gw-model")
    stream = client.chat.completions.create(model=MODEL, messages=HI, stream=True)  # pyright: ignore[reportArgumentType]
    assert isinstance(stream, openai.Stream)
    chunks = list(stream)
    _, chat = spans.get_finished_spans()
    assert _assert_call(chat, gateway)["gen_ai.response.finish_reasons"] == ("stop",)
    assert [event.name for event in chat.events].count("gen_ai.response.first_chunk") == 1
    [(_, embedded, _), (_, streamed, response)] = _finished(events)
    assert (embedded["call_type"], streamed["call_type"]) == ("embedding", "completion")
    assert response.choices[0].message.content == "".join(c.choices[0].delta.content or "" for c in chunks)


def test_shim_openai_error_span(gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]) -> None:
    gateway.respond(status=400)
    with pytest.raises(openai.BadRequestError):
        shim.OpenAI().chat.completions.create(model=MODEL, messages=HI)  # pyright: ignore[reportArgumentType]
    span = _only(spans)
    assert span.status.status_code is StatusCode.ERROR
    assert _attributes(span)["error.type"] == "openai.BadRequestError"
    [(kind, kwargs, _)] = _finished(events)
    assert (kind, type(kwargs["exception"])) == ("failure", openai.BadRequestError)


async def test_async_shim_openai_and_patched_calls_are_observed(
    gateway: FakeProxy, spans: InMemorySpanExporter, events: list[Event]
) -> None:
    client = shim.AsyncOpenAI()
    await client.responses.create(model=MODEL, input="hi")
    stream = await client.chat.completions.create(model=MODEL, messages=HI, stream=True)  # pyright: ignore[reportArgumentType]
    async for _ in stream:
        pass
    with shim.patch_openai():
        user = openai.AsyncOpenAI(api_key="sk-openai-user", base_url="http://127.0.0.1:9/v1")
        _json_answer(gateway)
        await user.chat.completions.parse(model=MODEL, messages=HI, response_format=Answer)  # pyright: ignore[reportArgumentType]
        await user.embeddings.create(model=MODEL, input="x")  # the fast path
        await user.close()
    names = [span.name for span in spans.get_finished_spans()]
    assert names == ["chat gw-model", "chat gw-model", "chat gw-model", "embeddings gw-model"]
    for span in spans.get_finished_spans():
        assert _attributes(span)["litellm.response_cost"] == 0.00042
    kinds = [(event[0], event[1]["call_type"]) for event in _finished(events)]
    assert kinds == [("success", call) for call in ("aresponses", "acompletion", "acompletion", "aembedding")]


def test_responses_stream_callbacks_get_the_gateways_facts(gateway: FakeProxy, events: list[Event]) -> None:
    stream = shim.responses(MODEL, input="hi", stream=True)
    list(stream)
    [(_, kwargs, response)] = _finished(events)
    assert kwargs["response_cost"] == 0.00042
    assert response._hidden_params["model_id"] == "fake-deployment-1"  # pyright: ignore[reportAttributeAccessIssue]
