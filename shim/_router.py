"""Model string and configuration resolution: pure functions, no I/O.

A call resolves to a `Route`: the model name the gateway receives, the gateway's base URL and the key. Precedence
for each setting is per-call argument > module attribute (`shim.api_base`) > environment variable. OpenAI's own
variables (`OPENAI_BASE_URL`, `OPENAI_API_KEY`) are never read: a gateway key must not go to OpenAI, nor an OpenAI
key to a gateway.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from shim._settings import SETTINGS
from shim.exceptions import ConfigError, RouteError

PREFIX = "litellm_proxy/"
PROVIDER = "litellm_proxy"
ENV_BASE = "LITELLM_PROXY_API_BASE"
ENV_KEY = "LITELLM_PROXY_API_KEY"
ENV_ROUTE_ALL = "USE_LITELLM_PROXY"
_TRUTHY = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True, slots=True)
class Settings:
    """The module-level defaults (`shim.api_base`, `shim.api_key`, `shim.use_litellm_proxy`)."""

    api_base: str | None = None
    api_key: str | None = field(default=None, repr=False)
    use_litellm_proxy: bool = False
    debug: bool = False  # `shim.set_verbose` (also set by `shim._turn_on_debug()`) or LITELLM_LOG=DEBUG


@dataclass(frozen=True, slots=True)
class Route:
    """Where one call goes. The key never shows in `repr`."""

    model: str
    base_url: str
    api_key: str = field(repr=False)


def package_settings() -> Settings:
    """The module attributes (`shim.api_base`, `shim.api_key`, `shim.use_litellm_proxy`, `shim.set_verbose`) and
    LITELLM_LOG, read at call time."""
    return Settings(
        api_base=SETTINGS.api_base,
        api_key=SETTINGS.api_key,
        use_litellm_proxy=bool(SETTINGS.use_litellm_proxy),
        debug=bool(SETTINGS.set_verbose) or os.environ.get("LITELLM_LOG", "").upper() == "DEBUG",
    )


def resolve(
    model: object,
    *,
    api_base: object = None,
    api_key: object = None,
    custom_llm_provider: object = None,
    settings: Settings,
    env: Mapping[str, str],
) -> Route:
    """Resolve the model string and configuration of one call, or raise `RouteError`/`ConfigError`."""
    wire_model = resolve_model(model, custom_llm_provider, settings, env)
    return Route(wire_model, resolve_base_url(api_base, settings, env), resolve_api_key(api_key, settings, env))


def resolve_model(model: object, custom_llm_provider: object, settings: Settings, env: Mapping[str, str]) -> str:
    """The model name sent to the gateway: `litellm_proxy/<rest>` sends `<rest>` (which may contain slashes)."""
    if not isinstance(model, str):
        raise TypeError(f"model must be a string such as 'litellm_proxy/my-model', not {type(model).__name__}")
    _check_model_text(model)
    if model.startswith(PREFIX):
        rest = model[len(PREFIX) :]
        if not rest.strip():
            raise RouteError(f"model {model!r} names no model after the prefix: use 'litellm_proxy/<model-name>'")
        if rest != rest.strip():
            raise RouteError(f"model {model!r} has whitespace after the prefix: use 'litellm_proxy/{rest.strip()}'")
        return rest
    check_provider(custom_llm_provider)
    if custom_llm_provider == PROVIDER or route_all(settings, env):
        return model
    raise RouteError(
        f"model {model!r} has no 'litellm_proxy/' prefix: use model='litellm_proxy/{model}', or send every model "
        f"to the gateway with shim.use_litellm_proxy = True or the environment variable {ENV_ROUTE_ALL}=1"
    )


def check_provider(custom_llm_provider: object) -> None:
    """Only the gateway is served: any other `custom_llm_provider` is refused."""
    if custom_llm_provider is not None and custom_llm_provider != PROVIDER:
        raise RouteError(
            f"custom_llm_provider={custom_llm_provider!r} is not served by shim, which only talks to a LiteLLM "
            f"gateway: drop it, or pass custom_llm_provider='litellm_proxy'"
        )


def route_all(settings: Settings, env: Mapping[str, str]) -> bool:
    """True when every model string goes to the gateway as is."""
    return settings.use_litellm_proxy or env.get(ENV_ROUTE_ALL, "").strip().lower() in _TRUTHY


def resolve_base_url(api_base: object, settings: Settings, env: Mapping[str, str]) -> str:
    """The gateway's base URL, without a trailing slash; with or without `/v1` as the user gave it."""
    return normalize_base_url(_required(find("api_base", api_base, settings, env)))


