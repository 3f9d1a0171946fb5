"""Start a real LiteLLM proxy in front of the fake upstream, for tests over loopback HTTP.

The proxy runs as a subprocess of the `litellm` console script that sits next to `sys.executable`, so the tests use
the proxy of the venv they run in, or of another venv named by SHIM_TEST_LITELLM (`make test-matrix` does this: the
proxy keeps its own openai while the test venv's openai varies). It is stopped by the pid that started it, never by name.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fake_api import FAILING_MODELS

MASTER_KEY = "sk-test-master"
UPSTREAM_KEY = "sk-upstream-fake"
START_TIMEOUT = 60.0
STOP_GRACE = 5.0

# Model group -> upstream model, for the groups served by the upstream's OpenAI-compatible routes. The upstream
# model names carry a `fake-` prefix so a test can tell the group name from what the proxy forwarded.
OPENAI_GROUPS: dict[str, str] = {
    "chat": "fake-chat",
    "team/chat": "fake-chat",  # a group name with a slash: `litellm_proxy/team/chat` must send all of it
    "text": "fake-text",
    "embed": "fake-embed",
    "image": "fake-image",
    "speech": "fake-tts",
    "transcribe": "fake-whisper",
    "responses": "fake-responses",
    "edit": "fake-image-edit",
    "moderate": "fake-moderation",
    **{name: name for name in FAILING_MODELS},
}
RERANK_GROUP, RERANK_MODEL = "rerank", "fake-rerank"
PRICED_GROUP = "priced"

# Environment that makes the proxy start fast and stay on loopback; see FINDINGS.md for what each one saves.
QUIET_ENV: dict[str, str] = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # else import fetches the cost map from GitHub, with retries
    "LITELLM_TELEMETRY_DISABLED": "True",
    "LITELLM_DONT_SHOW_FEEDBACK_BOX": "True",
    "LITELLM_LOG": "WARNING",
}
# Variables that would pull in a database, a cache or another provider's credentials from the developer's shell.
SCRUBBED_ENV = ("DATABASE_URL", "DIRECT_URL", "REDIS_HOST", "REDIS_URL", "LITELLM_MASTER_KEY", "LITELLM_CONFIG")


def proxy_config(upstream_url: str, master_key: str = MASTER_KEY) -> dict[str, Any]:
    """The proxy config: one model group per endpoint family plus the scripted-failure groups."""
    openai: list[dict[str, Any]] = [
        model_entry(group, f"openai/{model}", f"{upstream_url}/v1") for group, model in OPENAI_GROUPS.items()
    ]
    # LiteLLM's cohere provider appends /v2/rerank to the api_base itself, so it gets the bare upstream URL.
    rerank = model_entry(RERANK_GROUP, f"cohere/{RERANK_MODEL}", upstream_url)
    # A chat group with a price and declared capabilities: what `get_model_info`, `supports_*` and `completion_cost`
    # read from the proxy (LiteLLM's SDK knows nothing of the alias).
    priced = model_entry(PRICED_GROUP, "openai/fake-chat", f"{upstream_url}/v1")
    priced["litellm_params"] |= {"input_cost_per_token": 0.001, "output_cost_per_token": 0.002}
    priced["model_info"] = {"supports_function_calling": True, "supports_vision": True, "max_input_tokens": 1000}
    return {
        "model_list": [*openai, rerank, priced],
        # Files and batches name no model: the proxy sends them to the provider these settings describe.
        "files_settings": [
            {"custom_llm_provider": "openai", "api_base": f"{upstream_url}/v1", "api_key": UPSTREAM_KEY}
        ],
        # No retries inside the proxy: the failure tests count upstream attempts, and retries only add time here.
        "router_settings": {"num_retries": 0},
        "litellm_settings": {"num_retries": 0, "request_timeout": 30},
        "general_settings": {
            "master_key": master_key,
            "disable_spend_logs": True,
            # Else the proxy GETs {api_base}/v1/models of every deployment at start-up and every 5 minutes.
            "disable_model_info_refresh": True,
        },
    }


def model_entry(group: str, model: str, api_base: str) -> dict[str, Any]:
    return {"model_name": group, "litellm_params": {"model": model, "api_base": api_base, "api_key": UPSTREAM_KEY}}


def write_config(path: Path, config: dict[str, Any]) -> Path:
    # JSON is valid YAML, and writing it needs no YAML library in the test environment.
    path.write_text(json.dumps(config, indent=2))
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


LITELLM_ENV = "SHIM_TEST_LITELLM"
# Read once, at import: the suite's autouse fixture clears every SHIM_* variable for each test, and a test may start
# a proxy of its own (test_router_proxies.py stops one and starts another).
_LITELLM_SCRIPT = os.environ.get(LITELLM_ENV)


def litellm_executable() -> Path:
    """The `litellm` console script named by SHIM_TEST_LITELLM, else that of the running interpreter's environment."""
    script = Path(_LITELLM_SCRIPT or Path(sys.executable).parent / "litellm")
    if not script.exists():
        raise FileNotFoundError(f"no litellm console script at {script}; pip install 'litellm[proxy]==1.108.7'")
    return script


def proxy_env() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in SCRUBBED_ENV}
    return env | QUIET_ENV


@dataclass
class ProxyProcess:
    """A running proxy: its URL, key, log file and the process that serves it."""

    url: str
    api_key: str
    log_path: Path
    process: subprocess.Popen[bytes]
    startup_seconds: float = 0.0

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def start_proxy(config_path: Path, log_path: Path, *, timeout: float = START_TIMEOUT) -> ProxyProcess:
    """Start the proxy on a free loopback port and return once it answers its liveliness probe."""
    port = free_port()
    command = [str(litellm_executable()), "--config", str(config_path), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--num_workers", "1"]
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=proxy_env())
    proxy = ProxyProcess(f"http://127.0.0.1:{port}", MASTER_KEY, log_path, process)
    try:
        wait_until_live(proxy, started + timeout)
    except BaseException:
        stop_proxy(proxy)
        raise
    proxy.startup_seconds = time.monotonic() - started
    return proxy


def wait_until_live(proxy: ProxyProcess, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proxy.process.poll() is not None:
            raise RuntimeError(f"litellm proxy exited with {proxy.process.returncode}; log tail:\n{proxy.log_tail()}")
        if is_live(proxy.url):
            return
        time.sleep(0.1)
    raise TimeoutError(f"litellm proxy not live at {proxy.url} in time; log tail:\n{proxy.log_tail()}")


def is_live(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/liveliness", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def stop_proxy(proxy: ProxyProcess, grace: float = STOP_GRACE) -> None:
    """Terminate the process we started, by its pid; kill it if it outlives the grace period."""
    process = proxy.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)
