"""Anthropic's Messages API and the gateway's own facts through a real LiteLLM proxy, sync and async."""

from __future__ import annotations

from typing import Any

import pytest

import shim

from .conftest import LiteLLMProxy
from .harness import PRICED_GROUP

pytestmark = pytest.mark.proxy

HELLO = [{"role": "user", "content": "hello proxy"}]


@pytest.fixture
def gateway(litellm_proxy: LiteLLMProxy, monkeypatch: pytest.MonkeyPatch) -> LiteLLMProxy:
    monkeypatch.setattr(shim, "api_base", litellm_proxy.url)
    monkeypatch.setattr(shim, "api_key", litellm_proxy.api_key)
    return litellm_proxy


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_anthropic_messages_through_the_proxy(gateway: LiteLLMProxy, use_async: bool):
    kwargs: dict[str, Any] = {"max_tokens": 32, "messages": HELLO, "model": f"litellm_proxy/{PRICED_GROUP}"}
    if use_async:
        response = await shim.anthropic.messages.acreate(**kwargs)
    else:
        response = shim.anthropic.messages.create(**kwargs)
    assert response.content[0].text == response["content"][0]["text"] == "echo: hello proxy"
    assert (response.type, response.stop_reason, response.model) == ("message", "end_turn", "litellm_proxy/priced")
    assert shim.completion_cost(completion_response=response) > 0


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_anthropic_stream_through_the_proxy(gateway: LiteLLMProxy, use_async: bool):
    kwargs: dict[str, Any] = {"max_tokens": 32, "messages": HELLO, "model": "litellm_proxy/chat", "stream": True}
    if use_async:
        events = [event async for event in await shim.anthropic_messages(**kwargs)]
    else:
        events = list(shim.anthropic.messages.create(**kwargs))
    assert events[0].type == "message_start" and events[-1].type == "message_stop"
    assert "".join(e["delta"]["text"] for e in events if e.type == "content_block_delta") == "echo: hello proxy"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_model_info_and_capabilities_of_an_alias(gateway: LiteLLMProxy, use_async: bool):
    model = f"litellm_proxy/{PRICED_GROUP}"
    info = await shim.aget_model_info(model) if use_async else shim.get_model_info(model)
    assert (info["max_input_tokens"], info["input_cost_per_token"]) == (1000, 0.001)
    assert shim.supports_function_calling(model) and shim.supports_vision(model)
    assert not shim.supports_reasoning(model)
    assert not shim.supports_vision("litellm_proxy/no-such-group")


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_cost_and_token_count_through_the_proxy(gateway: LiteLLMProxy, use_async: bool):
    model = f"litellm_proxy/{PRICED_GROUP}"
    if use_async:
        response = await shim.acompletion(model, HELLO)
        count = await shim.atoken_counter(model, messages=HELLO)
    else:
        response = shim.completion(model, HELLO)
        count = shim.token_counter(model, messages=HELLO)
    # 8 prompt and 3 completion tokens (the fake upstream's count) at the group's price.
    assert shim.completion_cost(completion_response=response) == pytest.approx(8 * 0.001 + 3 * 0.002)
    assert count == 9  # the proxy's own tokenizer


def test_batch_completion_through_the_proxy(gateway: LiteLLMProxy):
    results = shim.batch_completion("litellm_proxy/chat", messages=[HELLO, [{"role": "user", "content": "again"}]])
    assert [r.choices[0].message.content for r in results if isinstance(r, shim.ModelResponse)] == [
        "echo: hello proxy",
        "echo: again",
    ]
