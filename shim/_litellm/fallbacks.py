"""LiteLLM's client-side fallbacks: `fallbacks`, `context_window_fallback_dict`, `content_policy_fallbacks`,
`max_fallbacks`.

When a call fails with an API error (LiteLLM falls back on any error; shim on the gateway's and the network's, not
on a mistake in the call), the next candidate is tried with the call's own keywords plus its overrides. A candidate
that names another `api_base` without its own `api_key` does not inherit the call's key: a key only ever goes to
the gateway it was given for. The call's `total_timeout` covers every attempt: a fallback gets what is left, and
none starts once it is spent. When every attempt fails, the last error says so and lists each attempt's model,
gateway and error (as LiteLLM's "All fallback attempts failed"), each one logged at debug level; never a key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

import openai

from shim import exceptions as exc
from shim._call import Call, Fallbacks, Overrides
from shim._errors import Secret, scrub
from shim._router import PREFIX

_log = logging.getLogger("shim.fallbacks")
NAMES = ("fallbacks", "context_window_fallback_dict", "content_policy_fallbacks", "max_fallbacks")


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
        kind = type(cast("object", value)).__name__
        raise TypeError(f"{name} must be a list of model names or dicts, not {kind}")
    return list(cast("Sequence[Any]", value))


def _overrides(name: str, value: object) -> tuple[Overrides, ...]:
    found: list[Overrides] = []
    for item in _list(name, value):
        if isinstance(item, str):
            found.append({"model": item})
        elif isinstance(item, Mapping):
            given = cast("Mapping[object, Any]", item)
            found.append({str(k): Secret(v) if k == "api_key" and isinstance(v, str) else v for k, v in given.items()})
        else:
            raise TypeError(f"{name} items must be model names or dicts of call overrides, not {type(item).__name__}")
    return tuple(found)


class Budget:
    """The whole call's `total_timeout`, shared by its fallbacks."""

    __slots__ = ("deadline",)

    def __init__(self, total_timeout: float | None) -> None:
        self.deadline = None if total_timeout is None else time.monotonic() + total_timeout

    def within(self, call: Call[Any, Any]) -> Call[Any, Any] | None:
        """`call` with what is left of the budget as its own; None when nothing is left."""
        if self.deadline is None:
            return call
        left = self.deadline - time.monotonic()
        return replace(call, total_timeout=left) if left > 0 else None


class Tried:
    """The attempts of a call with fallbacks that failed: each one's model, gateway and error, never its key."""

    def __init__(self, call: Call[Any, Any], error: openai.APIError) -> None:
        self.attempts: list[tuple[Call[Any, Any], openai.APIError]] = []
        self.last = error
        self.add(call, error)

    def add(self, call: Call[Any, Any], error: openai.APIError) -> None:
        self.attempts.append((call, error))
        self.last = error
        _log.debug("attempt %d failed: %s", len(self.attempts), self._line(call, error))

    def all_failed(self, *, budget_spent: bool = False) -> openai.APIError:
        """The last error, its message now naming every attempt (its type unchanged: retry policies and `except`
        clauses see what the last gateway said)."""
        error = self.last
        if len(self.attempts) == 1 and not budget_spent:
            return error
        lines = "; ".join(f"{n}. {self._line(call, failed)}" for n, (call, failed) in enumerate(self.attempts, 1))
        why = " (the call's total_timeout was spent before the next fallback)" if budget_spent else ""
        message = f"All fallback attempts failed{why}: {lines}"
        for call, _ in self.attempts:  # a gateway may echo a key: no attempt's key is shown
            message = scrub(message, call.route)
        error.message = message
        error.args = (message,)
        setattr(error, "attempts", [(PREFIX + c.route.model, c.route.base_url) for c, _ in self.attempts])  # noqa: B010
        return error

    @staticmethod
    def _line(call: Call[Any, Any], error: openai.APIError) -> str:
        text = scrub(f"{type(error).__name__}: {error.message}", call.route)
        return f"{PREFIX}{call.route.model} at {call.route.base_url}: {text[:300]}"
