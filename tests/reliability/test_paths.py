"""Ids that go into a URL path must stay in their segment (issue 22, items 6 and 7, and every other id).

An id of `.` or `..` is a dot-segment: the HTTP client resolves it, so `DELETE /v1/files/..` becomes `DELETE /v1`.
Raw openai refuses such paths before sending (`ValueError: Constructed path ... contains dot-segment`); every
function of shim that puts an id in a path must too, and so must shim's own openai clients after they strip the
`litellm_proxy/` prefix. Counted at the server: requests that arrived at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
from collections.abc import Callable, Coroutine
from typing import Any

import openai
import pytest

import shim
from shim import cli
from shim.testing import FakeProxy

from .figures import Figures

DOT_IDS = [".", ".."]

# Every public function that puts an id in a path, and its async twin.
ID_FUNCTIONS: list[tuple[str, Callable[..., Any], Callable[..., Coroutine[Any, Any, Any]]]] = [
    ("file_retrieve", shim.file_retrieve, shim.afile_retrieve),
    ("file_delete", shim.file_delete, shim.afile_delete),
    ("file_content", shim.file_content, shim.afile_content),
    ("retrieve_batch", shim.retrieve_batch, shim.aretrieve_batch),
    ("cancel_batch", shim.cancel_batch, shim.acancel_batch),
    ("get_responses", shim.get_responses, shim.aget_responses),
    ("delete_responses", shim.delete_responses, shim.adelete_responses),
    ("cancel_responses", shim.cancel_responses, shim.acancel_responses),
    ("list_input_items", shim.list_input_items, shim.alist_input_items),
]


def _refused(call: Callable[[], object]) -> bool:
    """True when the call raised a ValueError naming the dot-segment (before anything was sent)."""
    try:
        call()
    except ValueError as error:
        return "dot-segment" in str(error)
    except openai.APIError:
        return False
    return False


def test_dot_ids_are_refused_before_io_by_every_id_function(multi: FakeProxy, figures: Figures) -> None:
    # Was: file_delete(".") sent DELETE /v1/files, delete_responses("..") DELETE /v1, file_retrieve("..") GET /v1.
    options = {"api_base": multi.url + "/v1", "api_key": "sk-1", "num_retries": 0}
    calls = refused = 0
    for _, sync, asynchronous in ID_FUNCTIONS:
        for dot in DOT_IDS:
            calls += 2
            refused += _refused(functools.partial(sync, dot, **options))
            refused += _refused(lambda f=asynchronous, dot=dot: asyncio.run(f(dot, **options)))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        status = cli.main(["files", "delete", "..", "--api-base", multi.url, "--api-key", "sk-1"])
    calls += 1
    refused += status != 0 and "dot-segment" in out.getvalue()
    sent = [f"{r.method} {r.path}" for r in multi.requests]
    figures.set("paths", "ids '.' and '..' (every id function, sync and async, and `shim files delete`)", calls)
    figures.set("paths", "ids '.' and '..': refused before I/O", refused)
    figures.set("paths", "ids '.' and '..': requests sent", len(sent))
    assert sent == []
    assert refused == calls


@pytest.mark.parametrize("dot", ["x.", ".x", "...", "a..b", "%2e%2e"])
def test_ids_with_dots_that_are_not_dot_segments_still_work(multi: FakeProxy, dot: str) -> None:
    # `...` or `%2e%2e` are not dot-segments once quoted: the id stays in its segment, and the gateway says 404.
    with pytest.raises(shim.NotFoundError):
        shim.file_retrieve(dot, api_base=multi.url, api_key="sk-1", num_retries=0)
    [request] = multi.requests
    assert request.path.startswith("/files/") and request.path != "/files/"


def test_a_model_id_is_checked_after_the_prefix_is_stripped(
    multi: FakeProxy, monkeypatch: pytest.MonkeyPatch, figures: Figures
) -> None:
    # Was: shim.OpenAI().models.delete("litellm_proxy/..") sent DELETE /v1 (the SDK checked the path before the
    # prefix was stripped); so did the patched openai client's models.retrieve/delete.
    monkeypatch.setattr(shim, "api_base", multi.url + "/v1")
    monkeypatch.setattr(shim, "api_key", "sk-1")
    client = shim.OpenAI(max_retries=0)
    user = openai.OpenAI(api_key="sk-openai", base_url="http://127.0.0.1:9", max_retries=0)
    calls: list[Callable[[], object]] = []
    for dot in DOT_IDS:
        model = "litellm_proxy/" + dot
        calls += [
            lambda model=model: client.models.delete(model),
            lambda model=model: client.models.retrieve(model),
            lambda dot=dot: client.files.delete(dot),  # the SDK's own check, kept on every openai release
        ]
    refused = sum(_refused(call) for call in calls)
    patched = [lambda dot=dot: user.models.retrieve("litellm_proxy/" + dot) for dot in DOT_IDS]
    patched += [lambda dot=dot: user.models.delete("litellm_proxy/" + dot) for dot in DOT_IDS]
    with shim.patch_openai():
        refused += sum(_refused(call) for call in patched)

    async def async_calls() -> int:
        aclient = shim.AsyncOpenAI(max_retries=0)
        found = 0
        for dot in DOT_IDS:
            try:
                await aclient.models.delete("litellm_proxy/" + dot)
            except ValueError as error:
                found += "dot-segment" in str(error)
            except openai.APIError:
                pass
        return found

    refused += asyncio.run(async_calls())
    total = len(calls) + len(patched) + len(DOT_IDS)
    sent = [f"{r.method} {r.path}" for r in multi.requests]
    figures.set("paths", "models 'litellm_proxy/.' and '/..' on shim.OpenAI and the patched SDK: calls", total)
    figures.set("paths", "models 'litellm_proxy/.' and '/..': requests sent", len(sent))
    user.close()
    assert sent == []
    assert refused == total
    with pytest.raises(openai.NotFoundError):  # a model name still goes out (the fake serves no model by id)
        client.models.retrieve("litellm_proxy/m")
    assert multi.requests[-1].path == "/v1/models/m"


def test_a_model_id_that_is_only_the_prefix_is_refused(multi: FakeProxy, figures: Figures) -> None:
    # Beyond the listed cases: `litellm_proxy/` strips to an empty id, and GET /v1/models/ is the model list (a
    # delete there goes to the collection): the SDK refuses an empty id, but saw it with the prefix on.
    client = shim.OpenAI(api_key="sk-1", base_url=multi.url + "/v1", max_retries=0)
    calls = [lambda: client.models.retrieve("litellm_proxy/"), lambda: client.models.delete("litellm_proxy/")]
    refused = 0
    for call in calls:
        try:
            call()
        except ValueError as error:
            refused += "empty" in str(error)
        except openai.APIError:
            pass
    sent = [f"{r.method} {r.path}" for r in multi.requests]
    figures.set("paths", "models 'litellm_proxy/' (nothing after the prefix) on shim.OpenAI: requests sent", len(sent))
    assert sent == []
    assert refused == len(calls)