@functools.lru_cache(maxsize=64)
def normalize_base_url(url: str) -> str:
    """Validate a base URL and drop trailing slashes. Cached: most programs use one or two."""
    if not url.isprintable() or any(ch.isspace() for ch in url):
        raise ConfigError("api_base contains whitespace or control characters: pass a plain URL")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"api_base {_safe_url(url)!r} is not an http(s) URL: pass e.g. 'http://localhost:4000'")
    if parts.username is not None or parts.password is not None:
        raise ConfigError("api_base must not contain credentials: pass the key as api_key instead")
    if parts.query or parts.fragment:
        raise ConfigError(f"api_base {_safe_url(url)!r} has a query or fragment: pass only scheme, host and path")
    try:
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError as error:
        raise ConfigError(f"api_base {_safe_url(url)!r} has an invalid port") from error
    return url.rstrip("/")


def resolve_api_key(api_key: object, settings: Settings, env: Mapping[str, str]) -> str:
    """The gateway key. Never OPENAI_API_KEY."""
    return check_api_key(_required(find("api_key", api_key, settings, env)))


def check_api_key(value: str) -> str:
    """A key that can go in an `Authorization` header as it is."""
    # A newline or non-ASCII character would break (or inject into) the Authorization header.
    if not (value.isascii() and value.isprintable()) or " " in value:
        raise ConfigError("api_key contains whitespace, control or non-ASCII characters: check how it was loaded")
    return value


SettingName = Literal["api_base", "api_key"]
_ENV: dict[SettingName, str] = {"api_base": ENV_BASE, "api_key": ENV_KEY}
_EXAMPLE: dict[SettingName, str] = {"api_base": "'http://host:4000'", "api_key": "'sk-...'"}
_NEVER_USED: dict[SettingName, str] = {"api_base": "OPENAI_BASE_URL", "api_key": "OPENAI_API_KEY"}


@dataclass(frozen=True, slots=True)
class Found:
    """A setting's value and where it came from: the caller (`api_key=`, or a CLI flag), `shim.<name>`, an
    environment variable, or "missing"."""

    name: SettingName
    value: str | None = field(repr=False)
    source: str


def find(
    name: SettingName, given: object, settings: Settings, env: Mapping[str, str], *, given_as: str | None = None
) -> Found:
    """The one lookup of a gateway setting, for the library, `shim doctor`, the CLI and the demo: the value the
    caller gave > `shim.<name>` > the environment variable. A value given empty is an error, never a fall-through
    (an empty per-tenant key must not become the process's key); an empty environment variable counts as unset."""
    for value, source in ((given, given_as or f"{name}="), (getattr(settings, name), f"shim.{name}")):
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{name} must be a string, not {type(value).__name__}")
        if not value.strip():
            raise ConfigError(
                f"{name} is empty (from {source}): pass the gateway's {name}, or leave it unset to use "
                f"shim.{name} or {_ENV[name]}"
            )
        return Found(name, value, source)
    from_env = env.get(_ENV[name], "")
    return Found(name, from_env, _ENV[name]) if from_env.strip() else Found(name, None, "missing")


def lookup(name: SettingName, given: object = None, *, given_as: str | None = None) -> Found:
    """`find` in the package's settings and the process environment, as they are now."""
    return find(name, given, package_settings(), os.environ, given_as=given_as)


def _required(found: Found) -> str:
    if found.value is None:
        name = found.name
        raise ConfigError(
            f"No gateway {name}: pass {name}={_EXAMPLE[name]} to the call, set shim.{name}, or set the "
            f"{_ENV[name]} environment variable ({_NEVER_USED[name]} is deliberately not used)"
        )
    return found.value


def _check_model_text(model: str) -> None:
    if not model or not model.strip():
        raise RouteError("model is empty: pass model='litellm_proxy/<model-name>'")
    if model != model.strip() or not model.isprintable():
        raise RouteError(f"model {model!r} has surrounding whitespace or control characters: pass the bare name")


def _safe_url(url: str) -> str:
    """The URL without anything that could be a credential, for messages."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.hostname or ''}{parts.path}"[:80]
    # No authority (e.g. 'user:secret@host' parses as scheme 'user'): drop everything up to the last '@'.
    return url.rpartition("@")[2][:80]
