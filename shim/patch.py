"""Send existing openai-SDK calls to the gateway by their model string: `shim.patch_openai()`.

    import openai, shim

    shim.patch_openai()
    client = openai.OpenAI()  # the user's own client and OpenAI key, unchanged
    client.chat.completions.create(model="litellm_proxy/gpt-4o", messages=msgs)  # -> the LiteLLM gateway
    client.chat.completions.parse(model="litellm_proxy/gpt-4o", messages=msgs, response_format=Answer)  # too
    client.chat.completions.create(model="gpt-4o", messages=msgs)  # -> OpenAI, untouched

Every public method of the installed SDK's resource classes that takes a `model` is wrapped (found by walking
`openai.resources`, so a new release's methods are covered too). A call whose model starts with `litellm_proxy/`
is re-issued, with the prefix stripped, through the same public method of the same resource class bound to the
shim's cached client for the gateway: parsing, stream managers, `with_raw_response` / `with_streaming_response`
objects and errors are the SDK's own. The plain `create` calls the shim has functions for take the shim's faster
path instead (no SDK parameter transformation; the results are subclasses of the same openai types).

A routed call never sees the user's client: the gateway's URL and key come from the shim's own configuration
(`shim.api_base`/`shim.api_key` > LITELLM_PROXY_API_BASE/KEY); only the client's `timeout` and `max_retries` are
carried over when they differ from openai's defaults (`with_options(...)`). A client that is already the gateway's
(`shim.OpenAI` / `shim.AsyncOpenAI`, made with a tenant's key and gateway) is never routed: it keeps its own gateway
and key. Patching is done on the classes with wrapt, so clients made before and after are covered, and
`unpatch_openai()` puts the original functions back.

Each `patch_openai()` call holds the patch; a `with` block releases its hold when it ends, and the patch goes when
the last hold does. So blocks that overlap (in threads, or in asyncio tasks) nest: the first to end never removes
the patch under another.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar, cast

import openai
import openai.resources

from shim._public import load
from shim._router import PREFIX
from shim._sdk.gateway import (
    AsyncOpenAI,
    OpenAI,
    async_openai_client_for,
    gateway_route,
    strip_prefix,
)
from shim._sdk.wrapt import Wrapper
from shim._sdk.wrapt import unwrap as _unwrap
from shim._sdk.wrapt import wrap as _wrap
from shim._transport.clients import auth_headers
from shim._transport.internals import (
    AsyncGatewayStream,
    AsyncPooledOpenAI,
    GatewayStream,
    PooledOpenAI,
    client_of,
    wants_raw_response,
)
from shim.exceptions import RouteError

if TYPE_CHECKING:
    pass

__all__ = ["AsyncGatewayStream", "GatewayStream", "PatchHandle", "patch_openai", "unpatch_openai"]

log = logging.getLogger(__name__)

T = TypeVar("T")

# openai's `with_raw_response` / `with_streaming_response` mark their calls with this header (a constant in a
# private openai module, so spelled out here): such a call needs the SDK's response objects, hence the SDK path.
_TEXT_FORMATS = frozenset({"text", "srt", "vtt"})

# The plain calls the shim serves itself (the async twin is "a" + name): it skips the SDK's parameter
# transformation (~58 ms -> ~1.8 ms of CPU for a 400-message chat), and its results subclass the SDK's types.
_FAST = {
    "chat.completions.create": "completion",
    "completions.create": "text_completion",
    "embeddings.create": "embedding",
    "images.generate": "image_generation",
    "audio.speech.create": "speech",
    "audio.transcriptions.create": "transcription",
    "responses.create": "responses",
}
# What the README promises; one the installed openai lacks is reported in `PatchHandle.missing`.
_EXPECTED = (
    *_FAST,
    "chat.completions.parse",
    "chat.completions.stream",
    "images.edit",
    "images.create_variation",
    "audio.translations.create",
    "moderations.create",
    "responses.parse",
    "responses.stream",
)


@dataclass(frozen=True, slots=True)
class _Method:
    """One public method, taking a `model`, of a resource class of the installed openai SDK."""

    name: str  # as the user calls it on a client: "chat.completions.create"
    owner: type
    method: str
    asynchronous: bool


def _model_methods() -> list[_Method]:
    """Every public resource method of the installed SDK with a `model` parameter, sync and async."""
    methods: list[_Method] = []
    for module in _resource_modules():
        for owner in vars(module).values():
            if _is_resource(owner, module):
                prefix = _resource_name(module.__name__)
                asynchronous = owner.__name__.startswith("Async")
                attributes: dict[str, object] = dict(vars(owner))
                methods += [
                    _Method(f"{prefix}.{name}", owner, name, asynchronous)
                    for name, function in attributes.items()
                    if not name.startswith("_") and _takes_model(function)
                ]
    return methods


def _resource_modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(openai.resources.__path__, "openai.resources."):
        try:
            yield importlib.import_module(info.name)
        except ImportError:  # a resource needing an optional dependency: nothing of it can be called anyway
            log.debug("skipped %s: it does not import", info.name)


def _is_resource(owner: object, module: ModuleType) -> TypeGuard[type]:
    # Every resource class of the SDK, and only those, has its own `with_raw_response`.
    return (
        isinstance(owner, type)
        and owner.__module__ == module.__name__
        and isinstance(vars(owner).get("with_raw_response"), cached_property)
    )


def _resource_name(module: str) -> str:
    """`openai.resources.chat.completions.completions` -> `chat.completions`."""
    parts = module.removeprefix("openai.resources.").split(".")
    return ".".join(part for index, part in enumerate(parts) if index == 0 or part != parts[index - 1])


def _takes_model(function: object) -> bool:
    if not callable(function) or isinstance(function, type):
        return False
    try:
        return "model" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


class PatchHandle:
    """What `patch_openai()` returns: a hold on the patch. As a context manager, leaving the block releases the
    hold, and the patch is undone when no other hold remains (another block still running, or a plain call).

    Attributes:
        patched: the methods routed or guarded, as called on a client (`"chat.completions.create"`, ...).
        missing: the methods the installed openai version lacks, left alone.
        applied: whether this call applied the patch (False when it was already in place).
    """

    def __init__(self, patched: tuple[str, ...], missing: tuple[str, ...], *, applied: bool) -> None:
        self.patched = patched
        self.missing = missing
        self.applied = applied
        self._generation = _holds["generation"]  # an `unpatch_openai()` since voids this hold
        self._released = False

    def __repr__(self) -> str:
        return f"PatchHandle(applied={self.applied}, patched={len(self.patched)}, missing={list(self.missing)})"

    def __enter__(self) -> PatchHandle:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # A block around an already patched program, or overlapping another block, leaves the patch in place.
        with _lock:
            if self._released or self._generation != _holds["generation"]:
                return
            self._released = True
            _holds["count"] -= 1
            if _holds["count"] == 0:
                _remove()


_lock = threading.Lock()
_installed: list[tuple[type, str, object]] = []  # (class, method, wrapt handle), in the order applied
_state: dict[str, tuple[str, ...]] = {"patched": (), "missing": ()}
# Holds on the patch (one per `patch_openai()` call not yet released); `unpatch_openai()` starts a new generation.
_holds = {"count": 0, "generation": 0}
# Clients that are the gateway's own: `shim.OpenAI`/`shim.AsyncOpenAI` (a tenant's gateway and key; a routed call's
# resources are bound to one), and the cache's pooled ones. Their calls go through as they are.
_GATEWAY_CLIENTS = (OpenAI, AsyncOpenAI, PooledOpenAI, AsyncPooledOpenAI)


def patch_openai() -> PatchHandle:
    """Route openai-SDK calls whose `model` starts with `litellm_proxy/` to the gateway, with the prefix stripped.

    Wraps, sync and async, every public method of the installed SDK's resource classes that takes a `model`
    (chat completions `create`/`parse`/`stream`, completions, embeddings, images, audio, moderations, responses
    `create`/`parse`/`stream`, ...), on the classes, so clients made before and after are covered. A routed call
    is re-issued through the same SDK method on the shim's client for the gateway, so its result, stream manager,
    raw response or error is the SDK's own; a plain `create` takes the shim's faster path to the same types.
    Any other model goes to the caller's own client untouched.

    Calls on `shim.OpenAI` / `shim.AsyncOpenAI` clients are left alone: they already go to their own gateway,
    with their own key. Thread-safe, and applied once however often it is called; each call holds the patch until
    its `with` block ends (overlapping blocks in threads or tasks nest), or until `unpatch_openai()`.

    Example:
        >>> with shim.patch_openai():
        ...     openai.OpenAI().chat.completions.parse(model="litellm_proxy/gpt-4o", messages=msgs, response_format=A)
    """
    with _lock:
        if _installed:
            _holds["count"] += 1
            return PatchHandle(_state["patched"], _state["missing"], applied=False)
        methods = _model_methods()
        for method in methods:
            handle = _wrap(method.owner, method.method, _wrapper(method))
            _installed.append((method.owner, method.method, handle))
        found = {("async " if m.asynchronous else "") + m.name for m in methods}
        missing = [prefix + name for name in _EXPECTED for prefix in ("", "async ") if prefix + name not in found]
        if missing:
            log.debug("openai %s lacks %s: not patched", openai.__version__, ", ".join(missing))
        _state.update(patched=tuple(sorted({m.name for m in methods})), missing=tuple(missing))
        _holds["count"] += 1
        return PatchHandle(_state["patched"], _state["missing"], applied=True)


def unpatch_openai() -> None:
    """Restore the openai SDK's original methods (the very same function objects) now, whatever holds the patch
    (`with` blocks still running included). Does nothing when unpatched.

    Example:
        >>> shim.unpatch_openai()
    """
    with _lock:
        _remove()
        _holds.update(count=0, generation=_holds["generation"] + 1)


def _remove() -> None:
    """Take the wrappers off (the caller holds `_lock`)."""
    while _installed:
        owner, name, handle = _installed.pop()
        # missing_ok: if someone replaced the attribute outright since, there is nothing of ours to remove.
        _unwrap(owner, name, handle, missing_ok=True)
    _state.update(patched=(), missing=())


def _wrapper(method: _Method) -> Wrapper:
    """The wrapt wrapper for one method: re-issue `litellm_proxy/` models on the gateway, pass the rest through."""

    def wrapper(wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        gateways = isinstance(client_of(instance), _GATEWAY_CLIENTS)
        call = None if gateways else _routed_kwargs(wrapped, args, kwargs)
        if call is None:
            return wrapped(*args, **kwargs)
        return _route(method, instance, call)

    return wrapper


def _routed_kwargs(wrapped: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """The call's arguments, all by keyword, when its model goes to the gateway; else None."""
    if args:  # e.g. `models.retrieve("litellm_proxy/x")`
        try:
            bound = inspect.signature(wrapped).bind(*args, **kwargs)
        except TypeError:
            return None  # the SDK raises the same TypeError, before any I/O
        kwargs = {**{k: v for k, v in bound.arguments.items() if k != "kwargs"}, **bound.kwargs}
    model = kwargs.get("model")
    return dict(kwargs) if isinstance(model, str) and model.startswith(PREFIX) else None


