"""The endpoint table: one `Spec` per gateway endpoint, and the checks of each endpoint's own inputs.

A spec says everything the sender needs: path and method, JSON or multipart, whether it streams (and its chunk
shape), how its answer becomes a result, and body defaults. Adding an endpoint is a row here and a pair of thin
public functions (see the design notes in README.md).
"""

from __future__ import annotations

import functools
import importlib
import io
import os
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

import pydantic

from shim import _http
from shim._call import FilePart, Spec
from shim._errors import json_object
from shim._results import Binary, Shape, decode_json, needs_list
from shim._router import Route
from shim._transport.uploads import PathUpload, streamable
from shim.types import (
    BinaryResponse,
    Embedding,
    EmbeddingResponse,
    ImageResponse,
    ModelResponse,
    ModelResponseStream,
    RerankResponse,
    TextCompletionResponse,
)

if TYPE_CHECKING:
    from shim.types._anthropic import AnthropicMessagesResponse, AnthropicStreamEvent
    from shim.types._audio import TranscriptionResponse
    from shim.types._files import Batch, BatchList, FileDeleted, FileList, FileObject
    from shim.types._moderation import ModerationResponse
    from shim.types._responses import DeleteResponseResult, ResponseInputItemList, ResponsesAPIResponse

ResultT = TypeVar("ResultT")
ChunkT = TypeVar("ChunkT")


def _embedding_result(**data: Any) -> EmbeddingResponse:
    data["data"] = [_embedding_item(item) for item in data["data"]]
    return EmbeddingResponse.construct(**data)


def _embedding_validated(data: dict[str, Any]) -> EmbeddingResponse:
    """The answer validated but for its vectors, which are set afterwards as they were parsed (floats, or a base64
    string when asked for): validating 256 x 1,536 floats one by one cost as much again as parsing them, and they
    are already what the result holds. A body that does not validate goes to `_embedding_result`, as before."""
    items: Any = data.get("data")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in typing.cast("list[Any]", items)):
        return EmbeddingResponse.model_validate(data)  # raises: the checked path says what is wrong
    entries = typing.cast("list[dict[str, Any]]", items)
    shells: list[dict[str, Any]] = [{**entry, "embedding": []} if "embedding" in entry else entry for entry in entries]
    response = EmbeddingResponse.model_validate({**data, "data": shells})
    for built, entry in zip(response.data, entries, strict=True):
        if "embedding" in entry:
            built.embedding = entry["embedding"]
    return response


def _embedding_item(item: dict[str, Any]) -> Embedding:
    # The vector is already the list of floats (or base64 string) it must be: set it as is, skipping the SDK's
    # per-element `construct`, which cost more than the HTTP round trip for a 256-float vector.
    built = Embedding.construct(**{name: value for name, value in item.items() if name != "embedding"})
    if "embedding" in item:
        built.embedding = item["embedding"]
    return built


def _later(module: str, name: str) -> Callable[..., Any]:
    """`construct` of a result type loaded on first use (shim/types/__init__.py), imported by the first answer that
    needs it: a chat call does not build the types of files, batches, moderations, Responses or Anthropic."""

    def make(**data: Any) -> Any:
        return getattr(importlib.import_module(module), name).construct(**data)

    return make


def _rerank_result(**data: Any) -> RerankResponse:
    return RerankResponse.model_validate(data)


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
    return (cls or importlib.import_module("shim.types._responses").ResponseEvent).construct(**data)


def _model_ids(**data: Any) -> list[str]:
    items: list[Any] = data["data"]
    return [str(entry.get("id") if (entry := json_object(item)) is not None else item) for item in items]


def _decode_transcription(response: _http.Response, route: Route) -> dict[str, Any]:
    # response_format="text", "srt" or "vtt" answers plain text, not JSON; an HTML page (a proxy's error or login
    # page) is never a transcript, so it goes to decode_json, which reports what it is.
    kind = response.headers.get("content-type", "application/json")
    if "json" in kind or "html" in kind:
        return decode_json(response, route)
    return {"text": response.text}


def _needs_text(body: Mapping[str, Any]) -> str | None:
    text = body.get("text")
    return None if isinstance(text, str) else f"'text' must be a string, got {type(text).__name__}"


