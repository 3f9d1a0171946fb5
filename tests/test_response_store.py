"""The Responses lifecycle over loopback HTTP, sync and async: get, delete, cancel, list input items."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from openai.types.responses import Response, ResponseItemList

import shim
from shim.testing import FakeProxy

NAMES = ("responses", "get_responses", "delete_responses", "cancel_responses", "list_input_items")


def _async(name: str) -> Callable[..., Any]:
    function = getattr(shim, "a" + name)
    return lambda *args, **kwargs: asyncio.run(function(*args, **kwargs))


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest) -> dict[str, Callable[..., Any]]:
    """Every lifecycle function, called the same way sync or async."""
    return {name: getattr(shim, name) if request.param == "sync" else _async(name) for name in NAMES}


def test_response_lifecycle(gateway: FakeProxy, api: dict[str, Callable[..., Any]]) -> None:
    created = api["responses"]("litellm_proxy/gpt-4o", input="Tell me a joke")

    fetched = api["get_responses"](created.id, custom_llm_provider="litellm_proxy")
    request = gateway.requests[-1]
    assert (request.method, request.path, request.body) == ("GET", f"/responses/{created.id}", b"")
    assert isinstance(fetched, Response) and isinstance(fetched, shim.ResponsesAPIResponse)
    assert fetched.output_text == "echo: Tell me a joke" and fetched["id"] == created.id
    assert fetched.model == "litellm_proxy/gpt-4o"

    items = api["list_input_items"](created.id, limit=5, order="asc", include=["message.input_image.image_url"])
    request = gateway.requests[-1]
    assert request.path == f"/responses/{created.id}/input_items"
    assert request.params == {
        "limit": "5",
        "order": "asc",
        "include[]": "message.input_image.image_url",
    }  # as openai sends it
    assert isinstance(items, ResponseItemList)
    assert items["data"][0]["content"][0]["text"] == "Tell me a joke"

    cancelled = api["cancel_responses"](created.id)
    assert (gateway.requests[-1].method, gateway.requests[-1].path) == ("POST", f"/responses/{created.id}/cancel")
    assert cancelled.status == "cancelled"

    deleted = api["delete_responses"](created.id)
    assert (gateway.requests[-1].method, gateway.requests[-1].path) == ("DELETE", f"/responses/{created.id}")
    assert isinstance(deleted, shim.DeleteResponseResult)
    assert (deleted.id, deleted.deleted, deleted["deleted"]) == (created.id, True, True)
    with pytest.raises(shim.NotFoundError):
        api["get_responses"](created.id)


@pytest.mark.parametrize("name", NAMES[1:])
@pytest.mark.parametrize("bad", [None, "", 7])
def test_a_bad_id_fails_before_sending(gateway: FakeProxy, name: str, bad: Any) -> None:
    with pytest.raises(TypeError, match="response_id must be a non-empty string"):
        getattr(shim, name)(bad)
    assert gateway.requests == []


def test_another_provider_is_refused(gateway: FakeProxy) -> None:
    with pytest.raises(shim.RouteError, match="litellm_proxy"):
        shim.get_responses("resp_1", custom_llm_provider="openai")
