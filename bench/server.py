"""A fast loopback OpenAI-compatible server with canned answers, for benchmarks only.

Run as ``python -m bench.server [--port N] [--max-seconds S]``: it prints its port on stdout once it
listens and runs until its starter terminates it by pid (or ``--max-seconds`` passes, so a forgotten
server cannot outlive the run). It lives in its own process so that it never competes for the GIL with
the client being measured, and it speaks HTTP/1.1 on a bare ``asyncio.Protocol`` because a framework
(uvicorn, aiohttp) would make the server, not the client, the bottleneck on a 2-core machine.

Routes, each with and without the ``/v1`` prefix: ``POST /chat/completions`` (JSON, or for ``"stream": true``
an SSE stream of ``max_tokens`` chunks, ``STREAM_CHUNKS`` by default: one body in one write, or for the model
``PER_WRITE_MODEL`` each event its own HTTP chunk and its own write, as a gateway relays tokens),
``POST /embeddings`` (one ``EMBEDDING_DIMS``-float vector; with ``dimensions`` in the body, one vector of that size
per input), ``POST /rerank``, and ``GET /bench/stats`` (request count, distinct API keys and largest body seen, for
tests).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import importlib
import json
import random
import struct
import sys
from typing import Any, cast

from bench._common import PER_WRITE_MODEL

STREAM_CHUNKS = 500
EMBEDDING_DIMS = 256
MAX_STREAM_CHUNKS = 100_000

_CHAT = {
    "id": "chatcmpl-bench",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello from the bench server."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15},
}

_EMBEDDING_FLOATS = [round(i / EMBEDDING_DIMS, 4) for i in range(EMBEDDING_DIMS)]


def _chunk(delta: dict[str, str], finish: str | None) -> bytes:
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body, separators=(",", ":")).encode() + b"\n\n"


def _stream_body(chunks: int) -> bytes:
    events = [_chunk({"role": "assistant", "content": ""}, None)]
    events += [_chunk({"content": f"tok{i} "}, None) for i in range(chunks - 2)]
    events.append(_chunk({}, "stop"))
    return b"".join(events) + b"data: [DONE]\n\n"


def _embedding_one(encoding: str) -> dict[str, object]:
    vector: object = _EMBEDDING_FLOATS
    if encoding == "base64":
        vector = base64.b64encode(struct.pack(f"<{EMBEDDING_DIMS}f", *_EMBEDDING_FLOATS)).decode()
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": vector}],
        "model": "m",
        "usage": {"prompt_tokens": 3, "total_tokens": 3},
    }


def _batch_vector(index: int, dims: int) -> list[float]:
    # Values like a real model's (small, signed, ~10 significant digits), so that decoding costs what it would.
    rng = random.Random(index * 100_003 + dims)
    return [round(rng.gauss(0.0, 0.03), 10) for _ in range(dims)]


@functools.cache
def _embeddings_batch(encoding: str, inputs: int, dims: int) -> bytes:
    """One vector of ``dims`` per input, as floats or base64 (float32), built once per shape."""
    data: list[dict[str, object]] = []
    for index in range(inputs):
        vector: object = _batch_vector(index, dims)
        if encoding == "base64":
            vector = base64.b64encode(struct.pack(f"<{dims}f", *_batch_vector(index, dims))).decode()
        data.append({"object": "embedding", "index": index, "embedding": vector})
    usage = {"prompt_tokens": 8 * inputs, "total_tokens": 8 * inputs}
    return _json({"object": "list", "data": data, "model": "m", "usage": usage})


_RERANK = {
    "id": "rerank-bench",
    "results": [{"index": 1, "relevance_score": 0.91}, {"index": 0, "relevance_score": 0.42}],
    "meta": {"billed_units": {"search_units": 1}},
}


def _response(status: bytes, content_type: bytes, body: bytes) -> bytes:
    head = b"HTTP/1.1 " + status + b"\r\ncontent-type: " + content_type + b"\r\ncontent-length: "
    return head + str(len(body)).encode() + b"\r\n\r\n" + body


def _json(value: object) -> bytes:
    return _response(b"200 OK", b"application/json", json.dumps(value, separators=(",", ":")).encode())


# Every answer is built once: the server's per-request work is parsing and one transport.write().
_chat_response = _json(_CHAT)


def _chat_answer(content: str) -> dict[str, object]:
    message = {"role": "assistant", "content": content}
    return {**_CHAT, "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}


_EMBEDDINGS_RESPONSE = {enc: _json(_embedding_one(enc)) for enc in ("float", "base64")}
_RERANK_RESPONSE = _json(_RERANK)
_NOT_FOUND = _response(b"404 Not Found", b"application/json", b'{"error":{"message":"no such route"}}')


class Stats:
    """What the server received, so tests can assert on it."""

    def __init__(self) -> None:
        self.requests = 0
        self.keys: set[bytes] = set()
        self.largest_body = 0

    def as_json(self) -> bytes:
        return _json({"requests": self.requests, "distinct_keys": len(self.keys), "largest_body": self.largest_body})


@functools.cache
def _stream_response(chunks: int) -> bytes:
    return _response(b"200 OK", b"text/event-stream", _stream_body(chunks))


@functools.cache
def _stream_writes(chunks: int) -> tuple[bytes, ...]:
    """The stream as a gateway relays it: chunked transfer encoding, each event its own chunk and its own write."""
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    events = [event + b"\n\n" for event in _stream_body(chunks).split(b"\n\n") if event]
    return head, *(b"%x\r\n%s\r\n" % (len(event), event) for event in events), b"0\r\n\r\n"


def _chat(body: bytes) -> bytes | tuple[bytes, ...]:
    # A substring test first: decoding every body would cost more than the answer itself.
    if b'"stream"' not in body:
        return _chat_response
    request: dict[str, Any] = json.loads(body)
    if request.get("stream") is not True:
        return _chat_response
    chunks = max(2, min(int(request.get("max_tokens") or STREAM_CHUNKS), MAX_STREAM_CHUNKS))
    return _stream_writes(chunks) if request.get("model") == PER_WRITE_MODEL else _stream_response(chunks)


def _embeddings(body: bytes) -> bytes:
    encoding = "base64" if b'"base64"' in body else "float"
    if b'"dimensions"' not in body:
        return _EMBEDDINGS_RESPONSE[encoding]
    request: dict[str, Any] = json.loads(body)
    inputs: object = request.get("input")
    # A list of texts (or of token lists) is one input each; a string or one list of token ids is one input.
    items = cast(list[object], inputs) if isinstance(inputs, list) else []
    count = len(items) if items and not isinstance(items[0], int) else 1
    return _embeddings_batch(encoding, count, int(request["dimensions"]))


def _route(method: bytes, path: bytes, body: bytes, stats: Stats) -> bytes | tuple[bytes, ...]:
    """The answer: bytes for one write, or a tuple of bytes for one write each."""
    path = path.split(b"?", 1)[0].removeprefix(b"/v1")
    if method == b"POST" and path == b"/chat/completions":
        return _chat(body)
    if method == b"POST" and path == b"/embeddings":
        return _embeddings(body)
    if method == b"POST" and path == b"/rerank":
        return _RERANK_RESPONSE
    if method == b"GET" and path == b"/bench/stats":
        return stats.as_json()
    return _NOT_FOUND


class _HTTPProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and pipelining; bodies must carry content-length (all SDKs here do)."""

    def __init__(self, stats: Stats) -> None:
        self._stats = stats
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement the interface without subclassing asyncio.Transport.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._handle_one():
            pass

    def _handle_one(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0 or self._transport is None:
            return False
        lines = self._buffer[:end].split(b"\r\n")
        headers = dict(_split_header(line) for line in lines[1:])
        length = int(headers.get(b"content-length", b"0"))
        if len(self._buffer) < end + 4 + length:
            return False
        body = self._buffer[end + 4 : end + 4 + length]
        self._buffer = self._buffer[end + 4 + length :]
        method, path, _ = lines[0].split(b" ", 2)
        self._stats.requests += 1
        self._stats.keys.add(headers.get(b"authorization", b""))
        self._stats.largest_body = max(self._stats.largest_body, length)
        answer = _route(method, path, body, self._stats)
        for data in (answer,) if isinstance(answer, bytes) else answer:
            self._transport.write(data)
        if headers.get(b"connection", b"").lower() == b"close":
            self._transport.close()
            return False
        return True


def _split_header(line: bytes) -> tuple[bytes, bytes]:
    name, _, value = line.partition(b":")
    return name.strip().lower(), value.strip()


async def serve(port: int, max_seconds: float) -> None:
    """Listen on 127.0.0.1:port (0 picks one), print the port, and serve until cancelled or max_seconds."""
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _HTTPProtocol(stats), "127.0.0.1", port, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.sleep(max_seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    parser.add_argument("--chat-content", help="the chat answer's content (bench.frameworks: DSPy's format)")
    args = parser.parse_args(argv)
    if args.chat_content is not None:
        global _chat_response  # the answer every chat call gets, set once before serving
        _chat_response = _json(_chat_answer(args.chat_content))
    # uvloop is optional: it only makes the server cheaper, the clients run on plain asyncio.
    with contextlib.suppress(ImportError):
        importlib.import_module("uvloop").install()
    try:
        asyncio.run(serve(args.port, args.max_seconds))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
