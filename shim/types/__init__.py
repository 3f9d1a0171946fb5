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
# ruff: noqa: UP045
# Optional[X], not X | None, for fields: openai from 2.8 into 3.x caches union types in a WeakKeyDictionary while
# constructing a field that fails validation, and a PEP 604 union cannot be weakly referenced (TypeError).

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Literal, Optional

import openai
from openai.types import (
    Completion,
    CompletionChoice,
    CompletionUsage,
    CreateEmbeddingResponse,
    ImagesResponse,
)
from openai.types import Embedding as _OpenAIEmbedding
from openai.types import Image as _OpenAIImage
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import ChoiceDelta, ChoiceDeltaToolCall, ChoiceDeltaToolCallFunction
from openai.types.create_embedding_response import Usage as _EmbeddingUsage
from pydantic import BaseModel, field_validator

from shim.types._base import DictAccess, GatewayResult, HiddenParams

if TYPE_CHECKING:
    from shim.types._anthropic import (
        AnthropicContentBlock,
        AnthropicMessage,
        AnthropicMessagesResponse,
        AnthropicStreamEvent,
        AnthropicUsage,
    )
    from shim.types._audio import TranscriptionResponse
    from shim.types._files import Batch, BatchList, FileDeleted, FileList, FileObject
    from shim.types._moderation import (
        ModerationCategories,
        ModerationCategoryScores,
        ModerationResponse,
        ModerationResult,
    )
    from shim.types._responses import (
        DeleteResponseResult,
        ResponseAPIUsage,
        ResponseEvent,
        ResponseInputItem,
        ResponseInputItemList,
        ResponsesAPIResponse,
    )

try:
    from openai.types.chat.chat_completion_message_function_tool_call import ChatCompletionMessageFunctionToolCall
    from openai.types.chat.chat_completion_message_function_tool_call import Function as _OpenAIFunction
except ImportError as error:  # openai < 1.99.2, installed despite shim's requirement (pip --no-deps, a lockfile)
    raise ImportError(
        f"shim needs openai>=1.99.3, not {openai.__version__}: pip install 'openai>=1.99.3,<4'"
    ) from error

__all__ = [
    "AnthropicContentBlock",
    "AnthropicMessage",
    "AnthropicMessagesResponse",
    "AnthropicStreamEvent",
    "AnthropicUsage",
    "Batch",
    "BatchList",
    "BinaryResponse",
    "ChatCompletionDeltaToolCall",
    "ChatCompletionMessageToolCall",
    "Choices",
    "DeleteResponseResult",
    "Delta",
    "DeltaFunction",
    "Embedding",
    "EmbeddingResponse",
    "EmbeddingUsage",
    "FileDeleted",
    "FileList",
    "FileObject",
    "Function",
    "HiddenParams",
    "ImageObject",
    "ImageResponse",
    "Message",
    "ModelResponse",
    "ModelResponseBase",
    "ModelResponseStream",
    "ModerationCategories",
    "ModerationCategoryScores",
    "ModerationResponse",
    "ModerationResult",
    "RerankResponse",
    "RerankResult",
    "ResponseAPIUsage",
    "ResponseEvent",
    "ResponseInputItem",
    "ResponseInputItemList",
    "ResponsesAPIResponse",
    "StreamingChoices",
    "TextChoices",
    "TextCompletionResponse",
    "TranscriptionResponse",
    "Usage",
]


class Usage(CompletionUsage, DictAccess):
    """Token usage."""


class Function(_OpenAIFunction, DictAccess):
    """The function a tool call invokes."""


class ChatCompletionMessageToolCall(ChatCompletionMessageFunctionToolCall, DictAccess):
    """A function tool call in a message."""

    function: Function


class Message(ChatCompletionMessage, DictAccess):
    """An assistant message. Can be appended to `messages` of the next call as it is."""

    tool_calls: Optional[list[ChatCompletionMessageToolCall]] = None


class Choices(Choice, DictAccess):
    """One choice of a chat completion."""

    message: Message


class ModelResponseBase(GatewayResult):
    """What a chat completion and a chat stream chunk share (LiteLLM's base class of both).

    LiteLLM keeps `usage` as a pydantic extra, and code written for it reads `r.model_extra["usage"]` (CrewAI's
    token counts): here `usage` is a declared field, and `model_extra` shows it there too.
    """

    @property
    def model_extra(self) -> dict[str, Any] | None:
        """The fields beyond the declared ones, plus `usage` when there is one (as LiteLLM's `model_extra`)."""
        extra = self.__pydantic_extra__
        usage = getattr(self, "usage", None)
        if usage is None:
            return extra
        return {**(extra or {}), "usage": usage}


class ModelResponse(ChatCompletion, ModelResponseBase):
    """A chat completion (`completion()`): an `openai.types.chat.ChatCompletion`."""

    choices: list[Choices]
    usage: Optional[Usage] = None


