"""One Router call's decisions, as LiteLLM makes them, in one generator of effects (driven sync or async).

    call ── with_fallbacks(group) ── with_retries(group) ── attempt ── pick (cooldowns, strategy) ── Send
                 │  on failure: the error's fallback groups, each with its own retries, depth <= max_fallbacks
                 └  on success: the result carries the deployment's id, its gateway, the group, retries, fallbacks

Retries (`with_retries`, LiteLLM's `async_function_with_retries`): the first failure decides. A `retry_policy`
number for its kind wins; otherwise errors not worth retrying are raised at once (400s but 401/403 when the group
has another deployment, 404, a context window or content policy error, a 429 with no healthy deployment left and
fallbacks to go to, anything with no healthy deployment left). Each retry picks a deployment afresh, so it goes to
another one when the failed one cooled down. A retry waits 0 s while the group has a healthy deployment, else an
exponential backoff (0.5 s doubling, at most 8 s, or the answer's Retry-After up to 60 s; at least `retry_after`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

import openai

from shim._balancer import cooldowns
from shim._balancer.config import Target
from shim._balancer.effects import Flow, Incr, Put, Read, Send, Sleep
from shim._balancer.errors import RouterRateLimitError
from shim._balancer.strategies import Request
from shim.exceptions import ContentPolicyViolationError, ContextWindowExceededError, LiteLLMErrorMixin

if TYPE_CHECKING:
    from shim._balancer.config import AllowedFailsPolicy, RetryPolicy
    from shim._balancer.state import LocalState, State
    from shim._balancer.strategies import Strategy


class Router(Protocol):
    """What a Router call's decisions read of the Router (`shim._balancer.router.Router`)."""

    num_retries: int
    max_fallbacks: int
    retry_after: float
    cooldown_time: float
    disable_cooldowns: bool
    allowed_fails: int
    allowed_fails_policy: AllowedFailsPolicy | None
    fallbacks: list[dict[str, list[Any]]]
    context_window_fallbacks: list[dict[str, list[Any]]]
    content_policy_fallbacks: list[dict[str, list[Any]]]
    local: LocalState
    state: State
    strategy: Strategy

    def group_of(self, model: str) -> str: ...

    def deployments_for(self, model: str) -> tuple[Target, ...]: ...

    def retry_policy_for(self, group: str) -> RetryPolicy | None: ...

    def call_kwargs(self, target: Target, walk: Walk) -> dict[str, Any]: ...


