"""Deterministic answers of the fake upstream, one pure function per endpoint.

Each answer is a function of the request alone, so a test can predict it exactly and a differential test gets the
same bytes through two routes. Usage numbers count whitespace-separated words: crude, but nonzero and consistent
(`prompt + completion == total`), which is what result-handling code actually looks at.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

Json = dict[str, Any]

CREATED = 1_700_000_000
FINGERPRINT = "fp_fake_upstream"
SPEECH_BYTES = b"ID3\x04\x00\x00\x00\x00\x00\x00fake-mp3:"
TINY_PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
# Model names that script a failure, whatever the endpoint; shared with the proxy config in harness.py.
FAILING_MODELS = ("fail-429", "fail-500", "ctx-window", "content-policy")


@dataclass(frozen=True)
class Reply:
    """What the server writes back: a whole body, or Server-Sent Events sent chunk by chunk."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    events: tuple[bytes, ...] | None = None


@dataclass(frozen=True)
class Call:
    """A parsed request: JSON body, or multipart fields with the uploaded files' bytes."""

    path: str
    body: Json
    files: Mapping[str, tuple[str, bytes]] = field(default_factory=dict[str, tuple[str, bytes]])
    method: str = "POST"

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))


def json_reply(payload: object, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status=status, body=json.dumps(payload).encode(), headers=headers or {})


def sse_reply(events: list[bytes]) -> Reply:
    return Reply(content_type="text/event-stream", events=(*events, b"data: [DONE]\n\n"))


def sse_data(payload: object) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\n\n"


def tokens(text: str) -> int:
    return len(text.split())


def short_id(prefix: str, call: Call) -> str:
    digest = hashlib.sha256(json.dumps(call.body, sort_keys=True, default=str).encode()).hexdigest()
    return f"{prefix}{digest[:16]}"


def as_list(value: object) -> list[object]:
    return cast("list[object]", value) if isinstance(value, list) else []


def as_json(value: object) -> Json:
    return cast(Json, value) if isinstance(value, dict) else {}


def text_of(content: object) -> str:
    """Flatten OpenAI message content, a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    return " ".join(str(as_json(part).get("text", "")) for part in as_list(content))


def usage(prompt: int, completion: int) -> Json:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


# --- scripted failures -------------------------------------------------------------------------------------------


def openai_error(message: str, kind: str, code: str | None, param: str | None = None) -> Json:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def scripted_failure(call: Call) -> Reply | None:
    if call.model == "fail-429":
        # Retry-After 0 so the retry layers (openai SDK, LiteLLM router) do not stretch the test run.
        body = openai_error("Rate limit reached for fail-429 (fake upstream).", "requests", "rate_limit_exceeded")
        return json_reply(body, 429, {"retry-after": "0", "retry-after-ms": "0"})
    if call.model == "fail-500":
        return json_reply(openai_error("The fake upstream had an internal error.", "server_error", None), 500)
    if call.model == "ctx-window":
        message = (
            "This model's maximum context length is 8192 tokens. However, your messages resulted in 9001 tokens. "
            "Please reduce the length of the messages."
        )
        return json_reply(openai_error(message, "invalid_request_error", "context_length_exceeded", "messages"), 400)
    if call.model == "content-policy":
        message = "Your request was rejected as a result of our safety system (content_policy_violation)."
        return json_reply(openai_error(message, "invalid_request_error", "content_policy_violation"), 400)
    return None


# --- chat and text completions -----------------------------------------------------------------------------------


def last_user_text(messages: list[Json]) -> str:
    users = [m for m in messages if m.get("role") == "user"]
    return text_of(users[-1].get("content")) if users else ""


def chat_prompt_tokens(messages: list[Json]) -> int:
    # OpenAI charges a few tokens of framing per message; mimic it so prompt_tokens exceeds the bare word count.
    return sum(tokens(text_of(m.get("content"))) + 3 for m in messages) + 3


def chat(call: Call) -> Reply:
    messages = [as_json(m) for m in as_list(call.body.get("messages"))]
    answer = "echo: " + last_user_text(messages)
    if call.body.get("stream"):
        return chat_stream(call, answer, chat_prompt_tokens(messages))
    message: Json = {"role": "assistant", "content": structured(call.body, answer), "refusal": None}
    tools = [as_json(t) for t in as_list(call.body.get("tools"))]
    finish = "stop"
    if tools and messages[-1].get("role") == "user" and call.body.get("tool_choice") != "none":
        function = as_json(tools[0].get("function"))
        arguments = json.dumps(fill(as_json(function.get("parameters")), answer))
        call_id = short_id("call_", call)
        message |= {"content": None, "tool_calls": [{"id": call_id, "type": "function", "function": {
            "name": function.get("name"), "arguments": arguments}}]}  # fmt: skip
        finish = "tool_calls"
    choice: Json = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
    return json_reply(
        {
            "id": short_id("chatcmpl-", call),
            "object": "chat.completion",
            "created": CREATED,
            "model": call.model,
            "system_fingerprint": FINGERPRINT,
            "choices": [choice],
            "usage": usage(chat_prompt_tokens(messages), tokens(answer)),
        }
    )


def structured(body: Json, answer: str) -> str:
    """The answer as JSON when a response_format asks for it (filled from its schema), else as text."""
    response_format = as_json(body.get("response_format"))
    if response_format.get("type") == "json_schema":
        return json.dumps(fill(as_json(as_json(response_format.get("json_schema")).get("schema")), answer))
    if response_format.get("type") == "json_object":
        return json.dumps({"text": answer})
    return answer


def fill(schema: Json, text: str) -> Json:
    """An object matching a JSON schema's properties: strings get the text, other types a plain value."""
    values: dict[str, object] = {"string": text, "integer": 1, "number": 1.0, "boolean": True}
    properties = as_json(schema.get("properties"))
    return {name: values.get(str(as_json(spec).get("type"))) for name, spec in properties.items()}


