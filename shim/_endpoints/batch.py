"""`batch_completion`: LiteLLM's helper for one model and many conversations, sent concurrently."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, cast

from shim._endpoints.chat import completion
from shim._endpoints.specs import CHAT, Messages, messages_field
from shim._request import prepare

if TYPE_CHECKING:
    from shim.types import ModelResponse


def batch_completion(
    model: str, messages: Iterable[Messages] = (), *, max_workers: int | None = 100, **kwargs: Any
) -> list[ModelResponse | Exception]:
    """One chat completion per message list, at most `max_workers` at a time (threads sharing one connection pool).

    Returns the results in the order of `messages`; a call that failed is its exception in the list, as in LiteLLM
    (the others still complete). Every other keyword goes to each `completion`. Bad input (no message lists, a
    malformed one, an unrouted model, a bad option) raises before any request.

    Example:
        >>> results = shim.batch_completion("litellm_proxy/gpt-4o", messages=[
        ...     [{"role": "user", "content": "Say hi"}], [{"role": "user", "content": "Say bye"}]])
        >>> [r.choices[0].message.content for r in results]
    """
    conversations = _conversations(messages)
    prepare(CHAT, model, conversations[0], dict(kwargs))  # the route and options, checked once before sending
    with ThreadPoolExecutor(max_workers=_workers(max_workers, len(conversations))) as pool:
        futures = [pool.submit(completion, model, **fields, **kwargs) for fields in conversations]
    return [_outcome(future) for future in futures]


def _conversations(messages: object) -> list[dict[str, Any]]:
    if isinstance(messages, (str, bytes, dict)) or not isinstance(messages, Iterable):
        raise TypeError("batch_completion() needs messages=[[...], [...]]: a list of message lists")
    batches = list(cast("Iterable[Any]", messages))
    if not batches:
        raise ValueError("batch_completion() got no message lists: pass messages=[[{'role': 'user', ...}], ...]")
    checked: list[dict[str, Any]] = []
    for index, batch in enumerate(batches):
        try:
            checked.append(messages_field(batch))
        except (TypeError, ValueError) as error:
            raise type(error)(f"messages[{index}]: {error}") from None
    return checked


def _workers(max_workers: object, count: int) -> int:
    if max_workers is None:
        return min(count, 100)
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise ValueError(f"max_workers must be a positive int, not {max_workers!r}")
    return min(count, max_workers)


def _outcome(future: Future[Any]) -> Any:
    error = future.exception()
    return error if isinstance(error, Exception) else future.result()
