"""`shim.as_litellm()`: the LiteLLM-shaped facade that frameworks embedding LiteLLM import as `litellm`.

The facade changes the process for good (the import system, where shim's classes say they live), so every case
runs its program in a fresh interpreter, against a FakeProxy in this one. This venv has the real litellm
installed (the `compat` extra): the facade must win over it, and each program checks that it was never loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from shim.testing import FakeProxy

PRELUDE = """
import json, sys
from pathlib import Path
import shim

def real_litellm():
    from shim._facade import is_facade
    return sorted(n for n, m in list(sys.modules.items()) if n.split(".")[0] == "litellm" and not is_facade(m))

def done(**values):
    values["real_litellm"] = real_litellm()
    print("RESULT " + json.dumps(values, default=str))
"""


def run(code: str, proxy: FakeProxy | None = None, **env: str) -> dict[str, Any]:
    """Run `code` (after PRELUDE) in a fresh interpreter; return what it passed to `done()`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_", "SHIM_"))}
    if proxy is not None:
        clean |= {"GATEWAY_URL": proxy.url, "GATEWAY_KEY": proxy.api_key}
    program = PRELUDE + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", program], env=clean | env, capture_output=True, text=True, timeout=60, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
    assert result.pop("real_litellm") == [], "the real litellm was imported"
    return result


def test_import_shim_alone_changes_nothing() -> None:
    result = run("""
        import importlib.util
        spec = importlib.util.find_spec("litellm")
        done(finders=[type(f).__name__ for f in sys.meta_path], litellm="litellm" in sys.modules,
             origin=spec and spec.origin)
    """)
    assert "FacadeFinder" not in result["finders"]
    assert not result["litellm"]
    # Where the real litellm is installed (this venv's `compat` extra), it is what `import litellm` would find.
    assert result["origin"] is None or "_facade" not in result["origin"]


def test_facade_modules_are_real_modules_found_by_find_spec() -> None:
    result = run("""
        import importlib.util
        facade = shim.as_litellm()
        import litellm
        import litellm.types.utils
        specs = {name: importlib.util.find_spec(name) for name in
                 ("litellm", "litellm.types.utils", "litellm.litellm_core_utils.get_supported_openai_params")}
        done(same=facade is litellm, loaders=[type(s.loader).__name__ for s in specs.values()],
             origins=[Path(s.origin).relative_to(Path(shim.__file__).parent).as_posix() for s in specs.values()],
             again=shim.as_litellm() is litellm,
             finders=sum(type(f).__name__ == "FacadeFinder" for f in sys.meta_path))
    """)
    assert result["same"] and result["again"]
    assert result["loaders"] == ["SourceFileLoader"] * 3  # DSPy treats a module without a loader as not installed
    assert result["origins"] == [
        "_facade/litellm/__init__.py",
        "_facade/litellm/types/utils.py",
        "_facade/litellm/litellm_core_utils/get_supported_openai_params.py",
    ]
    assert result["finders"] == 1  # idempotent


def test_one_object_per_class_whichever_path_imports_it(proxy: FakeProxy) -> None:
    result = run(
        """
        import os, pickle
        shim.as_litellm(api_base=os.environ["GATEWAY_URL"], api_key=os.environ["GATEWAY_KEY"])
        import litellm
        from litellm.types.utils import ModelResponse, ModelResponseBase, ModelResponseStream
        from litellm.exceptions import AuthenticationError
        from litellm.utils import Message
        from litellm.integrations.custom_logger import CustomLogger
        r = litellm.completion("litellm_proxy/m", [{"role": "user", "content": "hi"}])
        chunk = next(iter(litellm.completion("litellm_proxy/m", [{"role": "user", "content": "hi"}], stream=True)))
        done(
            same=[ModelResponse is shim.types.ModelResponse is litellm.ModelResponse,
                  AuthenticationError is shim.AuthenticationError is litellm.AuthenticationError,
                  Message is litellm.Message is shim.types.Message,
                  CustomLogger is shim.CustomLogger is litellm.CustomLogger],
            isinstance=[isinstance(r, ModelResponse), isinstance(r, ModelResponseBase),
                        isinstance(chunk, ModelResponseStream), isinstance(chunk, ModelResponseBase)],
            modules=[type(r).__module__, type(chunk).__module__, AuthenticationError.__module__,
                     CustomLogger.__module__],
            pickled=pickle.loads(pickle.dumps(r)) == r,
            usage=r.model_extra["usage"].total_tokens == r.usage.total_tokens,
        )
        """,
        proxy,
    )
    assert result["same"] == [True] * 4
    assert result["isinstance"] == [True] * 4
    # Where code that checks a class's origin looks (CrewAI's retry decision, DSPy's stream chunks, pickle).
    assert result["modules"] == [
        "litellm.types.utils",
        "litellm.types.utils",
        "litellm.exceptions",
        "litellm.integrations.custom_logger",
    ]
    assert result["pickled"]
    assert result["usage"]  # where LiteLLM keeps usage, and CrewAI reads it


