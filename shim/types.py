"""Response types: the openai SDK's own types, plus what LiteLLM code reads from them.

Each type subclasses the openai type of the same meaning (`isinstance(r, openai.types.chat.ChatCompletion)` holds
for a `ModelResponse`), and adds:

- dict-style access at every level: `r["choices"][0]["message"]["content"]`, `r.get("model")`, `"usage" in r`;
- on top-level results, `r._hidden_params` (provider, base URL, the gateway's `x-litellm-*` headers, all response
  headers as `additional_headers`), `r._response_ms` and `r._request_id`;
- `r.model` as LiteLLM reports it (`"litellm_proxy/<model the gateway returned>"` for chat and text).

`to_dict()`, `to_json()`, `model_dump()` and pickling work as on any openai type.
"""

# pyright: reportIncompatibleVariableOverride=false
# Narrowing a field to a dict-accessible subclass of the openai type is the point of these classes.

from __future__ import annotations

from typing import Any, Literal

import openai
from openai.types import Completion, CompletionChoice, CompletionUsage
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import ChoiceDelta, ChoiceDeltaToolCall, ChoiceDeltaToolCallFunction
from openai.types.chat.chat_completion_message_function_tool_call import ChatCompletionMessageFunctionToolCall
from openai.types.chat.chat_completion_message_function_tool_call import Function as _OpenAIFunction
from pydantic import PrivateAttr

__all__ = [
    "ChatCompletionDeltaToolCall",
    "ChatCompletionMessageToolCall",
    "Choices",
    "Delta",
    "DeltaFunction",
    "Function",
    "HiddenParams",
    "Message",
    "ModelResponse",
    "ModelResponseStream",
    "StreamingChoices",
    "TextChoices",
    "TextCompletionResponse",
    "Usage",
]

HiddenParams = dict[str, Any]
"""`_hidden_params`: `custom_llm_provider`, `api_base`, `model_id`, `response_cost`, `litellm_call_id`,
`litellm_model_name`, `additional_headers` (every response header, prefixed `llm_provider-`), `_response_ms`."""


class DictAccess(openai.BaseModel):
    """Read and write fields like a dict, as LiteLLM's result types allow."""

    def __getitem__(self, key: str) -> Any:
        if key in type(self).model_fields:
            return getattr(self, key)
        extra = self.__pydantic_extra__
        if extra is not None and key in extra:
            return extra[key]
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, value)

    def __contains__(self, key: object) -> bool:
        """True when the field exists and is not None, as in LiteLLM."""
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str, default: Any = None) -> Any:
        """The field's value, or `default` when it is missing."""
        try:
            return self[key]
        except KeyError:
            return default


class GatewayResult(DictAccess):
    """A top-level result: carries what the gateway said beside the body."""

    _hidden_params: HiddenParams = PrivateAttr(default_factory=dict[str, Any])
    _response_ms: float | None = PrivateAttr(default=None)
    _request_id: str | None = PrivateAttr(default=None)


class Usage(CompletionUsage, DictAccess):
    """Token usage."""


class Function(_OpenAIFunction, DictAccess):
    """The function a tool call invokes."""


class ChatCompletionMessageToolCall(ChatCompletionMessageFunctionToolCall, DictAccess):
    """A function tool call in a message."""

    function: Function


class Message(ChatCompletionMessage, DictAccess):
    """An assistant message. Can be appended to `messages` of the next call as it is."""

    tool_calls: list[ChatCompletionMessageToolCall] | None = None


class Choices(Choice, DictAccess):
    """One choice of a chat completion."""

    message: Message


class ModelResponse(ChatCompletion, GatewayResult):
    """A chat completion (`completion()`): an `openai.types.chat.ChatCompletion`."""

    choices: list[Choices]
    usage: Usage | None = None


class DeltaFunction(ChoiceDeltaToolCallFunction, DictAccess):
    """A piece of a streamed tool call's function."""


class ChatCompletionDeltaToolCall(ChoiceDeltaToolCall, DictAccess):
    """A piece of a streamed tool call."""

    function: DeltaFunction | None = None


class Delta(ChoiceDelta, DictAccess):
    """What one stream chunk adds to a message."""

    tool_calls: list[ChatCompletionDeltaToolCall] | None = None


class StreamingChoices(ChunkChoice, DictAccess):
    """One choice of a stream chunk."""

    delta: Delta


class ModelResponseStream(ChatCompletionChunk, GatewayResult):
    """A chat stream chunk (`completion(stream=True)`): an `openai.types.chat.ChatCompletionChunk`."""

    choices: list[StreamingChoices]
    usage: Usage | None = None


class TextChoices(CompletionChoice, DictAccess):
    """One choice of a text completion."""


class TextCompletionResponse(Completion, GatewayResult):
    """A text completion (`text_completion()`): an `openai.types.Completion`."""

    object: Literal["text_completion"] = "text_completion"
    choices: list[TextChoices]
    usage: Usage | None = None
