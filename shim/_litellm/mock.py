"""LiteLLM's `mock_response`, `mock_tool_calls` and `mock_timeout`: answered locally, nothing sent.

A mock answer is an in-memory HTTP response (JSON, or an event stream when the call streams) that goes through the
endpoint's own parsers, so its result has exactly the types of a real call. No gateway configuration is needed.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import Any, cast

import openai

from shim import _http
from shim import exceptions as exc
from shim._call import Mock
from shim._errors import status_error
from shim._router import PREFIX, Route

DEFAULT_TEXT = "This is a mock request"
PROMPT_TOKENS, COMPLETION_TOKENS = 10, 20  # LiteLLM's DEFAULT_MOCK_RESPONSE_*_TOKEN_COUNT
# A route needs a key to scrub from messages; this one can never occur in JSON text (it has a NUL).
NO_KEY = "\x00mock"

# LiteLLM's mock error strings, as the status they stand for and a body naming the error kind.
_ERRORS: dict[str, tuple[int, str]] = {
    "litellm.RateLimitError": (429, "this is a mock rate limit error"),
    "litellm.ContextWindowExceededError": (
        400,
        "this is a mock context window exceeded error: context_length_exceeded",
    ),
    "litellm.InternalServerError": (500, "this is a mock internal server error"),
}
_ENDPOINTS = ("chat/completions", "completions", "embeddings", "images/generations", "responses")


def take(kwargs: dict[str, Any]) -> Mock | None:
    """Pop the mock keywords; None when the call is not mocked (LiteLLM mocks on any truthy one)."""
    mock = Mock(
        kwargs.pop("mock_response", None), kwargs.pop("mock_tool_calls", None), bool(kwargs.pop("mock_timeout", None))
    )
    kwargs.pop("mock_delay", None)
    return mock if mock.response is not None or mock.tool_calls or mock.timeout else None


def route(model: object) -> Route:
    """The route of a mocked call: the model without its prefix, no gateway."""
    name = str(model)
    return Route(name.removeprefix(PREFIX), "", NO_KEY)


def check(path: str) -> None:
    """Refuse mocks on endpoints where LiteLLM has none, rather than send a real request."""
    if path not in _ENDPOINTS:
        raise TypeError(
            f"mock_response is not supported by {path} (LiteLLM mocks chat, text, embeddings, images, responses)"
        )


def timeout_seconds(timeout: object) -> float:
    """How long `mock_timeout=True` waits before raising: the call's `timeout`, as LiteLLM sleeps for it."""
    return float(timeout) if isinstance(timeout, (int, float)) else 0.0


def timeout_error() -> exc.Timeout:
    """The error `mock_timeout=True` raises."""
    return exc.Timeout(request=_http.Request("POST", "http://mock/"))


def response(path: str, mock: Mock, model: str, *, stream: bool) -> _http.Response:
    """The in-memory answer: a JSON document, or an event stream of it as chunks."""
    _raise_if_error(mock.response, model)
    request = _http.Request("POST", f"http://mock/{path}")
    data = _document(path, mock, model)
    if not stream:
        return _http.Response(200, json=data, request=request)
    body = b"".join(f"data: {json.dumps(event)}\n\n".encode() for event in _events(path, data))
    return _http.Response(
        200, content=body + b"data: [DONE]\n\n", headers={"content-type": "text/event-stream"}, request=request
    )


def _raise_if_error(value: object, model: str) -> None:
    if isinstance(value, openai.APIError):
        raise value
    if isinstance(value, BaseException):
        status = getattr(value, "status_code", 500)
        _raise_status(status if isinstance(status, int) else 500, str(getattr(value, "text", value)))
    if isinstance(value, str) and value in _ERRORS:
        _raise_status(*_ERRORS[value])


def _raise_status(status: int, message: str) -> None:
    body = {"error": {"message": message, "type": "mock_error", "code": status}}
    answer = _http.Response(status, json=body, request=_http.Request("POST", "http://mock/"))
    raise status_error(answer, body, route(""), message)


def _document(path: str, mock: Mock, model: str) -> dict[str, Any]:
    value = mock.response
    if isinstance(value, Mapping):
        return {"model": model, **{str(k): v for k, v in cast("Mapping[object, Any]", value).items()}}
    text = value if isinstance(value, str) else DEFAULT_TEXT
    usage = {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": COMPLETION_TOKENS,
        "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
    }
    common = {"id": f"chatcmpl-{uuid.uuid4()}", "created": int(time.time()), "model": model, "usage": usage}
    if path == "completions":
        return {**common, "object": "text_completion", "choices": [{"index": 0, "text": text, "finish_reason": "stop"}]}
    if path == "embeddings":
        vector: list[Any] = cast("list[Any]", value) if isinstance(value, list) else [0.0] * 1536
        return {
            "object": "list",
            "model": model,
            "data": [{"object": "embedding", "index": 0, "embedding": vector}],
            "usage": {"prompt_tokens": PROMPT_TOKENS, "total_tokens": PROMPT_TOKENS},
        }
    if path == "images/generations":
        return {"created": int(time.time()), "data": [{"url": text}]}
    if path == "responses":
        return _response_document(text, model)
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if mock.tool_calls:
        message["tool_calls"] = mock.tool_calls
    return {
        **common,
        "object": "chat.completion",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }


def _response_document(text: str, model: str) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "output_text", "text": text, "annotations": []}]
    output: list[dict[str, Any]] = [
        {
            "type": "message",
            "id": f"msg_{uuid.uuid4().hex}",
            "status": "completed",
            "role": "assistant",
            "content": content,
        }
    ]
    usage = {
        "input_tokens": PROMPT_TOKENS,
        "output_tokens": COMPLETION_TOKENS,
        "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
    }
    return {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": model,
        "output": output,
        "usage": usage,
        "tools": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
    }


def _events(path: str, data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A whole answer as the stream events that carry it: a content chunk, then one that finishes it."""
    if path == "responses":
        yield {"type": "response.completed", "sequence_number": 0, "response": data}
        return
    base = {key: data[key] for key in ("id", "created", "model") if key in data}
    kind = "text_completion" if path == "completions" else "chat.completion.chunk"
    for choice in data.get("choices") or ():
        if path == "completions":
            yield {
                **base,
                "object": kind,
                "choices": [{"index": choice.get("index", 0), "text": choice.get("text"), "finish_reason": None}],
            }
        else:
            yield {
                **base,
                "object": kind,
                "choices": [
                    {"index": choice.get("index", 0), "delta": choice.get("message") or {}, "finish_reason": None}
                ],
            }
    yield {
        **base,
        "object": kind,
        "choices": [
            {"index": 0, **({"text": ""} if path == "completions" else {"delta": {}}), "finish_reason": "stop"}
        ],
        "usage": data.get("usage"),
    }
