"""Lifecycle: successive event loops, close()/aclose() then more calls, closing under an open stream, and
os.fork() in a process with cached clients (the child never reads from its parent's sockets)."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import warnings

import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

from .figures import Figures

LOOPS = 20


def test_successive_event_loops_each_get_and_close_their_own_pool(gateway: FakeProxy, figures: Figures) -> None:
    async def calls() -> list[str | None]:
        results = await asyncio.gather(*(shim.acompletion("litellm_proxy/m", HI) for _ in range(3)))
        return [r.choices[0].message.content for r in results]

    for _ in range(LOOPS):
        assert asyncio.run(calls()) == ["echo: hello world"] * 3
    figures.set("lifecycle", "successive asyncio.run() loops", LOOPS)
    figures.set("lifecycle", "loops: connections opened", gateway.connections_opened)
    assert LOOPS <= gateway.connections_opened <= 3 * LOOPS
    assert _settled(gateway) == 0  # each loop closed its pool as it shut down


def test_close_then_calls_reopen(gateway: FakeProxy, figures: Figures) -> None:
    for _ in range(10):
        assert shim.completion("litellm_proxy/m", HI).choices
        shim.close()
    assert gateway.connections_opened == 10
    assert _settled(gateway) == 0
    figures.add("lifecycle", "close() then call again", 10)


async def test_aclose_then_calls_reopen(gateway: FakeProxy, figures: Figures) -> None:
    for _ in range(10):
        assert (await shim.acompletion("litellm_proxy/m", HI)).choices
        await shim.aclose()
    assert gateway.connections_opened == 10
    figures.add("lifecycle", "aclose() then call again", 10)


def test_close_under_an_open_stream_raises_a_shim_error_or_finishes(figures: Figures) -> None:
    with FakeProxy(stream_chunk_delay=0.05) as slow:
        stream = shim.completion("litellm_proxy/m", HI, stream=True, api_base=slow.url, api_key=slow.api_key)
        next(stream)
        shim.close()
        try:
            chunks = list(stream)
        except shim.APIConnectionError:
            chunks = None
        assert chunks is None or chunks[-1].choices[0].finish_reason == "stop"
        assert shim.completion("litellm_proxy/m", HI, api_base=slow.url, api_key=slow.api_key).choices
    figures.add("lifecycle", "close() under an open stream", 1)


def _settled(proxy: FakeProxy) -> int:
    for _ in range(250):  # a bounded wait for closes in flight, not a timing
        if proxy.connections_open == 0:
            break
        time.sleep(0.02)
    return proxy.connections_open


def _fork(child: object) -> int:
    """Run `child()` in a forked child; its exit status (0: it returned True). Kills a child stuck for 30 s."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork() with threads (the fake gateway's)
        pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if child() else 1)  # type: ignore[operator]
        except BaseException:
            os._exit(2)
    for _ in range(1500):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return -9


def _child_call(proxy: FakeProxy) -> bool:
    response = shim.completion("litellm_proxy/m", [{"role": "user", "content": "from the child"}])
    return response.choices[0].message.content == "echo: from the child"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_opens_its_own_connection(gateway: FakeProxy, figures: Figures) -> None:
    assert shim.completion("litellm_proxy/m", HI).choices  # the parent now holds an idle pooled connection
    assert _fork(lambda: _child_call(gateway)) == 0
    assert gateway.connections_opened == 2  # the child's own
    assert shim.completion("litellm_proxy/m", HI).choices  # the parent's connection was left intact
    assert gateway.connections_opened == 2
    figures.add("lifecycle", "forks with a cached client", 1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_fork_while_another_thread_is_mid_request(gateway: FakeProxy, figures: Figures) -> None:
    assert shim.completion("litellm_proxy/m", HI).choices
    gateway.respond(200, delay=1.0)  # the next request hangs in the server for a second
    busy = threading.Thread(target=lambda: shim.completion("litellm_proxy/m", HI))
    busy.start()
    while len(gateway.requests) < 2:
        time.sleep(0.01)
    assert _fork(lambda: _child_call(gateway)) == 0
    busy.join()
    figures.add("lifecycle", "forks while a request was in flight", 1)
