"""The differential scenarios: each row runs the same calls through LiteLLM's SDK and through shim.

A scenario is one async function of `(library, context)`. The library is the `litellm` module or the `shim`
module: shim's API is LiteLLM's, so one body serves both sides. It returns an observation, a flat dict of
JSON-able values that user code could see (result fields, types, exceptions) or that the wire shows (what the
client sent, as recorded by the tap in front of the proxy, and what reached the upstream). Values that change
from run to run (ids, ports, timings) are normalized so that the rendered matrix is deterministic.
"""

from __future__ import annotations

import inspect
import io
import json
import re
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

import pytest

from .tap import Tap
from .upstream import FakeUpstream, RecordedRequest

Obs = dict[str, Any]
Scenario = Callable[[ModuleType, "Ctx"], Awaitable[Obs]]
HI = [{"role": "user", "content": "hi there"}]
HEX64 = re.compile(r"^[0-9a-f]{64}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# What user code reads from `_hidden_params` (README); other keys are listed by name only.
HIDDEN_KEYS = ("custom_llm_provider", "api_base", "model_id", "response_cost", "litellm_model_name")


@dataclass(frozen=True)
class Ctx:
    """Where the scenario's calls go: the tap in front of the proxy, plus two addresses that do not answer."""

    url: str
    key: str
    tap: Tap
    upstream: FakeUpstream
    refused_url: str
    silent_url: str
    monkeypatch: pytest.MonkeyPatch

    @property
    def auth(self) -> dict[str, str]:
        return {"api_base": self.url, "api_key": self.key}


@dataclass(frozen=True)
class Row:
    """One line of compat_matrix.md: a section, a stable id, what it exercises, and the scenario."""

    section: str
    id: str
    title: str
    scenario: Scenario


# --- observing ---------------------------------------------------------------------------------------------------


def error(exception: BaseException) -> Obs:
    """An exception as user code meets it: its class, the openai class it is caught as, status, provider."""
    bases = [cls for cls in type(exception).__mro__ if cls.__module__.split(".")[0] == "openai"]
    builtin = [cls for cls in type(exception).__mro__ if cls.__module__ == "builtins"]
    caught_as = f"openai.{bases[0].__name__}" if bases else builtin[0].__name__
    found: Obs = {"raises": type(exception).__name__, "caught as": caught_as}
    if hasattr(exception, "status_code"):
        found["status_code"] = exception.status_code
    if hasattr(exception, "llm_provider"):
        found["llm_provider"] = exception.llm_provider
    return found


async def outcome(call: Callable[[], Any], read: Callable[[Any], Obs]) -> Obs:
    """Run `call` (awaiting it if needed) and read its result, or describe what it raised."""
    try:
        result = call()
        if inspect.isawaitable(result):
            result = await result
    except Exception as exception:
        return error(exception)
    return read(result)


def sent(ctx: Ctx, *fields: str) -> Obs:
    """What the client sent to the proxy (the last request the tap saw): method, path and chosen body fields."""
    requests = [r for r in ctx.tap.requests if r.path != "/health/liveliness"]
    if not requests:
        return {"sent": "nothing"}
    request = requests[-1]
    found: Obs = {"sent": f"{request.method} {request.path}"}
    body = body_of(request)
    for name in fields:
        found[f"sent {name}"] = body.get(name, "(absent)")
    return found


def body_of(request: RecordedRequest) -> dict[str, Any]:
    try:
        return request.json()
    except (ValueError, UnicodeDecodeError):
        return {}


def attempts(ctx: Ctx, path: str) -> Obs:
    """How many requests the client sent (its retries), and how many reached the upstream (the proxy's too)."""
    client = sum(1 for r in ctx.tap.requests if r.path.endswith(path))
    return {"requests sent": client, "upstream attempts": len(ctx.upstream.requests_to(f"/v1{path}"))}


def hidden(result: Any, ctx: Ctx) -> Obs:
    """`_hidden_params` as user code reads it: the documented keys, normalized, and every key's name."""
    params = getattr(result, "_hidden_params", None)
    if params is not None and not isinstance(params, dict):
        params = params.model_dump() if hasattr(params, "model_dump") else vars(params)
    params = params or {}
    found: Obs = {"_hidden_params type": type(getattr(result, "_hidden_params", None)).__name__}
    for key in HIDDEN_KEYS:
        found[f"_hidden_params.{key}"] = normalize(params.get(key, "(absent)"), ctx)
    headers = params.get("additional_headers") or {}
    found["_hidden_params.additional_headers has x-litellm-model-group"] = any(
        name.endswith("x-litellm-model-group") for name in headers
    )
    found["_hidden_params keys"] = sorted(params)
    return found


def normalize(value: Any, ctx: Ctx) -> Any:
    if isinstance(value, str):
        if HEX64.match(value):
            return "<x-litellm-model-id>"
        if UUID.match(value):
            return "<uuid>"
        return value.replace(ctx.url, "<api_base>")
    return value


def usage_of(result: Any) -> Any:
    usage = result.get("usage") if hasattr(result, "get") else getattr(result, "usage", None)
    if usage is None:
        return None
    fields = ("prompt_tokens", "completion_tokens", "total_tokens", "input_tokens", "output_tokens")
    return {name: usage[name] for name in fields if getattr(usage, name, None) is not None}


def audio_file() -> io.BytesIO:
    upload = io.BytesIO(b"RIFF\x00\x00\x00\x00WAVEfake-audio")
    upload.name = "clip.wav"
    return upload


# --- endpoints ---------------------------------------------------------------------------------------------------


def read_chat(ctx: Ctx) -> Callable[[Any], Obs]:
    def read(r: Any) -> Obs:
        found = {
            "type": type(r).__name__,
            "content": r.choices[0].message.content,
            "dict access": r["choices"][0]["message"]["content"],
            "model": r.model,
            "usage": usage_of(r),
        }
        return found | hidden(r, ctx)

    return read


def completion(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.acompletion if use_async else lib.completion
        found = await outcome(lambda: call(model="litellm_proxy/chat", messages=HI, **ctx.auth), read_chat(ctx))
        return sent(ctx, "model", "messages") | found

    return scenario


def completion_stream(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        kwargs = {"model": "litellm_proxy/chat", "messages": HI, "stream": True, **ctx.auth}
        kwargs["stream_options"] = {"include_usage": True}
        if use_async:
            chunks = [chunk async for chunk in await lib.acompletion(**kwargs)]
        else:
            chunks = list(lib.completion(**kwargs))
        built = lib.stream_chunk_builder(chunks, messages=HI)
        return sent(ctx, "stream", "stream_options") | {
            "chunk type": sorted({type(c).__name__ for c in chunks}),
            "text": "".join(c.choices[0].delta.content or "" for c in chunks if c.choices),
            "chunk models": sorted({c.model for c in chunks}),
            "last chunk usage": usage_of(chunks[-1]),
            "chunk _hidden_params.api_base": normalize(chunks[0]._hidden_params.get("api_base"), ctx),
            "stream_chunk_builder content": built.choices[0].message.content,
            "stream_chunk_builder usage": usage_of(built),
            "stream_chunk_builder model": built.model,
        }

    return scenario


async def builder_without_usage(lib: ModuleType, ctx: Ctx) -> Obs:
    chunks = list(lib.completion(model="litellm_proxy/chat", messages=HI, stream=True, **ctx.auth))
    built = lib.stream_chunk_builder(chunks, messages=HI)
    return {"content": built.choices[0].message.content, "usage": usage_of(built)}


def text_completion(use_async: bool, stream: bool = False) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        ctx.upstream.clear()
        kwargs = {"model": "litellm_proxy/text", "prompt": "say hi", **ctx.auth}
        if stream:
            chunks = list(lib.text_completion(stream=True, **kwargs))
            text = "".join(c.choices[0].text or "" if hasattr(c.choices[0], "text") else "" for c in chunks)
            found: Obs = {"chunk type": sorted({type(c).__name__ for c in chunks}), "text": text}
        else:
            call = lib.atext_completion if use_async else lib.text_completion
            found = await outcome(lambda: call(**kwargs), read_text(ctx))
        upstream = sorted({r.path for r in ctx.upstream.requests})
        return sent(ctx, "prompt", "messages") | {"upstream got": upstream} | found

    return scenario


def read_text(ctx: Ctx) -> Callable[[Any], Obs]:
    def read(r: Any) -> Obs:
        return {
            "type": type(r).__name__,
            "text": r.choices[0].text,
            "dict access": r["choices"][0]["text"],
            "model": r.model,
            "usage": usage_of(r),
        } | hidden(r, ctx)

    return read


def embedding(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.aembedding if use_async else lib.embedding

        def read(r: Any) -> Obs:
            return {
                "type": type(r).__name__,
                "vectors": [len(item["embedding"]) for item in r.data],
                "first value": round(r.data[0]["embedding"][0], 4),
                "model": r.model,
                "usage": usage_of(r),
            } | hidden(r, ctx)

        found = await outcome(lambda: call(model="litellm_proxy/embed", input=["one two", "three"], **ctx.auth), read)
        return sent(ctx, "input", "encoding_format") | found

    return scenario


def image_generation(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.aimage_generation if use_async else lib.image_generation

        def read(r: Any) -> Obs:
            return {
                "type": type(r).__name__,
                "url": r.data[0].url,
                "revised_prompt": r["data"][0]["revised_prompt"],
                "model": getattr(r, "model", "(no attribute)"),
            } | hidden(r, ctx)

        found = await outcome(lambda: call(model="litellm_proxy/image", prompt="a red square", **ctx.auth), read)
        return sent(ctx, "prompt") | found

    return scenario


def transcription(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.atranscription if use_async else lib.transcription

        def read(r: Any) -> Obs:
            return {"type": type(r).__name__, "text": r.text, "dict access": r["text"]} | hidden(r, ctx)

        found = await outcome(lambda: call(model="litellm_proxy/transcribe", file=audio_file(), **ctx.auth), read)
        forwarded = ctx.upstream.last("/v1/audio/transcriptions").json()
        return (
            sent(ctx, "model", "response_format")
            | found
            | {"upstream response_format": forwarded.get("response_format")}
        )

    return scenario


def speech(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.aspeech if use_async else lib.speech

        def read(r: Any) -> Obs:
            return {
                "type": type(r).__name__,
                "is openai.HttpxBinaryResponseContent": is_binary_content(r),
                "content": r.content.decode("latin-1"),
            } | hidden(r, ctx)

        found = await outcome(
            lambda: call(model="litellm_proxy/speech", input="read aloud", voice="alloy", **ctx.auth), read
        )
        return sent(ctx, "input", "voice") | found

    return scenario


def is_binary_content(result: Any) -> bool:
    import openai

    return isinstance(result, openai.HttpxBinaryResponseContent)


def rerank(use_async: bool, base_suffix: str = "") -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.arerank if use_async else lib.rerank
        kwargs = {"model": "litellm_proxy/rerank", "query": "green", "documents": ["green tea", "black coffee"]}
        kwargs |= {"top_n": 1, "api_base": ctx.url + base_suffix, "api_key": ctx.key}

        def read(r: Any) -> Obs:
            first = r.results[0]
            return {
                "type": type(r).__name__,
                "results": [(x["index"], round(x["relevance_score"], 4)) for x in r.results],
                "document": first.get("document") if hasattr(first, "get") else first["document"],
                "meta.billed_units": (r.meta or {}).get("billed_units"),
            } | hidden(r, ctx)

        found = await outcome(lambda: call(**kwargs), read)
        return sent(ctx, "top_n", "return_documents") | found

    return scenario


def responses(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.aresponses if use_async else lib.responses

        def read(r: Any) -> Obs:
            return {
                "type": type(r).__name__,
                "output text": r.output[0].content[0].text,
                "model": r.model,
                "usage": usage_of(r),
                "id starts": r.id[:5],
            } | hidden(r, ctx)

        found = await outcome(lambda: call(model="litellm_proxy/responses", input="hi responses", **ctx.auth), read)
        return sent(ctx, "input", "stream") | found

    return scenario


def responses_stream(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        kwargs = {"model": "litellm_proxy/responses", "input": "stream events", "stream": True, **ctx.auth}
        if use_async:
            events = [event async for event in await lib.aresponses(**kwargs)]
        else:
            events = list(lib.responses(**kwargs))
        deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
        forwarded = ctx.upstream.last("/v1/responses").json()
        return sent(ctx, "stream") | {
            "upstream stream": forwarded.get("stream", "(absent)"),
            "deltas": deltas,
            "last event": events[-1].type,
        }

    return scenario


async def models(lib: ModuleType, ctx: Ctx) -> Obs:
    function = getattr(lib, "models", None)
    if not callable(function):
        return {"models()": f"no such function ({type(function).__name__})"}
    return {"models()": sorted(function(**ctx.auth))}


# --- Anthropic's Messages API and the gateway's own facts ---------------------------------------------------------

PRICED = "litellm_proxy/priced"  # a group with a price and declared capabilities (harness.PRICED_GROUP)


def anthropic_messages(use_async: bool) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = lib.anthropic.messages.acreate if use_async else lib.anthropic.messages.create
        kwargs = {"max_tokens": 32, "messages": HI, "model": PRICED, **ctx.auth}

        def read(r: Any) -> Obs:
            return {
                "type": type(r).__name__,
                "dict access": r["content"][0]["text"],
                "model": r["model"],
                "stop_reason": r["stop_reason"],
                "usage": dict(r["usage"]) if r.get("usage") else None,
            }

        found = await outcome(lambda: call(**kwargs), read)
        return sent(ctx, "max_tokens", "messages") | found

    return scenario


def sse_events(chunks: list[Any]) -> list[dict[str, Any]]:
    """Stream events as dicts, whether they came as objects (shim) or as raw SSE bytes (LiteLLM)."""
    if not chunks or not isinstance(chunks[0], bytes):
        return [dict(chunk) if isinstance(chunk, dict) else chunk.model_dump() for chunk in chunks]
    lines = b"".join(chunks).decode().splitlines()
    return [json.loads(line[5:]) for line in lines if line.startswith("data:") and line[5:].strip() != "[DONE]"]


async def anthropic_stream(lib: ModuleType, ctx: Ctx) -> Obs:
    kwargs = {"max_tokens": 32, "messages": HI, "model": "litellm_proxy/chat", "stream": True, **ctx.auth}
    chunks = list(lib.anthropic.messages.create(**kwargs))
    events = sse_events(chunks)
    text = "".join((e.get("delta") or {}).get("text") or "" for e in events if e.get("type") == "content_block_delta")
    return sent(ctx, "stream") | {
        "chunk type": sorted({type(c).__name__ for c in chunks}),
        "event types": sorted({str(e.get("type")) for e in events}),
        "text": text,
    }


async def model_info(lib: ModuleType, ctx: Ctx) -> Obs:
    def read(info: Any) -> Obs:
        return {name: info.get(name) for name in ("max_input_tokens", "input_cost_per_token", "supports_vision")}

    return await outcome(lambda: lib.get_model_info(PRICED, **ctx.auth), read)


async def supports(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.monkeypatch.setattr(lib, "api_base", ctx.url)
    ctx.monkeypatch.setattr(lib, "api_key", ctx.key)
    names = ("supports_function_calling", "supports_vision", "supports_reasoning")
    return {name: await outcome(lambda name=name: getattr(lib, name)(PRICED), lambda r: r) for name in names}


async def cost(lib: ModuleType, ctx: Ctx) -> Obs:
    response = lib.completion(model=PRICED, messages=HI, **ctx.auth)
    found = await outcome(lambda: lib.completion_cost(completion_response=response), lambda c: {"cost": round(c, 6)})
    return {"completion_cost": found}


async def token_count(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.monkeypatch.setattr(lib, "api_base", ctx.url)
    ctx.monkeypatch.setattr(lib, "api_key", ctx.key)
    found = await outcome(lambda: lib.token_counter(model=PRICED, messages=HI), lambda n: {"tokens": n})
    return sent(ctx) | found


async def batch(lib: ModuleType, ctx: Ctx) -> Obs:
    conversations = [HI, [{"role": "user", "content": "second"}]]
    results = lib.batch_completion(model="litellm_proxy/chat", messages=conversations, **ctx.auth)
    return {
        "types": [type(r).__name__ for r in results],
        "contents": [r.choices[0].message.content for r in results],
    }


# --- configuration -----------------------------------------------------------------------------------------------


async def chat_outcome(lib: ModuleType, ctx: Ctx, model: str = "litellm_proxy/chat", **kwargs: Any) -> Obs:
    ctx.tap.clear()
    found = await outcome(
        lambda: lib.completion(model=model, messages=HI, max_retries=0, **kwargs),
        lambda r: {"content": r.choices[0].message.content, "model": r.model},
    )
    return sent(ctx, "model") | found | {"sent authorization": bearer(ctx)}


def bearer(ctx: Ctx) -> str | None:
    requests = ctx.tap.requests
    if not requests:
        return None
    value = requests[-1].headers.get("authorization", "")
    return value.replace(ctx.key, "<key>")


async def nested_prefix(lib: ModuleType, ctx: Ctx) -> Obs:
    return await chat_outcome(lib, ctx, "litellm_proxy/team/chat", **ctx.auth)


async def provider_kwarg(lib: ModuleType, ctx: Ctx) -> Obs:
    return await chat_outcome(lib, ctx, "chat", custom_llm_provider="litellm_proxy", **ctx.auth)


async def unprefixed(lib: ModuleType, ctx: Ctx) -> Obs:
    # LiteLLM sends an unprefixed model to OpenAI; OPENAI_BASE_URL points at the tap so nothing leaves loopback.
    ctx.monkeypatch.setenv("OPENAI_BASE_URL", ctx.url + "/v1")
    ctx.monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-env")
    return await chat_outcome(lib, ctx, "gpt-4o", **ctx.auth)


async def route_all(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.monkeypatch.setattr(lib, "use_litellm_proxy", True)
    return await chat_outcome(lib, ctx, "chat", **ctx.auth)


async def route_all_kwarg(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.monkeypatch.setenv("OPENAI_BASE_URL", ctx.refused_url)  # if LiteLLM ignored the flag, no request is sent
    ctx.monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-env")
    return await chat_outcome(lib, ctx, "gpt-4o", use_litellm_proxy=True, **ctx.auth)


async def env_base_and_key(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.monkeypatch.setenv("LITELLM_PROXY_API_BASE", ctx.url)
    ctx.monkeypatch.setenv("LITELLM_PROXY_API_KEY", ctx.key)
    return await chat_outcome(lib, ctx)


async def base_precedence(lib: ModuleType, ctx: Ctx) -> Obs:
    # The environment names the tap, the module attribute a refused port: the outcome tells which one won.
    ctx.monkeypatch.setenv("LITELLM_PROXY_API_BASE", ctx.url)
    ctx.monkeypatch.setattr(lib, "api_base", ctx.refused_url)
    found = await chat_outcome(lib, ctx, api_key=ctx.key)
    return found | {"used": "environment" if "content" in found else "module attribute"}


async def key_precedence(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.monkeypatch.setenv("LITELLM_PROXY_API_KEY", ctx.key)
    ctx.monkeypatch.setattr(lib, "api_key", "sk-module-attribute")
    return await chat_outcome(lib, ctx, api_base=ctx.url)


async def missing_base(lib: ModuleType, ctx: Ctx) -> Obs:
    # Nothing names the gateway; OPENAI_BASE_URL points at the tap so LiteLLM's fallback stays on loopback.
    ctx.monkeypatch.setenv("OPENAI_BASE_URL", ctx.url + "/v1")
    return await chat_outcome(lib, ctx, api_key=ctx.key)


async def base_url_alias(lib: ModuleType, ctx: Ctx) -> Obs:
    return await chat_outcome(lib, ctx, base_url=ctx.url, api_key=ctx.key)


async def v1_base(lib: ModuleType, ctx: Ctx) -> Obs:
    return await chat_outcome(lib, ctx, api_base=ctx.url + "/v1", api_key=ctx.key)


# --- keyword arguments -------------------------------------------------------------------------------------------


async def chat_kwargs(lib: ModuleType, ctx: Ctx) -> Obs:
    await chat_outcome(
        lib,
        ctx,
        extra_headers={"x-extra": "1", "x-both": "extra_headers"},
        headers={"x-headers": "1", "x-both": "headers"},
        extra_body={"extra_field": 1},
        user="u-1",
        metadata={"tag": "m"},
        tags=["t"],
        temperature=0.5,
        unknown_option="u",
        drop_params=True,
        **ctx.auth,
    )
    request = ctx.tap.requests[-1]
    body = body_of(request)
    names = ("user", "metadata", "tags", "temperature", "unknown_option", "extra_field", "drop_params")
    return {f"body {name}": body.get(name, "(absent)") for name in names} | {
        "header x-extra": request.headers.get("x-extra", "(absent)"),
        "header x-headers": request.headers.get("x-headers", "(absent)"),
        "header x-both": request.headers.get("x-both", "(absent)"),
    }


async def embedding_kwargs(lib: ModuleType, ctx: Ctx) -> Obs:
    kwargs = {"input": "x", "user": "u-1", "encoding_format": "float", "unknown_option": "u", **ctx.auth}
    found = await outcome(lambda: lib.embedding(model="litellm_proxy/embed", **kwargs), lambda r: {})
    body = body_of(ctx.tap.requests[-1])
    return found | {
        f"body {name}": body.get(name, "(absent)") for name in ("user", "encoding_format", "unknown_option")
    }


async def embedding_base64(lib: ModuleType, ctx: Ctx) -> Obs:
    """What a caller who asks for base64 gets back (the string as the gateway sent it, or decoded floats), and the
    warnings it meets on the way."""

    def read(r: Any) -> Obs:
        vector = r.data[0]["embedding"]
        return {
            "vector type": type(vector).__name__,
            "vector starts": vector[:8] if isinstance(vector, str) else vector[:2],
        }

    kwargs = {"input": "one two", "encoding_format": "base64", **ctx.auth}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = await outcome(lambda: lib.embedding(model="litellm_proxy/embed", **kwargs), read)
    warned = sorted({warning.category.__name__ for warning in caught})
    return sent(ctx, "encoding_format") | found | {"warnings": ", ".join(warned) or "none"}


async def rerank_kwargs(lib: ModuleType, ctx: Ctx) -> Obs:
    lib.rerank(model="litellm_proxy/rerank", query="q", documents=["a"], unknown_option="u", **ctx.auth)
    body = body_of(ctx.tap.requests[-1])
    return {"body unknown_option": body.get("unknown_option", "(absent)")}


async def speech_kwargs(lib: ModuleType, ctx: Ctx) -> Obs:
    lib.speech(model="litellm_proxy/speech", input="x", voice="alloy", speed=1.5, unknown_option="u", **ctx.auth)
    body = body_of(ctx.tap.requests[-1])
    return {f"body {name}": body.get(name, "(absent)") for name in ("speed", "unknown_option")}


# --- errors, retries, timeouts -----------------------------------------------------------------------------------


def failing_chat(model: str, *, use_async: bool = False, key: str | None = None, **kwargs: Any) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        ctx.upstream.clear()
        call = lib.acompletion if use_async else lib.completion
        options = {"api_base": ctx.url, "api_key": key or ctx.key, "max_retries": 0} | kwargs
        found = await outcome(lambda: call(model=f"litellm_proxy/{model}", messages=HI, **options), lambda r: {})
        return found | attempts(ctx, "/chat/completions")

    return scenario


def failing_endpoint(function: str, path: str, **fields: Any) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        ctx.upstream.clear()
        call = getattr(lib, function)
        kwargs = {"model": "litellm_proxy/fail-500", "max_retries": 0, **fields, **ctx.auth}
        found = await outcome(lambda: call(**kwargs), lambda r: {})
        return found | attempts(ctx, path)

    return scenario


async def refused(lib: ModuleType, ctx: Ctx) -> Obs:
    return await outcome(
        lambda: lib.completion(
            model="litellm_proxy/chat", messages=HI, api_base=ctx.refused_url, api_key=ctx.key, max_retries=0
        ),
        lambda r: {},
    )


async def timeout(lib: ModuleType, ctx: Ctx) -> Obs:
    # A listening socket that never accepts: the connection opens, the answer never comes.
    return await outcome(
        lambda: lib.completion(
            model="litellm_proxy/chat",
            messages=HI,
            api_base=ctx.silent_url,
            api_key=ctx.key,
            timeout=0.3,
            max_retries=0,
        ),
        lambda r: {},
    )


async def stream_error(lib: ModuleType, ctx: Ctx) -> Obs:
    def consume() -> Any:
        return list(lib.completion(model="litellm_proxy/fail-500", messages=HI, stream=True, max_retries=0, **ctx.auth))

    return await outcome(consume, lambda r: {"chunks": len(r)})


def SECTIONED(section: str, rows: list[tuple[str, str, Scenario]]) -> list[Row]:
    return [Row(section, row_id, title, scenario) for row_id, title, scenario in rows]


# --- LiteLLM's own keywords --------------------------------------------------------------------------------------

# Names the sweep does not give a dummy value (why -> names; compat_matrix.md lists them): each has its own rows.
SWEEP_SKIP: dict[str, tuple[str, ...]] = {
    "route the call (a dummy would send it elsewhere); rows under *Configuration*": (
        "api_base", "api_key", "custom_llm_provider"),
    "answer locally, so nothing is sent; `mock_response` row and tests/test_keywords.py": (
        "mock_response", "mock_timeout"),
    "need a value of their own type (a client, a list of models, a CA path); rows below": (
        "client", "fallbacks", "ssl_verify"),
    "shim refuses a client-side cache; `caching` row": ("caching", "cache"),
    "LiteLLM's internals, not keywords a caller passes (`self`, the async flag, the Router's model list)": (
        "self", "acompletion", "model_list"),
}  # fmt: skip
SWEEP_SKIPPED = frozenset(name for names in SWEEP_SKIP.values() for name in names)
SWEEP_VALUES: dict[str, Any] = {"headers": {"x-a": "b"}, "num_retries": 0, "max_retries": 0, "request_timeout": 30,
                                "force_timeout": 600, "stream_timeout": 30, "max_fallbacks": 1,
                                "context_window_fallback_dict": {}}  # fmt: skip


async def litellm_params_sweep(lib: ModuleType, ctx: Ctx) -> Obs:
    from shim._litellm.params import PARAMS

    seen: set[str] = set()
    for name in sorted(set(PARAMS) - SWEEP_SKIPPED):
        ctx.tap.clear()
        kwargs = {name: SWEEP_VALUES.get(name, "x"), **ctx.auth}
        await outcome(lambda kw=kwargs: lib.acompletion(model="litellm_proxy/chat", messages=HI, **kw), lambda r: {})
        for request in ctx.tap.requests:
            seen |= {key for key in body_of(request) if key in PARAMS}
    return {"table names in the body": sorted(seen)}


async def mock_response(lib: ModuleType, ctx: Ctx) -> Obs:
    found = await outcome(lambda: lib.completion(model="litellm_proxy/chat", messages=HI, mock_response="hi"),
                          lambda r: {"type": type(r).__name__, "content": r.choices[0].message.content,
                                     "model": r.model, "usage": usage_of(r)})  # fmt: skip
    return sent(ctx) | found


async def response_format_class(lib: ModuleType, ctx: Ctx) -> Obs:
    import pydantic

    class Weather(pydantic.BaseModel):
        city: str

    found = await outcome(
        lambda: lib.completion(model="litellm_proxy/chat", messages=HI, response_format=Weather, **ctx.auth),
        lambda r: {"type": type(r).__name__},
    )
    return sent(ctx, "response_format") | found


# --- LiteLLM's own keywords: fallbacks, timeouts, transport, debug, caching ----------------------------------------


def sent_models(ctx: Ctx) -> list[str]:
    """The model of each chat request the client sent, in order (a fallback is another request)."""
    return [str(body_of(r).get("model")) for r in ctx.tap.requests if r.path.endswith("/chat/completions")]


def read_answer(ctx: Ctx) -> Callable[[Any], Obs]:
    def read(r: Any) -> Obs:
        params = r._hidden_params if isinstance(r._hidden_params, dict) else {}
        headers = params.get("additional_headers") or {}
        marker = {k: v for k, v in headers.items() if k.endswith("x-litellm-attempted-fallbacks")}
        return {"content": r.choices[0].message.content, "model": r.model, "attempted-fallbacks marker": marker}

    return read


def with_fallbacks(model: str, *, use_async: bool = False, **options: Any) -> Scenario:
    """A chat call to `model` with fallback keywords; `options` may name `{url}`/`{key}` in dict fallbacks."""

    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        ctx.tap.clear()
        call = lib.acompletion if use_async else lib.completion
        kwargs = {"model": f"litellm_proxy/{model}", "messages": HI, "max_retries": 0, **ctx.auth}
        kwargs |= {name: resolve(value, ctx) for name, value in options.items()}
        found = await outcome(lambda: call(**kwargs), read_answer(ctx))
        bodies = [body_of(r) for r in ctx.tap.requests]
        leaked = sorted({name for body in bodies for name in body if name in FALLBACK_NAMES})
        return found | {"sent models": sent_models(ctx), "fallback keywords in a body": leaked}

    return scenario


FALLBACK_NAMES = ("fallbacks", "context_window_fallback_dict", "content_policy_fallbacks", "max_fallbacks")


def resolve(value: Any, ctx: Ctx) -> Any:
    """`{url}`, `{refused}` and `{key}` in a scenario's options, filled in with the context's."""
    if isinstance(value, str):
        return value.format(url=ctx.url, refused=ctx.refused_url, silent=ctx.silent_url, key=ctx.key)
    if isinstance(value, list):
        return [resolve(item, ctx) for item in value]
    if isinstance(value, dict):
        return {k: resolve(v, ctx) for k, v in value.items()}
    return value


async def fallback_to_another_gateway(lib: ModuleType, ctx: Ctx) -> Obs:
    """The first gateway refuses; the fallback names the tap with its own key: which key went where."""
    ctx.tap.clear()
    fallback = {"model": "litellm_proxy/chat", "api_base": ctx.url, "api_key": ctx.key}
    kwargs = {"api_base": ctx.refused_url, "api_key": "sk-first-gateway", "max_retries": 0}
    found = await outcome(
        lambda: lib.completion(model="litellm_proxy/chat", messages=HI, fallbacks=[fallback], **kwargs),
        read_answer(ctx),
    )
    return found | {"sent models": sent_models(ctx), "sent authorization": bearer(ctx)}


async def fallbacks_stream(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.tap.clear()
    kwargs = {"model": "litellm_proxy/fail-500", "messages": HI, "stream": True, "max_retries": 0, **ctx.auth}

    def read(chunks: list[Any]) -> Obs:
        params = chunks[0]._hidden_params if chunks else {}
        headers = (params or {}).get("additional_headers") or {}
        marker = {k: v for k, v in headers.items() if k.endswith("x-litellm-attempted-fallbacks")}
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        return {"text": text, "chunk attempted-fallbacks marker": marker}

    found = await outcome(lambda: list(lib.completion(fallbacks=["litellm_proxy/chat"], **kwargs)), read)
    return found | {"sent models": sent_models(ctx)}


def chat_with(use_async: bool = False, url: str = "{url}", stream: bool = False, **options: Any) -> Scenario:
    """A chat call with LiteLLM keywords `options`: what came back, and which table names the body carried."""

    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        from shim._litellm.params import PARAMS

        ctx.tap.clear()
        call = lib.acompletion if use_async else lib.completion
        kwargs = {"model": "litellm_proxy/chat", "messages": HI, "max_retries": 0, "api_key": ctx.key}
        kwargs |= {"api_base": resolve(url, ctx), "stream": stream, **resolve(options, ctx)}

        async def run() -> Any:
            result = call(**kwargs)
            result = await result if inspect.isawaitable(result) else result
            if not stream:
                return result.choices[0].message.content
            if hasattr(result, "__aiter__"):
                return "".join([c.choices[0].delta.content or "" async for c in result if c.choices])
            return "".join(c.choices[0].delta.content or "" for c in result if c.choices)

        found = await outcome(run, lambda text: {"content": text})
        names = sorted({name for r in ctx.tap.requests for name in body_of(r) if name in PARAMS})
        return found | {"requests sent": len(ctx.tap.requests), "table names in the body": names}

    return scenario


async def client_kwarg(lib: ModuleType, ctx: Ctx) -> Obs:
    import openai

    ctx.tap.clear()
    with openai.OpenAI(base_url=ctx.url, api_key=ctx.key, default_headers={"x-own-client": "1"}) as client:
        found = await outcome(
            lambda: lib.completion(model="litellm_proxy/chat", messages=HI, client=client, **ctx.auth),
            lambda r: {"content": r.choices[0].message.content},
        )
    request = ctx.tap.requests[-1] if ctx.tap.requests else None
    header = request.headers.get("x-own-client", "(absent)") if request else "(nothing sent)"
    return found | {"sent through the client (its header)": header, "sent authorization": bearer(ctx)}


async def client_session(lib: ModuleType, ctx: Ctx) -> Obs:
    import httpx

    ctx.tap.clear()
    # A host name no other row uses: LiteLLM applies `client_session` only when it builds a client, and its client
    # cache would otherwise hand back one an earlier row built (that cache is in "Not observable" below).
    base = ctx.url.replace("127.0.0.1", "localhost")
    with httpx.Client(headers={"x-session": "1"}) as session:
        ctx.monkeypatch.setattr(lib, "client_session", session)
        found = await outcome(
            lambda: lib.completion(model="litellm_proxy/chat", messages=HI, api_base=base, api_key=ctx.key),
            lambda r: {"content": r.choices[0].message.content},
        )
    request = ctx.tap.requests[-1] if ctx.tap.requests else None
    header = request.headers.get("x-session", "(absent)") if request else "(nothing sent)"
    return found | {"sent through the session (its header)": header}


DEBUG_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "shim")


def debug_switch(switch: str) -> Scenario:
    """A chat call after one of LiteLLM's debug switches: is there debug output, and does it show the key?"""

    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        import logging

        records: list[logging.LogRecord] = []
        handler = logging.Handler(logging.DEBUG)
        handler.emit = records.append  # type: ignore[method-assign]
        loggers = [logging.getLogger(name) for name in DEBUG_LOGGERS]
        saved = [(log, log.level, log.handlers[:], log.propagate) for log in loggers]
        root = logging.getLogger()
        root.addHandler(handler)
        try:
            if lib.__name__ == "shim":  # its switch is undone at the end of the row, as LiteLLM's levels are
                ctx.monkeypatch.setattr(lib, "set_verbose", lib.set_verbose)
            if switch == "_turn_on_debug":
                lib._turn_on_debug()
            elif switch == "set_verbose":
                ctx.monkeypatch.setattr(lib, "set_verbose", True)
            else:
                ctx.monkeypatch.setenv("LITELLM_LOG", "DEBUG")
            for log in loggers:
                log.addHandler(handler)
            with warnings.catch_warnings():  # LiteLLM's debug path warns (deprecations); `-W error` would fail it
                warnings.simplefilter("ignore")
                found = await outcome(
                    lambda: lib.completion(model="litellm_proxy/chat", messages=HI, **ctx.auth),
                    lambda r: {"content": r.choices[0].message.content},
                )
        finally:
            root.removeHandler(handler)
            for log, level, handlers, propagate in saved:
                log.setLevel(level)
                log.handlers[:] = handlers
                log.propagate = propagate
        debug = [r for r in records if r.levelno == logging.DEBUG]
        return found | {
            "debug records": "some" if debug else "none",
            "key in a record": any(ctx.key in r.getMessage() for r in records),
        }

    return scenario


async def empty_api_key(lib: ModuleType, ctx: Ctx) -> Obs:
    ctx.monkeypatch.setenv("LITELLM_PROXY_API_KEY", ctx.key)
    return await chat_outcome(lib, ctx, api_base=ctx.url, api_key="")


KEYWORD_ROWS: list[tuple[str, str, Scenario]] = [
    ("fallbacks-models", "`fallbacks=[model name]` after a 500", with_fallbacks("fail-500", fallbacks=["litellm_proxy/chat"])),
    ("fallbacks-async", "`fallbacks=[model name]` after a 500, async",
     with_fallbacks("fail-500", use_async=True, fallbacks=["litellm_proxy/chat"])),
    ("fallbacks-dict", "`fallbacks=[{model, api_base, api_key}]` after a refused connection", fallback_to_another_gateway),
    ("fallbacks-exhausted", "`fallbacks` that all fail (500, then 429)",
     with_fallbacks("fail-500", fallbacks=["litellm_proxy/fail-429"])),
    ("max_fallbacks", "`max_fallbacks=1` with two fallbacks (429, then a good one)",
     with_fallbacks("fail-500", fallbacks=["litellm_proxy/fail-429", "litellm_proxy/chat"], max_fallbacks=1)),
    ("fallbacks-stream", "`fallbacks` on a stream after a 500", fallbacks_stream),
    ("context_window_fallback_dict", "`context_window_fallback_dict` after a context window error",
     with_fallbacks("ctx-window", context_window_fallback_dict={"litellm_proxy/ctx-window": "litellm_proxy/chat"})),
    ("content_policy_fallbacks", "`content_policy_fallbacks` after a content policy error",
     with_fallbacks("content-policy", content_policy_fallbacks=["litellm_proxy/chat"])),
    ("stream_timeout", "`stream_timeout=30` on a stream", chat_with(stream=True, stream_timeout=30)),
    ("stream_timeout-silent", "`stream_timeout=0.3`, `timeout=2`, a server that never answers",
     chat_with(url="{silent}", stream=True, stream_timeout=0.3, timeout=2)),
    ("request_timeout", "`request_timeout=0.3` on a server that never answers", chat_with(url="{silent}", request_timeout=0.3)),
    ("force_timeout", "`force_timeout=30`", chat_with(force_timeout=30)),
    ("ssl_verify", "`ssl_verify=False` (an http gateway)", chat_with(ssl_verify=False)),
    ("ssl_verify-async", "`ssl_verify=False`, async", chat_with(use_async=True, ssl_verify=False)),
    ("client", "`client=openai.OpenAI(...)`", client_kwarg),
    ("client_session", "`client_session = httpx.Client(...)`", client_session),
    ("_turn_on_debug", "`_turn_on_debug()`", debug_switch("_turn_on_debug")),
    ("set_verbose", "`set_verbose = True`", debug_switch("set_verbose")),
    ("LITELLM_LOG", "`LITELLM_LOG=DEBUG` set after import", debug_switch("LITELLM_LOG")),
    ("caching", "`caching=True`", chat_with(caching=True)),
    ("empty-api_key", '`api_key=""` with `LITELLM_PROXY_API_KEY` set', empty_api_key),
]  # fmt: skip

from .differential_files import CALL_TYPE_ROWS, call_types, fixed, set_callbacks, started_since  # noqa: E402 (it builds on the helpers above)
from .differential_files import ROWS as FILE_ROWS  # noqa: E402

ROWS: list[Row] = [
    *SECTIONED(
        "Endpoints",
        [
            ("completion", "`completion`", completion(False)),
            ("acompletion", "`acompletion`", completion(True)),
            ("completion-stream", "`completion(stream=True)`", completion_stream(False)),
            ("acompletion-stream", "`acompletion(stream=True)`", completion_stream(True)),
            ("builder-no-usage", "`stream_chunk_builder` without a usage chunk", builder_without_usage),
            ("text_completion", "`text_completion` (path)", text_completion(False)),
            ("atext_completion", "`atext_completion`", text_completion(True)),
            ("text_completion-stream", "`text_completion(stream=True)`", text_completion(False, stream=True)),
            ("embedding", "`embedding`", embedding(False)),
            ("aembedding", "`aembedding`", embedding(True)),
            ("image_generation", "`image_generation`", image_generation(False)),
            ("aimage_generation", "`aimage_generation`", image_generation(True)),
            ("transcription", "`transcription`", transcription(False)),
            ("atranscription", "`atranscription`", transcription(True)),
            ("speech", "`speech`", speech(False)),
            ("aspeech", "`aspeech`", speech(True)),
            ("rerank", "`rerank` (URL)", rerank(False)),
            ("arerank", "`arerank`", rerank(True)),
            ("rerank-v1-base", "`rerank` with a base URL ending in `/v1`", rerank(False, "/v1")),
            ("responses", "`responses`", responses(False)),
            ("aresponses", "`aresponses`", responses(True)),
            ("responses-stream", "`responses(stream=True)`", responses_stream(False)),
            ("aresponses-stream", "`aresponses(stream=True)`", responses_stream(True)),
            ("models", "`models`", models),
        ],
    ),
    *SECTIONED("Image edits, moderations, files, batches, stored responses", FILE_ROWS),
    *SECTIONED(
        "Anthropic's Messages API and the gateway's own facts",
        [
            ("anthropic-messages", "`anthropic.messages.create`", anthropic_messages(False)),
            ("anthropic-amessages", "`anthropic.messages.acreate`", anthropic_messages(True)),
            ("anthropic-stream", "`anthropic.messages.create(stream=True)`", anthropic_stream),
            ("get_model_info", "`get_model_info` of a gateway alias", model_info),
            ("supports", "`supports_*` of a gateway alias", supports),
            ("completion_cost", "`completion_cost` of a priced alias", cost),
            ("token_counter", "`token_counter`", token_count),
            ("batch_completion", "`batch_completion`", batch),
        ],
    ),
    *SECTIONED(
        "Configuration and prefix handling",
        [
            ("prefix-nested", "`litellm_proxy/team/chat` (prefix stripped once)", nested_prefix),
            ("custom_llm_provider", '`custom_llm_provider="litellm_proxy"`, bare model', provider_kwarg),
            ("unprefixed", "model without the prefix", unprefixed),
            ("use_litellm_proxy", "`use_litellm_proxy = True` (module attribute)", route_all),
            ("use_litellm_proxy-kwarg", "`use_litellm_proxy=True` as a keyword", route_all_kwarg),
            ("env-config", "`LITELLM_PROXY_API_BASE` / `LITELLM_PROXY_API_KEY`", env_base_and_key),
            ("base-precedence", "base URL: environment vs module attribute", base_precedence),
            ("key-precedence", "key: environment vs module attribute", key_precedence),
            ("missing-base", "no base URL anywhere (`OPENAI_BASE_URL` set)", missing_base),
            ("base_url-alias", "`base_url=` alias", base_url_alias),
            ("v1-base", "base URL ending in `/v1`", v1_base),
        ],
    ),
    *SECTIONED(
        "Keyword arguments",
        [
            ("kwargs-chat", "chat: headers, body extras, metadata, tags, unknown kwargs", chat_kwargs),
            ("kwargs-embedding", "embedding: user, encoding_format, unknown kwargs", embedding_kwargs),
            ("embedding-base64", 'embedding: `encoding_format="base64"` asked for', embedding_base64),
            ("kwargs-rerank", "rerank: unknown kwargs", rerank_kwargs),
            ("kwargs-speech", "speech: speed, unknown kwargs", speech_kwargs),
        ],
    ),
    *SECTIONED(
        "Exceptions, retries, timeouts",
        [
            ("error-unknown-model", "unknown model group", failing_chat("no-such-group")),
            ("error-bad-key", "wrong key (proxy without a DB: 400)", failing_chat("chat", key="sk-not-the-key")),
            ("error-429", "upstream 429", failing_chat("fail-429")),
            ("error-500", "upstream 500", failing_chat("fail-500")),
            ("error-context-window", "upstream context window error", failing_chat("ctx-window")),
            ("error-async-429", "upstream 429, async", failing_chat("fail-429", use_async=True)),
            ("error-stream-500", "upstream 500 on a stream", stream_error),
            ("error-embedding-500", "upstream 500, embedding", failing_endpoint("embedding", "/embeddings", input="x")),
            ("error-refused", "connection refused", refused),
            ("timeout", "`timeout=0.3` on a server that never answers", timeout),
            ("retries-default", "default retries on a 429", failing_chat("fail-429", max_retries=None)),
            (
                "retries-num_retries",
                "`num_retries=1` on a 500",
                failing_chat("fail-500", max_retries=None, num_retries=1),
            ),
        ],
    ),
    *SECTIONED(
        "LiteLLM's own keywords",
        [
            (
                "litellm-params-sweep",
                "every name of `all_litellm_params` but those [skipped](#sweep-skips), one call each",
                litellm_params_sweep,
            ),
            ("mock_response", "`mock_response='hi'`", mock_response),
            ("response_format-class", "`response_format=<pydantic class>`", response_format_class),
        ],
    ),
    *SECTIONED("LiteLLM's own keywords: fallbacks, timeouts, transport, debug, caching", KEYWORD_ROWS),
]


def to_json(value: Any) -> Any:
    """Observations as plain JSON (tuples become lists), so they compare and render the same from any source."""
    return json.loads(json.dumps(value, default=repr))


# --- callbacks (issue 15): the same function callbacks and CustomLogger on both sides ---------------------------

# What LiteLLM users read from a callback's `kwargs` (README "Observability"): each one's presence, and its value
# where it is deterministic.
CALLBACK_FIELDS = ("model", "messages", "optional_params", "litellm_call_id", "response_cost", "litellm_params",
                   "start_time", "end_time", "completion_start_time", "standard_logging_object", "call_type",
                   "stream", "api_key")  # fmt: skip
SUMMARY_FIELDS = ("status", "call_type", "stream", "response_cost", "prompt_tokens", "completion_tokens",
                  "total_tokens", "model", "model_id", "model_group", "metadata", "request_tags",
                  "completionStartTime", "response_time")  # fmt: skip


def callback_kwargs(kwargs: dict[str, Any], ctx: Ctx) -> Obs:
    """A callback's `kwargs` as user code reads them: which fields are there, and the deterministic values."""
    summary = kwargs.get("standard_logging_object") or {}
    found: Obs = {"kwargs has": [name for name in CALLBACK_FIELDS if name in kwargs]}
    found |= {
        "model": kwargs.get("model"),
        "messages": kwargs.get("messages"),
        "optional_params": {k: v for k, v in (kwargs.get("optional_params") or {}).items() if v is not None},
        "litellm_call_id": normalize(kwargs.get("litellm_call_id"), ctx),
        "response_cost": kwargs.get("response_cost"),
        "litellm_params.metadata tag": ((kwargs.get("litellm_params") or {}).get("metadata") or {}).get("tag"),
        "call_type": kwargs.get("call_type"),
        "stream": kwargs.get("stream"),
        "time types": sorted(
            {type(kwargs.get(n)).__name__ for n in ("start_time", "end_time", "completion_start_time")}
        ),
        "standard_logging_object has": [name for name in SUMMARY_FIELDS if name in summary],
    }
    for name in ("status", "call_type", "prompt_tokens", "completion_tokens", "total_tokens", "model_group"):
        found[f"standard_logging_object.{name}"] = summary.get(name)
    found["standard_logging_object.model_id"] = normalize(summary.get("model_id"), ctx)
    found["standard_logging_object.metadata tag"] = (summary.get("metadata") or {}).get("tag", "(absent)")
    return found


async def settle(events: list[tuple[str, Any, Any, Any]], kinds: set[str]) -> None:
    """Wait (5 s at most) for callbacks that run off the caller's path: a thread on both sides, or a task."""
    import asyncio

    for _ in range(500):
        if kinds <= {event[0] for event in events}:
            return
        await asyncio.sleep(0.01)


def callbacks(use_async: bool, stream: bool = False) -> Scenario:
    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        import importlib
        import threading

        base = importlib.import_module(f"{lib.__name__}.integrations.custom_logger").CustomLogger
        events: list[tuple[str, Any, Any, Any]] = []
        caller = threading.current_thread()

        began = datetime.now()

        def record(kind: str, kwargs: Any, response: Any = None) -> None:
            if started_since(kwargs, began):
                events.append((kind, dict(kwargs), response, threading.current_thread() is caller))

        class Logger(base):  # type: ignore[misc, valid-type]
            def log_pre_api_call(self, model: str, messages: Any, kwargs: Any) -> None:
                record("logger pre", kwargs)

            # LiteLLM passes these by keyword: its own parameter names
            def log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
                record("logger success", kwargs, response_obj)

            async def async_log_success_event(
                self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
            ) -> None:
                record("logger async success", kwargs, response_obj)

        set_callbacks(
            lib,
            ctx,
            input_callback=[lambda kwargs: record("input", kwargs)],
            success_callback=[lambda k, r, s, e: record("success", k, r)],
            failure_callback=[],
            callbacks=[Logger()],
        )
        kwargs = {"model": "litellm_proxy/chat", "messages": HI, "temperature": 0.5, "metadata": {"tag": "m"}}
        if stream:
            kwargs |= {"stream": True, "stream_options": {"include_usage": True}}
        if use_async:
            result = await lib.acompletion(**kwargs, **ctx.auth)
            if stream:
                [_ async for _ in result]
        else:
            result = lib.completion(**kwargs, **ctx.auth)
            if stream:
                list(result)
        logger_success = "logger async success" if use_async else "logger success"
        await settle(events, {"success", logger_success})
        by_kind = {kind: (kw, response, inline) for kind, kw, response, inline in events}
        found: Obs = {"events": sorted(by_kind)}
        if "success" in by_kind:
            kw, response, inline = by_kind["success"]
            found |= {f"success {name}": value for name, value in callback_kwargs(kw, ctx).items()}
            found["success response type"] = type(response).__name__
            found["success runs on the caller's thread"] = inline
        if logger_success in by_kind:
            kw, response, _ = by_kind[logger_success]
            found["logger success kwargs has"] = callback_kwargs(kw, ctx)["kwargs has"]
            found["logger success response_cost"] = kw.get("response_cost")
        if "input" in by_kind:
            found["input kwargs has"] = callback_kwargs(by_kind["input"][0], ctx)["kwargs has"]
        return found

    return scenario


async def failure_callbacks(lib: ModuleType, ctx: Ctx) -> Obs:
    events: list[tuple[dict[str, Any], Any]] = []
    began = datetime.now()

    def failed(kwargs: Any, response: Any, start: Any, end: Any) -> None:
        if started_since(kwargs, began):
            events.append((dict(kwargs), response))

    set_callbacks(lib, ctx, input_callback=[], success_callback=[], callbacks=[], failure_callback=[failed])
    await outcome(
        lambda: lib.completion(model="litellm_proxy/fail-500", messages=HI, max_retries=0, **ctx.auth), lambda r: {}
    )
    import asyncio

    for _ in range(500):
        if events:
            break
        await asyncio.sleep(0.01)
    if not events:
        return {"failure fired": False}
    kwargs, response = events[0]
    summary = kwargs.get("standard_logging_object") or {}
    return {
        "failure fired": True,
        "response": response,
        "exception": type(kwargs.get("exception")).__name__,
        "has traceback_exception": "traceback_exception" in kwargs,
        "standard_logging_object.status": summary.get("status"),
        "standard_logging_object.error_information.error_code": (summary.get("error_information") or {}).get(
            "error_code"
        ),
    }


# Anchor id -> why shim's callbacks differ from LiteLLM's; merged into `matrix.DIFFERENCES`.
CALLBACK_DIFFERENCES: dict[str, str] = {
    "callback-api-key": (
        "callbacks: shim leaves the key out of every callback argument (LiteLLM passes `api_key` in `kwargs`): "
        "callbacks feed logging backends, and a key must not reach them"
    ),
    "callback-extra-body": (
        "callbacks: LiteLLM's `optional_params` also holds `extra_body: {}`, a request detail of its own; shim's "
        "holds the parameters the call sent"
    ),
    "callback-gateway-facts": (
        "callbacks: shim's `standard_logging_object` carries the gateway's deployment id and model group (from its "
        "`x-litellm-*` headers); LiteLLM's SDK leaves them empty on this route"
    ),
    "callback-metadata": (
        "callbacks: shim's summary keeps the caller's `metadata` as given; LiteLLM's keeps only the keys of its "
        "`StandardLoggingMetadata`, so user keys are not in it (both have them in `litellm_params.metadata`)"
    ),
    "callback-async-success": (
        "callbacks: on `acompletion` LiteLLM 1.108.7 calls no plain `success_callback` function, only coroutine "
        "functions and `CustomLogger.async_log_success_event` (as on the other calls its logging treats as async: "
        "`aembedding`, `aresponses`, `aimage_generation`, `atranscription`, ...); shim calls every success callback "
        "on every call, plain functions in its callback thread"
    ),
}
_CALLBACK_ROWS = ("callbacks-completion", "callbacks-stream")
# What `callbacks()` reads from the success function's `kwargs` (each as `success <name>`).
_SUCCESS_FIELDS = ("kwargs has", "model", "messages", "optional_params", "litellm_call_id", "response_cost",
                   "litellm_params.metadata tag", "call_type", "stream", "time types", "standard_logging_object has",
                   *(f"standard_logging_object.{name}" for name in ("status", "call_type", "prompt_tokens",
                     "completion_tokens", "total_tokens", "model_group", "model_id", "metadata tag")),
                   "response type", "runs on the caller's thread")  # fmt: skip
# (row id, field) -> the callback difference it shows; merged into `matrix.REASONS`.
CALLBACK_REASONS: dict[tuple[str, str], str] = {
    **{
        (row, field): "callback-api-key"
        for row in _CALLBACK_ROWS
        for field in ("success kwargs has", "logger success kwargs has", "input kwargs has")
    },
    **{(row, "success optional_params"): "callback-extra-body" for row in _CALLBACK_ROWS},
    **{
        (row, f"success standard_logging_object.{name}"): "callback-gateway-facts"
        for row in _CALLBACK_ROWS
        for name in ("model_group", "model_id")
    },
    **{(row, "success standard_logging_object.metadata tag"): "callback-metadata" for row in _CALLBACK_ROWS},
    **{
        ("callbacks-acompletion", field): "callback-api-key"
        for field in ("logger success kwargs has", "input kwargs has")
    },
    ("callbacks-acompletion", "events"): "callback-async-success",
    **{("callbacks-acompletion", f"success {name}"): "callback-async-success" for name in _SUCCESS_FIELDS},
}

ROWS += SECTIONED(
    "Callbacks",
    [
        ("callbacks-completion", "`success_callback`, `input_callback` and a `CustomLogger`", callbacks(False)),
        ("callbacks-acompletion", "the same, async", callbacks(True)),
        ("callbacks-stream", "the same, a stream read to its end", callbacks(False, stream=True)),
        ("callbacks-failure", "`failure_callback` on an upstream 500", failure_callbacks),
        (
            "call_type-rerank",
            "callbacks of `rerank` / `arerank`: events, `call_type`",
            call_types(
                "rerank", fixed({"model": "litellm_proxy/rerank", "query": "green", "documents": ["green tea"]})
            ),
        ),
        *CALL_TYPE_ROWS,
    ],
)

from .differential_router import ROWS as ROUTER_ROWS  # noqa: E402 (it builds on the helpers above)

ROWS += SECTIONED("`Router` over several gateways (FakeProxy gateways, one failing, slow or rate limited)", ROUTER_ROWS)
