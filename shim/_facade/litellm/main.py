"""`litellm.main` under `shim.as_litellm()`: the calls and what they return, as the top-level `litellm` has them."""

import sys
from typing import Any

_NAMES = frozenset(
    {
        "completion",
        "acompletion",
        "text_completion",
        "atext_completion",
        "embedding",
        "aembedding",
        "responses",
        "aresponses",
        "stream_chunk_builder",
        "CustomStreamWrapper",
        "ModelResponse",
        "ModelResponseStream",
        "EmbeddingResponse",
        "TextCompletionResponse",
    }
)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(sys.modules["litellm"], name)
    raise AttributeError(f"module 'litellm.main' has no attribute {name!r} (shim's LiteLLM facade)")
