"""Which healthy deployment takes a call: LiteLLM's routing strategies.

- `simple-shuffle`: at random, weighted by `weight`, else by `rpm`, else by `tpm` (the first of these any
  deployment of the group sets; a deployment without it then gets no traffic), else uniformly.
- `least-busy`: the one with the fewest calls in flight (shared through Redis when configured); ties go to the
  first listed.
- `latency-based-routing`: the lowest average latency over the last `max_latency_list_size` answers (seconds per
  output token when the answer counts them; a `Timeout` counts as 1000 s), at random among those within
  `lowest_latency_buffer` of it; a deployment not yet measured counts as 0, so each is tried.
- `usage-based-routing-v2`: the lowest tokens used this minute among those under their `tpm`/`rpm` limits; each
  call first takes one of the deployment's `rpm` for this minute, and a deployment over it answers `RateLimitError`
  without a request (LiteLLM's pre-call check).

Each is a small class whose `pick` is a generator of state reads (`effects.py`), so sync and async share it.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

from shim._balancer.config import Target
from shim._balancer.effects import Flow, Incr, Read
from shim._balancer.state import State
from shim.exceptions import ConfigError

StrategyName = Literal["simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing-v2"]
NAMES: tuple[str, ...] = ("simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing-v2")
_ALIASES = {"usage-based-routing": "usage-based-routing-v2"}
IN_FLIGHT_TTL = 3600.0
MINUTE_TTL = 60.0


class Strategy:
    """Simple shuffle; the base of the others (which add state)."""

    name = "simple-shuffle"

    def pick(self, group: str, healthy: Sequence[Target], request: Request) -> Flow[Target | None]:
        """The deployment for this call, or None when none may take it."""
        return _shuffled(healthy)
        yield  # a generator: the others read state here

    def start(self, target: Target, request: Request) -> Flow[None]:
        """Before the request goes out."""
        return
        yield

    def end(
        self, target: Target, request: Request, seconds: float, result: object, error: BaseException | None
    ) -> Flow[None]:
        """After it answered (or failed)."""
        return
        yield


class Request:
    """What a strategy may need to know of the call: whether it streams, and its input's size in tokens."""

    __slots__ = ("_tokens", "stream", "text")

    def __init__(self, stream: bool, text: object) -> None:
        self.stream = stream
        self.text = text
        self._tokens: int | None = None

    @property
    def tokens(self) -> int:
        """An estimate of the input tokens (4 characters a token, plus 3 a message), computed once if asked."""
        if self._tokens is None:
            self._tokens = estimate_tokens(self.text)
        return self._tokens


def estimate_tokens(value: object) -> int:
    """About 4 characters a token, 3 tokens of framing per message (no tokenizer is loaded for routing)."""
    if isinstance(value, str):
        return math.ceil(len(value) / 4)
    if isinstance(value, Mapping):
        return 3 + estimate_tokens(cast("Mapping[str, object]", value).get("content"))
    if isinstance(value, (list, tuple)):
        return sum(estimate_tokens(item) for item in cast("Sequence[object]", value))
    return 0


def _shuffled(healthy: Sequence[Target]) -> Target:
    for weights in ([t.weight for t in healthy], [t.rpm or 0.0 for t in healthy], [t.tpm or 0.0 for t in healthy]):
        if max(weights) > 0:
            return random.choices(healthy, weights=weights)[0]  # noqa: S311  (spreading load, not a secret)
    return random.choice(healthy)  # noqa: S311


class LeastBusy(Strategy):
    """The deployment with the fewest calls in flight."""

    name = "least-busy"

    def __init__(self, state: State) -> None:
        self.state = state

    def pick(self, group: str, healthy: Sequence[Target], request: Request) -> Flow[Target | None]:
        counts = yield Read(self.state, [_in_flight(group, t) for t in healthy])
        return min(zip(healthy, counts, strict=True), key=lambda pair: pair[1] or 0)[0]

    def start(self, target: Target, request: Request) -> Flow[None]:
        yield Incr(self.state, _in_flight(target.group, target), 1, IN_FLIGHT_TTL)

    def end(
        self, target: Target, request: Request, seconds: float, result: object, error: BaseException | None
    ) -> Flow[None]:
        yield Incr(self.state, _in_flight(target.group, target), -1, IN_FLIGHT_TTL, floor=0)


def _in_flight(group: str, target: Target) -> str:
    return f"{group}_request_count:{target.id}"


