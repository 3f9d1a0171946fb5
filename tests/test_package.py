"""The package surface: names, docs, and nothing happening at import time."""

from __future__ import annotations

import collections
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


def test_every_async_twin_takes_its_sync_twins_parameters() -> None:
    """`help()` and `inspect.signature` show an async twin's real parameters, also where the twin is made from
    its sync function (`atoken_counter`, `alist_input_items`)."""
    twins = [name for name in shim.__all__ if name.startswith("a") and inspect.isfunction(getattr(shim, name[1:], 0))]
    assert {"atoken_counter", "alist_input_items", "acompletion"} <= set(twins)
    for name in twins:
        asynchronous, sync = getattr(shim, name), getattr(shim, name[1:])
        assert inspect.iscoroutinefunction(asynchronous), name
        assert inspect.signature(asynchronous).parameters == inspect.signature(sync).parameters, name


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


def test_a_chat_call_loads_no_rarely_used_types(proxy) -> None:  # type: ignore[no-untyped-def]
    # openai's audio types are 29 modules, and shim's types of files, batches, moderations, the Responses API and
    # Anthropic's messages a third of a cold start's own work: a program pays for them when it first needs one.
    code = f"""
import sys, shim
shim.completion("litellm_proxy/m", [{{"role": "user", "content": "x"}}], api_base="{proxy.url}", api_key="{proxy.api_key}")
later = ["openai.types.audio", *(f"shim.types._{{name}}" for name in ("anthropic", "files", "moderation", "responses"))]
assert not [name for name in later if name in sys.modules], [name for name in later if name in sys.modules]
from shim.types import TranscriptionResponse, FileObject, AnthropicMessage, ModerationResult, ResponsesAPIResponse
import openai.types.audio, openai.types.responses
assert shim.TranscriptionResponse is TranscriptionResponse and shim.types.FileObject is shim.FileObject is FileObject
assert issubclass(TranscriptionResponse, openai.types.audio.Transcription)
assert issubclass(ResponsesAPIResponse, openai.types.responses.Response) and shim.ResponsesAPIResponse is ResponsesAPIResponse
assert issubclass(ModerationResult, openai.types.Moderation) and AnthropicMessage().role == "assistant"
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr


def test_env_is_read_at_call_time_not_import_time(monkeypatch, proxy) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LITELLM_PROXY_API_BASE", proxy.url)
    monkeypatch.setenv("LITELLM_PROXY_API_KEY", proxy.api_key)
    r = shim.completion("litellm_proxy/m", [{"role": "user", "content": "x"}])
    assert r.choices[0].message.content == "echo: x"


def test_all_lazy_loader_and_endpoint_table_agree() -> None:
    """Every lazily loaded name is public and loads; every endpoint in the table has a public sync/async pair."""
    from shim import _public
    from shim._endpoints import specs as _specs
    from shim._transport.clients import CACHE

    lazy = set(_public.WHERE)
    assert lazy <= set(shim.__all__)
    exceptions = {name for name in shim.__all__ if _is_exception(getattr(shim, name))}
    attributes = {"__version__", "api_base", "api_key", "use_litellm_proxy", "types", "close", "aclose"}
    attributes |= {"total_timeout", "max_response_bytes"}
    attributes |= {"callbacks", "input_callback", "success_callback", "failure_callback"}
    attributes |= {"ssl_verify", "client_session", "aclient_session", "set_verbose"}  # LiteLLM's settings
    assert set(shim.__all__) == lazy | exceptions | attributes
    assert shim.client_cache is CACHE
    specs = [value for value in vars(_specs).values() if isinstance(value, _specs.Spec)]
    paths = {(spec.method, spec.path) for spec in specs}
    public_functions = {name for name in shim.__all__ if inspect.isfunction(getattr(shim, name))}
    # LiteLLM's names without an `a`-twin: no I/O, sync-only in LiteLLM, or (anthropic_messages) async in LiteLLM,
    # whose sync call is `anthropic.messages.create`.
    untwinned = {
        "close",
        "stream_chunk_builder",
        "patch_openai",
        "unpatch_openai",
        "completion_cost",
        "flush_callbacks",
        "as_litellm",
    }
    untwinned |= {"batch_completion", "anthropic_messages", *(n for n in public_functions if n.startswith("supports_"))}
    for name in public_functions - untwinned:
        twin = name[1:] if name.startswith("a") and name[1:] in public_functions else "a" + name
        assert twin in public_functions, f"{name} has no sync/async twin"
    assert len(paths) == len(specs), "two specs share a path"


def test_every_name_of_the_public_table_is_defined_where_the_table_says() -> None:
    """A row naming a function its module does not define fails here, not at a user's first call."""
    import importlib

    from shim import _public

    for name, (module, attribute) in _public.WHERE.items():
        assert hasattr(importlib.import_module(module), attribute), f"{module} defines no {attribute} (shim.{name})"
    for module, names in _public.PUBLIC.items():
        assert len(set(names)) == len(names), f"{module} is listed twice"


def test_the_face_is_written_from_the_table() -> None:
    """`__all__` and the type checkers' imports in shim/__init__.py are what scripts/face.py writes."""
    import pathlib

    script = pathlib.Path(__file__).parent.parent / "scripts" / "face.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_endpoint_has_its_litellm_call_type_and_operation() -> None:
    from shim._endpoints import specs as _specs

    assert len(_specs.SPECS) == 27
    for spec in _specs.SPECS:
        assert spec.call_type and spec.operation, spec.path
        assert _specs.spec_for(spec.method, spec.path.replace("{", "").replace("}", "")) is spec
    assert len({spec.call_type for spec in _specs.SPECS}) == len(_specs.SPECS)


def test_fake_proxy_serves_every_endpoint_in_the_table(proxy) -> None:  # type: ignore[no-untyped-def]
    from shim import _http
    from shim._endpoints import specs as _specs

    specs = [value for value in vars(_specs).values() if isinstance(value, _specs.Spec)]
    with _http.Client(base_url=proxy.url, headers={"Authorization": f"Bearer {proxy.api_key}"}) as client:
        for spec in specs:
            path = spec.path.format_map(collections.defaultdict(lambda: "some-id"))
            response = client.request(spec.method.upper(), "/" + path, json={})
            # An unknown id is a 404 too, but not the router's "Not Found: <method> <path>".
            assert "Not Found: " not in response.text, f"FakeProxy does not serve {spec.method.upper()} /{spec.path}"


def _is_exception(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseException)
