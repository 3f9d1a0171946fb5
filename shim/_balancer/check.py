"""`shim router check config.yaml`: what a Router would do with a LiteLLM proxy-style config, without a request.

The file is LiteLLM's proxy config (`model_list`, and `router_settings` with the Router's options), YAML (needs
PyYAML) or JSON. The report lists each group's deployments (id, model, gateway, weight and limits), the
strategy, retries, cooldowns and fallbacks; keys are never printed. A config the Router would refuse raises its
`ConfigError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from shim.exceptions import ConfigError

# router_settings a LiteLLM proxy reads that are about the proxy, not the Router: listed, not checked.
_PROXY_ONLY = frozenset({"redis_db", "enable_pre_call_checks_for_embeddings", "provider_budget_config"})


def load(path: str | Path) -> dict[str, Any]:
    """The config file as a dict (YAML or JSON)."""
    text = Path(path).read_text()
    if str(path).endswith(".json"):
        data: object = json.loads(text)
    else:
        try:
            import yaml  # PyYAML: optional, only for this command
        except ImportError:
            raise ConfigError(f"{path} is YAML: pip install pyyaml, or give the config as JSON") from None
        data = yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path} must hold a mapping with a model_list")
    return dict(cast("Mapping[str, Any]", data))


def report(config: Mapping[str, Any]) -> list[str]:
    """The lines `shim router check` prints: the Router built from `config`, described."""
    from shim._balancer.router import Router

    settings = dict(config.get("router_settings") or {})
    ignored = sorted(name for name in settings if name in _PROXY_ONLY)
    for name in ignored:
        settings.pop(name)
    router = Router(model_list=config.get("model_list") or [], **settings)
    lines = [f"Router: {len(router.model_list)} deployments in {len(router.model_names)} groups"]
    for group in sorted(router.model_names):
        lines.append(f"  {group}")
        for target in router.deployments_for(group):
            limits = [f"{name}={value:g}" for name, value in (("rpm", target.rpm), ("tpm", target.tpm)) if value]
            weight = f"weight={target.weight:g}" if target.weight else ""
            where = target.api_base or "(shim.api_base / LITELLM_PROXY_API_BASE)"
            key = "key set" if target.api_key else "no key (shim.api_key / LITELLM_PROXY_API_KEY)"
            extras = ", ".join(filter(None, [weight, *limits, key]))
            lines.append(f"    {target.id[:16]:<16}  {target.model}  at {where}  ({extras})")
    for alias, value in router.model_group_alias.items():
        lines.append(f"  alias {alias} -> {value if isinstance(value, str) else value.get('model')}")
    lines.append(f"routing_strategy: {router.routing_strategy}")
    lines.append(f"retries: num_retries={router.num_retries}, retry_after={router.retry_after:g} s")
    cooldown = "off" if router.disable_cooldowns else f"cooldown_time={router.cooldown_time:g} s"
    lines.append(f"cooldowns: {cooldown}, allowed_fails={router.allowed_fails}")
    for name in ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks"):
        for item in getattr(router, name):
            for group, targets in item.items():
                lines.append(f"{name}: {group} -> {', '.join(map(str, targets))}")
                missing = [t for t in targets if isinstance(t, str) and t not in router.model_names]
                lines += [f"  warning: {name} names {t!r}, which is not a model_name of model_list" for t in missing]
    lines.append(f"state: {'Redis, ' + repr(router.state) if router.state.shared else 'this process'}")
    if ignored:
        lines.append(f"proxy-only router_settings, not used by shim.Router: {', '.join(ignored)}")
    router.close()
    return lines
