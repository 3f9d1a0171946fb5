"""Differential scenarios for image edits, moderations, files, batches and the Responses lifecycle.

Each calls one function the same way through LiteLLM's SDK and through shim (`custom_llm_provider="litellm_proxy"`
where LiteLLM needs it to reach the proxy) and observes what was sent and what came back.
"""

from __future__ import annotations

import gc
import io
import re
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .differential import Ctx, Obs, Scenario, hidden, outcome, sent

PROVIDER = {"custom_llm_provider": "litellm_proxy"}
BATCH_LINE = b'{"custom_id": "1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "chat"}}\n'
PNG = b"\x89PNG\r\n\x1a\nfake"
RESPONSE_ID = re.compile(r"resp_[^/]+")  # the proxy's ids differ on every call


def basics(r: Any, *fields: str) -> Obs:
    """The result's type, dict access, and chosen fields."""
    found: Obs = {"type": type(r).__name__, "dict access": _dict_access(r)}
    return found | {field: _field(r, field) for field in fields}


def _dict_access(r: Any) -> bool:
    try:
        r["id" if "id" in type(r).model_fields else "data"]
    except Exception:
        return False
    return True


def _field(r: Any, path: str) -> Any:
    value = r
    for part in path.split("."):
        value = value[int(part)] if part.isdigit() else getattr(value, part, "(absent)")
    return value


def call_scenario(
    function: str, kwargs: Callable[[Ctx], dict[str, Any]], read: Callable[[Any], Obs], *, hidden_params: bool = True
) -> Scenario:
    """Call `lib.<function>(**kwargs(ctx), **auth)` and observe it (also as its async twin when asked)."""

    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        call = getattr(lib, function)

        def observe(r: Any) -> Obs:
            return read(r) | (hidden(r, ctx) if hidden_params else {})

        found = sent(ctx, "model", "input", "endpoint") | await outcome(
            lambda: call(**kwargs(ctx), **ctx.auth), observe
        )
        forget_litellm_connections()
        return found

    return scenario


