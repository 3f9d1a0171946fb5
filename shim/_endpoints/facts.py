"""The gateway's own facts: model info and capabilities (`/model/info`), cost (`x-litellm-response-cost`) and
token counts (`/utils/token_counter`).

LiteLLM's SDK answers these from its local price list, which knows provider model names but not the gateway's
aliases (it raises or says False for `litellm_proxy/my-alias`). The gateway knows both, so shim asks it.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from typing import Any, TypeVar

from shim._call import Call
from shim._endpoints.specs import MODEL_INFO, MODELS, TOKEN_COUNTER, token_count_fields
from shim._endpoints.twins import asynchronous
from shim._errors import json_object
from shim._request import aresult, prepare, result

ResultT = TypeVar("ResultT")
ChunkT = TypeVar("ChunkT")

MODEL_INFO_TTL = 60.0
"""Seconds a gateway's `/model/info` answer is reused: capabilities change when the gateway's config does."""


def at_root(call: Call[ResultT, ChunkT]) -> Call[ResultT, ChunkT]:
    """`call` sent from the gateway's root: the proxy serves these routes there only, not under `/v1`."""
    base = call.route.base_url
    if not base.endswith("/v1"):
        return call
    return replace(call, route=replace(call.route, base_url=base.removesuffix("/v1")))


class ModelInfoCache:
    """Each gateway's `/model/info` entries for a short while, per key: the gateway answers with the model groups
    the key may use, and refuses a revoked key, so an entry serves only the key that fetched it. Keyed by the
    gateway's URL and a salted digest of the key (never the key itself); at most `maxsize` entries, the oldest
    dropped first."""

    def __init__(self, ttl: float = MODEL_INFO_TTL, maxsize: int = 256) -> None:
        self.ttl = ttl
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, bytes], tuple[float, list[dict[str, Any]]]] = OrderedDict()
        self._lock = threading.Lock()
        self._salt = os.urandom(16)  # per process: a digest found in memory cannot be matched to a key elsewhere

    def _key(self, base_url: str, api_key: str) -> tuple[str, bytes]:
        return base_url, hashlib.blake2b(api_key.encode(), key=self._salt, digest_size=16).digest()

    def get(self, base_url: str, api_key: str) -> list[dict[str, Any]] | None:
        with self._lock:
            found = self._entries.get(self._key(base_url, api_key))
        if found is None or time.monotonic() - found[0] > self.ttl:
            return None
        return found[1]

    def put(self, base_url: str, api_key: str, entries: list[dict[str, Any]]) -> None:
        key = self._key(base_url, api_key)
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (time.monotonic(), entries)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every gateway's answer: the next lookup asks again."""
        with self._lock:
            self._entries.clear()


MODEL_INFO_CACHE = ModelInfoCache()


class UnknownModelGroup(ValueError):
    """The gateway lists no model group of that name (for the key that asked)."""


