"""`batch_completion`: one model, many conversations, concurrently; results in order, failures in place."""

from __future__ import annotations

from typing import Any

import pytest

import shim
from shim.testing import FakeProxy


def conversation(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_results_come_back_in_order(gateway: FakeProxy) -> None:
    texts = [f"question {i}" for i in range(12)]
    results = shim.batch_completion("litellm_proxy/m", messages=[conversation(t) for t in texts], max_workers=4)
    assert [r.choices[0].message.content for r in results if isinstance(r, shim.ModelResponse)] == [
        "echo: " + t for t in texts
    ]
    assert sorted(r.json["messages"][0]["content"] for r in gateway.requests) == sorted(texts)
    assert {r.json["model"] for r in gateway.requests} == {"m"}


def test_options_reach_every_call_and_a_failure_stays_in_its_place(gateway: FakeProxy) -> None:
    gateway.respond(400)
    results = shim.batch_completion(
        "litellm_proxy/m", messages=[conversation("a"), conversation("b")], max_workers=1, temperature=0.2
    )
    assert isinstance(results[0], shim.BadRequestError)
    assert isinstance(results[1], shim.ModelResponse)
    assert [r.json["temperature"] for r in gateway.requests] == [0.2, 0.2]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"messages": []}, ValueError, "no message lists"),
        ({"messages": conversation("x")}, TypeError, r"messages\[0\]: messages must be a list"),
        ({"messages": "hi"}, TypeError, "a list of message lists"),
        ({"messages": [conversation("x"), []]}, ValueError, r"messages\[1\]: messages is empty"),
        ({"messages": [conversation("x")], "max_workers": 0}, ValueError, "max_workers"),
        ({"messages": [conversation("x")], "model": "m"}, shim.RouteError, "litellm_proxy/"),
        ({"messages": [conversation("x")], "timeout": -1}, ValueError, "timeout"),
    ],
)
def test_bad_input_fails_before_any_request(
    gateway: FakeProxy, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        shim.batch_completion(**({"model": "litellm_proxy/m"} | kwargs))
    assert gateway.requests == []