CHAT: Spec[ModelResponse, ModelResponseStream] = Spec(
    "chat/completions",
    Shape(
        ModelResponse.construct,
        needs_list("choices"),
        prefix_model=True,
        fast=ModelResponse.model_validate,
        fast_json=ModelResponse.model_validate_json,
    ),
    Shape(
        ModelResponseStream.construct,
        needs_list("choices"),
        prefix_model=True,
        fast=ModelResponseStream.model_validate,
        fast_json=ModelResponseStream.model_validate_json,
    ),
    call_type="completion",
)
_TEXT = Shape(
    TextCompletionResponse.construct,
    needs_list("choices"),
    prefix_model=True,
    fast=TextCompletionResponse.model_validate,
)
TEXT: Spec[TextCompletionResponse, TextCompletionResponse] = Spec(
    "completions", _TEXT, _TEXT, call_type="text_completion"
)
EMBEDDING: Spec[EmbeddingResponse, None] = Spec(
    "embeddings",
    Shape(_embedding_result, needs_list("data"), prefix_model=True, fast=_embedding_validated),
    call_type="embedding",
)
IMAGES: Spec[ImageResponse, None] = Spec(
    "images/generations", Shape(ImageResponse.construct, needs_list("data")), call_type="image_generation"
)
RERANK: Spec[RerankResponse, None] = Spec(
    "rerank", Shape(_rerank_result, needs_list("results")), defaults={"return_documents": True}, call_type="rerank"
)
_RESPONSE = _later("shim.types._responses", "ResponsesAPIResponse")
_BATCH = _later("shim.types._files", "Batch")
RESPONSES: Spec[ResponsesAPIResponse, Any] = Spec(
    "responses",
    Shape(_RESPONSE, needs_list("output"), prefix_model=True),
    Shape(_response_event, finished=lambda event: event.get("type") in _FINAL_EVENTS),
    call_type="responses",
)


def _transcription(**data: Any) -> TranscriptionResponse:
    from shim.types._audio import TranscriptionResponse  # on first use: it loads openai's audio types

    return TranscriptionResponse.construct(**data)


TRANSCRIPTION: Spec[TranscriptionResponse, None] = Spec(
    "audio/transcriptions", Shape(_transcription, _needs_text, decode=_decode_transcription), call_type="transcription"
)
SPEECH: Spec[BinaryResponse, None] = Spec("audio/speech", Binary(), call_type="speech")
# Some gateways list bare names instead of objects.
MODELS: Spec[list[str], None] = Spec(
    "models",
    Shape(_model_ids, needs_list("data", of_objects=False)),
    method="get",
    takes_model=False,
    call_type="models",
)


# Image edits, moderations, files, batches and the Responses lifecycle. A `{name}` in a path is filled from the
# ids the public function passes to `prepare` (quoted, so an id cannot reach another path).

IMAGE_EDIT: Spec[ImageResponse, None] = Spec(
    "images/edits", Shape(ImageResponse.construct, needs_list("data")), call_type="image_edit"
)
MODERATION: Spec[ModerationResponse, None] = Spec(
    "moderations",
    Shape(_later("shim.types._moderation", "ModerationResponse"), needs_list("results")),
    takes_model="optional",
    call_type="moderation",
)
CREATE_FILE: Spec[FileObject, None] = Spec(
    "files", Shape(_later("shim.types._files", "FileObject")), takes_model=False, call_type="create_file"
)
FILE_LIST: Spec[FileList, None] = Spec(
    "files",
    Shape(_later("shim.types._files", "FileList"), needs_list("data")),
    method="get",
    takes_model=False,
    call_type="file_list",
)
FILE_RETRIEVE: Spec[FileObject, None] = Spec(
    "files/{file_id}",
    Shape(_later("shim.types._files", "FileObject")),
    method="get",
    takes_model=False,
    call_type="file_retrieve",
)
FILE_DELETE: Spec[FileDeleted, None] = Spec(
    "files/{file_id}",
    Shape(_later("shim.types._files", "FileDeleted")),
    method="delete",
    takes_model=False,
    call_type="file_delete",
)
FILE_CONTENT: Spec[BinaryResponse, None] = Spec(
    "files/{file_id}/content", Binary(), method="get", takes_model=False, call_type="file_content"
)
CREATE_BATCH: Spec[Batch, None] = Spec("batches", Shape(_BATCH), takes_model=False, call_type="create_batch")
LIST_BATCHES: Spec[BatchList, None] = Spec(
    "batches",
    Shape(_later("shim.types._files", "BatchList"), needs_list("data")),
    method="get",
    takes_model=False,
    call_type="list_batches",
)
RETRIEVE_BATCH: Spec[Batch, None] = Spec(
    "batches/{batch_id}", Shape(_BATCH), method="get", takes_model=False, call_type="retrieve_batch"
)
CANCEL_BATCH: Spec[Batch, None] = Spec(
    "batches/{batch_id}/cancel", Shape(_BATCH), takes_model=False, call_type="cancel_batch"
)
GET_RESPONSE: Spec[ResponsesAPIResponse, None] = Spec(
    "responses/{response_id}",
    Shape(_RESPONSE, needs_list("output"), prefix_model=True),
    method="get",
    takes_model=False,
    call_type="get_responses",
)
DELETE_RESPONSE: Spec[DeleteResponseResult, None] = Spec(
    "responses/{response_id}",
    Shape(_later("shim.types._responses", "DeleteResponseResult")),
    method="delete",
    takes_model=False,
    call_type="delete_responses",
)
CANCEL_RESPONSE: Spec[ResponsesAPIResponse, None] = Spec(
    "responses/{response_id}/cancel",
    Shape(_RESPONSE, needs_list("output"), prefix_model=True),
    takes_model=False,
    call_type="cancel_responses",
)
INPUT_ITEMS: Spec[ResponseInputItemList, None] = Spec(
    "responses/{response_id}/input_items",
    Shape(_later("shim.types._responses", "ResponseInputItemList"), needs_list("data")),
    method="get",
    takes_model=False,
    call_type="list_input_items",
)


