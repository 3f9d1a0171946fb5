"""Each place shim touches the openai SDK below its public API (shim/_transport/internals.py) still works as shim assumes.

These fail loudly, naming the touch, when an openai release moves or changes one; shim itself then falls back to
the public behaviour each one's docstring names, so a user's calls keep working while this is fixed.
"""

from __future__ import annotations

import inspect

import openai
import pytest

import shim
from shim._transport import internals
from shim._transport.internals import PooledOpenAI
from shim.testing import FakeProxy


def test_the_request_options_template_has_every_field_shim_sets() -> None:
    if "content" not in inspect.signature(openai.OpenAI.post).parameters:  # openai 1.x
        pytest.skip(f"openai {openai.__version__} serializes the body itself: shim calls post(), not the template")
    template = internals.post_template()
    assert template is not None, "openai._models.FinalRequestOptions moved or lost a field: shim falls back to post()"
    copy = template.model_copy(update={"url": "chat/completions", "content": b"{}", "headers": {"a": "b"}})
    assert (copy.method, copy.url, copy.content, copy.headers) == ("post", "chat/completions", b"{}", {"a": "b"})


def test_a_client_keeps_its_http_pool_where_copy_reads_it() -> None:
    client = openai.OpenAI(api_key="k", base_url="http://127.0.0.1:9")
    try:
        pool = internals.http_client_of(client)
        assert pool is not None, "openai.OpenAI no longer keeps its HTTP client in `_client`"
        assert internals.http_client_of(client.with_options(timeout=3)) is pool  # a copy shares the pool
    finally:
        client.close()


def test_a_resource_knows_its_client() -> None:
    client = openai.OpenAI(api_key="k", base_url="http://127.0.0.1:9", max_retries=5)
    try:
        assert internals.client_of(client.chat.completions) is client, "resources no longer keep `_client`"
    finally:
        client.close()


def test_the_sdk_still_prepares_each_url_through_the_overridden_method() -> None:
    assert "_prepare_url" in vars(openai.OpenAI.__mro__[1]) or hasattr(openai.OpenAI, "_prepare_url")
    assert list(inspect.signature(openai.OpenAI._prepare_url).parameters) == ["self", "url"]  # pyright: ignore[reportPrivateUsage]
    client = PooledOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    try:
        first = client._prepare_url("chat/completions")  # pyright: ignore[reportPrivateUsage]
        assert str(first) == "http://127.0.0.1:9/v1/chat/completions"
        assert client._prepare_url("chat/completions") is first  # pyright: ignore[reportPrivateUsage]
    finally:
        client.close()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(internals.GatewayStream, openai.Stream), (internals.AsyncGatewayStream, openai.AsyncStream)],
)
def test_the_gateway_streams_serve_every_public_method_of_openais(ours: type, theirs: type) -> None:
    public = {name for name in vars(theirs) if not name.startswith("_") and callable(getattr(theirs, name))}
    public |= {"__iter__", "__next__"} if theirs is openai.Stream else {"__aiter__", "__anext__"}
    served = {name for name in public if getattr(ours, name) is not getattr(theirs, name)}
    inherited = public - served
    # Methods inherited from openai's class work only if they use nothing `__init__` sets: the context managers and
    # `aclose` (openai 3.x) call `close()`, which is served.
    assert inherited <= {"__enter__", "__exit__", "__aenter__", "__aexit__", "aclose"}, (
        f"openai.{theirs.__name__} has methods GatewayStream does not serve: {sorted(inherited)}"
    )


def test_the_raw_response_marker_is_openais() -> None:
    from openai import _constants  # the private constant, read here only to compare

    assert _constants.RAW_RESPONSE_HEADER.lower() == internals.RAW_RESPONSE_HEADER
    assert internals.wants_raw_response({_constants.RAW_RESPONSE_HEADER: "true"})


HI = [{"role": "user", "content": "hello world"}]


def test_without_a_usable_options_template_calls_go_through_post(
    gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An openai release that moved FinalRequestOptions, or dropped a field shim sets, gets the SDK's post().
    monkeypatch.setattr(internals, "post_template", lambda: None)
    response = shim.completion("litellm_proxy/m", HI, timeout=7, extra_headers={"X-Tenant": "t1"})
    request = gateway.requests[-1]
    assert response.choices[0].message.content == "echo: hello world"
    assert request.json == {"model": "m", "messages": HI}
    assert request.headers["x-tenant"] == "t1"
    assert request.headers["x-stainless-read-timeout"] == "7.0"
    assert request.api_key == gateway.api_key
