"""Error answers become the shim's exceptions (which are the openai ones), after the SDK's own retries."""

from __future__ import annotations

import logging
from typing import Any

import openai
import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

FAST_RETRY = {"retry-after-ms": "5"}


@pytest.mark.parametrize(
    ("status", "shim_class", "openai_class"),
    [
        (400, shim.BadRequestError, openai.BadRequestError),
        (401, shim.AuthenticationError, openai.AuthenticationError),
        (403, shim.PermissionDeniedError, openai.PermissionDeniedError),
        (404, shim.NotFoundError, openai.NotFoundError),
        (409, shim.ConflictError, openai.ConflictError),
        (418, shim.APIError, openai.APIStatusError),
        (422, shim.UnprocessableEntityError, openai.UnprocessableEntityError),
        (429, shim.RateLimitError, openai.RateLimitError),
        (500, shim.InternalServerError, openai.InternalServerError),
        (502, shim.BadGatewayError, openai.InternalServerError),
        (503, shim.ServiceUnavailableError, openai.InternalServerError),
        (504, shim.InternalServerError, openai.InternalServerError),
    ],
)
def test_every_status_maps_to_its_exception(
    gateway: FakeProxy, status: int, shim_class: type, openai_class: type
) -> None:
    gateway.respond(status, headers=FAST_RETRY, times=3)
    with pytest.raises(shim_class) as info:
        shim.completion("litellm_proxy/gpt-x", HI, num_retries=0)
    error = info.value
    assert isinstance(error, openai_class)
    assert error.status_code == status
    assert error.llm_provider == "litellm_proxy"
    assert error.model == "gpt-x"
    assert error.response.status_code == status
    assert isinstance(error.body, dict)
    assert error.request_id and error.request_id.startswith("req-")
    assert len(gateway.requests) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error": {"message": "litellm.ContextWindowExceededError: too long", "code": "400"}}, "ContextWindow"),
        (
            {
                "error": {
                    "message": "This model's maximum context length is 8192 tokens",
                    "code": "context_length_exceeded",
                }
            },
            "ContextWindow",
        ),
        ({"error": {"message": "litellm.ContentPolicyViolationError: refused", "code": "400"}}, "ContentPolicy"),
        ({"error": {"message": "bad temperature", "code": "400"}}, "BadRequest"),
    ],
)
def test_bad_requests_are_refined_from_the_body(gateway: FakeProxy, body: dict[str, Any], expected: str) -> None:
    gateway.respond(400, body=body)
    with pytest.raises(shim.BadRequestError) as info:
        shim.completion("litellm_proxy/m", HI)
    assert type(info.value).__name__.startswith(expected)
    assert isinstance(info.value, openai.BadRequestError)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503])
def test_retryable_statuses_are_retried_by_the_sdk(gateway: FakeProxy, status: int) -> None:
    gateway.respond(status, headers=FAST_RETRY, times=2)
    response = shim.completion("litellm_proxy/m", HI)
    assert response.choices[0].message.content == "echo: hello world"
    attempts = [r.headers["x-stainless-retry-count"] for r in gateway.requests]
    assert attempts == ["0", "1", "2"]


def test_retry_after_in_seconds_is_honoured(gateway: FakeProxy) -> None:
    gateway.respond(429, headers={"retry-after": "0.01"})
    assert shim.completion("litellm_proxy/m", HI).choices
    assert len(gateway.requests) == 2


@pytest.mark.parametrize("option", ["num_retries", "max_retries"])
def test_zero_retries_means_exactly_one_attempt(gateway: FakeProxy, option: str) -> None:
    gateway.respond(503, headers=FAST_RETRY, times=5)
    with pytest.raises(shim.ServiceUnavailableError):
        shim.completion("litellm_proxy/m", HI, **{option: 0})
    assert len(gateway.requests) == 1


def test_num_retries_sets_the_attempt_count(gateway: FakeProxy) -> None:
    gateway.respond(500, headers=FAST_RETRY, times=10)
    with pytest.raises(shim.InternalServerError):
        shim.completion("litellm_proxy/m", HI, num_retries=4)
    assert len(gateway.requests) == 5


def test_client_errors_are_not_retried(gateway: FakeProxy) -> None:
    gateway.respond(400, times=3)
    with pytest.raises(shim.BadRequestError):
        shim.completion("litellm_proxy/m", HI)
    assert len(gateway.requests) == 1