def test_settings_assigned_on_the_facade_are_shims(proxy: FakeProxy) -> None:
    result = run(
        """
        import os
        shim.as_litellm()
        import litellm
        from litellm.integrations.custom_logger import CustomLogger
        events = []
        class Logger(CustomLogger):
            def log_success_event(self, kwargs, response_obj, start_time, end_time):
                events.append("logger:" + kwargs["model"])
        litellm.api_base = os.environ["GATEWAY_URL"]
        litellm.api_key = os.environ["GATEWAY_KEY"]
        litellm.callbacks = [Logger()]
        litellm.success_callback.append(lambda kwargs, *rest: events.append("function"))
        litellm.drop_params = True
        litellm.suppress_debug_info = True
        r = litellm.completion("litellm_proxy/m", [{"role": "user", "content": "hi"}])
        shim.flush_callbacks()
        done(api_base=shim.api_base == litellm.api_base == os.environ["GATEWAY_URL"],
             callbacks=shim.callbacks is litellm.callbacks, events=sorted(events), drop=litellm.drop_params,
             content=r.choices[0].message.content)
        """,
        proxy,
    )
    assert result["api_base"] and result["callbacks"]
    assert result["events"] == ["function", "logger:m"]
    assert result["drop"] is True  # accepted, and means nothing on this route (as in LiteLLM)
    assert proxy.requests[-1].path.endswith("/chat/completions")


def test_as_litellm_refuses_when_litellm_was_imported_first() -> None:
    result = run("""
        import types
        sys.modules["litellm"] = types.ModuleType("litellm")  # what `import litellm` leaves, without its 2.6 s
        try:
            shim.as_litellm()
        except RuntimeError as error:
            message = str(error)
        del sys.modules["litellm"]
        done(message=message, finders=sum(type(f).__name__ == "FacadeFinder" for f in sys.meta_path))
    """)
    assert "'litellm' was imported before shim.as_litellm()" in result["message"]
    assert "python -m shim.autopatch --as-litellm" in result["message"]
    assert result["finders"] == 0  # nothing half-done


def test_a_malformed_default_is_refused_before_anything_changes() -> None:
    result = run("""
        errors = []
        for kwargs in ({"api_base": "localhost:4000"}, {"api_key": "sk-1 2"}, {"api_base": ""}):
            try:
                shim.as_litellm(**kwargs)
            except shim.ConfigError as error:
                errors.append(str(error))
        done(errors=errors, finders=sum(type(f).__name__ == "FacadeFinder" for f in sys.meta_path),
             api_base=shim.api_base, loaded="litellm" in sys.modules)
    """)
    not_url, spaced, empty = result["errors"]
    assert "is not an http(s) URL" in not_url
    assert "api_key contains whitespace" in spaced and "sk-1" not in spaced  # never the key itself
    assert "non-empty string" in empty
    assert (result["finders"], result["api_base"], result["loaded"]) == (0, None, False)


