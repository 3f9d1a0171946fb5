"""`litellm.utils` under `shim.as_litellm()`: the capability and model questions, and the result types."""

from typing import Any

from shim._facade._answers import (
    CAPABILITIES,
    capability,
    get_llm_provider,
    get_model_info,
    get_supported_openai_params,
    token_counter,
    validate_environment,
)
from shim.types import (
    ChatCompletionDeltaToolCall,
    ChatCompletionMessageToolCall,
    Choices,
    Delta,
    Function,
    Message,
    ModelResponse,
    ModelResponseStream,
    StreamingChoices,
    Usage,
)

__all__ = [
    "ChatCompletionDeltaToolCall",
    "ChatCompletionMessageToolCall",
    "Choices",
    "Delta",
    "Function",
    "Message",
    "ModelResponse",
    "ModelResponseStream",
    "StreamingChoices",
    "Usage",
    "get_llm_provider",
    "get_model_info",
    "get_supported_openai_params",
    "token_counter",
    "validate_environment",
]


def __getattr__(name: str) -> Any:
    if name in CAPABILITIES:
        value = capability(name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'litellm.utils' has no attribute {name!r} (shim's LiteLLM facade)")
