"""`stream_chunk_builder`: one full response from the chunks of a stream."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import pydantic

from shim._errors import json_object
from shim._results import attach
from shim.types import ModelResponse, TextCompletionResponse


@dataclass
class _ToolCall:
    id: str | None = None
    name: str = ""
    arguments: list[str] = field(default_factory=list[str])

    def add(self, delta: Any) -> None:
        self.id = self.id or delta.get("id")
        function: Any = delta.get("function") or {}
        self.name += function.get("name") or ""
        self.arguments.append(function.get("arguments") or "")

    def to_dict(self) -> dict[str, Any]:
        function = {"name": self.name, "arguments": "".join(self.arguments)}
        return {"id": self.id, "type": "function", "function": function}


@dataclass
class _Choice:
    role: str | None = None
    content: list[str] = field(default_factory=list[str])
    refusal: list[str] = field(default_factory=list[str])
    tool_calls: dict[int, _ToolCall] = field(default_factory=dict[int, _ToolCall])
    finish_reason: str | None = None

    def add(self, choice: Any) -> None:
        delta: Any = choice.get("delta") or {}
        self.role = self.role or delta.get("role")
        self.content.append(delta.get("content") or choice.get("text") or "")
        self.refusal.append(delta.get("refusal") or "")
        for call in delta.get("tool_calls") or ():
            self.tool_calls.setdefault(call.get("index", 0), _ToolCall()).add(call)
        self.finish_reason = choice.get("finish_reason") or self.finish_reason

    def message(self) -> dict[str, Any]:
        content = "".join(self.content)
        message: dict[str, Any] = {"role": self.role or "assistant", "content": content or None}
        if self.tool_calls:
            message["tool_calls"] = [self.tool_calls[index].to_dict() for index in sorted(self.tool_calls)]
        if any(self.refusal):
            message["refusal"] = "".join(self.refusal)
        return message


def stream_chunk_builder(
    chunks: Iterable[Any], messages: Iterable[Any] | None = None
) -> ModelResponse | TextCompletionResponse | None:
    """Rebuild the full response (content, tool calls, usage) from the chunks of a chat or text stream.

    Chunks may be shim chunks, openai `ChatCompletionChunk`s or dicts. Usage is the stream's own usage chunk: ask
    for it with `stream_options={"include_usage": True}`; without it `usage` is None (LiteLLM would estimate it
    with a tokenizer, and `messages` is accepted for that signature's sake). Returns None for no chunks.

    Example:
        >>> chunks = list(shim.completion("litellm_proxy/m", messages, stream=True))
        >>> shim.stream_chunk_builder(chunks).choices[0].message.content
    """
    del messages  # accepted for LiteLLM compatibility; usage comes from the stream itself
    originals = list(chunks)
    items = [_as_dict(chunk) for chunk in originals]
    if not items:
        return None
    choices: dict[int, _Choice] = {}
    usage = None
    for item in items:
        usage = item.get("usage") or usage
        for choice in item.get("choices") or ():
            choices.setdefault(choice.get("index", 0), _Choice()).add(choice)
    first = items[0]
    head = {key: first[key] for key in ("id", "created", "model", "system_fingerprint") if key in first}
    result = _text(head, choices, usage) if first.get("object") == "text_completion" else _chat(head, choices, usage)
    hidden: Any = getattr(originals[0], "_hidden_params", None)
    return attach(result, dict(json_object(hidden) or {}))


def _chat(head: dict[str, Any], choices: dict[int, _Choice], usage: Any) -> ModelResponse:
    built = [
        {"index": index, "message": choice.message(), "finish_reason": choice.finish_reason or "stop"}
        for index, choice in sorted(choices.items())
    ]
    return ModelResponse.construct(**head, object="chat.completion", choices=built, usage=usage)


def _text(head: dict[str, Any], choices: dict[int, _Choice], usage: Any) -> TextCompletionResponse:
    built = [
        {"index": index, "text": "".join(choice.content), "finish_reason": choice.finish_reason or "stop"}
        for index, choice in sorted(choices.items())
    ]
    return TextCompletionResponse.construct(**head, object="text_completion", choices=built, usage=usage)


def _as_dict(chunk: Any) -> dict[str, Any]:
    if isinstance(chunk, pydantic.BaseModel):
        return chunk.model_dump(mode="json", exclude_none=True)
    if isinstance(chunk, Mapping):
        mapping = cast("Mapping[str, Any]", chunk)
        return dict(mapping)
    raise TypeError(f"stream_chunk_builder() takes stream chunks or dicts, not {type(chunk).__name__}")