# The checks of each endpoint's own inputs, run before anything is sent.

Messages = Iterable[Mapping[str, Any] | pydantic.BaseModel]
"""What `messages` accepts: any iterable of dicts, TypedDicts or message objects from an earlier response."""

FileInput = str | os.PathLike[str] | bytes | IO[bytes] | tuple[str, bytes] | tuple[str, bytes, str]
"""What a file argument accepts: a path, bytes, an open binary file, or `(filename, bytes[, content type])`."""


def messages_field(value: object) -> dict[str, Any]:
    """The messages as a list (a generator is fine), each checked to be a dict or a message object."""
    if value is None:
        raise TypeError("completion() needs messages=[{'role': 'user', 'content': '...'}]")
    candidate: Any = value
    if isinstance(candidate, (str, bytes, Mapping)) or not isinstance(candidate, Iterable):
        kind = type(typing.cast("object", candidate)).__name__
        raise TypeError(f"messages must be a list of message dicts, not {kind}")
    items = list(typing.cast("Iterable[Any]", candidate))
    if not items:
        raise ValueError("messages is empty: pass at least one message, e.g. [{'role': 'user', 'content': 'Hi'}]")
    if set(map(type, items)) == {dict}:  # the usual case, checked at C speed (~20 ns a message; ABC checks ~0.5 us)
        return {"messages": items}
    for index, item in enumerate(items):
        if not isinstance(item, (Mapping, pydantic.BaseModel)):
            raise TypeError(
                f"messages[{index}] is a {type(item).__name__}; each message must be a dict or message object"
            )
    return {"messages": items}


def prompt_tokens(prompt: object) -> dict[str, Any]:
    """A text completion's prompt: a string, or a non-empty list of strings or token ids."""
    if prompt is None:
        raise TypeError("text_completion() needs a prompt: text_completion('litellm_proxy/<model>', 'Say hi')")
    if not isinstance(prompt, (str, list)) or (isinstance(prompt, list) and not prompt):
        raise TypeError(f"prompt must be a string or a non-empty list of strings or token ids, not {prompt!r:.60}")
    return {"prompt": prompt}


def non_empty_input(value: object, what: str) -> dict[str, Any]:
    """An `input` that is a non-empty string or list (embeddings, the Responses API)."""
    if isinstance(value, (str, list)) and value:
        return {"input": value}
    raise TypeError(f"input must be a non-empty string or list ({what}), not {value!r:.60}")


