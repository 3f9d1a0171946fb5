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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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


from .differential_files import ROWS as FILE_ROWS  # noqa: E402 (it builds on the helpers above)

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
]


def to_json(value: Any) -> Any:
    """Observations as plain JSON (tuples become lists), so they compare and render the same from any source."""
    return json.loads(json.dumps(value, default=repr))
