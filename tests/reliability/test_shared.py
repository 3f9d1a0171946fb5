"""Shared resources one caller must not take away from the others (issue 22, item 8, the loop left open by
`loop.close()`, and every other way a single caller can close a pool that is shared).

A gateway's pool is shared by every `shim.completion`, every `shim.OpenAI` for that gateway and their copies
(`with_options`, `copy`). Counted: the calls made by others after one caller closed its client, that failed.
"""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
import weakref
from collections.abc import Callable

import openai
import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

from .figures import Figures

CALLS_AFTER = 3  # per kind of caller, after the close


def _failures(calls: list[Callable[[], object]]) -> int:
    failed = 0
    for call in calls:
        try:
            call()
        except (openai.APIError, RuntimeError):
            failed += 1
    return failed


def test_closing_a_copy_or_a_client_never_closes_the_shared_pool(multi: FakeProxy, figures: Figures) -> None:
    # Was: leaving `with tenant.with_options(base_url=B):` closed gateway A's shared pool: every later sync call to
    # A (shim.completion, the tenant, any other shim.OpenAI for A) failed with "client has been closed".
    with FakeProxy(accept_any_key=True) as other:
        a = multi.url
        tenant = shim.OpenAI(api_key="sk-tenant-1", base_url=a, max_retries=0)
        neighbour = shim.OpenAI(api_key="sk-tenant-2", base_url=a, max_retries=0)
        closers: list[Callable[[], object]] = [
            lambda: tenant.with_options(base_url=other.url).__exit__(None, None, None),
            lambda: tenant.with_options(timeout=5).close(),
            lambda: tenant.copy(max_retries=1).close(),
            lambda: shim.OpenAI(api_key="sk-3", base_url=a).close(),
            lambda: shim.OpenAI(api_key="sk-3", base_url=other.url).with_options(base_url=a).close(),
            # The cache's own client for the gateway, handed out by the public `shim.client_cache`.
            lambda: shim.client_cache.sync_client(a).close(),
            lambda: shim.client_cache.sync_client(a).__exit__(None, None, None),
            lambda: shim.client_cache.sync_client(a).with_options(timeout=5).close(),
        ]

        def through_a_copy() -> None:
            with tenant.with_options(base_url=other.url) as copy:
                copy.chat.completions.create(model="litellm_proxy/m", messages=HI)

        failed = 0
        for close in closers:
            failed += _failures([through_a_copy])
            close()
            failed += _failures(
                [lambda: shim.completion("litellm_proxy/m", HI, api_base=a, api_key="sk-t", num_retries=0)]
                * CALLS_AFTER
                + [lambda: tenant.chat.completions.create(model="litellm_proxy/m", messages=HI)] * CALLS_AFTER
                + [lambda: neighbour.embeddings.create(model="litellm_proxy/e", input="x")] * CALLS_AFTER
            )
        calls = len(closers) * (3 * CALLS_AFTER + 1)
        figures.set("shared", "closing a copy, a shim.OpenAI or the cached client (8 ways), then others' calls", calls)
        figures.set("shared", "closing a copy, a shim.OpenAI or the cached client: others' calls that failed", failed)
        assert [r.path for r in other.requests] == ["/chat/completions"] * len(closers)
    assert failed == 0


async def test_closing_an_async_copy_never_closes_the_loops_shared_pool(multi: FakeProxy, figures: Figures) -> None:
    with FakeProxy(accept_any_key=True) as other:
        a = multi.url
        tenant = shim.AsyncOpenAI(api_key="sk-tenant-1", base_url=a, max_retries=0)
        failed = 0
        for _ in range(2):
            try:
                async with tenant.with_options(base_url=other.url) as copy:
                    await copy.chat.completions.create(model="litellm_proxy/m", messages=HI)
                await tenant.copy(timeout=5).close()
                await shim.client_cache.async_client(a).close()
                async with shim.client_cache.async_client(a):
                    pass
            except (openai.APIError, RuntimeError):
                failed += 1
            for _ in range(CALLS_AFTER):
                try:
                    await shim.acompletion("litellm_proxy/m", HI, api_base=a, api_key="sk-t", num_retries=0)
                    await tenant.chat.completions.create(model="litellm_proxy/m", messages=HI)
                except (openai.APIError, RuntimeError):
                    failed += 1
        figures.set(
            "shared", "closing an async copy or the cached client (twice), then others' async calls that failed", failed
        )
    assert failed == 0


def test_a_client_given_its_own_pool_still_closes_it(multi: FakeProxy) -> None:
    # The other side of the rule: a pool the caller brought is the caller's, and close() closes it (as openai does).
    pool = openai.DefaultHttpxClient()
    client = shim.OpenAI(api_key="sk-1", base_url=multi.url, http_client=pool)
    client.chat.completions.create(model="litellm_proxy/m", messages=HI)
    client.close()
    assert pool.is_closed


def test_a_loop_closed_without_asyncio_run_is_released_when_collected(proxy: FakeProxy, figures: Figures) -> None:
    # Was: the loop and its connection stayed in the cache until the next async call from another loop (or close()).
    async def call() -> None:
        await shim.acompletion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key)

    loops = 5
    alive: list[weakref.ref[asyncio.AbstractEventLoop]] = []
    with warnings.catch_warnings():
        # Such a loop cannot run a close any more: its sockets close when collected, with the ResourceWarning a raw
        # AsyncOpenAI left on such a loop gives too.
        warnings.simplefilter("ignore", ResourceWarning)
        for _ in range(loops):
            loop = asyncio.new_event_loop()
            loop.run_until_complete(call())
            loop.close()
            alive.append(weakref.ref(loop))
            del loop
            gc.collect()
        for _ in range(100):  # a bounded wait for the server to see the sockets close, not a timing
            if proxy.connections_open == 0:
                break
            time.sleep(0.02)
        still_alive = sum(ref() is not None for ref in alive)
        left_open = proxy.connections_open
        figures.set("shared", "loops closed with loop.close() and collected", loops)
        figures.set("shared", "loops closed with loop.close(): loops still held after collection", still_alive)
        figures.set("shared", "loops closed with loop.close(): connections left open after collection", left_open)
        shim.close()
        gc.collect()
    assert still_alive == 0
    assert left_open == 0


@pytest.mark.parametrize("entered", [False, True])
def test_a_with_block_on_a_shim_client_leaves_the_pool(multi: FakeProxy, entered: bool) -> None:
    # `with shim.OpenAI() as client:` is the SDK's idiom; the pool it leaves is the one every call shares.
    with shim.OpenAI(api_key="sk-1", base_url=multi.url, max_retries=0) as client:
        client.models.list()
    if entered:
        with client.with_options(max_retries=0) as again:
            again.models.list()
    shim.completion("litellm_proxy/m", HI, api_base=multi.url, api_key="sk-1", num_retries=0)
