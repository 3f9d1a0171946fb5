"""Faults from a scriptable loopback gateway: retried exactly as the openai SDK retries, then the right exception.

Each status fault runs three times: through `shim.completion`, `shim.acompletion` and a plain `openai.OpenAI`
client on the same gateway; the attempts are counted at the server and must be equal, and equal to the SDK's
documented rule (408, 409, 429 and 5xx are retried, `x-should-retry` overrides, a Retry-After beyond two
minutes is not waited for). Nothing hangs past its timeout; a cut stream is never returned as complete.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import openai
import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

from .endpoints import ENDPOINTS, IDS, Endpoint
from .figures import Figures
from .rawserver import RawServer, http_response

FAST = {"retry-after-ms": "5"}
RETRIED = {408, 409, 429} | set(range(500, 600))
CHUNK = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"partial"},"finish_reason":null}]}\n\n'
SSE = {"content-type": "text/event-stream"}
HANG_BOUND = 10.0  # seconds: generous, the machine is noisy; a hang would be 600 s (the default timeout)


async def outcome(call: Any) -> BaseException:
    """What a call raises, sync or async, streaming or not (the stream drained); fails if it raises nothing."""
    try:
        result = call()
        if hasattr(result, "__await__"):
            result = await result
        if hasattr(result, "__aiter__"):
            async for _ in result:
                pass
        elif hasattr(result, "__next__"):
            list(result)
    except Exception as error:  # the caller asserts on its type
        return error
    return pytest.fail("no exception")


# Newer openai releases give up at once on a Retry-After of minutes (from 2.52); older ones back off and retry anyway.
LONG_RETRY_AFTER_IS_FINAL = tuple(int(part) for part in openai.__version__.split(".")[:2]) >= (2, 52)


def sdk_attempts(status: int, headers: dict[str, str], retries: int) -> int:
    """How many attempts the openai SDK makes for an answer that always has this status and these headers."""
    should = headers.get("x-should-retry")
    retried = should == "true" or (should != "false" and status in RETRIED)
    if float(headers.get("retry-after", 0)) > 120 and LONG_RETRY_AFTER_IS_FINAL:
        retried = False
    return retries + 1 if retried else 1


def _raw_openai(proxy: FakeProxy, retries: int) -> None:
    with openai.OpenAI(api_key=proxy.api_key, base_url=proxy.url, max_retries=retries) as client:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])


STATUS_FAULTS: list[tuple[str, int, dict[str, str], int, type[Exception]]] = [
    ("429 with Retry-After (s)", 429, {"retry-after": "0.01"}, 2, shim.RateLimitError),
    ("429 with retry-after-ms", 429, FAST, 2, shim.RateLimitError),
    ("429 without Retry-After", 429, {}, 1, shim.RateLimitError),
    ("503 with Retry-After", 503, {"retry-after": "0.01"}, 2, shim.ServiceUnavailableError),
    ("503 without Retry-After", 503, {}, 1, shim.ServiceUnavailableError),
    ("500", 500, FAST, 2, shim.InternalServerError),
    ("502", 502, FAST, 2, shim.BadGatewayError),
    ("504", 504, FAST, 2, shim.InternalServerError),
    ("408", 408, FAST, 2, shim.APIError),
    ("409", 409, FAST, 2, shim.ConflictError),
    ("400", 400, FAST, 2, shim.BadRequestError),
    ("401", 401, FAST, 2, shim.AuthenticationError),
    ("404", 404, FAST, 2, shim.NotFoundError),
    ("422", 422, FAST, 2, shim.UnprocessableEntityError),
    ("503 with x-should-retry: false", 503, {**FAST, "x-should-retry": "false"}, 2, shim.ServiceUnavailableError),
    ("400 with x-should-retry: true", 400, {**FAST, "x-should-retry": "true"}, 2, shim.BadRequestError),
    ("429 with Retry-After: 3600", 429, {"retry-after": "3600"}, 2, shim.RateLimitError),
]


@pytest.mark.parametrize(
    ("kind", "status", "headers", "retries", "expected"), STATUS_FAULTS, ids=[f[0] for f in STATUS_FAULTS]
)
async def test_status_faults_are_retried_as_the_sdk_retries(
    proxy: FakeProxy, figures: Figures, kind: str, status: int, headers: dict[str, str], retries: int, expected: type
) -> None:
    want = sdk_attempts(status, headers, retries)
    counts: list[int] = []
    runs: list[Any] = [
        lambda: shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, num_retries=retries),
        lambda: shim.acompletion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, num_retries=retries),
    ]
    for run in runs:
        proxy.clear()
        proxy.respond(status, headers=headers, times=retries + 1)
        started = time.monotonic()
        error = await outcome(run)
        assert time.monotonic() - started < HANG_BOUND
        assert type(error) is expected
        assert getattr(error, "status_code", None) == status
        counts.append(len(proxy.requests))
        assert [r.headers["x-stainless-retry-count"] for r in proxy.requests] == [str(i) for i in range(counts[-1])]
    proxy.clear()
    proxy.respond(status, headers=headers, times=retries + 1)
    with pytest.raises(openai.APIStatusError):
        _raw_openai(proxy, retries)
    counts.append(len(proxy.requests))
    assert counts == [want, want, want], "shim sync, shim async, plain openai"
    _record(figures, kind, calls=3, attempts=sum(counts), retries=retries, outcome=expected)


def _record(
    figures: Figures, kind: str, *, calls: int, attempts: int, retries: int, outcome: type | str, per_call: str = ""
) -> None:
    """One row of the fault table: every attempt is a fault answered (each call meets the fault every time)."""
    figures.add("faults", "calls that met a fault", calls)
    figures.add("faults", "faults injected = attempts counted at the server", attempts)
    name = outcome if isinstance(outcome, str) else outcome.__name__
    row = {
        "calls": calls,
        "num_retries": retries,
        "attempts": attempts,
        "per call": per_call or f"{attempts / calls:g}",
        "raises": name,
    }
    figures.set("fault table", kind, row)


CONNECTION_FAULTS: list[tuple[str, str]] = [
    ("server closes before headers", "reset"),
    ("connection closed mid-body", "cut"),
]


@pytest.mark.parametrize(("kind", "action"), CONNECTION_FAULTS)
async def test_connection_faults_are_retried_then_raise(
    proxy: FakeProxy, figures: Figures, kind: str, action: Any
) -> None:
    proxy.respond(500 if action == "cut" else 200, body={"choices": []}, action=action, times=2)
    with pytest.raises(shim.APIConnectionError) as info:
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, num_retries=1)
    assert not isinstance(info.value, shim.Timeout)
    sync_attempts = len(proxy.requests)
    proxy.clear()
    proxy.respond(500 if action == "cut" else 200, body={"choices": []}, action=action, times=2)
    with pytest.raises(shim.APIConnectionError):
        await shim.acompletion("litellm_proxy/m", HI, api_base=proxy.url, api_key=proxy.api_key, num_retries=1)
    assert (sync_attempts, len(proxy.requests)) == (2, 2)
    _record(figures, kind, calls=2, attempts=4, retries=1, outcome=shim.APIConnectionError)


RAW_FAULTS: list[tuple[str, bytes, Any]] = [
    ("TCP reset before headers", b"", "rst"),
    ("TCP reset mid-body", http_response(200, b'{"choices": [{"ind', length=400), "rst"),
    ("garbage status line", b"HTCPCP/9 ??? nonsense\r\n\r\n", "close"),
    ("empty answer then FIN", b"", "close"),
    ("truncated body then FIN", http_response(200, b'{"choices": [', length=400), "close"),
]


@pytest.mark.parametrize(("kind", "payload", "end"), RAW_FAULTS, ids=[f[0] for f in RAW_FAULTS])
def test_byte_level_faults_are_connection_errors(figures: Figures, kind: str, payload: bytes, end: Any) -> None:
    with RawServer() as server:
        server.script(payload, end=end, times=2)
        with pytest.raises(shim.APIConnectionError):
            shim.completion("litellm_proxy/m", HI, api_base=server.url, api_key="sk-raw", num_retries=1)
        assert server.requests == 2
        # The fault is over: the next call through the same cached client works.
        assert shim.completion("litellm_proxy/m", HI, api_base=server.url, api_key="sk-raw").choices
    _record(figures, kind, calls=1, attempts=2, retries=1, outcome=shim.APIConnectionError)


@pytest.mark.parametrize("where", ["before headers", "mid-body"])
async def test_a_silent_gateway_times_out_within_bounds(figures: Figures, where: str) -> None:
    payload = b"" if where == "before headers" else http_response(200, b'{"choi', length=100)
    with RawServer() as server:
        server.script(payload, end="hang", times=4)
        kwargs: dict[str, Any] = {"api_base": server.url, "api_key": "sk-raw", "timeout": 0.2, "num_retries": 1}
        for call in (shim.completion, shim.acompletion):
            started = time.monotonic()
            error = await outcome(functools.partial(call, "litellm_proxy/m", HI, **kwargs))
            assert isinstance(error, shim.Timeout)
            assert time.monotonic() - started < HANG_BOUND
        assert server.requests == 4
    _record(figures, f"read timeout {where}", calls=2, attempts=4, retries=1, outcome=shim.Timeout)


STREAM_FAULTS: list[tuple[str, dict[str, Any]]] = [
    ("stream cut mid-SSE", {"status": 200, "action": "cut"}),
    ("stream ends without [DONE]", {"status": 200, "body": CHUNK * 3, "headers": SSE}),
    ("stream cut mid-event", {"status": 200, "body": CHUNK + CHUNK[:40], "headers": SSE}),
]


@pytest.mark.parametrize(("kind", "fault"), STREAM_FAULTS, ids=[f[0] for f in STREAM_FAULTS])
async def test_a_broken_stream_is_never_returned_as_complete(
    proxy: FakeProxy, figures: Figures, kind: str, fault: dict[str, Any]
) -> None:
    kwargs: dict[str, Any] = {"api_base": proxy.url, "api_key": proxy.api_key, "stream": True}
    proxy.respond(**fault)
    chunks: list[Any] = []
    with pytest.raises((shim.APIConnectionError, shim.APIResponseValidationError)):
        chunks.extend(shim.completion("litellm_proxy/m", HI, **kwargs))
    assert len(chunks) < 4
    proxy.respond(**fault)
    error = await outcome(lambda: shim.acompletion("litellm_proxy/m", HI, **kwargs))
    assert isinstance(error, (shim.APIConnectionError, shim.APIResponseValidationError))
    # Once the answer's headers are in, the SDK does not retry: one attempt each.
    assert len(proxy.requests) == 2
    _record(figures, kind, calls=2, attempts=2, retries=2, outcome="APIConnectionError or APIResponseValidationError")


async def test_a_stalled_stream_times_out_within_bounds(figures: Figures) -> None:
    with FakeProxy(stream_chunk_delay=3.0) as slow:
        kwargs: dict[str, Any] = {"api_base": slow.url, "api_key": slow.api_key, "stream": True, "timeout": 0.2}
        started = time.monotonic()
        with pytest.raises(shim.Timeout):
            list(shim.completion("litellm_proxy/m", HI, **kwargs))
        with pytest.raises(shim.Timeout):
            async for _ in await shim.acompletion("litellm_proxy/m", HI, **kwargs):
                pass
        assert time.monotonic() - started < HANG_BOUND
        assert len(slow.requests) == 2
    _record(figures, "stream stalls between chunks", calls=2, attempts=2, retries=2, outcome=shim.Timeout)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
async def test_every_endpoint_keeps_the_sdk_retries(proxy: FakeProxy, figures: Figures, endpoint: Endpoint) -> None:
    kw: dict[str, Any] = {"api_base": proxy.url, "api_key": proxy.api_key, "num_retries": 2}
    proxy.respond(503, headers=FAST, times=3)
    assert type(await outcome(lambda: endpoint.call(**kw))) is shim.ServiceUnavailableError
    proxy.respond(429, headers=FAST, times=3)
    assert type(await outcome(lambda: endpoint.acall(**kw))) is shim.RateLimitError
    proxy.respond(200, body={"x": 1}, action="reset", times=3)
    assert type(await outcome(lambda: endpoint.call(**{**kw, "num_retries": 1}))) is shim.APIConnectionError
    assert len(proxy.requests) == 3 + 3 + 2
    raised = "ServiceUnavailableError, RateLimitError, APIConnectionError"
    _record(
        figures,
        f"{endpoint.name}: 503, 429 (2 retries), reset (1 retry)",
        calls=3,
        attempts=8,
        retries=2,
        outcome=raised,
        per_call="3, 3, 2",
    )
