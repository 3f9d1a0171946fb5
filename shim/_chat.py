"""Chat and text completions: `completion`, `text_completion` and their async twins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, overload

import pydantic

from shim._json import jsonable
from shim._request import prepare
from shim._results import Endpoint, needs_list
from shim._run import arun, run
from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
from shim.types import ModelResponse, ModelResponseStream, TextCompletionResponse

CHAT = Endpoint(ModelResponse.construct, needs_list("choices"), prefix_model=True)
CHAT_CHUNK = Endpoint(ModelResponseStream.construct, needs_list("choices"), prefix_model=True)
TEXT = Endpoint(TextCompletionResponse.construct, needs_list("choices"), prefix_model=True)

Messages = Iterable[Mapping[str, Any] | pydantic.BaseModel]
"""What `messages` accepts: any iterable of dicts, TypedDicts or message objects from an earlier response."""


@overload
def completion(
    model: str, messages: Messages | None = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> ModelResponse: ...
@overload
def completion(
    model: str, messages: Messages | None = None, *, stream: Literal[True], **kwargs: Any
) -> CustomStreamWrapper[ModelResponseStream]: ...
def completion(
    model: str, messages: Messages | None = None, *, stream: bool | None = None, **kwargs: Any
) -> ModelResponse | CustomStreamWrapper[ModelResponseStream]:
    """Chat completion through the gateway: POST `/chat/completions`.

    Args:
        model: `"litellm_proxy/<model>"`; the gateway receives `<model>`.
        messages: the conversation, as dicts or message objects (any iterable).
        stream: return a `CustomStreamWrapper` of `ModelResponseStream` chunks instead of a `ModelResponse`.
        **kwargs: `api_base`/`base_url`, `api_key`, `timeout`, `num_retries`/`max_retries`,
            `extra_headers`/`headers`, `extra_body`; everything else (`temperature`, `tools`, `metadata`, ...)
            goes into the JSON body as is. None values are not sent.

    Example:
        >>> r = shim.completion("litellm_proxy/gpt-4o", [{"role": "user", "content": "Hi"}],
        ...                     api_base="http://localhost:4000", api_key="sk-1234")
        >>> r.choices[0].message.content
    """
    call = prepare("chat/completions", model, _chat_fields(messages, stream), kwargs)
    return run(call, CHAT, CHAT_CHUNK)


@overload
async def acompletion(
    model: str, messages: Messages | None = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> ModelResponse: ...
@overload
async def acompletion(
    model: str, messages: Messages | None = None, *, stream: Literal[True], **kwargs: Any
) -> AsyncCustomStreamWrapper[ModelResponseStream]: ...
async def acompletion(
    model: str, messages: Messages | None = None, *, stream: bool | None = None, **kwargs: Any
) -> ModelResponse | AsyncCustomStreamWrapper[ModelResponseStream]:
    """Async `completion`; with `stream=True`, iterate the result with `async for`.

    Example:
        >>> r = await shim.acompletion("litellm_proxy/gpt-4o", [{"role": "user", "content": "Hi"}])
    """
    call = prepare("chat/completions", model, _chat_fields(messages, stream), kwargs)
    return await arun(call, CHAT, CHAT_CHUNK)


@overload
def text_completion(
    model: str, prompt: Any = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> TextCompletionResponse: ...
@overload
def text_completion(
    model: str, prompt: Any = None, *, stream: Literal[True], **kwargs: Any
) -> CustomStreamWrapper[TextCompletionResponse]: ...
def text_completion(
    model: str, prompt: Any = None, *, stream: bool | None = None, **kwargs: Any
) -> TextCompletionResponse | CustomStreamWrapper[TextCompletionResponse]:
    """Text completion through the gateway: POST `/completions` (a real text completion, not a chat call).

    `prompt` is a string, a list of strings, a list of token ids, or a list of such lists. Options as for
    `completion`.

    Example:
        >>> r = shim.text_completion("litellm_proxy/gpt-3.5-turbo-instruct", "Say this is a test")
        >>> r.choices[0].text
    """
    call = prepare("completions", model, _text_fields(prompt, stream), kwargs)
    return run(call, TEXT, TEXT)


@overload
async def atext_completion(
    model: str, prompt: Any = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> TextCompletionResponse: ...
@overload
async def atext_completion(
    model: str, prompt: Any = None, *, stream: Literal[True], **kwargs: Any
) -> AsyncCustomStreamWrapper[TextCompletionResponse]: ...
async def atext_completion(
    model: str, prompt: Any = None, *, stream: bool | None = None, **kwargs: Any
) -> TextCompletionResponse | AsyncCustomStreamWrapper[TextCompletionResponse]:
    """Async `text_completion`.

    Example:
        >>> r = await shim.atext_completion("litellm_proxy/gpt-3.5-turbo-instruct", "Say this is a test")
    """
    call = prepare("completions", model, _text_fields(prompt, stream), kwargs)
    return await arun(call, TEXT, TEXT)


def _chat_fields(messages: object, stream: bool | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"messages": _messages(messages)}
    if stream is not None:
        fields["stream"] = stream
    return fields


def _text_fields(prompt: object, stream: bool | None) -> dict[str, Any]:
    if prompt is None:
        raise TypeError("text_completion() needs a prompt: text_completion('litellm_proxy/<model>', 'Say hi')")
    if not isinstance(prompt, (str, list)) or (isinstance(prompt, list) and not prompt):
        raise TypeError(f"prompt must be a string or a non-empty list of strings or token ids, not {prompt!r:.60}")
    fields: dict[str, Any] = {"prompt": prompt}
    if stream is not None:
        fields["stream"] = stream
    return fields


def _messages(messages: object) -> list[Any]:
    """The messages as a list (a generator is fine), each checked to be a dict or a message object."""
    if messages is None:
        raise TypeError("completion() needs messages=[{'role': 'user', 'content': '...'}]")
    candidate: Any = messages
    if isinstance(candidate, (str, bytes, Mapping)) or not isinstance(candidate, Iterable):
        kind: str = type(candidate).__name__  # pyright: ignore[reportUnknownArgumentType]
        raise TypeError(f"messages must be a list of message dicts, not {kind}")
    items: list[Any] = list(candidate)  # pyright: ignore[reportUnknownArgumentType]
    if not items:
        raise ValueError("messages is empty: pass at least one message, e.g. [{'role': 'user', 'content': 'Hi'}]")
    for index, item in enumerate(items):
        if not isinstance(item, (Mapping, pydantic.BaseModel)):
            raise TypeError(
                f"messages[{index}] is a {type(item).__name__}; each message must be a dict or message object"
            )
    return [jsonable(item) for item in items]
