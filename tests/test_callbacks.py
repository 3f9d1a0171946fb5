"""LiteLLM's callbacks: function lists and CustomLogger objects, for every endpoint, sync and async, streams."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime
from typing import Any

import pytest

import shim
from shim.integrations.custom_logger import CustomLogger
from shim.testing import FakeProxy
from tests.conftest import HI

Event = tuple[str, dict[str, Any], Any]


@pytest.fixture(autouse=True)
def no_callbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("callbacks", "input_callback", "success_callback", "failure_callback"):
        monkeypatch.setattr(shim, name, [])


class Recorder(CustomLogger):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []

    def log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        self.events.append(("pre", {"model": model, "messages": messages, **kwargs}, None))

    def log_stream_event(self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any) -> None:
        self.events.append(("stream", kwargs, response_obj))

    def log_success_event(self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any) -> None:
        self.events.append(("success", kwargs, response_obj))

    def log_failure_event(self, kwargs: dict[str, Any], response_obj: Any, start_time: Any, end_time: Any) -> None:
        self.events.append(("failure", kwargs, response_obj))

    async def async_log_stream_event(self, kwargs: dict[str, Any], response_obj: Any, start: Any, end: Any) -> None:
        self.events.append(("async_stream", kwargs, response_obj))

    async def async_log_success_event(self, kwargs: dict[str, Any], response_obj: Any, start: Any, end: Any) -> None:
        self.events.append(("async_success", kwargs, response_obj))

    async def async_log_failure_event(self, kwargs: dict[str, Any], response_obj: Any, start: Any, end: Any) -> None:
        self.events.append(("async_failure", kwargs, response_obj))

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.events if "stream" not in kind]


def _auth(proxy: FakeProxy) -> dict[str, Any]:
    return {"api_base": proxy.url, "api_key": proxy.api_key}


CALLS = [
    ("completion", lambda a: shim.completion("litellm_proxy/m", HI, temperature=0.3, metadata={"team": "x"}, **a)),
    ("text_completion", lambda a: shim.text_completion("litellm_proxy/m", "say hi", **a)),
    ("embedding", lambda a: shim.embedding("litellm_proxy/e", input=["a", "b"], **a)),
    ("image_generation", lambda a: shim.image_generation("litellm_proxy/i", prompt="a cat", **a)),
    ("rerank", lambda a: shim.rerank("litellm_proxy/r", query="q", documents=["a", "b"], **a)),
    ("responses", lambda a: shim.responses("litellm_proxy/m", input="hi", **a)),
    ("transcription", lambda a: shim.transcription("litellm_proxy/w", file=("a.wav", b"RIFF"), **a)),
    ("speech", lambda a: shim.speech("litellm_proxy/t", input="hi", voice="alloy", **a)),
]


@pytest.mark.parametrize(("call_type", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_every_sync_endpoint_fires_pre_and_success(proxy: FakeProxy, call_type: str, call: Any) -> None:
    logger = Recorder()
    functions: list[tuple[dict[str, Any], Any, datetime, datetime]] = []
    shim.callbacks = [logger]
    shim.success_callback = [lambda kwargs, response, start, end: functions.append((kwargs, response, start, end))]
    result = call(_auth(proxy))
    assert shim.flush_callbacks()
    assert logger.kinds() == ["pre", "success"]
    kwargs, response = logger.events[-1][1], logger.events[-1][2]
    assert response is result
    assert kwargs["call_type"] == call_type
    assert kwargs["litellm_call_id"] == logger.events[0][1]["litellm_call_id"]
    assert kwargs["response_cost"] == pytest.approx(0.00042)
    assert kwargs["standard_logging_object"]["status"] == "success"
    [(fn_kwargs, fn_response, start, end)] = functions
    assert fn_response is result and isinstance(start, datetime) and start <= end
    assert fn_kwargs["litellm_call_id"] == kwargs["litellm_call_id"]


def test_completion_kwargs_carry_what_litellm_users_read(proxy: FakeProxy) -> None:
    logger = Recorder()
    shim.callbacks = [logger]
    shim.completion("litellm_proxy/gpt-4o", HI, temperature=0.3, metadata={"team": "x"}, user="u1", **_auth(proxy))
    shim.flush_callbacks()
    kwargs = logger.events[-1][1]
    assert kwargs["model"] == "gpt-4o"
    assert kwargs["messages"] == HI and kwargs["input"] == HI
    assert kwargs["optional_params"] == {"temperature": 0.3, "user": "u1"}
    assert kwargs["litellm_params"]["metadata"] == {"team": "x"}
    assert kwargs["start_time"] <= kwargs["completion_start_time"] <= kwargs["end_time"]
    summary = kwargs["standard_logging_object"]
    assert summary["model_id"] == "fake-deployment-1"
    assert summary["prompt_tokens"] + summary["completion_tokens"] == summary["total_tokens"] > 0
    assert summary["metadata"] == {"team": "x"} and summary["end_user"] == "u1"
    assert summary["response"]["choices"][0]["message"]["content"] == "echo: hello world"
    assert proxy.requests[-1].json["metadata"] == {"team": "x"}  # still sent: the gateway reads it


def test_failure_callbacks_get_the_exception(proxy: FakeProxy) -> None:
    logger = Recorder()
    failures: list[tuple[dict[str, Any], Any]] = []
    shim.callbacks = [logger]
    shim.failure_callback = [lambda kwargs, response, start, end: failures.append((kwargs, response))]
    proxy.respond(status=401, body={"error": {"message": "bad key"}})
    with pytest.raises(shim.AuthenticationError) as raised:
        shim.completion("litellm_proxy/m", HI, **_auth(proxy))
    shim.flush_callbacks()
    assert logger.kinds() == ["pre", "failure"]
    [(kwargs, response)] = failures
    assert response is None and kwargs["exception"] is raised.value
    assert kwargs["standard_logging_object"]["status"] == "failure"
    assert kwargs["standard_logging_object"]["error_information"]["error_code"] == "401"


def test_stream_success_fires_at_its_end_with_the_assembled_response(proxy: FakeProxy) -> None:
    logger = Recorder()
    shim.callbacks = [logger]
    stream = shim.completion("litellm_proxy/m", HI, stream=True, stream_options={"include_usage": True}, **_auth(proxy))
    chunks = list(stream)
    shim.flush_callbacks()
    assert [kind for kind, _, _ in logger.events].count("stream") == len(chunks)
    assert logger.kinds() == ["pre", "success"]
    kwargs, response = logger.events[-1][1], logger.events[-1][2]
    assert response.choices[0].message.content == "echo: hello world"
    assert kwargs["stream"] is True
    assert kwargs["start_time"] < kwargs["completion_start_time"] <= kwargs["end_time"]
    assert kwargs["standard_logging_object"]["total_tokens"] > 0


def test_a_stream_closed_early_fires_no_success(proxy: FakeProxy) -> None:
    logger = Recorder()
    shim.callbacks = [logger]
    with shim.completion("litellm_proxy/m", HI, stream=True, **_auth(proxy)) as stream:
        next(stream)
    shim.flush_callbacks()
    assert logger.kinds() == ["pre"]


def test_a_cut_stream_fires_failure(proxy: FakeProxy) -> None:
    logger = Recorder()
    shim.callbacks = [logger]
    proxy.respond(
        action="cut",
        headers={"content-type": "text/event-stream"},
        body=b'data: {"choices": [{"index": 0, "delta": {"content": "x"}}]}\n\n' * 50,
    )
    with pytest.raises(shim.APIConnectionError):
        list(shim.completion("litellm_proxy/m", HI, stream=True, **_auth(proxy)))
    shim.flush_callbacks()
    assert logger.kinds() == ["pre", "failure"]


async def test_async_calls_fire_the_async_methods_on_the_callers_loop(proxy: FakeProxy) -> None:
    logger = Recorder()
    loops: list[asyncio.AbstractEventLoop] = []

    async def on_success(kwargs: dict[str, Any], response: Any, start: Any, end: Any) -> None:
        loops.append(asyncio.get_running_loop())

    shim.callbacks = [logger]
    shim.success_callback = [on_success]
    await shim.acompletion("litellm_proxy/m", HI, **_auth(proxy))
    stream = await shim.acompletion("litellm_proxy/m", HI, stream=True, **_auth(proxy))
    chunks = [chunk async for chunk in stream]
    await asyncio.sleep(0.01)
    assert sorted(logger.kinds()) == ["async_success", "async_success", "pre", "pre"]
    assert [kind for kind, _, _ in logger.events].count("async_stream") == len(chunks)
    assert logger.events[-1][1]["call_type"] == "acompletion"
    assert loops == [asyncio.get_running_loop()] * 2


async def test_async_failure(proxy: FakeProxy) -> None:
    logger = Recorder()
    shim.callbacks = [logger]
    proxy.respond(status=400, body={"error": {"message": "no"}})
    with pytest.raises(shim.BadRequestError):
        await shim.aembedding("litellm_proxy/e", input="x", **_auth(proxy))
    await asyncio.sleep(0.01)
    assert logger.kinds() == ["pre", "async_failure"]
    assert isinstance(logger.events[-1][1]["exception"], shim.BadRequestError)


def test_per_call_callbacks_are_not_sent(proxy: FakeProxy) -> None:
    logger = Recorder()
    shim.completion("litellm_proxy/m", HI, callbacks=[logger], **_auth(proxy))
    shim.flush_callbacks()
    assert logger.kinds() == ["pre", "success"]
    assert "callbacks" not in proxy.requests[-1].json


def test_input_callbacks_run_before_the_request(proxy: FakeProxy) -> None:
    seen: list[tuple[dict[str, Any], int]] = []
    shim.input_callback = [lambda kwargs: seen.append((kwargs, len(proxy.requests)))]
    shim.embedding("litellm_proxy/e", input="x", **_auth(proxy))
    [(kwargs, requests_before)] = seen
    assert requests_before == 0 and kwargs["input"] == "x" and kwargs["log_event_type"] == "pre_api_call"


def test_a_raising_or_slow_callback_neither_breaks_nor_slows_the_call(
    proxy: FakeProxy, caplog: pytest.LogCaptureFixture
) -> None:
    release = threading.Event()

    def boom(*args: Any) -> None:
        raise RuntimeError("callback bug")

    def slow(*args: Any) -> None:
        release.wait(5)

    shim.input_callback = [boom]
    shim.success_callback = [boom, slow]
    started = time.perf_counter()
    result = shim.completion("litellm_proxy/m", HI, **_auth(proxy))
    assert time.perf_counter() - started < 1
    assert result.choices[0].message.content == "echo: hello world"
    release.set()
    assert shim.flush_callbacks()
    assert len([record for record in caplog.records if record.name == "shim.callbacks"]) == 2


@pytest.mark.parametrize("name", ["langfuse", "datadog"])
def test_string_callbacks_are_refused_before_io(proxy: FakeProxy, name: str) -> None:
    shim.success_callback = [name]
    with pytest.raises(shim.ConfigError, match=f"{name}.*OpenTelemetry.*gateway"):
        shim.completion("litellm_proxy/m", HI, **_auth(proxy))
    assert proxy.requests == []


def test_no_key_reaches_a_callback(proxy: FakeProxy) -> None:
    logger = Recorder()
    shim.callbacks = [logger]
    shim.completion("litellm_proxy/m", HI, stream=False, **_auth(proxy))
    proxy.respond(status=500, times=3)
    with pytest.raises(shim.InternalServerError):
        shim.completion("litellm_proxy/m", HI, num_retries=0, **_auth(proxy))
    shim.flush_callbacks()
    assert logger.events
    for _, kwargs, response in logger.events:
        assert proxy.api_key not in repr(kwargs)
        assert proxy.api_key not in repr(response.model_dump() if response is not None else None)


def test_callbacks_keyword_must_be_a_list(proxy: FakeProxy) -> None:
    with pytest.raises(TypeError, match="callbacks must be a list"):
        shim.completion("litellm_proxy/m", HI, callbacks="langfuse", **_auth(proxy))
