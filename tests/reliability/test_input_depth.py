"""Input nested deeper than JSON can be written is bad input, not a network blip (issue 22, item 15).

Raw openai raises `RecursionError`; shim reported `APIConnectionError`, which retry policies and fallbacks treat as
a network error and try again. It must be a `ValueError` naming the problem, raised before any request, and never
retried nor passed to a fallback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest

import shim
from shim.testing import FakeProxy

from .figures import Figures

DEPTH = 100_000


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except ValueError as error:
        return "ValueError" if "nest" in str(error) else f"ValueError without the reason: {error}"
    except Exception as error:  # the defect being counted: any other type
        return type(error).__name__
    return "sent"


def test_deeply_nested_input_is_a_value_error_before_io(
    multi: FakeProxy, figures: Figures, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Was: APIConnectionError ("The exchange with the gateway failed: RecursionError"), tried again on each fallback.
    messages = [{"role": "user", "content": _nested(DEPTH)}]
    kw: dict[str, Any] = {"api_base": multi.url, "api_key": "sk-1", "num_retries": 2}
    fallbacks = ["litellm_proxy/m2", "litellm_proxy/m3"]
    calls: dict[str, Callable[[], object]] = {
        "completion": lambda: shim.completion("litellm_proxy/m", messages, **kw),
        "completion with 2 fallbacks": lambda: shim.completion("litellm_proxy/m", messages, fallbacks=fallbacks, **kw),
        "acompletion with 2 fallbacks": lambda: asyncio.run(
            shim.acompletion("litellm_proxy/m", messages, fallbacks=fallbacks, **kw)
        ),
        "responses": lambda: shim.responses(
            "litellm_proxy/m", input=[{"role": "user", "content": _nested(DEPTH)}], **kw
        ),
        "embedding": lambda: shim.embedding("litellm_proxy/e", input=[_nested(DEPTH)], **kw),
    }
    outcomes = {name: _outcome(call) for name, call in calls.items()}
    # With debug output on (which logs each request's body) and a callback listening (which sees the messages).
    monkeypatch.setattr(shim, "set_verbose", True)
    monkeypatch.setattr(shim, "success_callback", [lambda *args: None])
    caplog.set_level(logging.DEBUG, logger="shim")
    outcomes["completion, debug on, a callback set"] = _outcome(calls["completion with 2 fallbacks"])
    figures.set("bad input", f"messages nested {DEPTH:,} deep: raises", ", ".join(sorted(set(outcomes.values()))))
    figures.set("bad input", f"messages nested {DEPTH:,} deep: requests sent", len(multi.requests))
    assert outcomes == dict.fromkeys(outcomes, "ValueError")
    assert multi.requests == []


def test_input_nested_as_deep_as_json_allows_is_sent(multi: FakeProxy) -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "hi", "meta": _nested(200)}]}]
    shim.completion("litellm_proxy/m", messages, api_base=multi.url, api_key="sk-1")
    assert len(multi.requests) == 1
