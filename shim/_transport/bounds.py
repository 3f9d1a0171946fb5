"""Bounds the openai SDK does not have, kept below it in the transport of every cached client.

- One attempt's whole answer within its timeout. The SDK's `timeout` bounds each read, so a server trickling a
  byte at a time can hold a call for ever; here a non-streamed body must arrive within the attempt's read timeout
  in all, or the attempt fails as a read timeout (which the SDK retries, as it retries any timeout).
- A budget for the whole call (`total_timeout`): attempts, retries and the waits between them. Each attempt's
  timeouts shrink to what is left; a retry that could not finish in time is not started (the last error is
  raised instead); when nothing is left the call raises `shim.Timeout`.
- A cap on a non-streamed body's decoded size (`max_response_bytes`): 199 KiB of gzip must not become 200 MiB
  in memory. Streams (events, speech and file content read lazily) are not capped.

The sender sets a call's bounds in a context variable around the SDK call; the transport reads them on each
attempt, so calls that did not set any (the SDK's own, through `patch_openai`) pass through untouched. Errors
raised here are openai errors, meant to reach the caller as they are, with no retry. openai 3.x and late 2.x pass
an openai error from a transport on; earlier releases retry any exception a transport raises and then wrap it in
`APIConnectionError`. So the transport sends them past the SDK inside `_Escape`, a `BaseException` (which no
release catches), and `bounded()` raises the error it carries: the same behaviour on every supported release.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Generator
from contextvars import ContextVar
from dataclasses import dataclass

import openai

from shim import _http
from shim import exceptions as exc
from shim._settings import DEFAULT_MAX_RESPONSE_BYTES

# The SDK's backoff without a Retry-After header: 0.5 s x 2^n, at most 8 s (openai's _base_client constants).
_BACKOFF_START, _BACKOFF_MAX = 0.5, 8.0
_RETRYABLE = frozenset({408, 409, 429}) | frozenset(range(500, 600))


@dataclass(frozen=True, slots=True)
class Bounds:
    """One call's bounds: whether its body is read here, the size cap, and when the whole call must end."""

    read_whole: bool
    max_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES
    deadline: float | None = None  # time.monotonic() by which the call ends; None: no budget


_BOUNDS: ContextVar[Bounds | None] = ContextVar("shim_bounds", default=None)


class bounded:  # lower case: it reads as the function it replaced, `with bounded(bounds):`
    """Apply `bounds` to the SDK calls made inside the block (this thread or task only); raise the openai error an
    attempt sent past the SDK. A class, not a `@contextmanager`: it wraps every call."""

    __slots__ = ("bounds", "token")

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds

    def __enter__(self) -> None:
        self.token = _BOUNDS.set(self.bounds)

    def __exit__(self, kind: type[BaseException] | None, escape: BaseException | None, _tb: object) -> None:
        _BOUNDS.reset(self.token)
        if isinstance(escape, _Escape):
            raise escape.error from escape.error.__cause__


class _Escape(BaseException):
    """An openai error raised in the transport, on its way past the SDK's retry loop to `bounded()`."""

    def __init__(self, error: openai.OpenAIError) -> None:
        super().__init__(error)
        self.error = error


class BoundedTransport(_http.BaseTransport):
    """A sync transport that applies the current call's bounds around another transport."""

    def __init__(self, inner: _http.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: _http.Request) -> _http.Response:
        bounds = _BOUNDS.get()
        if bounds is None:
            return self._inner.handle_request(request)
        try:
            return self._bounded(request, bounds)
        except openai.OpenAIError as error:
            raise _Escape(error) from error

    def _bounded(self, request: _http.Request, bounds: Bounds) -> _http.Response:
        attempt = _Attempt(request, bounds)
        with attempt.sending():
            response = self._inner.handle_request(request)
        if not attempt.reads(response):
            return response
        try:
            for chunk in response.iter_bytes():
                attempt.add(chunk)
        finally:
            response.close()
        return attempt.whole(response)

    def close(self) -> None:
        self._inner.close()


