"""Chat and text completions: `completion`, `text_completion` and their async twins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from shim._endpoints.specs import CHAT, TEXT, Messages, messages_field, prompt_tokens
from shim._request import arun, prepare, run

if TYPE_CHECKING:
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
    from shim.types import ModelResponse, ModelResponseStream, TextCompletionResponse


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
    return run(prepare(CHAT, model, messages_field(messages), kwargs, stream=stream))


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
    return await arun(prepare(CHAT, model, messages_field(messages), kwargs, stream=stream))


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
    return run(prepare(TEXT, model, prompt_tokens(prompt), kwargs, stream=stream))


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
    return await arun(prepare(TEXT, model, prompt_tokens(prompt), kwargs, stream=stream))
