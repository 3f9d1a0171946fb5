"""Differential scenarios for `Router`: the same model_list through `litellm.Router` and `shim.Router`.

Each scenario starts its own FakeProxy gateways (`shim.testing.FakeProxy`), scripts them (one failing, slow or
rate limited), builds a Router on the library's side, makes the same calls, and observes which gateway got each
request, what the caller got (result, `_hidden_params`, exception type), and what the Router says about its
deployments. Gateways are named "a", "b", "c" in the observations, and so are the deployments (`model_info.id`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from shim.testing import FakeProxy

from .differential import Ctx, Obs, Scenario, error, outcome

HI = [{"role": "user", "content": "hi"}]
NAMES = "abc"
# How a gateway words these errors (LiteLLM's SDK and shim both map them to their own exception types).
CONTEXT_WINDOW = "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."
CONTENT_POLICY = (
    "litellm.ContentPolicyViolationError: ContentPolicyViolationError: OpenAIException - Your request was rejected "
    "as a result of our safety system"
)


@contextlib.contextmanager
def gateways(count: int = 2) -> Iterator[list[FakeProxy]]:
    proxies = [FakeProxy(accept_any_key=True).start() for _ in range(count)]
    try:
        yield proxies
    finally:
        for proxy in proxies:
            proxy.stop()


def entry(proxy: FakeProxy, name: str, group: str = "chat", **params: Any) -> dict[str, Any]:
    info = {} if params.pop("hashed_id", False) else {"id": name}
    litellm_params = {"model": f"litellm_proxy/model-{name}", "api_base": proxy.url, "api_key": f"sk-{name}", **params}
    return {"model_name": group, "litellm_params": litellm_params, "model_info": info}


def counts(proxies: list[FakeProxy], path: str = "/chat/completions") -> dict[str, int]:
    return {NAMES[i]: sum(1 for r in p.requests if r.path.endswith(path)) for i, p in enumerate(proxies)}


def where(value: Any, proxies: list[FakeProxy]) -> Any:
    for i, proxy in enumerate(proxies):
        if value == proxy.url:
            return f"gateway {NAMES[i]}"
    return value


def served(result: Any, proxies: list[FakeProxy]) -> Obs:
    """Which deployment and gateway answered, and the Router's headers on the result."""
    hidden = getattr(result, "_hidden_params", None) or {}
    headers = hidden.get("additional_headers") or {}
    return {
        "type": type(result).__name__,
        "model_id": hidden.get("model_id"),
        "api_base": where(hidden.get("api_base"), proxies),
        "x-litellm-model-group": headers.get("x-litellm-model-group"),
        "x-litellm-attempted-retries": headers.get("x-litellm-attempted-retries"),
        "x-litellm-attempted-fallbacks": headers.get("x-litellm-attempted-fallbacks"),
    }


async def call(router: Any, method: str, **kwargs: Any) -> Any:
    result = getattr(router, method)(**kwargs)
    return await result if asyncio.iscoroutine(result) else result


def chat(use_async: bool = False) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        with gateways() as proxies:
            router = lib.Router(model_list=[entry(proxies[0], "a")])
            method = "acompletion" if use_async else "completion"
            found = await outcome(lambda: call(router, method, model="chat", messages=HI), lambda r: served(r, proxies))
            sent = proxies[0].requests[-1].json
            return found | {"sent model": sent["model"], "sent key": proxies[0].requests[-1].api_key} | counts(proxies)

    return scenario


def stream(use_async: bool = False) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        with gateways() as proxies:
            router = lib.Router(model_list=[entry(proxies[0], "a")])
            if use_async:
                chunks = [c async for c in await router.acompletion(model="chat", messages=HI, stream=True)]
            else:
                chunks = list(router.completion(model="chat", messages=HI, stream=True))
            text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            return {
                "text": text,
                "chunk model_id": sorted({str(c._hidden_params.get("model_id")) for c in chunks}),
                "sent stream": proxies[0].requests[-1].json.get("stream"),
            }

    return scenario


