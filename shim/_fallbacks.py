"""LiteLLM's client-side fallbacks: `fallbacks`, `context_window_fallback_dict`, `content_policy_fallbacks`,
`max_fallbacks`.

When a call fails with an API error (LiteLLM falls back on any error; shim on the gateway's and the network's, not
on a mistake in the call), the next candidate is tried with the call's own keywords plus its overrides. A candidate
that names another `api_base` without its own `api_key` does not inherit the call's key: a key only ever goes to
the gateway it was given for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from shim import exceptions as exc

Overrides = dict[str, Any]
NAMES = ("fallbacks", "context_window_fallback_dict", "content_policy_fallbacks", "max_fallbacks")


@dataclass(frozen=True, slots=True)
class Fallbacks:
    """The fallbacks one call asked for."""

    models: tuple[Overrides, ...] = ()
    context_window: Mapping[str, str] = field(default_factory=dict[str, str])
    content_policy: tuple[Overrides, ...] = ()
    content_policy_by_model: Mapping[str, tuple[Overrides, ...]] = field(
        default_factory=dict[str, tuple[Overrides, ...]]
    )
    limit: int | None = None


def take(kwargs: dict[str, Any]) -> Fallbacks | None:
    """Pop the fallback keywords; None when the call has none."""
    given = {name: kwargs.pop(name) for name in NAMES if kwargs.get(name) is not None}
    for name in NAMES:
        kwargs.pop(name, None)
    if not given:
        return None
    policy = _list("content_policy_fallbacks", given.get("content_policy_fallbacks", ()))
    by_model = {
        str(k): _overrides("content_policy_fallbacks", v)
        for item in policy
        if isinstance(item, Mapping) and "model" not in item
        for k, v in cast("Mapping[str, Any]", item).items()
    }
    plain: list[Any] = [item for item in policy if not (isinstance(item, Mapping) and "model" not in item)]
    limit = given.get("max_fallbacks")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"max_fallbacks must be an int >= 0, not {limit!r}")
    window = given.get("context_window_fallback_dict", {})
    if not isinstance(window, Mapping):
        raise TypeError("context_window_fallback_dict must be a dict of model -> fallback model")
    return Fallbacks(
        _overrides("fallbacks", given.get("fallbacks", ())),
        {str(k): str(v) for k, v in cast("Mapping[object, object]", window).items()},
        _overrides("content_policy_fallbacks", plain),
        by_model,
        limit,
    )


def candidates(fallbacks: Fallbacks, model: str, error: BaseException) -> list[Overrides]:
    """The overrides to try after `error`, in order: the error's own fallbacks first, then `fallbacks`."""
    found: list[Overrides] = []
    if isinstance(error, exc.ContextWindowExceededError) and model in fallbacks.context_window:
        found.append({"model": fallbacks.context_window[model]})
    if isinstance(error, exc.ContentPolicyViolationError):
        found += [*fallbacks.content_policy_by_model.get(model, ()), *fallbacks.content_policy]
    found += fallbacks.models
    return found[: fallbacks.limit] if fallbacks.limit is not None else found


def gateways(fallbacks: Fallbacks | None) -> list[object]:
    """The base URLs the fallbacks name (`api_base` / `base_url` in their overrides)."""
    if fallbacks is None:
        return []
    overrides = [*fallbacks.models, *fallbacks.content_policy]
    overrides += [item for items in fallbacks.content_policy_by_model.values() for item in items]
    return [item.get(name) for item in overrides for name in ("api_base", "base_url")]


def merged(original: Mapping[str, Any], overrides: Overrides) -> dict[str, Any]:
    """A fallback's keywords: the call's, with the fallback's overrides; another gateway never gets the call's key."""
    kwargs = {name: value for name, value in original.items() if name not in NAMES}
    if {"api_base", "base_url"} & overrides.keys():
        kwargs.pop("api_base", None)
        kwargs.pop("base_url", None)
        if "api_key" not in overrides:
            kwargs.pop("api_key", None)
    return {**kwargs, **{name: value for name, value in overrides.items() if name != "model"}}


def _list(name: str, value: object) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        kind: str = type(value).__name__  # pyright: ignore[reportUnknownArgumentType]
        raise TypeError(f"{name} must be a list of model names or dicts, not {kind}")
    return list(cast("Sequence[Any]", value))


def _overrides(name: str, value: object) -> tuple[Overrides, ...]:
    found: list[Overrides] = []
    for item in _list(name, value):
        if isinstance(item, str):
            found.append({"model": item})
        elif isinstance(item, Mapping):
            found.append({str(k): v for k, v in cast("Mapping[object, Any]", item).items()})
        else:
            raise TypeError(f"{name} items must be model names or dicts of call overrides, not {type(item).__name__}")
    return tuple(found)
