"""Embeddings, images, rerank, the Responses API and the model list, with their async twins.

Each endpoint is configuration (path, result type, shape check); the route, options, sending and error handling
are the same code as chat's.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from typing import Any, Literal, overload

from shim._errors import json_object
from shim._json import jsonable
from shim._request import prepare, prepare_get
from shim._results import Endpoint, needs_list
from shim._run import aresult, arun, result, run
from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
from shim.types import (
    Embedding,
    EmbeddingResponse,
    ImageResponse,
    RerankResponse,
    ResponseEvent,
    ResponsesAPIResponse,
)


def _embedding_result(**data: Any) -> EmbeddingResponse:
    data["data"] = [_embedding_item(item) for item in data["data"]]
    return EmbeddingResponse.construct(**data)


def _embedding_item(item: dict[str, Any]) -> Embedding:
    # The vector is already the list of floats (or base64 string) it must be: set it as is, skipping the SDK's
    # per-element `construct`, which cost more than the HTTP round trip for a 256-float vector.
    built = Embedding.construct(**{name: value for name, value in item.items() if name != "embedding"})
    if "embedding" in item:
        built.embedding = item["embedding"]
    return built


EMBEDDING = Endpoint(_embedding_result, needs_list("data"), prefix_model=True)
IMAGES = Endpoint(ImageResponse.construct, needs_list("data"))
RESPONSES = Endpoint(ResponsesAPIResponse.construct, needs_list("output"), prefix_model=True)


def _rerank_result(**data: Any) -> RerankResponse:
    return RerankResponse.model_validate(data)


RERANK = Endpoint(_rerank_result, needs_list("results"))

_FINAL_EVENTS = frozenset({"response.completed", "response.failed", "response.incomplete"})


@functools.cache
def _event_types() -> dict[str, Any]:
    """Each Responses stream event class by the `type` it carries, read from openai's own union."""
    from openai.types.responses import ResponseStreamEvent  # large: imported on first streamed response only

    classes: tuple[Any, ...] = typing.get_args(typing.get_args(ResponseStreamEvent)[0])
    return {typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in classes}


def _response_event(**data: Any) -> Any:
    """A Responses stream event as the openai type its `type` names (unknown types keep their fields)."""
    cls = _event_types().get(str(data.get("type")))
    return (cls or ResponseEvent).construct(**data)


RESPONSE_EVENTS = Endpoint(_response_event, finished=lambda event: event.get("type") in _FINAL_EVENTS)


def _model_ids(**data: Any) -> list[str]:
    items: list[Any] = data["data"]
    return [str(json_object(item).get("id") if json_object(item) else item) for item in items]  # pyright: ignore


MODELS = Endpoint(_model_ids, needs_list("data", of_objects=False))  # some gateways list bare names


def embedding(model: str, input: Any = None, **kwargs: Any) -> EmbeddingResponse:
    """Embeddings through the gateway: POST `/embeddings`.

    `input` is a string, a list of strings, a list of token ids, or a list of such lists. `dimensions`,
    `encoding_format` and other options are forwarded; routing options as for `completion`.

    Example:
        >>> r = shim.embedding("litellm_proxy/text-embedding-3-small", input=["hello", "world"])
        >>> len(r.data[0].embedding)
    """
    return result(prepare("embeddings", model, {"input": _embedding_input(input)}, kwargs, streams=False), EMBEDDING)


async def aembedding(model: str, input: Any = None, **kwargs: Any) -> EmbeddingResponse:
    """Async `embedding`.

    Example:
        >>> r = await shim.aembedding("litellm_proxy/text-embedding-3-small", input="hello")
    """
    call = prepare("embeddings", model, {"input": _embedding_input(input)}, kwargs, streams=False)
    return await aresult(call, EMBEDDING)


def image_generation(model: str, prompt: str | None = None, **kwargs: Any) -> ImageResponse:
    """Images through the gateway: POST `/images/generations`. `n`, `size`, `quality`, `response_format` and
    `style` are forwarded.

    Example:
        >>> r = shim.image_generation("litellm_proxy/dall-e-3", prompt="A sunset over mountains")
        >>> r.data[0].url
    """
    return result(prepare("images/generations", model, _prompt(prompt), kwargs, streams=False), IMAGES)


async def aimage_generation(model: str, prompt: str | None = None, **kwargs: Any) -> ImageResponse:
    """Async `image_generation`.

    Example:
        >>> r = await shim.aimage_generation("litellm_proxy/dall-e-3", prompt="A sunset over mountains")
    """
    return await aresult(prepare("images/generations", model, _prompt(prompt), kwargs, streams=False), IMAGES)


