"""Leaks: streams abandoned after their first chunk (or before it) give their connections back; no 'unclosed'
ResourceWarning. Connections are counted at the server, which sees every close."""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from collections.abc import Iterator

import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

from .conftest import SOAK
from .figures import Figures

STREAMS = 10_000 if SOAK else 1_000


@pytest.fixture
def resource_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Every ResourceWarning raised during the test, including from finalizers run by gc."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield caught
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def _settled(proxy: FakeProxy) -> int:
    for _ in range(250):  # a bounded wait for closes in flight, not a timing
        if proxy.connections_open == 0:
            break
        time.sleep(0.02)
    return proxy.connections_open


def _abandon(proxy: FakeProxy, index: int) -> None:
    """Four ways code leaves a stream after its first chunk, in turn."""
    stream = shim.completion("litellm_proxy/m", HI, stream=True, api_base=proxy.url, api_key=proxy.api_key)
    way = index % 4
    if way == 0:
        for _ in stream:
            break
    elif way == 1:
        next(stream)
    elif way == 2:
        with stream:
            next(stream)
    else:
        pass  # dropped before its first chunk


def test_abandoned_sync_streams_release_their_connections(
    proxy: FakeProxy, figures: Figures, resource_warnings: list[warnings.WarningMessage]
) -> None:
    for index in range(STREAMS):
        _abandon(proxy, index)
    gc.collect()
    shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key)  # the pool still serves
    shim.close()
    leaked = _settled(proxy)
    figures.set("leaks", "sync streams abandoned", STREAMS)
    figures.set("leaks", "sync: connections opened", proxy.connections_opened)
    figures.set("leaks", "sync: connections left open", leaked)
    assert leaked == 0
    assert len(proxy.requests) == STREAMS + 1


async def _aabandon(proxy: FakeProxy, index: int) -> None:
    stream = await shim.acompletion("litellm_proxy/m", HI, stream=True, api_base=proxy.url, api_key=proxy.api_key)
    way = index % 4
    if way == 0:
        async for _ in stream:
            break
    elif way == 1:
        await stream.__anext__()
    elif way == 2:
        async with stream:
            await stream.__anext__()


async def test_abandoned_async_streams_release_their_connections(
    proxy: FakeProxy, figures: Figures, resource_warnings: list[warnings.WarningMessage]
) -> None:
    for index in range(STREAMS):
        await _aabandon(proxy, index)
    gc.collect()
    for _ in range(250):  # dropped async generators are closed by tasks the loop runs
        if proxy.connections_open <= 1:
            break
        await asyncio.sleep(0.02)
    in_loop = proxy.connections_open
    await shim.acompletion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key)
    await shim.aclose()
    leaked = _settled(proxy)
    figures.set("leaks", "async streams abandoned", STREAMS)
    figures.set("leaks", "async: connections opened", proxy.connections_opened)
    figures.set("leaks", "async: connections open before aclose()", in_loop)
    figures.set("leaks", "async: connections left open", leaked)
    assert in_loop <= 1
    assert leaked == 0
