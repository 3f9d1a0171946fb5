"""Embeddings, images, rerank, the Responses API and the model list, with their async twins.

Each endpoint is configuration (path, result type, shape check); the route, options, sending and error handling
are the same code as chat's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from shim._endpoints.specs import (
    EMBEDDING,
    IMAGES,
    MODELS,
    RERANK,
    RESPONSES,
    image_prompt,
    non_empty_input,
    rerank_fields,
)
from shim._request import aresult, arun, prepare, result, run

if TYPE_CHECKING:
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
    from shim.types import EmbeddingResponse, ImageResponse, RerankResponse, ResponsesAPIResponse

_EMBEDDING_INPUT = "of strings or token ids"
_RESPONSES_INPUT = "of input items"


def embedding(model: str, input: Any = None, **kwargs: Any) -> EmbeddingResponse:
    """Embeddings through the gateway: POST `/embeddings`.

    `input` is a string, a list of strings, a list of token ids, or a list of such lists. `dimensions`,
    `encoding_format` and other options are forwarded; routing options as for `completion`.

    Example:
        >>> r = shim.embedding("litellm_proxy/text-embedding-3-small", input=["hello", "world"])
        >>> len(r.data[0].embedding)
    """
    return result(prepare(EMBEDDING, model, non_empty_input(input, _EMBEDDING_INPUT), kwargs))


async def aembedding(model: str, input: Any = None, **kwargs: Any) -> EmbeddingResponse:
    """Async `embedding`.

    Example:
        >>> r = await shim.aembedding("litellm_proxy/text-embedding-3-small", input="hello")
    """
    return await aresult(prepare(EMBEDDING, model, non_empty_input(input, _EMBEDDING_INPUT), kwargs))


def image_generation(model: str, prompt: str | None = None, **kwargs: Any) -> ImageResponse:
    """Images through the gateway: POST `/images/generations`. `n`, `size`, `quality`, `response_format` and
    `style` are forwarded.

    Example:
        >>> r = shim.image_generation("litellm_proxy/dall-e-3", prompt="A sunset over mountains")
        >>> r.data[0].url
    """
    return result(prepare(IMAGES, model, image_prompt(prompt), kwargs))


async def aimage_generation(model: str, prompt: str | None = None, **kwargs: Any) -> ImageResponse:
    """Async `image_generation`.

    Example:
        >>> r = await shim.aimage_generation("litellm_proxy/dall-e-3", prompt="A sunset over mountains")
    """
    return await aresult(prepare(IMAGES, model, image_prompt(prompt), kwargs))


def rerank(
    model: str, query: str | None = None, documents: list[Any] | None = None, top_n: int | None = None, **kwargs: Any
) -> RerankResponse:
    """Rerank documents against a query through the gateway: POST `rerank` relative to the base URL.

    `documents` are strings or dicts; `top_n`, `rank_fields`, `return_documents` (default True, as LiteLLM),
    `max_chunks_per_doc` and `max_tokens_per_doc` are forwarded. Retries, timeouts and errors are those of
    every other call. The answer is validated: a malformed body raises `APIResponseValidationError`.

    Example:
        >>> r = shim.rerank("litellm_proxy/rerank-english-v2.0", query="What is ML?",
        ...                 documents=["ML is a field of AI", "Biology studies life"])
        >>> r.results[0].index, r.results[0].relevance_score
    """
    return result(prepare(RERANK, model, rerank_fields(query, documents, top_n), kwargs))


async def arerank(
    model: str, query: str | None = None, documents: list[Any] | None = None, top_n: int | None = None, **kwargs: Any
) -> RerankResponse:
    """Async `rerank`.

    Example:
        >>> r = await shim.arerank("litellm_proxy/rerank-english-v2.0", query="q", documents=["a", "b"])
    """
    return await aresult(prepare(RERANK, model, rerank_fields(query, documents, top_n), kwargs))


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
    return run(prepare(RESPONSES, model, non_empty_input(input, _RESPONSES_INPUT), kwargs, stream=stream))


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
    return await arun(prepare(RESPONSES, model, non_empty_input(input, _RESPONSES_INPUT), kwargs, stream=stream))


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
