"""Callbacks delivered, not lost or stalled (issue 22, items 9 and 10).

Sync success and failure callbacks run off the caller's path, in a background thread. What is still queued when the
interpreter exits must be delivered (bounded by a short deadline, as LiteLLM does: it delivers 3 of 3 where shim
delivered 0); one callback that hangs must not stop the others (LiteLLM: 19 of 20, shim: 0); and what waits behind
callbacks that hang is bounded, what does not fit dropped, counted and logged once. Counted: callbacks that ran.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import shim
from shim.integrations.custom_logger import CustomLogger
from shim.testing import FakeProxy
from tests.conftest import HI

from .figures import Figures


@pytest.fixture(autouse=True)
def no_callbacks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("callbacks", "input_callback", "success_callback", "failure_callback"):
        monkeypatch.setattr(shim, name, [])
    yield
    shim.flush_callbacks(timeout=30)


EXIT_SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    import shim

    url, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    first = threading.Event()

    def delivered(kwargs, response, start, end):
        if mode == "one hangs" and not first.is_set():
            first.set()
            threading.Event().wait()  # never returns
        time.sleep(0.2)  # a logger that posts somewhere: slower than the script's exit
        with open(out, "a") as f:
            f.write(kwargs["litellm_call_id"] + "\\n")

    shim.success_callback = [delivered]
    for _ in range(3):
        shim.completion("litellm_proxy/m", [{"role": "user", "content": "hi"}], api_base=url, api_key="sk-1")
    # the script ends here, without shim.flush_callbacks()
    """
)


@pytest.mark.parametrize("mode", ["all well", "one hangs"])
def test_callbacks_queued_at_exit_are_delivered(multi: FakeProxy, tmp_path: Path, figures: Figures, mode: str) -> None:
    # Was: 0 of 3 delivered (the worker is a daemon thread, killed at exit); LiteLLM delivers 3 of 3.
    out = tmp_path / "delivered.txt"
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, multi.url, str(out), mode],
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard: the exit's own deadline is seconds
        check=False,
    )
    delivered = len(out.read_text().splitlines()) if out.exists() else 0
    expected = 3 if mode == "all well" else 2
    figures.set("callbacks", f"script exits after 3 calls ({mode}): callbacks delivered", delivered)
    assert done.returncode == 0, done.stderr
    assert len(multi.requests) == 3
    assert delivered == expected


def test_a_stuck_callback_does_not_stall_the_others(
    multi: FakeProxy, figures: Figures, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Was: the first invocation hung, and with it every later callback of every call: 0 of the other 19 delivered
    # (LiteLLM: 19 of 20).
    release = threading.Event()
    stuck = threading.Event()
    delivered: list[str] = []

    def callback(kwargs: dict[str, Any], response: object, start: object, end: object) -> None:
        if not stuck.is_set():
            stuck.set()
            release.wait(60)
            return
        delivered.append(kwargs["litellm_call_id"])

    monkeypatch.setattr(shim, "success_callback", [callback])
    calls = 20
    for _ in range(calls):
        shim.completion("litellm_proxy/m", HI, api_base=multi.url, api_key="sk-1")
    for _ in range(500):  # a bounded wait for the others, not a timing
        if len(delivered) == calls - 1:
            break
        time.sleep(0.02)
    others = len(delivered)
    release.set()
    figures.set("callbacks", "one invocation hangs, 20 calls: the other 19 delivered", others)
    assert shim.flush_callbacks(timeout=30)
    assert others == calls - 1


class _Stuck(CustomLogger):
    """A logger whose every stream event hangs until released."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.ran = 0
        self.lock = threading.Lock()

    def log_stream_event(self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any) -> None:
        self.release.wait(120)
        with self.lock:
            self.ran += 1


def test_what_waits_behind_stuck_callbacks_is_bounded(
    multi: FakeProxy, figures: Figures, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Was: unbounded: every one of 12,000 stream events queued behind the stuck ones, none dropped, nothing logged.
    logger = _Stuck()
    monkeypatch.setattr(shim, "callbacks", [logger])
    words = 12_000
    prompt = " ".join(["w"] * words)
    caplog.set_level(logging.WARNING, logger="shim.callbacks")
    stream = shim.completion(
        "litellm_proxy/m", [{"role": "user", "content": prompt}], stream=True, api_base=multi.url, api_key="sk-1"
    )
    events = sum(1 for _ in stream)
    logger.release.set()
    assert shim.flush_callbacks(timeout=60)
    dropped = events - logger.ran
    logged = [r for r in caplog.records if "dropped" in r.getMessage()]
    figures.set("callbacks", "stream events while every callback hangs", events)
    figures.set("callbacks", "stream events while every callback hangs: held and later delivered", logger.ran)
    figures.set("callbacks", "stream events while every callback hangs: dropped", dropped)
    figures.set("callbacks", "stream events while every callback hangs: log records about drops", len(logged))
    assert events > words
    assert 0 < dropped < events
    assert logger.ran <= 10_100  # the bound, and the few threads that took one each before hanging
    assert len(logged) == 1


def test_a_coroutine_callback_cut_off_by_the_loops_end_is_not_lost_silently(
    multi: FakeProxy, figures: Figures, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Coroutine callbacks are tasks on the caller's loop (as LiteLLM's): `asyncio.run` cancels those still running
    # when its coroutine returns. Was: lost without a word; now each is logged, naming the way out.
    ran: list[str] = []

    async def callback(kwargs: dict[str, Any], response: object, start: object, end: object) -> None:
        await asyncio.sleep(1)  # a logger posting somewhere
        ran.append(kwargs["litellm_call_id"])

    monkeypatch.setattr(shim, "success_callback", [callback])
    caplog.set_level(logging.WARNING, logger="shim.callbacks")

    async def main() -> None:
        for _ in range(3):
            await shim.acompletion("litellm_proxy/m", HI, api_base=multi.url, api_key="sk-1")

    asyncio.run(main())
    told = [r for r in caplog.records if "was cancelled before it finished" in r.getMessage()]
    figures.set(
        "callbacks",
        "asyncio.run() ends with 3 coroutine callbacks running: cut off without a log record",
        3 - len(told),
    )
    assert ran == []
    assert len(told) == 3
