"""shim: LiteLLM's `litellm_proxy/` route on the official openai SDK.

    import shim as litellm
    r = litellm.completion(model="litellm_proxy/my-model", messages=[{"role": "user", "content": "Hi"}],
                           api_base="http://localhost:4000", api_key="sk-1234")

Configuration, per call > module attribute > environment: `api_base` > `shim.api_base` > LITELLM_PROXY_API_BASE,
`api_key` > `shim.api_key` > LITELLM_PROXY_API_KEY. `shim.use_litellm_proxy = True` (or USE_LITELLM_PROXY=1)
sends model strings without the `litellm_proxy/` prefix to the gateway as they are.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from shim.exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConfigError,
    ConflictError,
    ContentPolicyViolationError,
    ContextWindowExceededError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
    RouteError,
    ServiceUnavailableError,
    Timeout,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from shim import types
    from shim._anthropic import anthropic, anthropic_messages
    from shim._audio import aspeech, atranscription, speech, transcription
    from shim._audio_types import TranscriptionResponse
    from shim._balancer.errors import RouterRateLimitError
    from shim._balancer.router import Router
    from shim._batch import batch_completion
    from shim._builder import stream_chunk_builder
    from shim._callbacks import flush_callbacks
    from shim._capabilities import (
        supports_audio_input,
        supports_audio_output,
        supports_computer_use,
        supports_embedding_image_input,
        supports_function_calling,
        supports_native_structured_output,
        supports_parallel_function_calling,
        supports_pdf_input,
        supports_prompt_caching,
        supports_reasoning,
        supports_response_schema,
        supports_system_messages,
        supports_tool_choice,
        supports_tool_search,
        supports_url_context,
        supports_video_input,
        supports_vision,
        supports_web_search,
    )
    from shim._chat import acompletion, atext_completion, completion, text_completion
    from shim._endpoints import (
        aembedding,
        aimage_generation,
        amodels,
        arerank,
        aresponses,
        embedding,
        image_generation,
        models,
        rerank,
        responses,
    )
    from shim._facts import (
        aget_model_info,
        atoken_counter,
        completion_cost,
        get_model_info,
        token_counter,
    )
    from shim._files import (
        acancel_batch,
        acreate_batch,
        acreate_file,
        afile_content,
        afile_delete,
        afile_list,
        afile_retrieve,
        alist_batches,
        aretrieve_batch,
        cancel_batch,
        create_batch,
        create_file,
        file_content,
        file_delete,
        file_list,
        file_retrieve,
        list_batches,
        retrieve_batch,
    )
    from shim._gateway import AsyncOpenAI, OpenAI
    from shim._images import aimage_edit, amoderation, image_edit, moderation
    from shim._request import CACHE as client_cache
    from shim._response_store import (
        acancel_responses,
        adelete_responses,
        aget_responses,
        alist_input_items,
        cancel_responses,
        delete_responses,
        get_responses,
        list_input_items,
    )
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
    from shim.integrations.custom_logger import CustomLogger
    from shim.patch import patch_openai, unpatch_openai
    from shim.types import (
        Batch,
        BatchList,
        BinaryResponse,
        DeleteResponseResult,
        EmbeddingResponse,
        FileDeleted,
        FileList,
        FileObject,
        ImageResponse,
        ModelResponse,
        ModelResponseStream,
        ModerationResponse,
        RerankResponse,
        ResponseInputItemList,
        ResponsesAPIResponse,
        TextCompletionResponse,
    )

# Everything but the exceptions loads on first use (PEP 562): `import shim` costs little beyond `import openai`,
# and a program pays only for the endpoints it calls (audio types, wrapt for patching, ...).
_PUBLIC: dict[str, tuple[str, ...]] = {
    "shim._chat": ("completion", "acompletion", "text_completion", "atext_completion"),
    "shim._endpoints": (
        "embedding",
        "aembedding",
        "image_generation",
        "aimage_edit",
        "aimage_generation",
        "rerank",
        "arerank",
        "responses",
        "aresponses",
        "models",
        "amodels",
        "amoderation",
    ),
    "shim._audio": ("transcription", "atranscription", "speech", "aspeech"),
    # Anthropic's Messages API and the gateway's own facts (issue 11)
    "shim._anthropic": ("anthropic", "anthropic_messages"),
    "shim._facts": (
        "get_model_info",
        "aget_model_info",
        "completion_cost",
        "token_counter",
        "atoken_counter",
    ),
    "shim._capabilities": (
        "supports_function_calling",
        "supports_parallel_function_calling",
        "supports_tool_choice",
        "supports_response_schema",
        "supports_native_structured_output",
        "supports_vision",
        "supports_pdf_input",
        "supports_audio_input",
        "supports_audio_output",
        "supports_video_input",
        "supports_embedding_image_input",
        "supports_reasoning",
        "supports_prompt_caching",
        "supports_computer_use",
        "supports_web_search",
        "supports_url_context",
        "supports_tool_search",
        "supports_system_messages",
    ),
    "shim._batch": ("batch_completion",),
    "shim._files": (
        "create_file",
        "acreate_file",
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
    ),
    "shim._images": ("image_edit", "aimage_edit", "moderation", "amoderation"),
    "shim._response_store": (
        "get_responses",
        "aget_responses",
        "delete_responses",
        "adelete_responses",
        "cancel_responses",
        "acancel_responses",
        "list_input_items",
        "alist_input_items",
    ),
    "shim._streaming": ("CustomStreamWrapper", "AsyncCustomStreamWrapper"),
    "shim._builder": ("stream_chunk_builder",),
    "shim._callbacks": ("flush_callbacks",),
    "shim.integrations.custom_logger": ("CustomLogger",),
    "shim.patch": ("patch_openai", "unpatch_openai"),
    "shim._gateway": ("OpenAI", "AsyncOpenAI"),
    "shim.types": (
        "Batch",
        "BatchList",
        "BinaryResponse",
        "DeleteResponseResult",
        "EmbeddingResponse",
        "FileDeleted",
        "FileList",
        "FileObject",
        "ImageResponse",
        "ModelResponse",
        "ModelResponseStream",
        "ModerationResponse",
        "RerankResponse",
        "ResponseInputItemList",
        "ResponsesAPIResponse",
        "TextCompletionResponse",
    ),
    "shim._audio_types": ("TranscriptionResponse",),
    # LiteLLM's Router over several gateways (issue 25)
    "shim._balancer.router": ("Router",),
    "shim._balancer.errors": ("RouterRateLimitError",),
}
"""Each lazily loaded public name, by the module that defines it."""

_LAZY: dict[str, tuple[str, str]] = {
    **{name: (module, name) for module, names in _PUBLIC.items() for name in names},
    "client_cache": ("shim._request", "CACHE"),
}

__version__ = "0.1.0"

api_base: str | None = None
"""The gateway's base URL for every call that passes none (beats LITELLM_PROXY_API_BASE)."""
api_key: str | None = None
"""The gateway key for every call that passes none (beats LITELLM_PROXY_API_KEY)."""
use_litellm_proxy: bool = False
"""Send every model string to the gateway as it is, prefix or not."""
total_timeout: float | None = None
"""Seconds a whole call may take, retries and their waits included, for calls that pass no `total_timeout`."""
max_response_bytes: int | None = 128 * 1024 * 1024
"""The largest non-streamed answer (decoded) a call reads, for calls that pass no `max_response_bytes`."""

