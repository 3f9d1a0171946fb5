"""Send existing openai-SDK calls to the gateway by their model string: `shim.patch_openai()`.

    import openai, shim

    shim.patch_openai()
    client = openai.OpenAI()  # the user's own client and OpenAI key, unchanged
    client.chat.completions.create(model="litellm_proxy/gpt-4o", messages=msgs)  # -> the LiteLLM gateway
    client.chat.completions.create(model="gpt-4o", messages=msgs)  # -> OpenAI, untouched

A routed call never sees the user's client: the gateway's URL and key come from the shim's own configuration
(per-call `api_base`/`api_key` > `shim.api_base`/`shim.api_key` > LITELLM_PROXY_API_BASE/KEY) and it is sent
through the shim's cached clients, so the OpenAI key never reaches the gateway and the gateway key never reaches
OpenAI. The resource classes are patched with wrapt, so clients made before and after the call are covered, and
`unpatch_openai()` puts the original functions back.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

import openai

from shim._audio import aspeech, atranscription, speech, transcription
from shim._chat import acompletion, atext_completion, completion, text_completion
from shim._endpoints import aembedding, aimage_generation, aresponses, embedding, image_generation, responses
from shim._router import PREFIX
from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
from shim._wrapt import Wrapper
from shim._wrapt import unwrap as _unwrap
from shim._wrapt import wrap as _wrap
from shim.exceptions import RouteError
from shim.types import TranscriptionResponse

__all__ = ["AsyncGatewayStream", "GatewayStream", "PatchHandle", "patch_openai", "unpatch_openai"]

log = logging.getLogger(__name__)

T = TypeVar("T")

# openai's `with_raw_response` / `with_streaming_response` mark their calls with this header (a constant in a
# private openai module, so spelled out here): they expect an HTTP response object the shim does not return.
_RAW_RESPONSE_HEADER = "x-stainless-raw-response"
_TEXT_FORMATS = frozenset({"text", "srt", "vtt"})


@dataclass(frozen=True, slots=True)
class _Method:
    """One public resource method of the openai SDK (on `owner` and `"Async" + owner`) and the shim's twins."""

    name: str  # as the user calls it on a client
    module: str
    owner: str
    method: str
    sync: Callable[..., Any] | None = None  # None: not served through the gateway, refused for `litellm_proxy/`
    async_: Callable[..., Awaitable[Any]] | None = None


_CHAT = "openai.resources.chat.completions"
_RESPONSES = "openai.resources.responses"
_METHODS = (
    _Method("chat.completions.create", _CHAT, "Completions", "create", completion, acompletion),
    _Method(
        "completions.create", "openai.resources.completions", "Completions", "create", text_completion, atext_completion
    ),
    _Method("embeddings.create", "openai.resources.embeddings", "Embeddings", "create", embedding, aembedding),
    _Method("images.generate", "openai.resources.images", "Images", "generate", image_generation, aimage_generation),
    _Method("audio.speech.create", "openai.resources.audio.speech", "Speech", "create", speech, aspeech),
    _Method(
        "audio.transcriptions.create",
        "openai.resources.audio.transcriptions",
        "Transcriptions",
        "create",
        transcription,
        atranscription,
    ),
    _Method("responses.create", _RESPONSES, "Responses", "create", responses, aresponses),
    # These post on their own rather than through `create`: unpatched, a `litellm_proxy/` model would go to OpenAI.
    _Method("chat.completions.parse", _CHAT, "Completions", "parse"),
    _Method("chat.completions.stream", _CHAT, "Completions", "stream"),
    _Method("responses.parse", _RESPONSES, "Responses", "parse"),
    _Method("responses.stream", _RESPONSES, "Responses", "stream"),
)