class DeltaFunction(ChoiceDeltaToolCallFunction, DictAccess):
    """A piece of a streamed tool call's function."""


class ChatCompletionDeltaToolCall(ChoiceDeltaToolCall, DictAccess):
    """A piece of a streamed tool call. `function` also takes a `Function`, as LiteLLM's does."""

    function: Optional[DeltaFunction] = None

    @field_validator("function", mode="before")
    @classmethod
    def _any_function(cls, value: object) -> object:
        if isinstance(value, BaseModel) and not isinstance(value, DeltaFunction):
            return value.model_dump(exclude_unset=True)
        return value


class Delta(ChoiceDelta, DictAccess):
    """What one stream chunk adds to a message."""

    tool_calls: Optional[list[ChatCompletionDeltaToolCall]] = None


class StreamingChoices(ChunkChoice, DictAccess):
    """One choice of a stream chunk."""

    delta: Delta


class ModelResponseStream(ChatCompletionChunk, ModelResponseBase):
    """A chat stream chunk (`completion(stream=True)`): an `openai.types.chat.ChatCompletionChunk`."""

    choices: list[StreamingChoices]
    usage: Optional[Usage] = None


class TextChoices(CompletionChoice, DictAccess):
    """One choice of a text completion."""


class TextCompletionResponse(Completion, GatewayResult):
    """A text completion (`text_completion()`): an `openai.types.Completion`."""

    object: Literal["text_completion"] = "text_completion"
    choices: list[TextChoices]
    usage: Optional[Usage] = None


class Embedding(_OpenAIEmbedding, DictAccess):
    """One embedding vector."""


class EmbeddingUsage(_EmbeddingUsage, DictAccess):
    """Token usage of an embedding call."""


class EmbeddingResponse(CreateEmbeddingResponse, GatewayResult):
    """Embeddings (`embedding()`): an `openai.types.CreateEmbeddingResponse`."""

    data: list[Embedding]
    usage: Optional[EmbeddingUsage] = None  # some gateways omit it for cached results


class ImageObject(_OpenAIImage, DictAccess):
    """One generated image: `url` or `b64_json`."""


class ImageResponse(ImagesResponse, GatewayResult):
    """Generated images (`image_generation()`): an `openai.types.ImagesResponse`."""

    data: Optional[list[ImageObject]] = None


class RerankResult(DictAccess):
    """One ranked document: its `index` in the request, its score and, if asked for, the document."""

    index: int
    relevance_score: float
    document: Any = None


class RerankResponse(GatewayResult):
    """A rerank answer (`rerank()`), validated: results ordered by relevance."""

    id: Optional[str] = None
    results: list[RerankResult]
    meta: Optional[dict[str, Any]] = None


class BinaryResponse(openai.HttpxBinaryResponseContent):
    """Binary content (`speech()`): `.content`, `.read()`, `.iter_bytes()`, `.write_to_file(path)`,
    `.stream_to_file(path)`, their async twins (`aread()`, `aiter_bytes()`, ...), `close()`/`aclose()`.

    The body is streamed: it is read when asked for, so long audio need not sit in memory. Read it, write it, or
    close it (or use `with`/`async with`) to release the connection.
    """

    def __init__(self, response: Any, hidden_params: HiddenParams) -> None:
        super().__init__(response)
        self._hidden_params = hidden_params
        self._response_ms: float | None = hidden_params.get("_response_ms")

    def __repr__(self) -> str:
        return f"BinaryResponse(content_type={self.response.headers.get('content-type')!r})"

    @property
    def content(self) -> bytes:
        """The whole body (read now if it was streamed)."""
        return self.response.read()

    def __enter__(self) -> BinaryResponse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> BinaryResponse:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


# Types a chat call never needs, each family in a module of its own, loaded on first use (PEP 562): building
# them cost a cold start ~10 ms (the audio type also imports openai's audio types, 29 modules).
_LATER: dict[str, tuple[str, ...]] = {
    "shim.types._anthropic": (
        "AnthropicContentBlock",
        "AnthropicMessage",
        "AnthropicMessagesResponse",
        "AnthropicStreamEvent",
        "AnthropicUsage",
    ),
    "shim.types._audio": ("TranscriptionResponse",),
    "shim.types._files": ("Batch", "BatchList", "FileDeleted", "FileList", "FileObject"),
    "shim.types._moderation": (
        "ModerationCategories",
        "ModerationCategoryScores",
        "ModerationResponse",
        "ModerationResult",
    ),
    "shim.types._responses": (
        "DeleteResponseResult",
        "ResponseAPIUsage",
        "ResponseEvent",
        "ResponseInputItem",
        "ResponseInputItemList",
        "ResponsesAPIResponse",
    ),
}
_WHERE = {name: module for module, names in _LATER.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'shim.types' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value