def image_prompt(value: object) -> dict[str, Any]:
    """An image prompt: a non-empty string."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"prompt must be a non-empty string, not {value!r:.60}")
    return {"prompt": value}


def rerank_fields(query: object, documents: object, top_n: object) -> dict[str, Any]:
    """A rerank query, its documents (strings or dicts) and `top_n`."""
    if not isinstance(query, str) or not query:
        raise TypeError(f"query must be a non-empty string, not {query!r:.60}")
    if not isinstance(documents, list) or not documents:
        raise TypeError("documents must be a non-empty list of strings or dicts")
    for index, document in enumerate(typing.cast("list[Any]", documents)):
        if not isinstance(document, (str, Mapping)):
            raise TypeError(f"documents[{index}] is a {type(document).__name__}; pass strings or dicts")
    if top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
        raise ValueError(f"top_n must be a positive int, not {top_n!r}")
    return {"query": query, "documents": documents, "top_n": top_n}


def speech_fields(text: object, voice: object) -> dict[str, Any]:
    """The text to speak and the voice."""
    if not isinstance(text, str) or not text:
        raise TypeError(f"input must be the non-empty text to speak, not {text!r:.60}")
    if voice is not None and not isinstance(voice, str):
        raise TypeError(f"voice must be a string such as 'alloy', not {voice!r}")
    return {"input": text, "voice": voice}


def file_part(file: object, what: str, default_name: str = "audio") -> FilePart:
    """An upload as (filename, content[, content type]): a path or an open binary file is sent in pieces as the
    request is written (again from its start on a retry), never read whole into memory; bytes are sent as they are."""
    if file is None:
        raise TypeError(f"{what} needs file=: a path, bytes, an open binary file or (filename, bytes)")
    if isinstance(file, (str, os.PathLike)):
        path = Path(typing.cast("str | os.PathLike[str]", file))
        if not path.is_file():
            raise FileNotFoundError(f"{what} file not found: {path}")
        return path.name, typing.cast("IO[bytes]", PathUpload(path))  # a binary file object, as the SDK types it
    if isinstance(file, (bytes, bytearray)):
        return default_name, bytes(file)
    if isinstance(file, tuple):
        return _tuple_part(typing.cast("tuple[Any, ...]", file))
    read = getattr(file, "read", None)
    if callable(read):
        if isinstance(file, io.TextIOBase):
            raise TypeError(f"the {what} file is open in text mode: open it with 'rb'")
        name = os.path.basename(str(getattr(file, "name", default_name)))
        if streamable(file):
            return name, typing.cast("IO[bytes]", file)
        data = read()  # a file that cannot seek back (a pipe): read once, so that a retry can send it again
        if not isinstance(data, bytes):
            raise TypeError(f"the {what} file is open in text mode: open it with 'rb'")
        return name, data
    raise TypeError(f"file must be a path, bytes, an open binary file or (filename, bytes), not {type(file).__name__}")


def _tuple_part(file: tuple[Any, ...]) -> FilePart:
    if len(file) in (2, 3) and isinstance(file[0], str) and isinstance(file[1], bytes):
        return (file[0], file[1]) if len(file) == 2 else (file[0], file[1], str(file[2]))
    raise TypeError("a file tuple must be (filename, bytes) or (filename, bytes, content_type)")


# --- Anthropic's Messages API and the gateway's own facts (model info, token counts) -----------------------------
# The proxy serves these at its root only (`/v1/messages`, `/model/info`, `/utils/token_counter`): their callers
# send them from the gateway's root even when the base URL ends in `/v1` (`shim._endpoints.facts.at_root`).


def _model_entries(**data: Any) -> list[dict[str, Any]]:
    entries: list[Any] = data["data"]
    return [entry for entry in entries if json_object(entry)]


def _total_tokens(**data: Any) -> int:
    return int(data["total_tokens"])


def _needs_count(body: Mapping[str, Any]) -> str | None:
    count = body.get("total_tokens")
    return None if isinstance(count, int) and not isinstance(count, bool) else "'total_tokens' must be an int"


ANTHROPIC_MESSAGES: Spec[AnthropicMessagesResponse, AnthropicStreamEvent] = Spec(
    "v1/messages",
    Shape(_later("shim.types._anthropic", "AnthropicMessagesResponse"), needs_list("content"), prefix_model=True),
    Shape(
        _later("shim.types._anthropic", "AnthropicStreamEvent"),
        finished=lambda event: event.get("type") == "message_stop",
    ),
    call_type="anthropic_messages",
)
# Takes the model only to resolve its route and group name; `shim._endpoints.facts` sends no query and caches
# every group.
MODEL_INFO: Spec[list[dict[str, Any]], None] = Spec(
    "model/info", Shape(_model_entries, needs_list("data")), method="get", call_type="get_model_info"
)
TOKEN_COUNTER: Spec[int, None] = Spec(
    "utils/token_counter", Shape(_total_tokens, _needs_count), call_type="token_counter"
)


def anthropic_fields(max_tokens: object, messages: object, system: object) -> dict[str, Any]:
    """A Messages API call's required `max_tokens` and `messages` (and `system`, a string or a list of blocks)."""
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise TypeError(f"max_tokens must be a positive int (the Messages API requires it), not {max_tokens!r}")
    if system is not None and not isinstance(system, (str, list)):
        raise TypeError(f"system must be a string or a list of content blocks, not {type(system).__name__}")
    return {"max_tokens": max_tokens, **messages_field(messages), "system": system}


