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
from typing import Any

from shim.exceptions import *  # noqa: F403  (the exceptions load with the package: `except shim.X` needs no call)

# The package settings (LiteLLM's names): read by the library at call time, in one place (shim/_settings.py).
api_base: str | None = None
"""The gateway's base URL for every call that passes none (beats LITELLM_PROXY_API_BASE)."""
api_key: str | None = None
"""The gateway key for every call that passes none (beats LITELLM_PROXY_API_KEY)."""
use_litellm_proxy: bool = False
"""Send every model string to the gateway as it is, prefix or not."""
total_timeout: float | None = None
"""Seconds a whole call may take, retries and their waits included, for calls that pass no `total_timeout`."""
max_response_bytes: int | None = 128 * 1024 * 1024  # shim._settings.DEFAULT_MAX_RESPONSE_BYTES
"""The largest non-streamed answer (decoded) a call reads, for calls that pass no `max_response_bytes`."""
input_callback: list[Any] = []
"""Functions called with `kwargs` before each request."""
success_callback: list[Any] = []
"""Functions called `fn(kwargs, response, start_time, end_time)` after each successful call (a stream: at
its end)."""
failure_callback: list[Any] = []
"""Functions called `fn(kwargs, None, start_time, end_time)` after each failed call (the error:
`kwargs["exception"]`)."""
callbacks: list[Any] = []
"""`CustomLogger` objects (or functions, as success and failure callbacks) for every call."""
ssl_verify: bool | str = True
"""TLS verification for every call that passes no `ssl_verify=`: False, or a CA bundle path (SSL_VERIFY
beats it)."""
client_session: Any = None
"""An httpx2 (openai 3.x) or httpx `Client`, e.g. `openai.DefaultHttpxClient(...)`, for sync calls: mTLS,
proxies."""
aclient_session: Any = None
"""The same for async calls: an `AsyncClient` of the library openai uses
(`openai.DefaultAsyncHttpxClient(...)`)."""
set_verbose: bool = False
"""Log each request at debug level on the `shim` logger, keys masked (as `_turn_on_debug()`,
LITELLM_LOG=DEBUG)."""


def _turn_on_debug() -> None:  # pyright: ignore[reportUnusedFunction]  (LiteLLM's public name)
    """Turn on debug output of the `shim` loggers, keys masked (LiteLLM's `litellm._turn_on_debug()`)."""
    from shim._litellm.debug import turn_on

    turn_on()


def close() -> None:
    """Close every cached sync connection pool. Later calls open new ones.

    Example:
        >>> shim.close()  # at the end of a script, or between tests
    """
    importlib.import_module("shim._public").load("client_cache").close()


async def aclose() -> None:
    """Close every cached sync pool and the running event loop's async pools. Later calls open new ones.

    Example:
        >>> await shim.aclose()
    """
    await importlib.import_module("shim._public").load("client_cache").aclose()


# Everything but the exceptions loads on first use (PEP 562): `import shim` costs little beyond `import openai`,
# and a program pays only for the endpoints it calls (audio types, wrapt for patching, ...).
# `import shim` loads nothing of its own but this module and the exceptions (the table of names is loaded with the
# first name); `__all__` is built from the table too (type checkers read the stub's names).
def __getattr__(name: str) -> Any:
    _public = importlib.import_module("shim._public")  # not `from shim import`: that would ask this function

    if name == "__all__":
        value: Any = _public.face_names()
    elif name == "types":
        value = importlib.import_module("shim.types")
    elif name in _public.WHERE:
        value = _public.load(name)
    else:
        raise AttributeError(f"module 'shim' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    _public = importlib.import_module("shim._public")

    return sorted({*globals(), *_public.face_names()})
