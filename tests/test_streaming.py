"""Event streams read from their bytes: however the body is cut into reads, the same chunks (types and values), the
same errors, and LiteLLM's attributes on every chunk."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletionChunk

import shim
from shim.testing import FakeProxy
from tests.conftest import HI
from tests.reliability.rawserver import RawServer

SSE = "text/event-stream"


def _event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice], **extra}


def _data(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


# One event's JSON over two `data:` lines (joined by a line feed, between two of its members).
_SPLIT = json.dumps(_event({"content": "split "})).split(' "model"')
_SPLIT[1] = '"model"' + _SPLIT[1]

# What gateways send besides one `data: {...}` line per event: CRLF and CR line ends, comments, `event:`/`id:`
# lines, data split over lines or without the space, a multi-byte character, and line separators (U+2028,
# U+0085) that JSON strings may hold raw.
BODY = b"".join(
    [
        b": keep-alive\r\n\r\n",
        _data(_event({"role": "assistant", "content": ""})),
        b"id: 7\nevent: chunk\n" + _data(_event({"content": "caf\u00e9 "})),
        _data(_event({"content": "one\u2028two\u0085three "})).replace(b"\n", b"\r\n"),
        b"data:" + _SPLIT[0].encode() + b"\r" + b"data:" + _SPLIT[1].encode() + b"\r\r",
        _data(_event({}, "stop")),
        _data(_event({}, usage={"prompt_tokens": 2, "completion_tokens": 4, "total_tokens": 6}) | {"choices": []}),
        b"data: [DONE]\n\n",
    ]
)
TEXT = "caf\u00e9 one\u2028two\u0085three split "


def _chunked(body: bytes, size: int, content_type: str = SSE) -> bytes:
    """An HTTP answer that sends `body` in HTTP chunks of `size` bytes: each one a read of its own."""
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    head = f"HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    return head.encode() + b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def _read(url: str, use_async: bool) -> list[Any]:
    kwargs: dict[str, Any] = {"api_base": url, "api_key": "sk-stream", "stream": True}
    if not use_async:
        return list(shim.completion("litellm_proxy/m", HI, **kwargs))

    async def read() -> list[Any]:
        return [chunk async for chunk in await shim.acompletion("litellm_proxy/m", HI, **kwargs)]

    return asyncio.run(read())


def _seen(chunks: list[Any]) -> list[tuple[type, dict[str, Any]]]:
    return [(type(chunk), chunk.model_dump()) for chunk in chunks]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_stream_reads_the_same_however_its_bytes_are_cut(use_async: bool) -> None:
    with RawServer() as server:
        for size in (len(BODY), 1, 2, 3, 7, 64):
            server.script(_chunked(BODY, size))
        whole = _read(server.url, use_async)
        assert "".join(c.choices[0].delta.content or "" for c in whole if c.choices) == TEXT
        assert [c.choices[0].finish_reason for c in whole if c.choices][-1] == "stop"
        assert whole[-1].usage.total_tokens == 6
        assert all(isinstance(c, shim.ModelResponseStream) and c.model == "litellm_proxy/m" for c in whole)
        for _size in (1, 2, 3, 7, 64):
            assert _seen(_read(server.url, use_async)) == _seen(whole)


def test_every_chunk_has_litellms_attributes_of_its_own(gateway: FakeProxy) -> None:
    chunks = list(shim.completion("litellm_proxy/m", HI, stream=True))
    assert len(chunks) > 2
    assert all(c._hidden_params["model_id"] == "fake-deployment-1" for c in chunks)
    assert all(c._response_ms == chunks[0]._response_ms is not None for c in chunks)
    chunks[0]._response_ms = -1.0
    chunks[0]._hidden_params["marked"] = True  # shared, as the stream's own `_hidden_params` is
    assert chunks[1]._response_ms != -1.0 and chunks[1]._hidden_params["marked"]


def test_chunks_outside_openais_types_come_back_leniently(gateway: FakeProxy) -> None:
    # Not a finish_reason openai knows, and no `created`: built as sent, as before, beside chunks that validate.
    odd = _event({"content": "b"}, "content_filter_custom")
    del odd["created"]
    body = _data(_event({"content": "a"})) + _data(odd) + b"data: [DONE]\n\n"
    gateway.respond(200, body=body, headers={"content-type": SSE})
    first, second = shim.completion("litellm_proxy/m", HI, stream=True)
    assert type(first) is type(second) is shim.ModelResponseStream
    assert isinstance(second, ChatCompletionChunk)
    assert second.choices[0].finish_reason == "content_filter_custom" and second.model == "litellm_proxy/m"
    assert second["choices"][0]["delta"]["content"] == "b" and second._hidden_params["model_id"]


def test_nothing_after_done_and_no_event_without_its_blank_line(gateway: FakeProxy) -> None:
    body = _data(_event({"content": "a"})) + b"data: [DONE]\n\n" + _data(_event({"content": "late"}))
    gateway.respond(200, body=body, headers={"content-type": SSE})
    assert [c.choices[0].delta.content for c in shim.completion("litellm_proxy/m", HI, stream=True)] == ["a"]
    # An event the body ends in the middle of is not dispatched (the SSE standard), but its finish_reason still
    # tells a finished stream from a cut one.
    unterminated = _data(_event({"content": "a"})) + _data(_event({}, "stop"))[:-2]
    gateway.respond(200, body=unterminated, headers={"content-type": SSE})
    assert [c.choices[0].delta.content for c in shim.completion("litellm_proxy/m", HI, stream=True)] == ["a"]


def test_a_charset_the_gateway_names_is_read(gateway: FakeProxy) -> None:
    body = _data(_event({"content": "caf\u00e9"})).decode().encode("latin-1") + b"data: [DONE]\n\n"
    gateway.respond(200, body=body, headers={"content-type": SSE + "; charset=latin-1"})
    assert next(iter(shim.completion("litellm_proxy/m", HI, stream=True))).choices[0].delta.content == "caf\u00e9"


def test_bytes_that_are_not_utf8_are_replaced_as_before(gateway: FakeProxy) -> None:
    body = _data(_event({"content": "ok"})).replace(b"ok", b"o\xffk") + b"data: [DONE]\n\n"
    gateway.respond(200, body=body, headers={"content-type": SSE})
    assert next(iter(shim.completion("litellm_proxy/m", HI, stream=True))).choices[0].delta.content == "o\ufffdk"


@pytest.mark.parametrize(
    ("event", "error", "match"),
    [
        (b"data: {not json}\n\n", shim.APIResponseValidationError, "not JSON"),
        (b"data: [1, 2]\n\n", shim.APIResponseValidationError, "not a JSON object"),
        (_data(_event({"content": "a"}, error={"message": "quota", "code": "429"})), shim.RateLimitError, "quota"),
        (_data({"type": "error", "message": "overloaded"}), openai.APIStatusError, "overloaded"),
    ],
    ids=["not JSON", "not an object", "error beside a whole chunk", "error event"],
)
def test_bad_events_raise_as_before(gateway: FakeProxy, event: bytes, error: type[Exception], match: str) -> None:
    gateway.respond(200, body=_data(_event({"content": "a"})) + event, headers={"content-type": SSE})
    stream = shim.completion("litellm_proxy/m", HI, stream=True)
    assert next(iter(stream)).choices[0].delta.content == "a"
    with pytest.raises(error, match=match):
        next(iter(stream))
