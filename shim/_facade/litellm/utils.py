"""`litellm.utils` under `shim.as_litellm()`: the capability and model questions, and the result types."""

from typing import Any

from shim._facade._answers import capabilities, capability
from shim._facade._answers import get_llm_provider as get_llm_provider
from shim._facade._answers import get_model_info as get_model_info
from shim._facade._answers import get_supported_openai_params as get_supported_openai_params
from shim._facade._answers import token_counter as token_counter
from shim._facade._answers import validate_environment as validate_environment
from shim._facade._shared import exported

from .types import utils as _types

globals().update({name: getattr(_types, name) for name in exported(_types)})  # the result types, as LiteLLM's has


def __getattr__(name: str) -> Any:
    if name in capabilities():
        value = capability(name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'litellm.utils' has no attribute {name!r} (shim's LiteLLM facade)")