def chat_stream(call: Call, answer: str, prompt_tokens: int) -> Reply:
    include_usage = bool(as_json(call.body.get("stream_options")).get("include_usage"))
    head: Json = {"id": short_id("chatcmpl-", call), "object": "chat.completion.chunk", "created": CREATED}
    head |= {"model": call.model, "system_fingerprint": FINGERPRINT}
    if include_usage:
        head["usage"] = None

    def chunk(delta: Json, finish: str | None) -> bytes:
        choice: Json = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return sse_data(head | {"choices": [choice]})

    events = [chunk({"role": "assistant", "content": "", "refusal": None}, None)]
    events += [chunk({"content": piece}, None) for piece in word_pieces(answer)]
    events.append(chunk({}, "stop"))
    if include_usage:
        no_choices: list[Json] = []
        events.append(sse_data(head | {"choices": no_choices, "usage": usage(prompt_tokens, tokens(answer))}))
    return sse_reply(events)


def word_pieces(text: str) -> list[str]:
    words = text.split(" ")
    return [words[0], *(" " + word for word in words[1:])]


def text_completion(call: Call) -> Reply:
    prompt: object = call.body.get("prompt", "")
    pieces = as_list(prompt)
    prompt_text = " ".join(map(str, pieces)) if isinstance(prompt, list) else str(prompt)
    answer = "echo: " + prompt_text
    head: Json = {"id": short_id("cmpl-", call), "object": "text_completion", "created": CREATED, "model": call.model}
    if call.body.get("stream"):
        chunks = [{"text": piece, "index": 0, "logprobs": None, "finish_reason": None} for piece in word_pieces(answer)]
        chunks.append({"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"})
        return sse_reply([sse_data(head | {"choices": [chunk]}) for chunk in chunks])
    choice: Json = {"text": answer, "index": 0, "logprobs": None, "finish_reason": "stop"}
    return json_reply(head | {"choices": [choice], "usage": usage(tokens(prompt_text), tokens(answer))})


# --- embeddings, images, audio -----------------------------------------------------------------------------------


def vector(text: str, dimensions: int) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round((digest[i % len(digest)] - 128) / 128, 4) for i in range(dimensions)]


def embeddings(call: Call) -> Reply:
    raw: object = call.body.get("input", "")
    items = as_list(raw)
    inputs = [str(item) for item in items] if isinstance(raw, list) else [str(raw)]
    dimensions = int(call.body.get("dimensions") or 8)
    # The openai SDK asks for base64 unless told otherwise and decodes it itself, so both encodings must work.
    as_base64 = call.body.get("encoding_format") == "base64"
    data = [
        {"object": "embedding", "index": i, "embedding": encode_vector(vector(text, dimensions), as_base64)}
        for i, text in enumerate(inputs)
    ]
    prompt = sum(tokens(text) for text in inputs)
    prompt_usage = {"prompt_tokens": prompt, "total_tokens": prompt}
    return json_reply({"object": "list", "data": data, "model": call.model, "usage": prompt_usage})


def encode_vector(values: list[float], as_base64: bool) -> list[float] | str:
    if not as_base64:
        return values
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()


def images(call: Call) -> Reply:
    count = int(call.body.get("n") or 1)
    prompt = str(call.body.get("prompt", ""))
    if call.body.get("response_format") == "b64_json":
        item: Json = {"b64_json": TINY_PNG_B64, "revised_prompt": prompt}
    else:
        item = {"url": "http://127.0.0.1:9/fake-image.png", "revised_prompt": prompt}
    return json_reply({"created": CREATED, "data": [item] * count})


def speech(call: Call) -> Reply:
    return Reply(body=SPEECH_BYTES + str(call.body.get("input", "")).encode(), content_type="audio/mpeg")


