"""`shim doctor`: check the configuration, reach the gateway, list the key's models and time one round trip.

Each check prints one line (`ok`, `FAIL` or `skip`) and, on failure, what to do about it. The key is only ever
shown masked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from time import perf_counter
from typing import Any, TextIO

import shim
from shim._cli.explain import explain
from shim._errors import mask
from shim._router import ENV_BASE, ENV_KEY, SettingName, check_api_key, lookup, normalize_base_url
from shim.exceptions import ConfigError


class Report:
    """The doctor's checklist as it is printed."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failed = False

    def ok(self, check: str, text: str) -> None:
        self._line("ok", check, text)

    def fail(self, check: str, text: str) -> None:
        self.failed = True
        self._line("FAIL", check, text)

    def skip(self, check: str, text: str) -> None:
        self._line("skip", check, text)

    def _line(self, status: str, check: str, text: str) -> None:
        print(f"{status:<5} {check:<11} {text}", file=self.out, flush=True)


def doctor(
    api_base: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    *,
    timeout: float = 10.0,
    out: TextIO | None = None,
) -> bool:
    """Run every check, print one line each to `out` (stdout); True when none failed."""
    report = Report(out or sys.stdout)
    base_url = _check_base(report, api_base)
    key = _check_key(report, api_key)
    if base_url is None or key is None:
        return not report.failed
    options: dict[str, Any] = {"api_base": base_url, "api_key": key, "timeout": timeout, "num_retries": 0}
    names = _check_models(report, options, base_url)
    if names is None:
        report.skip("round trip", "the gateway could not list models")
    elif model is None:
        report.skip("round trip", "pass --model NAME to time a chat call")
    else:
        _check_round_trip(report, options, base_url, model, names)
    return not report.failed


def _check_base(report: Report, api_base: str | None) -> str | None:
    missing = f"not set: pass --api-base http://host:4000 or set {ENV_BASE}"
    return _checked(report, "base URL", "api_base", api_base, missing, normalize_base_url, str)


def _check_key(report: Report, api_key: str | None) -> str | None:
    missing = f"not set: set {ENV_KEY}=sk-... (or pass --api-key, which other users can see in ps)"
    return _checked(report, "API key", "api_key", api_key, missing, check_api_key, mask)


def _checked(
    report: Report,
    check: str,
    name: SettingName,
    flag_value: str | None,
    missing: str,
    valid: Callable[[str], str],
    shown: Callable[[str], str],
) -> str | None:
    """A setting checked and reported as found (`shown`: how its value may be printed), or None."""
    found = _check_setting(report, check, name, flag_value, missing, valid)
    if found is None:
        return None
    report.ok(check, f"{shown(found[0])} (from {found[1]})")
    return found[0]


def _check_setting(
    report: Report, check: str, name: SettingName, flag_value: str | None, missing: str, valid: Callable[[str], str]
) -> tuple[str, str] | None:
    """The setting, validated, and where it came from; or None, with the failure reported."""
    try:
        setting = lookup(name, flag_value, given_as="--" + name.replace("_", "-"))
    except ConfigError as error:  # given empty
        report.fail(check, str(error))
        return None
    if setting.value is None:
        report.fail(check, missing)
        return None
    try:
        return valid(setting.value), setting.source
    except ConfigError as error:
        report.fail(check, f"{error} (from {setting.source})")
        return None


def _check_models(report: Report, options: dict[str, Any], base_url: str) -> list[str] | None:
    started = perf_counter()
    try:
        names = shim.models(**options)
    except Exception as error:
        report.fail("gateway", explain(error, base_url))
        return None
    report.ok("gateway", f"GET /models answered in {_ms(started)}")
    listed = ", ".join(names) if names else "none (the key may use no model, or the gateway lists none)"
    report.ok("models", f"{len(names)} for this key: {listed}")
    return names


def _check_round_trip(report: Report, options: dict[str, Any], base_url: str, model: str, names: list[str]) -> None:
    name = model.removeprefix("litellm_proxy/")
    unlisted = bool(names) and name not in names
    messages = [{"role": "user", "content": "Say OK."}]
    started = perf_counter()
    try:
        shim.completion(name, messages, custom_llm_provider="litellm_proxy", max_tokens=16, **options)
    except Exception as error:
        hint = f" ({name!r} is not among the models listed above)" if unlisted else ""
        report.fail("round trip", explain(error, base_url, name) + hint)
        return
    note = " (not listed by /models, but served)" if unlisted else ""
    report.ok("round trip", f"chat with {name} answered in {_ms(started)}{note}")


def _ms(started: float) -> str:
    return f"{(perf_counter() - started) * 1000:.0f} ms"
