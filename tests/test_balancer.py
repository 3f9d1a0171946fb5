"""shim.Router over FakeProxy gateways: which gateway gets each call, retries, cooldowns, fallbacks, the model list.

Every test sends real requests to real loopback gateways and asserts on what each gateway received and on what the
caller got back; nothing of the Router is mocked.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import openai
import pytest

import shim
from shim import cli
from shim.testing import FakeProxy

HI = [{"role": "user", "content": "hi"}]
KEYS = ("sk-gateway-a-0123456789", "sk-gateway-b-0123456789", "sk-gateway-c-0123456789")


@pytest.fixture
def gateways() -> Iterator[list[FakeProxy]]:
    proxies = [FakeProxy(api_key=key) for key in KEYS]
    for proxy in proxies:
        proxy.start()
    yield proxies
    for proxy in proxies:
        proxy.stop()


def deployment(proxy: FakeProxy, group: str = "chat", model: str = "m", **params: Any) -> dict[str, Any]:
    info = {"id": params.pop("id")} if "id" in params else {}
    litellm_params = {"model": f"litellm_proxy/{model}", "api_base": proxy.url, "api_key": proxy.api_key, **params}
    return {"model_name": group, "litellm_params": litellm_params, "model_info": info}


def sent(proxy: FakeProxy, path: str = "/chat/completions") -> int:
    return sum(1 for request in proxy.requests if request.path.endswith(path))


def fail(proxy: FakeProxy, status: int = 500, times: int = 1000, **kwargs: Any) -> None:
    proxy.respond(status, times=times, **kwargs)


# --- construction: bad input is refused before anything is sent --------------------------------------------------


def test_a_deployment_that_is_not_a_gateway_model_is_refused_by_name_without_its_key(gateways):
    entry = {"model_name": "chat", "litellm_params": {"model": "openai/gpt-4o", "api_key": KEYS[0]}}
    with pytest.raises(shim.ConfigError) as caught:
        shim.Router(model_list=[deployment(gateways[0]), entry])
    message = str(caught.value)
    assert "model_list[1]" in message and "'chat'" in message and "openai/gpt-4o" in message
    assert "litellm_proxy/" in message
    assert KEYS[0] not in message


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"custom_llm_provider": "azure"}, "custom_llm_provider='azure'"),
        ({"api_base": "ftp://gateway"}, "not an http(s) URL"),
        ({"api_key": "sk-with a space"}, "api_key contains whitespace"),
        ({"rpm": -1}, "rpm must be a number >= 0"),
        ({"api_key": "os.environ/SHIM_TEST_UNSET_KEY"}, "SHIM_TEST_UNSET_KEY, which is unset"),
    ],
)
def test_bad_deployment_settings_are_named(gateways, params, expected):
    with pytest.raises(shim.ConfigError, match="model_list\\[0\\]") as caught:
        shim.Router(model_list=[deployment(gateways[0], **params)])
    assert expected in str(caught.value)


def test_an_unknown_option_is_a_type_error_and_an_unsupported_one_is_refused(gateways):
    with pytest.raises(TypeError, match="routing_stratgy"):
        shim.Router(model_list=[deployment(gateways[0])], routing_stratgy="least-busy")
    with pytest.raises(shim.ConfigError, match="cache_responses"):
        shim.Router(model_list=[deployment(gateways[0])], cache_responses=True)
    with pytest.raises(shim.ConfigError, match="routing_strategy='cost-based-routing'"):
        shim.Router(model_list=[deployment(gateways[0])], routing_strategy="cost-based-routing")  # type: ignore[arg-type]
    with pytest.raises(shim.ConfigError, match="RateLimitErrorRetrys"):
        shim.Router(model_list=[deployment(gateways[0])], retry_policy={"RateLimitErrorRetrys": 2})


def test_os_environ_values_are_read_at_construction(gateways, monkeypatch):
    monkeypatch.setenv("SHIM_TEST_GATEWAY_KEY", KEYS[0])
    router = shim.Router(model_list=[deployment(gateways[0], api_key="os.environ/SHIM_TEST_GATEWAY_KEY")])
    router.completion(model="chat", messages=HI)
    assert gateways[0].requests[-1].api_key == KEYS[0]


def test_ids_are_litellms_so_every_worker_and_litellm_agree(gateways):
    router = shim.Router(model_list=[deployment(gateways[0]), deployment(gateways[1], id="eu-1")])
    first, second = router.get_model_ids("chat")
    assert second == "eu-1"
    assert len(first) == 64 and first == shim.Router(model_list=[deployment(gateways[0])]).get_model_ids()[0]


# --- the model list ------------------------------------------------------------------------------------------------


def test_model_list_methods(gateways):
    router = shim.Router(
        model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], group="embed", id="b")],
        model_group_alias={"gpt-4": "chat", "secret": {"model": "chat", "hidden": True}},
    )
    assert sorted(router.get_model_names()) == ["chat", "embed", "gpt-4"]
    assert [d["model_info"]["id"] for d in router.get_model_list(model_name="chat")] == ["a"]
    assert [d["model_name"] for d in router.get_model_list(model_name="secret")] == ["secret"]
    found = router.get_deployment(model_id="b")
    assert found is not None and found.model_name == "embed" and found.litellm_params.api_base == gateways[1].url
    assert found["model_info"]["id"] == "b" and found.litellm_params.get("api_key") == KEYS[1]

    added = router.add_deployment(deployment(gateways[2], id="c"))
    assert added is not None and router.get_model_ids("chat") == ["a", "c"]
    assert router.add_deployment(deployment(gateways[2], id="c")) is None
    assert router.upsert_deployment(deployment(gateways[2], id="c")) is None
    moved = router.upsert_deployment(deployment(gateways[0], id="c"))
    assert moved is not None and moved.litellm_params.api_base == gateways[0].url
    removed = router.delete_deployment(id="a")
    assert removed is not None and router.get_model_ids("chat") == ["c"]
    assert router.delete_deployment(id="a") is None
    router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) == 1 and sent(gateways[2]) == 0

    router.set_model_list([deployment(gateways[1], group="other", id="z")])
    assert router.get_model_ids() == ["z"]


def test_calls_by_alias_and_by_deployment_id(gateways):
    router = shim.Router(
        model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")],
        model_group_alias={"gpt-4": "chat"},
    )
    assert router.completion(model="b", messages=HI)._hidden_params["api_base"] == gateways[1].url
    for _ in range(6):
        router.completion(model="gpt-4", messages=HI)
    assert sent(gateways[0]) + sent(gateways[1]) == 7


def test_an_unknown_model_is_a_bad_request_before_any_request(gateways):
    router = shim.Router(model_list=[deployment(gateways[0])])
    with pytest.raises(openai.BadRequestError, match="There are no healthy deployments") as caught:
        router.completion(model="nope", messages=HI)
    assert "'chat'" in str(caught.value)
    assert gateways[0].requests == []


def test_default_fallbacks_serve_an_unknown_model(gateways):
    router = shim.Router(model_list=[deployment(gateways[0])], default_fallbacks=["chat"])
    assert router.completion(model="nope", messages=HI).choices[0].message.content
    assert sent(gateways[0]) == 1


# --- what a result says ---------------------------------------------------------------------------------------------


def test_results_name_the_deployment_and_the_gateway(gateways):
    router = shim.Router(model_list=[deployment(gateways[0], id="a")])
    result = router.completion(model="chat", messages=HI)
    hidden = result._hidden_params
    assert hidden["model_id"] == "a" and hidden["api_base"] == gateways[0].url
    headers = hidden["additional_headers"]
    assert headers["x-litellm-model-group"] == "chat"
    assert headers["x-litellm-attempted-retries"] == 0 and headers["x-litellm-attempted-fallbacks"] == 0
    assert gateways[0].requests[-1].json["model"] == "m"
    assert gateways[0].requests[-1].api_key == KEYS[0]


def test_a_stream_and_its_chunks_name_the_deployment(gateways):
    router = shim.Router(model_list=[deployment(gateways[0], id="a")])
    stream = router.completion(model="chat", messages=HI, stream=True)
    chunks = list(stream)
    assert chunks and all(chunk._hidden_params["model_id"] == "a" for chunk in chunks)
    assert gateways[0].requests[-1].json["stream"] is True


async def test_an_async_stream(gateways):
    router = shim.Router(model_list=[deployment(gateways[0], id="a")])
    stream = await router.acompletion(model="chat", messages=HI, stream=True)
    chunks = [chunk async for chunk in stream]
    assert chunks[0]._hidden_params["model_id"] == "a"


ENDPOINTS: list[tuple[str, str, dict[str, Any]]] = [
    ("text_completion", "/completions", {"prompt": "hi"}),
    ("embedding", "/embeddings", {"input": ["hi"]}),
    ("image_generation", "/images/generations", {"prompt": "a cat"}),
    ("transcription", "/audio/transcriptions", {"file": ("a.wav", b"RIFFfake")}),
    ("speech", "/audio/speech", {"input": "hello", "voice": "alloy"}),
    ("rerank", "/rerank", {"query": "q", "documents": ["a", "b"]}),
    ("responses", "/responses", {"input": "hi"}),
    ("moderation", "/moderations", {"input": "hi"}),
]


@pytest.mark.parametrize(("name", "path", "kwargs"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
async def test_every_endpoint_sync_and_async_goes_to_a_healthy_gateway(gateways, name, path, kwargs):
    fail(gateways[0])
    router = shim.Router(model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")])
    results = [getattr(router, name)(model="chat", **kwargs) for _ in range(3)]
    results += [await getattr(router, "a" + name)(model="chat", **kwargs) for _ in range(3)]
    for result in results:
        assert result._hidden_params["model_id"] == "b"
    assert sent(gateways[1], path) == 6
    assert gateways[1].requests[-1].path.endswith(path)


async def test_files_and_batches_go_to_a_gateway_of_the_group(gateways):
    router = shim.Router(model_list=[deployment(gateways[0], id="a")])
    created = await router.acreate_file(model="chat", file=("in.jsonl", b'{"custom_id": "1"}\n'), purpose="batch")
    batch = await router.acreate_batch(
        model="chat", input_file_id=created.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert (await router.aretrieve_batch(model="chat", batch_id=batch.id)).id == batch.id
    assert (await router.alist_batches(model="chat")).data
    assert (await router.afile_list(model="chat")).data
    assert {r.path for r in gateways[0].requests} >= {"/files", "/batches", f"/batches/{batch.id}"}


# --- load balancing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "share"),
    [
        ({"weight": 3}, 0.75),  # weight 3 vs 1
        ({"rpm": 300}, 0.75),  # rpm 300 vs 100
        ({}, 0.5),
    ],
    ids=["weight", "rpm", "uniform"],
)
def test_simple_shuffle_spreads_by_weight_then_rpm(gateways, params, share):
    other = {key: value // 3 for key, value in params.items()}
    router = shim.Router(model_list=[deployment(gateways[0], **params), deployment(gateways[1], **other)])
    calls = 400
    for _ in range(calls):
        router.completion(model="chat", messages=HI)
    assert abs(sent(gateways[0]) / calls - share) < 0.08


def test_a_deployment_without_the_weight_others_set_gets_no_traffic(gateways):
    router = shim.Router(model_list=[deployment(gateways[0], rpm=10), deployment(gateways[1])])
    for _ in range(20):
        router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) == 20 and sent(gateways[1]) == 0


def test_least_busy_sends_to_the_gateway_with_fewest_calls_in_flight(gateways):
    gateways[0].respond(200, delay=0.5)  # the first call holds gateway a
    router = shim.Router(model_list=[deployment(gateways[0]), deployment(gateways[1])], routing_strategy="least-busy")
    slow = threading.Thread(target=router.completion, kwargs={"model": "chat", "messages": HI})
    slow.start()
    while not gateways[0].requests:
        time.sleep(0.01)
    for _ in range(5):
        router.completion(model="chat", messages=HI)
    slow.join()
    assert sent(gateways[0]) == 1 and sent(gateways[1]) == 5
    router.completion(model="chat", messages=HI)  # nothing in flight: a tie goes to the first listed
    assert sent(gateways[0]) == 2


def test_latency_based_routing_prefers_the_fast_gateway(gateways):
    router = shim.Router(
        model_list=[deployment(gateways[0]), deployment(gateways[1])], routing_strategy="latency-based-routing"
    )
    gateways[0].respond(200, delay=0.2, times=1000)
    for _ in range(20):
        router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) == 1  # measured once, then avoided
    assert sent(gateways[1]) == 19


def test_usage_based_routing_keeps_each_deployment_under_its_rpm(gateways):
    router = shim.Router(
        model_list=[deployment(gateways[0], rpm=2), deployment(gateways[1], rpm=3)],
        routing_strategy="usage-based-routing-v2",
    )
    for _ in range(5):
        router.completion(model="chat", messages=HI)
    assert (sent(gateways[0]), sent(gateways[1])) == (2, 3)
    with pytest.raises(openai.RateLimitError, match="No deployments available"):
        router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) + sent(gateways[1]) == 5  # refused without a request


# --- retries and cooldowns ------------------------------------------------------------------------------------------


def test_a_failing_gateway_is_retried_elsewhere_then_sits_out(gateways):
    fail(gateways[0])
    router = shim.Router(model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")])
    for _ in range(30):
        result = router.completion(model="chat", messages=HI)
        assert result._hidden_params["model_id"] == "b"
    # LiteLLM's rule: cooled down once more than half its calls this minute failed, after at least 5 of them
    assert sent(gateways[0]) == 5
    assert router.get_cooldown_deployments() == ["a"]


def test_a_429_cools_the_deployment_down_at_once(gateways):
    fail(gateways[0], 429, times=1)
    router = shim.Router(model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")])
    while not gateways[0].requests:
        router.completion(model="chat", messages=HI)
    assert router.get_cooldown_deployments() == ["a"]
    for _ in range(10):
        router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) == 1


def test_when_every_deployment_sits_out_the_error_says_so_and_when_the_first_returns(gateways):
    for proxy in gateways[:2]:
        fail(proxy, 429, times=1)
    router = shim.Router(
        model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b", cooldown_time=0.4)],
        cooldown_time=30,
        num_retries=3,
    )
    with pytest.raises(shim.RateLimitError):  # a, then b: both answer 429 and sit out
        router.completion(model="chat", messages=HI)
    with pytest.raises(shim.RouterRateLimitError) as caught:
        router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) + sent(gateways[1]) == 2  # the second call sent nothing
    error = caught.value
    assert isinstance(error, ValueError) and error.status_code == 429
    assert sorted(error.cooldown_list) == ["a", "b"] and error.all_deployments_in_cooldown
    assert 0 < error.retry_after <= 0.4
    assert "No deployments available for selected model 'chat'" in str(error)
    assert "all 2 of its deployments are cooling down" in str(error) and "the first returns in" in str(error)
    time.sleep(error.retry_after + 0.05)
    assert router.completion(model="chat", messages=HI)._hidden_params["model_id"] == "b"


def test_a_retry_after_header_sets_the_cooldown(gateways):
    fail(gateways[0], 429, times=1, headers={"retry-after": "0"})
    router = shim.Router(model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")])
    while not gateways[0].requests:
        router.completion(model="chat", messages=HI)
    assert router.get_cooldown_deployments() == []  # Retry-After: 0 means no cooldown, as in LiteLLM


def test_disable_cooldowns(gateways):
    fail(gateways[0], 429)
    router = shim.Router(
        model_list=[deployment(gateways[0]), deployment(gateways[1])], disable_cooldowns=True, num_retries=5
    )
    for _ in range(20):
        router.completion(model="chat", messages=HI)
    assert router.get_cooldown_deployments() == []
    assert sent(gateways[0]) > 3


def test_allowed_fails_counts_failures_before_a_cooldown(gateways):
    fail(gateways[0], 500)
    router = shim.Router(
        model_list=[deployment(gateways[0], id="a")], allowed_fails=2, num_retries=0, fallbacks=[{"chat": ["b"]}]
    )
    router.add_deployment(deployment(gateways[1], group="b"))
    for expected in (1, 2, 3):
        router.completion(model="chat", messages=HI)  # falls back to b
        assert sent(gateways[0]) == expected
    assert router.get_cooldown_deployments() == ["a"]  # the third failure is more than 2
    router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) == 3


def test_allowed_fails_policy_per_kind_of_error(gateways):
    fail(gateways[0], 500)
    router = shim.Router(
        model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")],
        allowed_fails_policy={"InternalServerErrorAllowedFails": 0},
    )
    while not gateways[0].requests:
        router.completion(model="chat", messages=HI)
    assert router.get_cooldown_deployments() == ["a"]


def test_num_retries_bounds_the_attempts_and_the_error_says_how_many(gateways):
    fail(gateways[0], 503)
    router = shim.Router(model_list=[deployment(gateways[0])], num_retries=2, retry_after=0)
    started = time.monotonic()
    with pytest.raises(shim.ServiceUnavailableError) as caught:
        router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) == 3
    assert caught.value.num_retries == 2 and caught.value.max_retries == 2
    assert time.monotonic() - started >= 0.5 + 1.0  # one deployment: LiteLLM's backoff, 0.5 s then 1 s
    with pytest.raises(shim.ServiceUnavailableError):
        router.completion(model="chat", messages=HI, num_retries=0)
    assert sent(gateways[0]) == 4


def test_errors_not_worth_retrying_are_raised_at_once(gateways):
    fail(gateways[0], 400)
    fail(gateways[1], 400)
    router = shim.Router(model_list=[deployment(gateways[0]), deployment(gateways[1])])
    with pytest.raises(shim.BadRequestError):
        router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) + sent(gateways[1]) == 1


def test_a_retry_policy_retries_what_it_names(gateways):
    fail(gateways[0], 400, times=2)
    router = shim.Router(
        model_list=[deployment(gateways[0])], retry_policy=shim._balancer.config.RetryPolicy(BadRequestErrorRetries=2)
    )
    router.completion(model="chat", messages=HI)
    assert sent(gateways[0]) == 3


def test_a_deployment_timeout_moves_the_call_to_another_gateway(gateways):
    gateways[0].respond(200, delay=1.0, times=10)
    router = shim.Router(model_list=[deployment(gateways[0], id="a", timeout=0.2), deployment(gateways[1], id="b")])
    for _ in range(6):
        assert router.completion(model="chat", messages=HI)._hidden_params["model_id"] == "b"


# --- fallbacks ------------------------------------------------------------------------------------------------------


def test_fallbacks_go_to_the_next_group_and_say_so(gateways):
    fail(gateways[0], 500)
    router = shim.Router(
        model_list=[deployment(gateways[0]), deployment(gateways[1], group="backup", model="b")],
        fallbacks=[{"chat": ["backup"]}],
        num_retries=0,
    )
    result = router.completion(model="chat", messages=HI)
    assert result._hidden_params["additional_headers"]["x-litellm-attempted-fallbacks"] == 1
    assert result._hidden_params["additional_headers"]["x-litellm-model-group"] == "backup"
    assert gateways[1].requests[-1].json["model"] == "b"


def test_context_window_and_content_policy_errors_have_their_own_fallbacks(gateways):
    too_long = {"error": {"message": "maximum context length exceeded", "code": "context_length_exceeded"}}
    router = shim.Router(
        model_list=[
            deployment(gateways[0]),
            deployment(gateways[1], group="long"),
            deployment(gateways[2], group="lenient"),
        ],
        fallbacks=[{"chat": ["lenient"]}],
        context_window_fallbacks=[{"chat": ["long"]}],
        content_policy_fallbacks=[{"chat": ["lenient"]}],
    )
    gateways[0].respond(400, body=too_long)
    assert router.completion(model="chat", messages=HI)._hidden_params["model_id"] == router.get_model_ids("long")[0]
    gateways[0].respond(400, body={"error": {"message": "flagged", "code": "content_policy_violation"}})
    assert router.completion(model="chat", messages=HI)._hidden_params["api_base"] == gateways[2].url
    assert sent(gateways[0]) == 2  # neither was retried


def test_max_fallbacks_zero_and_disable_fallbacks(gateways):
    fail(gateways[0], 500)
    model_list = [deployment(gateways[0]), deployment(gateways[1], group="backup")]
    router = shim.Router(model_list=model_list, fallbacks=[{"chat": ["backup"]}], max_fallbacks=0, num_retries=0)
    with pytest.raises(shim.InternalServerError):
        router.completion(model="chat", messages=HI)
    router = shim.Router(model_list=model_list, fallbacks=[{"chat": ["backup"]}], num_retries=0)
    with pytest.raises(shim.InternalServerError):
        router.completion(model="chat", messages=HI, disable_fallbacks=True)
    assert sent(gateways[1]) == 0


def test_every_fallback_failing_raises_the_last_error(gateways):
    fail(gateways[0], 500)
    fail(gateways[1], 404)
    router = shim.Router(
        model_list=[deployment(gateways[0]), deployment(gateways[1], group="backup")],
        fallbacks=[{"chat": ["backup"]}],
        num_retries=0,
    )
    with pytest.raises(shim.NotFoundError):
        router.completion(model="chat", messages=HI)


# --- keys, callbacks, concurrency -----------------------------------------------------------------------------------


def test_keys_never_show_in_a_repr_an_error_a_log_or_a_callback(gateways, caplog):
    caplog.set_level(logging.DEBUG)
    events: list[Any] = []
    fail(gateways[0], 401, body={"error": {"message": f"bad key {KEYS[0]}"}})
    router = shim.Router(
        model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")], set_verbose=True
    )
    texts = [repr(router), repr(router.get_deployment("a")), str(router.get_deployment("a"))]
    while not gateways[0].requests:
        router.completion(model="chat", messages=HI, callbacks=[lambda *args: events.append(args)])
    fail(gateways[1], 401, body={"error": {"message": f"bad key {KEYS[1]}"}})
    fail(gateways[0], 401, body={"error": {"message": f"bad key {KEYS[0]}"}})
    with pytest.raises(openai.APIError) as caught:
        router.completion(model="chat", messages=HI, num_retries=1)
    shim.flush_callbacks()
    texts += [str(caught.value), repr(caught.value), caplog.text, repr(events)]
    for text in texts:
        for key in KEYS:
            assert key not in text


def test_callbacks_name_the_group_and_the_deployment_that_served(gateways):
    seen: list[dict[str, Any]] = []
    router = shim.Router(model_list=[deployment(gateways[0], id="a")])
    router.completion(model="chat", messages=HI, success_callback=None, callbacks=[lambda kw, *_: seen.append(kw)])
    shim.flush_callbacks()
    assert seen and seen[0]["litellm_params"]["metadata"]["model_group"] == "chat"
    assert seen[0]["litellm_params"]["model_info"]["id"] == "a"
    assert seen[0]["standard_logging_object"]["model_id"] == "a"
    assert seen[0]["api_base"] == gateways[0].url


def test_threads_share_one_router_and_lose_no_call(gateways):
    fail(gateways[0], 500)
    router = shim.Router(model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")])
    served: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def work() -> None:
        for _ in range(25):
            result = router.completion(model="chat", messages=HI)
            with lock:
                served[result._hidden_params["model_id"]] += 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert served == {"b": 200}
    assert sent(gateways[1]) == 200  # each call answered once; the failed attempts went to a only
    assert sent(gateways[0]) <= 3 * 8  # retries bounded: a sits out once it failed enough


async def test_asyncio_tasks_share_one_router(gateways):
    fail(gateways[0], 500)
    router = shim.Router(model_list=[deployment(gateways[0], id="a"), deployment(gateways[1], id="b")])
    results = await asyncio.gather(*(router.acompletion(model="chat", messages=HI) for _ in range(100)))
    assert {r._hidden_params["model_id"] for r in results} == {"b"}
    assert sent(gateways[1]) == 100


def test_get_available_deployment_sends_nothing(gateways):
    router = shim.Router(model_list=[deployment(gateways[0], id="a")])
    assert router.get_available_deployment(model="chat")["model_info"]["id"] == "a"
    assert asyncio.run(router.async_get_available_deployment(model="chat"))["model_info"]["id"] == "a"
    assert gateways[0].requests == []


def test_router_check_prints_what_the_router_would_do_without_keys(tmp_path, capsys):
    litellm_params = {"model": "litellm_proxy/m", "api_base": "http://gateway-eu:4000", "api_key": KEYS[0]}
    config: dict[str, Any] = {
        "model_list": [{"model_name": "chat", "litellm_params": litellm_params, "model_info": {"id": "eu-1"}}],
        "router_settings": {"routing_strategy": "least-busy", "fallbacks": [{"chat": ["missing"]}]},
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    assert cli.main(["router", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "eu-1" in out and "http://gateway-eu:4000" in out and "least-busy" in out
    assert "'missing', which is not a model_name" in out
    assert KEYS[0] not in out
    config["model_list"][0]["litellm_params"]["model"] = "openai/gpt-4o"
    path.write_text(json.dumps(config))
    assert cli.main(["router", "check", str(path)]) == 1
    assert "not a gateway model" in capsys.readouterr().err
