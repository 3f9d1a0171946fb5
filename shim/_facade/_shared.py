"""What the facade shares with shim: its package settings and its public functions, each reached in one place.

Every read and write of shim's settings (`litellm.api_base = ...`, `litellm.callbacks.append(...)`) goes through
`settings()`, and every shim function the facade hands out through `public()`: if shim moves them, only these two
lines change.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from shim._public import WHERE, face_names, load
from shim._settings import SETTINGS

SHARED_SETTINGS = frozenset(
    {
        "api_base",
        "api_key",
        "use_litellm_proxy",
        "callbacks",
        "input_callback",
        "success_callback",
        "failure_callback",
        "ssl_verify",
        "client_session",
        "aclient_session",
        "set_verbose",
    }
)
"""LiteLLM's module attributes that are shim's own settings: reading or setting one on the facade reads or sets
shim's (`litellm.callbacks = [MyLogger()]` is `shim.callbacks = [MyLogger()]`)."""


def settings() -> Any:
    """The object that holds shim's package settings (`shim.api_base`, `shim.callbacks`, ...)."""
    return SETTINGS


def public(name: str) -> Any:
    """A public shim name, as `shim.<name>` gives it: from the table (loaded on first use), its `__all__`, or one
    the face defines itself (`close`, `_turn_on_debug`), read on the face's module object as its settings are."""
    if name == "__all__":
        return face_names()
    return load(name) if name in WHERE else getattr(SETTINGS, name)


class FacadeModule(ModuleType):
    """The class of the facade's `litellm` module: a shared setting assigned on it is assigned on shim."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in SHARED_SETTINGS:
            setattr(settings(), name, value)
        else:
            super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in SHARED_SETTINGS:
            raise AttributeError(f"litellm.{name} is shim's setting {name!r}: assign it instead of deleting it")
        super().__delattr__(name)


def exported(module: ModuleType) -> list[str]:
    """A facade module's public names: its `__all__`, or else the shim classes it re-exports one by one
    (`from shim.types import X as X`)."""
    names: list[str] | None = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [
        name
        for name, value in vars(module).items()
        if isinstance(value, type) and not name.startswith("_") and value.__module__.startswith(("shim", "litellm"))
    ]