def forget_litellm_connections() -> None:
    """LiteLLM's async file calls leave their connection open (checked on a FakeProxy: shim's do not); collect it
    here, its warning silenced, rather than let it fail whichever test the garbage collector next runs in."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def png() -> io.BytesIO:
    upload = io.BytesIO(PNG)
    upload.name = "in.png"
    return upload


def image_edit(use_async: bool) -> Scenario:
    return call_scenario(
        "aimage_edit" if use_async else "image_edit",
        lambda ctx: {"image": png(), "prompt": "add a cat", "model": "litellm_proxy/edit"},
        lambda r: basics(r, "data.0.url"),
    )


def moderation(use_async: bool) -> Scenario:
    return call_scenario(
        "amoderation" if use_async else "moderation",
        lambda ctx: {"input": "kill the lights", "model": "litellm_proxy/moderate"},
        lambda r: basics(r, "results.0.flagged", "model"),
    )


def files(function: str, args: dict[str, Any], *fields: str) -> Scenario:
    return call_scenario(function, lambda ctx: args | PROVIDER, lambda r: basics(r, *fields), hidden_params=False)


def file_content(lib_ctx_function: str) -> Scenario:
    return call_scenario(
        lib_ctx_function,
        lambda ctx: {"file_id": "file-abc"} | PROVIDER,
        lambda r: {"type": type(r).__name__, "content": r.content.decode()},
        hidden_params=False,
    )


def stored_response(function: str, read: Callable[[Any], Obs], **kwargs: Any) -> Scenario:
    """Make a response through the proxy with `lib.responses`, then call `function` on its id."""

    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        made = lib.responses(model="litellm_proxy/responses", input="keep me", **ctx.auth)
        ctx.tap.clear()
        call = getattr(lib, function)
        found = await outcome(lambda: call(made.id, **kwargs, **ctx.auth), read)
        return {key: RESPONSE_ID.sub("resp_<id>", str(value)) for key, value in sent(ctx).items()} | found

    return scenario


SAME_TYPE = (
    "shim's subclass of the same openai type (`{}`), with dict access and `_hidden_params`; LiteLLM's is its own "
    "subclass of it, or the openai type itself"
)
LITELLM_NO_DICT = 'every shim result takes `r["field"]`, as its other results do; LiteLLM\'s openai objects do not'
PAGE = (
    "a page of results as one object (`.data`, `has_more`, `first_id`, `last_id`) with dict access; LiteLLM "
    "returns the openai SDK's cursor page, which needs the SDK's client to fetch the next page"
)


def _each(rows: tuple[str, ...], field: str, difference: str) -> dict[tuple[str, str], str]:
    return {(row, field): difference for row in rows}


# Anchor id -> why shim differs on these endpoints; merged into `matrix.DIFFERENCES`.
DIFFERENCES: dict[str, str] = {
    "moderation-prefix": (
        "LiteLLM's sync `moderation` sends `litellm_proxy/moderate` with its prefix, a group the proxy does not "
        "know (it then fails for lack of an OpenAI key); shim strips the prefix as everywhere (`amoderation` "
        "strips it in LiteLLM too)"
    ),
    "files-same-type": "files, batches, moderation: "
    + SAME_TYPE.format("FileObject`, `Batch`, `ModerationCreateResponse"),
    "files-dict-access": "files: " + LITELLM_NO_DICT,
    "files-page": "files and batches lists: " + PAGE,
    "files-binary": (
        "`file_content`: `shim.BinaryResponse` subclasses `openai.HttpxBinaryResponseContent`, and adds `with` and "
        "`stream=True`"
    ),
    "input-items-type": (
        "`list_input_items`: an `openai.types.responses.ResponseItemList` with dict access at every level; LiteLLM "
        "returns a plain dict"
    ),
}
# (row id, field) -> the difference it shows; merged into `matrix.REASONS`.
REASONS: dict[tuple[str, str], str] = {
    **_each(("moderation",), "*", "moderation-prefix"),
    **_each(("moderation", "amoderation"), "type", "files-same-type"),
    **_each(("create_file", "acreate_file"), "type", "files-same-type"),
    **_each(("file_retrieve", "file_delete"), "dict access", "files-dict-access"),
    **_each(("file_list", "list_batches", "alist_batches"), "type", "files-page"),
    **_each(("file_list", "list_batches", "alist_batches"), "dict access", "files-page"),
    **_each(("file_content", "afile_content"), "type", "files-binary"),
    **_each(("create_batch", "retrieve_batch", "cancel_batch"), "type", "files-same-type"),
    **_each(("list_input_items",), "type", "input-items-type"),
}

ROWS: list[tuple[str, str, Scenario]] = [
    ("image_edit", "`image_edit`", image_edit(False)),
    ("aimage_edit", "`aimage_edit`", image_edit(True)),
    ("moderation", "`moderation` (prefix)", moderation(False)),
    ("amoderation", "`amoderation`", moderation(True)),
    (
        "create_file",
        "`create_file`",
        files("create_file", {"file": ("in.jsonl", BATCH_LINE), "purpose": "batch"}, "filename", "bytes", "purpose"),
    ),
    ("acreate_file", "`acreate_file`", files("acreate_file", {"file": ("in.jsonl", BATCH_LINE), "purpose": "batch"})),
    ("file_retrieve", "`file_retrieve`", files("file_retrieve", {"file_id": "file-abc"}, "id", "filename")),
    ("file_list", "`file_list`", files("file_list", {"purpose": "batch"}, "data.0.id")),
    ("file_content", "`file_content`", file_content("file_content")),
    ("afile_content", "`afile_content`", file_content("afile_content")),
    ("file_delete", "`file_delete`", files("file_delete", {"file_id": "file-abc"}, "id", "deleted")),
    (
        "create_batch",
        "`create_batch`",
        files(
            "create_batch",
            {"completion_window": "24h", "endpoint": "/v1/chat/completions", "input_file_id": "file-abc"},
            "status",
            "input_file_id",
        ),
    ),
    ("retrieve_batch", "`retrieve_batch`", files("retrieve_batch", {"batch_id": "batch_abc"}, "id", "status")),
    ("cancel_batch", "`cancel_batch`", files("cancel_batch", {"batch_id": "batch_abc"}, "status")),
    ("list_batches", "`list_batches`", files("list_batches", {"limit": 2}, "data.0.id")),
    ("alist_batches", "`alist_batches`", files("alist_batches", {"limit": 2}, "data.0.id")),
    (
        "get_responses",
        "`get_responses`",
        stored_response("get_responses", lambda r: basics(r, "status", "output_text")),
    ),
    ("aget_responses", "`aget_responses`", stored_response("aget_responses", lambda r: basics(r, "status"))),
    (
        "list_input_items",
        "`list_input_items`",
        stored_response("list_input_items", lambda r: {"type": type(r).__name__, "role": r["data"][0]["role"]}),
    ),
    ("cancel_responses", "`cancel_responses`", stored_response("cancel_responses", lambda r: basics(r, "status"))),
    ("delete_responses", "`delete_responses`", stored_response("delete_responses", lambda r: basics(r, "deleted"))),
]
