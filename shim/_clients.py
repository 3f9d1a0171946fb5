"""The client cache: one connection pool per gateway, a cheap `OpenAI` view per tenant.

Measured with openai 3.57 (see BENCHMARKS.md): an `OpenAI` object that shares an `http_client` costs ~25 us and
~2.3 KiB to build and ~1 us to find again, while `with_options(api_key=...)` per call costs 10-20 us and one
`AsyncOpenAI` with its own pool per tenant costs ~0.8 MB. So each (base URL, sync/async, event loop) gets one
pool, shared by all tenants, and each (base URL, key) gets an `OpenAI` view on it, kept in a bounded LRU. Cache
keys hold a digest of the key, never the key itself.

Async pools belong to the event loop that made them: each loop gets its own, closed when that loop shuts down
(`asyncio.run` and pytest-asyncio call `loop.shutdown_asyncgens()`, which closes our per-loop async generator),
so successive `asyncio.run(...)` calls never share a connection across loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Generic, TypeVar, cast

import httpx2
import openai

from shim._router import Route

DEFAULT_MAXSIZE = 1024
_ENV_CUSTOM_HEADERS = "OPENAI_CUSTOM_HEADERS"

ClientT = TypeVar("ClientT", openai.OpenAI, openai.AsyncOpenAI)
PoolT = TypeVar("PoolT", httpx2.Client, httpx2.AsyncClient)


def key_digest(api_key: str) -> bytes:
    """What identifies a tenant in the cache: a digest, so no plaintext key is ever a dict key."""
    return hashlib.blake2b(api_key.encode(), digest_size=16).digest()


def isolation_headers(api_key: str) -> Mapping[str, str]:
    """Headers that keep OpenAI's own environment (org, project, custom headers) away from the gateway.

    The openai client reads OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS (which may carry an
    `Authorization` header) from the environment; explicit default headers override all of them.
    """
    headers: dict[str, str | openai.Omit] = {
        name.strip(): openai.Omit()
        for name, sep, _ in (line.partition(":") for line in os.environ.get(_ENV_CUSTOM_HEADERS, "").split("\n"))
        if sep and name.strip()
    }
    headers.update({"OpenAI-Organization": openai.Omit(), "OpenAI-Project": openai.Omit()})
    headers["Authorization"] = f"Bearer {api_key}"
    # The SDK types default_headers as str values, yet documents Omit() as the way to remove a header.
    return cast("Mapping[str, str]", headers)


class _Tenants(Generic[ClientT, PoolT]):
    """Pools by base URL and an LRU of per-tenant clients on them. Thread-safe."""

    def __init__(
        self,
        make_pool: Callable[[], PoolT],
        make_client: Callable[[Route, PoolT], ClientT],
        maxsize: Callable[[], int],
    ) -> None:
        self._make_pool = make_pool
        self._make_client = make_client
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self.pools: dict[str, PoolT] = {}
        self.clients: OrderedDict[tuple[str, bytes], ClientT] = OrderedDict()
        self.closer: object = None

    def get(self, route: Route) -> ClientT:
        key = (route.base_url, key_digest(route.api_key))
        try:
            client = self.clients[key]
            self.clients.move_to_end(key)
        except KeyError:
            return self._add(key, route)
        return client

    def _add(self, key: tuple[str, bytes], route: Route) -> ClientT:
        with self._lock:
            client = self.clients.get(key)
            if client is None:
                pool = self.pools.get(route.base_url)
                if pool is None:
                    pool = self.pools[route.base_url] = self._make_pool()
                client = self.clients[key] = self._make_client(route, pool)
                # Evicted views are only dropped, never closed: the pool they share stays open for the others.
                while len(self.clients) > self._maxsize():
                    self.clients.popitem(last=False)
            return client

    def take_pools(self) -> list[PoolT]:
        with self._lock:
            pools = list(self.pools.values())
            self.pools.clear()
            self.clients.clear()
            return pools


def _sync_pool() -> httpx2.Client:
    # A gateway has no business redirecting a prompt elsewhere: a 3xx is an error, not a silent re-send.
    return openai.DefaultHttpxClient(follow_redirects=False)


def _async_pool() -> httpx2.AsyncClient:
    return openai.DefaultAsyncHttpxClient(follow_redirects=False)


def _sync_client(route: Route, pool: httpx2.Client) -> openai.OpenAI:
    headers = isolation_headers(route.api_key)
    return openai.OpenAI(api_key=route.api_key, base_url=route.base_url, http_client=pool, default_headers=headers)


def _async_client(route: Route, pool: httpx2.AsyncClient) -> openai.AsyncOpenAI:
    headers = isolation_headers(route.api_key)
    return openai.AsyncOpenAI(api_key=route.api_key, base_url=route.base_url, http_client=pool, default_headers=headers)


_AsyncTenants = _Tenants[openai.AsyncOpenAI, httpx2.AsyncClient]


class ClientCache:
    """Cached openai clients for every (gateway, tenant), sync and per event loop.

    `maxsize` bounds the number of tenants kept per kind (sync, and each event loop); the least recently used
    tenant's client is dropped first. Its connection pool is shared and stays open.
    """

    def __init__(self, maxsize: int = DEFAULT_MAXSIZE) -> None:
        self.maxsize = maxsize
        self._sync = _Tenants(_sync_pool, _sync_client, self._get_maxsize)
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AsyncTenants] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._fork_hook = False

    def __repr__(self) -> str:
        return f"ClientCache(maxsize={self.maxsize}, sync_tenants={len(self._sync.clients)}, loops={len(self._loops)})"

    @property
    def maxsize(self) -> int:
        """How many tenants are kept per kind before the least recently used is dropped."""
        return self._maxsize

    @maxsize.setter
    def maxsize(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"maxsize must be a positive int, not {value!r}")
        self._maxsize = value

    def _get_maxsize(self) -> int:
        return self._maxsize

    def sync_client(self, route: Route) -> openai.OpenAI:
        """The cached `OpenAI` client for this route's gateway and key."""
        self._ensure_fork_hook()
        return self._sync.get(route)

    def async_client(self, route: Route) -> openai.AsyncOpenAI:
        """The cached `AsyncOpenAI` client for this route, on the running event loop's pool."""
        loop = asyncio.get_running_loop()
        tenants = self._loops.get(loop)
        if tenants is None:
            tenants = self._new_loop(loop)
        return tenants.get(route)

    def _new_loop(self, loop: asyncio.AbstractEventLoop) -> _AsyncTenants:
        with self._lock:
            tenants = self._loops.get(loop)
            if tenants is None:
                tenants = self._loops[loop] = _Tenants(_async_pool, _async_client, self._get_maxsize)
                _close_at_loop_shutdown(tenants)
            return tenants

    def close(self) -> None:
        """Close every sync pool. Later calls open new ones."""
        for pool in self._sync.take_pools():
            pool.close()

    async def aclose(self) -> None:
        """Close every sync pool and the running event loop's async pools. Later calls open new ones."""
        self.close()
        tenants = self._loops.pop(asyncio.get_running_loop(), None)
        if tenants is not None:
            await _aclose_all(tenants)

    def _ensure_fork_hook(self) -> None:
        if not self._fork_hook and hasattr(os, "register_at_fork"):
            self._fork_hook = True
            os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        # A child must never read from its parent's sockets: close its copies and start afresh.
        self._lock = threading.Lock()
        self._sync._lock = threading.Lock()  # pyright: ignore[reportPrivateUsage]
        self.close()
        self._loops = weakref.WeakKeyDictionary()


async def _aclose_all(tenants: _AsyncTenants) -> None:
    for pool in tenants.take_pools():
        await pool.aclose()


def _close_at_loop_shutdown(tenants: _AsyncTenants) -> None:
    """Close the loop's pools when it shuts down, from inside that loop.

    An async generator started on a loop is registered with it; `loop.shutdown_asyncgens()` (called by
    `asyncio.run` before it closes the loop) closes the generator, which runs its `finally` on the loop.
    The generator's body before `yield` never awaits, so one `send(None)` starts it without awaiting.
    """

    async def closer() -> AsyncIterator[None]:
        try:
            yield
        finally:
            await _aclose_all(tenants)

    generator = closer()
    with contextlib.suppress(StopIteration):
        generator.__anext__().send(None)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    tenants.closer = generator  # keeps it alive exactly as long as the loop's tenants
