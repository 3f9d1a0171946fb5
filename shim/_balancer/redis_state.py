"""`State` in Redis, shared by every worker: when one learns a gateway is down, all do (`shim[redis]`).

The `redis` client is imported only when a Router is given `redis_url` or `redis_host`/`redis_port`. Counters are
Redis integers changed by one script (add, then set the time to live if the key has none: atomic, one round trip);
values are JSON with a time to live. Cooldowns are read from Redis at most once per `read_interval` per process
(LiteLLM's default is 1 s); a cooldown this process sets is seen at once. When Redis fails, the Router carries on
with this process's memory and logs a warning (without the URL, which may hold the password).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import weakref
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from shim._balancer.state import LocalState
from shim.exceptions import ConfigError

logger = logging.getLogger("shim.router")

# KEYS[1] += ARGV[1] (never below ARGV[3] when given), with a time to live of ARGV[2] ms if it has none.
_INCR = """
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[3] ~= '' and value < tonumber(ARGV[3]) then
  value = tonumber(ARGV[3])
  redis.call('SET', KEYS[1], value, 'KEEPTTL')
end
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
"""
_WARN_EVERY = 30.0
_RETRY_AFTER = 5.0  # after a failure, Redis is left alone this long: calls do not each wait for a dead server


class RedisState:
    """`State` over a Redis server, with this process's memory as the fallback when Redis fails."""

    shared = True

    def __init__(
        self,
        *,
        url: str | None = None,
        host: str | None = None,
        port: int | None = None,
        password: str | None = None,
        read_interval: float = 1.0,
        options: dict[str, Any] | None = None,
    ) -> None:
        try:
            import redis
        except ImportError:
            raise ConfigError(
                "redis_url/redis_host need the redis client: pip install 'shim[redis]' (or leave them unset to keep "
                "cooldowns and usage in each process)"
            ) from None
        self._settings: dict[str, Any] = dict(options or {})
        if url is not None:
            if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
                raise ConfigError("redis_url must start with redis://, rediss:// or unix://")
            self._settings["url"] = url
            where = urlsplit(url)
            self._where = f"{where.scheme}://{where.hostname or ''}{':' + str(where.port) if where.port else ''}"
            if where.scheme == "unix":
                self._where = f"unix://{where.path}"
            pools: Any = redis.ConnectionPool  # its from_url() leaves **kwargs untyped
            self.client = redis.Redis.from_pool(pools.from_url(url, **self._options(password)))
        else:
            self._settings |= {"host": host or "localhost", "port": int(port or 6379)}
            self._where = f"redis://{self._settings['host']}:{self._settings['port']}"
            self.client = redis.Redis(**self._settings, **self._options(password))
        self._password = password
        self._incr = self.client.register_script(_INCR)
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
        self.local = LocalState()
        self.read_interval = read_interval
        self._seen: dict[tuple[str, ...], tuple[float, list[Any]]] = {}  # cooldown reads, by keys
        self._lock = threading.Lock()
        self._warned = 0.0
        self._down_until = 0.0

    def _options(self, password: str | None) -> dict[str, Any]:
        options: dict[str, Any] = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
        if password is not None:
            options["password"] = password
        return options

    def __repr__(self) -> str:
        return f"RedisState({self._where!r})"

    # --- sync ----------------------------------------------------------------------------------------------------

    def read(self, keys: Sequence[str]) -> list[Any]:
        """Each key's value (a counter as a number, anything else decoded from JSON), or None."""
        if self._down():
            return self.local.read(keys)
        try:
            return [_decode(value) for value in self.client.mget(list(keys))]
        except Exception as error:
            self._warn(error)
            return self.local.read(keys)

    def incr(self, key: str, amount: float, ttl: float, floor: float | None = None) -> float:
        """Add to a shared counter and return its new value."""
        mine = self.local.incr(key, amount, ttl, floor)
        if self._down():
            return mine
        try:
            return float(self._incr(keys=[key], args=_incr_args(amount, ttl, floor)))
        except Exception as error:
            self._warn(error)
            return self.local.read([key])[0] or 0

    def put(self, key: str, value: Any, ttl: float) -> None:
        """Set a shared value for `ttl` seconds."""
        self.local.put(key, value, ttl)
        self._forget(key)
        if self._down():
            return
        try:
            self.client.set(key, json.dumps(value), px=max(1, int(ttl * 1000)))
        except Exception as error:
            self._warn(error)

    def cooldowns(self, keys: Sequence[str]) -> list[Any]:
        """Cooldown values, read from Redis at most every `read_interval` seconds; this process's own at once."""
        group = tuple(keys)
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(group)
        if seen is None or now - seen[0] >= self.read_interval:
            seen = (now, self.read(group))
            with self._lock:
                self._seen[group] = seen
        local = self.local.read(group)
        return [mine if mine is not None else theirs for mine, theirs in zip(local, seen[1], strict=True)]

    # --- async (redis.asyncio, one client per event loop) ---------------------------------------------------------

    async def aread(self, keys: Sequence[str]) -> list[Any]:
        """`read` on the running loop's client."""
        if self._down():
            return self.local.read(keys)
        try:
            return [_decode(value) for value in await self._aclient().mget(list(keys))]
        except Exception as error:
            self._warn(error)
            return self.local.read(keys)

    async def aincr(self, key: str, amount: float, ttl: float, floor: float | None = None) -> float:
        """`incr` on the running loop's client."""
        self.local.incr(key, amount, ttl)
        client = self._aclient()
        try:
            return float(await client.eval(_INCR, 1, key, *_incr_args(amount, ttl, floor)))
        except Exception as error:
            self._warn(error)
            return self.local.read([key])[0] or 0

    async def aput(self, key: str, value: Any, ttl: float) -> None:
        """`put` on the running loop's client."""
        self.local.put(key, value, ttl)
        self._forget(key)
        if self._down():
            return
        try:
            await self._aclient().set(key, json.dumps(value), px=max(1, int(ttl * 1000)))
        except Exception as error:
            self._warn(error)

    async def acooldowns(self, keys: Sequence[str]) -> list[Any]:
        """`cooldowns` on the running loop's client."""
        group = tuple(keys)
        now = time.monotonic()
        seen = self._seen.get(group)
        if seen is None or now - seen[0] >= self.read_interval:
            seen = (now, await self.aread(group))
            self._seen[group] = seen
        local = self.local.read(group)
        return [mine if mine is not None else theirs for mine, theirs in zip(local, seen[1], strict=True)]

    def _aclient(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None:
            import redis.asyncio

            if "url" in self._settings:
                settings = {k: v for k, v in self._settings.items() if k != "url"}
                pools: Any = redis.asyncio.ConnectionPool  # its from_url() leaves **kwargs untyped
                pool = pools.from_url(self._settings["url"], **settings, **self._options(self._password))
                client = redis.asyncio.Redis.from_pool(pool)
            else:
                client = redis.asyncio.Redis(**self._settings, **self._options(self._password))
            self._async[loop] = client
        return client

    def close(self) -> None:
        """Close the sync connection pool."""
        self.client.close()

    async def aclose(self) -> None:
        """Close the running loop's async client and the sync pool."""
        client = self._async.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()
        self.close()

    def _forget(self, key: str) -> None:
        with self._lock:
            for group in [group for group in self._seen if key in group]:
                del self._seen[group]

    def _down(self) -> bool:
        return self._down_until > time.monotonic()

    def _warn(self, error: BaseException) -> None:
        now = time.monotonic()
        self._down_until = now + _RETRY_AFTER
        if now - self._warned >= _WARN_EVERY:
            self._warned = now
            logger.warning(
                "Router state in Redis (%s) failed (%s): carrying on with this process's own cooldowns and usage",
                self._where,
                type(error).__name__,
            )


def _incr_args(amount: float, ttl: float, floor: float | None) -> list[str]:
    return [str(int(amount)), str(max(1, int(ttl * 1000))), "" if floor is None else str(int(floor))]


def _decode(value: bytes | str | None) -> Any:
    if value is None:
        return None
    text = value.decode() if isinstance(value, bytes) else value
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return json.loads(text)
    except ValueError:
        return None
