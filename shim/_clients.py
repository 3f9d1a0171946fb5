"""The client cache: one openai client, with one connection pool, per gateway; every tenant shares it.

A tenant's key rides on each request as its `Authorization` header (see `auth_headers`), so tenants cost nothing
to add: no object, no memory, no cache entry, and no plaintext key (nor a digest of one) is ever a cache key.
Measured with openai 3.57 before choosing (BENCHMARKS.md): a per-tenant `AsyncOpenAI` view sharing the pool is
cheap to build (~27 us) but its first request hops to a thread to read the platform, and at 500 tenants x 4 calls
that cut throughput to ~0.85x of one key; `with_options(api_key=...)` costs 10-20 us a call; a client with its own
pool per tenant cost ~0.8 MB each and 5x the throughput.

Clients are kept per (base URL, sync or event loop), at most `maxsize` gateways per kind, least recently used
dropped first (its pool is closed once no call uses it any more). Async clients belong to the event loop that made
them: each loop gets its own, closed when that loop shuts down (`asyncio.run` and pytest-asyncio call
`loop.shutdown_asyncgens()`, which closes our per-loop async generator), so successive `asyncio.run(...)` calls
never share a connection across loops. A forked child drops its parent's connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
import threading
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Generic, TypeVar, cast

import httpx2
import openai

from shim._bounds import AsyncBoundedTransport, BoundedTransport
from shim._observe import async_event_hooks, event_hooks

DEFAULT_MAXSIZE = 64
_ENV_CUSTOM_HEADERS = "OPENAI_CUSTOM_HEADERS"
# What the shared clients are built with: never sent, because every request carries its tenant's key.
_NO_KEY = "shim-sends-the-key-per-request"

ClientT = TypeVar("ClientT", openai.OpenAI, openai.AsyncOpenAI)
# A pool is per gateway and TLS setting (verify on, off, or a CA bundle path); never per key.
GatewayKey = tuple[str, bool | str]


def auth_headers(api_key: str) -> dict[str, str]:
    """The headers that carry a tenant's key on one request."""
    return {"Authorization": f"Bearer {api_key}"}


def isolation_headers() -> Mapping[str, str]:
    """Default headers that keep OpenAI's own environment (org, project, custom headers) away from the gateway.

    The openai client reads OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS (which may carry an
    `Authorization` header) from the environment; explicit default headers override all of them, and the
    placeholder key's own `Authorization` is removed too, so a request without its tenant's key sends none.
    """
    headers: dict[str, str | openai.Omit] = {
        name.strip(): openai.Omit()
        for name, sep, _ in (line.partition(":") for line in os.environ.get(_ENV_CUSTOM_HEADERS, "").split("\n"))
        if sep and name.strip()
    }
    headers.update({"OpenAI-Organization": openai.Omit(), "OpenAI-Project": openai.Omit()})
    headers["Authorization"] = openai.Omit()
    # The SDK types default_headers as str values, yet documents Omit() as the way to remove a header.
    return cast("Mapping[str, str]", headers)


class _Gateways(Generic[ClientT]):
    """An LRU of one client per gateway (base URL and TLS setting). Thread-safe; a hit is one dict lookup."""

    def __init__(
        self, make: Callable[[GatewayKey], ClientT], retire: Callable[[ClientT], None], maxsize: Callable[[], int]
    ) -> None:
        self._make = make
        self._retire = retire
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self.clients: OrderedDict[GatewayKey, ClientT] = OrderedDict()
        self.closer: object = None

    def get(self, key: GatewayKey) -> ClientT:
        try:
            client = self.clients[key]
            self.clients.move_to_end(key)
        except KeyError:
            return self._add(key)
        return client

    def _add(self, key: GatewayKey) -> ClientT:
        with self._lock:
            client = self.clients.get(key)
            if client is None:
                client = self.clients[key] = self._make(key)
                while len(self.clients) > self._maxsize():
                    self._retire(self.clients.popitem(last=False)[1])
            return client

    def take_all(self) -> list[ClientT]:
        with self._lock:
            clients = list(self.clients.values())
            self.clients.clear()
            return clients


def _verify(verify: bool | str) -> bool | ssl.SSLContext:
    return ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify


def _sync_client(key: GatewayKey) -> openai.OpenAI:
    # A gateway has no business redirecting a prompt elsewhere: a 3xx is an error, not a silent re-send.
    base_url, verify = key
    # The event hooks show each attempt (retries included) to an observed call's span; else one ContextVar read.
    inner = httpx2.HTTPTransport(verify=_verify(verify), limits=openai.DEFAULT_CONNECTION_LIMITS)
    pool = openai.DefaultHttpxClient(
        follow_redirects=False, transport=BoundedTransport(inner), event_hooks=event_hooks()
    )
    return openai.OpenAI(api_key=_NO_KEY, base_url=base_url, http_client=pool, default_headers=isolation_headers())


