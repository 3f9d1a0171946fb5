"""What the fake gateway answers for image edits, moderations, files, batches and stored responses.

Files, batches and responses are kept in a `FakeStore`, plain dicts in memory that belong to one `FakeProxy`
(`proxy.store.files[file_id]` is a `StoredFile`), so a test can create a file and read it back, or look inside.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from shim.testing import _api as _fake_api
from shim.testing._api import Reply, error_body

if TYPE_CHECKING:
    from shim.testing._recorded import RecordedRequest


@dataclass
class StoredFile:
    """An uploaded file: what `files/{id}` answers, and its bytes."""

    object: dict[str, Any]
    content: bytes


@dataclass
class FakeStore:
    """The fake gateway's state: uploaded files, batches, and responses by id."""

    files: dict[str, StoredFile] = field(default_factory=dict[str, StoredFile])
    batches: dict[str, dict[str, Any]] = field(default_factory=dict[str, dict[str, Any]])
    responses: dict[str, dict[str, Any]] = field(default_factory=dict[str, dict[str, Any]])
    input_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict[str, list[dict[str, Any]]])
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


Handler = Callable[["RecordedRequest", str, FakeStore, float], Reply]


def answer(request: RecordedRequest, store: FakeStore, chunk_delay: float = 0.0) -> Reply | None:
    """The answer to a request for one of these endpoints, or None for any other endpoint."""
    path = request.path.rstrip("/")
    path = path[3:] if path.startswith("/v1/") else path
    for (method, pattern), handler in _ROUTES.items():
        found = _match(pattern, path)
        if method == request.method and found is not None:
            try:
                with store.lock:
                    return handler(request, found, store, chunk_delay)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                return _json(error_body(400, f"bad request: {exc!r}"), 400)
    return None


def _match(pattern: str, path: str) -> str | None:
    """The `{id}` segment of `path` if it fits `pattern` ("" when the pattern has none), else None."""
    want, got = pattern.split("/"), path.split("/")
    if len(want) != len(got) or any(w != g for w, g in zip(want, got, strict=True) if w != "{id}"):
        return None
    return next((urllib.parse.unquote(g) for w, g in zip(want, got, strict=True) if w == "{id}"), "")


def _json(payload: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode())


