"""A prepared call's data, below every layer that reads it: the sender, LiteLLM's keywords, the observer.

`Spec` is one endpoint of the gateway (its rows are the table in `shim._endpoints.specs`); `Call` is what
`prepare` makes of a public function's arguments; `Extras` is what a call's LiteLLM keywords ask for beyond the
request itself (a `Mock`, `Fallbacks`, a parsed structured output, TLS, a client). Data only: the code that acts on
them is in `shim._request` (sending) and `shim._litellm` (the keywords).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Generic, Literal, TypeVar

import openai
import pydantic

from shim._results import Binary, Parser, Shape
from shim._router import Route
from shim._settings import DEFAULT_MAX_RESPONSE_BYTES

ResultT = TypeVar("ResultT")
ChunkT = TypeVar("ChunkT")

FilePart = tuple[str, bytes | IO[bytes]] | tuple[str, bytes | IO[bytes], str]
"""An upload as the sender sends it: (filename, content[, content type]): bytes, or a file sent in pieces
(`shim._transport.uploads`)."""
Verify = bool | str
"""TLS verification: on, off, or a CA bundle's path."""
Overrides = dict[str, Any]
"""A fallback's keyword arguments over the call's own (`model`, `api_base`, `api_key`, ...)."""


# Where the GenAI semantic conventions name the operation otherwise than LiteLLM's call type. Their inference spans
# say `chat` for OpenAI's Chat Completions and Responses APIs (told apart by `openai.api.type`) and for Anthropic's
# Messages API; the conventions name no operation for the other endpoints, which keep LiteLLM's call type.
_OPERATIONS = {"completion": "chat", "responses": "chat", "anthropic_messages": "chat", "embedding": "embeddings"}


@dataclass(frozen=True)
class Spec(Generic[ResultT, ChunkT]):
    """One endpoint of the gateway."""

    path: str
    result: Parser[ResultT]
    chunks: Shape[ChunkT] | None = None  # set when the endpoint streams server-sent events
    method: Literal["get", "post", "delete"] = "post"
    takes_model: bool | Literal["optional"] = True  # "optional": the gateway's default model when none is given
    defaults: Mapping[str, Any] = field(default_factory=dict[str, Any])  # body fields the caller may override
    call_type: str = ""  # LiteLLM's name for the call (its `CallTypes`), as its callbacks get it; async: "a" + it

    @property
    def operation(self) -> str:
        """The call's GenAI operation name (OpenTelemetry's semantic conventions, where they name one)."""
        return _OPERATIONS.get(self.call_type, self.call_type)

    @property
    def binary(self) -> bool:
        """The answer is bytes; `stream=True` leaves them unread for the caller."""
        return isinstance(self.result, Binary)


@dataclass(frozen=True, slots=True)
class Mock:
    """What a call asked to be mocked."""

    response: object = None
    tool_calls: object = None
    timeout: bool = False


@dataclass(frozen=True, slots=True)
class Fallbacks:
    """The fallbacks one call asked for."""

    models: tuple[Overrides, ...] = ()
    context_window: Mapping[str, str] = field(default_factory=dict[str, str])
    content_policy: tuple[Overrides, ...] = ()
    content_policy_by_model: Mapping[str, tuple[Overrides, ...]] = field(
        default_factory=dict[str, tuple[Overrides, ...]]
    )
    limit: int | None = None

    def __repr__(self) -> str:  # the overrides may hold keys: show the models only
        models = [str(item.get("model", "(same model)")) for item in (*self.models, *self.content_policy)]
        return f"Fallbacks(models={models}, context_window={dict(self.context_window)}, limit={self.limit})"


@dataclass(frozen=True, slots=True)
class Call(Generic[ResultT, ChunkT]):
    """A prepared call: its endpoint, where it goes, what it sends, and how (timeout, retries, headers)."""

    spec: Spec[ResultT, ChunkT]
    route: Route
    body: dict[str, Any]
    options: openai.RequestOptions
    stream: bool = False  # the SDK leaves the body unread: an event stream, or bytes read by the caller
    files: Sequence[tuple[str, FilePart]] = field(default=())
    total_timeout: float | None = None  # seconds for the whole call, retries and waits included
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES
    callbacks: tuple[object, ...] = ()  # `callbacks=[...]` given to this call (shim/_observe/observation.py)
    extras: Extras | None = None  # LiteLLM's own keywords: mock, fallbacks, TLS, ... (shim/_litellm/keywords.py)
    path: str = ""  # the spec's path with its `{id}`s filled in (`files/{file_id}` -> `files/file-abc`)

    def __repr__(self) -> str:  # shown in tracebacks' locals: where it goes and what it asks, never a key or header
        return f"Call({self.spec.method.upper()} {self.path or self.spec.path}, {self.route!r}, extras={self.extras!r})"


@dataclass(frozen=True, slots=True)
class Extras:
    """What a call's LiteLLM keywords ask for beyond the request itself."""

    again: Callable[[Mapping[str, Any]], Call[Any, Any]]  # the same call with overrides, for a fallback
    mock: Mock | None = None
    fallbacks: Fallbacks | None = None
    parse_as: type[pydantic.BaseModel] | None = None
    stream_timeout: float | None = None
    verify: Verify | None = None  # None: SSL_VERIFY / shim.ssl_verify / SSL_CERT_FILE decide
    client: openai.OpenAI | openai.AsyncOpenAI | None = None
    timeout: object = None  # for mock_timeout
