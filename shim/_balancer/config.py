"""A Router's configuration, checked once: its deployments (LiteLLM's `model_list`), policies and fallbacks.

Every deployment must be a gateway model (`litellm_proxy/...`, or `custom_llm_provider: litellm_proxy`); any other
is a `ConfigError` naming the entry (its index, `model_name` and `model`), never its key. A deployment's id is
LiteLLM's (`Router.generate_model_id`: sha256 of the model name and its parameters) unless `model_info.id` gives
one, so a deployment has the same id in shim and in LiteLLM, and in every worker sharing Redis.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pydantic

from shim._litellm.params import PARAMS
from shim._router import PREFIX, PROVIDER, check_api_key, normalize_base_url
from shim.exceptions import ConfigError

# litellm_params the Router reads itself; the call gets none of them as they are.
_ROUTING_PARAMS = frozenset(
    {"model", "api_base", "base_url", "api_key", "custom_llm_provider", "timeout", "request_timeout"}
    | {"stream_timeout", "num_retries", "max_retries", "rpm", "tpm", "weight", "order", "cooldown_time"}
)
_ENV_PREFIX = "os.environ/"


class _Params(pydantic.BaseModel):
    """Attribute and dict access, as LiteLLM's typed dicts have both."""

    model_config = pydantic.ConfigDict(extra="allow", protected_namespaces=())

    def get(self, key: str, default: Any = None) -> Any:
        """The field `key`, or `default`."""
        value = getattr(self, key, None)
        return default if value is None else value

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and getattr(self, key, None) is not None


class LiteLLMParams(_Params):
    """A deployment's `litellm_params`: the gateway model, where it is, its key, and its routing settings."""

    model: str
    api_base: str | None = None
    api_key: str | None = pydantic.Field(default=None, repr=False)
    rpm: float | None = None
    tpm: float | None = None
    weight: float | None = None
    timeout: float | None = None
    stream_timeout: float | None = None
    num_retries: int | None = None
    order: int | None = None
    cooldown_time: float | None = None

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:  # extras may hold credentials: not shown
        yield from ((name, getattr(self, name)) for name in ("model", "api_base") if getattr(self, name) is not None)


class ModelInfo(_Params):
    """A deployment's `model_info`: its `id`, and whatever else the config gave."""

    id: str


class Deployment(_Params):
    """One deployment of a model group, as `Router.get_deployment` returns it (LiteLLM's `Deployment`).

    Example:
        >>> d = router.get_deployment(model_id="eu-1")
        >>> d.model_name, d.litellm_params.api_base
    """

    model_name: str
    litellm_params: LiteLLMParams
    model_info: ModelInfo

    def to_json(self, **kwargs: Any) -> dict[str, Any]:
        """The deployment as a `model_list` entry (LiteLLM's name)."""
        return self.model_dump(**kwargs)


@dataclass(frozen=True, slots=True)
class Target:
    """A deployment as the Router uses it on every call: resolved once."""

    id: str
    group: str
    model: str  # "litellm_proxy/<name>": what shim's endpoint functions take
    api_base: str | None
    api_key: str | None = field(repr=False)
    weight: float = 0.0
    rpm: float | None = None
    tpm: float | None = None
    timeout: float | None = None
    stream_timeout: float | None = None
    num_retries: int | None = None
    order: int | None = None
    cooldown_time: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False)  # passed on to the call
    entry: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False)  # the model_list entry, id filled

    def deployment(self) -> Deployment:
        """The public view of this deployment."""
        return Deployment.model_validate(self.entry)


def generate_model_id(model_group: str, litellm_params: Mapping[str, Any]) -> str:
    """LiteLLM's deployment id: sha256 over the model name and each parameter's name and value, in order."""
    parts = [model_group]
    for key, value in litellm_params.items():
        parts.append(key)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            parts.append(json.dumps(value, default=str))
        else:
            parts.append(str(value))
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def targets(model_list: object, env: Mapping[str, str] | None = None) -> list[Target]:
    """Every entry of a `model_list`, checked and resolved, in order. Raises `ConfigError` before any request."""
    if isinstance(model_list, (str, bytes, Mapping)) or not isinstance(model_list, Sequence):
        raise ConfigError("model_list must be a list of {'model_name': ..., 'litellm_params': {...}} dicts")
    entries = cast("Sequence[object]", model_list)
    found: list[Target] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        built = target(entry, f"model_list[{index}]", env)
        if built.id in seen:
            raise ConfigError(
                f"model_list[{index}] has the id {built.id!r} of model_list[{seen[built.id]}] (the same deployment "
                "twice?): give each a distinct model_info.id"
            )
        seen[built.id] = index
        found.append(built)
    return found


