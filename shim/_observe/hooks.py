"""The HTTP client's event hooks: all the transport knows of observing.

The SDK retries inside one `request()`, so the attempts of an observed call are seen here, below it: each cached
pool's HTTP client calls these hooks, which hand each request and answer to the observation of the call being sent
in this context (`CURRENT`, set by `shim._observe.observation`). One ContextVar read per request when nothing
observes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Protocol

from shim import _http


class Attempts(Protocol):
    """What sees each HTTP attempt of a call: its request, and the answer to it."""

    def attempt(self, request: _http.Request) -> None: ...

    def answered(self, response: _http.Response) -> None: ...


CURRENT: ContextVar[Any] = ContextVar("shim_observation", default=None)
"""The observation of the call being sent in this context (a `shim._observe.observation.Observation`), or None."""


def current() -> Any:
    """The observation of the call being sent in this context, if any (a stream made inside it adopts it)."""
    return CURRENT.get()


def _on_request(request: _http.Request) -> None:
    attempts: Attempts | None = CURRENT.get()
    if attempts is not None:
        attempts.attempt(request)


def _on_response(response: _http.Response) -> None:
    attempts: Attempts | None = CURRENT.get()
    if attempts is not None:
        attempts.answered(response)


async def _aon_request(request: _http.Request) -> None:
    _on_request(request)


async def _aon_response(response: _http.Response) -> None:
    _on_response(response)


def event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """Event hooks for a sync HTTP client."""
    return {"request": [_on_request], "response": [_on_response]}


def async_event_hooks() -> dict[str, list[Callable[..., Any]]]:
    """Event hooks for an async HTTP client."""
    return {"request": [_aon_request], "response": [_aon_response]}