def get_model_info(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """What the gateway knows of a model group: GET `/model/info` (cached per gateway and key for a minute).

    Works for the gateway's aliases, which LiteLLM's local price list does not know. The keys are LiteLLM's
    `ModelInfo` (`max_tokens`, `max_input_tokens`, `input_cost_per_token`, `supports_vision`, ...) as the gateway
    reports them. Takes `api_base`, `api_key`, `timeout`, ... like every call.

    Raises:
        ValueError: the gateway has no such model group (`UnknownModelGroup`).

    Example:
        >>> info = shim.get_model_info("litellm_proxy/my-alias")
        >>> info["max_input_tokens"], info["supports_function_calling"]
    """
    call, group = _info_call(model, custom_llm_provider, kwargs)
    route = call.route
    entry = _entry(group, call, MODEL_INFO_CACHE.get(route.base_url, route.api_key))
    if entry is None:  # not cached, or cached before the group existed
        entries = result(call)
        MODEL_INFO_CACHE.put(route.base_url, route.api_key, entries)
        entry = _entry(group, call, entries)
    return _model_info(group, call, entry)


async def aget_model_info(model: str, custom_llm_provider: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Async `get_model_info`.

    Example:
        >>> info = await shim.aget_model_info("litellm_proxy/my-alias")
    """
    call, group = _info_call(model, custom_llm_provider, kwargs)
    route = call.route
    entry = _entry(group, call, MODEL_INFO_CACHE.get(route.base_url, route.api_key))
    if entry is None:
        entries = await aresult(call)
        MODEL_INFO_CACHE.put(route.base_url, route.api_key, entries)
        entry = _entry(group, call, entries)
    return _model_info(group, call, entry)


def _info_call(model: str, provider: str | None, kwargs: dict[str, Any]) -> tuple[Call[Any, Any], str]:
    call = prepare(MODEL_INFO, model, {}, {**kwargs, "custom_llm_provider": provider})
    # The model names the group to look up, not a query: every group comes back, and is cached.
    return at_root(replace(call, body={})), call.route.model


def _entry(group: str, call: Call[Any, Any], entries: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    for entry in entries or ():
        if entry.get("model_name") == group:
            return entry
    return None


def _model_info(group: str, call: Call[Any, Any], entry: dict[str, Any] | None) -> dict[str, Any]:
    if entry is None:
        raise UnknownModelGroup(
            f"The gateway at {call.route.base_url} has no model group {group!r} (or the key may not use it): "
            "`shim models` lists the ones it serves"
        )
    info: dict[str, Any] = dict(entry.get("model_info") or {})
    return info


def completion_cost(completion_response: object = None, model: str | None = None, **kwargs: Any) -> float:
    """The cost the gateway charged for a call, in USD: its `x-litellm-response-cost` header.

    `completion_response` is any shim result (`completion`, `embedding`, `anthropic_messages`, ...); for a stream,
    pass any of its chunks (the gateway reports the cost in the stream's headers, so every chunk carries it).
    LiteLLM's other arguments (`model`, `prompt`, `messages`, ...) are accepted and not used: the gateway's price,
    not a local price list, is what was charged.

    Raises:
        ValueError: the gateway did not report a cost for this call (it does not know the model's price).
        TypeError: `completion_response` is not a shim result.

    Example:
        >>> r = shim.completion("litellm_proxy/gpt-4o", [{"role": "user", "content": "Hi"}])
        >>> shim.completion_cost(completion_response=r)
        0.00042
    """
    hidden = json_object(getattr(completion_response, "_hidden_params", None))
    if hidden is None:
        raise TypeError(
            "completion_cost() reads the cost the gateway reported: pass completion_response=<a shim result>, "
            f"not {type(completion_response).__name__}"
        )
    cost = hidden.get("response_cost")
    if not isinstance(cost, float):
        raise ValueError(
            "The gateway did not report a cost for this call (no x-litellm-response-cost header): it has no price "
            "for the model; set input_cost_per_token/output_cost_per_token in its model config"
        )
    return cost


_UNUSED_COUNT_OPTIONS = ("use_default_image_token_count", "default_token_count")


def _count_call(
    model: str,
    custom_tokenizer: object,
    text: object,
    messages: object,
    tools: object,
    kwargs: dict[str, Any],
    **unsent: object,  # `count_response_tokens` and `tool_choice`: accepted, as LiteLLM does, and not sent
) -> Call[int, None]:
    del unsent
    if custom_tokenizer is not None:
        raise TypeError("custom_tokenizer is not supported: the gateway counts with the model's own tokenizer")
    for name in _UNUSED_COUNT_OPTIONS:
        kwargs.pop(name, None)
    fields = {**token_count_fields(messages, text), "tools": tools}
    return at_root(prepare(TOKEN_COUNTER, model, fields, kwargs))


def token_counter(
    model: str = "",
    custom_tokenizer: object = None,
    text: str | list[str] | None = None,
    messages: Any = None,
    count_response_tokens: bool | None = False,
    tools: list[Any] | None = None,
    tool_choice: Any = None,
    **kwargs: Any,
) -> int:
    """The number of tokens `messages` (or `text`) take for a model, counted by the gateway: POST
    `/utils/token_counter`. The gateway knows which tokenizer its alias uses; shim ships none.

    LiteLLM's `count_response_tokens`, `tool_choice`, `use_default_image_token_count` and `default_token_count`
    are accepted and not sent; `custom_tokenizer` is refused (the gateway counts).

    Example:
        >>> shim.token_counter("litellm_proxy/gpt-4o", messages=[{"role": "user", "content": "Hello there"}])
        9
    """
    return result(_count_call(model, custom_tokenizer, text, messages, tools, kwargs))


@asynchronous(token_counter, _count_call)
async def atoken_counter(*args: Any, **kwargs: Any) -> int:
    """Async `token_counter`, with its parameters.

    Example:
        >>> await shim.atoken_counter("litellm_proxy/gpt-4o", text="Hello there")
    """
    ...  # noqa: PIE790 - the docs' stub: `asynchronous` sends with `token_counter`'s parameters


def models(**kwargs: Any) -> list[str]:
    """The model names the key may use: GET `/models`. Takes `api_base`, `api_key`, `timeout`, ...

    Example:
        >>> shim.models(api_base="http://localhost:4000", api_key="sk-1234")
        ['gpt-4o', 'text-embedding-3-small']
    """
    return result(prepare(MODELS, None, {}, kwargs))


async def amodels(**kwargs: Any) -> list[str]:
    """Async `models`.

    Example:
        >>> await shim.amodels()
    """
    return await aresult(prepare(MODELS, None, {}, kwargs))
