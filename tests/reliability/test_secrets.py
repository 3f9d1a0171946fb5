"""Secrets: a key never shows in the repr/str of a shim object or exception, in a log record at any level, or
as a key of the client cache; not even when the gateway echoes it back."""

from __future__ import annotations

import gc
import logging
import pickle
from collections.abc import Callable
from typing import Any

import openai
import pytest

import shim
from shim import _http
from shim.testing import FakeProxy
from tests.conftest import HI

from .figures import Figures
from .rawserver import RawServer

KEY = "sk-live-0123456789abcdefSECRET"
SSE = {"content-type": "text/event-stream"}
LOGGERS = ["", "openai", "httpx2", "httpcore2", "httpx", "httpcore", "shim"]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _texts(value: Any) -> list[str]:
    texts = [repr(value), str(value)]
    if isinstance(value, BaseException):
        texts += [repr(value.args), str(getattr(value, "message", "")), repr(getattr(value, "body", None))]
    if isinstance(value, openai.BaseModel):
        texts += [value.model_dump_json(), repr(getattr(value, "_hidden_params", None)), pickle.dumps(value).hex()]
        texts.append(pickle.dumps(value).decode("latin-1"))
    return texts


def _scenarios(proxy: FakeProxy, raw: RawServer) -> list[tuple[str, Callable[[], Any]]]:
    kw: dict[str, Any] = {"api_base": proxy.url, "api_key": KEY, "num_retries": 1}
    echo = {"error": {"message": f"Invalid key {KEY} for this route", "code": "401"}}

    def respond(*args: Any, **kwargs: Any) -> Callable[[], None]:
        return lambda: proxy.respond(*args, **kwargs)

    def nothing() -> None:
        return None

    return [
        ("result", lambda: (nothing(), shim.completion("litellm_proxy/m", HI, **kw))[1]),
        ("stream and chunks", lambda: (s := shim.completion("litellm_proxy/m", HI, stream=True, **kw), list(s))),
        ("401 echoing the key", lambda: (respond(401, body=echo)(), shim.completion("litellm_proxy/m", HI, **kw))[1]),
        (
            "200 error echoing the key",
            lambda: (respond(200, body=echo)(), shim.completion("litellm_proxy/m", HI, **kw))[1],
        ),
        (
            "HTML echoing the key",
            lambda: (
                respond(200, body=f"<p>{KEY}</p>".encode(), headers={"content-type": "text/html"})(),
                shim.completion("litellm_proxy/m", HI, **kw),
            )[1],
        ),
        (
            "500 page echoing the key",
            lambda: (
                respond(500, body=f"<p>{KEY}</p>".encode(), times=2, headers={"retry-after-ms": "1"})(),
                shim.completion("litellm_proxy/m", HI, **kw),
            )[1],
        ),
        (
            "stream event echoing the key",
            lambda: (
                respond(200, body=f"data: {{{KEY}\n\n".encode(), headers=SSE)(),
                list(shim.completion("litellm_proxy/m", HI, stream=True, **kw)),
            )[1],
        ),
        (
            "429 retried",
            lambda: (respond(429, headers={"retry-after-ms": "1"})(), shim.completion("litellm_proxy/m", HI, **kw))[1],
        ),
        (
            "connection refused",
            lambda: shim.completion("litellm_proxy/m", HI, api_base="http://127.0.0.1:9", api_key=KEY, num_retries=0),
        ),
        (
            "reset",
            lambda: (
                raw.script(b"", end="rst"),
                shim.completion("litellm_proxy/m", HI, api_base=raw.url, api_key=KEY, num_retries=0),
            )[1],
        ),
        (
            "timeout",
            lambda: (
                respond(200, delay=1.0)(),
                shim.completion("litellm_proxy/m", HI, **{**kw, "timeout": 0.1, "num_retries": 0}),
            )[1],
        ),
        ("key with a newline", lambda: shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=KEY + "\n")),
        ("bad route", lambda: shim.completion("gpt-4o", HI, api_base=proxy.url, api_key=KEY)),
    ]


async def test_keys_never_show_in_objects_exceptions_or_logs(
    debug_logs: pytest.LogCaptureFixture, figures: Figures
) -> None:
    with FakeProxy(api_key=KEY) as proxy, RawServer() as raw:
        seen: list[str] = []
        for name, scenario in _scenarios(proxy, raw):
            try:
                outcome = scenario()
            except Exception as error:
                outcome = error
            for value in outcome if isinstance(outcome, (list, tuple)) else [outcome]:
                seen += [f"{name}: {text}" for text in _texts(value)]
        stream = await shim.acompletion("litellm_proxy/m", HI, stream=True, api_base=proxy.url, api_key=KEY)
        seen += _texts(stream) + _texts(shim.client_cache)
        await stream.aclose()
        await shim.aclose()
    leaks = [text[:200] for text in seen if KEY in text]
    records = [r for r in debug_logs.records if KEY in r.getMessage() or KEY in repr(r.args)]
    figures.set("secrets", "texts checked (repr, str, message, body, dumps, pickles)", len(seen))
    figures.set("secrets", "log records checked at DEBUG", len(debug_logs.records))
    figures.set("secrets", "texts or log records showing a key", len(leaks) + len(records))
    assert leaks == []
    assert records == []
    assert len(debug_logs.records) > 10  # the SDK's debug logging was on


def _reachable_keys(root: object) -> list[object]:
    """Dict keys and tuple items reachable from `root`, without descending into openai clients or HTTP pools
    (a client holds its own key: that is its job, not a cache key)."""
    seen: set[int] = set()
    found: list[object] = []
    todo = [root]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, (openai.OpenAI, openai.AsyncOpenAI, _http.Client, _http.AsyncClient)):
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            found += list(obj)
        if isinstance(obj, tuple):
            found += list(obj)
        todo += gc.get_referents(obj)
    return found


def test_keys_are_never_cache_keys(figures: Figures) -> None:
    keys = [f"sk-tenant-{i}-{'x' * 20}" for i in range(50)]
    with FakeProxy(accept_any_key=True) as proxy:
        for key in keys:
            shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=key)
        found = _reachable_keys(shim.client_cache)
    figures.set("secrets", "cache keys and key parts checked", len(found))
    assert found  # the cache was reached and walked
    assert not [k for k in found if isinstance(k, (str, bytes)) and any(key in str(k) for key in keys)]
