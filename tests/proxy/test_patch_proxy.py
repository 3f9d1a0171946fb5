"""Unchanged openai-SDK code, and langchain-openai on top of it, through `shim.patch_openai()` and a real proxy.

The user's own client points at a loopback stand-in for OpenAI that must receive nothing for a routed call.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from pydantic import BaseModel

import shim
from shim.testing import FakeProxy

from .conftest import LiteLLMProxy

pytestmark = pytest.mark.proxy

HI = [{"role": "user", "content": "hello shim"}]
OPENAI_KEY = "sk-openai-user"


class Answer(BaseModel):
    text: str


@pytest.fixture
def gateway(litellm_proxy: LiteLLMProxy, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiteLLMProxy]:
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", litellm_proxy.url)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", litellm_proxy.api_key)
    with shim.patch_openai():
        yield litellm_proxy
    shim.close()


@pytest.fixture
def openai_server() -> Iterator[FakeProxy]:
    with FakeProxy(api_key=OPENAI_KEY) as server:
        yield server


@pytest.fixture
def client(openai_server: FakeProxy) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=openai_server.url, api_key=OPENAI_KEY, max_retries=0) as user_client:
        yield user_client


def test_sdk_paths_through_the_proxy(gateway: LiteLLMProxy, client: openai.OpenAI, openai_server: FakeProxy) -> None:
    parsed = client.chat.completions.parse(model="litellm_proxy/chat", messages=HI, response_format=Answer)
    assert parsed.choices[0].message.parsed == Answer(text="echo: hello shim")
    raw = client.chat.completions.with_raw_response.create(model="litellm_proxy/chat", messages=HI)
    assert raw.headers["x-litellm-model-group"] == "chat"
    assert raw.parse().choices[0].message.content == "echo: hello shim"
    with client.chat.completions.stream(model="litellm_proxy/chat", messages=HI) as stream:
        assert stream.get_final_completion().choices[0].message.content == "echo: hello shim"
    with client.responses.with_streaming_response.create(model="litellm_proxy/responses", input="hi") as streamed:
        assert streamed.parse().output_text == "echo: hi"
    assert gateway.upstream.last("/v1/chat/completions").json()["model"] == "fake-chat"
    assert openai_server.requests == []


async def test_async_sdk_paths_through_the_proxy(gateway: LiteLLMProxy, openai_server: FakeProxy) -> None:
    async with openai.AsyncOpenAI(base_url=openai_server.url, api_key=OPENAI_KEY) as aclient:
        parsed = await aclient.chat.completions.parse(model="litellm_proxy/chat", messages=HI, response_format=Answer)
        assert parsed.choices[0].message.parsed == Answer(text="echo: hello shim")
        raw = await aclient.embeddings.with_raw_response.create(model="litellm_proxy/embed", input="one two")
        assert len(raw.parse().data[0].embedding) == 8
    assert openai_server.requests == []
    await shim.aclose()


def test_gateway_client_through_the_proxy(gateway: LiteLLMProxy) -> None:
    client = shim.OpenAI()
    assert "chat" in {m.id for m in client.models.list()}
    answer = client.chat.completions.parse(model="litellm_proxy/chat", messages=HI, response_format=Answer)
    assert answer.choices[0].message.parsed == Answer(text="echo: hello shim")


# --- langchain-openai's ChatOpenAI, unchanged (the `ecosystem` extra) -----------------------------------------

needs_langchain = pytest.mark.skipif(
    importlib.util.find_spec("langchain_openai") is None, reason="pip install '.[ecosystem]' for langchain-openai"
)


def _chat_model(openai_server: FakeProxy) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model="litellm_proxy/chat", base_url=openai_server.url, api_key=OPENAI_KEY, max_retries=0)


def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"sunny in {city}"


@needs_langchain
async def test_langchain_chat_openai(gateway: LiteLLMProxy, openai_server: FakeProxy) -> None:
    llm = _chat_model(openai_server)
    assert llm.invoke("hello shim").content == "echo: hello shim"
    assert (await llm.ainvoke("hello shim")).content == "echo: hello shim"
    assert "".join(str(chunk.content) for chunk in llm.stream("hello shim")) == "echo: hello shim"
    assert openai_server.requests == []
    await shim.aclose()


@needs_langchain
def test_langchain_tool_round_trip(gateway: LiteLLMProxy, openai_server: FakeProxy) -> None:
    from langchain_core.messages import HumanMessage, ToolMessage

    llm = _chat_model(openai_server).bind_tools([get_weather])
    question = HumanMessage("Paris")
    asked = llm.invoke([question])
    assert [call["name"] for call in asked.tool_calls] == ["get_weather"]
    call = asked.tool_calls[0]
    result = ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"])
    final = llm.invoke([question, asked, result])
    assert final.content.startswith("echo: ")
    sent = gateway.upstream.last("/v1/chat/completions").json()
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "tool"]
    assert openai_server.requests == []


@needs_langchain
@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
def test_langchain_structured_output(method: str, gateway: LiteLLMProxy, openai_server: FakeProxy) -> None:
    llm = _chat_model(openai_server).with_structured_output(Answer, method=method)
    answer = llm.invoke("hello shim")
    assert isinstance(answer, Answer)
    assert answer.text.startswith("echo: ")
    assert openai_server.requests == []
