"""A prepared call's data, below every layer that reads it: the sender, LiteLLM's keywords, the observer.

`Call` is what `prepare` makes of a public function's arguments; `Extras` is what a call's LiteLLM keywords ask for
beyond the request itself (a mock, fallbacks, a parsed structured output, TLS, a client). Data only: the code that
acts on them is in `shim._request` (sending) and `shim._litellm` (the keywords).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import openai
import pydantic

from shim._endpoints.specs import FilePart, Spec
from shim._litellm.fallbacks import Fallbacks
from shim._litellm.mock import Mock
from shim._router import Route
from shim._settings import DEFAULT_MAX_RESPONSE_BYTES
from shim._transport.tls import Verify

ResultT = TypeVar("ResultT")
ChunkT = TypeVar("ChunkT")


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