def transcription(call: Call) -> Reply:
    filename, data = call.files.get("file", ("", b""))
    text = f"transcript of {filename} ({len(data)} bytes)"
    if call.body.get("response_format") == "text":
        return Reply(body=text.encode(), content_type="text/plain")
    return json_reply({"text": text, "usage": {"type": "duration", "seconds": 1}})


# --- responses API -----------------------------------------------------------------------------------------------


def responses_input_text(raw: object) -> str:
    if isinstance(raw, str):
        return raw
    users = [as_json(item) for item in as_list(raw) if as_json(item).get("role", "user") == "user"]
    return text_of(users[-1].get("content")) if users else ""


def response_object(call: Call, answer: str, status: str) -> Json:
    text = responses_input_text(call.body.get("input"))
    done = status == "completed"
    part: Json = {"type": "output_text", "text": answer, "annotations": []}
    message: Json = {"type": "message", "id": short_id("msg_", call), "status": "completed", "role": "assistant"}
    message["content"] = [part]
    prompt, completion = tokens(text), tokens(answer)
    response_usage: Json = {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": completion,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": prompt + completion,
    }
    return {
        "id": short_id("resp_", call),
        "object": "response",
        "created_at": CREATED,
        "status": status,
        "model": call.model,
        "output": [message] if done else [],
        "usage": response_usage if done else None,
        "error": None,
        "incomplete_details": None,
        "instructions": call.body.get("instructions"),
        "metadata": {},
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "text": {"format": {"type": "text"}},
    }


def responses(call: Call) -> Reply:
    answer = "echo: " + responses_input_text(call.body.get("input"))
    if call.body.get("stream"):
        return sse_reply(responses_events(call, answer))
    return json_reply(response_object(call, answer, "completed"))


def responses_events(call: Call, answer: str) -> list[bytes]:
    item_id = short_id("msg_", call)
    where: Json = {"item_id": item_id, "output_index": 0, "content_index": 0}
    empty_part: Json = {"type": "output_text", "text": "", "annotations": []}
    final = response_object(call, answer, "completed")
    steps: list[tuple[str, Json]] = [
        ("response.created", {"response": response_object(call, answer, "in_progress")}),
        ("response.in_progress", {"response": response_object(call, answer, "in_progress")}),
        ("response.output_item.added", {"output_index": 0, "item": final["output"][0] | {"content": []}}),
        ("response.content_part.added", where | {"part": empty_part}),
        *[("response.output_text.delta", where | {"delta": piece}) for piece in word_pieces(answer)],
        ("response.output_text.done", where | {"text": answer}),
        ("response.content_part.done", where | {"part": final["output"][0]["content"][0]}),
        ("response.output_item.done", {"output_index": 0, "item": final["output"][0]}),
        ("response.completed", {"response": final}),
    ]
    return [named_event(kind, n, payload) for n, (kind, payload) in enumerate(steps)]


def named_event(kind: str, sequence: int, payload: Json) -> bytes:
    data = json.dumps({"type": kind, "sequence_number": sequence} | payload)
    return f"event: {kind}\ndata: {data}\n\n".encode()


# --- Cohere rerank -----------------------------------------------------------------------------------------------


def document_text(document: object) -> str:
    fields = as_json(document)
    return str(fields.get("text", json.dumps(fields))) if isinstance(document, dict) else str(document)


def relevance(query: str, document: str) -> float:
    # Share of query words found in the document, nudged by length so that scores are distinct and stable.
    wanted = set(query.lower().split())
    found = wanted & set(document.lower().split())
    return round(len(found) / max(len(wanted), 1) + 1 / (100 + len(document)), 6)


def rerank(call: Call) -> Reply:
    query = str(call.body.get("query", ""))
    documents = [document_text(doc) for doc in as_list(call.body.get("documents"))]
    ranked = sorted(enumerate(documents), key=lambda pair: relevance(query, pair[1]), reverse=True)
    top_n = call.body.get("top_n") or len(ranked)
    results: list[Json] = []
    for index, text in ranked[:top_n]:
        result: Json = {"index": index, "relevance_score": relevance(query, text)}
        if call.body.get("return_documents"):
            result["document"] = {"text": text}
        results.append(result)
    version = "2" if call.path.startswith("/v2/") else "1"
    meta: Json = {"api_version": {"version": version}, "billed_units": {"search_units": 1}}
    return json_reply({"id": short_id("rerank-", call), "results": results, "meta": meta})


def models(call: Call) -> Reply:
    # The proxy asks for this to learn context windows; an empty list tells it nothing and keeps its defaults.
    return json_reply({"object": "list", "data": []})


# --- image edits, moderations, files, batches, stored responses -------------------------------------------------
# Stateless like the rest: an id-taking route answers for whatever id it is given.


