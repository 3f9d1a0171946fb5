"""Differential scenarios for image edits, moderations, files, batches and the Responses lifecycle.

Each calls one function the same way through LiteLLM's SDK and through shim (`custom_llm_provider="litellm_proxy"`
where LiteLLM needs it to reach the proxy) and observes what was sent and what came back. The `call_type-*` rows
(listed under *Callbacks*) call each of these functions and its async twin with callbacks set, and observe which
callbacks fired and the `call_type` they got.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import io
import re
import warnings
from collections.abc import Callable
from datetime import datetime
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


# --- callbacks: the `call_type` each call reports --------------------------------------------------------------
# Each row calls a function and its async twin with an input callback, a success callback and a CustomLogger set,
# and observes which events fired and the `call_type` (and the summary's) each got: `call_type` is what logging
# backends group calls by, so shim must report LiteLLM's name for the same call.

Arguments = Callable[[ModuleType, Ctx], dict[str, Any]]
BEFORE = frozenset({"input", "logger pre"})  # the events that fire before the request is sent
QUIET = 0.3  # seconds without a new event after the expected ones: LiteLLM fires some from two threads


def call_types(function: str, arguments: Arguments) -> Scenario:
    """Call `lib.<function>` and `lib.a<function>` with callbacks set, and observe what each one's callbacks got."""

    async def scenario(lib: ModuleType, ctx: Ctx) -> Obs:
        found: Obs = {}
        for name in (function, f"a{function}"):
            found |= await observe_callbacks(lib, ctx, name, arguments)
        forget_litellm_connections()
        return found

    return scenario


async def observe_callbacks(lib: ModuleType, ctx: Ctx, name: str, arguments: Arguments) -> Obs:
    kwargs = arguments(lib, ctx) | ctx.auth  # made first: a stored response's own create call is not observed
    events: list[tuple[str, dict[str, Any]]] = []
    began = datetime.now()

    def record(kind: str, given: Any) -> None:
        if started_since(given, began):
            events.append((kind, dict(given)))

    set_callbacks(
        lib,
        ctx,
        input_callback=[lambda given: record("input", given)],
        success_callback=[lambda given, *_: record("success", given)],
        failure_callback=[lambda given, *_: record("failure", given)],
        callbacks=[recording_logger(lib, record)],
    )
    raised = await outcome(lambda: getattr(lib, name)(**kwargs), lambda r: {})
    await settle(events, name, {"success", "logger async success" if name.startswith("a") else "logger success"})
    success = next((given for kind, given in events if kind == "success"), None)
    summary = (success or {}).get("standard_logging_object") or {}
    kinds = {kind for kind, _ in events}
    return {
        f"{name} raises": raised.get("raises"),
        f"{name} before the request": sorted(kinds & BEFORE),
        f"{name} after the request": sorted(kinds - BEFORE),
        f"{name} call_type": sorted({str(given.get("call_type")) for _, given in events}),
        f"{name} standard_logging_object.call_type": summary.get("call_type", "(no summary)"),
    }


def started_since(given: Any, began: datetime) -> bool:
    """Whether a callback's `kwargs` are of a call that started at `began` or later. A callback set by a scenario also
    gets the late events of earlier calls (LiteLLM's sync handlers run in threads and read the callback lists when
    they run; its logging worker carries pending events over to the next event loop)."""
    start = given.get("start_time")
    return not isinstance(start, datetime) or start.replace(tzinfo=None) >= began


# LiteLLM files each CustomLogger of `callbacks` into these lists on a call, skipping one whose class (by name) is
# already there: without emptying them, a logger set by an earlier scenario would get this one's events.
LITELLM_DERIVED_LISTS = ("_async_input_callback", "_async_success_callback", "_async_failure_callback")


def set_callbacks(lib: ModuleType, ctx: Ctx, **lists: list[Any]) -> None:
    """Set `lib`'s callback lists for one scenario, as a program that sets them once would have them."""
    for name in LITELLM_DERIVED_LISTS:
        if hasattr(lib, name):
            ctx.monkeypatch.setattr(lib, name, [])
    for name, value in lists.items():
        ctx.monkeypatch.setattr(lib, name, value)