MINUTE = 60.0
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
JITTER = 0.75


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A call the Router makes: LiteLLM's name for it, shim's sync and async functions, and the field holding its
    input (for the usage strategy's token estimate)."""

    name: str
    sync: Callable[..., Any]
    asynchronous: Callable[..., Any]
    text: str = ""
    takes_model: bool = True  # files and batches name no model on the wire


@dataclass(slots=True)
class Walk:
    """One call's way through the groups: its options, and which fallbacks it tried."""

    endpoint: Endpoint
    kwargs: dict[str, Any]
    request: Request
    num_retries: int | None
    fallbacks: list[Any]
    context_window_fallbacks: list[Any]
    content_policy_fallbacks: list[Any]
    max_fallbacks: int
    disabled: bool
    own_key: bool
    tried: set[str] = field(default_factory=set[str])  # fallback groups
    failed: set[str] = field(default_factory=set[str])  # deployments that failed this call
    last: Target | None = None


def call(router: Router, endpoint: Endpoint, model: str, kwargs: dict[str, Any]) -> Flow[Any]:
    """A Router call: `model` is a group, an alias, or a deployment's id; `kwargs` the call's own arguments."""
    request = Request(bool(kwargs.get("stream")), kwargs.get(endpoint.text) if endpoint.text else None)
    walk = Walk(
        endpoint,
        kwargs,
        request,
        kwargs.pop("num_retries", None),
        _given(kwargs, "fallbacks", router.fallbacks),
        _given(kwargs, "context_window_fallbacks", router.context_window_fallbacks),
        _given(kwargs, "content_policy_fallbacks", router.content_policy_fallbacks),
        _given(kwargs, "max_fallbacks", router.max_fallbacks),
        bool(kwargs.pop("disable_fallbacks", False)),
        kwargs.get("api_key") is not None,
    )
    if kwargs.pop("api_base", None) is not None or kwargs.pop("base_url", None) is not None:
        from shim.exceptions import ConfigError

        raise ConfigError("a Router sends each call to its deployment's api_base: put the gateway in model_list")
    return (yield from _with_fallbacks(router, walk, model, 0))


def _given(kwargs: dict[str, Any], name: str, default: Any) -> Any:
    value = kwargs.pop(name, None)
    return default if value is None else value


def _caught(flow: Flow[Any]) -> Flow[tuple[Any, BaseException | None]]:
    """Run a sub-flow: its result, or the gateway's (or the Router's) error it raised."""
    try:
        return (yield from flow), None
    except (openai.APIError, RouterRateLimitError) as error:
        return None, error


def _with_fallbacks(router: Router, walk: Walk, model: str, depth: int) -> Flow[Any]:
    result, failure = yield from _caught(_with_retries(router, walk, model))
    if failure is None:
        _headers(result, {"x-litellm-attempted-fallbacks": 0})
        return result
    group = router.group_of(model)
    chain = None if walk.disabled else _fallback_chain(walk, group, failure)
    if chain is None or depth >= walk.max_fallbacks:
        raise failure
    walk.tried.add(group)
    for candidate in chain:
        target, overrides = (candidate, {}) if isinstance(candidate, str) else _overrides(candidate)
        key = target if not overrides else repr(sorted(overrides.items()))
        if target == group or key in walk.tried:
            continue
        walk.tried.add(key)
        depth += 1
        saved = walk.kwargs
        walk.kwargs = {**saved, **overrides}
        result, again = yield from _caught(_with_fallbacks(router, walk, target, depth))
        walk.kwargs = saved
        if again is None:
            _headers(result, {"x-litellm-attempted-fallbacks": depth})
            return result
        failure = again
    raise failure  # the last fallback's own error, as LiteLLM


def _overrides(candidate: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    rest = {k: v for k, v in candidate.items() if k != "model"}
    return str(candidate.get("model")), rest


def _fallback_chain(walk: Walk, group: str, error: BaseException) -> list[Any] | None:
    """The groups to try after `error` (LiteLLM's order): a call's own list of models, else the context window or
    content policy fallbacks for those errors (nothing else for them), else the group's fallbacks, else `*`'s."""
    if walk.fallbacks and all(isinstance(f, str) or (isinstance(f, Mapping) and "model" in f) for f in walk.fallbacks):
        return list(walk.fallbacks)
    if isinstance(error, ContextWindowExceededError):
        return lookup(walk.context_window_fallbacks, group)
    if isinstance(error, ContentPolicyViolationError):
        return lookup(walk.content_policy_fallbacks, group)
    return lookup(walk.fallbacks, group)


def lookup(fallbacks: Sequence[Any], group: str) -> list[Any] | None:
    """The fallback list for `group`: its own entry, else the generic `*` one."""
    generic: list[Any] | None = None
    for item in fallbacks:
        if isinstance(item, Mapping):
            entry = cast("Mapping[str, Any]", item)
            if group in entry:
                return list(entry[group])
            if "*" in entry and generic is None:
                generic = list(entry["*"])
    return generic


def _with_retries(router: Router, walk: Walk, model: str) -> Flow[Any]:
    result, error = yield from _caught(_attempt(router, walk, model))
    if error is None:
        _headers(result, {"x-litellm-attempted-retries": 0})
        return result
    deployments = router.deployments_for(model)
    retries = walk.num_retries
    if retries is None:
        own = walk.last.num_retries if walk.last is not None else None
        retries = own if own is not None else router.num_retries
    healthy = yield from healthy_targets(router, deployments)
    policy = router.retry_policy_for(router.group_of(model))
    by_policy = cooldowns.policy_retries(policy, error) if walk.num_retries != 0 else None
    if by_policy is not None:
        retries = by_policy
    elif not _worth_retrying(error, healthy, deployments, walk):
        raise error
    if retries <= 0:
        raise error
    yield Sleep(_backoff(router, error, retries, retries, healthy, deployments))
    for attempt in range(retries):
        result, again = yield from _caught(_attempt(router, walk, model))
        if again is None:
            _headers(result, {"x-litellm-attempted-retries": attempt + 1, "x-litellm-max-retries": retries})
            return result
        error = again
        healthy = yield from healthy_targets(router, deployments)
        if by_policy is None and not _worth_retrying(error, healthy, deployments, walk):
            raise error
        yield Sleep(_backoff(router, error, retries - attempt - 1, retries, healthy, deployments))
    if isinstance(error, LiteLLMErrorMixin):
        error.max_retries = retries
        error.num_retries = retries
    raise error


def _worth_retrying(error: BaseException, healthy: Sequence[Target], deployments: Sequence[Target], walk: Walk) -> bool:
    """LiteLLM's `should_retry_this_error`."""
    if isinstance(error, (ContextWindowExceededError, ContentPolicyViolationError)):
        return False
    status = cooldowns.status_of(error)
    if status and not cooldowns.retryable(status) and status not in (401, 403):
        return False
    if isinstance(error, openai.NotFoundError):
        return False
    if isinstance(error, openai.RateLimitError) and not healthy and walk.fallbacks:
        return False
    if isinstance(error, (openai.AuthenticationError, openai.PermissionDeniedError)) and len(deployments) <= 1:
        return False
    return bool(healthy)


def _backoff(
    router: Router,
    error: BaseException,
    remaining: int,
    retries: int,
    healthy: Sequence[Target],
    deployments: Sequence[Target],
) -> float:
    """LiteLLM's `_time_to_sleep_before_retry`: none while another deployment is healthy."""
    if len(deployments) != 1 and healthy:
        return 0.0
    jitter = JITTER * random.random()  # noqa: S311  (spreading retries, not a secret)
    header = cooldowns.retry_after(error)
    if header is not None and 0 < header <= 60:
        return header + jitter
    delay = INITIAL_RETRY_DELAY * 2.0 ** (retries - remaining)
    return min(max(delay, router.retry_after), MAX_RETRY_DELAY) + jitter


def _attempt(router: Router, walk: Walk, model: str) -> Flow[Any]:
    """Pick a deployment and send the call to it once, recording how it went."""
    group = router.group_of(model)
    deployments = router.deployments_for(model)
    target = yield from pick(router, model, deployments, walk.request, walk.failed)
    walk.last = target
    strategy = router.strategy
    yield from strategy.start(target, walk.request)
    started = time.perf_counter()
    routed = {"model_group": group, "model_id": target.id, "deployment": target.model, "api_base": target.api_base}
    endpoint = walk.endpoint
    try:
        result = yield Send(endpoint.sync, endpoint.asynchronous, router.call_kwargs(target, walk), routed)
    except Exception as error:
        yield from strategy.end(target, walk.request, time.perf_counter() - started, None, error)
        if isinstance(error, openai.APIError):
            walk.failed.add(target.id)
            yield from _failed(router, target, group, error, walk)
        raise
    yield from strategy.end(target, walk.request, time.perf_counter() - started, result, None)
    router.local.incr(f"{target.id}:successes", 1, MINUTE)
    _stamp(result, target, model)
    return result


def pick(
    router: Router, model: str, deployments: Sequence[Target], request: Request, failed: Set[str] = frozenset()
) -> Flow[Target]:
    """The deployment for this call: healthy (not cooling down), one this call has not failed on while there is
    one, of the lowest `order`, chosen by the strategy."""
    healthy = yield from healthy_targets(router, deployments)
    if not healthy:
        raise (yield from _none_healthy(router, model, deployments))
    untried = [t for t in healthy if t.id not in failed] if failed else healthy
    healthy = untried or healthy
    orders = [t.order for t in healthy if t.order is not None]
    if orders:
        healthy = [t for t in healthy if t.order is None or t.order == min(orders)]
    target = yield from router.strategy.pick(router.group_of(model), healthy, request)
    if target is None:
        raise _no_capacity(router.group_of(model), healthy)
    return target


def healthy_targets(router: Router, deployments: Sequence[Target]) -> Flow[list[Target]]:
    values = yield from _cooldowns(router, deployments)
    now = time.time()
    return [t for t, value in zip(deployments, values, strict=True) if cooldowns.remaining(value, now) is None]


def _cooldowns(router: Router, deployments: Sequence[Target]) -> Flow[list[Any]]:
    keys = [cooldown_key(t.id) for t in deployments]
    if not router.state.shared:  # this process's memory: read it here, no effect needed
        return router.state.cooldowns(keys)
    return (yield Read(router.state, keys, cooldowns=True))


def cooldown_key(deployment_id: str) -> str:
    """LiteLLM's cooldown key of a deployment."""
    return f"deployment:{deployment_id}:cooldown"


def _none_healthy(router: Router, model: str, deployments: Sequence[Target]) -> Flow[RouterRateLimitError]:
    values = yield from _cooldowns(router, deployments)
    now = time.time()
    left = {t.id: cooldowns.remaining(v, now) for t, v in zip(deployments, values, strict=True)}
    cooling = [i for i, seconds in left.items() if seconds is not None]
    lengths = [float(v["cooldown_time"]) for v in values if cooldowns.remaining(v, now) is not None]
    first = min((s for s in left.values() if s is not None), default=None)
    return RouterRateLimitError(
        model=model,
        cooldown_time=min(lengths, default=router.cooldown_time),
        enable_pre_call_checks=False,
        cooldown_list=cooling,
        model_ids=[t.id for t in deployments],
        retry_after=first,
    )


def _no_capacity(group: str, healthy: Sequence[Target]) -> openai.APIError:
    """Every healthy deployment is at its tpm/rpm limit this minute (usage-based routing): LiteLLM's 429."""
    from shim import _http
    from shim.exceptions import RateLimitError

    request = _http.Request("POST", "http://router.invalid/tpm_rpm_limits")
    response = _http.Response(429, headers={"retry-after": "60"}, request=request)
    limits = {t.id: {"tpm_limit": t.tpm, "rpm_limit": t.rpm} for t in healthy}
    message = f"No deployments available for selected model. Passed model={group}. Deployments={limits}"
    error = RateLimitError(message, response=response, body=None)
    error.model = group
    return error


def _failed(router: Router, target: Target, group: str, error: BaseException, walk: Walk) -> Flow[None]:
    """Count the failure; cool the deployment down when LiteLLM's rules say so (`cooldowns.py`)."""
    failures = router.local.incr(f"{target.id}:fails", 1, MINUTE)
    status = cooldowns.status_of(error)
    if router.disable_cooldowns or not cooldowns.considered(status):
        return
    if walk.own_key and status in (401, 403):  # the caller's key was refused, not the deployment's
        return
    seconds = cooldowns.cooldown_seconds(target.cooldown_time, error, router.cooldown_time)
    if seconds <= 1e-9:
        return
    alone = len(router.deployments_for(group)) == 1
    if router.allowed_fails_policy is None and router.allowed_fails == cooldowns.DEFAULT_ALLOWED_FAILS:
        successes = router.local.read([f"{target.id}:successes"])[0] or 0
        cool = cooldowns.by_rate(status, alone=alone, successes=int(successes), failures=int(failures))
    else:
        allowed = cooldowns.allowed_fails(router.allowed_fails_policy, error)
        if allowed is None and alone and lookup(router.fallbacks, group) is None:
            return
        counted = yield Incr(router.state, f"deployment:{target.id}:allowed_fails", 1, router.cooldown_time)
        cool = counted > (allowed if allowed is not None else router.allowed_fails)
    if cool:
        yield Put(router.state, cooldown_key(target.id), cooldowns.record(error, status, seconds), seconds)


def _stamp(result: object, target: Target, model: str) -> None:
    """The deployment that answered, on the result (a stream's chunks share its `_hidden_params`); the model group
    header says what the call asked for (a group, an alias or a deployment id), as LiteLLM's."""
    hidden: Any = getattr(result, "_hidden_params", None)
    if not isinstance(hidden, dict):
        return
    params = cast("dict[str, Any]", hidden)
    params["model_id"] = target.id
    if target.api_base is not None:
        params["api_base"] = target.api_base
    headers: Any = params.setdefault("additional_headers", {})
    headers["x-litellm-model-group"] = model


def _headers(result: object, values: Mapping[str, Any]) -> None:
    hidden: Any = getattr(result, "_hidden_params", None)
    if isinstance(hidden, dict):
        headers: Any = cast("dict[str, Any]", hidden).setdefault("additional_headers", {})
        headers.update(values)
