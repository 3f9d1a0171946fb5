"""Embeddings and rerank, with their async twins.

Each endpoint is configuration (path, result type, shape check); the route, options, sending and error handling
are the same code as chat's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shim._endpoints.specs import EMBEDDING, RERANK, non_empty_input, rerank_fields
from shim._request import aresult, prepare, result

if TYPE_CHECKING:
    from shim.types import EmbeddingResponse, RerankResponse

_EMBEDDING_INPUT = "of strings or token ids"


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
