"""The client cache: one openai client, with one connection pool, per gateway; every tenant shares it.

A tenant's key rides on each request as its `Authorization` header (see `auth_headers`), so tenants cost nothing
to add: no object, no memory, no cache entry, and no plaintext key (nor a digest of one) is ever a cache key.
Measured with openai 3.57 before choosing (BENCHMARKS.md): a per-tenant `AsyncOpenAI` view sharing the pool is
cheap to build (~27 us) but its first request hops to a thread to read the platform, and at 500 tenants x 4 calls
that cut throughput to ~0.85x of one key; `with_options(api_key=...)` costs 10-20 us a call; a client with its own
pool per tenant cost ~0.8 MB each and 5x the throughput.

Clients are kept per (base URL, sync or event loop), at most `maxsize` gateways per kind, least recently used
dropped first. A dropped client's pool is closed by a finalizer once nothing uses it: a call in flight holds its
client until the answer is back. `close()`/`aclose()` drop clients the same way, so calls in flight on another thread
or task finish, and later calls open a fresh pool. (A stream still being read holds no client: if its gateway is
dropped meanwhile, it ends with `APIConnectionError`, as it does under `close()`.)

Async clients belong to the event loop that made them: each loop gets its own, closed when that loop shuts down
(`asyncio.run` and pytest-asyncio call `loop.shutdown_asyncgens()`, which closes our per-loop async generator), so
successive `asyncio.run(...)` calls never share a connection across loops, and the loop's entry goes with it. A loop
closed without that step (`new_event_loop()`, `run_until_complete()`, `close()`) cannot run a close any more: its
entry lives on the loop itself (`shim/_transport/loops.py`), so it goes when the program lets go of the loop and the
two are collected, or earlier, the next time a loop first calls (or at `close()`); its sockets close when collected,
as a raw `AsyncOpenAI` left on such a loop does. A forked child drops its parent's connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import ssl
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import AsyncGenerator, Callable, Coroutine
from typing import Any, Generic, Literal, TypeVar, cast

import openai

from shim import _http
from shim._errors import Secret
from shim._observe.hooks import async_event_hooks, event_hooks
from shim._settings import SETTINGS
from shim._transport.bounds import AsyncBoundedTransport, BoundedTransport
from shim._transport.internals import AsyncPooledOpenAI, PooledOpenAI, aclose_pooled, close_pooled, pooled
from shim._transport.loops import LoopTable
from shim._transport.tls import resolve_verify

DEFAULT_MAXSIZE = 64

ClientT = TypeVar("ClientT", openai.OpenAI, openai.AsyncOpenAI)
# A pool is per gateway and TLS setting (verify on, off, or a CA bundle path); never per key.
GatewayKey = tuple[str, bool | str]


def auth_headers(api_key: str) -> dict[str, str]:
    """The headers that carry a tenant's key on one request."""
    return {"Authorization": Secret(f"Bearer {api_key}")}


def pool_verify(base_url: str, verify: bool | str | None) -> bool | str:
    """The TLS setting a gateway's pool is kept under: the call's (None: SSL_VERIFY, `shim.ssl_verify`,
    SSL_CERT_FILE decide); none applies to a plain-http gateway, which keeps one pool."""
    return resolve_verify(verify) if base_url.startswith("https:") else True


class _Gateways(Generic[ClientT]):
    """An LRU of one client per base URL. Thread-safe; a hit is one dict lookup. Dropped clients close themselves."""

    def __init__(self, make: Callable[[GatewayKey], ClientT], maxsize: Callable[[], int]) -> None:
        self._make = make
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self.clients: OrderedDict[GatewayKey, ClientT] = OrderedDict()

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
                    self.clients.popitem(last=False)  # its finalizer closes the pool once no call holds it
            return client

    def take_all(self) -> list[ClientT]:
        with self._lock:
            clients = list(self.clients.values())
            self.clients.clear()
            return clients