# LiteLLM's callbacks (README "Observability"): functions called as LiteLLM calls them, and `CustomLogger` objects.
input_callback: list[Any] = []
"""Functions called with `kwargs` before each request."""
success_callback: list[Any] = []
"""Functions called `fn(kwargs, response, start_time, end_time)` after each successful call (a stream: at its end)."""
failure_callback: list[Any] = []
"""Functions called `fn(kwargs, None, start_time, end_time)` after each failed call (error: `kwargs["exception"]`)."""
callbacks: list[Any] = []
"""`CustomLogger` objects (or functions, as success and failure callbacks) for every call."""
ssl_verify: bool | str = True
"""TLS verification for every call that passes no `ssl_verify=`: False, or a CA bundle path (SSL_VERIFY beats it)."""
client_session: Any = None
"""An httpx2 (openai 3.x) or httpx `Client`, e.g. `openai.DefaultHttpxClient(...)`, for sync calls: mTLS, proxies."""
aclient_session: Any = None
"""The same for async calls: an `AsyncClient` of the library openai uses (`openai.DefaultAsyncHttpxClient(...)`)."""
set_verbose: bool = False
"""Log each request at debug level on the `shim` logger, keys masked (as `_turn_on_debug()`, LITELLM_LOG=DEBUG)."""


