"""The Responses API: create a response (or a stream of its events), and the stored responses: fetch, delete,
cancel, and list a response's input items, with their async twins. These take a response id, not a model string."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from shim._call import Call
from shim._endpoints.specs import (
    CANCEL_RESPONSE,
    DELETE_RESPONSE,
    GET_RESPONSE,
    INPUT_ITEMS,
    RESPONSES,
    identifier,
    non_empty_input,
)
from shim._endpoints.twins import asynchronous
from shim._request import aresult, arun, prepare, result, run

if TYPE_CHECKING:
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
    from shim.types import DeleteResponseResult, ResponseInputItemList, ResponsesAPIResponse


_RESPONSES_INPUT = "of input items"
Order = Literal["asc", "desc"]


@overload
def responses(
    model: str, input: Any = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> ResponsesAPIResponse: ...
@overload
def responses(model: str, input: Any = None, *, stream: Literal[True], **kwargs: Any) -> CustomStreamWrapper[Any]: ...
def responses(
    model: str, input: Any = None, *, stream: bool | None = None, **kwargs: Any
) -> ResponsesAPIResponse | CustomStreamWrapper[Any]:
    """The OpenAI Responses API through the gateway: POST `/responses`.

    `input` is a string or a list of input items; `instructions`, `tools`, `previous_response_id` and other
    options are forwarded. With `stream=True`, iterate typed stream events (`event.type`, `event.delta`).

    Example:
        >>> r = shim.responses("litellm_proxy/gpt-4o", input="Tell me a joke")
        >>> r.output_text
    """
    return run(prepare(RESPONSES, model, non_empty_input(input, _RESPONSES_INPUT), kwargs, stream=stream))


@overload
async def aresponses(
    model: str, input: Any = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> ResponsesAPIResponse: ...
@overload
async def aresponses(
    model: str, input: Any = None, *, stream: Literal[True], **kwargs: Any
) -> AsyncCustomStreamWrapper[Any]: ...
async def aresponses(
    model: str, input: Any = None, *, stream: bool | None = None, **kwargs: Any
) -> ResponsesAPIResponse | AsyncCustomStreamWrapper[Any]:
    """Async `responses`.

    Example:
        >>> r = await shim.aresponses("litellm_proxy/gpt-4o", input="Tell me a joke")
    """
    return await arun(prepare(RESPONSES, model, non_empty_input(input, _RESPONSES_INPUT), kwargs, stream=stream))


def _id(response_id: object) -> dict[str, str]:
    return identifier(response_id, "response_id")


def _input_items(
    response_id: object, after: object, before: object, include: object, limit: object, order: object, kwargs: Any
) -> Call[ResponseInputItemList, None]:
    query = {"after": after, "before": before, "include": include, "limit": limit, "order": order}
    return prepare(INPUT_ITEMS, None, query, kwargs, ids=_id(response_id))


def get_responses(response_id: str, **kwargs: Any) -> ResponsesAPIResponse:
    """A stored response: GET `/responses/{response_id}` (`include` and other options go in the query).

    Example:
        >>> r = shim.responses("litellm_proxy/gpt-4o", input="Tell me a joke")
        >>> shim.get_responses(r.id).output_text
    """
    return result(prepare(GET_RESPONSE, None, {}, kwargs, ids=_id(response_id)))


async def aget_responses(response_id: str, **kwargs: Any) -> ResponsesAPIResponse:
    """Async `get_responses`.

    Example:
        >>> r = await shim.aget_responses("resp_abc123")
    """
    return await aresult(prepare(GET_RESPONSE, None, {}, kwargs, ids=_id(response_id)))


def delete_responses(response_id: str, **kwargs: Any) -> DeleteResponseResult:
    """Delete a stored response: DELETE `/responses/{response_id}`.

    Example:
        >>> shim.delete_responses("resp_abc123").deleted
        True
    """
    return result(prepare(DELETE_RESPONSE, None, {}, kwargs, ids=_id(response_id)))


async def adelete_responses(response_id: str, **kwargs: Any) -> DeleteResponseResult:
    """Async `delete_responses`.

    Example:
        >>> await shim.adelete_responses("resp_abc123")
    """
    return await aresult(prepare(DELETE_RESPONSE, None, {}, kwargs, ids=_id(response_id)))


def cancel_responses(response_id: str, **kwargs: Any) -> ResponsesAPIResponse:
    """Cancel a response started with `background=True`: POST `/responses/{response_id}/cancel`.

    Example:
        >>> shim.cancel_responses("resp_abc123").status
        'cancelled'
    """
    return result(prepare(CANCEL_RESPONSE, None, {}, kwargs, ids=_id(response_id)))


async def acancel_responses(response_id: str, **kwargs: Any) -> ResponsesAPIResponse:
    """Async `cancel_responses`.

    Example:
        >>> r = await shim.acancel_responses("resp_abc123")
    """
    return await aresult(prepare(CANCEL_RESPONSE, None, {}, kwargs, ids=_id(response_id)))


def list_input_items(
    response_id: str,
    after: str | None = None,
    before: str | None = None,
    include: list[str] | None = None,
    limit: int = 20,
    order: Order = "desc",
    **kwargs: Any,
) -> ResponseInputItemList:
    """The input items a stored response was made from: GET `/responses/{response_id}/input_items`.

    Example:
        >>> [item.type for item in shim.list_input_items("resp_abc123", order="asc").data]
    """
    return result(_input_items(response_id, after, before, include, limit, order, kwargs))


@asynchronous(list_input_items, _input_items)
async def alist_input_items(*args: Any, **kwargs: Any) -> ResponseInputItemList:
    """Async `list_input_items`, with its parameters.

    Example:
        >>> page = await shim.alist_input_items("resp_abc123", limit=5)
    """
    ...  # noqa: PIE790 - the docs' stub: `asynchronous` sends with `list_input_items`' parameters
