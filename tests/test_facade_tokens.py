"""`litellm.token_counter` under `shim.as_litellm()`: the gateway counts when one is configured; with none, the
count is LiteLLM's for a model it does not know, made in the process (shim/_facade/_tokens.py).

The reference is the real litellm installed in this venv, run in its own interpreter (the facade and the real
litellm cannot share one); the facade's programs run in fresh interpreters too (tests/test_facade.py's `run`).
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from shim.testing import FakeProxy
from tests.proxy.harness import litellm_executable
from tests.test_facade import run

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "The city"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer"},
                "hourly": {"type": "boolean"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "where": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
            },
            "required": ["city"],
        },
    },
}
NO_ARGUMENTS = {"type": "function", "function": {"name": "now"}}
CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
CHAT = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Hi there, what's the weather?", "name": "alice"},
    {"role": "assistant", "content": None, "tool_calls": [CALL]},
    {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 21°C"},
]
# LiteLLM's token_counter keywords for each case: JSON, so both interpreters get the same input.
CASES: dict[str, dict[str, Any]] = {
    "text": {"text": "Hello, world! How are you today?"},
    "text-list": {"text": ["Hello, ", "world", 7, "!"]},
    "text-special-and-unicode": {"text": "naïve café 東京 <|endoftext|> 🙂 " * 3},
    "text-over-a-chunk": {"text": "The quick brown fox jumps over the lazy dog. 数字 1234567 " * 60},
    "messages": {"messages": CHAT[:2]},
    "messages-empty": {"messages": []},
    "content-list": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Describe this"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}},
                    {"type": "image_url", "image_url": "https://example.com/b.png"},
                    {"type": "text", "text": " and that."},
                ],
            }
        ]
    },
    "tool-calls": {"messages": CHAT},
    "function-call": {
        "messages": [
            {"role": "user", "content": "time?"},
            {"role": "assistant", "content": "", "function_call": {"name": "now", "arguments": "{}"}},
        ]
    },
    "tools-with-system": {"messages": CHAT, "tools": [WEATHER, NO_ARGUMENTS]},
    "tools-without-system": {"messages": CHAT[1:2], "tools": [WEATHER]},
    "tool-choice-named": {
        "messages": CHAT[1:2],
        "tools": [WEATHER],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    },
    "tool-choice-none": {"messages": CHAT, "tools": [WEATHER], "tool_choice": "none"},
    "tool-choice-auto": {"messages": CHAT, "tools": [WEATHER], "tool_choice": "auto"},
    "response-tokens": {"messages": CHAT, "tools": [WEATHER], "count_response_tokens": True},
    "thinking": {
        "messages": [{"role": "assistant", "content": [{"type": "thinking", "thinking": "Hmm.", "signature": "x"}]}]
    },
    "default-image-count": {
        "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}],
        "use_default_image_token_count": True,
    },
    "unknown-block-default": {
        "messages": [{"role": "user", "content": [{"type": "video", "url": "x"}]}],
        "default_token_count": 42,
    },
}
COUNT_ALL = """
import json, os
cases = json.loads(os.environ["CASES"])
counts = {name: litellm.token_counter(model=os.environ.get("MODEL", "litellm_proxy/x"), **case)
          for name, case in cases.items()}
"""


def litellms_counts(cases: dict[str, dict[str, Any]]) -> dict[str, int]:
    """The real litellm's counts for `model="litellm_proxy/x"`, from its own interpreter (offline: its bundled
    price map and tokenizer file)."""
    program = "import litellm\n" + COUNT_ALL + "print('RESULT ' + json.dumps(counts))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_", "SHIM_"))}
    env = clean | {"CASES": json.dumps(cases), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    python = litellm_executable().parent / "python"  # the peer's venv (`make test-matrix`'s venvs lack litellm)
    done = subprocess.run([python, "-c", program], env=env, capture_output=True, text=True, timeout=120, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-4000:]
    counts: dict[str, int] = json.loads(lines[-1].removeprefix("RESULT "))
    return counts


def facades_counts(cases: dict[str, dict[str, Any]], prelude: str = "", **env: str) -> dict[str, int]:
    result = run(
        prelude + "shim.as_litellm()\nimport litellm\n" + COUNT_ALL + "done(counts=counts)",
        CASES=json.dumps(cases),
        **env,
    )
    counts: dict[str, int] = result["counts"]
    return counts


def test_without_a_gateway_the_count_is_litellms() -> None:
    # The tokenizer is tiktoken, where it is installed (beside the real litellm); else the count is an estimate.
    pytest.importorskip("tiktoken", reason="tiktoken comes with litellm; without it the count is the estimate")
    expected = litellms_counts(CASES)
    assert facades_counts(CASES) == expected
    # Any name counts so, the prefix-stripped one ADK asks with and none at all, as LiteLLM counts them.
    assert facades_counts(CASES, MODEL="my-alias") == expected
    assert facades_counts(CASES, MODEL="") == expected


def test_with_a_gateway_the_gateway_counts(proxy: FakeProxy) -> None:
    result = run(
        """
        import os
        shim.as_litellm(api_base=os.environ["GATEWAY_URL"], api_key=os.environ["GATEWAY_KEY"])
        import litellm
        messages = [{"role": "user", "content": "one two three four five"}]
        done(counted=litellm.token_counter(model="fake-chat", messages=messages),
             text=litellm.token_counter("litellm_proxy/fake-chat", text="one two three"))
        """,
        proxy,
    )
    asked = [request for request in proxy.requests if request.path == "/utils/token_counter"]
    assert [request.json["model"] for request in asked] == ["fake-chat", "fake-chat"]
    assert asked[0].json["messages"] == [{"role": "user", "content": "one two three four five"}]
    # The gateway's own counts (the FakeProxy counts words), not a local tokenizer's.
    assert (result["counted"], result["text"]) == (11, 3)


def test_a_gateway_given_per_call_counts(proxy: FakeProxy) -> None:
    result = run(
        """
        import os
        shim.as_litellm()
        import litellm
        done(counted=litellm.token_counter(model="litellm_proxy/fake-chat", text="one two",
                                           api_base=os.environ["GATEWAY_URL"], api_key=os.environ["GATEWAY_KEY"]))
        """,
        proxy,
    )
    assert result["counted"] == 2
    assert [request.path for request in proxy.requests] == ["/utils/token_counter"]


def test_without_a_tokenizer_the_count_is_an_estimate_of_the_same_scale() -> None:
    # tiktoken absent (the facade then never reads LiteLLM's tokenizer file): each text is estimated.
    estimated = facades_counts(CASES, prelude="sys.modules['tiktoken'] = None\n")
    expected = litellms_counts(CASES)
    for name, count in estimated.items():
        assert 0.5 * expected[name] <= count <= 2 * expected[name] + 4, (name, count, expected[name])
    longer = facades_counts(
        {"short": {"text": "word " * 10}, "long": {"text": "word " * 100}}, "sys.modules['tiktoken'] = None\n"
    )
    assert longer["long"] > longer["short"] > 0


def test_litellms_errors_without_a_gateway() -> None:
    result = run("""
        shim.as_litellm()
        import litellm
        errors = []
        for kwargs in ({}, {"text": "a", "messages": []}, {"text": "a", "tools": [{"type": "function"}]},
                       {"messages": [{"role": "user", "content": [{"type": "video", "url": "x"}]}]}):
            try:
                litellm.token_counter(model="litellm_proxy/x", **kwargs)
            except ValueError as error:
                errors.append(type(error).__name__)
        done(errors=errors)
    """)
    assert result["errors"] == ["ValueError"] * 4
