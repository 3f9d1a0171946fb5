"""Agent frameworks that embed LiteLLM's SDK, run unchanged on shim through `shim.as_litellm()` and a real LiteLLM
proxy (marker `frameworks`; `make frameworks`).

Each case is a program in programs/, run in a fresh interpreter: the facade must be in place before the framework
imports litellm, and what a process has imported cannot be undone. The real litellm is installed in these venvs,
and each program reports whether any of its modules was loaded. One proxy serves the session, in front of a fake
upstream whose answers (upstream.py) let agent loops finish.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from proxy.harness import model_entry, proxy_config, start_proxy, stop_proxy, write_config
from proxy.upstream import FakeUpstream

from .upstream import AGENT_MODEL, REFUSED_MODEL, framework_answer

PROGRAMS = Path(__file__).parent / "programs"
REQUIRED_ENV = "SHIM_FRAMEWORKS_REQUIRED"
"""Comma-separated frameworks that must be installed (set by `make frameworks`): a missing one fails, not skips."""
AGENT_GROUP, REFUSED_GROUP = "agent", "agent-401"
# Environment that keeps the programs on loopback: no tracing export, telemetry or model hub lookups.
QUIET = {
    "OPENAI_AGENTS_DISABLE_TRACING": "1",
    "CREWAI_DISABLE_TELEMETRY": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "OTEL_SDK_DISABLED": "true",
    "HF_HUB_OFFLINE": "1",
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "AGNO_TELEMETRY": "false",
    "MEM0_TELEMETRY": "false",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "frameworks: agent frameworks through shim.as_litellm() and a real proxy")


def needs(module: str) -> pytest.MarkDecorator:
    """Skip unless `module` is installed; fail instead when `make frameworks` requires it."""
    required = {name.strip() for name in os.environ.get(REQUIRED_ENV, "").split(",") if name.strip()}
    try:
        missing = importlib.util.find_spec(module) is None
    except ModuleNotFoundError:  # `google.adk` without `google`
        missing = True
    if missing and module in required:
        pytest.fail(f"{module} is required here ({REQUIRED_ENV}) but not installed", pytrace=False)
    return pytest.mark.skipif(missing, reason=f"{module} is not installed here: `make frameworks` runs this")


@dataclass(frozen=True)
class Gateway:
    """The running proxy, its key and the upstream's record of what reached it."""

    url: str
    api_key: str
    upstream: FakeUpstream

    def agent_requests(self, model: str = AGENT_MODEL) -> list[dict[str, Any]]:
        """The chat bodies the upstream got for `model`, oldest first."""
        requests = self.upstream.requests_to("/v1/chat/completions")
        bodies = [json.loads(request.body) for request in requests]
        return [body for body in bodies if body.get("model") == model]


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    workdir = tmp_path_factory.mktemp("frameworks-proxy")
    with FakeUpstream(framework_answer) as upstream:
        config = proxy_config(upstream.url)
        agent = model_entry(AGENT_GROUP, f"openai/{AGENT_MODEL}", f"{upstream.url}/v1")
        # What the frameworks ask before they call: DSPy's JSON adapter sends a json_schema only if it is supported.
        agent["model_info"] = {"supports_function_calling": True, "supports_response_schema": True}
        refused = model_entry(REFUSED_GROUP, f"openai/{REFUSED_MODEL}", f"{upstream.url}/v1")
        config["model_list"] += [agent, refused]
        process = start_proxy(write_config(workdir / "config.yaml", config), workdir / "proxy.log")
        try:
            yield Gateway(process.url, process.api_key, upstream)
        finally:
            stop_proxy(process)


@pytest.fixture
def run_program(gateway: Gateway, tmp_path: Path) -> Any:
    """Run programs/<name> in a fresh interpreter (with `args` before it, e.g. the autopatch runner) and return
    what it reported; fail with its output if it did not finish."""

    def run(name: str, *, runner: tuple[str, ...] = (), env: dict[str, str] | None = None) -> dict[str, Any]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_", "SHIM_"))}
        clean |= QUIET | {"GATEWAY_URL": gateway.url, "GATEWAY_KEY": gateway.api_key, "HOME": str(tmp_path)}
        clean |= {"DSPY_CACHEDIR": str(tmp_path / "dspy-cache"), **(env or {})}
        command = [sys.executable, *runner, str(PROGRAMS / name)]
        done = subprocess.run(command, capture_output=True, text=True, env=clean, cwd=tmp_path, timeout=110)
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if done.returncode != 0 or not lines:
            pytest.fail(f"{name} exited {done.returncode}\n--- stdout\n{done.stdout[-3000:]}\n--- stderr\n"
                        f"{done.stderr[-6000:]}", pytrace=False)  # fmt: skip
        result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
        assert result.pop("real_litellm_loaded") == [], "the real litellm was imported"
        assert result.pop("real_litellm_installed"), "the real litellm must be installed beside the framework"
        return result

    return run
