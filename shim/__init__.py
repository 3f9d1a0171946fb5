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
from typing import Any

from shim._public import WHERE, face_names, load
from shim._settings import SettingsModule
from shim._version import __version__ as __version__
from shim.exceptions import *  # noqa: F403  (the exceptions load with the package: `except shim.X` needs no call)

# `shim.api_base`, `shim.callbacks`, ...: each package setting (shim/_settings.py) is read and set on the package.
sys.modules[__name__].__class__ = SettingsModule


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


# The table's names, the settings, the exceptions and the face's own; type checkers read `__init__.pyi`'s list.
__all__ = face_names()  # pyright: ignore[reportUnsupportedDunderAll]  (built from the table; the stub lists it)
