"""Image generation, image edits (multipart upload) and moderations, with their async twins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shim._endpoints.specs import (
    IMAGE_EDIT,
    IMAGES,
    MODERATION,
    FileInput,
    image_edit_files,
    image_prompt,
    moderation_input,
)
from shim._request import aresult, prepare, result

if TYPE_CHECKING:
    from shim.types import ImageResponse, ModerationResponse


def image_generation(model: str, prompt: str | None = None, **kwargs: Any) -> ImageResponse:
    """Images through the gateway: POST `/images/generations`. `n`, `size`, `quality`, `response_format` and
    `style` are forwarded.

    Example:
        >>> r = shim.image_generation("litellm_proxy/dall-e-3", prompt="A sunset over mountains")
        >>> r.data[0].url
    """
    return result(prepare(IMAGES, model, image_prompt(prompt), kwargs))


async def aimage_generation(model: str, prompt: str | None = None, **kwargs: Any) -> ImageResponse:
    """Async `image_generation`.

    Example:
        >>> r = await shim.aimage_generation("litellm_proxy/dall-e-3", prompt="A sunset over mountains")
    """
    return await aresult(prepare(IMAGES, model, image_prompt(prompt), kwargs))


def image_edit(
    image: FileInput | list[FileInput] | None = None,
    prompt: str | None = None,
    model: str | None = None,
    mask: FileInput | None = None,
    **kwargs: Any,
) -> ImageResponse:
    """Edit images through the gateway: multipart POST `/images/edits`.

    `image` is one image or a list of them (each a path, bytes, an open binary file or `(filename, bytes[,
    content type])`); `mask` likewise. `n`, `size`, `quality`, `response_format`, `user` and other options are
    sent as form fields; routing options as for `completion`. A path that does not exist raises
    `FileNotFoundError` before anything is sent.

    Example:
        >>> r = shim.image_edit(image="room.png", prompt="Add a cat on the sofa", model="litellm_proxy/gpt-image-1")
        >>> r.data[0].b64_json
    """
    return result(prepare(IMAGE_EDIT, model, image_prompt(prompt), kwargs, files=image_edit_files(image, mask)))


async def aimage_edit(
    image: FileInput | list[FileInput] | None = None,
    prompt: str | None = None,
    model: str | None = None,
    mask: FileInput | None = None,
    **kwargs: Any,
) -> ImageResponse:
    """Async `image_edit`.

    Example:
        >>> r = await shim.aimage_edit(image=["a.png", "b.png"], prompt="Merge them", model="litellm_proxy/gpt-image-1")
    """
    return await aresult(prepare(IMAGE_EDIT, model, image_prompt(prompt), kwargs, files=image_edit_files(image, mask)))


def moderation(input: Any = None, model: str | None = None, **kwargs: Any) -> ModerationResponse:
    """Classify text (or multi-modal input) through the gateway: POST `/moderations`.

    `model` is optional (the gateway's default moderation model); `litellm_proxy/` is stripped from it, as for
    every other endpoint (LiteLLM's SDK sends it unstripped, which the gateway does not know).

    Example:
        >>> r = shim.moderation("I want to hug you", model="litellm_proxy/omni-moderation-latest")
        >>> r.results[0].flagged
    """
    return result(prepare(MODERATION, model, moderation_input(input), kwargs))


async def amoderation(input: Any = None, model: str | None = None, **kwargs: Any) -> ModerationResponse:
    """Async `moderation`.

    Example:
        >>> r = await shim.amoderation("I want to hug you", model="litellm_proxy/omni-moderation-latest")
    """
    return await aresult(prepare(MODERATION, model, moderation_input(input), kwargs))