class _LoopGateways(_Gateways[openai.AsyncOpenAI]):
    """One event loop's clients, the pools of its dropped clients still closing, and its shutdown hook."""

    def __init__(self, loop: asyncio.AbstractEventLoop, maxsize: Callable[[], int]) -> None:
        # Every pool made for this loop, so that the loop's end closes those still held after being dropped.
        self.pools: weakref.WeakSet[_http.AsyncClient] = weakref.WeakSet()
        super().__init__(functools.partial(_async_client, loop=loop, pools=self.pools), maxsize)
        self.loop = loop
        self.closer: AsyncGenerator[None] | None = None
        self.on_shutdown: Literal["close", "drop", "closed-loop"] = "close"

    async def shutdown(self) -> None:
        """Close every pool now (the loop is ending), or drop the clients to close once unused (`aclose()`)."""
        clients = self.take_all()
        if self.on_shutdown == "close":
            for client in clients:
                await aclose_pooled(client)
            for pool in list(self.pools):  # dropped earlier, still held (a shim.AsyncOpenAI, a call): last chance
                await pool.aclose()
        del clients
        await _closing_done()


@functools.lru_cache(maxsize=4)
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # ~75 ms and most of a pool's ~0.8 MB; one per process (per CA setting) makes a new gateway cost ~1 ms.
    return _http.create_ssl_context()


def _tls(verify: bool | str = True) -> ssl.SSLContext | bool:
    """The TLS context for a verify setting: off, a CA bundle's, or the process's one default context."""
    if verify is False:
        return False
    if isinstance(verify, str):
        return _bundle_context(verify)
    return _ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=8)
