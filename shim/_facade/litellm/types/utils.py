"""`litellm.types.utils` under `shim.as_litellm()`: shim's result types, the very classes shim returns."""

from typing import Any

from shim.types import (
    ChatCompletionDeltaToolCall,
    ChatCompletionMessageToolCall,
    Choices,
    Delta,
    Embedding,
    EmbeddingResponse,
    Function,
    ImageObject,
    ImageResponse,
    Message,
    ModelResponse,
    ModelResponseBase,
    ModelResponseStream,
    RerankResponse,
    ResponseAPIUsage,
    ResponsesAPIResponse,
    StreamingChoices,
    TextChoices,
    TextCompletionResponse,
    Usage,
)

__all__ = [
    "ChatCompletionDeltaToolCall",
    "ChatCompletionMessageToolCall",
    "Choices",
    "Delta",
    "Embedding",
    "EmbeddingResponse",
    "Function",
    "ImageObject",
    "ImageResponse",
    "Message",
    "ModelResponse",
    "ModelResponseBase",
    "ModelResponseStream",
    "RerankResponse",
    "ResponseAPIUsage",
    "ResponsesAPIResponse",
    "StreamingChoices",
    "TextChoices",
    "TextCompletionResponse",
    "Usage",
]


def __getattr__(name: str) -> Any:
    # Loaded on first use, as in shim.types: it needs openai's audio types.
    if name == "TranscriptionResponse":
        from shim.types import TranscriptionResponse

        return TranscriptionResponse
    raise AttributeError(f"module 'litellm.types.utils' has no attribute {name!r} (shim's LiteLLM facade)")