class Latency(Strategy):
    """The deployment that answered fastest lately (this process's measurements)."""

    name = "latency-based-routing"

    def __init__(self, args: Mapping[str, Any]) -> None:
        self.buffer = _arg(args, "lowest_latency_buffer", 0.0)
        self.size = int(_arg(args, "max_latency_list_size", 10))
        self.ttl = _arg(args, "ttl", 3600.0)
        self._samples: dict[str, tuple[float, deque[float]]] = {}  # id -> (last update, latencies)
        self._streams: dict[str, tuple[float, deque[float]]] = {}  # id -> (last update, times to first byte)
        self._lock = threading.Lock()

    def pick(self, group: str, healthy: Sequence[Target], request: Request) -> Flow[Target | None]:
        now = time.monotonic()
        table = self._streams if request.stream else self._samples
        with self._lock:
            latencies = [self._average(table.get(t.id) or self._samples.get(t.id), now) for t in healthy]
        lowest = min(latencies)
        near = [t for t, latency in zip(healthy, latencies, strict=True) if latency <= lowest * (1 + self.buffer)]
        return random.choice(near)  # noqa: S311
        yield

    def _average(self, found: tuple[float, deque[float]] | None, now: float) -> float:
        if found is None or now - found[0] > self.ttl or not found[1]:
            return 0.0
        return sum(found[1]) / len(found[1])

    def end(
        self, target: Target, request: Request, seconds: float, result: object, error: BaseException | None
    ) -> Flow[None]:
        from shim.exceptions import Timeout

        if error is not None and not isinstance(error, Timeout):
            return
        value = 1000.0 if error is not None else seconds
        tokens = _output_tokens(result)
        if tokens:
            value = seconds / tokens
        table = self._streams if request.stream and error is None else self._samples
        with self._lock:
            found = table.get(target.id)
            samples = found[1] if found is not None else deque[float](maxlen=self.size)
            samples.append(value)
            table[target.id] = (time.monotonic(), samples)
        return
        yield


def _output_tokens(result: object) -> int:
    usage = getattr(result, "usage", None)
    tokens = getattr(usage, "completion_tokens", None)
    return tokens if isinstance(tokens, int) and tokens > 0 else 0


class Usage(Strategy):
    """The deployment with the fewest tokens used this minute, under its tpm and rpm limits."""

    name = "usage-based-routing-v2"

    def __init__(self, state: State, args: Mapping[str, Any]) -> None:
        self.state = state
        self.ttl = _arg(args, "ttl", MINUTE_TTL)

    def pick(self, group: str, healthy: Sequence[Target], request: Request) -> Flow[Target | None]:
        minute = _minute()
        keys = [usage_key(t, "tpm", minute) for t in healthy] + [usage_key(t, "rpm", minute) for t in healthy]
        values = yield Read(self.state, keys)
        tokens, calls = values[: len(healthy)], values[len(healthy) :]
        candidates: list[tuple[float, Target]] = []
        for target, used, made in zip(healthy, tokens, calls, strict=True):
            if (used or 0) + request.tokens > (target.tpm or math.inf) or (made or 0) + 1 > (target.rpm or math.inf):
                continue
            candidates.append((used or 0, target))
        if not candidates:
            return None
        lowest = min(used for used, _ in candidates)
        return random.choice([target for used, target in candidates if used == lowest])  # noqa: S311

    def start(self, target: Target, request: Request) -> Flow[None]:
        if target.rpm is None:
            return
        made = yield Incr(self.state, usage_key(target, "rpm", _minute()), 1, self.ttl)
        if made > target.rpm:
            raise over_limit(target, made)

    def end(
        self, target: Target, request: Request, seconds: float, result: object, error: BaseException | None
    ) -> Flow[None]:
        usage = getattr(result, "usage", None)
        total = getattr(usage, "total_tokens", None)
        if error is None and isinstance(total, int) and total > 0:
            yield Incr(self.state, usage_key(target, "tpm", _minute()), total, self.ttl)


def usage_key(target: Target, kind: str, minute: str) -> str:
    """LiteLLM's per-minute usage key of a deployment."""
    return f"{target.id}:{target.model}:{kind}:{minute}"


def _minute() -> str:
    return time.strftime("%H-%M", time.gmtime())


def over_limit(target: Target, made: float) -> Exception:
    """LiteLLM's answer for a deployment over its own rpm: a 429 that never reached the gateway."""
    from shim import _http
    from shim.exceptions import RateLimitError

    request = _http.Request("POST", "http://router.invalid/tpm_rpm_limits")
    response = _http.Response(429, headers={"retry-after": "60"}, request=request)
    message = f"Deployment over defined rpm limit={target.rpm:g}. current usage={made:g}. id={target.id}"
    error = RateLimitError(message, response=response, body=None)
    error.model = target.model
    return error


def _arg(args: Mapping[str, Any], name: str, default: float) -> float:
    value = args.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"routing_strategy_args[{name!r}] must be a number >= 0, not {value!r}")
    return float(value)


def make(name: object, args: object, state: State) -> Strategy:
    """The strategy named `name` (LiteLLM's names), with its `routing_strategy_args`."""
    name = _ALIASES.get(str(name), name)
    if not isinstance(args, Mapping):
        raise ConfigError("routing_strategy_args must be a dict")
    arguments = cast("Mapping[str, Any]", args)
    if name == "simple-shuffle":
        return Strategy()
    if name == "least-busy":
        return LeastBusy(state)
    if name == "latency-based-routing":
        return Latency(arguments)
    if name == "usage-based-routing-v2":
        return Usage(state, arguments)
    raise ConfigError(f"routing_strategy={name!r} is not one shim's Router has: use one of {', '.join(NAMES)}")
