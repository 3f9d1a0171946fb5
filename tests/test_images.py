"""Image edits and moderations over loopback HTTP, sync and async: what the gateway receives, what the user gets."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from openai.types import ImagesResponse, ModerationCreateResponse

import shim
from shim.testing import FakeProxy


def both(sync: Callable[..., Any], async_: Callable[..., Awaitable[Any]]) -> list[Any]:
    def run_async(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(async_(*args, **kwargs))

    return [pytest.param(sync, id="sync"), pytest.param(run_async, id="async")]


@pytest.mark.parametrize("image_edit", both(shim.image_edit, shim.aimage_edit))
def test_image_edit_sends_multipart(gateway: FakeProxy, image_edit: Callable[..., Any], tmp_path: Path) -> None:
    room = tmp_path / "room.png"
    room.write_bytes(b"PNG-room")
    response = image_edit(
        image=room,
        prompt="Add a cat",
        model="litellm_proxy/gpt-image-1",
        mask=("mask.png", b"PNG-mask", "image/png"),
        n=2,
        size="1024x1024",
        quality="high",
    )
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/images/edits")
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.form == {
        "model": "gpt-image-1",
        "prompt": "Add a cat",
        "n": "2",
        "size": "1024x1024",
        "quality": "high",
        "image": ("room.png", b"PNG-room"),
        "mask": ("mask.png", b"PNG-mask"),
    }
    assert isinstance(response, ImagesResponse) and isinstance(response, shim.ImageResponse)
    assert response.data is not None and len(response.data) == 2
    assert response["data"][0]["b64_json"]
    assert response._hidden_params["model_id"] == "fake-deployment-1"


@pytest.mark.parametrize(
    "images",
    [
        pytest.param([("a.png", b"A"), b"B"], id="tuple-and-bytes"),
        pytest.param([io.BytesIO(b"A"), ("b.png", b"B")], id="file-and-tuple"),
    ],
)
def test_image_edit_sends_several_images_as_an_array(gateway: FakeProxy, images: list[Any]) -> None:
    shim.image_edit(images, "Merge", "litellm_proxy/gpt-image-1", response_format="url")
    form = gateway.requests[-1].form
    assert [data for _name, data in form["image[]"]] == [b"A", b"B"]
    assert form["response_format"] == "url"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        pytest.param({"image": None}, TypeError, "needs image=", id="no-image"),
        pytest.param({"image": "missing.png"}, FileNotFoundError, "missing.png", id="missing-file"),
        pytest.param({"image": []}, ValueError, "at least one image", id="empty-list"),
        pytest.param({"image": 42}, TypeError, "must be a path", id="wrong-type"),
        pytest.param({"image": b"x", "mask": "missing-mask.png"}, FileNotFoundError, "mask", id="missing-mask"),
        pytest.param({"image": b"x", "prompt": ""}, TypeError, "prompt", id="empty-prompt"),
        pytest.param({"image": b"x", "model": "gpt-image-1"}, shim.RouteError, "litellm_proxy/", id="no-prefix"),
    ],
)
def test_image_edit_bad_input_fails_before_sending(
    gateway: FakeProxy, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    call = {"prompt": "Edit", "model": "litellm_proxy/gpt-image-1", **kwargs}
    with pytest.raises(error, match=message):
        shim.image_edit(**call)
    assert gateway.requests == []


@pytest.mark.parametrize("moderation", both(shim.moderation, shim.amoderation))
def test_moderation_strips_the_prefix(gateway: FakeProxy, moderation: Callable[..., Any]) -> None:
    response = moderation(input="I will kill the process", model="litellm_proxy/omni-moderation-latest")
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/moderations")
    assert request.json == {"model": "omni-moderation-latest", "input": "I will kill the process"}
    assert isinstance(response, ModerationCreateResponse) and isinstance(response, shim.ModerationResponse)
    assert response.results[0].flagged is True
    assert response["results"][0]["categories"]["violence"] is True


def test_moderation_without_a_model_lets_the_gateway_choose(gateway: FakeProxy) -> None:
    response = shim.moderation(["hello", "you idiot"])
    assert gateway.requests[-1].json == {"input": ["hello", "you idiot"]}
    assert [r.flagged for r in response.results] == [False, True]


@pytest.mark.parametrize("value", [None, "", [], 3])
def test_moderation_bad_input(gateway: FakeProxy, value: Any) -> None:
    with pytest.raises(TypeError, match="input must be"):
        shim.moderation(value, model="litellm_proxy/m")
    assert gateway.requests == []


def test_moderation_refuses_another_provider(gateway: FakeProxy) -> None:
    with pytest.raises(shim.RouteError, match="custom_llm_provider"):
        shim.moderation("hi", custom_llm_provider="openai")
