"""Files and batches over loopback HTTP, sync and async: what the gateway receives, what the user gets."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from openai.types import Batch, FileDeleted, FileObject

import shim
from shim.testing import FakeProxy

REQUESTS = b'{"custom_id": "1", "method": "POST", "url": "/v1/chat/completions", "body": {}}\n' * 3


def both(sync: Callable[..., Any], async_: Callable[..., Awaitable[Any]]) -> list[Any]:
    def run_async(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(async_(*args, **kwargs))

    return [pytest.param(sync, id="sync"), pytest.param(run_async, id="async")]


SYNC = {
    "create_file": shim.create_file,
    "file_retrieve": shim.file_retrieve,
    "file_list": shim.file_list,
    "file_content": shim.file_content,
    "file_delete": shim.file_delete,
    "create_batch": shim.create_batch,
    "retrieve_batch": shim.retrieve_batch,
    "cancel_batch": shim.cancel_batch,
    "list_batches": shim.list_batches,
}


def _async_api() -> dict[str, Callable[..., Any]]:
    def wrap(name: str) -> Callable[..., Any]:
        function = getattr(shim, "a" + name)

        def run(*args: Any, **kwargs: Any) -> Any:
            async def call() -> Any:
                result = await function(*args, **kwargs)
                if isinstance(result, shim.BinaryResponse):
                    await result.aread()  # read on the loop that opened it
                return result

            return asyncio.run(call())

        return run

    return {name: wrap(name) for name in SYNC}


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest) -> dict[str, Callable[..., Any]]:
    """Every files/batches function, called the same way sync or async."""
    return SYNC if request.param == "sync" else _async_api()


def test_file_lifecycle(gateway: FakeProxy, api: dict[str, Callable[..., Any]], tmp_path: Path) -> None:
    source = tmp_path / "requests.jsonl"
    source.write_bytes(REQUESTS)
    created = api["create_file"](file=source, purpose="batch", custom_llm_provider="litellm_proxy")
    upload = gateway.requests[-1]
    assert (upload.method, upload.path) == ("POST", "/files")
    assert upload.form == {"purpose": "batch", "file": ("requests.jsonl", REQUESTS)}
    assert "model" not in upload.form
    assert isinstance(created, FileObject) and isinstance(created, shim.FileObject)
    assert (created.filename, created.bytes, created["purpose"]) == ("requests.jsonl", len(REQUESTS), "batch")
    assert created._hidden_params["model_id"] == "fake-deployment-1"

    assert api["file_retrieve"](created.id).filename == "requests.jsonl"
    assert gateway.requests[-1].path == f"/files/{created.id}"

    page = api["file_list"](purpose="batch", limit=5)
    assert (gateway.requests[-1].method, gateway.requests[-1].params) == ("GET", {"purpose": "batch", "limit": "5"})
    assert [f.id for f in page.data] == [created.id]
    assert page["data"][0]["filename"] == "requests.jsonl"

    content = api["file_content"](created.id)
    assert gateway.requests[-1].path == f"/files/{created.id}/content"
    assert content.content == REQUESTS

    deleted = api["file_delete"](created.id)
    assert gateway.requests[-1].method == "DELETE"
    assert isinstance(deleted, FileDeleted) and deleted.deleted and deleted["id"] == created.id
    assert api["file_list"]().data == []


@pytest.mark.parametrize(
    ("file", "name"),
    [
        pytest.param(("in.jsonl", REQUESTS), "in.jsonl", id="tuple"),
        pytest.param(REQUESTS, "upload.jsonl", id="bytes"),
        pytest.param(io.BytesIO(REQUESTS), "upload.jsonl", id="file-object"),
    ],
)
def test_create_file_inputs(gateway: FakeProxy, file: Any, name: str) -> None:
    created = shim.create_file(file, "batch", expires_after={"anchor": "created_at", "seconds": 3600})
    form = gateway.requests[-1].form
    assert form["file"] == (name, REQUESTS)
    assert (form["expires_after[anchor]"], form["expires_after[seconds]"]) == ("created_at", "3600")
    assert created.bytes == len(REQUESTS)


def test_file_content_streams(gateway: FakeProxy) -> None:
    created = shim.create_file(("big.jsonl", REQUESTS * 100), "batch")
    with shim.file_content(created.id, stream=True) as content:
        pieces = list(content.iter_bytes(chunk_size=1000))
    assert b"".join(pieces) == REQUESTS * 100 and len(pieces) > 1


def test_async_file_content_streams(gateway: FakeProxy) -> None:
    async def read() -> bytes:
        created = await shim.acreate_file(("big.jsonl", REQUESTS * 10), "batch")
        async with await shim.afile_content(created.id, stream=True) as content:
            return b"".join([piece async for piece in await content.aiter_bytes()])

    assert asyncio.run(read()) == REQUESTS * 10


def test_batch_lifecycle(gateway: FakeProxy, api: dict[str, Callable[..., Any]]) -> None:
    source = api["create_file"](file=("requests.jsonl", REQUESTS), purpose="batch")
    batch = api["create_batch"](
        completion_window="24h",
        endpoint="/v1/chat/completions",
        input_file_id=source.id,
        metadata={"job": "nightly"},
        custom_llm_provider="litellm_proxy",
    )
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/batches")
    assert request.json == {
        "completion_window": "24h",
        "endpoint": "/v1/chat/completions",
        "input_file_id": source.id,
        "metadata": {"job": "nightly"},
    }
    assert isinstance(batch, Batch) and isinstance(batch, shim.Batch)
    assert (batch.status, batch["request_counts"].total) == ("validating", 3)

    assert api["retrieve_batch"](batch.id, metadata={"not": "sent"}).id == batch.id
    assert (gateway.requests[-1].path, gateway.requests[-1].params) == (f"/batches/{batch.id}", {})

    assert [b.id for b in api["list_batches"](limit=2).data] == [batch.id]
    assert gateway.requests[-1].params == {"limit": "2"}

    assert api["cancel_batch"](batch.id).status == "cancelling"
    assert (gateway.requests[-1].method, gateway.requests[-1].path) == ("POST", f"/batches/{batch.id}/cancel")
    assert api["retrieve_batch"](batch.id).status == "cancelled"


def test_an_unknown_id_is_not_found(gateway: FakeProxy) -> None:
    with pytest.raises(shim.NotFoundError):
        shim.file_retrieve("file-nope")
    with pytest.raises(shim.NotFoundError):
        shim.retrieve_batch("batch_nope")


def test_an_id_cannot_reach_another_path(gateway: FakeProxy) -> None:
    with pytest.raises(shim.NotFoundError):
        shim.file_retrieve("../batches")
    assert gateway.requests[-1].path == "/files/..%2Fbatches"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        pytest.param(lambda: shim.create_file(None, "batch"), TypeError, "needs file=", id="no-file"),
        pytest.param(lambda: shim.create_file("nope.jsonl", "batch"), FileNotFoundError, "nope.jsonl", id="missing"),
        pytest.param(lambda: shim.create_file(42, "batch"), TypeError, "must be a path", id="wrong-type"),
        pytest.param(lambda: shim.create_file(b"x", "batches"), ValueError, "purpose must be one of", id="purpose"),
        pytest.param(lambda: shim.create_file(b"x", None), ValueError, "purpose must be one of", id="no-purpose"),
        pytest.param(lambda: shim.file_retrieve(""), TypeError, "file_id must be", id="empty-id"),
        pytest.param(lambda: shim.file_content(None), TypeError, "file_id must be", id="no-id"),  # type: ignore[arg-type]
        pytest.param(lambda: shim.retrieve_batch(3), TypeError, "batch_id must be", id="int-id"),  # type: ignore[arg-type]
        pytest.param(
            lambda: shim.create_batch("1h", "/v1/chat/completions", "file-1"), ValueError, "'24h'", id="window"
        ),
        pytest.param(lambda: shim.create_batch("24h", "/v1/chat", "file-1"), ValueError, "endpoint", id="endpoint"),
        pytest.param(
            lambda: shim.create_batch("24h", "/v1/embeddings", None), TypeError, "input_file_id", id="no-input"
        ),
        pytest.param(
            lambda: shim.file_list(custom_llm_provider="openai"), shim.RouteError, "litellm_proxy", id="provider"
        ),
        pytest.param(lambda: shim.file_list(stream=True), ValueError, "does not stream", id="stream"),
    ],
)
def test_bad_input_fails_before_sending(
    gateway: FakeProxy, call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
    assert gateway.requests == []


def test_errors_are_the_usual_ones(gateway: FakeProxy) -> None:
    gateway.respond(429, headers={"retry-after-ms": "5"}, times=3)
    with pytest.raises(shim.RateLimitError):
        shim.file_list()
    assert len(gateway.requests) == 3  # the SDK's retries
