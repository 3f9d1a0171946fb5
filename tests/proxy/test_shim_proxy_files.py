"""Image edits, moderations, files, batches and the Responses lifecycle through a real LiteLLM proxy, sync and
async. The fake upstream is stateless (an id route answers for any id); the proxy gets files and batches to it
through the config's `files_settings`, and decodes its own response ids back to the upstream's."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import shim

from .conftest import LiteLLMProxy

pytestmark = pytest.mark.proxy

# The proxy checks a batch input file line by line before it forwards it.
BATCH_LINE = b'{"custom_id": "1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "chat"}}\n'


@pytest.fixture
def gateway(litellm_proxy: LiteLLMProxy, monkeypatch: pytest.MonkeyPatch) -> LiteLLMProxy:
    monkeypatch.setattr(shim, "api_base", litellm_proxy.url)
    monkeypatch.setattr(shim, "api_key", litellm_proxy.api_key)
    return litellm_proxy


async def call(use_async: bool, name: str, *args: Any, **kwargs: Any) -> Any:
    result = getattr(shim, "a" + name if use_async else name)(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_image_edit(gateway: LiteLLMProxy, use_async: bool) -> None:
    images = [("a.png", b"PNG-a"), ("b.png", b"PNG-b")]
    r = await call(use_async, "image_edit", images, "add a cat", "litellm_proxy/edit", mask=("m.png", b"PNG-m"))
    assert r["data"][0]["url"] == "http://127.0.0.1:9/fake-image.png"
    sent = gateway.upstream.last("/v1/images/edits")
    assert sent.json()["model"] == "fake-image-edit"
    assert sent.body.count(b'filename="') == 3  # both images and the mask reach the upstream


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_moderation(gateway: LiteLLMProxy, use_async: bool) -> None:
    r = await call(use_async, "moderation", "kill the lights", model="litellm_proxy/moderate")
    assert (r.results[0].flagged, r["model"]) == (True, "fake-moderation")
    assert gateway.upstream.last("/v1/moderations").json() == {"model": "fake-moderation", "input": "kill the lights"}


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_files(gateway: LiteLLMProxy, use_async: bool) -> None:
    created = await call(
        use_async, "create_file", ("in.jsonl", BATCH_LINE), "batch", custom_llm_provider="litellm_proxy"
    )
    assert (created.filename, created.bytes, created.purpose) == ("in.jsonl", len(BATCH_LINE), "batch")
    assert (await call(use_async, "file_retrieve", created.id)).id == created.id
    assert [f.id for f in (await call(use_async, "file_list", purpose="batch")).data] == ["file-listed"]
    assert gateway.upstream.requests[-1].path == "/v1/files?purpose=batch"
    content = await call(use_async, "file_content", created.id)
    assert (await content.aread() if use_async else content.content) == b'{"file": "%s"}\n' % created.id.encode()
    assert (await call(use_async, "file_delete", created.id)).deleted is True
    assert gateway.upstream.requests[-1].method == "DELETE"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_batches(gateway: LiteLLMProxy, use_async: bool) -> None:
    batch = await call(use_async, "create_batch", "24h", "/v1/chat/completions", "file-in", metadata={"k": "v"})
    assert batch.status == "validating"
    sent = gateway.upstream.last("/v1/batches").json()
    assert (sent["endpoint"], sent["input_file_id"], sent["completion_window"]) == (
        "/v1/chat/completions",
        "file-in",
        "24h",
    )
    assert (await call(use_async, "retrieve_batch", batch.id)).status == "completed"
    assert [b.id for b in (await call(use_async, "list_batches", limit=3)).data] == ["batch_listed"]
    assert (await call(use_async, "cancel_batch", batch.id)).status == "cancelling"
    assert gateway.upstream.requests[-1].path == f"/v1/batches/{batch.id}/cancel"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_response_lifecycle(gateway: LiteLLMProxy, use_async: bool) -> None:
    created = await call(use_async, "responses", "litellm_proxy/responses", "keep me")
    assert gateway.upstream.last("/v1/responses").json()["model"] == "fake-responses"
    fetched = await call(use_async, "get_responses", created.id)
    assert fetched.output_text == "stored"
    assert gateway.upstream.requests[-1].path.startswith("/v1/responses/resp_")  # the proxy's id decoded
    items = await call(use_async, "list_input_items", created.id, limit=5)
    assert items["data"][0]["role"] == "user"
    assert (await call(use_async, "cancel_responses", created.id)).status == "cancelled"
    assert (await call(use_async, "delete_responses", created.id)).deleted is True
    assert gateway.upstream.requests[-1].method == "DELETE"
