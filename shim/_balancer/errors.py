"""The Router's own errors, raised before any request: no deployment may take the call, or the model is unknown."""

from __future__ import annotations

import time
from collections.abc import Sequence

from shim import _http
from shim.exceptions import BadRequestError


class RouterRateLimitError(ValueError):
    """No deployment of the group may take the call now: every one is cooling down after failures.

    LiteLLM's `RouterRateLimitError` (a `ValueError` with `status_code` 429), with the same attributes, and
    `retry_after`: the seconds until the first deployment returns (`available_at`, a Unix time, is when).
    """

    status_code = 429

    def __init__(
        self,
        model: str,
        cooldown_time: float,
        enable_pre_call_checks: bool,
        cooldown_list: Sequence[str],
        model_ids: Sequence[str] = (),
        retry_after: float | None = None,
    ) -> None:
        self.model = model
        self.cooldown_time = cooldown_time
        self.enable_pre_call_checks = enable_pre_call_checks
        self.cooldown_list = list(cooldown_list)
        self.all_deployments_in_cooldown = bool(model_ids) and set(model_ids) <= set(cooldown_list)
        self.type = "all_deployments_in_cooldown" if self.all_deployments_in_cooldown else "rate_limit_error"
        self.retry_after = retry_after if retry_after is not None else cooldown_time
        self.available_at = time.time() + self.retry_after
        when = time.strftime("%H:%M:%S UTC", time.gmtime(self.available_at))
        if self.all_deployments_in_cooldown:
            why = f"all {len(model_ids)} of its deployments are cooling down after failures"
        else:
            why = "none of its deployments may take a call now"
        super().__init__(
            f"No deployments available for selected model {model!r}: {why}; the first returns in "
            f"{self.retry_after:.1f} s (at {when}). Try again then, or add fallbacks=[{{{model!r}: [...]}}]. "
            f"cooldown_list={self.cooldown_list}"
        )


def unknown_model(model: str, groups: Sequence[str]) -> BadRequestError:
    """LiteLLM's error for a model the Router does not have (a `BadRequestError`, raised before any request)."""
    request = _http.Request("POST", "http://router.invalid/")
    known = ", ".join(repr(group) for group in sorted(groups)) or "none"
    message = (
        f"You passed in model={model}. There are no healthy deployments for this model: the Router's model groups "
        f"are {known}; add it to model_list, or map it to one with model_group_alias"
    )
    error = BadRequestError(message, response=_http.Response(400, request=request), body=None)
    error.model = model
    error.llm_provider = ""  # LiteLLM's: the Router refused it, no provider answered
    return error