def test_the_router_is_shims_and_unserved_modules_are_not_found() -> None:
    result = run("""
        shim.as_litellm()
        import litellm
        from litellm.router import Router
        errors = []
        try:
            import litellm.proxy
        except ModuleNotFoundError as error:
            errors.append(str(error))
        done(
            errors=errors,
            same=[litellm.Router is shim.Router, Router is shim.Router],
            has=[hasattr(litellm, "proxy"), hasattr(litellm, "completion")],
        )
    """)
    assert result["same"] == [True, True]  # one class: smolagents' LiteLLMRouterModel builds shim's Router
    assert result["errors"] == ["No module named 'litellm.proxy'"]
    assert result["has"] == [False, True]


def test_capability_questions_answer_as_litellm_without_a_gateway() -> None:
    result = run("""
        shim.as_litellm()
        import litellm
        from litellm.litellm_core_utils.get_supported_openai_params import get_supported_openai_params
        try:
            litellm.get_model_info("litellm_proxy/m")
        except Exception as error:
            info_error = type(error).__module__ + "." + type(error).__name__
        done(supports=[litellm.supports_function_calling("litellm_proxy/m"), litellm.supports_reasoning("azure/x"),
                       litellm.utils.supports_response_schema(model="m", custom_llm_provider="litellm_proxy")],
             params=get_supported_openai_params(model="litellm_proxy/m"),
             embedding_params=litellm.get_supported_openai_params("litellm_proxy/m", request_type="embeddings"),
             provider=[litellm.get_llm_provider("litellm_proxy/azure/x"), litellm.get_llm_provider("azure/x")],
             info_error=info_error, listed="litellm_proxy" in litellm.provider_list)
    """)
    assert result["supports"] == [False, False, False]  # no gateway configured: LiteLLM's answer for an unknown model
    assert {"tools", "response_format", "reasoning_effort", "stream_options"} <= set(result["params"])
    assert result["embedding_params"] is None
    assert result["provider"] == [["azure/x", "litellm_proxy", None, None], ["x", "azure", None, None]]
    assert result["info_error"] == "litellm.exceptions.ModelNotMappedError"
    assert result["listed"]


def test_capability_questions_ask_the_gateway_for_any_name(proxy: FakeProxy) -> None:
    result = run(
        """
        import os
        shim.as_litellm(api_base=os.environ["GATEWAY_URL"], api_key=os.environ["GATEWAY_KEY"])
        import litellm
        done(supports=[litellm.supports_function_calling("litellm_proxy/fake-chat"),
                       litellm.supports_function_calling("fake-chat"),  # ADK strips the prefix
                       litellm.supports_reasoning(model="fake-chat", custom_llm_provider="openai"),
                       litellm.supports_vision("litellm_proxy/not-served")],
             max_tokens=litellm.get_model_info("fake-chat")["max_input_tokens"],
             tokens=litellm.token_counter(model="fake-chat", messages=[{"role": "user", "content": "a b c"}]))
        """,
        proxy,
    )
    assert result["supports"] == [True, True, False, False]
    assert result["max_tokens"] == 128000
    assert result["tokens"] > 0


def test_framework_keywords_and_shapes(proxy: FakeProxy) -> None:
    result = run(
        """
        import os
        shim.as_litellm(api_base=os.environ["GATEWAY_URL"], api_key=os.environ["GATEWAY_KEY"])
        import litellm
        from litellm.types.utils import ChatCompletionDeltaToolCall, Function
        tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
        litellm.completion("litellm_proxy/m", [{"role": "user", "content": "hi"}], tools=tools, _skip_mcp_handler=True)
        # CrewAI builds streamed tool calls so, and ADK its messages with LiteLLM's TypedDicts.
        delta = ChatCompletionDeltaToolCall(index=0, function=Function(name="f", arguments="{}"))
        message = litellm.ChatCompletionAssistantMessage(role="assistant", content="x")
        done(function=[delta.function.name, delta.function.arguments], message=message)
        """,
        proxy,
    )
    assert "_skip_mcp_handler" not in proxy.requests[-1].json  # LiteLLM pops it; it never reaches a gateway
    assert result["function"] == ["f", "{}"]
    assert result["message"] == {"role": "assistant", "content": "x"}