def _not_found(kind: str, object_id: str) -> Reply:
    return _json(error_body(404, f"No such {kind}: {object_id!r}"), 404)


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def _page(items: list[dict[str, Any]], params: Mapping[str, str]) -> dict[str, Any]:
    after = params.get("after")
    if after is not None:
        ids = [item["id"] for item in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    limit = int(params.get("limit") or 20)
    page = items[:limit]
    first, last = (page[0]["id"], page[-1]["id"]) if page else (None, None)
    return {"object": "list", "data": page, "has_more": len(items) > limit, "first_id": first, "last_id": last}


def _image_edit(request: RecordedRequest, _id: str, _store: FakeStore, _delay: float) -> Reply:
    form = request.form
    images = form.get("image[]", form.get("image"))
    if not images:
        return _json(error_body(400, "no image uploaded: send 'image' or 'image[]'"), 400)
    count = int(form.get("n") or 1)
    prompt = str(form.get("prompt", ""))
    if form.get("response_format") == "url":
        data = [{"url": f"https://images.example/edit-{i}.png", "revised_prompt": prompt} for i in range(count)]
    else:
        data = [{"b64_json": _PNG_B64, "revised_prompt": prompt} for _ in range(count)]
    return _json({"created": int(time.time()), "data": data})


# One transparent pixel.
_PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

_CATEGORIES = {"hate": ("hate",), "violence": ("kill", "attack"), "harassment": ("idiot",)}


def _moderations(request: RecordedRequest, _id: str, _store: FakeStore, _delay: float) -> Reply:
    body = request.json
    raw = body["input"]
    texts = [raw] if isinstance(raw, str) else [item if isinstance(item, str) else json.dumps(item) for item in raw]
    results: list[dict[str, Any]] = []
    for text in texts:
        words = text.lower()
        categories = {name: any(w in words for w in hits) for name, hits in _CATEGORIES.items()}
        scores = {name: 0.9 if flagged else 0.01 for name, flagged in categories.items()}
        results.append({"flagged": any(categories.values()), "categories": categories, "category_scores": scores})
    model = body.get("model") or "omni-moderation-latest"
    return _json({"id": _new_id("modr-"), "model": model, "results": results})


def _create_file(request: RecordedRequest, _id: str, store: FakeStore, _delay: float) -> Reply:
    form = request.form
    upload = form.get("file")
    if not isinstance(upload, tuple):
        return _json(error_body(400, "no file uploaded"), 400)
    name, data = cast("tuple[str, bytes]", upload)
    file_id = _new_id("file-")
    obj = {
        "id": file_id,
        "object": "file",
        "bytes": len(data),
        "created_at": int(time.time()),
        "filename": name,
        "purpose": form.get("purpose", ""),
        "status": "processed",
    }
    store.files[file_id] = StoredFile(obj, data)
    return _json(obj)


def _list_files(request: RecordedRequest, _id: str, store: FakeStore, _delay: float) -> Reply:
    params = request.params
    files = [f.object for f in store.files.values() if params.get("purpose") in (None, f.object["purpose"])]
    return _json(_page(files, params))


def _retrieve_file(_request: RecordedRequest, file_id: str, store: FakeStore, _delay: float) -> Reply:
    stored = store.files.get(file_id)
    return _json(stored.object) if stored else _not_found("File object", file_id)


def _delete_file(_request: RecordedRequest, file_id: str, store: FakeStore, _delay: float) -> Reply:
    if store.files.pop(file_id, None) is None:
        return _not_found("File object", file_id)
    return _json({"id": file_id, "object": "file", "deleted": True})


def _file_content(_request: RecordedRequest, file_id: str, store: FakeStore, _delay: float) -> Reply:
    stored = store.files.get(file_id)
    return Reply(200, stored.content, "application/octet-stream") if stored else _not_found("File object", file_id)


def _create_batch(request: RecordedRequest, _id: str, store: FakeStore, _delay: float) -> Reply:
    body = request.json
    source = store.files.get(body["input_file_id"])
    if source is None:
        return _not_found("File object", body["input_file_id"])
    lines = len([line for line in source.content.splitlines() if line.strip()])
    batch_id = _new_id("batch_")
    store.batches[batch_id] = {
        "id": batch_id,
        "object": "batch",
        "endpoint": body["endpoint"],
        "input_file_id": body["input_file_id"],
        "completion_window": body["completion_window"],
        "status": "validating",
        "created_at": int(time.time()),
        "request_counts": {"total": lines, "completed": 0, "failed": 0},
        "metadata": body.get("metadata"),
    }
    return _json(store.batches[batch_id])


def _list_batches(request: RecordedRequest, _id: str, store: FakeStore, _delay: float) -> Reply:
    return _json(_page(list(store.batches.values()), request.params))


def _retrieve_batch(_request: RecordedRequest, batch_id: str, store: FakeStore, _delay: float) -> Reply:
    batch = store.batches.get(batch_id)
    if batch is None:
        return _not_found("batch", batch_id)
    if batch["status"] == "cancelling":  # what was being cancelled is cancelled by the next look
        batch.update(status="cancelled", cancelled_at=int(time.time()))
    return _json(batch)


def _cancel_batch(_request: RecordedRequest, batch_id: str, store: FakeStore, _delay: float) -> Reply:
    batch = store.batches.get(batch_id)
    if batch is None:
        return _not_found("batch", batch_id)
    batch.update(status="cancelling", cancelling_at=int(time.time()))
    return _json(batch)


def _create_response(request: RecordedRequest, _id: str, store: FakeStore, delay: float) -> Reply:
    """The Responses API's answer, kept (with its input) so it can be fetched, listed and deleted later."""
    reply = _fake_api.answer(request, delay)
    if reply.status == 200 and isinstance(reply.body, bytes):
        response = json.loads(reply.body)
        store.responses[response["id"]] = response
        store.input_items[response["id"]] = _items(request.json["input"])
    return reply


def _items(raw: Any) -> list[dict[str, Any]]:
    messages: list[Any] = [{"role": "user", "content": raw}] if isinstance(raw, str) else list(raw)
    items: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        content = message.get("content", "")
        parts = [{"type": "input_text", "text": content}] if isinstance(content, str) else content
        items.append({"id": f"msg_in_{index}", "type": "message", "role": message.get("role"), "content": parts})
    return items


def _get_response(_request: RecordedRequest, response_id: str, store: FakeStore, _delay: float) -> Reply:
    response = store.responses.get(response_id)
    return _json(response) if response else _not_found("response", response_id)


def _delete_response(_request: RecordedRequest, response_id: str, store: FakeStore, _delay: float) -> Reply:
    if store.responses.pop(response_id, None) is None:
        return _not_found("response", response_id)
    store.input_items.pop(response_id, None)
    return _json({"id": response_id, "object": "response", "deleted": True})


def _cancel_response(_request: RecordedRequest, response_id: str, store: FakeStore, _delay: float) -> Reply:
    response = store.responses.get(response_id)
    if response is None:
        return _not_found("response", response_id)
    response["status"] = "cancelled"
    return _json(response)


def _input_items(request: RecordedRequest, response_id: str, store: FakeStore, _delay: float) -> Reply:
    items = store.input_items.get(response_id)
    if items is None:
        return _not_found("response", response_id)
    params = request.params
    ordered = items if params.get("order") == "asc" else items[::-1]
    return _json(_page(ordered, params))


_ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/images/edits"): _image_edit,
    ("POST", "/moderations"): _moderations,
    ("POST", "/files"): _create_file,
    ("GET", "/files"): _list_files,
    ("GET", "/files/{id}"): _retrieve_file,
    ("DELETE", "/files/{id}"): _delete_file,
    ("GET", "/files/{id}/content"): _file_content,
    ("POST", "/batches"): _create_batch,
    ("GET", "/batches"): _list_batches,
    ("GET", "/batches/{id}"): _retrieve_batch,
    ("POST", "/batches/{id}/cancel"): _cancel_batch,
    ("POST", "/responses"): _create_response,
    ("GET", "/responses/{id}"): _get_response,
    ("DELETE", "/responses/{id}"): _delete_response,
    ("POST", "/responses/{id}/cancel"): _cancel_response,
    ("GET", "/responses/{id}/input_items"): _input_items,
}
