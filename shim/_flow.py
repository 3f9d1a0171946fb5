"""One pattern for the layers around the send, written once for sync and async.

A layer (observing, LiteLLM's keywords, fallbacks) is a generator, a *flow*: it yields what it wants done, a
`Call` to send, a `Wait`, or a function to run (the SDK's own send, for `shim.OpenAI` and the patch), is sent the
outcome (or has its error thrown in), and returns the call's result. Layers nest with `yield from`. `drive` runs a
flow with the sync sender and `adrive` with the async one: the only code that differs between sync and async, as
httpx's `Auth.auth_flow` is one generator run by `sync_auth_flow` and `async_auth_flow` (`httpx/_auth.py`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

R = TypeVar("R")

Flow = Generator[Any, Any, R]
"""A layer: yields steps (a `Call`, a `Wait`, or a function of no arguments), returns the result."""


@dataclass(frozen=True, slots=True)
class Wait:
    """A step: sleep this long (`time.sleep`, or `asyncio.sleep` on the running loop)."""

    seconds: float


def drive(flow: Flow[R], send: Callable[[Any], Any]) -> R:
    """Run `flow`, sending each `Call` it yields with `send`; return what it returns."""
    run = Run(flow)
    while run.going:
        step = run.step
        try:
            outcome = time.sleep(step.seconds) if isinstance(step, Wait) else step() if callable(step) else send(step)
        except BaseException as error:  # the layers see every failure (a cancel too) and re-raise it
            run.throw(error)
        else:
            run.send(outcome)
    return run.value


async def adrive(flow: Flow[R], send: Callable[[Any], Awaitable[Any]]) -> R:
    """`drive` on the running event loop: each step is awaited."""
    run = Run(flow)
    while run.going:
        try:
            outcome = await _perform(run.step, send)
        except BaseException as error:
            run.throw(error)
        else:
            run.send(outcome)
    return run.value


def _perform(step: Any, send: Callable[[Any], Awaitable[Any]]) -> Awaitable[Any]:
    if isinstance(step, Wait):
        return asyncio.sleep(step.seconds)
    return cast("Awaitable[Any]", step()) if callable(step) else send(step)


class Run(Generic[R]):
    """A flow being run: its next step, or once it has returned, its value."""

    __slots__ = ("flow", "going", "step", "value")

    def __init__(self, flow: Flow[R]) -> None:
        self.flow = flow
        self.going = True
        self._resume(flow.send, None)

    def send(self, outcome: Any) -> None:
        self._resume(self.flow.send, outcome)

    def throw(self, error: BaseException) -> None:
        self._resume(self.flow.throw, error)

    def _resume(self, resume: Callable[[Any], Any], argument: Any) -> None:
        try:
            self.step = resume(argument)
        except StopIteration as stop:
            self.going = False
            self.value: R = stop.value


def once(step: Any) -> Flow[Any]:
    """The flow of one step: yields it, returns its outcome."""
    return (yield step)
