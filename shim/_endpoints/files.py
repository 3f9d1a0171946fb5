"""Files and batches on the gateway, with their async twins. They take no model string: the gateway is the one
the configuration names, and `custom_llm_provider`, if given, must be "litellm_proxy" (as in LiteLLM)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from shim._endpoints.specs import (
    CANCEL_BATCH,
    CREATE_BATCH,
    CREATE_FILE,
    FILE_CONTENT,
    FILE_DELETE,
    FILE_LIST,
    FILE_RETRIEVE,
    LIST_BATCHES,
    RETRIEVE_BATCH,
    BatchEndpoint,
    FileInput,
    Purpose,
    batch_fields,
    file_upload,
    identifier,
)
from shim._request import aresult, prepare, result

if TYPE_CHECKING:
    from shim.types import Batch, BatchList, BinaryResponse, FileDeleted, FileList, FileObject


def create_file(
    file: FileInput | None = None, purpose: Purpose | None = None, expires_after: Any = None, **kwargs: Any
) -> FileObject:
    """Upload a file to the gateway: multipart POST `/files`.

    `file` is a path, bytes, an open binary file or `(filename, bytes[, content type])`; `purpose` is "batch"
    for a batch's input (a JSONL file of requests). `expires_after` (`{"anchor": "created_at", "seconds": N}`)
    is forwarded. A missing file or an unknown purpose raises before anything is sent.

    Example:
        >>> f = shim.create_file(file="requests.jsonl", purpose="batch", custom_llm_provider="litellm_proxy")
        >>> f.id
    """
    fields, files = file_upload(file, purpose)
    return result(prepare(CREATE_FILE, None, {**fields, "expires_after": expires_after}, kwargs, files=files))


async def acreate_file(
    file: FileInput | None = None, purpose: Purpose | None = None, expires_after: Any = None, **kwargs: Any
) -> FileObject:
    """Async `create_file`.

    Example:
        >>> f = await shim.acreate_file(file=open("requests.jsonl", "rb"), purpose="batch")
    """
    fields, files = file_upload(file, purpose)
    return await aresult(prepare(CREATE_FILE, None, {**fields, "expires_after": expires_after}, kwargs, files=files))


def file_retrieve(file_id: str, **kwargs: Any) -> FileObject:
    """A file's metadata: GET `/files/{file_id}`.

    Example:
        >>> shim.file_retrieve("file-abc123").filename
    """
    return result(prepare(FILE_RETRIEVE, None, {}, kwargs, ids=identifier(file_id, "file_id")))


async def afile_retrieve(file_id: str, **kwargs: Any) -> FileObject:
    """Async `file_retrieve`.

    Example:
        >>> f = await shim.afile_retrieve("file-abc123")
    """
    return await aresult(prepare(FILE_RETRIEVE, None, {}, kwargs, ids=identifier(file_id, "file_id")))


def file_list(purpose: str | None = None, **kwargs: Any) -> FileList:
    """The files the key may see: GET `/files`; `purpose`, `limit`, `after` and `order` are sent as the query.

    Example:
        >>> [f.filename for f in shim.file_list(purpose="batch").data]
    """
    return result(prepare(FILE_LIST, None, {"purpose": purpose}, kwargs))


async def afile_list(purpose: str | None = None, **kwargs: Any) -> FileList:
    """Async `file_list`.

    Example:
        >>> page = await shim.afile_list(limit=10)
    """
    return await aresult(prepare(FILE_LIST, None, {"purpose": purpose}, kwargs))


def file_delete(file_id: str, model: str | None = None, **kwargs: Any) -> FileDeleted:
    """Delete a file: DELETE `/files/{file_id}`. (`model` is accepted as in LiteLLM and not needed here.)

    Example:
        >>> shim.file_delete("file-abc123").deleted
        True
    """
    return result(prepare(FILE_DELETE, None, {}, kwargs, ids=identifier(file_id, "file_id")))


async def afile_delete(file_id: str, model: str | None = None, **kwargs: Any) -> FileDeleted:
    """Async `file_delete`.

    Example:
        >>> await shim.afile_delete("file-abc123")
    """
    return await aresult(prepare(FILE_DELETE, None, {}, kwargs, ids=identifier(file_id, "file_id")))


def file_content(file_id: str, model: str | None = None, *, stream: bool = False, **kwargs: Any) -> BinaryResponse:
    """A file's bytes: GET `/files/{file_id}/content` (a batch's output is a JSONL file).

    Returns a `BinaryResponse` (`.content`, `.text`, `.write_to_file(path)`, `.iter_bytes(chunk_size)`). With
    `stream=True` the bytes are read only as asked for, so a large file need not sit in memory; then read,
    write or close it (or use `with`) to release the connection.

    Example:
        >>> shim.file_content("file-abc123").text
    """
    kwargs.pop("chunk_size", None)  # LiteLLM's; here the reader picks it: iter_bytes(chunk_size)
    return result(prepare(FILE_CONTENT, None, {}, kwargs, stream=stream, ids=identifier(file_id, "file_id")))


async def afile_content(
    file_id: str, model: str | None = None, *, stream: bool = False, **kwargs: Any
) -> BinaryResponse:
    """Async `file_content`; with `stream=True` read it with `aread()`, `aiter_bytes()` or `astream_to_file()`.

    Example:
        >>> (await shim.afile_content("file-abc123")).content
    """
    kwargs.pop("chunk_size", None)
    return await aresult(prepare(FILE_CONTENT, None, {}, kwargs, stream=stream, ids=identifier(file_id, "file_id")))


def create_batch(
    completion_window: Literal["24h"] = "24h",
    endpoint: BatchEndpoint | None = None,
    input_file_id: str | None = None,
    metadata: dict[str, str] | None = None,
    **kwargs: Any,
) -> Batch:
    """Start a batch over an uploaded JSONL file of requests: POST `/batches`.

    `output_expires_after` and other options are forwarded.

    Example:
        >>> f = shim.create_file(file="requests.jsonl", purpose="batch")
        >>> b = shim.create_batch(endpoint="/v1/chat/completions", input_file_id=f.id)
        >>> b.status
        'validating'
    """
    fields = {**batch_fields(completion_window, endpoint, input_file_id), "metadata": metadata}
    return result(prepare(CREATE_BATCH, None, fields, kwargs))


async def acreate_batch(
    completion_window: Literal["24h"] = "24h",
    endpoint: BatchEndpoint | None = None,
    input_file_id: str | None = None,
    metadata: dict[str, str] | None = None,
    **kwargs: Any,
) -> Batch:
    """Async `create_batch`.

    Example:
        >>> b = await shim.acreate_batch(endpoint="/v1/embeddings", input_file_id="file-abc123")
    """
    fields = {**batch_fields(completion_window, endpoint, input_file_id), "metadata": metadata}
    return await aresult(prepare(CREATE_BATCH, None, fields, kwargs))


def retrieve_batch(batch_id: str, metadata: dict[str, str] | None = None, **kwargs: Any) -> Batch:
    """A batch's status and output file: GET `/batches/{batch_id}`. (`metadata` is LiteLLM's, not sent.)

    Example:
        >>> b = shim.retrieve_batch("batch_abc123")
        >>> b.status, b.output_file_id
    """
    return result(prepare(RETRIEVE_BATCH, None, {}, kwargs, ids=identifier(batch_id, "batch_id")))


async def aretrieve_batch(batch_id: str, metadata: dict[str, str] | None = None, **kwargs: Any) -> Batch:
    """Async `retrieve_batch`.

    Example:
        >>> b = await shim.aretrieve_batch("batch_abc123")
    """
    return await aresult(prepare(RETRIEVE_BATCH, None, {}, kwargs, ids=identifier(batch_id, "batch_id")))


def cancel_batch(
    batch_id: str, model: str | None = None, metadata: dict[str, str] | None = None, **kwargs: Any
) -> Batch:
    """Cancel a batch: POST `/batches/{batch_id}/cancel`. (`model` and `metadata` are LiteLLM's, not sent.)

    Example:
        >>> shim.cancel_batch("batch_abc123").status
        'cancelling'
    """
    return result(prepare(CANCEL_BATCH, None, {}, kwargs, ids=identifier(batch_id, "batch_id")))


async def acancel_batch(
    batch_id: str, model: str | None = None, metadata: dict[str, str] | None = None, **kwargs: Any
) -> Batch:
    """Async `cancel_batch`.

    Example:
        >>> b = await shim.acancel_batch("batch_abc123")
    """
    return await aresult(prepare(CANCEL_BATCH, None, {}, kwargs, ids=identifier(batch_id, "batch_id")))


def list_batches(after: str | None = None, limit: int | None = None, **kwargs: Any) -> BatchList:
    """The key's batches, newest first: GET `/batches` with `after` and `limit` as the query.

    Example:
        >>> [b.id for b in shim.list_batches(limit=5).data]
    """
    return result(prepare(LIST_BATCHES, None, {"after": after, "limit": limit}, kwargs))


async def alist_batches(after: str | None = None, limit: int | None = None, **kwargs: Any) -> BatchList:
    """Async `list_batches`.

    Example:
        >>> page = await shim.alist_batches(limit=5)
    """
    return await aresult(prepare(LIST_BATCHES, None, {"after": after, "limit": limit}, kwargs))
