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
    """Every package setting and its default; the face documents each (`shim/__init__.py`)."""

    api_base: str | None = None
    api_key: str | None = field(default=None, repr=False)
    use_litellm_proxy: bool = False
    total_timeout: float | None = None
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES
    input_callback: list[Any] = field(default_factory=list[Any])
    success_callback: list[Any] = field(default_factory=list[Any])
    failure_callback: list[Any] = field(default_factory=list[Any])
    callbacks: list[Any] = field(default_factory=list[Any])
    ssl_verify: bool | str = True
    client_session: Any = None
    aclient_session: Any = None
    set_verbose: bool = False

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