class AsyncBoundedTransport(_http.AsyncBaseTransport):
    """The async `BoundedTransport`."""

    def __init__(self, inner: _http.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: _http.Request) -> _http.Response:
        bounds = _BOUNDS.get()
        if bounds is None:
            return await self._inner.handle_async_request(request)
        try:
            return await self._bounded(request, bounds)
        except openai.OpenAIError as error:
            raise _Escape(error) from error

    async def _bounded(self, request: _http.Request, bounds: Bounds) -> _http.Response:
        attempt = _Attempt(request, bounds)
        with attempt.sending():
            response = await self._inner.handle_async_request(request)
        if not attempt.reads(response):
            return response
        try:
            async for chunk in response.aiter_bytes():
                attempt.add(chunk)
        finally:
            await response.aclose()
        return attempt.whole(response)

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Attempt:
    """One attempt under a call's bounds: its timeouts, its end, and the body read so far."""

    def __init__(self, request: _http.Request, bounds: Bounds) -> None:
        self.request = request
        self.bounds = bounds
        self.started = time.monotonic()
        self.chunks: list[bytes] = []
        self.size = 0
        timeouts: dict[str, float | None] = dict(request.extensions.get("timeout") or {})
        left = self.left()
        if left is not None:
            if left <= 0:
                raise exc.Timeout(request=request)  # the budget is spent: no attempt, no retry
            timeouts = {name: left if value is None else min(value, left) for name, value in timeouts.items()}
            request.extensions["timeout"] = timeouts
        read = timeouts.get("read")
        self.ends = None if read is None else self.started + read

    def left(self) -> float | None:
        deadline = self.bounds.deadline
        return None if deadline is None else deadline - time.monotonic()

    @contextlib.contextmanager
    def sending(self) -> Generator[None]:
        """Around the send: a transport error gives up now when no retry could finish within the budget."""
        try:
            yield
        except _http.TransportError as error:
            self.give_up_unless_a_retry_fits(error)
            raise

    def reads(self, response: _http.Response) -> bool:
        """Whether this attempt reads the answer's body itself (a non-streamed call's non-redirect answer)."""
        return self.bounds.read_whole and self.checks_body(response)

    def give_up_unless_a_retry_fits(self, error: _http.TransportError) -> None:
        """Raise now (an openai error: not retried) when the SDK's backoff would outlast the budget."""
        left = self.left()
        if left is not None and left <= _backoff(self.request):
            if isinstance(error, _http.TimeoutException):
                raise exc.Timeout(request=self.request) from error
            message = f"Connection to the gateway broke: {type(error).__name__}"
            raise exc.APIConnectionError(message=message, request=self.request) from error

    def checks_body(self, response: _http.Response) -> bool:
        """Whether to read this answer's body here; first tells the SDK not to retry what cannot end in time."""
        left = self.left()
        if left is not None and response.status_code in _RETRYABLE:
            wait = _retry_after(response)
            if left <= (wait if wait is not None else _backoff(self.request)):
                response.headers["x-should-retry"] = "false"
        return response.status_code < 300 or response.status_code >= 400

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        max_bytes = self.bounds.max_bytes
        if max_bytes is not None and self.size > max_bytes:
            raise exc.ResponseTooLargeError(
                message=f"The gateway's answer to {self.request.url.path} is larger than {max_bytes:,} bytes decoded: "
                "raise max_response_bytes= for this call (or shim.max_response_bytes), or ask for less",
                request=self.request,
            )
        now = time.monotonic()
        if self.bounds.deadline is not None and now > self.bounds.deadline:
            raise exc.Timeout(request=self.request)
        if self.ends is not None and now > self.ends:
            raise _http.ReadTimeout("the answer did not arrive within the timeout", request=self.request)
        self.chunks.append(chunk)

    def whole(self, response: _http.Response) -> _http.Response:
        """The answer with its decoded body in place: what `Response.read()` leaves (httpx and httpx2 alike), so
        the SDK's own `read()` finds it read, without a second response object."""
        response._content = b"".join(self.chunks)  # pyright: ignore[reportPrivateUsage]
        return response


def _backoff(request: _http.Request) -> float:
    """The longest the SDK waits before its next retry when the server names no wait."""
    try:
        retries_taken = int(request.headers.get("x-stainless-retry-count", "0"))
    except ValueError:
        retries_taken = 0
    return min(_BACKOFF_START * 2.0 ** min(retries_taken, 30), _BACKOFF_MAX)


def _retry_after(response: _http.Response) -> float | None:
    for header, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        try:
            value = float(response.headers.get(header, "")) / divisor
        except ValueError:
            continue
        if math.isfinite(value) and value > 0:
            return value
    return None
