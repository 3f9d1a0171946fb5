"""`shim doctor`: check the configuration, reach the gateway, list the key's models and time one round trip.

Each check prints one line (`ok`, `FAIL` or `skip`) and, on failure, what to do about it. The key is only ever
shown masked.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, TextIO

import shim
from shim._errors import mask
from shim._explain import explain
from shim._router import ENV_BASE, ENV_KEY, Settings, normalize_base_url, resolve_api_key
from shim.exceptions import ConfigError


@dataclass(frozen=True)
class Setting:
    """One configuration value and where it came from: a flag, a `shim` attribute, an env var, or "missing"."""

    value: str | None = field(repr=False)
    source: str


def find_setting(flag_value: str | None, flag: str, attribute: str, env_name: str) -> Setting:
    """Look a setting up in the library's order: per-call (the CLI flag) > `shim.<attribute>` > environment."""
    if flag_value:
        return Setting(flag_value, flag)
    attribute_value = getattr(shim, attribute, None)
    if isinstance(attribute_value, str) and attribute_value:
        return Setting(attribute_value, f"shim.{attribute}")
    env_value = os.environ.get(env_name)
    if env_value:
        return Setting(env_value, env_name)
    return Setting(None, "missing")


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
    base_url = _check_base(report, find_setting(api_base, "--api-base", "api_base", ENV_BASE))
    key = _check_key(report, find_setting(api_key, "--api-key", "api_key", ENV_KEY))
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


def _check_base(report: Report, setting: Setting) -> str | None:
    if setting.value is None:
        report.fail("base URL", f"not set: pass --api-base http://host:4000 or set {ENV_BASE}")
        return None
    try:
        url = normalize_base_url(setting.value)
    except ConfigError as error:
        report.fail("base URL", f"{error} (from {setting.source})")
        return None
    report.ok("base URL", f"{url} (from {setting.source})")
    return url


def _check_key(report: Report, setting: Setting) -> str | None:
    if setting.value is None:
        report.fail("API key", f"not set: set {ENV_KEY}=sk-... (or pass --api-key, which other users can see in ps)")
        return None
    try:
        key = resolve_api_key(setting.value, Settings(), {})
    except ConfigError as error:
        report.fail("API key", f"{error} (from {setting.source})")
        return None
    report.ok("API key", f"{mask(key)} (from {setting.source})")
    return key


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
