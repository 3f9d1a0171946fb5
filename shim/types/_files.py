"""Files and batches, apart from `shim.types`: loaded on first use (`shim.types.FileObject`, a file or batch
call), so that a chat call does not build them.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from openai.types import Batch as _OpenAIBatch
from openai.types import FileDeleted as _OpenAIFileDeleted
from openai.types import FileObject as _OpenAIFileObject

from shim.types._base import GatewayResult

_ItemT = TypeVar("_ItemT")


class FileObject(_OpenAIFileObject, GatewayResult):
    """An uploaded file (`create_file()`, `file_retrieve()`): an `openai.types.FileObject`."""


class FileDeleted(_OpenAIFileDeleted, GatewayResult):
    """What `file_delete()` answers: an `openai.types.FileDeleted` (`id`, `deleted`)."""


class _Page(GatewayResult, Generic[_ItemT]):
    """A page of a list: `data`, and for paging `has_more`, `first_id`, `last_id`."""

    object: str = "list"
    data: list[_ItemT]
    has_more: bool | None = None
    first_id: str | None = None
    last_id: str | None = None


class FileList(_Page[FileObject]):
    """A page of files (`file_list()`): `data`, and for paging `has_more`, `first_id`, `last_id`."""


class Batch(_OpenAIBatch, GatewayResult):
    """A batch (`create_batch()`, `retrieve_batch()`, `cancel_batch()`): an `openai.types.Batch` (LiteLLM's
    `LiteLLMBatch`)."""


class BatchList(_Page[Batch]):
    """A page of batches (`list_batches()`): `data`, and for paging `has_more`, `first_id`, `last_id`."""
