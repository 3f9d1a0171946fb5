"""When a failure sits a deployment out, and for how long: LiteLLM's cooldown rules, as pure functions.

A failure is considered for a cooldown when its status says the deployment (not the call) is at fault: 429,
401, 402, 404, 408, any 5xx, or the gateway unreachable (LiteLLM sees that as a 500). Then, without
`allowed_fails`/`allowed_fails_policy`, the deployment cools down on a 429 (unless it is its group's only one),
on an error that is not worth retrying (401, 402, 404), or when more than half its calls this minute failed
(at least 5 calls; all of 1000 for a group's only deployment). With them, it cools down once it failed more than
`allowed_fails` times (the policy's number for the error's kind, if it has one) within `cooldown_time`.

It sits out for the deployment's `cooldown_time`, else the answer's `Retry-After`, else the Router's
`cooldown_time` (5 s); 0 means no cooldown.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any, cast

import openai

from shim import exceptions as exc
from shim._balancer.config import AllowedFailsPolicy, RetryPolicy

DEFAULT_COOLDOWN = 5.0
DEFAULT_ALLOWED_FAILS = 3  # litellm.allowed_fails: passing exactly this counts as not set, as in LiteLLM
FAILURE_RATE = 0.5
MINIMUM_CALLS = 5
SINGLE_DEPLOYMENT_CALLS = 1000


def status_of(error: BaseException) -> int:
    """The status LiteLLM's rules read: the HTTP status; 500 for an unreachable gateway, 408 for a timeout."""
    if isinstance(error, openai.APITimeoutError):
        return 408
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return status
    return 500 if isinstance(error, openai.APIConnectionError) else 0


def retryable(status: int) -> bool:
    """LiteLLM's (and openai's) `should_retry`: 408, 409, 429 and 5xx."""
    return status in (408, 409, 429) or status >= 500


def considered(status: int) -> bool:
    """Whether a failure with this status may cool its deployment down at all."""
    if 400 <= status < 500:
        return status in (401, 402, 404, 408, 429)
    return status != 0


def by_rate(status: int, *, alone: bool, successes: int, failures: int) -> bool:
    """The default rule (no allowed_fails set): cool down on a 429, on an error not worth retrying, or on a high
    failure rate this minute."""
    calls = successes + failures
    rate = failures / calls if calls else 0.0
    if status == 429 and not alone:
        return True
    if rate == 1.0 and calls >= SINGLE_DEPLOYMENT_CALLS:
        return True
    if rate > FAILURE_RATE and calls >= MINIMUM_CALLS and not alone:
        return True
    return not retryable(status)


# Each kind of error by its policy name, most specific first: `<name>AllowedFails` in an `AllowedFailsPolicy`,
# `<name>Retries` in a `RetryPolicy` (a policy without that field skips to the next kind that matches).
_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (exc.ContentPolicyViolationError, "ContentPolicyViolationError"),
    (openai.BadRequestError, "BadRequestError"),
    (openai.AuthenticationError, "AuthenticationError"),
    (openai.APITimeoutError, "TimeoutError"),
    (openai.RateLimitError, "RateLimitError"),
    (exc.ServiceUnavailableError, "ServiceUnavailableError"),
    (exc.BadGatewayError, "BadGatewayError"),
    (openai.InternalServerError, "InternalServerError"),
    (openai.APIConnectionError, "InternalServerError"),  # LiteLLM sees an unreachable gateway as a 500
    (openai.NotFoundError, "NotFoundError"),
)


def _for_kind(policy: object, error: BaseException, suffix: str) -> int | None:
    for cls, name in _KINDS:
        value = getattr(policy, name + suffix, None)
        if isinstance(error, cls) and value is not None:
            return value
    return None


def allowed_fails(policy: AllowedFailsPolicy | None, error: BaseException) -> int | None:
    """The policy's allowed failures for this kind of error, if it names one."""
    return None if policy is None else _for_kind(policy, error, "AllowedFails")


def policy_retries(policy: RetryPolicy | None, error: BaseException) -> int | None:
    """The retry policy's number for this error (a 404's first, then the most specific kind), else its default."""
    if policy is None:
        return None
    if status_of(error) == 404 and policy.NotFoundErrorRetries is not None:
        return policy.NotFoundErrorRetries
    found = _for_kind(policy, error, "Retries")
    return found if found is not None else policy.DefaultRetries


def retry_after(error: BaseException) -> float | None:
    """The answer's `Retry-After` in seconds (a number or an HTTP date), or None."""
    response: Any = getattr(error, "response", None)
    headers: Mapping[str, str] | None = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return float(int(value))
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else float(int(email.utils.mktime_tz(parsed) - time.time()))


def cooldown_seconds(deployment: float | None, error: BaseException, default: float) -> float:
    """How long a deployment sits out: its own `cooldown_time`, else the answer's `Retry-After`, else the Router's."""
    if deployment is not None and deployment >= 0:
        return deployment
    header = retry_after(error)
    return header if header is not None and header >= 0 else default


def record(error: BaseException, status: int, seconds: float) -> dict[str, Any]:
    """LiteLLM's cooldown value (`CooldownCacheValue`); the error by its kind only, never its text."""
    return {
        "exception_received": f"{type(error).__name__} (status {status})",
        "status_code": str(status),
        "timestamp": time.time(),
        "cooldown_time": seconds,
    }


def remaining(value: object, now: float) -> float | None:
    """Seconds left of a cooldown value (None when it is not one, or is over)."""
    if not isinstance(value, Mapping):
        return None
    fields = cast("Mapping[str, object]", value)
    started = fields.get("timestamp")
    length = fields.get("cooldown_time")
    if not isinstance(started, (int, float)) or not isinstance(length, (int, float)):
        return None
    left = started + length - now
    return left if left > 0 else None
