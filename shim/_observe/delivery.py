"""Delivering sync callbacks off the caller's path: in order, never stalled by one that hangs, bounded, and not lost
when the interpreter exits.

- One runner thread takes the callbacks from the queue, one at a time, in the order they came.
- A callback still running after `STALLED` seconds is left to finish on its own thread, and a new runner takes the
  rest of the queue, so one that hangs (a logging backend that never answers) stalls nothing else. At most
  `MAX_STALLED` runners are left so at once; beyond, the queue waits for one of them to come back.
- The queue holds at most `MAX_QUEUED` callbacks: one that does not fit is dropped and counted (`dropped`); the
  first drop is logged, once (a warning on the `shim.callbacks` logger).
- At interpreter exit (the worker threads are daemons, which would die with it), what is queued is still delivered,
  for at most `EXIT_DEADLINE` seconds, as LiteLLM's logging worker does (it waits up to 5 s).

Every thread starts on the first callback, so a program that sets none starts none, and neither does `import shim`.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from time import monotonic
from typing import Any

Fn = Callable[..., Any]

STALLED = 1.0
"""Seconds a callback may run before the ones queued behind it go on without it (on a new runner thread)."""
MAX_STALLED = 16
"""Runner threads left with a callback that hangs, at most, at once."""
MAX_QUEUED = 10_000
"""Callbacks waiting to run, at most; LiteLLM's logging queue holds 50,000 coroutines."""
EXIT_DEADLINE = 5.0
"""Seconds the interpreter's exit waits for the callbacks still queued (LiteLLM: 5 s)."""

_log = logging.getLogger("shim.callbacks")


def _guarded(function: Fn, args: tuple[Any, ...]) -> None:
    try:
        function(*args)
    except Exception:
        _log.exception("callback %r raised; the call goes on", function)


class Delivery:
    """The queue of sync callbacks and the threads that run them."""

    def __init__(self) -> None:
        self._started = False
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # the runner waits here for callbacks
        self._idle = threading.Condition(self._lock)  # `flush()` waits here until nothing is pending
        self._wake = threading.Condition(self._lock)  # the watchdog waits here while nothing is pending
        self._queue: deque[tuple[Fn, tuple[Any, ...]]] = deque()
        self._pending = 0  # queued, or running
        self._runner: threading.Thread | None = None
        self._busy_since: float | None = None  # when the runner started its callback; None while it waits
        self._stalled = 0
        self._watchdog: threading.Thread | None = None
        self.dropped = 0

    def submit(self, function: Fn, args: tuple[Any, ...]) -> None:
        """Queue `function(*args)`; dropped (and counted) when the queue is full."""
        with self._lock:
            if len(self._queue) >= MAX_QUEUED:
                self.dropped += 1
                first = self.dropped == 1
            else:
                first = False
                self._queue.append((function, args))
                self._pending += 1
                if self._pending == 1:
                    self._wake.notify()
                self._work.notify()
                if self._runner is None or not self._runner.is_alive():  # not started, or lost in a fork
                    self._start()
                return
        if first:
            _log.warning(
                "callbacks are being dropped: %d are waiting already, behind callbacks that do not return "
                "(this is logged once)",
                MAX_QUEUED,
            )

    def _start(self) -> None:
        """Start the runner and the watchdog (the caller holds the lock)."""
        if not self._started:
            self._started = True
            atexit.register(self._at_exit)
            if hasattr(os, "register_at_fork"):
                os.register_at_fork(after_in_child=self._reset)  # the parent delivers what it queued
        self._runner = self._thread(self._run, "shim-callbacks")
        if self._watchdog is None or not self._watchdog.is_alive():
            self._watchdog = self._thread(self._watch, "shim-callbacks-watchdog")

    @staticmethod
    def _thread(target: Callable[[], None], name: str) -> threading.Thread:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                while not self._queue and self._runner is me:
                    self._work.wait()
                if self._runner is not me:
                    return
                function, args = self._queue.popleft()
                self._busy_since = monotonic()
            _guarded(function, args)
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()
                if self._runner is not me:  # left behind while it ran: another runner has gone on
                    self._stalled -= 1
                    return
                self._busy_since = None

    def _watch(self) -> None:
        """Replace a runner whose callback has run for `STALLED` seconds while others wait."""
        while True:
            with self._lock:
                if self._pending == 0:
                    self._wake.wait()
                    continue
                started = self._busy_since
                if (
                    started is not None
                    and monotonic() - started >= STALLED
                    and self._queue
                    and self._stalled < MAX_STALLED
                ):
                    self._stalled += 1
                    self._busy_since = None
                    try:
                        self._runner = self._thread(self._run, "shim-callbacks")
                    except RuntimeError:  # no new thread at interpreter shutdown: the stalled one stays the runner
                        self._stalled -= 1
                    self._work.notify_all()
                self._wake.wait(STALLED / 4)

    def flush(self, timeout: float | None) -> bool:
        """Wait until every callback submitted so far has run; False if `timeout` passed first."""
        with self._lock:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _at_exit(self) -> None:
        if self.flush(EXIT_DEADLINE):
            return
        raising, logging.raiseExceptions = logging.raiseExceptions, False  # handlers may be closed by now
        try:
            _log.warning("%d callbacks had not run at exit, after %g s", self._pending, EXIT_DEADLINE)
        finally:
            logging.raiseExceptions = raising
