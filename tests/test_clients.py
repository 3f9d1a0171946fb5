"""The client cache, seen from the gateway: one pool per gateway, each tenant sending only its own key."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI


@pytest.fixture
def multi() -> Iterator[FakeProxy]:
    with FakeProxy(accept_any_key=True) as running:
        yield running


def _call_as(proxy: FakeProxy, tenant: int) -> str | None:
    key = f"sk-tenant-{tenant:04d}"
    response = shim.completion("litellm_proxy/m", [{"role": "user", "content": key}], api_base=proxy.url, api_key=key)
    return response.choices[0].message.content


def test_forty_tenants_across_threads_each_send_only_their_own_key(multi: FakeProxy) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: _call_as(multi, i % 40), range(200)))
    assert results == [f"echo: sk-tenant-{i % 40:04d}" for i in range(200)]
    assert len(multi.requests) == 200
    for request in multi.requests:
        assert request.api_key == request.json["messages"][0]["content"]
    # One pool for the gateway: connections are bounded by concurrency, not by tenants.
    assert multi.connections_opened <= 8


def test_sequential_tenants_reuse_one_connection(multi: FakeProxy) -> None:
    for tenant in range(40):
        _call_as(multi, tenant)
    assert multi.connections_opened == 1


async def test_async_tenants_share_the_loop_pool(multi: FakeProxy) -> None:
    async def call(tenant: int) -> str:
        key = f"sk-async-{tenant}"
        r = await shim.acompletion(
            "litellm_proxy/m", [{"role": "user", "content": key}], api_base=multi.url, api_key=key
        )
        return r.choices[0].message.content or ""

    results = await asyncio.gather(*(call(i) for i in range(60)))
    assert results == [f"echo: sk-async-{i}" for i in range(60)]
    assert all(r.api_key == r.json["messages"][0]["content"] for r in multi.requests)
    assert multi.connections_opened <= 60
    await shim.aclose()


def test_tenants_cost_no_cache_entry(multi: FakeProxy) -> None:
    for tenant in range(100):
        _call_as(multi, tenant)
    assert "sync_gateways=1" in repr(shim.client_cache)
    assert len({r.api_key for r in multi.requests}) == 100


def test_gateways_are_bounded_and_evicted_ones_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shim.client_cache, "maxsize", 2)
    with FakeProxy() as a, FakeProxy() as b, FakeProxy() as c:
        for proxy in [a, b, c, a, b, c]:
            reply = shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key)
            assert reply.choices[0].message.content == "echo: hello world"
        assert "sync_gateways=2" in repr(shim.client_cache)
        assert [len(p.requests) for p in (a, b, c)] == [2, 2, 2]
        gc.collect()  # a dropped gateway's pool closes once no call holds its client
        shim.close()


async def test_evicted_async_gateways_are_closed_with_their_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shim.client_cache, "maxsize", 1)
    with FakeProxy() as a, FakeProxy() as b:
        for proxy in [a, b, a]:
            reply = await shim.acompletion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key)
            assert reply.choices[0].message.content == "echo: hello world"
        await shim.aclose()


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "10"])
def test_maxsize_must_be_a_positive_int(value: object) -> None:
    with pytest.raises(ValueError, match="maxsize"):
        shim.client_cache.maxsize = value  # type: ignore[assignment]


def test_cache_repr_never_shows_keys(multi: FakeProxy) -> None:
    _call_as(multi, 7)
    assert "sk-tenant" not in repr(shim.client_cache)


def test_close_then_call_again_reopens(gateway: FakeProxy) -> None:
    shim.completion("litellm_proxy/m", HI)
    shim.close()
    assert shim.completion("litellm_proxy/m", HI).choices[0].message.content == "echo: hello world"
    assert gateway.connections_opened == 2


async def test_aclose_then_call_again_reopens(gateway: FakeProxy) -> None:
    await shim.acompletion("litellm_proxy/m", HI)
    await shim.aclose()
    assert (await shim.acompletion("litellm_proxy/m", HI)).choices[0].message.content == "echo: hello world"
    await shim.aclose()


def test_each_event_loop_gets_its_own_pool_closed_with_the_loop(gateway: FakeProxy) -> None:
    async def two_calls() -> None:
        await shim.acompletion("litellm_proxy/m", HI)
        await shim.acompletion("litellm_proxy/m", HI)

    for _ in range(3):
        asyncio.run(two_calls())
    # Two calls per loop on one connection; a new loop never reuses a connection from a closed one.
    assert gateway.connections_opened == 3
    assert len(gateway.requests) == 6