async def test_async_errors_and_retries(gateway: FakeProxy) -> None:
    gateway.respond(429, headers=FAST_RETRY, times=3)
    with pytest.raises(shim.RateLimitError):
        await shim.acompletion("litellm_proxy/m", HI, num_retries=2)
    assert len(gateway.requests) == 3


def test_wrong_key_is_an_authentication_error_without_the_key(proxy: FakeProxy) -> None:
    key = "sk-this-is-a-wrong-and-secret-key"
    proxy.respond(401, body={"error": {"message": f"Invalid key {key}", "code": "401"}})
    with pytest.raises(shim.AuthenticationError) as info:
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=key)
    error = info.value
    for text in (str(error), repr(error), error.message, repr(error.body), repr(error.args)):
        assert key not in text
    assert "sk-...-key" in str(error)


def test_unreachable_gateway_is_a_connection_error(caplog: pytest.LogCaptureFixture) -> None:
    key = "sk-never-logged-secret-0001"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(shim.APIConnectionError) as info:
        shim.completion("litellm_proxy/m", HI, api_base="http://127.0.0.1:9", api_key=key, num_retries=0)
    assert isinstance(info.value, openai.APIConnectionError)
    assert info.value.status_code == 500  # as LiteLLM's APIConnectionError
    assert key not in repr(info.value) and key not in str(info.value)
    assert all(key not in record.getMessage() for record in caplog.records)


def test_timeout_is_a_timeout_error(gateway: FakeProxy) -> None:
    gateway.respond(200, delay=0.5)
    with pytest.raises(shim.Timeout) as info:
        shim.completion("litellm_proxy/m", HI, timeout=0.1, num_retries=0)
    assert isinstance(info.value, openai.APITimeoutError)
    assert info.value.status_code == 408  # as LiteLLM's Timeout


def test_error_object_in_a_200_body_is_raised(gateway: FakeProxy) -> None:
    gateway.respond(200, body={"error": {"message": "quota exceeded", "code": "429"}})
    with pytest.raises(shim.RateLimitError, match="quota exceeded"):
        shim.completion("litellm_proxy/m", HI)


def test_error_object_beside_a_whole_completion_is_raised(gateway: FakeProxy) -> None:
    # Every field a chat completion needs is there, and an error besides: an error, never a result.
    body = {"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": []}
    gateway.respond(200, body={**body, "error": {"message": "quota exceeded", "code": "429"}})
    with pytest.raises(shim.RateLimitError, match="quota exceeded"):
        shim.completion("litellm_proxy/m", HI)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"<html>502 Bad Gateway</html>", "not JSON"),
        (b'{"choices": [', "not JSON"),
        ([1, 2], "JSON object"),
        ({"id": "x", "object": "chat.completion"}, "'choices' must be a list"),
    ],
)
def test_malformed_bodies_are_typed_errors(gateway: FakeProxy, body: Any, match: str) -> None:
    gateway.respond(200, body=body)
    with pytest.raises(shim.APIResponseValidationError, match=match) as info:
        shim.completion("litellm_proxy/m", HI)
    assert "/chat/completions" in str(info.value)
    assert isinstance(info.value, openai.APIResponseValidationError)


def test_error_event_in_a_stream_is_raised(gateway: FakeProxy) -> None:
    events = b'data: {"error": {"message": "upstream died", "code": "500"}}\n\n'
    gateway.respond(200, body=events, headers={"content-type": "text/event-stream"})
    with pytest.raises(shim.InternalServerError, match="upstream died"):
        list(shim.completion("litellm_proxy/m", HI, stream=True))


def test_cut_stream_is_not_returned_as_complete(gateway: FakeProxy) -> None:
    chunk = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"partial"}}]}\n\n'
    gateway.respond(200, body=chunk, headers={"content-type": "text/event-stream"})
    with pytest.raises(shim.APIConnectionError, match="ended before"):
        list(shim.completion("litellm_proxy/m", HI, stream=True))


def test_a_key_cut_by_the_body_excerpt_is_still_hidden(proxy: FakeProxy) -> None:
    key = "sk-" + "k" * 40
    body = ("x" * 190 + key + " not json").encode()  # the 200-character excerpt would cut the key in half
    proxy.respond(200, body=body, headers={"content-type": "text/html"})
    with pytest.raises(shim.APIResponseValidationError) as info:
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=key)
    assert key[:10] not in repr(info.value.body)
    assert len(str(info.value.body)) <= 200
