"""`litellm.litellm_core_utils.get_supported_openai_params` under `shim.as_litellm()`."""

from shim._facade._answers import get_supported_openai_params

__all__ = ["get_supported_openai_params"]
