"""Defects the reliability suite found, one test each, so they stay fixed."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from typing import Any

import pytest

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

SSE = {"content-type": "text/event-stream"}


@pytest.mark.parametrize("body", [{"choices": [1]}, {"choices": [None]}, {"choices": [{"index": 0}, "x"]}])
def test_choices_that_are_not_objects_are_a_validation_error(gateway: FakeProxy, body: dict[str, Any]) -> None:
    # Was: a result whose choices[0].message raised AttributeError later (or, in a stream, at once).
    gateway.respond(200, body=body)
    with pytest.raises(shim.APIResponseValidationError, match=r"'choices\[\d\]' must be an object"):
        shim.completion("litellm_proxy/m", HI)
    events = b"data: " + json.dumps(body).encode() + b"\n\n"
    gateway.respond(200, body=events, headers=SSE)
    with pytest.raises(shim.APIResponseValidationError, match="must be an object"):
        list(shim.completion("litellm_proxy/m", HI, stream=True))


@pytest.mark.parametrize(
    ("body", "headers", "expected", "match"),
    [
        ({"error": {"message": "quota exceeded", "code": "429"}}, {}, shim.RateLimitError, "quota exceeded"),
        ({"id": "x", "choices": []}, {}, shim.APIResponseValidationError, "expected an event stream"),
        (b"<html>oops</html>", {"content-type": "text/html"}, shim.APIResponseValidationError, "not JSON"),
    ],
)
async def test_a_stream_answered_with_a_document_raises_what_the_document_says(
    gateway: FakeProxy, body: Any, headers: dict[str, str], expected: type, match: str
) -> None:
    # Was: APIConnectionError "stream ended before it finished", hiding a 200 {"error": ...} from the gateway.
    gateway.respond(200, body=body, headers=headers, times=2)
    with pytest.raises(expected, match=match):
        list(shim.completion("litellm_proxy/m", HI, stream=True))
    with pytest.raises(expected, match=match):
        async for _ in await shim.acompletion("litellm_proxy/m", HI, stream=True):
            pass


@pytest.mark.parametrize("url", ["user:s3cr3t-pw@host:4000", "admin:s3cr3t-pw@localhost", "ftp://u:s3cr3t-pw@host"])
def test_a_base_url_with_credentials_never_shows_them(proxy: FakeProxy, url: str) -> None:
    # Was: "api_base 'user://s3cr3t-pw@host:4000' is not an http(s) URL" (no scheme: urlsplit reads 'user' as one).
    with pytest.raises(shim.ConfigError) as info:
        shim.completion("litellm_proxy/m", HI, api_base=url, api_key="sk-1")
    assert "s3cr3t" not in str(info.value)
    assert not proxy.requests


@pytest.mark.parametrize("model", ["litellm_proxy/ gpt-4o", "litellm_proxy/gpt-4o\u3000", "litellm_proxy/\tgpt"])
def test_whitespace_after_the_prefix_is_a_route_error(gateway: FakeProxy, model: str) -> None:
    # Was: the model " gpt-4o" sent to the gateway, which answers with a confusing 400 or 404.
    with pytest.raises(shim.RouteError, match="litellm_proxy/"):
        shim.completion(model, HI)
    assert not gateway.requests


@pytest.mark.parametrize(
    "headers",
    [{"X-A\r\nX-Injected": "1"}, {"X-A: b": "1"}, {"": "1"}, {"X-é": "1"}, {"X-A": "é"}, {"X-A": "a\r\nX-B: c"}],
)
def test_bad_extra_headers_are_a_value_error_before_any_request(gateway: FakeProxy, headers: dict[str, str]) -> None:
    # Was: APIConnectionError after the SDK's retries (CR/LF in a name), or a bare UnicodeEncodeError.
    with pytest.raises(ValueError, match="extra_headers") as info:
        shim.completion("litellm_proxy/m", HI, extra_headers=headers)
    assert not isinstance(info.value, UnicodeError)
    assert not gateway.requests


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), 12052760735.0, -1, 0, "10", True])
def test_a_timeout_that_is_not_a_finite_positive_number_is_a_value_error(gateway: FakeProxy, timeout: object) -> None:
    # Was: nan gave httpx2's bare "Invalid value NaN", inf or 1.2e10 an OverflowError from the socket layer.
    with pytest.raises(ValueError, match="timeout must be"):
        shim.completion("litellm_proxy/m", HI, timeout=timeout)
    assert not gateway.requests


def _settled(proxy: FakeProxy) -> int:
    """The server's open connections once closes in flight have landed (a bounded wait, not a timing)."""
    for _ in range(250):
        if proxy.connections_open == 0:
            break
        time.sleep(0.02)
    return proxy.connections_open


