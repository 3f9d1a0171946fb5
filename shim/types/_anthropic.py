"""Anthropic's Messages API types, apart from `shim.types`: loaded on first use (`shim.types.AnthropicMessage`,
an `anthropic_messages()` call), so that a chat call does not build them.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shim.types._base import DictAccess, GatewayResult

# Anthropic's Messages API (`anthropic_messages()`): Anthropic's shape, with no dependency on the anthropic package.
# Fields beyond the ones declared (citations, cache tokens, new block types) are kept as sent and readable too.


class AnthropicContentBlock(DictAccess):
    """One content block: `type` "text" (`text`), "tool_use" (`id`, `name`, `input`), "thinking", ..."""

    type: str
    text: str | None = None


class AnthropicUsage(DictAccess):
    """Token usage of a Messages API call."""

    input_tokens: int | None = None
    output_tokens: int | None = None


class AnthropicMessage(DictAccess):
    """An assistant message in Anthropic's shape (also the `message` of a stream's `message_start` event)."""

    id: str | None = None
    type: str = "message"
    role: str = "assistant"
    content: list[AnthropicContentBlock] = Field(default_factory=list[AnthropicContentBlock])
    model: str | None = None
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: AnthropicUsage | None = None


class AnthropicMessagesResponse(AnthropicMessage, GatewayResult):
    """An Anthropic Messages API answer (`anthropic_messages()`): `content[0].text` or `r["content"][0]["text"]`."""


class AnthropicStreamEvent(DictAccess):
    """One event of a Messages API stream: `type` is `message_start`, `content_block_start`,
    `content_block_delta` (`delta["text"]`, `delta["partial_json"]`), `content_block_stop`, `message_delta`
    (`delta["stop_reason"]`, `usage`), `message_stop` or `ping`."""

    type: str
    index: int | None = None
    message: AnthropicMessage | None = None
    content_block: AnthropicContentBlock | None = None
    delta: dict[str, Any] | None = None
    usage: AnthropicUsage | None = None