def _bundle_context(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


# Every pool the cache made, with (weakly) the cached client that owns it: a `shim.OpenAI` using one, or a copy of one
# (`with_options`), shares it, never closes it, and holds its owner so the LRU does not close it meanwhile.
_OWNERS: weakref.WeakKeyDictionary[object, weakref.ref[openai.OpenAI | openai.AsyncOpenAI]] = (
    weakref.WeakKeyDictionary()
)


def shared_pool_owner(pool: object) -> tuple[bool, openai.OpenAI | openai.AsyncOpenAI | None]:
    """Whether `pool` is one the cache shares between callers, and the cached client owning it (None once gone)."""
    owner = _OWNERS.get(pool)
    return (False, None) if owner is None else (True, owner())


def _sync_client(key: GatewayKey) -> openai.OpenAI:
    base_url, verify = key
    # A gateway has no business redirecting a prompt elsewhere: a 3xx is an error, not a silent re-send. The
    # bounded transport applies a call's time and size bounds (shim/_transport/bounds.py); the event hooks show each
    # attempt (retries included) to an observed call's span, else they cost one ContextVar read.
    inner = _http.HTTPTransport(verify=_tls(verify), limits=openai.DEFAULT_CONNECTION_LIMITS)
    pool = openai.DefaultHttpxClient(
        follow_redirects=False, transport=BoundedTransport(inner), event_hooks=event_hooks()
    )
    client = pooled(PooledOpenAI, base_url, pool)
    weakref.finalize(client, pool.close)  # the pool, not the client: a bound method would keep the client alive
    _OWNERS[pool] = weakref.ref(client)
    return client


def _async_client(
    key: GatewayKey, *, loop: asyncio.AbstractEventLoop, pools: weakref.WeakSet[_http.AsyncClient]
) -> openai.AsyncOpenAI:
    base_url, verify = key
    inner = _http.AsyncHTTPTransport(verify=_tls(verify), limits=openai.DEFAULT_CONNECTION_LIMITS)
    pool = openai.DefaultAsyncHttpxClient(
        follow_redirects=False, transport=AsyncBoundedTransport(inner), event_hooks=async_event_hooks()
    )
    client = pooled(AsyncPooledOpenAI, base_url, pool)
    weakref.finalize(client, _close_soon, weakref.ref(pool), weakref.ref(loop))
    pools.add(pool)
    _OWNERS[pool] = weakref.ref(client)
    return client


# Pools of dropped async clients being closed, on any loop; `aclose()` and a loop's shutdown wait for theirs.
_CLOSING: set[asyncio.Task[None]] = set()


async def _closing_done() -> None:
    """Wait until the running loop has closed the pools of its dropped clients."""
    loop = asyncio.get_running_loop()
    while closing := [task for task in _CLOSING if task.get_loop() is loop]:
        await asyncio.gather(*closing, return_exceptions=True)


def _close_soon(pool_ref: weakref.ref[_http.AsyncClient], loop_ref: weakref.ref[asyncio.AbstractEventLoop]) -> None:
    """Close a dropped async client's pool on its loop (finalizers may run on any thread, outside any loop).

    Both are held weakly: a finalizer's arguments live as long as it is pending, and the pool (its sockets) refers
    to the loop, which would then outlive the program's last use of it."""
    pool, loop = pool_ref(), loop_ref()
    if pool is None or loop is None or pool.is_closed or loop.is_closed():
        return  # collected, or a closed loop, which runs nothing: the sockets close when collected

    def start() -> None:
        task = loop.create_task(pool.aclose())
        _CLOSING.add(task)
        task.add_done_callback(_CLOSING.discard)

    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        start()
    else:
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(start)


class ClientCache:
    """Cached openai clients: one per gateway (base URL), sync and per event loop, shared by every tenant.

    `maxsize` bounds the number of gateways kept per kind (sync, and each event loop); the least recently used is
    dropped first. The number of tenants (keys) is unbounded and costs nothing: keys are sent per request.
    """

    def __init__(self, maxsize: int = DEFAULT_MAXSIZE) -> None:
        self.maxsize = maxsize
        self._sync = _Gateways(_sync_client, self._get_maxsize)
        # Each loop's entry is kept on the loop itself (shim/_transport/loops.py): its clients refer to the loop, so a
        # table holding them would keep the loop alive. Entries go when their loop shuts down, is found closed, or is
        # collected (a loop closed without asyncio.run that the program let go of).
        self._loops: LoopTable[_LoopGateways] = LoopTable()
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
        """The cached `OpenAI` client for this gateway."""
        self._ensure_fork_hook()
        return self._sync.get((base_url, verify))

    def async_client(self, base_url: str, verify: bool | str = True) -> openai.AsyncOpenAI:
        """The cached `AsyncOpenAI` client for this gateway, on the running event loop."""
        loop = asyncio.get_running_loop()
        gateways = self._loops.get(loop)
        if gateways is None:
            gateways = self._new_loop(loop)
        return gateways.get((base_url, verify))

    def for_call(self, base_url: str, verify: bool | str | None, given: object) -> openai.OpenAI:
        """The client a sync call goes through: `client=` as given, one on `shim.client_session`, else the cached
        one for the gateway and TLS setting (`verify` None: the settings decide; a plain-http gateway has one)."""
        chosen = _given(given, openai.OpenAI, PooledOpenAI, SETTINGS.client_session, base_url)
        return chosen or self.sync_client(base_url, pool_verify(base_url, verify))

    def async_for_call(self, base_url: str, verify: bool | str | None, given: object) -> openai.AsyncOpenAI:
        """`for_call` for an async call (`shim.aclient_session`)."""
        chosen = _given(given, openai.AsyncOpenAI, AsyncPooledOpenAI, SETTINGS.aclient_session, base_url)
        return chosen or self.async_client(base_url, pool_verify(base_url, verify))

    def _new_loop(self, loop: asyncio.AbstractEventLoop) -> _LoopGateways:
        with self._lock:
            self._drop_closed_loops()
            gateways = self._loops.get(loop)
            if gateways is None:
                gateways = _LoopGateways(loop, self._get_maxsize)
                self._loops.set(loop, gateways)
                gateways.closer = _close_at_loop_shutdown(gateways, functools.partial(self._forget, loop, gateways))
            return gateways

    def _forget(self, loop: asyncio.AbstractEventLoop, gateways: _LoopGateways) -> None:
        if self._loops.get(loop) is gateways:
            self._loops.pop(loop)

    def _drop_closed_loops(self) -> None:
        for loop, gateways in self._loops.items():
            if loop.is_closed():
                self._loops.pop(loop)
                _finish_on_closed_loop(gateways)

    def close(self) -> None:
        """Drop every sync client: each pool closes now, or when the calls still using it finish.

        Later calls open new pools. Entries of event loops closed without `asyncio.run` are dropped too.
        """
        self._sync.take_all()  # dropped: each closes once unused
        with self._lock:
            self._drop_closed_loops()

    async def aclose(self) -> None:
        """`close()`, and the same for the running event loop's async clients; returns once the unused are closed.

        Pools still held (a call in flight, a `shim.AsyncOpenAI`) close once unused, or when the loop ends."""
        self.close()
        loop = asyncio.get_running_loop()
        gateways = self._loops.pop(loop)
        if gateways is not None and gateways.closer is not None:
            gateways.on_shutdown = "drop"
            await gateways.closer.aclose()
            self._new_loop(loop).pools.update(gateways.pools)  # the loop's end closes what is still held
        await _closing_done()

    def _ensure_fork_hook(self) -> None:
        if not self._fork_hook and hasattr(os, "register_at_fork"):
            self._fork_hook = True
            os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        # A child must never read from its parent's sockets: close its copies and start afresh.
        self._lock = threading.Lock()
        self._sync._lock = threading.Lock()  # pyright: ignore[reportPrivateUsage]
        for client in self._sync.take_all():
            close_pooled(client)
        self._loops.reset()


def _close_at_loop_shutdown(gateways: _LoopGateways, forget: Callable[[], None]) -> AsyncGenerator[None]:
    """Close the loop's clients when it shuts down, from inside that loop, and forget the loop.

    An async generator started on a loop is registered with it; `loop.shutdown_asyncgens()` (called by
    `asyncio.run` before it closes the loop) closes the generator, which runs its `finally` on the loop.
    The generator's body before `yield` never awaits, so one `send(None)` starts it without awaiting.
    """

    async def closer() -> AsyncGenerator[None]:
        try:
            yield
        finally:
            forget()
            if gateways.on_shutdown != "closed-loop":
                await gateways.shutdown()

    generator = closer()
    # A generator collected unfinished asks its loop (the finalizer hook in force when it started) to close it: a
    # loop closed without asyncio.run cannot, so when it is collected with its loop, it finishes here instead.
    firstiter, finalizer = sys.get_asyncgen_hooks()
    sys.set_asyncgen_hooks(firstiter, functools.partial(_collected, gateways, finalizer))
    try:
        with contextlib.suppress(StopIteration):
            cast("Coroutine[Any, Any, Any]", generator.__anext__()).send(None)
    finally:
        sys.set_asyncgen_hooks(firstiter, finalizer)
    return generator


def _collected(gateways: _LoopGateways, finalizer: Callable[[Any], object] | None, generator: object) -> None:
    """The shutdown hook's generator is being collected unfinished: on a closed loop, finish it here."""
    if gateways.loop.is_closed():
        _finish_on_closed_loop(gateways)
    elif finalizer is not None:
        finalizer(generator)


def _finish_on_closed_loop(gateways: _LoopGateways) -> None:
    """Finish the shutdown hook of a loop that closed without running it, without awaiting (nothing can run there).

    Left suspended, the generator would ask the dead loop to close it when collected, and fail noisily.
    """
    gateways.on_shutdown = "closed-loop"
    generator, gateways.closer = gateways.closer, None
    if generator is not None:
        with contextlib.suppress(StopIteration, RuntimeError):
            cast("Coroutine[Any, Any, Any]", generator.aclose()).send(None)
    gateways.take_all()


CACHE = ClientCache()
"""The package's one cache of gateway clients (`shim.client_cache`): every call and `shim.OpenAI` share it."""


ClientT = TypeVar("ClientT", openai.OpenAI, openai.AsyncOpenAI)


def _given(given: object, kind: type[ClientT], pooled_kind: type[Any], session: Any, base_url: str) -> ClientT | None:
    """The client a call asked for (`client=`), or one on the user's session (`shim.client_session` /
    `aclient_session`: never cached or closed here); None: the cache's."""
    if given is not None:
        if not isinstance(given, kind):
            raise TypeError(
                "client= is a sync OpenAI: pass an openai.AsyncOpenAI to an async call"
                if kind is openai.AsyncOpenAI
                else "client= is an AsyncOpenAI: pass an openai.OpenAI to a sync call"
            )
        return given
    return None if session is None else cast("ClientT", pooled(pooled_kind, base_url, session))
