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
from typing import Any, TypeVar, cast

R = TypeVar("R")

Flow = Generator[Any, Any, R]
"""A layer: yields steps (a `Call`, a `Wait`, or a function of no arguments), returns the result."""


@dataclass(frozen=True, slots=True)
class Wait:
    """A step: sleep this long (`time.sleep`, or `asyncio.sleep` on the running loop)."""

    seconds: float


def drive(flow: Flow[R], send: Callable[[Any], Any]) -> R:
    """Run `flow`, sending each `Call` it yields with `send`; return what it returns."""
    try:
        step = next(flow)
        while True:
            try:
                if isinstance(step, Wait):
                    outcome = time.sleep(step.seconds)
                else:
                    outcome = step() if callable(step) else send(step)
            except BaseException as error:  # the layers see every failure (a cancel too) and re-raise it
                step = flow.throw(error)
            else:
                step = flow.send(outcome)
    except StopIteration as stop:
        result: R = stop.value
        return result


async def adrive(flow: Flow[R], send: Callable[[Any], Awaitable[Any]]) -> R:
    """`drive` on the running event loop: each step is awaited."""
    try:
        step = next(flow)
        while True:
            try:
                if isinstance(step, Wait):
                    outcome = await asyncio.sleep(step.seconds)
                else:
                    outcome = await (cast("Awaitable[Any]", step()) if callable(step) else send(step))
            except BaseException as error:
                step = flow.throw(error)
            else:
                step = flow.send(outcome)
    except StopIteration as stop:
        result: R = stop.value
        return result


def once(step: Any) -> Flow[Any]:
    """The flow of one step: yields it, returns its outcome."""
    return (yield step)
