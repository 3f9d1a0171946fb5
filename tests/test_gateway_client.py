"""shim.OpenAI / shim.AsyncOpenAI: the SDK's own clients, pointed at the gateway by the shim's configuration."""

from __future__ import annotations

import openai
import pytest
from pydantic import BaseModel, ValidationError

import shim
from shim.testing import FakeProxy
from tests._sdk_calls import arguments, bound, call_async, call_sync, method_names
from tests.conftest import HI

ROUTED = method_names()


def test_configuration_comes_from_the_shim_never_from_openai(proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-x")
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin")
    with pytest.raises(shim.ConfigError, match="LITELLM_PROXY_API_BASE"):
        shim.OpenAI()
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", proxy.url)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", "sk-env")
    monkeypatch.setattr(shim, "api_key", proxy.api_key)  # the module attribute beats the environment
    client = shim.OpenAI()
    client.chat.completions.create(model="litellm_proxy/m", messages=HI)
    sent = proxy.requests[-1]
    assert (sent.api_key, sent.json["model"]) == (proxy.api_key, "m")
    assert "openai-organization" not in sent.headers
    assert "sk-admin" not in repr(dict(sent.headers))
    assert proxy.api_key not in repr(client)
    with pytest.raises(openai.AuthenticationError):  # the argument beats both
        shim.OpenAI(api_key="sk-wrong").models.list()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("name", ROUTED)
def test_every_model_method_sends_the_bare_model(name: str, gateway: FakeProxy) -> None:
    function = bound(shim.OpenAI(), name)
    assert function is not None
    call_sync(function, arguments(function, "litellm_proxy/gw-model"))
    assert gateway.requests
    for request in gateway.requests:
        assert request.api_key == gateway.api_key
        assert "litellm_proxy" not in request.path + request.body.decode(errors="replace")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("name", ROUTED)
async def test_every_async_model_method_sends_the_bare_model(name: str, gateway: FakeProxy) -> None:
    function = bound(shim.AsyncOpenAI(), name)
    assert function is not None
    await call_async(function, arguments(function, "litellm_proxy/gw-model"))
    assert gateway.requests
    assert all("litellm_proxy" not in r.path + r.body.decode(errors="replace") for r in gateway.requests)
    await shim.aclose()


class Answer(BaseModel):
    text: str


def test_sdk_helpers_and_resources_without_a_model(gateway: FakeProxy) -> None:
    client = shim.OpenAI()
    assert [m.id for m in client.models.list()] == ["fake-chat", "fake-embedding", "fake-rerank"]
    with client.chat.completions.stream(model="litellm_proxy/m", messages=HI) as stream:
        assert stream.get_final_completion().choices[0].message.content == "echo: hello world"
    raw = client.with_options(max_retries=0).responses.with_raw_response.create(model="litellm_proxy/m", input="hi")
    assert raw.headers["x-litellm-model-id"] == "fake-deployment-1"
    assert raw.parse().output_text == "echo: hi"
    with pytest.raises(ValidationError):  # the SDK's parse() of the fake's echo, which is not JSON
        client.chat.completions.parse(model="litellm_proxy/m", messages=HI, response_format=Answer)
    assert client.files.list().data == []  # a modelless resource the gateway serves
    with pytest.raises(openai.NotFoundError):  # the SDK's own error for a path the gateway lacks
        client.fine_tuning.jobs.list()
    assert [r.path for r in gateway.requests][-2:] == ["/files", "/fine_tuning/jobs"]


def test_clients_share_one_pool_and_closing_one_keeps_it(gateway: FakeProxy) -> None:
    first, second = shim.OpenAI(api_key="sk-tenant-a"), shim.OpenAI(api_key="sk-tenant-b")
    gateway.accept_any_key = True
    with first:
        first.embeddings.create(model="litellm_proxy/e", input="x")
    second.embeddings.create(model="litellm_proxy/e", input="x")  # `with first` closed nothing shared
    second.with_options(timeout=5).close()  # nor does closing a copy
    shim.completion("litellm_proxy/m", HI)
    assert [r.api_key for r in gateway.requests] == ["sk-tenant-a", "sk-tenant-b", gateway.api_key]
    assert gateway.connections_opened == 1


async def test_async_clients_share_the_loops_pool(gateway: FakeProxy) -> None:
    gateway.accept_any_key = True
    async with shim.AsyncOpenAI(api_key="sk-tenant-a") as first:
        await first.responses.create(model="litellm_proxy/r", input="hi")
    second = shim.AsyncOpenAI(api_key="sk-tenant-b")
    await second.responses.create(model="litellm_proxy/r", input="hi")
    assert [r.api_key for r in gateway.requests] == ["sk-tenant-a", "sk-tenant-b"]
    assert gateway.connections_opened == 1
    await shim.aclose()