class GatewayStream(openai.Stream[T], Generic[T]):
    """What a routed `create(..., stream=True)` returns: an `openai.Stream` fed by the shim's stream.

    Iterate it, use `with`, call `close()`, read `.response`, as with any `openai.Stream`. Chunks are the shim's
    (subclasses of the openai chunk types), and so are errors (subclasses of the openai exceptions).
    """

    # openai.Stream.__init__ is not called: it needs the caller's OpenAI client to decode with, and the shim's
    # stream already decodes. Every public method of openai.Stream is served by the ones below.
    def __init__(self, stream: CustomStreamWrapper[T]) -> None:
        self.response = stream.response
        self._gateway_stream = stream

    def __repr__(self) -> str:
        return f"GatewayStream(model={self._gateway_stream.model!r})"

    def __next__(self) -> T:
        return next(self._gateway_stream)

    def __iter__(self) -> Iterator[T]:
        return self._gateway_stream

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._gateway_stream.close()


class AsyncGatewayStream(openai.AsyncStream[T], Generic[T]):
    """The async `GatewayStream`: an `openai.AsyncStream` (`async for`, `async with`, `await close()`)."""

    def __init__(self, stream: AsyncCustomStreamWrapper[T]) -> None:
        self.response = stream.response
        self._gateway_stream = stream

    def __repr__(self) -> str:
        return f"AsyncGatewayStream(model={self._gateway_stream.model!r})"

    async def __anext__(self) -> T:
        return await self._gateway_stream.__anext__()

    def __aiter__(self) -> AsyncIterator[T]:  # pyright: ignore[reportIncompatibleMethodOverride]
        return self._gateway_stream

    async def close(self) -> None:
        """Stop reading and release the connection."""
        await self._gateway_stream.aclose()


class PatchHandle:
    """What `patch_openai()` returns. As a context manager, leaving the block undoes the patch it applied.

    Attributes:
        patched: the methods routed or guarded, as called on a client (`"chat.completions.create"`, ...).
        missing: the methods the installed openai version lacks, left alone.
        applied: whether this call applied the patch (False when it was already in place).
    """

    def __init__(self, patched: tuple[str, ...], missing: tuple[str, ...], *, applied: bool) -> None:
        self.patched = patched
        self.missing = missing
        self.applied = applied

    def __repr__(self) -> str:
        return f"PatchHandle(applied={self.applied}, patched={len(self.patched)}, missing={list(self.missing)})"

    def __enter__(self) -> PatchHandle:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # A block around an already patched program leaves the outer patch in place.
        if self.applied:
            unpatch_openai()


_lock = threading.Lock()
_installed: list[tuple[type, str, object]] = []  # (class, method, wrapt handle), in the order applied
_state: dict[str, tuple[str, ...]] = {"patched": (), "missing": ()}


def patch_openai() -> PatchHandle:
    """Route openai-SDK calls whose `model` starts with `litellm_proxy/` through the shim to the gateway.

    Patches the resource classes, sync and async (so clients made before and after are covered):
    `chat.completions.create`, `completions.create`, `embeddings.create`, `images.generate`,
    `audio.speech.create`, `audio.transcriptions.create`, `responses.create`. A routed call gets the openai
    types it expects (streams are `openai.Stream`s) and raises the shim's exceptions, which subclass openai's.
    Any other model goes to the caller's own client untouched. `chat.completions.parse`/`.stream` and
    `responses.parse`/`.stream` raise `RouteError` for a `litellm_proxy/` model instead of sending it to OpenAI.

    Idempotent and thread-safe: a second call changes nothing. Undo with `unpatch_openai()` or a `with` block.

    Example:
        >>> with shim.patch_openai():
        ...     openai.OpenAI().chat.completions.create(model="litellm_proxy/gpt-4o", messages=msgs)
    """
    with _lock:
        if _installed:
            return PatchHandle(_state["patched"], _state["missing"], applied=False)
        patched: list[str] = []
        missing: list[str] = []
        for method in _METHODS:
            for index, class_name in enumerate((method.owner, "Async" + method.owner)):
                owner = _find(method.module, class_name, method.method)
                if owner is None:
                    missing.append(("async " if index else "") + method.name)
                    continue
                handle = _wrap(owner, method.method, _wrapper(method, asynchronous=bool(index)))
                _installed.append((owner, method.method, handle))
                patched.append(method.name)
        if missing:
            log.debug("openai %s lacks %s: not patched", openai.__version__, ", ".join(missing))
        _state.update(patched=tuple(dict.fromkeys(patched)), missing=tuple(missing))
        return PatchHandle(_state["patched"], _state["missing"], applied=True)


