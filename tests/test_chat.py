"""Chat and text completions over loopback HTTP: what the gateway receives, and what the user gets back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

import shim
from shim.testing import FakeProxy
from tests.conftest import HI


def test_completion_sends_the_stripped_model_and_returns_a_chat_completion(gateway: FakeProxy) -> None:
    response = shim.completion(model="litellm_proxy/openai/gpt-4o", messages=HI)

    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/chat/completions")
    assert request.json == {"model": "openai/gpt-4o", "messages": HI}
    assert request.api_key == gateway.api_key
    assert isinstance(response, ChatCompletion) and isinstance(response, shim.ModelResponse)
    assert response.choices[0].message.content == "echo: hello world"
    assert response.model == "litellm_proxy/openai/gpt-4o"


def test_model_and_messages_may_be_positional(gateway: FakeProxy) -> None:
    response = shim.completion("litellm_proxy/m", HI)
    assert response["choices"][0]["message"]["content"] == "echo: hello world"


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/"])
def test_base_url_with_or_without_v1(proxy: FakeProxy, suffix: str) -> None:
    shim.completion("litellm_proxy/m", HI, api_base=proxy.url + suffix, api_key=proxy.api_key)
    expected = "/v1/chat/completions" if "v1" in suffix else "/chat/completions"
    assert proxy.requests[-1].path == expected


def test_module_attributes_configure_calls(proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shim, "api_base", proxy.url)
    monkeypatch.setattr(shim, "api_key", proxy.api_key)
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", "http://127.0.0.1:9")  # the attribute wins over the env
    assert shim.completion("litellm_proxy/m", HI).choices[0].message.content == "echo: hello world"


def test_messages_accept_generators_typed_dicts_and_earlier_message_objects(gateway: FakeProxy) -> None:
    first = shim.completion("litellm_proxy/m", ({"role": "user", "content": w} for w in ["a", "b"]))
    assert gateway.requests[-1].json["messages"] == [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    history: list[Any] = [*HI, first.choices[0].message, {"role": "user", "content": "again"}]
    shim.completion("litellm_proxy/m", history)
    sent = gateway.requests[-1].json["messages"]
    assert sent[1] == {"role": "assistant", "content": "echo: b"}
    assert sent[2] == {"role": "user", "content": "again"}


def test_options_are_forwarded(gateway: FakeProxy) -> None:
    shim.completion(
        "litellm_proxy/m",
        HI,
        temperature=0.2,
        max_tokens=None,
        user="u-1",
        metadata={"tags": ["t1"]},
        some_gateway_param={"a": 1},
        extra_body={"guardrails": ["g1"], "temperature": 0.3},
        extra_headers={"X-Trace": "abc"},
        drop_params=True,
    )
    request = gateway.requests[-1]
    assert request.json == {
        "model": "m",
        "messages": HI,
        "temperature": 0.3,
        "user": "u-1",
        "metadata": {"tags": ["t1"]},
        "some_gateway_param": {"a": 1},
        "guardrails": ["g1"],
    }
    assert request.headers["x-trace"] == "abc"


def test_headers_is_an_alias_of_extra_headers(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/m", HI, headers={"X-Tenant": "t9"})
    assert gateway.requests[-1].headers["x-tenant"] == "t9"


def test_headers_and_extra_headers_are_both_sent(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/m", HI, headers={"X-Tenant": "t9", "X-Both": "h"}, extra_headers={"X-Both": "e"})
    assert (gateway.requests[-1].headers["x-tenant"], gateway.requests[-1].headers["x-both"]) == ("t9", "e")


def test_timeout_is_sent_to_the_sdk(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/m", HI, timeout=7)
    assert gateway.requests[-1].headers["x-stainless-read-timeout"] == "7.0"


def test_hidden_params_come_from_the_gateway_headers(gateway: FakeProxy) -> None:
    response = shim.completion("litellm_proxy/m", HI)
    hidden = response._hidden_params
    assert hidden["custom_llm_provider"] == "litellm_proxy"
    assert hidden["api_base"] == gateway.url
    assert hidden["model_id"] == "fake-deployment-1"
    assert hidden["response_cost"] == pytest.approx(0.00042)
    assert hidden["litellm_call_id"]
    assert hidden["additional_headers"]["llm_provider-x-litellm-version"] == "fake"
    assert response._response_ms is not None and response._response_ms > 0
    assert response._request_id and response._request_id.startswith("req-")


@pytest.mark.parametrize("model", ["gpt-4o-2024-08-06", ""])
def test_the_result_model_names_the_route(gateway: FakeProxy, model: str) -> None:
    # As LiteLLM: the gateway's own model name, prefixed; the requested one when the gateway sends none.
    body = {"id": "x", "object": "chat.completion", "created": 1, "model": model, "choices": []}
    gateway.respond(200, body=body, headers={"X-RateLimit-Remaining-Requests": "9"})
    response = shim.completion("litellm_proxy/m", HI)
    assert response.model == "litellm_proxy/" + (model or "m")
    assert response._hidden_params["additional_headers"]["llm_provider-x-ratelimit-remaining-requests"] == "9"


def test_response_cost_is_none_when_the_gateway_does_not_know_it(gateway: FakeProxy) -> None:
    body = {"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
    gateway.respond(200, body=body, headers={"x-litellm-response-cost": "unknown"})
    assert shim.completion("litellm_proxy/m", HI)._hidden_params["response_cost"] is None


def test_text_completion_posts_to_completions(gateway: FakeProxy) -> None:
    response = shim.text_completion("litellm_proxy/instruct", "Say this is a test", max_tokens=5)
    request = gateway.requests[-1]
    assert request.path == "/completions"
    assert request.json == {"model": "instruct", "prompt": "Say this is a test", "max_tokens": 5}
    assert isinstance(response, openai.types.Completion)
    assert response.choices[0].text == "echo: Say this is a test"
    assert response["choices"][0]["text"] == "echo: Say this is a test"
    assert response.model == "litellm_proxy/instruct"


async def test_acompletion_and_atext_completion(gateway: FakeProxy) -> None:
    chat = await shim.acompletion("litellm_proxy/m", HI)
    text = await shim.atext_completion("litellm_proxy/m", ["a b"])
    assert chat.choices[0].message.content == "echo: hello world"
    assert text.choices[0].text == "echo: a b"
    assert [r.path for r in gateway.requests] == ["/chat/completions", "/completions"]


def _stream_text(chunks: Iterator[shim.ModelResponseStream]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def test_streaming_chat(gateway: FakeProxy) -> None:
    stream = shim.completion("litellm_proxy/m", HI, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    assert gateway.requests[-1].json["stream"] is True
    assert gateway.requests[-1].json["stream_options"] == {"include_usage": True}
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert _stream_text(iter(chunks)) == "echo: hello world"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 5
    assert {c.model for c in chunks} == {"litellm_proxy/m"}
    assert chunks[0]._hidden_params["model_id"] == "fake-deployment-1"
    assert stream.response.is_closed


async def test_async_streaming_chat(gateway: FakeProxy) -> None:
    stream = await shim.acompletion("litellm_proxy/m", HI, stream=True)
    pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    assert "".join(pieces) == "echo: hello world"
    assert stream.response.is_closed


def test_streaming_text(gateway: FakeProxy) -> None:
    chunks = list(shim.text_completion("litellm_proxy/m", "one two", stream=True))
    assert "".join(c.choices[0].text for c in chunks) == "echo: one two"
    assert shim.stream_chunk_builder(chunks).choices[0].text == "echo: one two"  # type: ignore[union-attr]


def test_leaving_a_stream_early_closes_the_response(gateway: FakeProxy) -> None:
    stream = shim.completion("litellm_proxy/m", HI, stream=True)
    for _ in stream:
        break
    stream.close()
    assert stream.response.is_closed
    with shim.completion("litellm_proxy/m", HI, stream=True) as second:
        next(iter(second))
    assert second.response.is_closed
    # The pool still serves the next call.
    assert shim.completion("litellm_proxy/m", HI).choices[0].message.content == "echo: hello world"


def test_dropping_an_unfinished_stream_releases_it(gateway: FakeProxy) -> None:
    for _ in range(3):
        for _chunk in shim.completion("litellm_proxy/m", HI, stream=True):
            break
    assert shim.completion("litellm_proxy/m", HI).choices[0].message.content == "echo: hello world"


async def test_leaving_an_async_stream_early_closes_the_response(gateway: FakeProxy) -> None:
    async with await shim.acompletion("litellm_proxy/m", HI, stream=True) as stream:
        async for _ in stream:
            break
    assert stream.response.is_closed
    assert (await shim.acompletion("litellm_proxy/m", HI)).choices[0].message.content == "echo: hello world"


def test_stream_chunk_builder_rebuilds_content_and_usage(gateway: FakeProxy) -> None:
    chunks = list(shim.completion("litellm_proxy/m", HI, stream=True, stream_options={"include_usage": True}))
    built = shim.stream_chunk_builder(chunks, messages=HI)
    assert isinstance(built, shim.ModelResponse)
    assert built.choices[0].message.content == "echo: hello world"
    assert built.choices[0].finish_reason == "stop"
    assert built.usage is not None and built.usage.total_tokens == 5
    assert built.model == "litellm_proxy/m"
    assert built._hidden_params["custom_llm_provider"] == "litellm_proxy"


def test_stream_chunk_builder_rebuilds_tool_calls(gateway: FakeProxy) -> None:
    tools = [{"type": "function", "function": {"name": "search", "parameters": {"type": "object"}}}]
    chunks = list(shim.completion("litellm_proxy/m", HI, tools=tools, stream=True))
    built = shim.stream_chunk_builder(chunks)
    plain = shim.completion("litellm_proxy/m", HI, tools=tools)
    assert built is not None
    call = built.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "search" == plain.choices[0].message.tool_calls[0].function.name  # type: ignore[index]
    assert call.function.arguments == '{"query": "hello world"}'
    assert built.choices[0].finish_reason == "tool_calls"
    assert built["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "search"


def test_stream_chunk_builder_takes_dicts_and_nothing() -> None:
    assert shim.stream_chunk_builder([]) is None
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    parts = [{**chunk, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in "ab"]
    built = shim.stream_chunk_builder(parts)
    assert built is not None and built.choices[0].message.content == "ab"  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        shim.stream_chunk_builder([42])


def test_successive_event_loops_each_work(gateway: FakeProxy) -> None:
    async def one() -> str | None:
        return (await shim.acompletion("litellm_proxy/m", HI)).choices[0].message.content

    assert [asyncio.run(one()) for _ in range(3)] == ["echo: hello world"] * 3


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"messages": None}, TypeError, "needs messages"),
        ({"messages": "hi"}, TypeError, "list of message dicts"),
        ({"messages": {"role": "user"}}, TypeError, "list of message dicts"),
        ({"messages": []}, ValueError, "empty"),
        ({"messages": [1]}, TypeError, r"messages\[0\]"),
        ({"messages": HI, "stream": "yes"}, TypeError, "stream"),
        ({"messages": HI, "timeout": -1}, ValueError, "timeout"),
        ({"messages": HI, "num_retries": -1}, ValueError, "num_retries"),
        ({"messages": HI, "extra_headers": "x"}, TypeError, "extra_headers"),
        ({"messages": HI, "extra_body": ["x"]}, TypeError, "extra_body"),
    ],
)
def test_bad_input_fails_before_any_request(
    gateway: FakeProxy, kwargs: dict[str, Any], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        shim.completion("litellm_proxy/m", **kwargs)
    assert gateway.requests == []


def test_route_and_config_errors_send_nothing(proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(shim.RouteError):
        shim.completion("gpt-4o", HI, api_base=proxy.url, api_key=proxy.api_key)
    with pytest.raises(shim.ConfigError):
        shim.completion("litellm_proxy/m", HI, api_key=proxy.api_key)
    monkeypatch.setenv("OPENAI_API_KEY", proxy.api_key)
    with pytest.raises(shim.ConfigError):
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url)
    with pytest.raises(shim.RouteError):
        shim.text_completion("", "x", api_base=proxy.url, api_key=proxy.api_key)
    assert proxy.requests == []


def test_openai_environment_never_reaches_the_gateway(proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-secret")
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-secret")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-secret")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-secret")
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "Authorization: Bearer sk-custom-secret\nX-Custom: secret")
    shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key)
    request = proxy.requests[-1]
    assert request.api_key == proxy.api_key
    assert "secret" not in repr(sorted(request.headers.items()))


async def test_requests_carry_the_key_and_the_sdk_timing_headers_not_its_telemetry(gateway: FakeProxy) -> None:
    # OpenAI's X-Stainless-Lang/-OS/-Arch/-Runtime/... mean nothing to a gateway (LiteLLM does not pass them on);
    # the per-attempt retry count and read timeout still go, as the SDK sends them.
    shim.completion("litellm_proxy/m", HI)
    await shim.acompletion("litellm_proxy/m", HI)
    for request in gateway.requests:
        names = {name.lower() for name in request.headers}
        assert request.api_key == gateway.api_key
        assert {"x-stainless-retry-count", "x-stainless-read-timeout", "user-agent", "content-type"} <= names
        assert not {name for name in names if name.startswith("x-stainless-")} - {
            "x-stainless-retry-count",
            "x-stainless-read-timeout",
        }


def test_route_all_sends_unprefixed_models(gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shim, "use_litellm_proxy", True)
    response = shim.completion("openai/gpt-4o", HI)
    assert gateway.requests[-1].json["model"] == "openai/gpt-4o"
    assert response.model == "litellm_proxy/openai/gpt-4o"


def test_an_empty_per_call_key_never_sends_the_process_key(gateway) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(shim.ConfigError, match="api_key is empty"):
        shim.completion("litellm_proxy/m", HI, api_key="")
    assert gateway.requests == []
