"""LiteLLM's own test cases for the litellm_proxy provider, ported to a recording gateway (FakeProxy).

From BerriAI/litellm tests/test_litellm/llms/litellm_proxy/: chat/test_litellm_proxy_chat_transformation.py,
responses/test_litellm_proxy_responses_transformation.py and
image_generation/test_litellm_proxy_image_generation_transformation.py. LiteLLM's tests call its transformation
classes; these make the same calls through shim and assert on what the gateway received. Where shim differs on
purpose (an empty or missing key is an error, not `fake-api-key`), the case says so.
"""

from __future__ import annotations

from typing import Any

import pytest

import shim
from shim.testing import FakeProxy

MESSAGES = [{"role": "user", "content": "Hello"}]


def _sent(proxy: FakeProxy) -> dict[str, Any]:
    return proxy.requests[-1].json


# --- chat ----------------------------------------------------------------------------------------------------------


def test_litellm_proxy_chat_transformation(gateway: FakeProxy) -> None:
    """Messages are not transformed when calling the gateway (file parts included)."""
    content = [
        {"type": "text", "text": "What is this document about?"},
        {"type": "file", "file": {"file_id": "https://example.com/dummy.pdf", "format": "application/pdf"}},
    ]
    messages = [{"role": "user", "content": content}]
    shim.completion("litellm_proxy/model", messages)
    assert _sent(gateway) == {"model": "model", "messages": messages}


def test_litellm_gateway_from_sdk_with_user_param(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/openai/gpt-4o", MESSAGES, user="u-1")
    assert _sent(gateway)["user"] == "u-1"
    assert _sent(gateway)["model"] == "openai/gpt-4o"


def test_optional_params_passed_through(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/gpt-4o", MESSAGES, temperature=0.7, max_tokens=100)
    assert (_sent(gateway)["temperature"], _sent(gateway)["max_tokens"]) == (0.7, 100)


def test_metadata_is_forwarded_as_given(gateway: FakeProxy) -> None:
    """LiteLLM (newer than 1.108.7) forwards only `requester_metadata.tags`; shim forwards `metadata` on purpose
    (compat_matrix.md: the gateway uses it for tags and spend)."""
    metadata = {"requester_metadata": {"tags": ["project-x"]}}
    shim.completion("litellm_proxy/gpt-4o", MESSAGES, metadata=metadata)
    assert _sent(gateway)["metadata"] == metadata


def test_no_metadata_key_when_metadata_absent(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/gpt-4o", MESSAGES)
    assert "metadata" not in _sent(gateway) and "extra_body" not in _sent(gateway)


async def test_async_matches_sync(gateway: FakeProxy) -> None:
    kwargs: dict[str, Any] = {"metadata": {"tags": ["async-test"]}, "temperature": 0.1}
    shim.completion("litellm_proxy/gpt-4o", MESSAGES, **kwargs)
    await shim.acompletion("litellm_proxy/gpt-4o", MESSAGES, **kwargs)
    assert gateway.requests[-1].json == gateway.requests[-2].json


# --- the key on responses and image generation ------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["responses", "image_generation"])
@pytest.mark.parametrize(
    ("call_key", "env_key", "expected"),
    [
        ("user-provided-key", "secret-key", "user-provided-key"),
        (None, "secret-key", "secret-key"),
        # LiteLLM sends "Bearer fake-api-key" for no key, and falls through to the env for "": shim refuses both
        # before sending (an empty per-tenant key must not become the process's key).
        (None, None, shim.ConfigError),
        ("", "secret-key", shim.ConfigError),
        ("", None, shim.ConfigError),
    ],
)
def test_validate_environment(
    proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch, endpoint: str, call_key: str | None, env_key: str | None,
    expected: str | type[Exception],
) -> None:  # fmt: skip
    proxy.accept_any_key = True
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", proxy.url)
    if env_key is not None:
        monkeypatch.setenv("LITELLM_PROXY_API_KEY", env_key)
    call = _endpoint_call(endpoint, call_key)
    if isinstance(expected, str):
        call()
        assert proxy.requests[-1].headers["authorization"] == f"Bearer {expected}"
    else:
        with pytest.raises(expected):
            call()
        assert proxy.requests == []


@pytest.mark.parametrize("endpoint", ["responses", "image_generation"])
def test_validate_environment_does_not_use_openai_key(
    proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-openai-key")
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", proxy.url)
    with pytest.raises(shim.ConfigError):
        _endpoint_call(endpoint, None)()
    assert proxy.requests == []


def _endpoint_call(endpoint: str, key: str | None) -> Any:
    kwargs = {} if key is None else {"api_key": key}
    if endpoint == "responses":
        return lambda: shim.responses("litellm_proxy/gpt-4o", "hi", **kwargs)
    return lambda: shim.image_generation("litellm_proxy/dall-e-3", "a cat", **kwargs)
