"""LiteLLM functions the facade answers itself, where shim's own would raise or where LiteLLM answers locally.

Under the facade every model is the gateway's, so a capability question about a name without the
`litellm_proxy/` prefix (ADK strips it: `litellm_proxy/azure/x` is asked as `azure/x`) is put to the gateway
under that name. With no gateway configured for the process (`shim.as_litellm(api_base=...)`,
LITELLM_PROXY_API_BASE), capabilities answer False, as LiteLLM does for a model it does not know, and
`token_counter` counts as LiteLLM does for such a model (shim/_facade/_tokens.py).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from shim._facade._extras import ModelNotMappedError
from shim._facade._shared import public, settings
from shim._facade._tokens import count_tokens
from shim._router import ENV_BASE, ENV_KEY, PREFIX, PROVIDER, SettingName, lookup
from shim.exceptions import ConfigError, RouteError

PROVIDER_LIST = [PROVIDER]
"""The providers the facade serves (`litellm.provider_list`): the gateway only."""

# What LiteLLM 1.108.7 answers for the `litellm_proxy` route (litellm/llms/litellm_proxy/chat/transformation.py:
# the OpenAI chat parameters and OPENAI_CHAT_COMPLETION_PARAMS), without its repeats.
PROXY_CHAT_PARAMS = (
    "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "max_tokens", "max_completion_tokens",
    "modalities", "prediction", "n", "presence_penalty", "seed", "stop", "stream", "stream_options", "temperature",
    "top_p", "tools", "tool_choice", "function_call", "functions", "max_retries", "extra_headers",
    "parallel_tool_calls", "audio", "web_search_options", "service_tier", "safety_identifier", "prompt_cache_key",
    "prompt_cache_retention", "store", "response_format", "user", "request_timeout", "api_base", "api_version",
    "api_key", "deployment_id", "organization", "base_url", "default_headers", "timeout", "reasoning_effort",
    "thinking", "include_server_side_tool_invocations", "verbosity",
)  # fmt: skip

verbose_logger = logging.getLogger("LiteLLM")
"""LiteLLM's logger names, for code that sets their level or handlers; shim logs on the `shim` logger."""
verbose_router_logger = logging.getLogger("LiteLLM Router")
verbose_proxy_logger = logging.getLogger("LiteLLM Proxy")


def gateway_model(model: object) -> object:
    """`model` as the gateway's: a name without the `litellm_proxy/` prefix gets it."""
    if isinstance(model, str) and model.strip() and not model.startswith(PREFIX):
        return PREFIX + model
    return model


def get_supported_openai_params(
    model: str = "", custom_llm_provider: str | None = None, request_type: str = "chat_completion", **kwargs: Any
) -> list[str] | None:
    """The OpenAI parameters LiteLLM says a chat call on the `litellm_proxy` route takes: a fixed list, the same
    for every model (the gateway passes them on). None for other request types, as LiteLLM answers there.

    Example:
        >>> "response_format" in litellm.get_supported_openai_params(model="litellm_proxy/my-model")
        True
    """
    return list(PROXY_CHAT_PARAMS) if request_type == "chat_completion" else None


def get_llm_provider(
    model: str,
    custom_llm_provider: str | None = None,
    api_base: str | None = None,
    api_key: str | None = None,
    litellm_params: object = None,
) -> tuple[str, str, str | None, str | None]:
    """`(model, provider, api_key, api_base)` as LiteLLM splits a model string: `litellm_proxy/x` is
    `("x", "litellm_proxy", <key>, <base>)` with the gateway's key and base URL as shim would use them;
    `azure/x` is `("x", "azure", None, None)`.

    Raises:
        RouteError: the string names no provider (LiteLLM raises its BadRequestError there).

    Example:
        >>> litellm.get_llm_provider("litellm_proxy/my-model")[:2]
        ('my-model', 'litellm_proxy')
    """
    routed = bool(getattr(settings(), "use_litellm_proxy", False))
    if model.startswith(PREFIX) or custom_llm_provider == PROVIDER or (routed and not custom_llm_provider):
        key = lookup("api_key", api_key).value
        return model.removeprefix(PREFIX), PROVIDER, key, lookup("api_base", api_base).value
    if custom_llm_provider:
        return model.removeprefix(f"{custom_llm_provider}/"), custom_llm_provider, None, None
    provider, slash, rest = model.partition("/")
    if not slash or not provider or not rest:
        raise RouteError(f"model {model!r} names no provider: pass model='litellm_proxy/{model}'")
    return rest, provider, None, None


