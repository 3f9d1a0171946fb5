"""What the fake gateway answers: pure functions from a recorded request to a reply (no sockets here)."""

from __future__ import annotations

import base64
import json
import struct
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from shim.testing._recorded import RecordedRequest


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
        if handler in _RAW_HANDLERS:
            return handler(request, chunk_delay)
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
            parts = cast("list[Any]", content)
            return " ".join(
                str(cast("dict[str, Any]", part).get("text", "")) for part in parts if isinstance(part, dict)
            )
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


def _embeddings(body: dict[str, Any], _delay: float) -> Reply:
    raw = body["input"]
    inputs: list[Any] = [raw] if isinstance(raw, str) or (raw and isinstance(raw[0], int)) else list(raw)
    dims = int(body.get("dimensions") or 8)
    vectors = [_vector(str(item), dims) for item in inputs]
    as_base64 = body.get("encoding_format") == "base64"
    data = [
        {"object": "embedding", "index": i, "embedding": _base64(vector) if as_base64 else vector}
        for i, vector in enumerate(vectors)
    ]
    tokens = sum(len(str(item).split()) for item in inputs)
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return _json(200, {"object": "list", "data": data, "model": body["model"], "usage": usage})


def _base64(vector: list[float]) -> str:
    """A vector as OpenAI sends it when asked for base64: little-endian float32s."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def _vector(text: str, dims: int) -> list[float]:
    """A deterministic unit-ish vector for a text."""
    seed = sum(text.encode()) or 1
    return [round(((seed * (i + 7)) % 97) / 97 - 0.5, 6) for i in range(dims)]


def _images(body: dict[str, Any], _delay: float) -> Reply:
    count = int(body.get("n") or 1)
    if body.get("response_format") == "b64_json":
        data = [{"b64_json": base64.b64encode(_PNG).decode(), "revised_prompt": body["prompt"]} for _ in range(count)]
    else:
        data = [{"url": f"https://images.example/{i}.png", "revised_prompt": body["prompt"]} for i in range(count)]
    return _json(200, {"created": int(time.time()), "data": data})


# The smallest valid PNG: one transparent pixel.
_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _transcriptions(request: RecordedRequest, _delay: float) -> Reply:
    form = request.form
    upload: Any = form.get("file")
    if not isinstance(upload, tuple):
        return _json(400, error_body(400, "no file uploaded"))
    name, data = cast("tuple[str, bytes]", upload)
    text = f"transcribed {len(data)} bytes of {name}"
    fmt = form.get("response_format", "json")
    if fmt in ("text", "srt", "vtt"):
        return Reply(200, text.encode(), "text/plain; charset=utf-8")
    payload: dict[str, Any] = {"text": text}
    if fmt == "verbose_json":
        payload |= {"language": form.get("language", "english"), "duration": 1.5, "segments": [{"id": 0, "text": text}]}
    return _json(200, payload)


def _translations(request: RecordedRequest, delay: float) -> Reply:
    return _transcriptions(request, delay)  # the same form; the fake "translates" by transcribing


def _image_upload(request: RecordedRequest, delay: float) -> Reply:
    """images.edit / images.create_variation: a multipart upload, answered like a generation."""
    form = request.form
    return _images(
        {"prompt": form.get("prompt", ""), "n": form.get("n"), "response_format": form.get("response_format")}, delay
    )


def _moderations(body: dict[str, Any], _delay: float) -> Reply:
    raw = body["input"]
    inputs: list[Any] = [raw] if isinstance(raw, str) else list(raw)
    result: dict[str, Any] = {"flagged": False, "categories": {}, "category_scores": {}}
    result["category_applied_input_types"] = {}
    payload = {"id": "modr-" + uuid.uuid4().hex[:8], "model": body.get("model", "omni-moderation-latest")}
    return _json(200, {**payload, "results": [result for _ in inputs]})


def _speech(body: dict[str, Any], chunk_delay: float) -> Reply:
    audio = b"ID3" + (body["input"].encode() * 64)
    return Reply(200, audio, "audio/mpeg")


def _rerank(body: dict[str, Any], _delay: float) -> Reply:
    query = set(str(body["query"]).lower().split())
    documents: list[Any] = body["documents"]
    texts = [doc if isinstance(doc, str) else json.dumps(doc) for doc in documents]
    scores = [len(query & set(text.lower().split())) / (len(query) or 1) for text in texts]
    order = sorted(range(len(texts)), key=lambda i: -scores[i])[: body.get("top_n") or len(texts)]
    results: list[dict[str, Any]] = []
    for index in order:
        item: dict[str, Any] = {"index": index, "relevance_score": round(scores[index], 4)}
        if body.get("return_documents"):
            item["document"] = {"text": texts[index]}
        results.append(item)
    meta = {"billed_units": {"search_units": 1}, "tokens": {"input_tokens": len(query), "output_tokens": 0}}
    return _json(200, {"id": "rerank-" + uuid.uuid4().hex[:8], "results": results, "meta": meta})


def _responses(body: dict[str, Any], chunk_delay: float) -> Reply:
    raw = body["input"]
    prompt = raw if isinstance(raw, str) else _last_user_text(raw)
    text = "echo: " + prompt
    response = _response_object(body, text, "completed")
    if body.get("stream"):
        return Reply(200, _response_events(body, text, chunk_delay), "text/event-stream")
    return _json(200, response)


def _response_object(body: dict[str, Any], text: str, status: str, response_id: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "status": status,
        "content": [{"type": "output_text", "text": text, "annotations": []}] if status == "completed" else [],
    }
    words = len(text.split())
    return {
        "id": response_id or "resp_" + uuid.uuid4().hex[:8],
        "object": "response",
        "created_at": int(time.time()),
        "model": body["model"],
        "status": status,
        "output": [message],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {"input_tokens": 2, "output_tokens": words, "total_tokens": 2 + words},
    }


def _response_events(body: dict[str, Any], text: str, chunk_delay: float) -> Iterator[bytes]:
    response_id = "resp_" + uuid.uuid4().hex[:8]  # one response, from created to completed
    created = _response_object(body, "", "in_progress", response_id)
    item: dict[str, Any] = created["output"].pop()  # announced next, as the SDK's stream manager expects
    yield _named("response.created", {"type": "response.created", "sequence_number": 0, "response": created})
    yield _named(
        "response.output_item.added",
        {"type": "response.output_item.added", "sequence_number": 1, "output_index": 0, "item": item},
    )
    part: dict[str, Any] = {"type": "output_text", "text": "", "annotations": []}
    added = {"type": "response.content_part.added", "sequence_number": 2, "item_id": "msg_1", "output_index": 0}
    yield _named("response.content_part.added", {**added, "content_index": 0, "part": part})
    for number, piece in enumerate(_pieces(text), start=3):
        delta: dict[str, Any] = {
            "type": "response.output_text.delta",
            "sequence_number": number,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": piece,
            "logprobs": [],
        }
        yield _named("response.output_text.delta", delta)
        if chunk_delay:
            time.sleep(chunk_delay)
    done = {
        "type": "response.completed",
        "sequence_number": 99,
        "response": _response_object(body, text, "completed", response_id),
    }
    yield _named("response.completed", done)


def _named(event: str, payload: dict[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\n" + _event(payload)


def _models(_body: dict[str, Any], _delay: float) -> Reply:
    names = ["fake-chat", "fake-embedding", "fake-rerank"]
    return _json(
        200, {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "fake"} for n in names]}
    )


_RAW_HANDLERS = {_transcriptions, _translations, _image_upload}


# --- Anthropic's Messages API and the gateway's own facts --------------------------------------------------------


def _anthropic_text(body: dict[str, Any]) -> str:
    messages: list[dict[str, Any]] = body["messages"]
    return "echo: " + _last_user_text(messages)


def _messages(body: dict[str, Any], chunk_delay: float) -> Reply:
    text = _anthropic_text(body)
    if body.get("stream"):
        return Reply(200, _message_events(body, text, chunk_delay), "text/event-stream")
    return _json(200, _message_object(body, text, [{"type": "text", "text": text}], "end_turn"))


def _message_object(body: dict[str, Any], text: str, content: list[Any], stop: str | None) -> dict[str, Any]:
    return {
        "id": "msg_" + uuid.uuid4().hex[:12],
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": len(_last_user_text(body["messages"]).split()), "output_tokens": len(text.split())},
    }


def _message_events(body: dict[str, Any], text: str, chunk_delay: float) -> Iterator[bytes]:
    yield _named("message_start", {"type": "message_start", "message": _message_object(body, "", [], None)})
    block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    yield _named("content_block_start", block)
    yield _named("ping", {"type": "ping"})
    for piece in _pieces(text):
        delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}
        yield _named("content_block_delta", delta)
        if chunk_delay:
            time.sleep(chunk_delay)
    yield _named("content_block_stop", {"type": "content_block_stop", "index": 0})
    usage = {"output_tokens": len(text.split())}
    stop = {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": usage}
    yield _named("message_delta", stop)
    yield _named("message_stop", {"type": "message_stop"})


# What the fake gateway says of its models: capabilities and prices as a LiteLLM proxy reports them.
_MODEL_INFO: dict[str, dict[str, Any]] = {
    "fake-chat": {
        "max_tokens": 4096,
        "max_input_tokens": 128000,
        "max_output_tokens": 4096,
        "input_cost_per_token": 1e-06,
        "output_cost_per_token": 2e-06,
        "litellm_provider": "openai",
        "mode": "chat",
        "supports_function_calling": True,
        "supports_parallel_function_calling": True,
        "supports_tool_choice": True,
        "supports_response_schema": True,
        "supports_vision": True,
        "supports_reasoning": False,
        "supports_system_messages": True,
    },
    "fake-embedding": {"max_input_tokens": 8191, "input_cost_per_token": 1e-07, "mode": "embedding"},
    "fake-rerank": {"mode": "rerank"},
}


def _model_info(_body: dict[str, Any], _delay: float) -> Reply:
    data = [
        {
            "model_name": name,
            "litellm_params": {"model": "openai/" + name},
            "model_info": {"id": f"fake-deployment-{index}", "key": name, **info},
        }
        for index, (name, info) in enumerate(_MODEL_INFO.items(), start=1)
    ]
    return _json(200, {"data": data})


def _token_counter(body: dict[str, Any], _delay: float) -> Reply:
    messages: list[dict[str, Any]] | None = body.get("messages")
    if messages is not None:
        count = sum(len(str(m.get("content", "")).split()) + 3 for m in messages) + 3
    else:
        count = len(str(body["prompt"]).split())
    model = body["model"]
    return _json(200, {"total_tokens": count, "request_model": model, "model_used": model, "error": False})


_ROUTES: dict[tuple[str, str], Callable[[Any, float], Reply]] = {
    ("POST", "/chat/completions"): _chat,
    ("POST", "/completions"): _text,
    ("POST", "/embeddings"): _embeddings,
    ("POST", "/images/generations"): _images,
    ("POST", "/audio/transcriptions"): _transcriptions,
    ("POST", "/audio/translations"): _translations,
    ("POST", "/images/edits"): _image_upload,
    ("POST", "/images/variations"): _image_upload,
    ("POST", "/moderations"): _moderations,
    ("POST", "/audio/speech"): _speech,
    ("POST", "/rerank"): _rerank,
    ("POST", "/v2/rerank"): _rerank,
    ("POST", "/responses"): _responses,
    ("GET", "/models"): _models,
    ("POST", "/messages"): _messages,  # `/v1/messages`: the `/v1` is dropped above
    ("GET", "/model/info"): _model_info,
    ("POST", "/utils/token_counter"): _token_counter,
}
