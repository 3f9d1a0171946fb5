"""shim.Router over two real LiteLLM proxies: calls spread over both, and leave one that fails or goes away.

The session's proxy is the first gateway; this module starts a second one, in front of its own fake upstream,
and stops it by its pid.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import shim

from .conftest import LiteLLMProxy
from .harness import ProxyProcess, proxy_config, start_proxy, stop_proxy, write_config
from .upstream import FakeUpstream

pytestmark = pytest.mark.proxy
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ProxyProcess, FakeUpstream]]:
    workdir: Path = tmp_path_factory.mktemp("litellm-proxy-2")
    with FakeUpstream() as upstream:
        process = start_proxy(write_config(workdir / "config.yaml", proxy_config(upstream.url)), workdir / "proxy.log")
        try:
            yield process, upstream
        finally:
            stop_proxy(process)


def deployment(url: str, key: str, model: str, id: str) -> dict[str, Any]:
    litellm_params = {"model": f"litellm_proxy/{model}", "api_base": url, "api_key": key}
    return {"model_name": "chat", "litellm_params": litellm_params, "model_info": {"id": id}}


def chats(upstream: FakeUpstream) -> int:
    return len(upstream.requests_to("/v1/chat/completions"))


async def test_calls_spread_over_both_proxies(litellm_proxy: LiteLLMProxy, second):
    process, upstream = second
    router = shim.Router(
        model_list=[
            deployment(litellm_proxy.url, litellm_proxy.api_key, "chat", "one"),
            deployment(process.url, process.api_key, "chat", "two"),
        ]
    )
    before = chats(litellm_proxy.upstream), chats(upstream)
    served = collections.Counter(
        router.completion(model="chat", messages=HI)._hidden_params["model_id"] for _ in range(20)
    )
    for _ in range(20):
        served[(await router.acompletion(model="chat", messages=HI))._hidden_params["model_id"]] += 1
    assert served["one"] > 5 and served["two"] > 5 and served.total() == 40
    assert chats(litellm_proxy.upstream) - before[0] == served["one"]
    assert chats(upstream) - before[1] == served["two"]


def test_a_failing_proxy_sits_out_and_calls_go_to_the_other(litellm_proxy: LiteLLMProxy, second):
    process, _ = second
    router = shim.Router(
        model_list=[
            deployment(litellm_proxy.url, litellm_proxy.api_key, "chat", "one"),
            deployment(process.url, process.api_key, "fail-500", "two"),  # this gateway's group always fails
        ],
        allowed_fails=1,
        cooldown_time=60,
    )
    served = [router.completion(model="chat", messages=HI) for _ in range(20)]
    assert {r._hidden_params["model_id"] for r in served} == {"one"}
    assert {r._hidden_params["api_base"] for r in served} == {litellm_proxy.url}
    assert router.get_cooldown_deployments() == ["two"]


def test_a_proxy_that_goes_away(litellm_proxy: LiteLLMProxy, tmp_path: Path):
    with FakeUpstream() as upstream:
        process = start_proxy(write_config(tmp_path / "config.yaml", proxy_config(upstream.url)), tmp_path / "log")
        router = shim.Router(
            model_list=[
                deployment(litellm_proxy.url, litellm_proxy.api_key, "chat", "one"),
                deployment(process.url, process.api_key, "chat", "two"),
            ],
            allowed_fails=0,
        )
        stop_proxy(process)  # connections to it are refused from now on
        served = [router.completion(model="chat", messages=HI)._hidden_params["model_id"] for _ in range(10)]
    assert served == ["one"] * 10
    assert chats(upstream) == 0