def test_adk_inline_file_upload_goes_to_the_gateway_named(proxy: FakeProxy) -> None:
    run(
        """
        import asyncio, os
        shim.as_litellm()
        import litellm
        upload = litellm.acreate_file(file=("doc.pdf", b"%PDF-1.4", "application/pdf"), purpose="assistants",
                                      custom_llm_provider="openai", api_base=os.environ["GATEWAY_URL"],
                                      api_key=os.environ["GATEWAY_KEY"])
        done(id=asyncio.run(upload).id)
        """,
        proxy,
    )
    assert proxy.requests[-1].path.endswith("/files")


def test_string_callbacks_are_skipped_with_one_warning(proxy: FakeProxy) -> None:
    result = run(
        """
        import logging, os
        shim.as_litellm(api_base=os.environ["GATEWAY_URL"], api_key=os.environ["GATEWAY_KEY"])
        import litellm
        records = []
        logging.getLogger("shim.callbacks").addHandler(type("H", (logging.Handler,), {"emit": lambda s, r: records.append(r.getMessage())})())
        litellm.success_callback = ["langfuse"]  # CrewAI, from LITELLM_SUCCESS_CALLBACKS
        answers = [litellm.completion("litellm_proxy/m", [{"role": "user", "content": "hi"}]).choices[0].message.content
                   for _ in range(2)]
        done(records=records, answers=len(answers))
        """,
        proxy,
    )
    (warning,) = result["records"]
    assert "callback 'langfuse' needs LiteLLM's langfuse integration" in warning
    assert result["answers"] == 2


def test_autopatch_runs_a_program_on_the_facade(tmp_path: Path) -> None:
    script = tmp_path / "app.py"
    script.write_text("import sys, litellm\nprint('FILE', litellm.__file__, sys.argv[1:])\n")
    on = _autopatch(["--as-litellm", str(script), "x"], {}, tmp_path)
    assert on.returncode == 0, on.stderr
    assert "_facade/litellm/__init__.py ['x']" in on.stdout
    check = tmp_path / "check.py"
    check.write_text("import sys\nprint('FINDERS', [type(f).__name__ for f in sys.meta_path])\n")
    off = _autopatch(["--as-litellm", str(check)], {"SHIM_AS_LITELLM": "0"}, tmp_path)
    assert off.returncode == 0, off.stderr
    assert "FacadeFinder" not in off.stdout  # switched off: the real litellm would be imported
    usage = _autopatch(["--as-litellm"], {}, tmp_path)
    assert usage.returncode == 2 and "--as-litellm" in usage.stderr


def _autopatch(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_", "SHIM_"))}
    command = [sys.executable, "-m", "shim.autopatch", *args]
    return subprocess.run(command, env=clean | env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def test_the_facade_lists_litellms_names() -> None:
    names = ["completion", "acompletion", "embedding", "stream_chunk_builder", "token_counter", "supports_vision"]
    result = run(f"""
        shim.as_litellm()
        import litellm
        from litellm.utils import supports_response_schema  # Strands, CrewAI
        from litellm.main import CustomStreamWrapper, ModelResponse  # llama-index
        from litellm.types.utils import TranscriptionResponse
        from litellm._logging import verbose_logger  # DSPy
        done(listed=[name in dir(litellm) and callable(getattr(litellm, name)) for name in {names!r}],
             same=[supports_response_schema is litellm.supports_response_schema, ModelResponse is litellm.ModelResponse,
                   CustomStreamWrapper is shim.CustomStreamWrapper,
                   TranscriptionResponse is shim.TranscriptionResponse],
             logger=verbose_logger.name, environment=litellm.validate_environment("litellm_proxy/m"))
    """)
    assert result["listed"] == [True] * len(names)
    assert result["same"] == [True] * 4
    assert result["logger"] == "LiteLLM"
    missing = ["LITELLM_PROXY_API_BASE", "LITELLM_PROXY_API_KEY"]
    assert result["environment"] == {"keys_in_environment": False, "missing_keys": missing}