def _turn_on_debug() -> None:  # pyright: ignore[reportUnusedFunction]  (LiteLLM's public name)
    """Turn on debug output of the `shim` loggers, keys masked (LiteLLM's `litellm._turn_on_debug()`)."""
    from shim._debug import turn_on

    turn_on()


def close() -> None:
    """Close every cached sync connection pool. Later calls open new ones."""
    from shim._request import CACHE

    CACHE.close()


async def aclose() -> None:
    """Close every cached sync pool and the running event loop's async pools. Later calls open new ones."""
    from shim._request import CACHE

    await CACHE.aclose()


def __getattr__(name: str) -> Any:
    if name == "types":
        return importlib.import_module("shim.types")
    if name not in _LAZY:
        raise AttributeError(f"module 'shim' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "AsyncCustomStreamWrapper",
    "AsyncOpenAI",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "Batch",
    "BatchList",
    "BinaryResponse",
    "ConfigError",
    "ConflictError",
    "ContentPolicyViolationError",
    "ContextWindowExceededError",
    "CustomLogger",
    "CustomStreamWrapper",
    "DeleteResponseResult",
    "EmbeddingResponse",
    "FileDeleted",
    "FileList",
    "FileObject",
    "ImageResponse",
    "InternalServerError",
    "ModelResponse",
    "ModelResponseStream",
    "ModerationResponse",
    "NotFoundError",
    "OpenAI",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RerankResponse",
    "ResponseInputItemList",
    "ResponseTooLargeError",
    "ResponsesAPIResponse",
    "RouteError",
    "Router",
    "RouterRateLimitError",
    "ServiceUnavailableError",
    "TextCompletionResponse",
    "Timeout",
    "TranscriptionResponse",
    "UnprocessableEntityError",
    "__version__",
    "acancel_batch",
    "acancel_responses",
    "aclient_session",
    "aclose",
    "acompletion",
    "acreate_batch",
    "acreate_file",
    "adelete_responses",
    "aembedding",
    "afile_content",
    "afile_delete",
    "afile_list",
    "afile_retrieve",
    "aget_model_info",
    "aget_responses",
    "aimage_edit",
    "aimage_generation",
    "alist_batches",
    "alist_input_items",
    "amodels",
    "amoderation",
    "anthropic",
    "anthropic_messages",
    "api_base",
    "api_key",
    "arerank",
    "aresponses",
    "aretrieve_batch",
    "aspeech",
    "atext_completion",
    "atoken_counter",
    "atranscription",
    "batch_completion",
    "callbacks",
    "cancel_batch",
    "cancel_responses",
    "client_cache",
    "client_session",
    "close",
    "completion",
    "completion_cost",
    "create_batch",
    "create_file",
    "delete_responses",
    "embedding",
    "failure_callback",
    "file_content",
    "file_delete",
    "file_list",
    "file_retrieve",
    "flush_callbacks",
    "get_model_info",
    "get_responses",
    "image_edit",
    "image_generation",
    "input_callback",
    "list_batches",
    "list_input_items",
    "max_response_bytes",
    "models",
    "moderation",
    "patch_openai",
    "rerank",
    "responses",
    "retrieve_batch",
    "set_verbose",
    "speech",
    "ssl_verify",
    "stream_chunk_builder",
    "success_callback",
    "supports_audio_input",
    "supports_audio_output",
    "supports_computer_use",
    "supports_embedding_image_input",
    "supports_function_calling",
    "supports_native_structured_output",
    "supports_parallel_function_calling",
    "supports_pdf_input",
    "supports_prompt_caching",
    "supports_reasoning",
    "supports_response_schema",
    "supports_system_messages",
    "supports_tool_choice",
    "supports_tool_search",
    "supports_url_context",
    "supports_video_input",
    "supports_vision",
    "supports_web_search",
    "text_completion",
    "token_counter",
    "total_timeout",
    "transcription",
    "types",
    "unpatch_openai",
    "use_litellm_proxy",
]
