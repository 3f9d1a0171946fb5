"""Every public name of the package, written once: the module that defines it.

The face (`shim/__init__.py`) loads each on first use from here and builds its `__all__` from here; its type stub
(`shim/__init__.pyi`, what type checkers and editors read) is written from here by `scripts/face.py`, and a test
fails when it is not current.
"""

from __future__ import annotations

import importlib
from typing import Any

PUBLIC: dict[str, tuple[str, ...]] = {
    "shim._endpoints.chat": ("completion", "acompletion", "text_completion", "atext_completion"),
    "shim._endpoints.embeddings": ("embedding", "aembedding", "rerank", "arerank"),
    "shim._endpoints.audio": ("transcription", "atranscription", "speech", "aspeech"),
    # Anthropic's Messages API and the gateway's own facts (issue 11)
    "shim._endpoints.anthropic": ("anthropic", "anthropic_messages"),
    "shim._endpoints.facts": (
        "get_model_info",
        "aget_model_info",
        "completion_cost",
        "token_counter",
        "atoken_counter",
        "models",
        "amodels",
    ),
    "shim._endpoints.capabilities": (
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
    "shim._endpoints.batch": ("batch_completion",),
    "shim._endpoints.files": (
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
    "shim._endpoints.images": (
        "image_generation",
        "aimage_generation",
        "image_edit",
        "aimage_edit",
        "moderation",
        "amoderation",
    ),
    "shim._endpoints.responses": (
        "responses",
        "aresponses",
        "get_responses",
        "aget_responses",
        "delete_responses",
        "adelete_responses",
        "cancel_responses",
        "acancel_responses",
        "list_input_items",
        "alist_input_items",
    ),
    "shim._streaming": ("CustomStreamWrapper", "AsyncCustomStreamWrapper", "stream_chunk_builder"),
    "shim._observe.callbacks": ("flush_callbacks",),
    "shim.integrations.custom_logger": ("CustomLogger",),
    "shim.patch": ("patch_openai", "unpatch_openai"),
    "shim._facade": ("as_litellm",),
    # LiteLLM's Router over several gateways (issue 25)
    "shim._balancer.router": ("Router",),
    "shim._balancer.errors": ("RouterRateLimitError",),
    "shim._sdk.gateway": ("OpenAI", "AsyncOpenAI"),
    "shim.types": (
        "BinaryResponse",
        "EmbeddingResponse",
        "ImageResponse",
        "ModelResponse",
        "ModelResponseStream",
        "RerankResponse",
        "TextCompletionResponse",
    ),
    # Result types a chat call never needs, loaded on first use (shim/types/__init__.py)
    "shim.types._audio": ("TranscriptionResponse",),
    "shim.types._files": ("Batch", "BatchList", "FileDeleted", "FileList", "FileObject"),
    "shim.types._moderation": ("ModerationResponse",),
    "shim.types._responses": ("DeleteResponseResult", "ResponseInputItemList", "ResponsesAPIResponse"),
}
"""Each lazily loaded public name, by the module that defines it."""

RENAMED: dict[str, tuple[str, str]] = {
    "client_cache": ("shim._transport.clients", "CACHE"),
    "__version__": ("shim._version", "__version__"),
}
"""Public names whose defining module calls them otherwise."""

WHERE: dict[str, tuple[str, str]] = {
    **{name: (module, name) for module, names in PUBLIC.items() for name in names},
    **RENAMED,
}
"""Every lazily loaded public name: (module, attribute)."""


OWN = ("aclose", "close", "types")
"""Public names the face defines itself."""


def face_names() -> list[str]:
    """`shim.__all__`: every lazily loaded name, setting and exception, and the face's own names, sorted."""
    from shim import _settings, exceptions

    return sorted({*WHERE, *_settings.NAMES, *exceptions.__all__, *OWN})


def load(name: str) -> Any:
    """The public object `shim.<name>`, from its defining module (for code inside the library: never the face)."""
    module, attribute = WHERE[name]
    return getattr(importlib.import_module(module), attribute)
