"""What a Router remembers between calls, in this process: cooldowns and counters, each with a time to live.

Keys and values are LiteLLM's (`deployment:<id>:cooldown` holding `{"exception_received", "status_code",
"timestamp", "cooldown_time"}`, `<id>:<model>:rpm:<HH-MM>`, ...), so `RedisState` (the same three operations over
Redis) shares them with every worker, shim's or LiteLLM's. A lock makes each operation atomic across threads;
none of them blocks on I/O, so the async twins are the same functions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

_MAX_KEYS = 100_000  # a bound on memory: minute counters of a busy router expire, but not before this many


class State(Protocol):
    """The Router's memory: `read` several keys, `incr` a counter, `put` a value; each key with a time to live."""

    shared: bool  # other processes see the same keys

    def read(self, keys: Sequence[str]) -> list[Any]: ...
    def cooldowns(self, keys: Sequence[str]) -> list[Any]: ...
    def incr(self, key: str, amount: float, ttl: float, floor: float | None = None) -> float: ...
    def put(self, key: str, value: Any, ttl: float) -> None: ...
    async def aread(self, keys: Sequence[str]) -> list[Any]: ...
    async def acooldowns(self, keys: Sequence[str]) -> list[Any]: ...
    async def aincr(self, key: str, amount: float, ttl: float, floor: float | None = None) -> float: ...
    async def aput(self, key: str, value: Any, ttl: float) -> None: ...
    def close(self) -> None: ...
    async def aclose(self) -> None: ...


class LocalState:
    """`State` in this process's memory."""

    shared = False

    def __init__(self) -> None:
        self._values: dict[str, tuple[Any, float]] = {}  # key -> (value, expires at, monotonic)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalState(keys={len(self._values)})"

    def read(self, keys: Sequence[str]) -> list[Any]:
        """Each key's value, or None when unset or expired."""
        now = time.monotonic()
        with self._lock:
            found = [self._values.get(key) for key in keys]
        return [None if value is None or value[1] <= now else value[0] for value in found]

    def cooldowns(self, keys: Sequence[str]) -> list[Any]:
        """`read`, for cooldown keys (a shared state caches these)."""
        return self.read(keys)

    def incr(self, key: str, amount: float, ttl: float, floor: float | None = None) -> float:
        """Add `amount` to a counter (0 when unset or expired; never below `floor`) and return it; a new counter
        lives `ttl` seconds."""
        now = time.monotonic()
        with self._lock:
            current = self._values.get(key)
            if current is None or current[1] <= now:
                self._trim(now)
                current = (0, now + ttl)
            value = current[0] + amount
            if floor is not None and value < floor:
                value = floor
            self._values[key] = (value, current[1])
        return value

    def put(self, key: str, value: Any, ttl: float) -> None:
        """Set `key` to `value` for `ttl` seconds."""
        now = time.monotonic()
        with self._lock:
            self._trim(now)
            self._values[key] = (value, now + ttl)

    async def aread(self, keys: Sequence[str]) -> list[Any]:
        """`read` (no I/O: the same call)."""
        return self.read(keys)

    async def acooldowns(self, keys: Sequence[str]) -> list[Any]:
        """`cooldowns` (no I/O: the same call)."""
        return self.read(keys)

    async def aincr(self, key: str, amount: float, ttl: float, floor: float | None = None) -> float:
        """`incr` (no I/O: the same call)."""
        return self.incr(key, amount, ttl, floor)

    async def aput(self, key: str, value: Any, ttl: float) -> None:
        """`put` (no I/O: the same call)."""
        self.put(key, value, ttl)

    def close(self) -> None:
        """Nothing to close."""

    async def aclose(self) -> None:
        """Nothing to close."""

    def clear(self) -> None:
        """Forget everything (LiteLLM's `flush_cache`)."""
        with self._lock:
            self._values.clear()

    def _trim(self, now: float) -> None:
        """Drop expired keys once the table is large (called with the lock held)."""
        if len(self._values) < _MAX_KEYS:
            return
        for key in [key for key, (_, expires) in self._values.items() if expires <= now]:
            del self._values[key]
        while len(self._values) >= _MAX_KEYS:  # all alive: drop the oldest inserted
            del self._values[next(iter(self._values))]
