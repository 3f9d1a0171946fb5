"""LiteLLM's callbacks: `shim.input_callback`, `success_callback`, `failure_callback`, `callbacks` (and `callbacks=`
per call), fired with the arguments LiteLLM gives them.

A callback never breaks or slows a call: input callbacks and `log_pre_api_call` run inline before the request (as
LiteLLM runs them), everything after the request runs off the caller's path: sync functions and methods in a
background thread, in order (`shim/_observe/delivery.py`: one that hangs stalls no other, the queue is bounded,
and what is queued at exit is still delivered), coroutines as tasks on the caller's event loop. What a callback
raises is logged on the `shim.callbacks` logger and dropped.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import threading
import traceback
import uuid
from collections.abc import Callable, Coroutine, Iterable, Mapping
from datetime import datetime
from typing import Any, cast

from shim._observe.delivery import Delivery
from shim._settings import SETTINGS
from shim.exceptions import ConfigError
from shim.integrations.custom_logger import CustomLogger

_log = logging.getLogger("shim.callbacks")

# Body fields that are the call's input or its routing, not `optional_params`.
_NOT_PARAMS = frozenset({"model", "messages", "input", "prompt", "metadata", "query", "documents", "file"})

Fn = Callable[..., Any]


def _refuse(name: str) -> ConfigError:
    return ConfigError(
        f"callback {name!r} needs LiteLLM's {name} integration, which shim does not ship. Trace with OpenTelemetry "
        f"instead (pip install 'shim[otel]', see README 'Observability'; most backends, {name} included, take "
        f"OTLP), or let the gateway log: add {name!r} to litellm_settings.callbacks in its config.yaml"
    )


class StringCallbacks:
    """What a string callback (`success_callback = ["langfuse"]`) gets: a ConfigError on every call, or, under
    `shim.as_litellm()` (where frameworks fill the lists from LITELLM_SUCCESS_CALLBACKS), one warning per name and
    no effect."""

    def __init__(self) -> None:
        self.skip = False
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def check(self, name: str) -> None:
        """Raise for `name`, or warn once that it is skipped."""
        if not self.skip:
            raise _refuse(name)
        with self._lock:
            first = name not in self._warned
            self._warned.add(name)
        if first:
            _log.warning("%s. Skipped: shim.as_litellm() is on, so calls go on without it", _refuse(name))


STRING_CALLBACKS = StringCallbacks()


class Callbacks:
    """The callbacks of one call, read once when it starts."""

    def __init__(self, per_call: Iterable[object]) -> None:
        package = SETTINGS
        self.inputs: list[Fn] = []
        self.successes: list[Fn] = []
        self.failures: list[Fn] = []
        self.loggers: list[Any] = []
        for target, given in (
            (self.inputs, package.input_callback),
            (self.successes, package.success_callback),
            (self.failures, package.failure_callback),
        ):
            for callback in given:
                if isinstance(callback, str):
                    STRING_CALLBACKS.check(callback)
                    continue
                if callable(callback):
                    target.append(callback)
                else:
                    self.loggers.append(callback)
        for callback in [*package.callbacks, *per_call]:
            if isinstance(callback, str):
                STRING_CALLBACKS.check(callback)
                continue
            if callable(callback):
                self.successes.append(callback)
                self.failures.append(callback)
            else:
                self.loggers.append(callback)

    def __bool__(self) -> bool:
        return bool(self.inputs or self.successes or self.failures or self.loggers)


def per_call(value: object) -> tuple[object, ...]:
    """The `callbacks=` keyword, checked before I/O."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"callbacks must be a list of CustomLogger objects or functions, not {value!r:.60}")
    items = cast("Iterable[object]", value)
    return tuple(items)


