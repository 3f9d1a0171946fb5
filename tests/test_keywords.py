"""LiteLLM's own keywords (shim/_litellm/keywords.py): none reaches the gateway unless forwarded on purpose, and the applied
ones do what they do in LiteLLM. Asserted on what the recording gateway received and what the caller gets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import openai
import pydantic
import pytest

import shim
from shim import _http
from shim._litellm.params import PARAMS
from shim.testing import FakeProxy

HI = [{"role": "user", "content": "hello world"}]
FORWARDED = {name for name, kind in PARAMS.items() if kind == "forwarded"}
# Names `prepare` or `_keywords` act on, given values that make sense; every other name gets a string.
VALUES: dict[str, Any] = {
    "api_base": None, "api_key": None, "custom_llm_provider": "litellm_proxy", "headers": {"x-a": "b"},
    "num_retries": 0, "max_retries": 0, "request_timeout": 30, "force_timeout": 600, "stream_timeout": 30,
    "mock_response": None, "mock_timeout": None, "fallbacks": None, "context_window_fallback_dict": {},
    "max_fallbacks": 1, "ssl_verify": True, "client": None, "caching": False, "cache": None,
    "metadata": {"team": "a"}, "tags": ["t"],
}  # fmt: skip


@pytest.fixture(autouse=True)
def litellm_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("ssl_verify", True), ("client_session", None), ("aclient_session", None)):
        monkeypatch.setattr(shim, name, value)
    monkeypatch.setattr(shim, "set_verbose", False)
    for name in ("SSL_VERIFY", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def second() -> Iterator[FakeProxy]:
    with FakeProxy(api_key="sk-second-gateway-key") as running:
        yield running


class Weather(pydantic.BaseModel):
    city: str
    degrees: int


# --- the table ---------------------------------------------------------------------------------------------------


def test_every_name_in_litellms_table_is_classified() -> None:
    assert len(PARAMS) == 379  # all_litellm_params (377) and the two completion() pops itself (_skip_mcp_handler)
    assert {"metadata", "tags"} == FORWARDED
    assert {"mock_response", "fallbacks", "ssl_verify", "client", "stream_timeout"} <= {
        name for name, kind in PARAMS.items() if kind == "applied"
    }


def test_no_name_from_the_table_reaches_the_gateway_unless_forwarded(gateway: FakeProxy) -> None:
    kwargs = {name: VALUES.get(name, "x") for name in PARAMS if VALUES.get(name, "x") is not None}
    kwargs.pop("custom_llm_provider")
    shim.completion("litellm_proxy/m", HI, unknown_option=1, **kwargs)
    body = gateway.requests[-1].json
    assert {name for name in body if name in PARAMS} == FORWARDED
    assert body["unknown_option"] == 1  # unknown keywords still go into the body, as in LiteLLM


@pytest.mark.parametrize("name", sorted(name for name, kind in PARAMS.items() if kind == "dropped"))
def test_each_dropped_name_is_dropped_alone(gateway: FakeProxy, name: str) -> None:
    shim.completion("litellm_proxy/m", HI, **{name: "x"})
    assert name not in gateway.requests[-1].json


# --- mock_response -----------------------------------------------------------------------------------------------


def test_mock_response_answers_locally_without_configuration() -> None:
    r = shim.completion("litellm_proxy/m", HI, mock_response="hi")
    assert isinstance(r, shim.ModelResponse)
    assert (r.choices[0].message.content, r.model) == ("hi", "litellm_proxy/m")
    assert r.usage is not None and r.usage.total_tokens == 30


def test_mock_response_sends_nothing(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/m", HI, mock_response="hi")
    assert gateway.requests == []


async def test_async_mock_response() -> None:
    r = await shim.acompletion("litellm_proxy/m", HI, mock_response="hi")
    assert isinstance(r, shim.ModelResponse) and r.choices[0].message.content == "hi"


def test_mock_response_streams() -> None:
    chunks = list(shim.completion("litellm_proxy/m", HI, mock_response="hi there", stream=True))
    assert all(isinstance(c, shim.ModelResponseStream) for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "hi there"
    assert shim.stream_chunk_builder(chunks).choices[0].message.content == "hi there"


async def test_async_mock_response_streams() -> None:
    stream = await shim.acompletion("litellm_proxy/m", HI, mock_response="hi", stream=True)
    assert isinstance(stream, shim.AsyncCustomStreamWrapper)
    assert "".join([c.choices[0].delta.content or "" async for c in stream]) == "hi"


def test_mock_response_dict_and_tool_calls() -> None:
    r = shim.completion("litellm_proxy/m", HI, mock_response={"id": "x", "object": "chat.completion", "created": 1,
                        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "d"}}]})  # fmt: skip
    assert r.choices[0].message.content == "d"
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    r = shim.completion("litellm_proxy/m", HI, mock_response="", mock_tool_calls=[call])
    assert r.choices[0].message.tool_calls is not None
    assert r.choices[0].message.tool_calls[0].function.name == "f"  # pyright: ignore[reportAttributeAccessIssue]


@pytest.mark.parametrize(
    ("mock", "error"),
    [
        (ValueError("boom"), shim.InternalServerError),
        ("litellm.RateLimitError", shim.RateLimitError),
        ("litellm.ContextWindowExceededError", shim.ContextWindowExceededError),
        (shim.AuthenticationError("no", response=_http.Response(401, request=_http.Request("POST", "http://x")), body=None), shim.AuthenticationError),
    ],
)  # fmt: skip
def test_mock_response_exceptions_are_raised(mock: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        shim.completion("litellm_proxy/m", HI, mock_response=mock)


async def test_mock_timeout_raises_timeout() -> None:
    with pytest.raises(shim.Timeout):
        shim.completion("litellm_proxy/m", HI, mock_response="x", mock_timeout=True, timeout=0.01)
    with pytest.raises(shim.Timeout):
        await shim.acompletion("litellm_proxy/m", HI, mock_timeout=True, timeout=0.01)


async def test_mock_response_on_other_endpoints() -> None:
    text = shim.text_completion("litellm_proxy/m", "hi", mock_response="t")
    assert isinstance(text, shim.TextCompletionResponse) and text.choices[0].text == "t"
    vectors = await shim.aembedding("litellm_proxy/e", "x", mock_response=[0.5, 0.25])
    assert isinstance(vectors, shim.EmbeddingResponse) and vectors.data[0].embedding == [0.5, 0.25]
    answer = shim.responses("litellm_proxy/m", "hi", mock_response="r")
    assert isinstance(answer, shim.ResponsesAPIResponse) and answer.output_text == "r"
    with pytest.raises(TypeError, match="mock_response"):
        shim.rerank("litellm_proxy/r", "q", ["a"], mock_response="x")


# --- response_format and tools -----------------------------------------------------------------------------------


def test_response_format_class_becomes_strict_json_schema_and_parsed(gateway: FakeProxy) -> None:
    gateway.respond(body=_chat('{"city": "Paris", "degrees": 21}'))
    r = shim.completion("litellm_proxy/m", HI, response_format=Weather)
    sent = gateway.requests[-1].json["response_format"]
    assert sent == {"type": "json_schema", "json_schema": {"name": "Weather", "strict": True,
                    "schema": openai.pydantic_function_tool(Weather)["function"]["parameters"]}}  # fmt: skip
    assert r.choices[0].message.parsed == Weather(city="Paris", degrees=21)  # pyright: ignore[reportAttributeAccessIssue]
    assert "parsed" not in r.choices[0].message.model_dump()  # passing the message back sends no `parsed`


async def test_async_response_format_and_pydantic_tools(gateway: FakeProxy) -> None:
    gateway.respond(body=_chat("not json"))
    r = await shim.acompletion("litellm_proxy/m", HI, response_format=Weather, tools=[Weather])
    assert gateway.requests[-1].json["tools"] == [openai.pydantic_function_tool(Weather)]
    assert r.choices[0].message.parsed is None  # pyright: ignore[reportAttributeAccessIssue]


def test_response_format_with_mock_response() -> None:
    r = shim.completion("litellm_proxy/m", HI, response_format=Weather, mock_response='{"city": "Oslo", "degrees": 3}')
    assert r.choices[0].message.parsed == Weather(city="Oslo", degrees=3)  # pyright: ignore[reportAttributeAccessIssue]


def _chat(content: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    return {"id": "1", "object": "chat.completion", "created": 1, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}]}  # fmt: skip


# --- fallbacks ---------------------------------------------------------------------------------------------------


def test_fallback_models_are_tried_in_order(gateway: FakeProxy) -> None:
    gateway.respond(500, times=2)
    r = shim.completion("litellm_proxy/a", HI, fallbacks=["litellm_proxy/b", "litellm_proxy/c"], num_retries=0)
    assert [req.json["model"] for req in gateway.requests] == ["a", "b", "c"]
    assert r._hidden_params["litellm_model_name"] == "litellm_proxy/c"  # pyright: ignore[reportPrivateUsage]
    assert r._hidden_params["additional_headers"]["x-litellm-attempted-fallbacks"] == 2  # pyright: ignore[reportPrivateUsage]
    assert all("fallbacks" not in req.json for req in gateway.requests)


def test_a_streamed_fallback_is_marked_on_every_chunk(gateway: FakeProxy) -> None:
    gateway.respond(500)
    chunks = list(shim.completion("litellm_proxy/a", HI, stream=True, fallbacks=["litellm_proxy/b"], num_retries=0))
    assert [req.json["model"] for req in gateway.requests] == ["a", "b"]
    assert chunks
    assert all(c._hidden_params["additional_headers"]["x-litellm-attempted-fallbacks"] == 1 for c in chunks)  # pyright: ignore[reportPrivateUsage]


async def test_an_async_streamed_fallback_is_marked_on_every_chunk(gateway: FakeProxy) -> None:
    gateway.respond(500)
    stream = await shim.acompletion("litellm_proxy/a", HI, stream=True, fallbacks=["litellm_proxy/b"], num_retries=0)
    chunks = [chunk async for chunk in stream]
    assert chunks
    assert all(c._hidden_params["additional_headers"]["x-litellm-attempted-fallbacks"] == 1 for c in chunks)  # pyright: ignore[reportPrivateUsage]


async def test_async_fallback_to_another_gateway_keeps_each_key_with_its_gateway(
    gateway: FakeProxy, second: FakeProxy
) -> None:
    gateway.respond(503)
    fallback = {"model": "litellm_proxy/b", "api_base": second.url, "api_key": second.api_key}
    r = await shim.acompletion("litellm_proxy/a", HI, api_key=gateway.api_key, fallbacks=[fallback], num_retries=0)
    assert r.choices[0].message.content == "echo: hello world"
    assert [q.api_key for q in gateway.requests] == [gateway.api_key]
    assert [q.api_key for q in second.requests] == [second.api_key]
    assert all(second.api_key not in q.body.decode() and gateway.api_key not in q.body.decode()
               for q in [*gateway.requests, *second.requests])  # fmt: skip


def test_a_fallback_to_another_gateway_without_a_key_does_not_get_the_calls_key(
    proxy: FakeProxy, second: FakeProxy
) -> None:
    proxy.respond(500)
    with pytest.raises(shim.ConfigError):
        shim.completion("litellm_proxy/a", HI, api_base=proxy.url, api_key=proxy.api_key, num_retries=0,
                        fallbacks=[{"model": "litellm_proxy/b", "api_base": second.url}])  # fmt: skip
    assert second.requests == []


def test_stream_falls_back_and_max_fallbacks_limits(gateway: FakeProxy) -> None:
    gateway.respond(500)
    chunks = list(shim.completion("litellm_proxy/a", HI, stream=True, fallbacks=["litellm_proxy/b"], num_retries=0))
    assert chunks and gateway.requests[-1].json["model"] == "b"
    gateway.respond(500, times=2)
    with pytest.raises(shim.InternalServerError):
        shim.completion("litellm_proxy/a", HI, fallbacks=["litellm_proxy/b", "litellm_proxy/c"], max_fallbacks=1,
                        num_retries=0)  # fmt: skip


def test_context_window_fallback_dict(gateway: FakeProxy) -> None:
    gateway.respond(400, body={"error": {"message": "too long", "code": "context_length_exceeded"}})
    r = shim.completion("litellm_proxy/a", HI, context_window_fallback_dict={"litellm_proxy/a": "litellm_proxy/big"})
    assert r.model == "litellm_proxy/big" or gateway.requests[-1].json["model"] == "big"
    gateway.respond(400, body={"error": {"message": "bad", "code": "content_policy_violation"}})
    shim.completion("litellm_proxy/a", HI, content_policy_fallbacks=[{"litellm_proxy/a": ["litellm_proxy/safe"]}])
    assert gateway.requests[-1].json["model"] == "safe"


# --- timeouts, retries -------------------------------------------------------------------------------------------


def test_stream_timeout_bounds_the_wait_for_the_next_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeProxy(stream_chunk_delay=0.5) as slow:
        stream = shim.completion("litellm_proxy/m", HI, api_base=slow.url, api_key=slow.api_key, stream=True,
                                 stream_timeout=0.1, num_retries=0)  # fmt: skip
        with pytest.raises(shim.Timeout):
            list(stream)


async def test_async_stream_timeout() -> None:
    with FakeProxy(stream_chunk_delay=0.5) as slow:
        stream = await shim.acompletion("litellm_proxy/m", HI, api_base=slow.url, api_key=slow.api_key,
                                        stream=True, stream_timeout=0.1, num_retries=0)  # fmt: skip
        with pytest.raises(shim.Timeout):
            _ = [chunk async for chunk in stream]


def test_request_timeout_is_timeout(gateway: FakeProxy) -> None:
    gateway.respond(delay=0.5)
    with pytest.raises(shim.Timeout):
        shim.completion("litellm_proxy/m", HI, request_timeout=0.1, num_retries=0)


def test_caching_is_refused_with_a_pointer_to_the_gateway_cache(gateway: FakeProxy) -> None:
    with pytest.raises(shim.ConfigError, match="gateway's cache"):
        shim.completion("litellm_proxy/m", HI, caching=True)
    shim.completion("litellm_proxy/m", HI, caching=False, cache={"no-cache": True})
    assert "cache" not in gateway.requests[-1].json


# --- TLS and clients ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("verify", [False, "false", True])
def test_ssl_verify_per_call_and_as_setting(
    gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch, verify: object
) -> None:
    shim.completion("litellm_proxy/m", HI, ssl_verify=verify)
    monkeypatch.setattr(shim, "ssl_verify", verify)
    shim.completion("litellm_proxy/m", HI)
    monkeypatch.setenv("SSL_VERIFY", str(verify))
    shim.completion("litellm_proxy/m", HI)
    assert all("ssl_verify" not in q.json for q in gateway.requests)


def test_ssl_verify_names_a_ca_bundle_or_fails_before_sending(gateway: FakeProxy) -> None:
    with pytest.raises(ValueError, match="CA bundle"):
        shim.completion("litellm_proxy/m", HI, ssl_verify="/no/such/bundle.pem")
    import certifi

    shim.completion("litellm_proxy/m", HI, ssl_verify=certifi.where())
    assert len(gateway.requests) == 1


def test_client_sends_through_the_callers_openai_client(proxy: FakeProxy) -> None:
    with openai.OpenAI(base_url=proxy.url, api_key=proxy.api_key) as client:
        r = shim.completion("litellm_proxy/m", HI, client=client)
    assert r.choices[0].message.content == "echo: hello world"
    assert proxy.requests[-1].api_key == proxy.api_key and "client" not in proxy.requests[-1].json
    with pytest.raises(TypeError, match=r"openai\.OpenAI"):
        shim.completion("litellm_proxy/m", HI, client=object())


async def test_async_client_and_sessions(gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    async with openai.AsyncOpenAI(base_url=gateway.url, api_key=gateway.api_key) as client:
        await shim.acompletion("litellm_proxy/m", HI, client=client)
    async with openai.DefaultAsyncHttpxClient(headers={"x-session": "async"}) as session:
        monkeypatch.setattr(shim, "aclient_session", session)
        await shim.acompletion("litellm_proxy/m", HI)
    assert gateway.requests[-1].headers["x-session"] == "async"
    with openai.DefaultHttpxClient(headers={"x-session": "sync"}) as sync_session:
        monkeypatch.setattr(shim, "client_session", sync_session)
        shim.completion("litellm_proxy/m", HI)
    assert gateway.requests[-1].headers["x-session"] == "sync"


# --- debug -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("switch", ["set_verbose", "env", "turn_on"])
def test_debug_switches_log_requests_with_the_key_masked(
    gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, switch: str
) -> None:
    if switch == "set_verbose":
        monkeypatch.setattr(shim, "set_verbose", True)
    elif switch == "env":
        monkeypatch.setenv("LITELLM_LOG", "DEBUG")
    else:
        shim._turn_on_debug()  # pyright: ignore[reportPrivateUsage]
    with caplog.at_level(logging.DEBUG, logger="shim"):
        shim.completion("litellm_proxy/m", HI)
    text = caplog.text
    assert "chat/completions" in text and gateway.api_key not in text