def test_a_sync_stream_dropped_before_its_first_chunk_frees_its_connection(gateway: FakeProxy) -> None:
    # Was: the connection stayed checked out of the pool for good; 1,000 of these exhausted the pool.
    for _ in range(20):
        stream = shim.completion("litellm_proxy/m", HI, stream=True)
        del stream
    gc.collect()
    assert _settled(gateway) == 0
    assert gateway.connections_opened == 20


async def test_an_async_stream_dropped_before_its_first_chunk_frees_its_connection(gateway: FakeProxy) -> None:
    for _ in range(20):
        stream = await shim.acompletion("litellm_proxy/m", HI, stream=True)
        del stream
    gc.collect()
    for _ in range(250):  # the loop closes dropped generators in tasks of its own
        if gateway.connections_open == 0:
            break
        await asyncio.sleep(0.02)
    assert gateway.connections_open == 0
    await shim.aclose()


def test_a_model_list_of_bare_names_is_still_accepted(gateway: FakeProxy) -> None:
    # Guards the list-of-objects check above: /models answers may list names as strings.
    gateway.respond(200, body={"object": "list", "data": ["gpt-4o", {"id": "text-embedding-3-small"}]})
    assert shim.models() == ["gpt-4o", "text-embedding-3-small"]


@pytest.mark.parametrize(
    ("call", "body", "match"),
    [
        (lambda: shim.image_generation("litellm_proxy/m", "a cat"), {"created": 1}, "'data' must be a list"),
        (lambda: shim.image_generation("litellm_proxy/m", "a cat"), {"data": [1]}, r"'data\[0\]' must be an object"),
        (lambda: shim.responses("litellm_proxy/m", "hi"), {"id": "r"}, "'output' must be a list"),
        (lambda: shim.responses("litellm_proxy/m", "hi"), {"output": "x"}, "'output' must be a list"),
    ],
)
def test_images_and_responses_of_the_wrong_shape_are_validation_errors(
    gateway: FakeProxy, call: Any, body: dict[str, Any], match: str
) -> None:
    # Was: a result whose .data[0].url or .output_text raised a bare TypeError or AttributeError later.
    gateway.respond(200, body=body)
    with pytest.raises(shim.APIResponseValidationError, match=match):
        call()


@pytest.mark.parametrize(
    ("body", "headers", "match"),
    [
        (b"<html>Sign in to the corporate proxy</html>", {"content-type": "text/html"}, "not JSON"),
        ({"id": "x"}, {}, "'text' must be a string"),
        ({"text": 1}, {}, "'text' must be a string"),
    ],
)
def test_a_transcription_that_is_not_one_is_a_validation_error(
    gateway: FakeProxy, body: Any, headers: dict[str, str], match: str
) -> None:
    # Was: an HTML page returned as the transcript's text; a missing or numeric text returned as is.
    gateway.respond(200, body=body, headers=headers)
    with pytest.raises(shim.APIResponseValidationError, match=match):
        shim.transcription("litellm_proxy/whisper", b"RIFF....")
    gateway.respond(200, body=b"plain transcript", headers={"content-type": "text/plain"})
    assert shim.transcription("litellm_proxy/whisper", b"RIFF....").text == "plain transcript"
