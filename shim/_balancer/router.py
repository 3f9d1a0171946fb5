"""`shim.Router`: LiteLLM's `Router` for a service that talks to several LiteLLM gateways.

    router = shim.Router(model_list=[
        {"model_name": "chat", "litellm_params": {"model": "litellm_proxy/gpt-4o", "api_base": "http://eu:4000",
                                                  "api_key": "sk-eu"}},
        {"model_name": "chat", "litellm_params": {"model": "litellm_proxy/gpt-4o", "api_base": "http://us:4000",
                                                  "api_key": "sk-us"}},
    ])
    router.completion(model="chat", messages=[{"role": "user", "content": "Hi"}])

Each call is shim's own endpoint function with the chosen deployment's `api_base` and `api_key`, so each gateway
has one connection pool (the client cache) and every call has shim's checks, errors and callbacks.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from shim._balancer import config, flow, strategies
from shim._balancer.config import AllowedFailsPolicy, Deployment, RetryPolicy, Target
from shim._balancer.effects import adrive, drive
from shim._balancer.errors import unknown_model
from shim._balancer.flow import Endpoint
from shim._balancer.state import LocalState, State
from shim._endpoints import audio as _audio
from shim._endpoints import chat as _chat
from shim._endpoints import embeddings as _endpoints
from shim._endpoints import files as _files
from shim._endpoints import images as _images
from shim._endpoints import responses as _responses
from shim.exceptions import ConfigError

if TYPE_CHECKING:
    from shim import types
    from shim._streaming import AsyncCustomStreamWrapper, CustomStreamWrapper
    from shim.types._audio import TranscriptionResponse

COMPLETION = Endpoint("completion", _chat.completion, _chat.acompletion, "messages")
TEXT_COMPLETION = Endpoint("text_completion", _chat.text_completion, _chat.atext_completion, "prompt")
EMBEDDING = Endpoint("embedding", _endpoints.embedding, _endpoints.aembedding, "input")
IMAGE_GENERATION = Endpoint("image_generation", _images.image_generation, _images.aimage_generation, "prompt")
IMAGE_EDIT = Endpoint("image_edit", _images.image_edit, _images.aimage_edit, "prompt")
TRANSCRIPTION = Endpoint("transcription", _audio.transcription, _audio.atranscription)
SPEECH = Endpoint("speech", _audio.speech, _audio.aspeech, "input")
RERANK = Endpoint("rerank", _endpoints.rerank, _endpoints.arerank, "query")
RESPONSES = Endpoint("responses", _responses.responses, _responses.aresponses, "input")
MODERATION = Endpoint("moderation", _images.moderation, _images.amoderation, "input")
# Files and batches live on one gateway: they go to a deployment of the group named, never to a fallback group.
CREATE_FILE = Endpoint("create_file", _files.create_file, _files.acreate_file, takes_model=False)
FILE_LIST = Endpoint("file_list", _files.file_list, _files.afile_list, takes_model=False)
FILE_CONTENT = Endpoint("file_content", _files.file_content, _files.afile_content, takes_model=False)
FILE_DELETE = Endpoint("file_delete", _files.file_delete, _files.afile_delete, takes_model=False)
CREATE_BATCH = Endpoint("create_batch", _files.create_batch, _files.acreate_batch, takes_model=False)
RETRIEVE_BATCH = Endpoint("retrieve_batch", _files.retrieve_batch, _files.aretrieve_batch, takes_model=False)
CANCEL_BATCH = Endpoint("cancel_batch", _files.cancel_batch, _files.acancel_batch, takes_model=False)
LIST_BATCHES = Endpoint("list_batches", _files.list_batches, _files.alist_batches, takes_model=False)

# LiteLLM Router options shim's Router does not have: accepted at their defaults, refused otherwise.
_UNSUPPORTED: dict[str, object] = {
    "cache_responses": False,
    "caching_groups": None,
    "enable_pre_call_checks": False,
    "enable_tag_filtering": False,
    "routing_groups": None,
    "provider_budget_config": None,
    "alerting_config": None,
    "assistants_config": None,
    "search_tools": None,
    "guardrail_list": None,
    "optional_pre_call_checks": None,
    "default_max_parallel_requests": None,
    "enable_weighted_failover": False,
    "enable_health_check_routing": False,
    "polling_interval": None,
    "default_priority": None,
}
# LiteLLM options that change nothing here (client reuse, logging detail): accepted and ignored.
_IGNORED = frozenset({"client_ttl", "debug_level", "cache_kwargs", "router_general_settings", "redis_db"})


@dataclass(frozen=True, slots=True)
class _Table:
    """The deployments, by group and by id: replaced whole on every change, so a call reads one consistent table."""

    targets: tuple[Target, ...]
    groups: Mapping[str, tuple[Target, ...]]
    by_id: Mapping[str, Target]

    @staticmethod
    def build(targets: Sequence[Target]) -> _Table:
        groups: dict[str, list[Target]] = {}
        for target in targets:
            groups.setdefault(target.group, []).append(target)
        return _Table(tuple(targets), {g: tuple(ts) for g, ts in groups.items()}, {t.id: t for t in targets})


class Router:
    """LiteLLM's Router over LiteLLM gateways: load balancing, retries, cooldowns and fallbacks across deployments.

    Args:
        model_list: deployments, LiteLLM's format: `{"model_name": group, "litellm_params": {"model":
            "litellm_proxy/<model>", "api_base": ..., "api_key": ..., "rpm": ..., "tpm": ..., "weight": ...,
            "timeout": ...}, "model_info": {"id": ...}}`. `os.environ/NAME` values are read from the environment.
        routing_strategy: "simple-shuffle" (default), "least-busy", "latency-based-routing" or
            "usage-based-routing-v2"; `routing_strategy_args` tune it as in LiteLLM.
        num_retries: retries of a failed call within its group (default 2), each on a deployment picked afresh.
        retry_after: the least seconds to wait before a retry when no other deployment is healthy.
        retry_policy / model_group_retry_policy: retries per kind of error (`RetryPolicy` or a dict).
        timeout / stream_timeout: seconds per attempt (a deployment's own `timeout` wins over the Router's).
        allowed_fails / allowed_fails_policy / cooldown_time / disable_cooldowns: when a failing deployment sits
            out, and for how long (default 5 s); see `shim._balancer.cooldowns`.
        fallbacks / context_window_fallbacks / content_policy_fallbacks / default_fallbacks / max_fallbacks:
            the groups to try when a group fails (`[{"chat": ["chat-backup"]}]`).
        model_group_alias: other names for groups (`{"gpt-4": "chat"}`).
        default_litellm_params: keyword arguments for every call.
        redis_url / redis_host / redis_port / redis_password: share cooldowns and usage with every worker through
            Redis (`pip install 'shim[redis]'`); without them, each process keeps its own.

    Example:
        >>> router = shim.Router(model_list=[
        ...     {"model_name": "chat", "litellm_params": {"model": "litellm_proxy/gpt-4o",
        ...      "api_base": "http://gateway-eu:4000", "api_key": "sk-eu"}},
        ...     {"model_name": "chat", "litellm_params": {"model": "litellm_proxy/gpt-4o",
        ...      "api_base": "http://gateway-us:4000", "api_key": "sk-us"}}])
        >>> router.completion(model="chat", messages=[{"role": "user", "content": "Hi"}])
    """

    def __init__(
        self,
        model_list: Sequence[Mapping[str, Any]] | None = None,
        *,
        redis_url: str | None = None,
        redis_host: str | None = None,
        redis_port: int | None = None,
        redis_password: str | None = None,
        num_retries: int | None = None,
        max_fallbacks: int | None = None,
        timeout: float | None = None,
        stream_timeout: float | None = None,
        default_litellm_params: Mapping[str, Any] | None = None,
        set_verbose: bool = False,
        default_fallbacks: Sequence[str] | None = None,
        fallbacks: Sequence[Mapping[str, Sequence[Any]]] | None = None,
        context_window_fallbacks: Sequence[Mapping[str, Sequence[Any]]] | None = None,
        content_policy_fallbacks: Sequence[Mapping[str, Sequence[Any]]] | None = None,
        model_group_alias: Mapping[str, str | Mapping[str, Any]] | None = None,
        retry_after: float = 0,
        retry_policy: RetryPolicy | Mapping[str, int] | None = None,
        model_group_retry_policy: Mapping[str, RetryPolicy | Mapping[str, int]] | None = None,
        allowed_fails: int | None = None,
        allowed_fails_policy: AllowedFailsPolicy | Mapping[str, int] | None = None,
        cooldown_time: float | None = None,
        disable_cooldowns: bool | None = None,
        routing_strategy: Literal[
            "simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing-v2", "usage-based-routing"
        ] = "simple-shuffle",
        routing_strategy_args: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        _refuse_unsupported(kwargs)
        self.set_verbose = set_verbose
        self.num_retries = _int("num_retries", num_retries, 2)
        self.max_fallbacks = _int("max_fallbacks", max_fallbacks, 5)
        self.timeout = _seconds("timeout", timeout)
        self.stream_timeout = _seconds("stream_timeout", stream_timeout)
        self.retry_after = _seconds("retry_after", retry_after) or 0.0
        self.cooldown_time = _seconds("cooldown_time", cooldown_time) or 5.0
        self.disable_cooldowns = bool(disable_cooldowns)
        self.allowed_fails = _int("allowed_fails", allowed_fails, 3)
        self.allowed_fails_policy: AllowedFailsPolicy | None = config.policy(
            AllowedFailsPolicy, "allowed_fails_policy", allowed_fails_policy
        )
        self.retry_policy: RetryPolicy | None = config.policy(RetryPolicy, "retry_policy", retry_policy)
        self.model_group_retry_policy: dict[str, RetryPolicy] = {
            str(group): config.policy(RetryPolicy, f"model_group_retry_policy[{group!r}]", value)
            for group, value in (model_group_retry_policy or {}).items()
        }
        self.fallbacks = config.check_fallbacks("fallbacks", fallbacks)
        if default_fallbacks is not None:
            if isinstance(default_fallbacks, str):
                raise TypeError(f"default_fallbacks must be a list of model names: use [{default_fallbacks!r}]")
            self.fallbacks.append({"*": list(default_fallbacks)})
        self.context_window_fallbacks = config.check_fallbacks("context_window_fallbacks", context_window_fallbacks)
        self.content_policy_fallbacks = config.check_fallbacks("content_policy_fallbacks", content_policy_fallbacks)
        self.model_group_alias: dict[str, str | Mapping[str, Any]] = dict(model_group_alias or {})
        self.default_litellm_params: dict[str, Any] = {
            k: v for k, v in (default_litellm_params or {}).items() if v is not None
        }
        self.routing_strategy = str(routing_strategy)
        self.routing_strategy_args: dict[str, Any] = dict(routing_strategy_args or {})
        self.local = LocalState()  # per-process counters (successes and failures this minute), as LiteLLM's
        self.state: State = self.local
        if redis_url is not None or redis_host is not None or redis_port is not None:
            from shim._balancer.redis_state import RedisState

            self.state = RedisState(url=redis_url, host=redis_host, port=redis_port, password=redis_password)
        self.strategy = strategies.make(routing_strategy, self.routing_strategy_args, self.state)
        self._lock = threading.Lock()
        self._table = _Table.build(config.targets(model_list or []))
        self._check_aliases()

    def __repr__(self) -> str:
        groups = ", ".join(f"{group!r}: {len(ts)}" for group, ts in self._table.groups.items())
        return f"Router(groups={{{groups}}}, routing_strategy={self.routing_strategy!r}, state={self.state!r})"

    # --- the model list --------------------------------------------------------------------------------------------

    @property
    def model_list(self) -> list[dict[str, Any]]:
        """Every deployment as a `model_list` entry (with its id)."""
        return [dict(t.entry) for t in self._table.targets]

    @property
    def model_names(self) -> set[str]:
        """The model groups (LiteLLM's attribute)."""
        return set(self._table.groups)

    def set_model_list(self, model_list: Sequence[Mapping[str, Any]]) -> None:
        """Replace every deployment. Calls in flight finish on the deployments they started with.

        Example:
            >>> router.set_model_list([{"model_name": "chat", "litellm_params": {"model": "litellm_proxy/gpt-4o"}}])
        """
        table = _Table.build(config.targets(model_list))
        with self._lock:
            self._table = table

    def add_deployment(self, deployment: Deployment | Mapping[str, Any]) -> Deployment | None:
        """Add a deployment; None when one with its id is there already.

        Example:
            >>> router.add_deployment({"model_name": "chat", "litellm_params": {"model": "litellm_proxy/gpt-4o",
            ...                        "api_base": "http://gateway-3:4000", "api_key": "sk-3"}})
        """
        target = config.target(deployment, "deployment")
        with self._lock:
            if target.id in self._table.by_id:
                return None
            self._table = _Table.build([*self._table.targets, target])
        return target.deployment()

    def upsert_deployment(self, deployment: Deployment | Mapping[str, Any]) -> Deployment | None:
        """Add a deployment, or replace the one with its id; None when that one is the same already.

        Example:
            >>> router.upsert_deployment({"model_name": "chat", "litellm_params": {"model": "litellm_proxy/gpt-4o",
            ...                           "api_base": "http://gateway-3:4000"}, "model_info": {"id": "gw3"}})
        """
        target = config.target(deployment, "deployment")
        with self._lock:
            current = self._table.by_id.get(target.id)
            if current is not None and current.entry == target.entry:
                return None
            kept = [t for t in self._table.targets if t.id != target.id]
            self._table = _Table.build([*kept, target])
        return target.deployment()

    def delete_deployment(self, id: str) -> Deployment | None:
        """Remove the deployment with this id; it, or None when there is none.

        Example:
            >>> router.delete_deployment(id="gw3")
        """
        with self._lock:
            found = self._table.by_id.get(id)
            if found is None:
                return None
            self._table = _Table.build([t for t in self._table.targets if t.id != id])
        return found.deployment()

    def get_deployment(self, model_id: str) -> Deployment | None:
        """The deployment with this id, or None.

        Example:
            >>> router.get_deployment(model_id="gw3").litellm_params.api_base
        """
        found = self._table.by_id.get(model_id)
        return None if found is None else found.deployment()

    def get_model_list(self, model_name: str | None = None) -> list[dict[str, Any]]:
        """The deployments (of one group or alias, or all), as `model_list` entries with their ids.

        Example:
            >>> [d["model_info"]["id"] for d in router.get_model_list(model_name="chat")]
        """
        table = self._table
        if model_name is None:
            found = [dict(t.entry) for t in table.targets]
            for alias, value in self.model_group_alias.items():
                if not (isinstance(value, Mapping) and value.get("hidden")):
                    found += [{**t.entry, "model_name": alias} for t in table.groups.get(_alias_target(value), ())]
            return found
        found = [dict(t.entry) for t in table.groups.get(model_name, ())]
        if model_name in self.model_group_alias:
            target = _alias_target(self.model_group_alias[model_name])
            found += [{**t.entry, "model_name": model_name} for t in table.groups.get(target, ())]
        return found

    def get_model_names(self) -> list[str]:
        """Each deployment's model group (one entry per deployment, as LiteLLM), aliases included.

        Example:
            >>> sorted(set(router.get_model_names()))
        """
        return [entry["model_name"] for entry in self.get_model_list()]

    def get_model_ids(self, model_name: str | None = None) -> list[str]:
        """The deployment ids (of one group, or all).

        Example:
            >>> router.get_model_ids("chat")
        """
        table = self._table
        chosen = table.targets if model_name is None else table.groups.get(model_name, ())
        return [t.id for t in chosen]

    def get_available_deployment(
        self,
        model: str,
        messages: Sequence[Mapping[str, Any]] | None = None,
        input: str | list[Any] | None = None,
        specific_deployment: bool | None = False,
        request_kwargs: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The deployment the Router would send this call to now, as its `model_list` entry (no request is sent).

        Raises `RouterRateLimitError` when every deployment of the group is cooling down.

        Example:
            >>> router.get_available_deployment(model="chat")["litellm_params"]["api_base"]
        """
        request = strategies.Request(bool((request_kwargs or {}).get("stream")), messages or input)
        return dict(drive(flow.pick(self, model, self.deployments_for(model), request)).entry)

    async def async_get_available_deployment(
        self,
        model: str,
        messages: Sequence[Mapping[str, Any]] | None = None,
        input: str | list[Any] | None = None,
        specific_deployment: bool | None = False,
        request_kwargs: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Async `get_available_deployment` (reads shared state on the running loop).

        Example:
            >>> (await router.async_get_available_deployment(model="chat"))["model_info"]["id"]
        """
        request = strategies.Request(bool((request_kwargs or {}).get("stream")), messages or input)
        return dict((await adrive(flow.pick(self, model, self.deployments_for(model), request))).entry)

    def get_cooldown_deployments(self) -> list[str]:
        """The ids of the deployments cooling down now (in this process's view, or Redis's).

        Example:
            >>> router.get_cooldown_deployments()
        """
        targets = list(self._table.targets)
        healthy = {t.id for t in drive(flow.healthy_targets(self, targets))}
        return [t.id for t in targets if t.id not in healthy]

    def flush_cache(self) -> None:
        """Forget this process's cooldowns and usage (LiteLLM's `flush_cache`; Redis keys expire on their own).

        Example:
            >>> router.flush_cache()
        """
        self.local.clear()
        if self.state is not self.local:
            inner = getattr(self.state, "local", None)
            if isinstance(inner, LocalState):
                inner.clear()

    def close(self) -> None:
        """Close the Router's Redis connections, if any (gateway pools belong to shim's client cache).

        Example:
            >>> router.close()
        """
        self.state.close()

    async def aclose(self) -> None:
        """Close the Router's Redis connections for the running loop, if any.

        Example:
            >>> await router.aclose()
        """
        await self.state.aclose()

    # --- what the flow asks of the Router --------------------------------------------------------------------------

    def group_of(self, model: str) -> str:
        """The group a call's `model` names: itself, the group of an alias, or the group of a deployment id."""
        table = self._table
        if model in table.groups:
            return model
        if model in self.model_group_alias:
            return _alias_target(self.model_group_alias[model])
        found = table.by_id.get(model)
        return found.group if found is not None else model

    def deployments_for(self, model: str) -> tuple[Target, ...]:
        """The deployments a call's `model` may go to; `BadRequestError` for a model the Router does not have."""
        table = self._table
        found = table.groups.get(model)
        if found is not None:
            return found
        if model in self.model_group_alias:
            return table.groups.get(_alias_target(self.model_group_alias[model]), ())
        specific = table.by_id.get(model)
        if specific is not None:
            return (specific,)
        default = flow.lookup(self.fallbacks, "*")
        if default and default[0] in table.groups:
            return table.groups[default[0]]
        raise unknown_model(model, list(table.groups))

    def retry_policy_for(self, group: str) -> RetryPolicy | None:
        """The group's retry policy, else the Router's."""
        return self.model_group_retry_policy.get(group, self.retry_policy)

    def call_kwargs(self, target: Target, walk: flow.Walk) -> dict[str, Any]:
        """The keyword arguments of one attempt: the deployment's params < the Router's defaults < the call's own,
        then the deployment's model, gateway, key (unless the call brings its own) and timeout."""
        given = walk.kwargs
        kwargs = {**target.params, **self.default_litellm_params, **given}
        for name in ("stream_timeout", "request_timeout"):
            kwargs.pop(name, None)
        if walk.endpoint.takes_model:
            kwargs["model"] = target.model
        if target.api_base is not None:
            kwargs["api_base"] = target.api_base
        if target.api_key is not None and given.get("api_key") is None:
            kwargs["api_key"] = target.api_key
        kwargs.setdefault("max_retries", 0)  # the Router retries, across deployments
        timeout = self._timeout(target, given)
        if timeout is not None:
            kwargs["timeout"] = timeout
        return kwargs

    def _timeout(self, target: Target, given: Mapping[str, Any]) -> Any:
        """LiteLLM's order: for a stream the call's, the deployment's, then the Router's `stream_timeout`; then the
        call's `timeout`, the deployment's, the Router's."""
        if given.get("stream"):
            found = given.get("stream_timeout") or target.stream_timeout or self.stream_timeout
            if found is not None:
                return found
        defaults = self.default_litellm_params
        return (
            given.get("timeout")
            or given.get("request_timeout")
            or target.timeout
            or self.timeout
            or defaults.get("timeout")
        )

    def _check_aliases(self) -> None:
        for alias, value in self.model_group_alias.items():
            if not isinstance(value, str) and not isinstance(value.get("model"), str):
                raise ConfigError(
                    f"model_group_alias[{alias!r}] must be a group name or {{'model': group, 'hidden': bool}}"
                )

    # --- calls -----------------------------------------------------------------------------------------------------

    def _run(self, endpoint: Endpoint, model: str, kwargs: dict[str, Any]) -> Any:
        return drive(flow.call(self, endpoint, model, kwargs))

    async def _arun(self, endpoint: Endpoint, model: str, kwargs: dict[str, Any]) -> Any:
        return await adrive(flow.call(self, endpoint, model, kwargs))

    @overload
    def completion(
        self, model: str, messages: Sequence[Any], *, stream: Literal[False] | None = None, **kwargs: Any
    ) -> types.ModelResponse: ...
    @overload
    def completion(
        self, model: str, messages: Sequence[Any], *, stream: Literal[True], **kwargs: Any
    ) -> CustomStreamWrapper[types.ModelResponseStream]: ...
    def completion(
        self, model: str, messages: Sequence[Any], *, stream: bool | None = None, **kwargs: Any
    ) -> types.ModelResponse | CustomStreamWrapper[types.ModelResponseStream]:
        """Chat completion on a deployment of the group `model` (a group, an alias or a deployment id).

        Example:
            >>> r = router.completion(model="chat", messages=[{"role": "user", "content": "Hi"}])
            >>> r._hidden_params["model_id"], r._hidden_params["api_base"]
        """
        return self._run(COMPLETION, model, {"messages": messages, "stream": stream, **kwargs})

    @overload
    async def acompletion(
        self, model: str, messages: Sequence[Any], *, stream: Literal[False] | None = None, **kwargs: Any
    ) -> types.ModelResponse: ...
    @overload
    async def acompletion(
        self, model: str, messages: Sequence[Any], *, stream: Literal[True], **kwargs: Any
    ) -> AsyncCustomStreamWrapper[types.ModelResponseStream]: ...
    async def acompletion(
        self, model: str, messages: Sequence[Any], *, stream: bool | None = None, **kwargs: Any
    ) -> types.ModelResponse | AsyncCustomStreamWrapper[types.ModelResponseStream]:
        """Async `completion`.

        Example:
            >>> r = await router.acompletion(model="chat", messages=[{"role": "user", "content": "Hi"}])
        """
        return await self._arun(COMPLETION, model, {"messages": messages, "stream": stream, **kwargs})

    def text_completion(self, model: str, prompt: Any, **kwargs: Any) -> types.TextCompletionResponse:
        """Text completion on a deployment of the group.

        Example:
            >>> router.text_completion(model="instruct", prompt="Say hi").choices[0].text
        """
        return self._run(TEXT_COMPLETION, model, {"prompt": prompt, **kwargs})

    async def atext_completion(self, model: str, prompt: Any, **kwargs: Any) -> types.TextCompletionResponse:
        """Async `text_completion`.

        Example:
            >>> await router.atext_completion(model="instruct", prompt="Say hi")
        """
        return await self._arun(TEXT_COMPLETION, model, {"prompt": prompt, **kwargs})

    def embedding(self, model: str, input: Any, **kwargs: Any) -> types.EmbeddingResponse:
        """Embeddings on a deployment of the group.

        Example:
            >>> router.embedding(model="embed", input=["hello"]).data[0].embedding
        """
        return self._run(EMBEDDING, model, {"input": input, **kwargs})

    async def aembedding(self, model: str, input: Any, **kwargs: Any) -> types.EmbeddingResponse:
        """Async `embedding`.

        Example:
            >>> await router.aembedding(model="embed", input="hello")
        """
        return await self._arun(EMBEDDING, model, {"input": input, **kwargs})

    def image_generation(self, prompt: str, model: str, **kwargs: Any) -> types.ImageResponse:
        """Images on a deployment of the group.

        Example:
            >>> router.image_generation(prompt="A sunset", model="images").data[0].url
        """
        return self._run(IMAGE_GENERATION, model, {"prompt": prompt, **kwargs})

    async def aimage_generation(self, prompt: str, model: str, **kwargs: Any) -> types.ImageResponse:
        """Async `image_generation`.

        Example:
            >>> await router.aimage_generation(prompt="A sunset", model="images")
        """
        return await self._arun(IMAGE_GENERATION, model, {"prompt": prompt, **kwargs})

    def image_edit(self, model: str, image: Any, prompt: str, **kwargs: Any) -> types.ImageResponse:
        """Image edits on a deployment of the group.

        Example:
            >>> router.image_edit(model="images", image="room.png", prompt="Add a cat")
        """
        return self._run(IMAGE_EDIT, model, {"image": image, "prompt": prompt, **kwargs})

    async def aimage_edit(self, model: str, image: Any, prompt: str, **kwargs: Any) -> types.ImageResponse:
        """Async `image_edit`.

        Example:
            >>> await router.aimage_edit(model="images", image="room.png", prompt="Add a cat")
        """
        return await self._arun(IMAGE_EDIT, model, {"image": image, "prompt": prompt, **kwargs})

    def transcription(self, file: Any, model: str, **kwargs: Any) -> TranscriptionResponse:
        """Speech to text on a deployment of the group (LiteLLM's Router has only `atranscription`).

        Example:
            >>> router.transcription(file="speech.mp3", model="whisper").text
        """
        return self._run(TRANSCRIPTION, model, {"file": file, **kwargs})

    async def atranscription(self, file: Any, model: str, **kwargs: Any) -> TranscriptionResponse:
        """Async `transcription`.

        Example:
            >>> (await router.atranscription(file=open("speech.mp3", "rb"), model="whisper")).text
        """
        return await self._arun(TRANSCRIPTION, model, {"file": file, **kwargs})

    def speech(self, model: str, input: str, voice: str | None = None, **kwargs: Any) -> types.BinaryResponse:
        """Text to speech on a deployment of the group (LiteLLM's Router has only `aspeech`).

        Example:
            >>> router.speech(model="tts", input="Hello", voice="alloy").write_to_file("hello.mp3")
        """
        return self._run(SPEECH, model, {"input": input, "voice": voice, **kwargs})

    async def aspeech(self, model: str, input: str, voice: str | None = None, **kwargs: Any) -> types.BinaryResponse:
        """Async `speech`.

        Example:
            >>> (await router.aspeech(model="tts", input="Hello", voice="alloy")).content
        """
        return await self._arun(SPEECH, model, {"input": input, "voice": voice, **kwargs})

    def rerank(self, model: str, query: str, documents: list[Any], **kwargs: Any) -> types.RerankResponse:
        """Rerank on a deployment of the group (LiteLLM's Router has only `arerank`).

        Example:
            >>> router.rerank(model="rerank", query="What is ML?", documents=["ML is AI", "Biology"]).results
        """
        return self._run(RERANK, model, {"query": query, "documents": documents, **kwargs})

    async def arerank(self, model: str, query: str, documents: list[Any], **kwargs: Any) -> types.RerankResponse:
        """Async `rerank`.

        Example:
            >>> await router.arerank(model="rerank", query="What is ML?", documents=["ML is AI", "Biology"])
        """
        return await self._arun(RERANK, model, {"query": query, "documents": documents, **kwargs})

    def responses(self, model: str, input: Any, **kwargs: Any) -> types.ResponsesAPIResponse | CustomStreamWrapper[Any]:
        """The Responses API on a deployment of the group (`stream=True` for events).

        Example:
            >>> router.responses(model="chat", input="Tell me a joke").output_text
        """
        return self._run(RESPONSES, model, {"input": input, **kwargs})

    async def aresponses(
        self, model: str, input: Any, **kwargs: Any
    ) -> types.ResponsesAPIResponse | AsyncCustomStreamWrapper[Any]:
        """Async `responses`.

        Example:
            >>> (await router.aresponses(model="chat", input="Tell me a joke")).output_text
        """
        return await self._arun(RESPONSES, model, {"input": input, **kwargs})

    def moderation(self, model: str, input: Any, **kwargs: Any) -> types.ModerationResponse:
        """Moderation on a deployment of the group (LiteLLM's Router has only `amoderation`).

        Example:
            >>> router.moderation(model="moderation", input="hello").results[0].flagged
        """
        return self._run(MODERATION, model, {"input": input, **kwargs})

    async def amoderation(self, model: str, input: Any, **kwargs: Any) -> types.ModerationResponse:
        """Async `moderation`.

        Example:
            >>> await router.amoderation(model="moderation", input="hello")
        """
        return await self._arun(MODERATION, model, {"input": input, **kwargs})

    # Files and batches: LiteLLM's Router has the async ones; each goes to a deployment of the group `model`.

    async def acreate_file(self, model: str, file: Any, purpose: str = "batch", **kwargs: Any) -> types.FileObject:
        """Upload a file to a gateway of the group (later calls about it must name the same group).

        Example:
            >>> f = await router.acreate_file(model="chat", file=open("requests.jsonl", "rb"), purpose="batch")
        """
        return await self._aresource(CREATE_FILE, model, {"file": file, "purpose": purpose, **kwargs})

    async def afile_list(self, model: str, **kwargs: Any) -> types.FileList:
        """The files on a gateway of the group.

        Example:
            >>> await router.afile_list(model="chat", purpose="batch")
        """
        return await self._aresource(FILE_LIST, model, kwargs)

    async def afile_content(self, model: str, file_id: str, **kwargs: Any) -> types.BinaryResponse:
        """A file's content, from a gateway of the group.

        Example:
            >>> (await router.afile_content(model="chat", file_id="file-abc")).content
        """
        return await self._aresource(FILE_CONTENT, model, {"file_id": file_id, **kwargs})

    async def afile_delete(self, model: str, file_id: str, **kwargs: Any) -> types.FileDeleted:
        """Delete a file on a gateway of the group.

        Example:
            >>> await router.afile_delete(model="chat", file_id="file-abc")
        """
        return await self._aresource(FILE_DELETE, model, {"file_id": file_id, **kwargs})

    async def acreate_batch(self, model: str, input_file_id: str, **kwargs: Any) -> types.Batch:
        """Start a batch on a gateway of the group.

        Example:
            >>> await router.acreate_batch(model="chat", input_file_id=f.id, endpoint="/v1/chat/completions",
            ...                            completion_window="24h")
        """
        return await self._aresource(CREATE_BATCH, model, {"input_file_id": input_file_id, **kwargs})

    async def aretrieve_batch(self, model: str, batch_id: str, **kwargs: Any) -> types.Batch:
        """A batch's state, from a gateway of the group.

        Example:
            >>> (await router.aretrieve_batch(model="chat", batch_id=b.id)).status
        """
        return await self._aresource(RETRIEVE_BATCH, model, {"batch_id": batch_id, **kwargs})

    async def acancel_batch(self, model: str, batch_id: str, **kwargs: Any) -> types.Batch:
        """Cancel a batch on a gateway of the group.

        Example:
            >>> await router.acancel_batch(model="chat", batch_id=b.id)
        """
        return await self._aresource(CANCEL_BATCH, model, {"batch_id": batch_id, **kwargs})

    async def alist_batches(self, model: str, **kwargs: Any) -> types.BatchList:
        """The batches on a gateway of the group.

        Example:
            >>> await router.alist_batches(model="chat", limit=10)
        """
        return await self._aresource(LIST_BATCHES, model, kwargs)

    async def _aresource(self, endpoint: Endpoint, model: str, kwargs: dict[str, Any]) -> Any:
        """A file or batch call: within the group only (a file lives on one gateway), never to a fallback group."""
        return await self._arun(endpoint, model, {**kwargs, "disable_fallbacks": True})


def _alias_target(value: str | Mapping[str, Any]) -> str:
    return value if isinstance(value, str) else str(value["model"])


def _refuse_unsupported(kwargs: Mapping[str, Any]) -> None:
    for name, value in kwargs.items():
        if name in _IGNORED:
            continue
        if name not in _UNSUPPORTED:
            raise TypeError(f"Router() got an unexpected keyword argument {name!r}")
        if value != _UNSUPPORTED[name] and value not in ({}, []):
            raise ConfigError(
                f"Router({name}=...) is a LiteLLM Router option shim's Router does not have; leave it at its default"
            )


def _int(name: str, value: object, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{name} must be an int >= 0, not {value!r}")
    return value


def _seconds(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{name} must be a number of seconds >= 0, not {value!r}")
    return float(value)
