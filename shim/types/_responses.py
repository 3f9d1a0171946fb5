"""The Responses API's result types, apart from `shim.types`: a program that never calls `responses()` should not
pay for building them (a subclass of openai's `Response` is the costliest class of the package to make) at its first
chat call. `shim.types.ResponsesAPIResponse` (and the others here) load them on first use.
"""

# pyright: reportIncompatibleVariableOverride=false
# Narrowing a field to a dict-accessible subclass of the openai type is the point of these classes.
# ruff: noqa: UP045
# Optional[X], not X | None, for fields: see shim/types/__init__.py.

from __future__ import annotations

from typing import Optional

from openai.types.responses import Response, ResponseItemList
from openai.types.responses import ResponseUsage as _OpenAIResponseUsage

from shim.types._base import DictAccess, GatewayResult


class ResponseAPIUsage(_OpenAIResponseUsage, DictAccess):
    """Token usage of a Responses API call (LiteLLM's name)."""


class ResponsesAPIResponse(Response, GatewayResult):
    """A Responses API answer (`responses()`): an `openai.types.responses.Response`."""

    usage: Optional[ResponseAPIUsage] = None


class ResponseEvent(DictAccess):
    """A Responses stream event of a type this openai version does not know; its fields are kept as sent."""

    type: str


class DeleteResponseResult(GatewayResult):
    """What `delete_responses()` answers: the deleted response's `id` and `deleted`."""

    id: str | None = None
    object: str | None = None
    deleted: bool | None = None


class ResponseInputItem(DictAccess):
    """One input item of a stored response, its fields as sent (`item.type`, `item["content"][0]["text"]`):
    LiteLLM returns these as plain dicts."""

    type: str
    id: str | None = None


class ResponseInputItemList(ResponseItemList, GatewayResult):
    """The input items of a stored response (`list_input_items()`): an `openai.types.responses.ResponseItemList`."""

    data: list[ResponseInputItem]