class CallLog:
    """One call's events, built into LiteLLM's `kwargs` and handed to its callbacks."""

    def __init__(
        self,
        callbacks: Callbacks,
        *,
        call_type: str,
        model: str,
        body: Mapping[str, Any],
        api_base: str,
        is_async: bool,
        routed: Mapping[str, Any] | None = None,
    ) -> None:
        self.callbacks = callbacks
        self.routed = routed  # the Router's model group and deployment, when a Router made the call
        self.is_async = is_async
        self.call_id = str(uuid.uuid4())
        self.call_type = ("a" if is_async else "") + call_type  # as LiteLLM names it: `acompletion`
        self.model = model
        self.body = body
        self.api_base = api_base
        self.start_time = datetime.now()
        self.first_chunk_time: datetime | None = None
        self.chunk_method = "async_log_stream_event" if is_async else "log_stream_event"
        self.stream_chunks = _overridden(callbacks.loggers, self.chunk_method)

    def pre(self) -> None:
        """The input callbacks and `log_pre_api_call`, inline: they run before the request, as LiteLLM's do."""
        if not (self.callbacks.inputs or self.callbacks.loggers):
            return
        messages = self._messages()
        for function in self.callbacks.inputs:
            _guarded(function, {**self._kwargs(None), "log_event_type": "pre_api_call"})
        for logger in self.callbacks.loggers:
            method = getattr(logger, "log_pre_api_call", None)
            if method is not None:
                _guarded(method, self.model, messages, self._kwargs(None))

    def chunk(self, chunk: object) -> None:
        """One stream chunk: note the time to first token; `log_stream_event` for loggers that want chunks."""
        now = datetime.now()
        if self.first_chunk_time is None:
            self.first_chunk_time = now
        for logger in self.stream_chunks:
            self._later(getattr(logger, self.chunk_method), self._kwargs(now), chunk, self.start_time, now)

    def success(self, response: object, hidden: Mapping[str, Any] | None = None) -> None:
        """The call (or its stream) ended well: `response` is the result, or the stream's assembled response;
        `hidden` the gateway's facts when the response carries none."""
        if not (self.callbacks.successes or self.callbacks.loggers):
            return
        end = datetime.now()
        kwargs = self._kwargs(end, response=response, hidden=hidden)
        for function in self.callbacks.successes:
            self._later(function, dict(kwargs, log_event_type="successful_api_call"), response, self.start_time, end)
        name = "async_log_success_event" if self.is_async else "log_success_event"
        for logger in _overridden(self.callbacks.loggers, name):
            self._later(getattr(logger, name), dict(kwargs), response, self.start_time, end)

    def failure(self, error: BaseException) -> None:
        """The call failed; LiteLLM passes None as the response and the exception in `kwargs`."""
        if not (self.callbacks.failures or self.callbacks.loggers):
            return
        end = datetime.now()
        kwargs = self._kwargs(end, error=error)
        for function in self.callbacks.failures:
            self._later(function, dict(kwargs), None, self.start_time, end)
        name = "async_log_failure_event" if self.is_async else "log_failure_event"
        for logger in _overridden(self.callbacks.loggers, name):
            self._later(getattr(logger, name), dict(kwargs), None, self.start_time, end)

    def _later(self, function: Fn, *args: Any) -> None:
        if inspect.iscoroutinefunction(function):
            _schedule(function, args)
        else:
            WORKER.submit(function, args)

    def _messages(self) -> Any:
        body = self.body
        return body.get("messages", body.get("input", body.get("prompt", body.get("query"))))

    def _kwargs(
        self,
        end: datetime | None,
        *,
        response: object = None,
        error: BaseException | None = None,
        hidden: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        body = self.body
        metadata: Any = body.get("metadata") or {}
        routed = self.routed
        if routed is not None:  # as LiteLLM's Router: the group and the deployment in the call's metadata
            metadata = {**metadata, "model_group": routed["model_group"], "deployment": routed["deployment"]}
            metadata["model_info"] = {"id": routed["model_id"]}
        params = {name: value for name, value in body.items() if name not in _NOT_PARAMS}
        hidden = hidden or hidden_of(response)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": self._messages(),
            "input": self._messages(),
            "optional_params": params,
            "litellm_call_id": self.call_id,
            "litellm_trace_id": self.call_id,
            "call_type": self.call_type,
            "stream": bool(body.get("stream")),
            "custom_llm_provider": "litellm_proxy",
            "api_base": self.api_base,
            "user": body.get("user"),
            "litellm_params": {
                "metadata": metadata,
                "api_base": self.api_base,
                "custom_llm_provider": "litellm_proxy",
                "litellm_call_id": self.call_id,
                "acompletion": self.is_async,
                "stream": bool(body.get("stream")),
            },
            "start_time": self.start_time,
            "end_time": end,
            "completion_start_time": self.first_chunk_time or end,
            "response_cost": hidden.get("response_cost"),
        }
        if routed is not None:
            kwargs["litellm_params"]["model_info"] = {"id": routed["model_id"]}
        if end is None:  # before the request, as LiteLLM's: no end, no cost yet
            del kwargs["end_time"], kwargs["response_cost"]
        if error is not None:
            kwargs["log_event_type"] = "failed_api_call"
            kwargs["exception"] = error
            kwargs["traceback_exception"] = "".join(traceback.format_exception(error))
        if end is not None:
            kwargs["standard_logging_object"] = self._summary(kwargs, end, hidden, response, error)
        return kwargs

    def _summary(
        self,
        kwargs: dict[str, Any],
        end: datetime,
        hidden: Mapping[str, Any],
        response: object,
        error: BaseException | None,
    ) -> dict[str, Any]:
        """A `standard_logging_object` with the fields of LiteLLM's `StandardLoggingPayload` that apply here."""
        usage = usage_of(response)
        first = self.first_chunk_time or end
        headers: Mapping[str, Any] = hidden.get("additional_headers") or {}
        routed = self.routed
        return {
            "id": self.call_id,
            "trace_id": self.call_id,
            "litellm_call_id": hidden.get("litellm_call_id"),
            "call_type": self.call_type,
            "stream": kwargs["stream"],
            "status": "failure" if error is not None else "success",
            "custom_llm_provider": "litellm_proxy",
            "response_cost": hidden.get("response_cost") or 0.0,
            "prompt_tokens": usage.get("input_tokens", 0),
            "completion_tokens": usage.get("output_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0),
            "startTime": self.start_time.timestamp(),
            "endTime": end.timestamp(),
            "completionStartTime": first.timestamp(),
            "response_time": (end - self.start_time).total_seconds(),
            "model": self.model,
            "model_id": routed["model_id"] if routed else hidden.get("model_id"),
            "model_group": routed["model_group"] if routed else headers.get("llm_provider-x-litellm-model-group"),
            "api_base": self.api_base,
            "metadata": kwargs["litellm_params"]["metadata"],
            "request_tags": list(self.body.get("tags") or ()),
            "end_user": self.body.get("user"),
            "messages": kwargs["messages"],
            "response": _dump(response),
            "error_str": str(error) if error is not None else None,
            "error_information": _error_information(error),
            "model_parameters": kwargs["optional_params"],
            "hidden_params": {
                name: hidden.get(name) for name in ("model_id", "api_base", "response_cost", "litellm_model_name")
            },
        }


def _overridden(loggers: list[Any], name: str) -> list[Any]:
    """The loggers whose `name` does something: the base class's no-op is not worth a thread hop or a task."""
    base = getattr(CustomLogger, name)
    kinds: list[type] = [type(logger) for logger in loggers]
    return [logger for logger, kind in zip(loggers, kinds, strict=True) if getattr(kind, name, base) is not base]


def hidden_of(response: object) -> Mapping[str, Any]:
    """A result's `_hidden_params` (the gateway's facts), or {}."""
    try:
        hidden: Any = getattr(response, "_hidden_params", None)
    except TypeError:  # a pydantic object made by construct() without private attributes
        return {}
    return cast("Mapping[str, Any]", hidden) if isinstance(hidden, Mapping) else {}


def usage_of(response: object) -> dict[str, int]:
    """Token counts from a result's `usage` (chat and text: prompt/completion; Responses API: input/output)."""
    usage: Any = getattr(response, "usage", None)
    if usage is None:
        return {}
    fields = cast("Mapping[str, Any]", usage) if isinstance(usage, Mapping) else None
    source = cast("object", usage)

    def get(name: str) -> Any:
        return fields.get(name) if fields is not None else getattr(source, name, None)

    counts: dict[str, object] = {
        "input_tokens": get("prompt_tokens") if get("prompt_tokens") is not None else get("input_tokens"),
        "output_tokens": get("completion_tokens") if get("completion_tokens") is not None else get("output_tokens"),
        "total_tokens": get("total_tokens"),
    }
    return {name: value for name, value in counts.items() if isinstance(value, int)}


def _dump(response: object) -> Any:
    dump = getattr(response, "model_dump", None)
    if dump is None:
        return None
    try:
        return dump(mode="json", exclude_none=True, warnings=False)
    except Exception:  # a result we cannot serialize is logged without its body
        return None


def _error_information(error: BaseException | None) -> dict[str, Any] | None:
    if error is None:
        return None
    code = getattr(error, "status_code", None)
    return {"error_class": type(error).__name__, "error_code": str(code or ""), "error_message": str(error)}


def _guarded(function: Fn, *args: Any) -> None:
    try:
        function(*args)
    except Exception:
        _log.exception("callback %r raised; the call goes on", function)


_TASKS: set[asyncio.Task[Any]] = set()


def _schedule(function: Fn, args: tuple[Any, ...]) -> None:
    """A coroutine callback as a task on the caller's loop (none running: LiteLLM skips it too)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = loop.create_task(_guarded_async(function(*args), function))
    _TASKS.add(task)
    task.add_done_callback(functools.partial(_done, function))


async def _guarded_async(coroutine: Coroutine[Any, Any, Any], function: Fn) -> None:
    try:
        await coroutine
    except Exception:
        _log.exception("callback %r raised; the call goes on", function)


def _done(function: Fn, task: asyncio.Task[Any]) -> None:
    _TASKS.discard(task)
    if task.cancelled():  # the loop ended first: `asyncio.run` cancels the tasks left when its coroutine returns
        _log.warning(
            "coroutine callback %r was cancelled before it finished: its event loop ended. Let the loop run until "
            "its callbacks finish, or use a plain function, which is delivered even at exit",
            function,
        )


WORKER = Delivery()


def flush_callbacks(timeout: float | None = 5.0) -> bool:
    """Wait for the success and failure callbacks of finished calls to run (they run in a background thread).

    Returns False if `timeout` seconds passed first (a callback that hangs counts as not run). Useful in tests; a
    script need not call it before it exits, where what is queued is delivered anyway (for at most 5 s). Coroutine
    callbacks are tasks on the caller's loop instead, done once the loop gets to them.

    Example:
        >>> shim.completion("litellm_proxy/gpt-4o", messages)
        >>> shim.flush_callbacks()
        True
    """
    return WORKER.flush(timeout)
