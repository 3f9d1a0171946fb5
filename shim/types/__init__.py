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

from typing import TYPE_CHECKING, Any, Generic, Literal, Optional, TypeVar

import openai
from openai.types import Batch as _OpenAIBatch
from openai.types import (
    Completion,
    CompletionChoice,
    CompletionUsage,
    CreateEmbeddingResponse,
    ImagesResponse,
    ModerationCreateResponse,
)
from openai.types import Embedding as _OpenAIEmbedding
from openai.types import FileDeleted as _OpenAIFileDeleted
from openai.types import FileObject as _OpenAIFileObject
from openai.types import Image as _OpenAIImage
from openai.types import Moderation as _OpenAIModeration
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import ChoiceDelta, ChoiceDeltaToolCall, ChoiceDeltaToolCallFunction
from openai.types.create_embedding_response import Usage as _EmbeddingUsage
from openai.types.moderation import Categories as _OpenAICategories
from openai.types.moderation import CategoryScores as _OpenAICategoryScores
from openai.types.responses import Response, ResponseItemList
from openai.types.responses import ResponseUsage as _OpenAIResponseUsage
from pydantic import BaseModel, Field, field_validator

from shim.types._base import DictAccess, GatewayResult, HiddenParams

if TYPE_CHECKING:
    from shim.types._audio import TranscriptionResponse

try:
    from openai.types.chat.chat_completion_message_function_tool_call import ChatCompletionMessageFunctionToolCall
    from openai.types.chat.chat_completion_message_function_tool_call import Function as _OpenAIFunction
except ImportError as error:  # openai < 1.99.2, installed despite shim's requirement (pip --no-deps, a lockfile)
    raise ImportError(
        f"shim needs openai>=1.99.3, not {openai.__version__}: pip install 'openai>=1.99.3,<4'"
    ) from error

_ItemT = TypeVar("_ItemT")

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


class ResponseAPIUsage(_OpenAIResponseUsage, DictAccess):
    """Token usage of a Responses API call (LiteLLM's name)."""


class ResponsesAPIResponse(Response, GatewayResult):
    """A Responses API answer (`responses()`): an `openai.types.responses.Response`."""

    usage: Optional[ResponseAPIUsage] = None


class ResponseEvent(DictAccess):
    """A Responses stream event of a type this openai version does not know; its fields are kept as sent."""

    type: str


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


class ModerationCategories(_OpenAICategories, DictAccess):
    """Which categories an input was flagged for."""


class ModerationCategoryScores(_OpenAICategoryScores, DictAccess):
    """The score of each category."""


class ModerationResult(_OpenAIModeration, DictAccess):
    """The verdict on one input: `flagged`, `categories`, `category_scores`."""

    categories: ModerationCategories
    category_scores: ModerationCategoryScores


class ModerationResponse(ModerationCreateResponse, GatewayResult):
    """A moderation verdict (`moderation()`): an `openai.types.ModerationCreateResponse`."""

    results: list[ModerationResult]


class FileObject(_OpenAIFileObject, GatewayResult):
    """An uploaded file (`create_file()`, `file_retrieve()`): an `openai.types.FileObject`."""


class FileDeleted(_OpenAIFileDeleted, GatewayResult):
    """What `file_delete()` answers: an `openai.types.FileDeleted` (`id`, `deleted`)."""


class _Page(GatewayResult, Generic[_ItemT]):
    """A page of a list: `data`, and for paging `has_more`, `first_id`, `last_id`."""

    object: str = "list"
    data: list[_ItemT]
    has_more: bool | None = None
    first_id: str | None = None
    last_id: str | None = None


class FileList(_Page[FileObject]):
    """A page of files (`file_list()`): `data`, and for paging `has_more`, `first_id`, `last_id`."""


class Batch(_OpenAIBatch, GatewayResult):
    """A batch (`create_batch()`, `retrieve_batch()`, `cancel_batch()`): an `openai.types.Batch` (LiteLLM's
    `LiteLLMBatch`)."""


class BatchList(_Page[Batch]):
    """A page of batches (`list_batches()`): `data`, and for paging `has_more`, `first_id`, `last_id`."""


class DeleteResponseResult(GatewayResult):
    """What `delete_responses()` answers: the deleted response's `id` and `deleted`."""

    id: str | None = None
    object: str | None = None
    deleted: bool | None = None


class ResponseInputItem(DictAccess):
    """One input item of a stored response, its fields as sent (`item.type`, `item["content"][0]["text"]`):
    LiteLLM returns these as plain dicts."""

    type: str
    id: str | None = None


class ResponseInputItemList(ResponseItemList, GatewayResult):
    """The input items of a stored response (`list_input_items()`): an `openai.types.responses.ResponseItemList`."""

    data: list[ResponseInputItem]


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


def __getattr__(name: str) -> Any:
    # `TranscriptionResponse` lives in shim/types/_audio.py, loaded on first use (it needs openai's audio
    # types).
    if name == "TranscriptionResponse":
        from shim.types._audio import TranscriptionResponse

        return TranscriptionResponse
    raise AttributeError(f"module 'shim.types' has no attribute {name!r}")