def target(entry: object, where: str, env: Mapping[str, str] | None = None) -> Target:
    """One `model_list` entry (a dict, or a `Deployment`) as a `Target`; `where` names it in errors."""
    if isinstance(entry, pydantic.BaseModel):
        entry = entry.model_dump(exclude_none=True)
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where} must be a dict with 'model_name' and 'litellm_params', not {type(entry).__name__}")
    raw = cast("Mapping[str, Any]", entry)
    name = raw.get("model_name")
    params = raw.get("litellm_params")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} needs a 'model_name' (the model group callers ask for)")
    where = f"{where} (model_name={name!r})"
    if not isinstance(params, Mapping):
        raise ConfigError(f"{where} needs 'litellm_params': {{'model': 'litellm_proxy/<model>', 'api_base': ...}}")
    params = {str(k): _secret(str(k), v, where, env) for k, v in cast("Mapping[object, Any]", params).items()}
    given_info: object = raw.get("model_info") or {}
    if not isinstance(given_info, Mapping):
        raise ConfigError(f"{where}: model_info must be a dict")
    info = {str(k): v for k, v in cast("Mapping[object, Any]", given_info).items()}
    model = _gateway_model(params, where)
    identifier = str(info["id"]) if info.get("id") is not None else generate_model_id(name, params)
    full = {"model_name": name, "litellm_params": dict(params), "model_info": {**info, "id": identifier}}
    return Target(
        id=identifier,
        group=name,
        model=model,
        api_base=_base(params, where),
        api_key=_key(params, where),
        weight=_weight(params, where),
        rpm=_number(params, "rpm", where),
        tpm=_number(params, "tpm", where),
        timeout=_number(params, "timeout", where) or _number(params, "request_timeout", where),
        stream_timeout=_number(params, "stream_timeout", where),
        num_retries=_count(params, "num_retries", where),
        order=_count(params, "order", where),
        cooldown_time=_cooldown(params, info, where),
        params={k: v for k, v in params.items() if k not in _ROUTING_PARAMS and PARAMS.get(k) != "dropped"},
        entry=full,
    )


def _gateway_model(params: Mapping[str, Any], where: str) -> str:
    model = params.get("model")
    provider = params.get("custom_llm_provider")
    if not isinstance(model, str) or not model.strip():
        raise ConfigError(f"{where} has no litellm_params.model: use 'litellm_proxy/<model on the gateway>'")
    if provider not in (None, PROVIDER):
        raise ConfigError(
            f"{where} has custom_llm_provider={provider!r}: shim's Router only routes to LiteLLM gateways "
            "('litellm_proxy'); call that provider through a gateway"
        )
    if model.startswith(PREFIX) and model[len(PREFIX) :].strip():
        return model
    if provider == PROVIDER:
        return PREFIX + model
    raise ConfigError(
        f"{where} has model={model!r}, which is not a gateway model: shim's Router only routes to LiteLLM gateways, "
        f"so use model='litellm_proxy/<model on the gateway>' with that gateway's api_base and api_key"
    )


def _secret(name: str, value: Any, where: str, env: Mapping[str, str] | None) -> Any:
    """LiteLLM's `os.environ/NAME` values, read now (the name is shown in an error, never the value)."""
    if not isinstance(value, str) or not value.startswith(_ENV_PREFIX):
        return value
    variable = value[len(_ENV_PREFIX) :]
    found = (os.environ if env is None else env).get(variable)
    if found is None:
        raise ConfigError(f"{where}: litellm_params.{name} reads the environment variable {variable}, which is unset")
    return found


def _base(params: Mapping[str, Any], where: str) -> str | None:
    value = params.get("api_base", params.get("base_url"))
    if value is None:
        return None  # the package's api_base or LITELLM_PROXY_API_BASE, at call time
    if not isinstance(value, str):
        raise ConfigError(f"{where}: api_base must be a string such as 'http://gateway:4000'")
    try:
        return normalize_base_url(value)
    except ConfigError as error:
        raise ConfigError(f"{where}: {error}") from None


