"""`litellm.exceptions` under `shim.as_litellm()`: shim's exceptions (the ones shim raises), and LiteLLM's others."""

from shim import exceptions as _exceptions
from shim._facade._extras import (
    BudgetExceededError,
    InvalidRequestError,
    ModelNotMappedError,
    RouterRateLimitError,
    UnsupportedParamsError,
)
from shim.exceptions import *  # noqa: F403  (every exception shim raises, the very classes)

__all__ = [
    "BudgetExceededError",
    "InvalidRequestError",
    "ModelNotMappedError",
    "RouterRateLimitError",
    "UnsupportedParamsError",
]
__all__ += _exceptions.__all__
