"""`litellm.main` under `shim.as_litellm()`: the top-level `litellm`'s names (`completion`, `ModelResponse`, ...)."""

import sys
from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("_"):
        raise AttributeError(f"module 'litellm.main' has no attribute {name!r} (shim's LiteLLM facade)")
    return getattr(sys.modules["litellm"], name)
