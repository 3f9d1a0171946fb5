"""The package surface: names, docs, and nothing happening at import time."""

from __future__ import annotations

import inspect
import subprocess
import sys

import shim


def test_all_is_sorted_and_complete() -> None:
    assert shim.__all__ == sorted(shim.__all__)
    for name in shim.__all__:
        assert hasattr(shim, name), name


def test_every_public_function_has_a_docstring_with_an_example() -> None:
    for name in shim.__all__:
        value = getattr(shim, name)
        if inspect.isfunction(value):
            assert value.__doc__, name
            if name.startswith(("completion", "text_completion", "acompletion", "atext_completion")):
                assert "Example" in value.__doc__, name


def test_import_opens_no_socket_reads_no_env_and_builds_no_client() -> None:
    code = """
import os, socket
def refuse(*a, **k):
    raise AssertionError("network at import time")
socket.socket.connect = refuse
socket.create_connection = refuse
os.environ["LITELLM_PROXY_API_BASE"] = "http://set-after-import:1"
import shim
assert shim.api_base is None
assert "sync_gateways=0" in repr(shim.client_cache)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr


def test_env_is_read_at_call_time_not_import_time(monkeypatch, proxy) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", proxy.url)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", proxy.api_key)
    r = shim.completion("litellm_proxy/m", [{"role": "user", "content": "x"}])
    assert r.choices[0].message.content == "echo: x"