def _route(method: _Method, instance: object, kwargs: dict[str, Any]) -> Any:
    base_url, api_key = gateway_route()  # ConfigError before any I/O
    options = _client_options(instance)
    if method.name in _FAST and not wants_raw_response(kwargs.get("extra_headers")):
        return _fast(method, {**options, **_shim_kwargs(kwargs), "api_base": base_url, "api_key": api_key})
    resource = _gateway_resource(method, instance, base_url, api_key, options)
    headers: Mapping[str, Any] = kwargs.get("extra_headers") or {}
    kwargs.update(model=strip_prefix(kwargs["model"]), extra_headers={**headers, **auth_headers(api_key)})
    return getattr(resource, method.method)(**kwargs)


def _gateway_resource(method: _Method, instance: Any, base_url: str, api_key: str, options: dict[str, Any]) -> object:
    """The same resource class as the user's, bound to a `shim.OpenAI` for the gateway (it shares the gateway's
    pool): every request it sends, whenever it is sent (a stream manager's at `with`), is observed when anything
    listens, and what it raises, or a stream it returns raises, has the key scrubbed."""
    if method.asynchronous:
        if async_openai_client_for(base_url) is None:
            raise RouteError(f"async client.{method.name}() must be called inside a running event loop")
        return type(instance)(AsyncOpenAI(api_key=api_key, base_url=base_url, **options))
    return type(instance)(OpenAI(api_key=api_key, base_url=base_url, **options))


