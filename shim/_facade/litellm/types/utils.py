"""`litellm.types.utils` under `shim.as_litellm()`: shim's result types, the very classes shim returns."""

from typing import Any

# Re-exported one by one (`X as X`): the very classes shim returns.
from shim.types import ChatCompletionDeltaToolCall as ChatCompletionDeltaToolCall
from shim.types import ChatCompletionMessageToolCall as ChatCompletionMessageToolCall
from shim.types import Choices as Choices
from shim.types import Delta as Delta
from shim.types import Embedding as Embedding
from shim.types import EmbeddingResponse as EmbeddingResponse
from shim.types import Function as Function
from shim.types import ImageObject as ImageObject
from shim.types import ImageResponse as ImageResponse
from shim.types import Message as Message
from shim.types import ModelResponse as ModelResponse
from shim.types import ModelResponseBase as ModelResponseBase
from shim.types import ModelResponseStream as ModelResponseStream
from shim.types import RerankResponse as RerankResponse
from shim.types import ResponseAPIUsage as ResponseAPIUsage
from shim.types import ResponsesAPIResponse as ResponsesAPIResponse
from shim.types import StreamingChoices as StreamingChoices
from shim.types import TextChoices as TextChoices
from shim.types import TextCompletionResponse as TextCompletionResponse
from shim.types import Usage as Usage


def __getattr__(name: str) -> Any:
    # Loaded on first use, as in shim.types: it needs openai's audio types.
    if name == "TranscriptionResponse":
        from shim.types import TranscriptionResponse

        return TranscriptionResponse
    raise AttributeError(f"module 'litellm.types.utils' has no attribute {name!r} (shim's LiteLLM facade)")