def unpatch_openai() -> None:
    """Restore the openai SDK's original methods (the very same function objects). Does nothing when unpatched.

    Example:
        >>> shim.unpatch_openai()
    """
    with _lock:
        while _installed:
            owner, name, handle = _installed.pop()
            # missing_ok: if someone replaced the attribute outright since, there is nothing of ours to remove.
            _unwrap(owner, name, handle, missing_ok=True)
        _state.update(patched=(), missing=())


def _find(module_name: str, class_name: str, method: str) -> type | None:
    """The class defining `method`, or None when this openai version has no such module, class or method."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    owner = getattr(module, class_name, None)
    return owner if isinstance(owner, type) and callable(getattr(owner, method, None)) else None


def _wrapper(method: _Method, *, asynchronous: bool) -> Wrapper:
    """The wrapt wrapper for one method: route `litellm_proxy/` models, hand everything else to the original."""
    route = _refuse(method.name) if method.sync is None else _route_async(method) if asynchronous else _route(method)

    def wrapper(wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        model = kwargs.get("model")
        if args or not (isinstance(model, str) and model.startswith(PREFIX)):
            return wrapped(*args, **kwargs)
        return route(_shim_kwargs(method.name, kwargs))

    return wrapper


def _route(method: _Method) -> Callable[[dict[str, Any]], Any]:
    assert method.sync is not None
    call = method.sync
    return lambda kwargs: _as_openai(call(**kwargs), kwargs)


def _route_async(method: _Method) -> Callable[[dict[str, Any]], Awaitable[Any]]:
    assert method.async_ is not None
    call = method.async_

    async def route(kwargs: dict[str, Any]) -> Any:
        return _as_openai(await call(**kwargs), kwargs)

    return route


def _refuse(name: str) -> Callable[[dict[str, Any]], Any]:
    def refuse(kwargs: dict[str, Any]) -> Any:
        raise RouteError(
            f"client.{name}() does not go through the gateway under shim.patch_openai(), and sending "
            f"model={kwargs.get('model')!r} to OpenAI would fail: use client.{name.rsplit('.', 1)[0]}.create()"
        )

    return refuse


def _as_openai(result: Any, kwargs: Mapping[str, Any]) -> Any:
    """The shim's result as the openai SDK would have returned it."""
    if isinstance(result, CustomStreamWrapper):
        return GatewayStream(result)  # pyright: ignore[reportUnknownArgumentType, reportUnknownVariableType]
    if isinstance(result, AsyncCustomStreamWrapper):
        return AsyncGatewayStream(result)  # pyright: ignore[reportUnknownArgumentType, reportUnknownVariableType]
    if isinstance(result, TranscriptionResponse) and kwargs.get("response_format") in _TEXT_FORMATS:
        return result.text  # openai returns a plain str for these formats
    return result


def _shim_kwargs(name: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """openai's keyword arguments as the shim's: its `omit`/`not_given` sentinels dropped."""
    result = {key: value for key, value in kwargs.items() if not _sentinel(value)}
    headers = result.get("extra_headers")
    if isinstance(headers, Mapping):
        items: Mapping[Any, Any] = headers  # pyright: ignore[reportUnknownVariableType]
        if any(str(key).lower() == _RAW_RESPONSE_HEADER for key in items):
            raise RouteError(
                f"client.{name.rsplit('.', 1)[0]}.with_raw_response / .with_streaming_response do not go through "
                f"the gateway under shim.patch_openai(): call client.{name}() directly"
            )
        result["extra_headers"] = {key: value for key, value in items.items() if not _sentinel(value)}
    return result


def _sentinel(value: object) -> bool:
    return isinstance(value, (openai.NotGiven, openai.Omit))