def _async_client(key: GatewayKey) -> openai.AsyncOpenAI:
    base_url, verify = key
    inner = httpx2.AsyncHTTPTransport(verify=_verify(verify), limits=openai.DEFAULT_CONNECTION_LIMITS)
    pool = openai.DefaultAsyncHttpxClient(
        follow_redirects=False, transport=AsyncBoundedTransport(inner), event_hooks=async_event_hooks()
    )
    return openai.AsyncOpenAI(api_key=_NO_KEY, base_url=base_url, http_client=pool, default_headers=isolation_headers())


def _retire_sync(client: openai.OpenAI) -> None:
    # Calls in flight hold the client; its pool closes when the last of them lets go.
    weakref.finalize(client, client.close)


def _retire_async(client: openai.AsyncOpenAI) -> None:
    task = asyncio.get_running_loop().create_task(_close_later(client))
    _RETIRING.add(task)
    task.add_done_callback(_RETIRING.discard)


_RETIRING: set[asyncio.Task[None]] = set()


async def _close_later(client: openai.AsyncOpenAI) -> None:
    # Calls already holding the client get a minute to finish; a loop shutting down cancels the wait, not the close.
    try:
        await asyncio.sleep(60)
    finally:
        await client.close()


_AsyncGateways = _Gateways[openai.AsyncOpenAI]


class ClientCache:
    """Cached openai clients: one per gateway (base URL), sync and per event loop, shared by every tenant.

    `maxsize` bounds the number of gateways kept per kind (sync, and each event loop); the least recently used is
    dropped first. The number of tenants (keys) is unbounded and costs nothing: keys are sent per request.
    """

    def __init__(self, maxsize: int = DEFAULT_MAXSIZE) -> None:
        self.maxsize = maxsize
        self._sync = _Gateways(_sync_client, _retire_sync, self._get_maxsize)
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AsyncGateways] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._fork_hook = False

    def __repr__(self) -> str:
        return f"ClientCache(maxsize={self.maxsize}, sync_gateways={len(self._sync.clients)}, loops={len(self._loops)})"

    @property
    def maxsize(self) -> int:
        """How many gateways are kept per kind before the least recently used is dropped."""
        return self._maxsize

    @maxsize.setter
    def maxsize(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"maxsize must be a positive int, not {value!r}")
        self._maxsize = value

    def _get_maxsize(self) -> int:
        return self._maxsize

    def sync_client(self, base_url: str, verify: bool | str = True) -> openai.OpenAI:
        """The cached `OpenAI` client for this gateway and TLS setting."""
        self._ensure_fork_hook()
        return self._sync.get((base_url, verify))

    def async_client(self, base_url: str, verify: bool | str = True) -> openai.AsyncOpenAI:
        """The cached `AsyncOpenAI` client for this gateway and TLS setting, on the running event loop."""
        loop = asyncio.get_running_loop()
        gateways = self._loops.get(loop)
        if gateways is None:
            gateways = self._new_loop(loop)
        return gateways.get((base_url, verify))

    def _new_loop(self, loop: asyncio.AbstractEventLoop) -> _AsyncGateways:
        with self._lock:
            gateways = self._loops.get(loop)
            if gateways is None:
                gateways = self._loops[loop] = _Gateways(_async_client, _retire_async, self._get_maxsize)
                _close_at_loop_shutdown(gateways)
            return gateways

    def close(self) -> None:
        """Close every sync client's pool. Later calls open new ones."""
        for client in self._sync.take_all():
            client.close()

    async def aclose(self) -> None:
        """Close every sync client and the running event loop's async clients. Later calls open new ones."""
        self.close()
        gateways = self._loops.pop(asyncio.get_running_loop(), None)
        if gateways is not None:
            await _aclose_all(gateways)

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


async def _aclose_all(gateways: _AsyncGateways) -> None:
    for client in gateways.take_all():
        await client.close()


def _close_at_loop_shutdown(gateways: _AsyncGateways) -> None:
    """Close the loop's clients when it shuts down, from inside that loop.

    An async generator started on a loop is registered with it; `loop.shutdown_asyncgens()` (called by
    `asyncio.run` before it closes the loop) closes the generator, which runs its `finally` on the loop.
    The generator's body before `yield` never awaits, so one `send(None)` starts it without awaiting.
    """

    async def closer() -> AsyncIterator[None]:
        try:
            yield
        finally:
            await _aclose_all(gateways)

    generator = closer()
    with contextlib.suppress(StopIteration):
        generator.__anext__().send(None)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    gateways.closer = generator  # keeps it alive exactly as long as the loop's gateways