def _key(params: Mapping[str, Any], where: str) -> str | None:
    value = params.get("api_key")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: api_key must be a non-empty string (or 'os.environ/<VARIABLE>')")
    try:
        return check_api_key(value)
    except ConfigError as error:
        raise ConfigError(f"{where}: {error}") from None


def _number(params: Mapping[str, Any], name: str, where: str) -> float | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{where}: litellm_params.{name} must be a number >= 0, not {value!r}")
    return float(value)


def _count(params: Mapping[str, Any], name: str, where: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where}: litellm_params.{name} must be an int >= 0, not {value!r}")
    return value


def _weight(params: Mapping[str, Any], where: str) -> float:
    return _number(params, "weight", where) or 0.0


def _cooldown(params: Mapping[str, Any], info: Mapping[str, Any], where: str) -> float | None:
    found = _number(info, "cooldown_time", where)
    return found if found is not None else _number(params, "cooldown_time", where)


class RetryPolicy(pydantic.BaseModel):
    """Retries per kind of error (LiteLLM's `RetryPolicy`): `RetryPolicy(RateLimitErrorRetries=3)`."""

    model_config = pydantic.ConfigDict(extra="forbid")

    BadRequestErrorRetries: int | None = None
    AuthenticationErrorRetries: int | None = None
    TimeoutErrorRetries: int | None = None
    RateLimitErrorRetries: int | None = None
    ContentPolicyViolationErrorRetries: int | None = None
    InternalServerErrorRetries: int | None = None
    ServiceUnavailableErrorRetries: int | None = None
    NotFoundErrorRetries: int | None = None
    DefaultRetries: int | None = None


class AllowedFailsPolicy(pydantic.BaseModel):
    """Failures per kind of error a deployment may have before it cools down (LiteLLM's `AllowedFailsPolicy`)."""

    model_config = pydantic.ConfigDict(extra="forbid")

    BadRequestErrorAllowedFails: int | None = None
    AuthenticationErrorAllowedFails: int | None = None
    TimeoutErrorAllowedFails: int | None = None
    RateLimitErrorAllowedFails: int | None = None
    ContentPolicyViolationErrorAllowedFails: int | None = None
    InternalServerErrorAllowedFails: int | None = None
    ServiceUnavailableErrorAllowedFails: int | None = None
    BadGatewayErrorAllowedFails: int | None = None
    NotFoundErrorAllowedFails: int | None = None


PolicyT = pydantic.BaseModel


def policy(cls: type[RetryPolicy] | type[AllowedFailsPolicy], name: str, value: object) -> Any:
    """A policy from a dict, our class, or LiteLLM's class of the same name (anything with `model_dump`)."""
    if value is None or isinstance(value, cls):
        return value
    dump = getattr(value, "model_dump", None)
    data = dump(exclude_none=True) if callable(dump) else value
    if not isinstance(data, Mapping):
        raise ConfigError(f"{name} must be a dict or {cls.__name__}, not {type(value).__name__}")
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        field_name = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{name}: {field_name}: {first['msg']} (fields: {', '.join(cls.model_fields)})") from None


def check_fallbacks(name: str, value: object) -> list[dict[str, list[Any]]]:
    """LiteLLM's fallbacks shape: a list of one-key dicts, `[{"group": ["fallback-group", ...]}]`."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise ConfigError(f"{name} must be a list like [{{'my-group': ['other-group']}}]")
    found: list[dict[str, list[Any]]] = []
    for item in cast("Sequence[object]", value):
        if not isinstance(item, Mapping) or len(cast("Mapping[object, object]", item)) != 1:
            raise ConfigError(f"{name}: each item must be a dict with exactly one key, not {item!r:.80}")
        ((group, targets_),) = cast("Mapping[object, object]", item).items()
        if isinstance(targets_, str):
            targets_ = [targets_]
        if isinstance(targets_, (bytes, Mapping)) or not isinstance(targets_, Sequence):
            raise ConfigError(f"{name}[{group!r}] must be a list of model groups")
        found.append({str(group): list(cast("Sequence[Any]", targets_))})
    return found
