"""The gateway's own facts over loopback: model info and `supports_*` (`/model/info`), cost, token counts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import shim
from shim.testing import FakeProxy

HI = [{"role": "user", "content": "hello there"}]


def run_async(function: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *args, **kwargs: asyncio.run(function(*args, **kwargs))


def info_requests(proxy: FakeProxy) -> int:
    return sum(1 for r in proxy.requests if r.path == "/model/info")


@pytest.mark.parametrize(
    "get_model_info",
    [pytest.param(shim.get_model_info, id="sync"), pytest.param(run_async(shim.aget_model_info), id="async")],
)
def test_model_info_comes_from_the_gateway(gateway: FakeProxy, get_model_info: Callable[..., Any]) -> None:
    info = get_model_info("litellm_proxy/fake-chat")
    request = gateway.requests[-1]
    assert (request.method, request.path, request.body) == ("GET", "/model/info", b"")
    assert request.api_key == gateway.api_key
    assert (info["max_input_tokens"], info["input_cost_per_token"], info["mode"]) == (128000, 1e-06, "chat")
    assert info["supports_function_calling"] is True


def test_model_info_is_cached_per_gateway_and_key(proxy: FakeProxy) -> None:
    # Per key: the gateway lists the groups a key may use, and refuses a revoked key (issue 22, item 5).
    with FakeProxy(accept_any_key=True) as other:
        for key in ("sk-tenant-a", "sk-tenant-b"):
            shim.get_model_info("litellm_proxy/fake-chat", api_base=other.url, api_key=key)
            shim.supports_vision("litellm_proxy/fake-embedding", api_base=other.url, api_key=key)
        assert info_requests(other) == 2
        assert [r.api_key for r in other.requests] == ["sk-tenant-a", "sk-tenant-b"]
    shim.get_model_info("litellm_proxy/fake-chat", api_base=proxy.url, api_key=proxy.api_key)
    assert info_requests(proxy) == 1  # another gateway: its own answer


def test_the_cache_expires(gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    from shim._endpoints.facts import MODEL_INFO_CACHE

    monkeypatch.setattr(MODEL_INFO_CACHE, "ttl", 0.0)
    shim.get_model_info("litellm_proxy/fake-chat")
    shim.get_model_info("litellm_proxy/fake-chat")
    assert info_requests(gateway) == 2


def test_an_unknown_group_is_asked_again_then_raises(gateway: FakeProxy) -> None:
    shim.get_model_info("litellm_proxy/fake-chat")
    with pytest.raises(ValueError, match="has no model group 'new-alias'"):
        shim.get_model_info("litellm_proxy/new-alias")
    assert info_requests(gateway) == 2  # the cached answer may predate the group: asked once more


def test_a_v1_base_url_reaches_the_root_route(proxy: FakeProxy) -> None:
    shim.get_model_info("litellm_proxy/fake-chat", api_base=proxy.url + "/v1", api_key=proxy.api_key)
    assert proxy.requests[-1].path == "/model/info"


@pytest.mark.parametrize(
    ("check", "model", "expected"),
    [
        (shim.supports_function_calling, "fake-chat", True),
        (shim.supports_vision, "fake-chat", True),
        (shim.supports_response_schema, "fake-chat", True),
        (shim.supports_parallel_function_calling, "fake-chat", True),
        (shim.supports_tool_choice, "fake-chat", True),
        (shim.supports_system_messages, "fake-chat", True),
        (shim.supports_reasoning, "fake-chat", False),  # the gateway says False
        (shim.supports_audio_input, "fake-chat", False),  # the gateway does not say
        (shim.supports_vision, "fake-embedding", False),
        (shim.supports_function_calling, "no-such-alias", False),  # unknown to the gateway: False, as LiteLLM
    ],
)
def test_supports_reads_the_gateways_capabilities(
    gateway: FakeProxy, check: Callable[..., bool], model: str, expected: bool
) -> None:
    assert check(f"litellm_proxy/{model}") is expected


def test_supports_raises_for_bad_input_and_an_unreachable_gateway(gateway: FakeProxy) -> None:
    with pytest.raises(shim.RouteError):
        shim.supports_vision("fake-chat")
    gateway.respond(401)
    with pytest.raises(shim.AuthenticationError):
        shim.supports_vision("litellm_proxy/fake-chat")


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_completion_cost_is_what_the_gateway_charged(gateway: FakeProxy, use_async: bool) -> None:
    if use_async:
        response = asyncio.run(shim.acompletion("litellm_proxy/m", HI))
    else:
        response = shim.completion("litellm_proxy/m", HI)
    assert shim.completion_cost(completion_response=response) == 0.00042
    embedded = shim.embedding("litellm_proxy/e", input="x")
    assert shim.completion_cost(embedded, model="ignored") == 0.00042


def test_completion_cost_of_a_stream_is_on_its_final_chunk(gateway: FakeProxy) -> None:
    gateway.respond(200, headers={"x-litellm-response-cost": "0.5"})
    chunks = list(shim.completion("litellm_proxy/m", HI, stream=True))
    assert shim.completion_cost(completion_response=chunks[-1]) == 0.5


def test_completion_cost_when_the_gateway_did_not_say(gateway: FakeProxy) -> None:
    gateway.respond(200, headers={"x-litellm-response-cost": "unknown"})
    response = shim.completion("litellm_proxy/m", HI)
    with pytest.raises(ValueError, match="did not report a cost"):
        shim.completion_cost(completion_response=response)
    with pytest.raises(TypeError, match="pass completion_response=<a shim result>"):
        shim.completion_cost(model="litellm_proxy/m", prompt="hi", completion="there")


@pytest.mark.parametrize(
    "token_counter",
    [pytest.param(shim.token_counter, id="sync"), pytest.param(run_async(shim.atoken_counter), id="async")],
)
def test_token_counter_asks_the_gateway(gateway: FakeProxy, token_counter: Callable[..., int]) -> None:
    assert token_counter("litellm_proxy/fake-chat", messages=HI, count_response_tokens=True) == 8
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/utils/token_counter")
    assert request.json == {"model": "fake-chat", "messages": HI}
    assert token_counter(model="litellm_proxy/fake-chat", text=["one two ", "three"]) == 3
    assert gateway.requests[-1].json == {"model": "fake-chat", "prompt": "one two three"}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, TypeError, "needs messages="),
        ({"text": 3}, TypeError, "needs messages="),
        ({"messages": []}, ValueError, "messages is empty"),
        ({"text": "x", "custom_tokenizer": {"type": "huggingface_tokenizer"}}, TypeError, "custom_tokenizer"),
        ({"text": "x", "model": "fake-chat"}, shim.RouteError, "litellm_proxy/"),
    ],
)
def test_token_counter_bad_input_fails_before_any_request(
    gateway: FakeProxy, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        shim.token_counter(**({"model": "litellm_proxy/fake-chat"} | kwargs))
    assert gateway.requests == []
