"""What a call's decisions ask of the world, as values: the flow yields them, a sync or an async driver does them.

As httpx's `Auth.auth_flow`: the routing, retry and fallback logic is one generator (`flow.py`), and `drive` and
`adrive` differ only in the line that does each effect (`effect.run()` or `await effect.arun()`). A `Send` that
fails is thrown back into the generator, where the retry logic catches it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from shim._balancer.state import State
from shim._flow import Run
from shim._observe.observation import ROUTED

T = TypeVar("T")
Flow = Generator["Effect", Any, T]


class Effect:
    """One thing the flow needs done."""

    __slots__ = ()

    def run(self) -> Any:
        raise NotImplementedError

    async def arun(self) -> Any:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Read(Effect):
    """Read keys of the Router's state (cooldown keys through the state's cooldown reader)."""

    state: State
    keys: Sequence[str]
    cooldowns: bool = False

    def run(self) -> list[Any]:
        return self.state.cooldowns(self.keys) if self.cooldowns else self.state.read(self.keys)

    async def arun(self) -> list[Any]:
        return await (self.state.acooldowns(self.keys) if self.cooldowns else self.state.aread(self.keys))


@dataclass(frozen=True, slots=True)
class Incr(Effect):
    """Add to a counter of the Router's state; its new value comes back."""

    state: State
    key: str
    amount: float
    ttl: float
    floor: float | None = None

    def run(self) -> float:
        return self.state.incr(self.key, self.amount, self.ttl, self.floor)

    async def arun(self) -> float:
        return await self.state.aincr(self.key, self.amount, self.ttl, self.floor)


@dataclass(frozen=True, slots=True)
class Put(Effect):
    """Set a value of the Router's state for a time."""

    state: State
    key: str
    value: Any
    ttl: float

    def run(self) -> None:
        self.state.put(self.key, self.value, self.ttl)

    async def arun(self) -> None:
        await self.state.aput(self.key, self.value, self.ttl)


@dataclass(frozen=True, slots=True)
class Sleep(Effect):
    """Wait before a retry."""

    seconds: float

    def run(self) -> None:
        if self.seconds > 0:
            time.sleep(self.seconds)

    async def arun(self) -> None:
        if self.seconds > 0:
            await asyncio.sleep(self.seconds)


@dataclass(frozen=True, slots=True)
class Send(Effect):
    """One call to one deployment: shim's endpoint function (sync or async) with that deployment's settings;
    `routed` names the deployment to the call's callbacks and span."""

    sync: Callable[..., Any]
    asynchronous: Callable[..., Awaitable[Any]]
    kwargs: dict[str, Any]
    routed: Mapping[str, Any]

    def run(self) -> Any:
        token = ROUTED.set(self.routed)
        try:
            return self.sync(**self.kwargs)
        finally:
            ROUTED.reset(token)

    async def arun(self) -> Any:
        token = ROUTED.set(self.routed)
        try:
            return await self.asynchronous(**self.kwargs)
        finally:
            ROUTED.reset(token)


def drive(flow: Flow[T]) -> T:
    """Run a flow, doing each effect in this thread."""
    run = Run(flow)
    while run.going:
        _resume(run, _outcome(run.step))
    return run.value


async def adrive(flow: Flow[T]) -> T:
    """Run a flow on the running event loop."""
    run = Run(flow)
    while run.going:
        _resume(run, await _aoutcome(run.step))
    return run.value


_Outcome = tuple[Any, "Exception | None"]  # the last effect's value, or its error


def _outcome(effect: Effect) -> _Outcome:
    try:
        return effect.run(), None
    except Exception as failed:  # a deployment's error goes back into the flow, which decides
        return None, failed


async def _aoutcome(effect: Effect) -> _Outcome:
    try:
        return await effect.arun(), None
    except Exception as failed:
        return None, failed


def _resume(run: Run[T], outcome: _Outcome) -> None:
    value, error = outcome
    if error is None:
        run.send(value)
    else:
        run.throw(error)