def endpoint(method: str, path: str, **kwargs: Any) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        with gateways() as proxies:
            proxies[0].respond(429, times=1)  # the first call's first attempt: it must move to gateway b
            router = lib.Router(model_list=[entry(proxies[0], "a", weight=1000), entry(proxies[1], "b")])
            found = await outcome(lambda: call(router, method, model="chat", **kwargs), lambda r: served(r, proxies))
            return found | {"requests": counts(proxies, path)}

    return scenario


async def model_list_methods(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways(3) as proxies:
        router = lib.Router(
            model_list=[entry(proxies[0], "a", hashed_id=True), entry(proxies[1], "b", group="embed")],
            model_group_alias={"gpt-4": "chat"},
        )
        hashed = router.get_model_list(model_name="chat")[0]["model_info"]["id"]
        params = entry(proxies[0], "a")["litellm_params"]
        litellms_id = hashlib.sha256(("chat" + "".join(k + str(v) for k, v in params.items())).encode()).hexdigest()
        deployment = router.get_deployment(model_id="b")
        added = router.add_deployment(_deployment(lib, entry(proxies[2], "c")))
        again = router.add_deployment(_deployment(lib, entry(proxies[2], "c")))
        deleted = router.delete_deployment(id="c")
        return {
            "id without model_info.id is sha256(model_name + litellm_params)": hashed == litellms_id,
            "get_model_names": sorted(router.get_model_names()),
            "get_model_list(chat) models": [d["litellm_params"]["model"] for d in router.get_model_list("chat")],
            "get_model_list(gpt-4) names": [d["model_name"] for d in router.get_model_list("gpt-4")],
            "get_deployment type": type(deployment).__name__,
            "get_deployment model_name": deployment.model_name,
            "get_deployment api_base": where(deployment.litellm_params.api_base, proxies),
            "add_deployment": getattr(getattr(added, "model_info", None), "id", None),
            "add_deployment again": again,
            "delete_deployment": getattr(getattr(deleted, "model_info", None), "id", None),
            "api_key in repr(get_deployment)": "sk-b" in repr(deployment),
        }


def _deployment(lib: ModuleType, value: dict[str, Any]) -> Any:
    if lib.__name__ == "litellm":
        from litellm.types.router import Deployment

        return Deployment(**value)
    return value


async def available_deployment(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        router = lib.Router(model_list=[entry(proxies[0], "a", rpm=10), entry(proxies[1], "b")])
        picked = router.get_available_deployment(model="chat")
        apicked = await router.async_get_available_deployment(model="chat", request_kwargs={})
        return {
            "get_available_deployment": picked["model_info"]["id"],
            "async_get_available_deployment": apicked["model_info"]["id"],
            "requests": counts(proxies),
        }


def shuffle(params: dict[str, Any], other: dict[str, Any], share: float) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        with gateways() as proxies:
            router = lib.Router(model_list=[entry(proxies[0], "a", **params), entry(proxies[1], "b", **other)])
            for _ in range(200):
                await router.acompletion(model="chat", messages=HI)
            got = counts(proxies)
            return {
                f"gateway a's share within 0.1 of {share}": abs(got["a"] / 200 - share) <= 0.1,
                "total": sum(got.values()),
            }

    return scenario


async def rpm_as_weight(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        router = lib.Router(model_list=[entry(proxies[0], "a", rpm=10), entry(proxies[1], "b")])
        for _ in range(20):
            await router.acompletion(model="chat", messages=HI)
        return {"requests": counts(proxies)}


async def least_busy(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        proxies[0].respond(200, delay=0.6)
        router = lib.Router(model_list=[entry(proxies[0], "a"), entry(proxies[1], "b")], routing_strategy="least-busy")
        slow = asyncio.ensure_future(router.acompletion(model="chat", messages=HI))  # a tie: the first listed, a
        for _ in range(200):  # until gateway a holds the first call (FakeProxy's requests are a plain list)
            if proxies[0].requests:
                break
            await asyncio.sleep(0.01)
        meanwhile = served(await router.acompletion(model="chat", messages=HI), proxies)["model_id"]
        first = served(await slow, proxies)["model_id"]
        return {"first call (a tie)": first, "a call while it is in flight": meanwhile}


async def usage_based(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        router = lib.Router(
            model_list=[entry(proxies[0], "a", rpm=2), entry(proxies[1], "b", rpm=3)],
            routing_strategy="usage-based-routing-v2",
        )
        served_by = []
        for _ in range(6):
            found = await outcome(lambda: router.acompletion(model="chat", messages=HI), lambda r: served(r, proxies))
            served_by.append(found.get("model_id") or found.get("raises"))
        return {"served by, in order": sorted(served_by), "requests": counts(proxies)}


async def latency(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        proxies[0].respond(200, delay=0.3, times=100)
        router = lib.Router(
            model_list=[entry(proxies[0], "a"), entry(proxies[1], "b")], routing_strategy="latency-based-routing"
        )
        for _ in range(8):
            await router.acompletion(model="chat", messages=HI)
            await asyncio.sleep(0.05)  # LiteLLM records latency in a callback after the call returns
        return {"slow gateway a got at most 2 of 8": counts(proxies)["a"] <= 2}


def rate_limited(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        with gateways() as proxies:
            proxies[0].respond(429, times=1)
            router = lib.Router(model_list=[entry(proxies[0], "a", weight=1000), entry(proxies[1], "b")])
            method = "acompletion" if use_async else "completion"
            first = await outcome(lambda: call(router, method, model="chat", messages=HI), lambda r: served(r, proxies))
            later = [
                served(await call(router, method, model="chat", messages=HI), proxies)["model_id"] for _ in range(5)
            ]
            return {"first call": first, "next 5 calls": later, "requests": counts(proxies)}

    return scenario


async def failing_gateway(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        proxies[0].respond(500, times=1000)
        router = lib.Router(model_list=[entry(proxies[0], "a", weight=1000), entry(proxies[1], "b")])
        found = await outcome(lambda: router.acompletion(model="chat", messages=HI), lambda r: served(r, proxies))
        return found | {"requests": counts(proxies)}


async def all_cooling(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        for proxy in proxies:
            proxy.respond(429, times=1)
        router = lib.Router(model_list=[entry(proxies[0], "a"), entry(proxies[1], "b")], cooldown_time=30)
        first = await outcome(lambda: router.acompletion(model="chat", messages=HI), lambda r: served(r, proxies))
        try:
            await router.acompletion(model="chat", messages=HI)
            second: Obs = {"raises": None}
        except Exception as exception:
            second = error(exception) | {
                "cooldown_list": sorted(getattr(exception, "cooldown_list", [])),
                "message starts": str(exception)[:42],
            }
        return {"first call": first, "second call": second, "requests": counts(proxies)}


async def cooldown_time(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        proxies[0].respond(429, times=1)
        router = lib.Router(model_list=[entry(proxies[0], "a", weight=1000), entry(proxies[1], "b")], cooldown_time=0.5)
        await router.acompletion(model="chat", messages=HI)
        await asyncio.sleep(0.7)
        back = served(await router.acompletion(model="chat", messages=HI), proxies)
        return {"after cooldown_time": back["model_id"], "requests": counts(proxies)}


async def disable_cooldowns(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        proxies[0].respond(429, times=1)
        router = lib.Router(
            model_list=[entry(proxies[0], "a", weight=1000), entry(proxies[1], "b")], disable_cooldowns=True
        )
        first = served(await router.acompletion(model="chat", messages=HI), proxies)
        second = served(await router.acompletion(model="chat", messages=HI), proxies)
        return {"first": first["model_id"], "second": second["model_id"], "requests": counts(proxies)}


def single(status: int, **options: Any) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        with gateways() as proxies:
            proxies[0].respond(status, times=1000)
            router = lib.Router(model_list=[entry(proxies[0], "a")], **options)
            try:
                await router.acompletion(model="chat", messages=HI)
                found: Obs = {"raises": None}
            except Exception as exception:
                found = error(exception) | {
                    "num_retries": getattr(exception, "num_retries", None),
                    "max_retries": getattr(exception, "max_retries", None),
                }
            return found | {"requests": counts(proxies)}

    return scenario


async def retry_policy(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        for proxy in proxies:
            proxy.respond(400, times=1)
        router = lib.Router(
            model_list=[entry(proxies[0], "a"), entry(proxies[1], "b")], retry_policy={"BadRequestErrorRetries": 2}
        )
        found = await outcome(lambda: router.acompletion(model="chat", messages=HI), lambda r: served(r, proxies))
        found.pop("model_id", None)
        found.pop("api_base", None)
        return found | {"total requests": sum(counts(proxies).values())}


def fallbacks(kind: str, body: Any = None, status: int = 500, **options: Any) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        with gateways(3) as proxies:
            proxies[0].respond(status, body=body, times=1000)
            router = lib.Router(
                model_list=[
                    entry(proxies[0], "a"),
                    entry(proxies[1], "b", group="backup"),
                    entry(proxies[2], "c", group="other"),
                ],
                num_retries=0,
                **{kind: [{"chat": ["backup"]}], **options},
            )
            found = await outcome(lambda: router.acompletion(model="chat", messages=HI), lambda r: served(r, proxies))
            return found | {"requests": counts(proxies)}

    return scenario


async def default_fallbacks(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        proxies[0].respond(500, times=1000)
        router = lib.Router(
            model_list=[entry(proxies[0], "a"), entry(proxies[1], "b", group="backup")],
            default_fallbacks=["backup"],
            num_retries=0,
        )
        failing = await outcome(lambda: router.acompletion(model="chat", messages=HI), lambda r: served(r, proxies))
        unknown = await outcome(lambda: router.acompletion(model="nope", messages=HI), lambda r: served(r, proxies))
        return {"failing group": failing, "unknown model": unknown, "requests": counts(proxies)}


async def unknown_model(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        router = lib.Router(model_list=[entry(proxies[0], "a")])
        found = await outcome(lambda: router.acompletion(model="nope", messages=HI), lambda r: served(r, proxies))
        return found | {"requests": counts(proxies)}


async def alias(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        router = lib.Router(model_list=[entry(proxies[0], "a")], model_group_alias={"gpt-4": "chat"})
        found = await outcome(lambda: router.acompletion(model="gpt-4", messages=HI), lambda r: served(r, proxies))
        by_id = await outcome(lambda: router.acompletion(model="a", messages=HI), lambda r: served(r, proxies))
        return {"by alias": found, "by deployment id": by_id, "requests": counts(proxies)}


async def deployment_timeout(lib: ModuleType, ctx: Ctx) -> Obs:
    with gateways() as proxies:
        proxies[0].respond(200, delay=1.0, times=10)
        router = lib.Router(model_list=[entry(proxies[0], "a", weight=1000, timeout=0.3), entry(proxies[1], "b")])
        found = await outcome(lambda: router.acompletion(model="chat", messages=HI), lambda r: served(r, proxies))
        return found | {"requests": counts(proxies)}


async def not_a_gateway(lib: ModuleType, ctx: Ctx) -> Obs:
    model_list = [{"model_name": "chat", "litellm_params": {"model": "openai/gpt-4o", "api_key": "sk-secret-key-123"}}]
    return await outcome(lambda: lib.Router(model_list=model_list), lambda r: {"constructed": True})


ENDPOINT_ROWS: list[tuple[str, str, Scenario]] = [
    ("router-embedding", "`embedding`", endpoint("embedding", "/embeddings", input=["hi"])),
    ("router-aembedding", "`aembedding`", endpoint("aembedding", "/embeddings", input=["hi"])),
    ("router-text_completion", "`text_completion`", endpoint("text_completion", "/completions", prompt="hi")),
    ("router-image_generation", "`image_generation`", endpoint("image_generation", "/images/generations", prompt="x")),
    (
        "router-atranscription",
        "`atranscription`",
        endpoint("atranscription", "/audio/transcriptions", file=("a.wav", b"RIFF")),
    ),
    ("router-aspeech", "`aspeech`", endpoint("aspeech", "/audio/speech", input="hello", voice="alloy")),
    ("router-arerank", "`arerank`", endpoint("arerank", "/rerank", query="q", documents=["a", "b"])),
    ("router-responses", "`responses`", endpoint("responses", "/responses", input="hi")),
    ("router-aresponses", "`aresponses`", endpoint("aresponses", "/responses", input="hi")),
]

ROWS: list[tuple[str, str, Scenario]] = [
    ("router-completion", "`completion` on one deployment", chat()),
    ("router-acompletion", "`acompletion` on one deployment", chat(use_async=True)),
    ("router-stream", "`completion(stream=True)`", stream()),
    ("router-astream", "`acompletion(stream=True)`", stream(use_async=True)),
    *ENDPOINT_ROWS,
    (
        "router-model-list",
        "ids, `get_model_list`, `get_deployment`, `add_deployment`, `delete_deployment`",
        model_list_methods,
    ),
    ("router-available", "`get_available_deployment` and its async twin (rpm as weight)", available_deployment),
    (
        "router-shuffle-weight",
        "simple-shuffle: `weight` 3 vs 1, 200 calls",
        shuffle({"weight": 3}, {"weight": 1}, 0.75),
    ),
    ("router-shuffle-rpm", "simple-shuffle: `rpm` 300 vs 100, 200 calls", shuffle({"rpm": 300}, {"rpm": 100}, 0.75)),
    ("router-shuffle-uniform", "simple-shuffle: no weights, 200 calls", shuffle({}, {}, 0.5)),
    ("router-rpm-weight", "simple-shuffle: `rpm` on one deployment only", rpm_as_weight),
    ("router-least-busy", "least-busy: sequential calls", least_busy),
    ("router-usage", "usage-based-routing-v2: `rpm` 2 and 3, 6 calls", usage_based),
    ("router-latency", "latency-based-routing: one gateway 0.3 s slower", latency),
    ("router-429", "a 429: the deployment cools down, the call moves on", rate_limited(use_async=False)),
    ("router-429-async", "a 429, async", rate_limited(use_async=True)),
    ("router-500", "a gateway answering 500 to everything, picked first", failing_gateway),
    ("router-all-cooling", "every deployment answers 429, then a second call", all_cooling),
    ("router-cooldown_time", "`cooldown_time=0.5`: the deployment returns", cooldown_time),
    ("router-disable_cooldowns", "`disable_cooldowns=True`", disable_cooldowns),
    ("router-num_retries", "one deployment, 503, `num_retries=1`", single(503, num_retries=1)),
    ("router-400", "one deployment, 400: not retried", single(400)),
    ("router-404", "one deployment, 404: not retried", single(404)),
    ("router-retry_policy", "`retry_policy={'BadRequestErrorRetries': 2}` on 400s", retry_policy),
    ("router-fallbacks", "`fallbacks` after a 500", fallbacks("fallbacks")),
    (
        "router-context_window_fallbacks",
        "`context_window_fallbacks` after a context window error",
        fallbacks(
            "context_window_fallbacks",
            {"error": {"message": CONTEXT_WINDOW, "type": "invalid_request_error", "code": "context_length_exceeded"}},
            400,
        ),
    ),
    (
        "router-content_policy_fallbacks",
        "`content_policy_fallbacks` after a content policy error",
        fallbacks("content_policy_fallbacks", {"error": {"message": CONTENT_POLICY, "code": "400"}}, 400),
    ),
    ("router-max_fallbacks", "`max_fallbacks=0`", fallbacks("fallbacks", max_fallbacks=0)),
    ("router-default_fallbacks", "`default_fallbacks`: a failing group and an unknown model", default_fallbacks),
    ("router-unknown-model", "an unknown model group", unknown_model),
    ("router-alias", "`model_group_alias` and a deployment id as `model`", alias),
    ("router-timeout", "a deployment's `timeout` on a slow gateway", deployment_timeout),
    ("router-not-a-gateway", "a deployment that is not a gateway model", not_a_gateway),
]

# Anchor id -> why shim's Router differs from LiteLLM's there, on purpose.
DIFFERENCES: dict[str, str] = {
    "router-retry-elsewhere": (
        "a retry goes to a deployment the call has not failed on yet, while the group has one; LiteLLM picks again "
        "at random, so a call can spend all its retries on the gateway that just failed (a failing deployment only "
        "cools down after 5 calls this minute, or at once on a 429; LiteLLM avoids it only with "
        "`enable_weighted_failover`, async calls only)"
    ),
    "router-one-request-per-attempt": (
        "each Router attempt is one request (`max_retries=0` below it, as LiteLLM sets it), so the Router's retries "
        "and cooldowns see every failure; LiteLLM's `embedding` and `image_generation` ignore it and retry inside "
        "the deployment (see [embedding-retries])"
    ),
    "router-text-completion": (
        "`Router.text_completion` sends the deployment's model; LiteLLM's sends the group name and fails before any "
        "request ('LLM Provider NOT provided ... model=chat')"
    ),
    "router-responses-sync": (
        "sync `Router.responses` retries and falls back like every other call; LiteLLM's raises the first "
        "deployment's error (its `aresponses` retries)"
    ),
    "router-usage-rpm": (
        "usage-based routing lets a deployment take exactly `rpm` calls a minute; LiteLLM's selection refuses one "
        "whose count + 1 reaches `rpm`, so it takes `rpm - 1` (and then answers 429 with Retry-After: 60)"
    ),
    "router-delete-deployment": (
        "`delete_deployment` returns the deployment it removed; LiteLLM's returns None for one added with "
        "`add_deployment`"
    ),
    "router-key-repr": "a deployment's repr shows its model and `api_base`, never its `api_key`; LiteLLM's shows it",
    "router-gateway-only": (
        "every deployment must be a gateway model (`litellm_proxy/...`): any other is a `ConfigError` at "
        "construction naming the entry (never its key); LiteLLM's Router calls any provider"
    ),
    "service-unavailable-base": (
        "`ServiceUnavailableError` (503) is an `openai.InternalServerError`, as the openai SDK classes every 5xx; "
        "LiteLLM's is a bare `openai.APIStatusError`, which `except openai.InternalServerError` misses"
    ),
}
REASONS: dict[tuple[str, str], str] = {
    **{
        (row, field): "router-one-request-per-attempt"
        for row in ("router-embedding", "router-aembedding", "router-image_generation")
        for field in ("model_id", "api_base", "x-litellm-attempted-retries", "requests")
    },
    ("router-text_completion", "*"): "router-text-completion",
    ("router-aspeech", "type"): "speech-type",
    ("router-responses", "*"): "router-responses-sync",
    ("router-model-list", "delete_deployment"): "router-delete-deployment",
    ("router-model-list", "api_key in repr(get_deployment)"): "router-key-repr",
    ("router-usage", "*"): "router-usage-rpm",
    **{(row, "*"): "router-retry-elsewhere" for row in ("router-500", "router-disable_cooldowns", "router-timeout")},
    ("router-num_retries", "caught as"): "service-unavailable-base",
    ("router-not-a-gateway", "*"): "router-gateway-only",
}
