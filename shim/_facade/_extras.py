"""Classes LiteLLM code names that shim itself has no use for: exceptions shim never raises, the message
TypedDicts, and `Cache` (refused). Under `shim.as_litellm()` they report the `litellm` module they appear in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Optional, TypedDict, Union

import openai
from openai.types.chat import ChatCompletionContentPartParam

from shim.exceptions import BadRequestError, ConfigError, LiteLLMErrorMixin

__all__ = [
    "BudgetExceededError",
    "Cache",
    "ChatCompletionToolCallFunctionChunk",
    "InvalidRequestError",
    "ModelNotMappedError",
    "OpenAIMessageContent",
    "RouterRateLimitError",
    "UnsupportedParamsError",
]


class BudgetExceededError(Exception):
    """A LiteLLM-side budget was exceeded. Never raised by shim: the gateway enforces budgets (a 400 or 429)."""

    def __init__(self, current_cost: float, max_budget: float, message: str | None = None, **kwargs: Any) -> None:
        self.current_cost = current_cost
        self.max_budget = max_budget
        self.message = message or f"Budget has been exceeded! Current cost: {current_cost}, Max budget: {max_budget}"
        super().__init__(self.message)


class UnsupportedParamsError(BadRequestError):
    """LiteLLM's refusal of a parameter the provider lacks. Never raised by shim: the gateway decides (a 400)."""


class InvalidRequestError(LiteLLMErrorMixin, openai.BadRequestError):
    """LiteLLM's legacy name for a bad request. Never raised by shim (it raises `BadRequestError`)."""


class RouterRateLimitError(ValueError):
    """LiteLLM's Router found no deployment free. Never raised by shim (the gateway routes; a 429)."""


class ModelNotMappedError(Exception):
    """No model information for a model: raised by `get_model_info` under the facade with no gateway configured."""


class ChatCompletionToolCallFunctionChunk(TypedDict, total=False):
    """The function of a tool call, as a dict (LiteLLM's TypedDict)."""

    name: Optional[str]  # noqa: UP045 (TypedDict fields are evaluated at runtime on Python 3.10)
    arguments: str


OpenAIMessageContent = Union[str, Iterable[ChatCompletionContentPartParam]]  # noqa: UP007 (a runtime alias on 3.10)
"""A message's `content`: text or content parts."""


class Cache:
    """LiteLLM's client-side cache (`litellm.cache = Cache(...)`): refused, as `caching=True` is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ConfigError(
            "shim has no client-side cache (litellm.cache = Cache(...)): turn on the gateway's cache "
            "(litellm_settings: cache: true in its config.yaml) and it serves repeated requests for every client"
        )