def _client_options(instance: object) -> dict[str, Any]:
    """The user's `timeout` / `max_retries` (from the client or `with_options`) where they differ from openai's."""
    client = client_of(instance)
    options: dict[str, Any] = {}
    timeout = getattr(client, "timeout", openai.DEFAULT_TIMEOUT)
    if timeout != openai.DEFAULT_TIMEOUT:
        options["timeout"] = timeout
    retries = getattr(client, "max_retries", openai.DEFAULT_MAX_RETRIES)
    if retries != openai.DEFAULT_MAX_RETRIES:
        options["max_retries"] = retries
    return options


def _fast(method: _Method, kwargs: dict[str, Any]) -> Any:
    name = _FAST[method.name]
    if not method.asynchronous:
        return _as_openai(load(name)(**kwargs), kwargs)
    call: Callable[..., Any] = load("a" + name)

    async def routed() -> Any:
        return _as_openai(await call(**kwargs), kwargs)

    return routed()


def _as_openai(result: Any, kwargs: Mapping[str, Any]) -> Any:
    """The shim's result as the openai SDK would have returned it."""
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper

    if isinstance(result, CustomStreamWrapper):
        return GatewayStream[Any](cast("CustomStreamWrapper[Any]", result))
    if isinstance(result, AsyncCustomStreamWrapper):
        return AsyncGatewayStream[Any](cast("AsyncCustomStreamWrapper[Any]", result))
    if kwargs.get("response_format") in _TEXT_FORMATS:
        from shim.types._audio import TranscriptionResponse  # loaded only for a transcription

        if isinstance(result, TranscriptionResponse):
            return result.text  # openai returns a plain str for these formats
    return result


def _shim_kwargs(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """openai's keyword arguments as the shim's: its `omit`/`not_given` sentinels dropped."""
    result = {key: value for key, value in kwargs.items() if not _sentinel(value)}
    headers = result.get("extra_headers")
    if isinstance(headers, Mapping):
        items = cast("Mapping[Any, Any]", headers)
        result["extra_headers"] = {key: value for key, value in items.items() if not _sentinel(value)}
    return result


def _sentinel(value: object) -> bool:
    return isinstance(value, (openai.NotGiven, openai.Omit))
