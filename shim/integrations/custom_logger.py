"""`CustomLogger`: LiteLLM's callback base class, for `shim.callbacks = [MyLogger()]` or `callbacks=[...]` per call.

The same import path as LiteLLM's (`from shim.integrations.custom_logger import CustomLogger`), the same methods
and arguments. Override the events you need; the others do nothing. Sync calls fire the sync methods, async
calls the `async_` ones (as LiteLLM does); `log_pre_api_call` fires for both, before the request is sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class CustomLogger:
    """Subclass and override any of these; shim calls them as LiteLLM does.

    `kwargs` is a fresh dict per event with `model`, `messages`, `input`, `optional_params`, `litellm_call_id`,
    `litellm_params` (with `metadata`), `call_type`, `stream`, `start_time`, `end_time`,
    `completion_start_time`, `response_cost` (the gateway's figure), `standard_logging_object`, and on failure
    `exception`. It never holds the API key. An exception raised here is logged and does not reach the caller.

    Example:
        >>> class Printer(CustomLogger):
        ...     def log_success_event(self, kwargs, response_obj, start_time, end_time):
        ...         print(kwargs["model"], kwargs["response_cost"], end_time - start_time)
        >>> shim.callbacks = [Printer()]
    """

    def __init__(self, **kwargs: Any) -> None:
        """Takes (and ignores) LiteLLM's constructor options, such as `message_logging`."""
        del kwargs

    def log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        """Before the request is sent (sync and async calls)."""

    def log_post_api_call(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        """Accepted for LiteLLM compatibility; shim does not fire it (the raw answer stays inside the SDK)."""

    def log_stream_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        """Each chunk of a sync stream."""

    def log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        """A sync call succeeded; for a stream, once it ended, with the assembled response."""

    def log_failure_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        """A sync call failed: the exception is `kwargs["exception"]`, `response_obj` is None."""

    async def async_log_pre_api_call(self, model: str, messages: Any, kwargs: dict[str, Any]) -> None:
        """Accepted for LiteLLM compatibility; `log_pre_api_call` is the one fired before a request."""

    async def async_log_stream_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        """Each chunk of an async stream."""

    async def async_log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        """An async call succeeded; for a stream, once it ended, with the assembled response."""

    async def async_log_failure_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        """An async call failed: the exception is `kwargs["exception"]`, `response_obj` is None."""
