"""Anthropic's Messages API over loopback, sync and async: sent natively to `/v1/messages`, Anthropic's shape back."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import shim
from shim.testing import FakeProxy
from shim.types import AnthropicMessagesResponse, AnthropicStreamEvent

HELLO = [{"role": "user", "content": "hello claude"}]


def anthropic_messages_sync(**kwargs: Any) -> Any:
    """LiteLLM's `anthropic_messages` is async; run it to completion here."""
    return asyncio.run(shim.anthropic_messages(**kwargs))


def acreate_sync(**kwargs: Any) -> Any:
    return asyncio.run(shim.anthropic.messages.acreate(**kwargs))


CREATE = [
    pytest.param(shim.anthropic.messages.create, id="sync"),
    pytest.param(acreate_sync, id="async"),
    pytest.param(anthropic_messages_sync, id="anthropic_messages"),
]


@pytest.mark.parametrize("create", CREATE)
def test_messages_are_sent_natively_and_come_back_in_anthropics_shape(
    gateway: FakeProxy, create: Callable[..., Any]
) -> None:
    response = create(
        max_tokens=64, messages=HELLO, model="litellm_proxy/claude", system="Be brief", thinking={"type": "enabled"}
    )
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/v1/messages")
    assert request.json == {
        "model": "claude",
        "max_tokens": 64,
        "messages": HELLO,
        "system": "Be brief",
        "thinking": {"type": "enabled"},
        "stream": False,
    }
    assert isinstance(response, AnthropicMessagesResponse)
    assert response.content[0].text == response["content"][0]["text"] == "echo: hello claude"
    assert (response.type, response.role, response.stop_reason) == ("message", "assistant", "end_turn")
    assert response.model == "litellm_proxy/claude"
    assert response["usage"]["output_tokens"] == 3
    assert response._hidden_params["response_cost"] == 0.00042
    assert shim.completion_cost(completion_response=response) == 0.00042


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_stream_yields_anthropics_events(gateway: FakeProxy, use_async: bool) -> None:
    kwargs: dict[str, Any] = {"max_tokens": 64, "messages": HELLO, "model": "litellm_proxy/claude", "stream": True}

    async def collect() -> list[AnthropicStreamEvent]:
        return [event async for event in await shim.anthropic.messages.acreate(**kwargs)]

    events = asyncio.run(collect()) if use_async else list(shim.anthropic.messages.create(**kwargs))
    assert gateway.requests[-1].json["stream"] is True
    assert [e.type for e in events][:3] == ["message_start", "content_block_start", "ping"]
    assert events[-1].type == "message_stop"
    assert "".join(e["delta"]["text"] for e in events if e.type == "content_block_delta") == "echo: hello claude"
    assert events[0].message is not None and events[0].message.role == "assistant"
    assert events[-2].delta == {"stop_reason": "end_turn", "stop_sequence": None}


def test_a_base_url_ending_in_v1_still_reaches_v1_messages(proxy: FakeProxy) -> None:
    shim.anthropic.messages.create(
        max_tokens=8, messages=HELLO, model="litellm_proxy/claude", api_base=proxy.url + "/v1", api_key=proxy.api_key
    )
    assert proxy.requests[-1].path == "/v1/messages"


def test_a_stream_cut_before_message_stop_is_an_error(gateway: FakeProxy) -> None:
    events = b'event: message_start\ndata: {"type": "message_start", "message": {"id": "m", "content": []}}\n\n'
    gateway.respond(200, headers={"content-type": "text/event-stream"}, body=events)
    with pytest.raises(shim.APIConnectionError, match="ended before it finished"):
        list(shim.anthropic.messages.create(max_tokens=8, messages=HELLO, model="litellm_proxy/c", stream=True))


def test_an_error_event_raises(gateway: FakeProxy) -> None:
    error = b'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n'
    gateway.respond(200, headers={"content-type": "text/event-stream"}, body=error)
    with pytest.raises(shim.InternalServerError, match="Overloaded"):
        list(shim.anthropic.messages.create(max_tokens=8, messages=HELLO, model="litellm_proxy/c", stream=True))


def test_gateway_errors_are_translated(gateway: FakeProxy) -> None:
    gateway.respond(429, headers={"retry-after-ms": "1"}, times=3)
    with pytest.raises(shim.RateLimitError):
        shim.anthropic.messages.create(max_tokens=8, messages=HELLO, model="litellm_proxy/c")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_tokens": None}, TypeError, "max_tokens must be a positive int"),
        ({"max_tokens": 0}, TypeError, "max_tokens must be a positive int"),
        ({"messages": "hi"}, TypeError, "messages must be a list"),
        ({"messages": []}, ValueError, "messages is empty"),
        ({"system": 3}, TypeError, "system must be a string"),
        ({"model": "claude"}, shim.RouteError, "litellm_proxy/"),
        ({"stream": "yes"}, TypeError, "stream must be True or False"),
    ],
)
def test_bad_input_fails_before_any_request(
    gateway: FakeProxy, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    call: dict[str, Any] = {"max_tokens": 8, "messages": HELLO, "model": "litellm_proxy/c"} | kwargs
    with pytest.raises(error, match=match):
        shim.anthropic.messages.create(**call)
    assert gateway.requests == []