def image_edits(call: Call) -> Reply:
    uploads = [name for name in call.files if name.startswith("image")]
    prompt = f"{call.body.get('prompt', '')} ({len(uploads)} image)"
    return images(Call(call.path, {**call.body, "prompt": prompt}))


def moderations(call: Call) -> Reply:
    raw = call.body.get("input")
    texts = [str(item) for item in raw] if isinstance(raw, list) else [str(raw)]
    results = [
        {"flagged": "kill" in text, "categories": {"violence": "kill" in text}, "category_scores": {"violence": 0.5}}
        for text in texts
    ]
    return json_reply({"id": short_id("modr-", call), "model": call.model, "results": results})


def file_object(file_id: str, filename: str = "upload.jsonl", size: int = 0, purpose: str = "batch") -> Json:
    fields = {"bytes": size, "created_at": CREATED, "filename": filename, "purpose": purpose, "status": "processed"}
    return {"id": file_id, "object": "file", **fields}


def create_file(call: Call) -> Reply:
    filename, data = call.files.get("file", ("", b""))
    file_id = "file-" + hashlib.sha256(data).hexdigest()[:16]
    return json_reply(file_object(file_id, filename, len(data), str(call.body.get("purpose", ""))))


def batch_object(batch_id: str, status: str, body: Json) -> Json:
    fields = {"endpoint": body.get("endpoint", "/v1/chat/completions"), "completion_window": "24h"}
    fields |= {"input_file_id": body.get("input_file_id", "file-in"), "created_at": CREATED, "status": status}
    return {
        "id": batch_id,
        "object": "batch",
        **fields,
        "output_file_id": "file-out" if status == "completed" else None,
    }


def a_page(items: list[Json]) -> Reply:
    return json_reply({"object": "list", "data": items, "first_id": items[0]["id"], "last_id": items[-1]["id"]})


def by_id(call: Call, object_id: str, tail: str) -> Reply | None:
    """The answer of a route with an id in it (`/v1/files/{id}/content`), or None if there is no such route."""
    kind = call.path.split("/")[2]
    table: dict[tuple[str, str, str], Callable[[], Reply]] = {
        ("GET", "files", ""): lambda: json_reply(file_object(object_id)),
        ("DELETE", "files", ""): lambda: json_reply({"id": object_id, "object": "file", "deleted": True}),
        ("GET", "files", "content"): lambda: Reply(body=b'{"file": "%s"}\n' % object_id.encode(), content_type="application/octet-stream"),
        ("GET", "batches", ""): lambda: json_reply(batch_object(object_id, "completed", {})),
        ("POST", "batches", "cancel"): lambda: json_reply(batch_object(object_id, "cancelling", {})),
        ("GET", "responses", ""): lambda: json_reply(response_object(call, "stored", "completed") | {"id": object_id}),
        ("DELETE", "responses", ""): lambda: json_reply({"id": object_id, "object": "response", "deleted": True}),
        ("POST", "responses", "cancel"): lambda: json_reply(response_object(call, "", "cancelled") | {"id": object_id}),
        ("GET", "responses", "input_items"): lambda: a_page([{"id": "msg_in", "type": "message", "role": "user", "content": []}]),
    }  # fmt: skip
    reply = table.get((call.method, kind, tail))
    return reply() if reply else None


ROUTES: Mapping[str, Callable[[Call], Reply]] = {
    "/v1/chat/completions": chat,
    "/v1/completions": text_completion,
    "/v1/embeddings": embeddings,
    "/v1/images/generations": images,
    "/v1/audio/speech": speech,
    "/v1/audio/transcriptions": transcription,
    "/v1/responses": responses,
    "/v1/rerank": rerank,
    "/v2/rerank": rerank,
    "/v1/models": models,
    "/v1/images/edits": image_edits,
    "/v1/moderations": moderations,
    "/v1/files": lambda call: create_file(call) if call.method == "POST" else a_page([file_object("file-listed")]),
    "/v1/batches": lambda call: (
        json_reply(batch_object(short_id("batch_", call), "validating", call.body))
        if call.method == "POST"
        else a_page([batch_object("batch_listed", "completed", {})])
    ),
}


def answer(call: Call) -> Reply:
    """The reply to one request: a scripted failure if the model asks for one, else the endpoint's answer."""
    route = ROUTES.get(call.path) if call.method != "DELETE" else None
    parts = call.path.split("/")
    if route is None and len(parts) in (4, 5) and parts[2] in ("files", "batches", "responses"):
        found = by_id(call, parts[3], parts[4] if len(parts) == 5 else "")
        if found is not None:
            return found
    if route is None:
        return json_reply(openai_error(f"fake upstream has no route {call.path}", "invalid_request_error", None), 404)
    return scripted_failure(call) or route(call)
