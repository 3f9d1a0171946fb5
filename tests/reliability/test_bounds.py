"""Bounds beyond the openai SDK: one attempt's whole answer within its timeout, a budget for the whole call, and a
cap on a non-streamed body's decoded size.

Figures (seconds, bytes) go to RELIABILITY.md's "bounds" table beside the behaviour before the bounds existed:
a body trickled at one byte per 0.15 s succeeded after 4.6 s with `timeout=1`; `timeout=0.5` with
`Retry-After: 1.5` over two retries took 3.1 s; 199 KiB of gzip became 200 MiB in memory.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

from .figures import Figures

_OK = (
    b'{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,'
    b'"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}'
)


async def _outcome(result: Any) -> Any:
    return await result if hasattr(result, "__await__") else result


@contextlib.contextmanager
def trickling_server(body: bytes, every: float) -> Iterator[tuple[str, list[int]]]:
    """A loopback server that sends the headers at once, then the body one byte per `every` seconds."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stop = threading.Event()
    attempts: list[int] = []

    def serve_one(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            attempts.append(1)
            head = f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
            conn.sendall(head.encode())
            for index in range(len(body)):
                if stop.wait(every):
                    return
                with contextlib.suppress(OSError):
                    conn.sendall(body[index : index + 1])

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", attempts
    finally:
        stop.set()
        thread.join()
        server.close()


def test_a_trickled_answer_cannot_hold_an_attempt_past_its_timeout(figures: Figures) -> None:
    # 40 bytes at one per 0.15 s take 6 s; each read comes well within the 1 s timeout.
    with trickling_server(_OK[:40], every=0.15) as (url, attempts):
        started = time.monotonic()
        with pytest.raises(shim.Timeout):
            shim.completion("litellm_proxy/m", HI, api_base=url, api_key="sk-x", timeout=1, num_retries=0)
        took = time.monotonic() - started
    assert took < 3.0, took  # the attempt's bound is 1 s; generous for a noisy machine
    assert len(attempts) == 1
    figures.set(
        "bounds", "trickled body, timeout=1, no retries: seconds to Timeout (before: 4.6 s, success)", f"{took:.1f}"
    )


async def test_a_trickled_answer_is_bounded_async_too() -> None:
    with trickling_server(_OK[:40], every=0.15) as (url, _):
        started = time.monotonic()
        with pytest.raises(shim.Timeout):
            await shim.acompletion("litellm_proxy/m", HI, api_base=url, api_key="sk-x", timeout=1, num_retries=0)
        assert time.monotonic() - started < 3.0


def test_a_trickled_attempt_is_retried_as_the_sdk_retries_a_timeout() -> None:
    with trickling_server(_OK[:40], every=0.15) as (url, attempts), pytest.raises(shim.Timeout):
        shim.completion("litellm_proxy/m", HI, api_base=url, api_key="sk-x", timeout=0.5, num_retries=1)
    assert len(attempts) == 2


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_total_timeout_bounds_retries_and_their_waits(
    proxy: FakeProxy, figures: Figures, asynchronous: bool
) -> None:
    proxy.respond(429, headers={"retry-after": "1.5"}, times=3)
    options: dict[str, Any] = {"api_base": proxy.url, "api_key": proxy.api_key, "timeout": 0.5, "num_retries": 2}
    call = shim.acompletion if asynchronous else shim.completion
    started = time.monotonic()
    with pytest.raises(shim.RateLimitError):
        await _outcome(call("litellm_proxy/m", HI, total_timeout=1.0, **options))
    took = time.monotonic() - started
    assert took < 1.0, took  # the 1.5 s wait would outlast the budget: the 429 is raised at once
    assert len(proxy.requests) == 1
    if not asynchronous:
        figures.set("bounds", "Retry-After 1.5 x 2 retries, total_timeout=1: seconds (before: 3.1)", f"{took:.1f}")


def test_total_timeout_raises_timeout_when_the_gateway_hangs(proxy: FakeProxy) -> None:
    proxy.respond(200, delay=5.0)
    started = time.monotonic()
    with pytest.raises(shim.Timeout):
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, timeout=30, total_timeout=0.5)
    assert time.monotonic() - started < 2.0


def test_a_retry_that_fits_the_budget_still_happens(proxy: FakeProxy) -> None:
    proxy.respond(503, headers={"retry-after-ms": "50"})
    r = shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, total_timeout=10)
    assert r.choices[0].message.content == "echo: hello world"
    assert len(proxy.requests) == 2


def test_module_total_timeout_applies_when_the_call_names_none(proxy: FakeProxy, monkeypatch: Any) -> None:
    monkeypatch.setattr(shim, "total_timeout", 0.5)
    proxy.respond(200, delay=5.0)
    with pytest.raises(shim.Timeout):
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, timeout=30)


@pytest.mark.parametrize("value", [0, -1, float("nan"), "1", True])
def test_a_bad_total_timeout_is_refused_before_io(proxy: FakeProxy, value: object) -> None:
    with pytest.raises(ValueError, match="total_timeout"):
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, total_timeout=value)
    assert proxy.requests == []


def test_a_decompression_bomb_is_refused_at_the_default_cap(proxy: FakeProxy, figures: Figures) -> None:
    decoded = b'{"pad":"' + b"0" * (200 * 1024 * 1024) + b'"}'
    bomb = gzip.compress(decoded, compresslevel=9)
    del decoded
    proxy.respond(200, headers={"content-encoding": "gzip"}, body=bomb)
    with pytest.raises(shim.ResponseTooLargeError, match="max_response_bytes") as info:
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, num_retries=0)
    assert isinstance(info.value, shim.APIConnectionError)
    figures.set("bounds", "gzip on the wire (KiB) that decodes to 200 MiB", len(bomb) // 1024)
    figures.set("bounds", "bytes read of it before ResponseTooLargeError (default cap)", shim.max_response_bytes)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_the_cap_is_per_call_and_global(proxy: FakeProxy, monkeypatch: Any, asynchronous: bool) -> None:
    options: dict[str, Any] = {"api_base": proxy.url, "api_key": proxy.api_key}
    with pytest.raises(shim.ResponseTooLargeError):
        await _outcome(
            (shim.aembedding if asynchronous else shim.embedding)(
                "litellm_proxy/e", "x", max_response_bytes=100, **options
            )
        )
    monkeypatch.setattr(shim, "max_response_bytes", 100)
    with pytest.raises(shim.ResponseTooLargeError):
        shim.embedding("litellm_proxy/e", input="x", **options)
    assert shim.embedding("litellm_proxy/e", input="x", max_response_bytes=None, **options).data


def test_streams_are_not_capped(proxy: FakeProxy) -> None:
    options: dict[str, Any] = {"api_base": proxy.url, "api_key": proxy.api_key, "max_response_bytes": 10}
    chunks = list(shim.completion("litellm_proxy/m", HI, stream=True, **options))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "echo: hello world"
    audio = shim.speech("litellm_proxy/tts", input="hello", voice="alloy", stream=True, **options)
    with audio:
        assert len(audio.read()) > 10


@pytest.mark.parametrize("value", [0, -5, 1.5, "big", True])
def test_a_bad_cap_is_refused_before_io(proxy: FakeProxy, value: object) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, max_response_bytes=value)
    assert proxy.requests == []