def token_count_fields(messages: object, text: object) -> dict[str, Any]:
    """What `token_counter` counts: `messages`, or `text` (a string or a list of strings)."""
    if messages is not None:
        return messages_field(messages)
    if isinstance(text, str) and text:
        return {"prompt": text}
    if isinstance(text, list) and text and all(isinstance(part, str) for part in typing.cast("list[Any]", text)):
        return {"prompt": "".join(typing.cast("list[str]", text))}
    raise TypeError("token_counter() needs messages=[{'role': 'user', 'content': '...'}] or text='...'")


Purpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals", "messages"]
BatchEndpoint = Literal[
    "/v1/chat/completions",
    "/v1/embeddings",
    "/v1/completions",
    "/v1/responses",
    "/v1/moderations",
    "/v1/images/generations",
    "/v1/images/edits",
]
FILE_PURPOSES: tuple[str, ...] = typing.get_args(Purpose)
BATCH_ENDPOINTS: tuple[str, ...] = typing.get_args(BatchEndpoint)


def identifier(value: object, name: str) -> dict[str, str]:
    """An id that goes into a path (`file_id`, `batch_id`, `response_id`): a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty string such as the id a create call returned, not {value!r:.60}")
    return {name: value}


def image_edit_files(image: object, mask: object) -> list[tuple[str, FilePart]]:
    """The images to edit (one, or a list sent as `image[]` as the openai SDK does) and the optional mask."""
    if image is None:
        raise TypeError("image_edit() needs image=: a path, bytes, an open binary file or (filename, bytes), or a list")
    if isinstance(image, list):
        images = typing.cast("list[Any]", image)
        if not images:
            raise ValueError("image is an empty list: pass at least one image")
        parts = [("image[]", file_part(item, "image_edit() image", "image.png")) for item in images]
    else:
        parts = [("image", file_part(image, "image_edit() image", "image.png"))]
    if mask is not None:
        parts.append(("mask", file_part(mask, "image_edit() mask", "mask.png")))
    return parts


def moderation_input(value: object) -> dict[str, Any]:
    """What to moderate: a non-empty string, or a non-empty list of strings or multi-modal input dicts."""
    if (isinstance(value, str) and value) or (isinstance(value, list) and value):
        return {"input": value}
    raise TypeError(f"input must be a non-empty string or list of strings, not {value!r:.60}")


def file_upload(file: object, purpose: object) -> tuple[dict[str, Any], list[tuple[str, FilePart]]]:
    """An upload's form field `purpose` (checked against the purposes the API knows) and its file part."""
    if purpose not in FILE_PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(map(repr, FILE_PURPOSES))}, not {purpose!r}")
    return {"purpose": purpose}, [("file", file_part(file, "create_file()", "upload.jsonl"))]


def batch_fields(completion_window: object, endpoint: object, input_file_id: object) -> dict[str, Any]:
    """A batch's window, endpoint and input file."""
    if completion_window != "24h":
        raise ValueError(f"completion_window must be '24h' (the only window the API offers), not {completion_window!r}")
    if endpoint not in BATCH_ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(map(repr, BATCH_ENDPOINTS))}, not {endpoint!r}")
    return {"completion_window": completion_window, "endpoint": endpoint, **identifier(input_file_id, "input_file_id")}


SPECS: tuple[Spec[Any, Any], ...] = tuple(
    typing.cast("Spec[Any, Any]", value) for value in list(globals().values()) if isinstance(value, Spec)
)
"""Every endpoint of the table."""


@functools.cache
def _templates() -> tuple[tuple[Spec[Any, Any], re.Pattern[str]], ...]:
    # Compiled on the first request through the SDK's path: ~27 patterns cost a plain call's cold start ~3 ms.
    return tuple((spec, re.compile(re.sub(r"\\{\w+\\}", "[^/]+", re.escape(spec.path)) + "$")) for spec in SPECS)


def spec_for(method: str, path: str) -> Spec[Any, Any] | None:
    """The table's endpoint for a request the SDK sends (`GET files/file-1`), or None when it has none."""
    path = path.strip("/")
    for candidate in (path, path.removeprefix("v1/")):
        for spec, template in _templates():
            if spec.method == method.lower() and template.match(candidate):
                return spec
    return None
