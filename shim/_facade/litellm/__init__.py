"""`litellm` under `shim.as_litellm()`: LiteLLM's names, served by shim, for frameworks that embed LiteLLM.

Loaded by the facade's finder under the name `litellm` (see shim/_facade/__init__.py), never as a shim module.
Shared settings (`api_base`, `callbacks`, `success_callback`, ...) are read and assigned on shim; LiteLLM's other
module settings (`drop_params`, `suppress_debug_info`, `telemetry`, `cache`, ...) are accepted and change nothing,
as on LiteLLM's `litellm_proxy` route. shim's public functions and types are served as they are, loaded on first
use, except the ones the facade answers itself (shim/_facade/_answers.py) and shim's own extras.
"""

import importlib
import sys
from typing import Any

from shim._facade._answers import PROVIDER_LIST, capabilities, capability, turn_on_debug
from shim._facade._answers import acreate_file as acreate_file
from shim._facade._answers import create_file as create_file
from shim._facade._answers import get_llm_provider as get_llm_provider
from shim._facade._answers import get_model_info as get_model_info
from shim._facade._answers import get_supported_openai_params as get_supported_openai_params
from shim._facade._answers import token_counter as token_counter
from shim._facade._answers import validate_environment as validate_environment
from shim._facade._shared import SHARED_SETTINGS, FacadeModule, exported, public, settings

from . import _logging as _logging
from . import exceptions as exceptions
from . import types as types
from . import utils as utils
from .types.llms import openai as _messages

# shim's names LiteLLM has no such name for, not served here (they stay on `shim`).
_SHIM_ONLY = frozenset(
    {
        "ConfigError",
        "RouteError",
        "ConflictError",
        "RedirectError",
        "ResponseTooLargeError",
        "ModelNotMappedError",
        "OpenAI",
        "AsyncOpenAI",
        "as_litellm",
        "patch_openai",
        "unpatch_openai",
        "client_cache",
        "close",
        "aclose",
        "flush_callbacks",
        "total_timeout",
        "max_response_bytes",
        "models",
        "amodels",
        "aget_model_info",
        "atoken_counter",
        "anthropic",
        "types",
        "__version__",
    }
)
# LiteLLM's exceptions, result types and message TypedDicts at the top level, as LiteLLM has them.
for _module in (exceptions, types.utils, _messages):
    globals().update({name: getattr(_module, name) for name in exported(_module) if name not in _SHIM_ONLY})

_turn_on_debug = turn_on_debug  # LiteLLM's public name, underscore and all
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


def __getattr__(name: str) -> Any:
    if name in SHARED_SETTINGS:
        return getattr(settings(), name)
    if name in capabilities():
        value = capability(name)
    elif name in _from_shim():
        value = public(name)
    else:
        return _submodule(name)
    globals()[name] = value  # later lookups skip this function
    return value


def _from_shim() -> frozenset[str]:
    """shim's public names served as they are: the ones neither shim's own nor answered here."""
    return frozenset(public("__all__")) - _SHIM_ONLY - SHARED_SETTINGS


def _submodule(name: str) -> Any:
    """`litellm.<name>` as LiteLLM's `import litellm` makes its submodules attributes: the facade's, if it has it."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module 'litellm' has no attribute {name!r} (shim's LiteLLM facade)") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *SHARED_SETTINGS, *_from_shim(), *capabilities()})


sys.modules[__name__].__class__ = FacadeModule
