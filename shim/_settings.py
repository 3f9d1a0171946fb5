"""The package settings (`shim.api_base`, `shim.callbacks`, ...): one object below every module that reads them.

A program sets them on the package (`shim.api_key = "sk-..."`); the package face is a `SettingsModule`, whose
setting names read and write `SETTINGS`, so the library reads them here and never through the face. The `litellm`
facade is a `SettingsModule` too: `litellm.callbacks = [...]` sets the same value.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024
"""Large enough for any real answer (2,048 embeddings of 3,072 floats as JSON are about 90 MB)."""


@dataclass(slots=True)
class Settings:
    """Every package setting, its type, its default and what it does (the face's stub, `shim/__init__.pyi`, is
    written from here)."""

    api_base: str | None = None
    """The gateway's base URL for every call that passes none (beats LITELLM_PROXY_API_BASE)."""
    api_key: str | None = field(default=None, repr=False)
    """The gateway key for every call that passes none (beats LITELLM_PROXY_API_KEY)."""
    use_litellm_proxy: bool = False
    """Send every model string to the gateway as it is, prefix or not."""
    total_timeout: float | None = None
    """Seconds a whole call may take, retries and their waits included, for calls that pass no `total_timeout`."""
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES
    """The largest non-streamed answer (decoded) a call reads, for calls that pass no `max_response_bytes`."""
    input_callback: list[Any] = field(default_factory=list[Any])
    """Functions called with `kwargs` before each request."""
    success_callback: list[Any] = field(default_factory=list[Any])
    """Functions called `fn(kwargs, response, start_time, end_time)` after each successful call (a stream: at
    its end)."""
    failure_callback: list[Any] = field(default_factory=list[Any])
    """Functions called `fn(kwargs, None, start_time, end_time)` after each failed call (the error:
    `kwargs["exception"]`)."""
    callbacks: list[Any] = field(default_factory=list[Any])
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

    def listening(self) -> bool:
        """Whether any package-wide callback is set."""
        return bool(self.callbacks or self.input_callback or self.success_callback or self.failure_callback)


SETTINGS = Settings()
NAMES = tuple(f.name for f in fields(Settings))


def _setting(name: str) -> property:
    def get(_module: types.ModuleType) -> Any:
        return getattr(SETTINGS, name)

    def set_(_module: types.ModuleType, value: Any) -> None:
        setattr(SETTINGS, name, value)

    return property(get, set_, doc=f"`shim.{name}`")


class SettingsModule(types.ModuleType):
    """A module whose setting names (`NAMES`) are `SETTINGS`' own: reading or setting one on the module reads or
    sets the package setting."""


for _name in NAMES:
    setattr(SettingsModule, _name, _setting(_name))
