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
import sys
from typing import TYPE_CHECKING, Any

from shim._public import WHERE, load
from shim._settings import SettingsModule
from shim._version import __version__
from shim.exceptions import *  # noqa: F403  (the exceptions load with the package: `except shim.X` needs no call)

# --- written by scripts/face.py from shim/_public.py: do not edit by hand ---
if TYPE_CHECKING:
    from shim import types
    from shim._endpoints.anthropic import anthropic, anthropic_messages
    from shim._endpoints.audio import aspeech, atranscription, speech, transcription
    from shim._endpoints.audio_types import TranscriptionResponse
    from shim._endpoints.batch import batch_completion
    from shim._endpoints.capabilities import (
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
    from shim._endpoints.chat import acompletion, atext_completion, completion, text_completion
    from shim._endpoints.embeddings import aembedding, arerank, embedding, rerank
    from shim._endpoints.facts import (
        aget_model_info,
        amodels,
        atoken_counter,
        completion_cost,
        get_model_info,
        models,
        token_counter,
    )
    from shim._endpoints.files import (
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
    from shim._endpoints.images import (
        aimage_edit,
        aimage_generation,
        amoderation,
        image_edit,
        image_generation,
        moderation,
    )
    from shim._endpoints.responses import (
        acancel_responses,
        adelete_responses,
        aget_responses,
        alist_input_items,
        aresponses,
        cancel_responses,
        delete_responses,
        get_responses,
        list_input_items,
        responses,
    )
    from shim._litellm.builder import stream_chunk_builder
    from shim._observe.callbacks import flush_callbacks
    from shim._sdk.gateway import AsyncOpenAI, OpenAI
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
    from shim._transport.clients import CACHE as client_cache
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
# --- end of what scripts/face.py writes ---

# The package settings: each read and set through `SETTINGS` (shim/_settings.py), below the modules that read them.
api_base: str | None
"""The gateway's base URL for every call that passes none (beats LITELLM_PROXY_API_BASE)."""
api_key: str | None
"""The gateway key for every call that passes none (beats LITELLM_PROXY_API_KEY)."""
use_litellm_proxy: bool
"""Send every model string to the gateway as it is, prefix or not."""
total_timeout: float | None
"""Seconds a whole call may take, retries and their waits included, for calls that pass no `total_timeout`."""
max_response_bytes: int | None
"""The largest non-streamed answer (decoded) a call reads, for calls that pass no `max_response_bytes` (128 MiB)."""

# LiteLLM's callbacks (README "Observability"): functions called as LiteLLM calls them, and `CustomLogger` objects.
input_callback: list[Any]
"""Functions called with `kwargs` before each request."""
success_callback: list[Any]
"""Functions called `fn(kwargs, response, start_time, end_time)` after each successful call (a stream: at its end)."""
failure_callback: list[Any]
"""Functions called `fn(kwargs, None, start_time, end_time)` after each failed call (error: `kwargs["exception"]`)."""
callbacks: list[Any]
"""`CustomLogger` objects (or functions, as success and failure callbacks) for every call."""
ssl_verify: bool | str
"""TLS verification for every call that passes no `ssl_verify=`: False, or a CA bundle path (SSL_VERIFY beats it)."""
client_session: Any
"""An httpx2 (openai 3.x) or httpx `Client`, e.g. `openai.DefaultHttpxClient(...)`, for sync calls: mTLS, proxies."""
aclient_session: Any
"""The same for async calls: an `AsyncClient` of the library openai uses (`openai.DefaultAsyncHttpxClient(...)`)."""
set_verbose: bool
"""Log each request at debug level on the `shim` logger, keys masked (as `_turn_on_debug()`, LITELLM_LOG=DEBUG)."""

sys.modules[__name__].__class__ = SettingsModule  # the settings above are `SETTINGS`' own


def _turn_on_debug() -> None:  # pyright: ignore[reportUnusedFunction]  (LiteLLM's public name)
    """Turn on debug output of the `shim` loggers, keys masked (LiteLLM's `litellm._turn_on_debug()`)."""
    from shim._litellm.debug import turn_on

    turn_on()


def close() -> None:
    """Close every cached sync connection pool. Later calls open new ones.

    Example:
        >>> shim.close()  # at the end of a script, or between tests
    """
    load("client_cache").close()


async def aclose() -> None:
    """Close every cached sync pool and the running event loop's async pools. Later calls open new ones.

    Example:
        >>> await shim.aclose()
    """
    await load("client_cache").aclose()


# Everything but the exceptions loads on first use (PEP 562): `import shim` costs little beyond `import openai`,
# and a program pays only for the endpoints it calls (audio types, wrapt for patching, ...).
def __getattr__(name: str) -> Any:
    if name == "types":
        return importlib.import_module("shim.types")
    if name not in WHERE:
        raise AttributeError(f"module 'shim' has no attribute {name!r}")
    value = load(name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