def recording_logger(lib: ModuleType, record: Callable[[str, Any], None]) -> Any:
    """A CustomLogger of `lib` that records each event it gets."""
    base = importlib.import_module(f"{lib.__name__}.integrations.custom_logger").CustomLogger

    class Logger(base):  # type: ignore[misc, valid-type]
        def log_pre_api_call(self, model: str, messages: Any, kwargs: Any) -> None:
            record("logger pre", kwargs)

        # LiteLLM passes these by keyword: its own parameter names
        def log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
            record("logger success", kwargs)

        async def async_log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
            record("logger async success", kwargs)

        def log_failure_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
            record("logger failure", kwargs)

        async def async_log_failure_event(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
            record("logger async failure", kwargs)

    return Logger()


async def settle(events: list[tuple[str, dict[str, Any]]], name: str, expected: set[str], limit: float = 5.0) -> None:
    """Wait for the expected events of the call `name` (`limit` seconds at most), then until no new event of any call
    came for `QUIET` seconds (calls LiteLLM makes inside one fire their own)."""
    for _ in range(int(limit / 0.01)):
        if expected <= {kind for kind, given in events if given.get("call_type") == name}:
            break
        await asyncio.sleep(0.01)
    count, still = len(events), 0
    while still < QUIET / 0.01:
        await asyncio.sleep(0.01)
        count, still = len(events), (still + 1 if len(events) == count else 0)


def stored_response_id(lib: ModuleType, ctx: Ctx) -> dict[str, Any]:
    return {"response_id": lib.responses(model="litellm_proxy/responses", input="keep me", **ctx.auth).id}


def fixed(arguments: dict[str, Any]) -> Arguments:
    return lambda lib, ctx: dict(arguments)


# Each function (its async twin is `a` + its name) and its arguments; rerank's row is with the other callback rows.
CALL_TYPE_CALLS: list[tuple[str, Arguments]] = [
    ("image_edit", lambda lib, ctx: {"image": png(), "prompt": "add a cat", "model": "litellm_proxy/edit"}),
    # LiteLLM's sync `moderation` fails on the prefixed model (moderation-prefix), so both sides name the group
    # bare and the route by `custom_llm_provider`, and the row sees only the callbacks.
    ("moderation", fixed({"input": "kill the lights", "model": "moderate"} | PROVIDER)),
    ("create_file", lambda lib, ctx: {"file": ("in.jsonl", BATCH_LINE), "purpose": "batch"} | PROVIDER),
    ("file_retrieve", fixed({"file_id": "file-abc"} | PROVIDER)),
    ("file_list", fixed({"purpose": "batch"} | PROVIDER)),
    ("file_content", fixed({"file_id": "file-abc"} | PROVIDER)),
    ("file_delete", fixed({"file_id": "file-abc"} | PROVIDER)),
    (
        "create_batch",
        fixed({"completion_window": "24h", "endpoint": "/v1/chat/completions", "input_file_id": "file-abc"} | PROVIDER),
    ),
    ("retrieve_batch", fixed({"batch_id": "batch_abc"} | PROVIDER)),
    ("cancel_batch", fixed({"batch_id": "batch_abc"} | PROVIDER)),
    ("list_batches", fixed({"limit": 2} | PROVIDER)),
    ("get_responses", stored_response_id),
    ("list_input_items", stored_response_id),
    ("cancel_responses", stored_response_id),
    ("delete_responses", stored_response_id),
]

CALL_TYPE_ROWS: list[tuple[str, str, Scenario]] = [
    (
        f"call_type-{function}",
        f"callbacks of `{function}` / `a{function}`: events, `call_type`",
        call_types(function, arguments),
    )
    for function, arguments in CALL_TYPE_CALLS
]

FILE_CALLS = ("create_file", "file_retrieve", "file_list", "file_content", "file_delete", "create_batch",
              "retrieve_batch", "list_batches")  # fmt: skip
NOT_LOGGED = ("moderation", "cancel_batch", "acancel_batch")
NO_SUMMARY = ("file_retrieve", "file_list", "afile_list", "file_delete", "afile_delete", "list_batches",
              "alist_batches", "delete_responses", "adelete_responses")  # fmt: skip
FIELDS = ("before the request", "after the request", "call_type", "standard_logging_object.call_type")

# Anchor id -> why shim's callbacks differ from LiteLLM's on these calls; merged into `matrix.DIFFERENCES`.
CALL_TYPE_DIFFERENCES: dict[str, str] = {
    "callback-files-input": (
        "callbacks: LiteLLM fires no `input_callback` and no `log_pre_api_call` for files and batches; shim fires "
        "them before every call's request, as LiteLLM does for chat"
    ),
    "callback-async-twice": (
        "callbacks: on an async call other than LiteLLM's own async list (`acompletion`, `aembedding`, "
        "`aresponses`, `aimage_generation`, `atranscription`, ...), LiteLLM calls a `CustomLogger`'s "
        "`log_success_event` as well as `async_log_success_event`, so a logger with both logs the call twice; "
        "shim calls the async one on every async call"
    ),
    "callback-not-logged": (
        "callbacks: LiteLLM's sync `moderation`, `cancel_batch` and `acancel_batch` fire no callback at all (they "
        "are not wrapped by its logging decorator); shim fires them as for every call, with LiteLLM's names for "
        "these calls (`CallTypes.moderation`, `cancel_batch`, `acancel_batch`)"
    ),
    "callback-summary": (
        "callbacks: shim's success `kwargs` have a `standard_logging_object` on every call; LiteLLM's have none for "
        "file lists, retrieves and deletions, batch lists and response deletions"
    ),
    "callback-batch-pricing": (
        "callbacks: LiteLLM's `aretrieve_batch` of a completed batch downloads its output file to price it, and "
        "that download fires callbacks of its own (`afile_content`); shim sends one request (the gateway prices "
        "batches)"
    ),
}


def _call_type_reasons() -> dict[tuple[str, str], str]:
    reasons: dict[tuple[str, str], str] = {}
    for function in ("rerank", *(function for function, _ in CALL_TYPE_CALLS)):
        row = f"call_type-{function}"
        if function != "cancel_batch":
            reasons[row, f"a{function} after the request"] = "callback-async-twice"
        for name in (function, f"a{function}"):
            if function in FILE_CALLS:
                reasons[row, f"{name} before the request"] = "callback-files-input"
            if name in NO_SUMMARY:
                reasons[row, f"{name} standard_logging_object.call_type"] = "callback-summary"
            if name in NOT_LOGGED:
                reasons |= {(row, f"{name} {field}"): "callback-not-logged" for field in FIELDS}
    reasons["call_type-retrieve_batch", "aretrieve_batch call_type"] = "callback-batch-pricing"
    return reasons


# (row id, field) -> the difference it shows; merged into `matrix.REASONS`.
CALL_TYPE_REASONS = _call_type_reasons()
