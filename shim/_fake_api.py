"""What the fake gateway answers: pure functions from a recorded request to a reply (no sockets here)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shim.testing import RecordedRequest


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes | Iterator[bytes]
    content_type: str = "application/json"


def gateway_headers() -> dict[str, str]:
    """The `x-litellm-*` headers a LiteLLM proxy adds to every answer."""
    return {
        "x-litellm-call-id": str(uuid.uuid4()),
        "x-litellm-model-id": "fake-deployment-1",
        "x-litellm-response-cost": "0.00042",
        "x-litellm-version": "fake",
        "x-request-id": "req-" + uuid.uuid4().hex[:12],
    }


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code or str(status)}}


def answer(request: RecordedRequest, chunk_delay: float = 0.0) -> Reply:
    path = request.path.rstrip("/")
    if path.startswith("/v1/"):
        path = path[3:]
    handler = _ROUTES.get((request.method, path))
    if handler is None:
        return _json(404, error_body(404, f"Not Found: {request.method} {request.path}"))
    try:
        return handler(request.json if request.body[:1] == b"{" else {}, chunk_delay)
    except (KeyError, TypeError, ValueError) as exc:
        return _json(400, error_body(400, f"bad request: {exc!r}"))


def _json(status: int, payload: Any) -> Reply:
    return Reply(status, json.dumps(payload).encode())


def _usage(prompt: str, completion: str) -> dict[str, int]:
    p, c = len(prompt.split()), len(completion.split())
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for message in reversed(messages):
        content = message.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            parts: list[Any] = content  # pyright: ignore[reportUnknownVariableType]
            return " ".join(str(part.get("text", "")) for part in parts if isinstance(part, dict))  # pyright: ignore
    return ""


def _chat(body: dict[str, Any], chunk_delay: float) -> Reply:
    messages: list[dict[str, Any]] = body["messages"]
    prompt = _last_user_text(messages)
    text = "echo: " + prompt
    tools = body.get("tools")
    tool_call = _tool_call(tools[0], prompt) if tools and body.get("tool_choice") != "none" else None
    base = {"id": "chatcmpl-" + uuid.uuid4().hex[:12], "created": int(time.time()), "model": body["model"]}
    if body.get("stream"):
        return Reply(200, _chat_events(base, text, tool_call, body, chunk_delay), "text/event-stream")
    message: dict[str, Any] = {"role": "assistant", "content": None if tool_call else text}
    if tool_call:
        message["tool_calls"] = [tool_call]
    choice = {"index": 0, "message": message, "finish_reason": "tool_calls" if tool_call else "stop"}
    return _json(200, {**base, "object": "chat.completion", "choices": [choice], "usage": _usage(prompt, text)})


def _tool_call(tool: dict[str, Any], prompt: str) -> dict[str, Any]:
    arguments = json.dumps({"query": prompt})
    return {
        "id": "call_" + uuid.uuid4().hex[:8],
        "type": "function",
        "function": {"name": tool["function"]["name"], "arguments": arguments},
    }


def _chat_events(
    base: dict[str, Any], text: str, tool_call: dict[str, Any] | None, body: dict[str, Any], chunk_delay: float
) -> Iterator[bytes]:
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    if tool_call:
        args = tool_call["function"]["arguments"]
        head = {**tool_call, "function": {"name": tool_call["function"]["name"], "arguments": ""}}
        deltas.append({"tool_calls": [{"index": 0, **head}]})
        deltas += [
            {"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + 8]}}]} for i in range(0, len(args), 8)
        ]
    else:
        deltas += [{"content": piece} for piece in _pieces(text)]
    finish = "tool_calls" if tool_call else "stop"
    chunk = {**base, "object": "chat.completion.chunk"}
    for delta in deltas:
        yield _event({**chunk, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        if chunk_delay:
            time.sleep(chunk_delay)
    yield _event({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    options: dict[str, Any] = body.get("stream_options") or {}
    if options.get("include_usage"):
        yield _event({**chunk, "choices": [], "usage": _usage(_last_user_text(body["messages"]), text)})
    yield b"data: [DONE]\n\n"


def _pieces(text: str) -> list[str]:
    words = text.split(" ")
    return [word if i == 0 else " " + word for i, word in enumerate(words)]


def _event(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def _text(body: dict[str, Any], chunk_delay: float) -> Reply:
    prompt = body["prompt"]
    prompt_text = prompt if isinstance(prompt, str) else " ".join(map(str, prompt))
    text = "echo: " + prompt_text
    base = {"id": "cmpl-" + uuid.uuid4().hex[:12], "created": int(time.time()), "model": body["model"]}
    base["object"] = "text_completion"
    if body.get("stream"):
        return Reply(200, _text_events(base, text, chunk_delay), "text/event-stream")
    choice = {"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}
    return _json(200, {**base, "choices": [choice], "usage": _usage(prompt_text, text)})


def _text_events(base: dict[str, Any], text: str, chunk_delay: float) -> Iterator[bytes]:
    for piece in _pieces(text):
        yield _event({**base, "choices": [{"index": 0, "text": piece, "finish_reason": None, "logprobs": None}]})
        if chunk_delay:
            time.sleep(chunk_delay)
    yield _event({**base, "choices": [{"index": 0, "text": "", "finish_reason": "stop", "logprobs": None}]})
    yield b"data: [DONE]\n\n"


_ROUTES: dict[tuple[str, str], Callable[[dict[str, Any], float], Reply]] = {
    ("POST", "/chat/completions"): _chat,
    ("POST", "/completions"): _text,
}
