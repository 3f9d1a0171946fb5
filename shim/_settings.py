"""The package settings (`shim.api_base`, `shim.callbacks`, ...), as the library reads them: the one place it does.

A program sets them on the package (`shim.api_key = "sk-..."`) and the face (`shim/__init__.py`) holds and documents
them. The library reads them here, at call time, from the face's module object, which it never imports: `SETTINGS`
is that object, typed by `PackageSettings`. Reading one is a plain attribute read.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol, cast

DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024
"""Large enough for any real answer (2,048 embeddings of 3,072 floats as JSON are about 90 MB)."""


class PackageSettings(Protocol):
    """The package settings as the library reads them: their names and types, sorted (the face,
    `shim/__init__.py`, documents each and holds its value)."""

    aclient_session: Any
    api_base: str | None
    api_key: str | None
    callbacks: list[Any]
    client_session: Any
    failure_callback: list[Any]
    input_callback: list[Any]
    max_response_bytes: int | None
    set_verbose: bool
    ssl_verify: bool | str
    success_callback: list[Any]
    total_timeout: float | None
    use_litellm_proxy: bool


SETTINGS = cast("PackageSettings", sys.modules["shim"])
"""The package's settings: the face's module object (in `sys.modules` before any module of the library loads)."""
NAMES = tuple(PackageSettings.__annotations__)
"""Every setting's name."""


def listening() -> bool:
    """Whether any package-wide callback is set."""
    s = SETTINGS
    return bool(s.callbacks or s.input_callback or s.success_callback or s.failure_callback)