def validate_environment(
    model: str | None = None, api_key: str | None = None, api_base: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    """Whether the gateway's base URL and key are configured: `{"keys_in_environment": bool, "missing_keys":
    [...]}`, naming the environment variables that would supply the missing ones.

    Example:
        >>> litellm.validate_environment("litellm_proxy/my-model")
        {'keys_in_environment': True, 'missing_keys': []}
    """
    checks: tuple[tuple[SettingName, str | None, str], ...] = (
        ("api_base", api_base, ENV_BASE),
        ("api_key", api_key, ENV_KEY),
    )
    missing = [variable for name, given, variable in checks if lookup(name, given).value is None]
    return {"keys_in_environment": not missing, "missing_keys": missing}


def lenient(check: Callable[..., bool]) -> Callable[..., bool]:
    """A shim `supports_*` check as LiteLLM answers it: asked of the gateway for any model name, False when no
    gateway is configured or the name cannot be asked."""

    @functools.wraps(check)
    def answer(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> bool:
        try:
            return check(gateway_model(model), None, **kwargs)
        except (ConfigError, RouteError):
            return False

    return answer


def get_model_info(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """What the gateway knows of a model group (shim's `get_model_info`), for any model name.

    Raises:
        ModelNotMappedError: no gateway is configured for the process (LiteLLM raises it for unknown models).
        ValueError: the gateway has no such model group.

    Example:
        >>> litellm.get_model_info("litellm_proxy/my-model")["max_input_tokens"]
    """
    try:
        info: dict[str, Any] = public("get_model_info")(gateway_model(model), None, **kwargs)
    except (ConfigError, RouteError) as error:
        raise ModelNotMappedError(
            f"This model isn't mapped yet. model={model!r}: shim asks the gateway for model information, and {error}"
        ) from error
    return info


def token_counter(model: str = "", *args: Any, **kwargs: Any) -> int:
    """The tokens `messages` (or `text`) take, for any model name. LiteLLM's parameters, in its order: `model`,
    `custom_tokenizer`, `text`, `messages`, `count_response_tokens`, `tools`, `tool_choice`,
    `use_default_image_token_count`, `default_token_count`.

    With a gateway configured (`shim.as_litellm(api_base=...)`, LITELLM_PROXY_API_BASE, or `api_base=` here), the
    gateway counts (shim's `token_counter`: POST /utils/token_counter), with the tokenizer its alias uses. With
    none, the count is LiteLLM's for a model it does not know, made here: tiktoken's `cl100k_base` when tiktoken
    and the encoding's file are on this machine (LiteLLM ships the file; nothing is downloaded), otherwise an
    estimate of a quarter of each text's UTF-8 bytes, with LiteLLM's per-message, tools and reply overheads.

    Raises:
        ValueError: counted here, both or neither of `text` and `messages`, `tools` with `text`, or a content block
            LiteLLM cannot count (unless `default_token_count` is given), as LiteLLM raises.
        TypeError: asked of the gateway, a `custom_tokenizer` (the gateway counts) or no `messages`/`text`.

    Example:
        >>> litellm.token_counter(model="litellm_proxy/my-model", messages=[{"role": "user", "content": "Hi"}])
        8
    """
    if _gateway_named(kwargs.get("api_base") or kwargs.get("base_url")):
        try:
            count: int = public("token_counter")(gateway_model(model), *args, **kwargs)
        except (ConfigError, RouteError):
            pass  # raised before any request: a name or setting the gateway cannot be asked with, so LiteLLM's count
        else:
            return count
    return count_tokens(*args, **kwargs)


def _gateway_named(api_base: object) -> bool:
    """Whether a gateway base URL is given or configured (else LiteLLM's checks apply, not shim's stricter ones)."""
    try:
        return lookup("api_base", api_base).value is not None
    except ConfigError:
        return False


def _file_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    # ADK uploads a proxied model's inline file with custom_llm_provider="openai" and the proxy's api_base: with
    # a base URL given, that is a call to the gateway, not to OpenAI.
    if kwargs.get("custom_llm_provider") == "openai" and kwargs.get("api_base"):
        return {name: value for name, value in kwargs.items() if name != "custom_llm_provider"}
    return kwargs


def create_file(file: Any = None, purpose: Any = None, expires_after: Any = None, **kwargs: Any) -> Any:
    """shim's `create_file`; `custom_llm_provider="openai"` with an `api_base` is a call to that gateway.

    Example:
        >>> litellm.create_file(file=("a.pdf", data), purpose="assistants", custom_llm_provider="openai",
        ...                     api_base="http://localhost:4000")
    """
    return public("create_file")(file, purpose, expires_after, **_file_kwargs(kwargs))


async def acreate_file(file: Any = None, purpose: Any = None, expires_after: Any = None, **kwargs: Any) -> Any:
    """Async `create_file`.

    Example:
        >>> await litellm.acreate_file(file=("a.pdf", data), purpose="assistants", api_base="http://localhost:4000")
    """
    return await public("acreate_file")(file, purpose, expires_after, **_file_kwargs(kwargs))


def turn_on_debug() -> None:
    """LiteLLM's `_turn_on_debug()`: shim's debug lines (`shim._turn_on_debug()`).

    Example:
        >>> litellm._turn_on_debug()
    """
    public("_turn_on_debug")()


def disable_debugging() -> None:
    """LiteLLM's `_logging._disable_debugging()`: shim's debug lines off (`shim.set_verbose = False`).

    Example:
        >>> litellm._logging._disable_debugging()
    """
    settings().set_verbose = False


def capabilities() -> frozenset[str]:
    """shim's `supports_*` checks (each served by the facade through `lenient`), as shim's face lists them."""
    return frozenset(name for name in public("__all__") if name.startswith("supports_"))


@functools.cache
def capability(name: str) -> Callable[..., bool]:
    """The facade's `supports_<...>` named `name`: shim's check, made `lenient` (built on first use)."""
    return lenient(public(name))
