"""Round three, the fallbacks (issue 22, items 11-13): one budget for the whole call, every failed attempt named,
and no fallback's key in what a failed call leaves behind.

Each gateway is a FakeProxy on loopback; what is counted is requests at the gateways, never time.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator

import openai
import pytest

import shim
from shim.testing import FakeProxy

from .figures import Figures

HI = [{"role": "user", "content": "hi"}]
KEY_A = "sk-gateway-a-0123456789abcdef"
KEY_B = "sk-gateway-b-fedcba9876543210"
KEY_C = "sk-gateway-c-00112233445566778"


@pytest.fixture
def three() -> Iterator[tuple[FakeProxy, FakeProxy, FakeProxy]]:
    with FakeProxy(api_key=KEY_A) as a, FakeProxy(api_key=KEY_B) as b, FakeProxy(api_key=KEY_C) as c:
        yield a, b, c


def _fallbacks(b: FakeProxy, c: FakeProxy, *, key_b: str = KEY_B) -> list[dict[str, str]]:
    return [
        {"model": "litellm_proxy/b", "api_base": b.url, "api_key": key_b},
        {"model": "litellm_proxy/c", "api_base": c.url, "api_key": KEY_C},
    ]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_total_timeout_covers_every_fallback(
    three: tuple[FakeProxy, FakeProxy, FakeProxy], figures: Figures, use_async: bool
) -> None:
    a, b, c = three
    a.respond(500, delay=0.6)  # a fails after 0.6 s of the 1 s budget
    b.respond(200, delay=2.0)  # b would answer after 2 s: it gets what is left, 0.4 s, and times out
    kwargs = {"num_retries": 0, "total_timeout": 1.0, "fallbacks": _fallbacks(b, c)}

    async def call() -> object:
        if use_async:
            return await shim.acompletion("litellm_proxy/a", HI, api_base=a.url, api_key=KEY_A, **kwargs)
        return shim.completion("litellm_proxy/a", HI, api_base=a.url, api_key=KEY_A, **kwargs)

    with pytest.raises(shim.Timeout) as raised:
        await call()
    # The budget was spent before c: it is never started (each fallback used to start a fresh budget).
    assert (len(a.requests), len(b.requests), len(c.requests)) == (1, 1, 0)
    assert "total_timeout was spent" in str(raised.value)
    figures.set("fallbacks", "total_timeout=1 s spent: fallbacks started after it", len(c.requests))


def test_when_every_attempt_fails_the_error_names_each_one(
    three: tuple[FakeProxy, FakeProxy, FakeProxy], caplog: pytest.LogCaptureFixture, figures: Figures
) -> None:
    a, b, c = three
    a.respond(429, headers={"retry-after": "0"})
    c.respond(503)
    with caplog.at_level(logging.DEBUG, logger="shim"), pytest.raises(shim.ServiceUnavailableError) as raised:
        shim.completion(  # b is refused: its key is wrong
            "litellm_proxy/a",
            HI,
            api_base=a.url,
            api_key=KEY_A,
            num_retries=0,
            fallbacks=_fallbacks(b, c, key_b="sk-wrong"),
        )
    message = str(raised.value)
    assert message.startswith("All fallback attempts failed")
    for model, gateway, error in (
        ("a", a, "RateLimitError"),
        ("b", b, "AuthenticationError"),
        ("c", c, "ServiceUnavailableError"),
    ):
        assert f"litellm_proxy/{model} at {gateway.url}: {error}" in message
        assert f"litellm_proxy/{model} at {gateway.url}: {error}" in caplog.text
    assert raised.value.attempts == [
        ("litellm_proxy/a", a.url),
        ("litellm_proxy/b", b.url),
        ("litellm_proxy/c", c.url),
    ]
    for key in (KEY_A, KEY_B, KEY_C, "sk-wrong"):
        assert key not in message and key not in caplog.text
    figures.set("fallbacks", "a, b (bad key) and c fail: attempts the error names", message.count(" at http://"))


def test_no_fallback_key_in_a_failed_calls_frames(
    three: tuple[FakeProxy, FakeProxy, FakeProxy], figures: Figures
) -> None:
    """Error trackers record every frame's locals by their repr: none may show a key the call carried."""
    a, b, c = three
    a.respond(500)
    b.respond(500)
    c.respond(500)
    try:
        shim.completion("litellm_proxy/a", HI, api_base=a.url, api_key=KEY_A, num_retries=0, fallbacks=_fallbacks(b, c))
    except openai.APIError:
        error = sys.exc_info()[1]
    else:
        pytest.fail("the call should have failed")
    assert error is not None
    shown = []
    for frame, _ in traceback.walk_tb(error.__traceback__):
        if "/shim/" in frame.f_code.co_filename:
            shown += [repr(value) for value in frame.f_locals.values()]
    leaked = [text for text in shown if KEY_B in text or KEY_C in text or KEY_A in text]
    assert shown and not leaked
    figures.set("fallbacks", "a failed call with fallbacks: frame locals showing a key", len(leaked))