def rerank(model: str, query: str | None = None, documents: list[Any] | None = None, **kwargs: Any) -> RerankResponse:
    """Rerank documents against a query through the gateway: POST `rerank` relative to the base URL.

    `documents` are strings or dicts; `top_n`, `rank_fields`, `return_documents` (default True, as LiteLLM),
    `max_chunks_per_doc` and `max_tokens_per_doc` are forwarded. Retries, timeouts and errors are those of
    every other call. The answer is validated: a malformed body raises `APIResponseValidationError`.

    Example:
        >>> r = shim.rerank("litellm_proxy/rerank-english-v2.0", query="What is ML?",
        ...                 documents=["ML is a field of AI", "Biology studies life"])
        >>> r.results[0].index, r.results[0].relevance_score
    """
    return result(prepare("rerank", model, _rerank_fields(query, documents, kwargs), kwargs, streams=False), RERANK)


async def arerank(
    model: str, query: str | None = None, documents: list[Any] | None = None, **kwargs: Any
) -> RerankResponse:
    """Async `rerank`.

    Example:
        >>> r = await shim.arerank("litellm_proxy/rerank-english-v2.0", query="q", documents=["a", "b"])
    """
    call = prepare("rerank", model, _rerank_fields(query, documents, kwargs), kwargs, streams=False)
    return await aresult(call, RERANK)


@overload
def responses(
    model: str, input: Any = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> ResponsesAPIResponse: ...
@overload
def responses(model: str, input: Any = None, *, stream: Literal[True], **kwargs: Any) -> CustomStreamWrapper[Any]: ...
def responses(
    model: str, input: Any = None, *, stream: bool | None = None, **kwargs: Any
) -> ResponsesAPIResponse | CustomStreamWrapper[Any]:
    """The OpenAI Responses API through the gateway: POST `/responses`.

    `input` is a string or a list of input items; `instructions`, `tools`, `previous_response_id` and other
    options are forwarded. With `stream=True`, iterate typed stream events (`event.type`, `event.delta`).

    Example:
        >>> r = shim.responses("litellm_proxy/gpt-4o", input="Tell me a joke")
        >>> r.output_text
    """
    call = prepare("responses", model, _responses_fields(input, stream), kwargs)
    return run(call, RESPONSES, RESPONSE_EVENTS)


@overload
async def aresponses(
    model: str, input: Any = None, *, stream: Literal[False] | None = None, **kwargs: Any
) -> ResponsesAPIResponse: ...
@overload
async def aresponses(
    model: str, input: Any = None, *, stream: Literal[True], **kwargs: Any
) -> AsyncCustomStreamWrapper[Any]: ...
async def aresponses(
    model: str, input: Any = None, *, stream: bool | None = None, **kwargs: Any
) -> ResponsesAPIResponse | AsyncCustomStreamWrapper[Any]:
    """Async `responses`.

    Example:
        >>> r = await shim.aresponses("litellm_proxy/gpt-4o", input="Tell me a joke")
    """
    call = prepare("responses", model, _responses_fields(input, stream), kwargs)
    return await arun(call, RESPONSES, RESPONSE_EVENTS)


def models(**kwargs: Any) -> list[str]:
    """The model names the key may use: GET `/models`. Takes `api_base`, `api_key`, `timeout`, ...

    Example:
        >>> shim.models(api_base="http://localhost:4000", api_key="sk-1234")
        ['gpt-4o', 'text-embedding-3-small']
    """
    return result(prepare_get("models", kwargs), MODELS)


async def amodels(**kwargs: Any) -> list[str]:
    """Async `models`.

    Example:
        >>> await shim.amodels()
    """
    return await aresult(prepare_get("models", kwargs), MODELS)


def _embedding_input(value: object) -> Any:
    if isinstance(value, (str, list)) and value:
        return typing.cast("Any", value)
    raise TypeError(f"input must be a non-empty string or list (of strings or token ids), not {value!r:.60}")


def _prompt(prompt: object) -> dict[str, Any]:
    if not isinstance(prompt, str) or not prompt:
        raise TypeError(f"prompt must be a non-empty string, not {prompt!r:.60}")
    return {"prompt": prompt}


def _rerank_fields(query: object, documents: object, kwargs: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(query, str) or not query:
        raise TypeError(f"query must be a non-empty string, not {query!r:.60}")
    if not isinstance(documents, list) or not documents:
        raise TypeError("documents must be a non-empty list of strings or dicts")
    for index, document in enumerate(typing.cast("list[Any]", documents)):
        if not isinstance(document, (str, Mapping)):
            raise TypeError(f"documents[{index}] is a {type(document).__name__}; pass strings or dicts")
    top_n = kwargs.get("top_n")
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
        raise ValueError(f"top_n must be a positive int, not {top_n!r}")
    return {"query": query, "documents": documents, "return_documents": kwargs.pop("return_documents", True)}


def _responses_fields(input: object, stream: bool | None) -> dict[str, Any]:
    if not isinstance(input, (str, list)) or not input:
        raise TypeError(f"input must be a non-empty string or list of input items, not {input!r:.60}")
    fields: dict[str, Any] = {"input": jsonable(input)}
    if stream is not None:
        fields["stream"] = stream
    return fields
