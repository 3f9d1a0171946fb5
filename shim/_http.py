"""The HTTP library under the installed openai: `httpx2` for openai 3.x, `httpx` for 1.x and 2.x.

shim never builds requests itself; it names the library's types to receive responses (`cast_to=Response`) and
to catch what the transport raises. Which library that is, is decided by what openai itself subclasses for its
public `DefaultHttpxClient`, so only the library openai already imported is used (both may be installed: LiteLLM,
for one, brings httpx next to httpx2). Type checking sees httpx2, the library of the newest openai.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import openai

__all__ = [
    "NAME",
    "URL",
    "AsyncBaseTransport",
    "AsyncByteStream",
    "AsyncClient",
    "AsyncHTTPTransport",
    "BaseTransport",
    "Client",
    "HTTPTransport",
    "ReadTimeout",
    "Request",
    "Response",
    "SyncByteStream",
    "TimeoutException",
    "TransportError",
    "create_ssl_context",
    "version",
]

_LIBRARIES = ("httpx2", "httpx")


def _library() -> str:
    """`httpx2` or `httpx`: the package of the first base class of openai's default client that comes from one."""
    for base in openai.DefaultHttpxClient.__mro__:
        package = base.__module__.partition(".")[0]
        if package in _LIBRARIES:
            return package
    raise ImportError(f"openai {openai.__version__} sends HTTP through neither httpx2 nor httpx: shim cannot use it")


NAME = _library()

if TYPE_CHECKING:
    from httpx2 import (
        URL,
        AsyncBaseTransport,
        AsyncByteStream,
        AsyncClient,
        AsyncHTTPTransport,
        BaseTransport,
        Client,
        HTTPTransport,
        ReadTimeout,
        Request,
        Response,
        SyncByteStream,
        TimeoutException,
        TransportError,
        create_ssl_context,
    )
else:
    _module = importlib.import_module(NAME)
    globals().update({name: getattr(_module, name) for name in __all__ if name not in ("NAME", "version")})


def version() -> str:
    """The installed version of the HTTP library, e.g. for a report."""
    return str(importlib.import_module(NAME).__version__)
