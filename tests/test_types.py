"""Result types satisfy both openai-SDK code and LiteLLM code."""

from __future__ import annotations

import copy
import json
import pickle

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionMessage

import shim
from shim.testing import FakeProxy
from tests.conftest import HI


@pytest.fixture
def response(gateway: FakeProxy) -> shim.ModelResponse:
    return shim.completion("litellm_proxy/m", HI)


def test_results_are_the_openai_types(response: shim.ModelResponse) -> None:
    assert isinstance(response, ChatCompletion)
    assert isinstance(response.choices[0].message, ChatCompletionMessage)
    assert isinstance(response.usage, openai.types.CompletionUsage)


def test_dict_access_at_every_level(response: shim.ModelResponse) -> None:
    assert response["choices"][0]["message"]["content"] == "echo: hello world"
    assert response["choices"][0]["message"]["role"] == "assistant"
    assert response["usage"]["total_tokens"] == 5
    assert response.get("model") == "litellm_proxy/m"
    assert response.get("nope", "default") == "default"
    assert "usage" in response and "choices" in response
    assert "system_fingerprint" not in response  # None counts as absent, as in LiteLLM
    with pytest.raises(KeyError):
        response["nope"]
    response["id"] = "changed"
    assert response.id == "changed"


def test_extra_fields_from_the_gateway_are_kept(gateway: FakeProxy) -> None:
    body = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi", "reasoning_content": "hmm"}}],
        "gateway_extra": {"cost": 1},
    }
    gateway.respond(200, body=body)
    response = shim.completion("litellm_proxy/m", HI)
    assert response["gateway_extra"] == {"cost": 1}
    assert response["choices"][0]["message"]["reasoning_content"] == "hmm"


def test_to_dict_to_json_and_pickle(response: shim.ModelResponse) -> None:
    as_dict = response.to_dict()
    assert as_dict["choices"][0]["message"]["content"] == "echo: hello world"
    assert json.loads(response.to_json())["model"] == "litellm_proxy/m"
    clone = pickle.loads(pickle.dumps(response))
    assert clone == response
    assert clone._hidden_params == response._hidden_params
    assert clone._response_ms == response._response_ms


def test_litellm_private_attributes_on_results_built_by_hand() -> None:
    # A result the caller builds (a test double, a cache) has them too: defaults, settable, copied with the result.
    built = shim.ModelResponse(id="x", object="chat.completion", created=1, model="m", choices=[])
    assert (built._hidden_params, built._response_ms, built._request_id) == ({}, None, None)
    assert built == shim.ModelResponse.model_validate(built.model_dump())  # read or not, equal results are equal
    built._hidden_params["cache_hit"] = True
    built._response_ms, built._request_id = 12.5, "req-1"
    for clone in (copy.deepcopy(built), built.model_copy(), pickle.loads(pickle.dumps(built))):
        assert (clone._hidden_params, clone._response_ms, clone._request_id) == ({"cache_hit": True}, 12.5, "req-1")
        assert clone == built
    assert "_request_id" not in built.model_dump() and "cache_hit" not in built.to_json()


def test_chunks_are_openai_chunks_with_dict_access(gateway: FakeProxy) -> None:
    chunk = next(iter(shim.completion("litellm_proxy/m", HI, stream=True)))
    assert isinstance(chunk, openai.types.chat.ChatCompletionChunk)
    assert chunk["choices"][0]["delta"]["role"] == "assistant"
    assert pickle.loads(pickle.dumps(chunk)) == chunk


def test_responses_usage_has_dict_access(gateway: FakeProxy) -> None:
    response = shim.responses("litellm_proxy/m", input="count these words")
    assert isinstance(response.usage, openai.types.responses.ResponseUsage)
    assert response["usage"]["total_tokens"] == response.usage.total_tokens > 0
