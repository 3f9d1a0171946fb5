"""The client cache under churn: many gateways through the LRU, event loops closed without `asyncio.run`, and
close()/aclose() while other threads and tasks are mid-call (issue 14, items 1, 2 and 6).

Connections are counted at the server; descriptors from /proc/self/fd (both ends of a loopback connection live in
this process, so each open connection is two).
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable

import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

from .conftest import SOAK
from .figures import Figures, rss_bytes
from .gateways import ManyGateways

GATEWAYS = 200
CALLS = 600
LOOP_ROUNDS = 30
ASYNCIO_RUNS = 300
MIB = 1024 * 1024


def _fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:  # no /proc: the figure reads 0
        return 0


def _settle(open_now: Callable[[], int], target: int = 0) -> int:
    for _ in range(150):  # a bounded wait for closes in flight, not a timing
        if open_now() <= target:
            break
        time.sleep(0.02)
    return open_now()


def _loops_in_cache() -> int:
    match = re.search(r"loops=(\d+)", repr(shim.client_cache))
    return int(match.group(1)) if match else -1


def many_gateways(figures: Figures, section: str, calls: int, gateways: int) -> tuple[int, int, int]:
    """`calls` sync calls round-robin over `gateways` base URLs; (connections open, fd growth, RSS growth)."""
    maxsize = shim.client_cache.maxsize
    with ManyGateways() as server:
        gc.collect()
        fds, rss = _fds(), rss_bytes()
        for i in range(calls):
            response = shim.completion("litellm_proxy/m", HI, api_base=server.base_url(i % gateways), api_key="sk-g")
            assert response.choices[0].message.content == "ok"
        gc.collect()
        still_open = _settle(lambda: server.connections_open, maxsize)
        grown_fds, grown_rss = _fds() - fds, rss_bytes() - rss
        figures.set(section, f"sync calls over {gateways} gateways (LRU maxsize {maxsize})", calls)
        figures.set(section, "gateways: connections opened", server.opened)
        figures.set(section, "gateways: connections left open", still_open)
        figures.set(section, "gateways: descriptors grown", grown_fds)
        figures.set(section, "gateways: RSS grown (MiB)", round(grown_rss / MIB, 1))
        shim.close()
        figures.set(section, "gateways: connections open after close()", _settle(lambda: server.connections_open))
    return still_open, grown_fds, grown_rss


def test_gateways_dropped_from_the_lru_are_closed(figures: Figures) -> None:
    # Was: 601 connections left open, descriptors 10 -> 1,210, RSS +500 MiB (the finalizer held its own client).
    maxsize = shim.client_cache.maxsize
    still_open, grown_fds, grown_rss = many_gateways(figures, "cache", CALLS, GATEWAYS)
    assert still_open <= maxsize
    assert grown_fds <= 2 * maxsize + 16
    assert grown_rss < 64 * MIB


async def test_async_gateways_dropped_from_the_lru_are_closed(figures: Figures) -> None:
    maxsize = shim.client_cache.maxsize
    with ManyGateways() as server:
        for i in range(CALLS):
            await shim.acompletion("litellm_proxy/m", HI, api_base=server.base_url(i % GATEWAYS), api_key="sk-g")
        gc.collect()
        for _ in range(150):  # closes run as tasks on this loop
            if server.connections_open <= maxsize:
                break
            await asyncio.sleep(0.02)
        still_open = server.connections_open
        figures.set("cache", f"async calls over {GATEWAYS} gateways, one loop", CALLS)
        figures.set("cache", "async gateways: connections left open", still_open)
        await shim.aclose()
        assert _settle(lambda: server.connections_open) == 0
    assert still_open <= maxsize


def loop_churn(figures: Figures, section: str, rounds: int, runs: int) -> tuple[int, int, int]:
    """`rounds` loops closed without asyncio.run, then `runs` asyncio.run() calls; what each leaves behind."""
    with FakeProxy() as proxy, warnings.catch_warnings():
        # A loop closed without shutdown_asyncgens cannot close its sockets: they close when collected, with the
        # ResourceWarning a raw AsyncOpenAI left on such a loop gives too.
        warnings.simplefilter("ignore", ResourceWarning)

        async def call() -> None:
            await shim.acompletion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key)

        for _ in range(rounds):
            loop = asyncio.new_event_loop()
            loop.run_until_complete(call())
            loop.close()
            del loop
        dead_loops = _loops_in_cache()
        gc.collect()
        left_open = _settle(lambda: proxy.connections_open, 1)
        figures.set(section, "loops closed without asyncio.run (new_event_loop/run_until_complete/close)", rounds)
        figures.set(section, "closed loops: connections left open (the last loop's, until the next loop)", left_open)
        figures.set(section, "closed loops: loops left in the cache", dead_loops)
        before = _loops_in_cache()
        for _ in range(runs):
            asyncio.run(call())
        grown = _loops_in_cache() - before
        figures.set(section, "asyncio.run() calls", runs)
        figures.set(section, "asyncio.run(): loop table grown by", grown)
        figures.set(section, "asyncio.run(): connections left open", _settle(lambda: proxy.connections_open))
        shim.close()
        gc.collect()  # the last closed loop's sockets, while its ResourceWarning is expected
    return left_open, dead_loops, grown


def test_loops_closed_without_asyncio_run_release_their_clients(figures: Figures) -> None:
    # Was: 30 connections open and 30 dead loops cached; 300 asyncio.run() grew the loop table by 300.
    left_open, dead_loops, grown = loop_churn(figures, "cache", LOOP_ROUNDS, ASYNCIO_RUNS)
    assert left_open <= 1
    assert dead_loops <= 1
    assert grown <= 0


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except shim.APIConnectionError:
        return "APIConnectionError"
    except Exception as error:  # every other type is the defect being counted
        return f"{type(error).__module__}.{type(error).__name__}"
    return "ok"


def test_close_while_threads_are_mid_call(multi: FakeProxy, figures: Figures) -> None:
    # Was: 16 of 40 calls raised a bare RuntimeError ("the client has been closed").
    threads, per_thread = 8, 5
    multi.respond(200, delay=0.05, times=threads * per_thread)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(per_thread):
            got = _outcome(lambda: shim.completion("litellm_proxy/m", HI, api_base=multi.url, api_key="sk-t"))
            with lock:
                outcomes[got] += 1

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    closes = 0
    while any(thread.is_alive() for thread in running):
        shim.close()
        closes += 1
        time.sleep(0.01)
    for thread in running:
        thread.join()
    shim.close()
    foreign = sum(n for name, n in outcomes.items() if name not in ("ok", "APIConnectionError"))
    figures.set("cache", "close() while threads are mid-call: calls", threads * per_thread)
    figures.set("cache", "close() while threads are mid-call: close() calls", closes)
    figures.set("cache", "close() while threads are mid-call: foreign exceptions", foreign)
    figures.set("cache", "close() while threads are mid-call: outcomes", dict(sorted(outcomes.items())))
    assert _settle(lambda: multi.connections_open) == 0
    assert foreign == 0, outcomes


async def test_aclose_while_tasks_are_mid_call(multi: FakeProxy, figures: Figures) -> None:
    calls = 40
    multi.respond(200, delay=0.05, times=calls)
    outcomes: Counter[str] = Counter()

    async def one() -> None:
        try:
            await shim.acompletion("litellm_proxy/m", HI, api_base=multi.url, api_key="sk-t")
        except shim.APIConnectionError:
            outcomes["APIConnectionError"] += 1
        except Exception as error:  # every other type is the defect being counted
            outcomes[f"{type(error).__module__}.{type(error).__name__}"] += 1
        else:
            outcomes["ok"] += 1

    tasks = [asyncio.ensure_future(one()) for _ in range(calls)]
    while not all(task.done() for task in tasks):
        await asyncio.sleep(0.01)
        await shim.aclose()
    await shim.aclose()
    foreign = sum(n for name, n in outcomes.items() if name not in ("ok", "APIConnectionError"))
    figures.set("cache", "aclose() while tasks are mid-call: calls", calls)
    figures.set("cache", "aclose() while tasks are mid-call: foreign exceptions", foreign)
    figures.set("cache", "aclose() while tasks are mid-call: outcomes", dict(sorted(outcomes.items())))
    assert foreign == 0, outcomes


@pytest.mark.skipif(not SOAK, reason="soak only")
def test_soak_many_gateways_and_loop_churn(figures: Figures) -> None:
    """The soak's phases: ten times the gateways' calls, and ten times the loops."""
    maxsize = shim.client_cache.maxsize
    still_open, grown_fds, grown_rss = many_gateways(figures, "soak: many gateways", 10 * CALLS, 5 * GATEWAYS)
    assert still_open <= maxsize
    assert grown_fds <= 2 * maxsize + 16
    assert grown_rss < 64 * MIB
    left_open, dead_loops, grown = loop_churn(figures, "soak: loop churn", 10 * LOOP_ROUNDS, 10 * ASYNCIO_RUNS)
    assert left_open <= 1
    assert dead_loops <= 1
    assert grown <= 0
