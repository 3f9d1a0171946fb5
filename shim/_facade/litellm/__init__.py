"""`litellm` under `shim.as_litellm()`: LiteLLM's names, served by shim, for frameworks that embed LiteLLM.

Loaded by the facade's finder under the name `litellm` (see shim/_facade/__init__.py), never as a shim module.
Shared settings (`api_base`, `callbacks`, `success_callback`, ...) are read and assigned on shim; LiteLLM's other
module settings (`drop_params`, `suppress_debug_info`, `telemetry`, `cache`, ...) are accepted and change nothing,
as on LiteLLM's `litellm_proxy` route.
"""

import importlib
import sys
from typing import Any

from shim._facade._answers import (
    CAPABILITIES,
    PROVIDER_LIST,
    ROUTER_MISSING,
    acreate_file,
    capability,
    create_file,
    get_llm_provider,
    get_model_info,
    get_supported_openai_params,
    token_counter,
    validate_environment,
)
from shim._facade._answers import turn_on_debug as _turn_on_debug
from shim._facade._extras import (
    BudgetExceededError,
    ChatCompletionToolCallFunctionChunk,
    InvalidRequestError,
    OpenAIMessageContent,
    RouterRateLimitError,
    UnsupportedParamsError,
)
from shim._facade._shared import SHARED_SETTINGS, FacadeModule, public, settings
from shim.exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ContentPolicyViolationError,
    ContextWindowExceededError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    Timeout,
    UnprocessableEntityError,
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

from . import _logging, exceptions, types, utils
from .types.llms.openai import (
    ChatCompletionAssistantMessage,
    ChatCompletionSystemMessage,
    ChatCompletionToolMessage,
    ChatCompletionUserMessage,
)

provider_list: list[str] = PROVIDER_LIST
drop_params: bool = False
suppress_debug_info: bool = False
telemetry: bool = False
cache: Any = None
add_function_to_prompt: bool = False
modify_params: bool = False
num_retries: int | None = None
_async_success_callback: list[Any] = []
_async_failure_callback: list[Any] = []
_async_input_callback: list[Any] = []

# Served by shim as they are (loaded on first use, as shim loads them).
_FROM_SHIM = frozenset(
    {
        "completion",
        "acompletion",
        "text_completion",
        "atext_completion",
        "embedding",
        "aembedding",
        "image_generation",
        "aimage_generation",
        "image_edit",
        "aimage_edit",
        "moderation",
        "amoderation",
        "rerank",
        "arerank",
        "responses",
        "aresponses",
        "transcription",
        "atranscription",
        "speech",
        "aspeech",
        "anthropic_messages",
        "completion_cost",
        "batch_completion",
        "stream_chunk_builder",
        "file_retrieve",
        "afile_retrieve",
        "file_list",
        "afile_list",
        "file_delete",
        "afile_delete",
        "file_content",
        "afile_content",
        "create_batch",
        "acreate_batch",
        "retrieve_batch",
        "aretrieve_batch",
        "cancel_batch",
        "acancel_batch",
        "list_batches",
        "alist_batches",
        "get_responses",
        "aget_responses",
        "delete_responses",
        "adelete_responses",
        "cancel_responses",
        "acancel_responses",
        "list_input_items",
        "alist_input_items",
        "CustomStreamWrapper",
        "CustomLogger",
        "EmbeddingResponse",
        "TextCompletionResponse",
        "ImageResponse",
        "RerankResponse",
        "ResponsesAPIResponse",
        "TranscriptionResponse",
    }
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "BudgetExceededError",
    "ChatCompletionAssistantMessage",
    "ChatCompletionDeltaToolCall",
    "ChatCompletionMessageToolCall",
    "ChatCompletionSystemMessage",
    "ChatCompletionToolCallFunctionChunk",
    "ChatCompletionToolMessage",
    "ChatCompletionUserMessage",
    "Choices",
    "ContentPolicyViolationError",
    "ContextWindowExceededError",
    "Delta",
    "Function",
    "InternalServerError",
    "InvalidRequestError",
    "Message",
    "ModelResponse",
    "ModelResponseStream",
    "NotFoundError",
    "OpenAIMessageContent",
    "PermissionDeniedError",
    "RateLimitError",
    "RouterRateLimitError",
    "ServiceUnavailableError",
    "StreamingChoices",
    "Timeout",
    "UnprocessableEntityError",
    "UnsupportedParamsError",
    "Usage",
    "_logging",
    "_turn_on_debug",
    "acreate_file",
    "create_file",
    "exceptions",
    "get_llm_provider",
    "get_model_info",
    "get_supported_openai_params",
    "provider_list",
    "token_counter",
    "types",
    "utils",
    "validate_environment",
]


def __getattr__(name: str) -> Any:
    if name in SHARED_SETTINGS:
        return getattr(settings(), name)
    if name in _FROM_SHIM:
        value = public(name)
    elif name in CAPABILITIES:
        value = capability(name)
    elif name == "Router":
        raise ImportError(ROUTER_MISSING, name="litellm")
    else:
        return _submodule(name)
    globals()[name] = value  # later lookups skip this function
    return value


def _submodule(name: str) -> Any:
    """`litellm.<name>` as LiteLLM's `import litellm` makes its submodules attributes: the facade's, if it has it."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module 'litellm' has no attribute {name!r} (shim's LiteLLM facade)") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *SHARED_SETTINGS, *_FROM_SHIM, *CAPABILITIES})


sys.modules[__name__].__class__ = FacadeModule
