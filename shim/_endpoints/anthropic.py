"""Anthropic's Messages API through the gateway: `anthropic_messages` and `anthropic.messages.create/acreate`.

Sent natively to the gateway's `/v1/messages` (LiteLLM's SDK turns the call into a chat completion instead), so
Anthropic-only fields (`thinking`, `cache_control`, `container`, ...) reach the gateway as written. The answer keeps
Anthropic's shape; a stream yields Anthropic's events (`message_start`, `content_block_delta`, ...,
`message_stop`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from shim._call import Call
from shim._endpoints.facts import at_root
from shim._endpoints.specs import ANTHROPIC_MESSAGES, Messages, anthropic_fields
from shim._request import arun, prepare, run

if TYPE_CHECKING:
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
    from shim.types import AnthropicMessagesResponse, AnthropicStreamEvent

System = str | list[Any] | None
"""A system prompt: a string, or a list of content blocks."""


def _call(
    model: str, max_tokens: object, messages: object, system: object, stream: object, kwargs: dict[str, Any]
) -> Call[AnthropicMessagesResponse, AnthropicStreamEvent]:
    fields = anthropic_fields(max_tokens, messages, system)
    return at_root(prepare(ANTHROPIC_MESSAGES, model, fields, kwargs, stream=stream))


@overload
def create(
    max_tokens: int,
    messages: Messages,
    model: str,
    *,
    system: System = None,
    stream: Literal[False] | None = False,
    **kwargs: Any,
) -> AnthropicMessagesResponse: ...
@overload
def create(
    max_tokens: int, messages: Messages, model: str, *, system: System = None, stream: Literal[True], **kwargs: Any
) -> CustomStreamWrapper[AnthropicStreamEvent]: ...
def create(
    max_tokens: int,
    messages: Messages,
    model: str,
    *,
    system: System = None,
    stream: bool | None = False,
    **kwargs: Any,
) -> AnthropicMessagesResponse | CustomStreamWrapper[AnthropicStreamEvent]:
    """An Anthropic Messages API call through the gateway: POST `/v1/messages` (`shim.anthropic.messages.create`).

    Args:
        max_tokens: required, as in Anthropic's API.
        messages: Anthropic messages (`{"role": "user", "content": "..." or [blocks]}`).
        model: `"litellm_proxy/<model group>"`.
        system: a system prompt, a string or a list of content blocks.
        stream: iterate Anthropic's stream events instead of one `AnthropicMessagesResponse`.
        **kwargs: `temperature`, `tools`, `tool_choice`, `thinking`, `metadata`, `stop_sequences`, `top_k`,
            `top_p`, ... go into the body as they are; routing and transport options as for `completion`.

    Example:
        >>> r = shim.anthropic.messages.create(max_tokens=100, model="litellm_proxy/claude",
        ...                                     messages=[{"role": "user", "content": "Hi"}])
        >>> r.content[0].text, r["usage"]["output_tokens"]
    """
    return run(_call(model, max_tokens, messages, system, stream, kwargs))


@overload
async def acreate(
    max_tokens: int,
    messages: Messages,
    model: str,
    *,
    system: System = None,
    stream: Literal[False] | None = False,
    **kwargs: Any,
) -> AnthropicMessagesResponse: ...
@overload
async def acreate(
    max_tokens: int, messages: Messages, model: str, *, system: System = None, stream: Literal[True], **kwargs: Any
) -> AsyncCustomStreamWrapper[AnthropicStreamEvent]: ...
async def acreate(
    max_tokens: int,
    messages: Messages,
    model: str,
    *,
    system: System = None,
    stream: bool | None = False,
    **kwargs: Any,
) -> AnthropicMessagesResponse | AsyncCustomStreamWrapper[AnthropicStreamEvent]:
    """Async `create` (`shim.anthropic.messages.acreate`); with `stream=True`, iterate with `async for`.

    Example:
        >>> r = await shim.anthropic.messages.acreate(max_tokens=100, model="litellm_proxy/claude",
        ...                                            messages=[{"role": "user", "content": "Hi"}])
    """
    return await arun(_call(model, max_tokens, messages, system, stream, kwargs))


anthropic_messages = acreate
"""LiteLLM's `anthropic_messages`: async, as in LiteLLM (`shim.anthropic.messages.create` is the sync call)."""


class _Messages:
    """`shim.anthropic.messages`: `create` and `acreate`, as `litellm.anthropic.messages`."""

    create = staticmethod(create)
    acreate = staticmethod(acreate)


class _Anthropic:
    """`shim.anthropic`: LiteLLM's `litellm.anthropic` interface (`.messages.create` / `.messages.acreate`)."""

    messages = _Messages()

    def __repr__(self) -> str:
        return "<shim.anthropic: messages.create, messages.acreate>"


anthropic = _Anthropic()
"""LiteLLM's `litellm.anthropic`: `shim.anthropic.messages.create(...)` and `.acreate(...)`, POST `/v1/messages`."""
