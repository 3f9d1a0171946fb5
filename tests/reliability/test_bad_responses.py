"""Bad answers from the gateway: a typed, readable error naming the endpoint and the problem, never a bare
KeyError/TypeError/AttributeError, and never an error object handed back as a result."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

import shim
from shim.testing import FakeProxy

from .endpoints import ENDPOINTS, IDS, JSON, STREAMING, Endpoint
from .figures import Figures

MIB = 1024 * 1024
SSE = {"content-type": "text/event-stream"}
READABLE = 2_000  # characters: an error message is for a human or a log line, not a copy of the body

NOT_JSON: list[tuple[str, bytes, dict[str, str]]] = [
    ("HTML error page", b"<html><body><h1>502 Bad Gateway</h1></body></html>", {"content-type": "text/html"}),
    ("truncated JSON", b'{"id": "x", "choices": [{"index": 0', {}),
    ("plain text", b"upstream connect error or disconnect/reset before headers", {"content-type": "text/plain"}),
    ("empty body", b"", {}),
    ("invalid UTF-8", b'{"choices": ["\xff\xfe\xfa"]}', {}),
    ("JSON array", b"[1, 2, 3]", {}),
    ("JSON string", b'"ok"', {}),
    ("JSON null", b"null", {}),
    ("huge HTML page", b"<html>" + b"x" * (8 * MIB) + b"</html>", {"content-type": "text/html"}),
]


def _check_readable(error: BaseException, endpoint: Endpoint) -> None:
    text = str(error)
    assert endpoint.path in text, text[:300]
    assert len(text) < READABLE, len(text)


async def _both(endpoint: Endpoint, proxy: FakeProxy, **kw: Any) -> list[BaseException]:
    """Call the endpoint sync and async (one scripted answer each); return the two exceptions."""
    errors: list[BaseException] = []
    for async_ in (False, True):
        try:
            result = endpoint.acall(**kw) if async_ else endpoint.call(**kw)
            if async_:
                result = await result
            if kw.get("stream"):
                if async_:
                    async for _ in result:
                        pass
                else:
                    list(result)
        except Exception as error:  # the assertion is on its type
            errors.append(error)
        else:
            pytest.fail(f"{endpoint.name} returned a result for a bad answer")
    return errors


@pytest.mark.parametrize("endpoint", JSON, ids=[e.name for e in JSON])
@pytest.mark.parametrize(("kind", "body", "headers"), NOT_JSON, ids=[c[0] for c in NOT_JSON])
async def test_a_200_that_is_not_a_json_object_is_a_validation_error(
    proxy: FakeProxy, figures: Figures, endpoint: Endpoint, kind: str, body: bytes, headers: dict[str, str]
) -> None:
    if endpoint.plain_text_ok and headers.get("content-type") == "text/plain":
        pytest.skip("plain text is a valid transcript")
    proxy.respond(200, body=body, headers=headers, times=2)
    for error in await _both(endpoint, proxy, api_base=proxy.url, api_key=proxy.api_key):
        assert isinstance(error, shim.APIResponseValidationError), repr(error)[:300]
        _check_readable(error, endpoint)
    figures.add("bad responses", "answers that are not a JSON object", 2)


@pytest.mark.parametrize("endpoint", JSON, ids=[e.name for e in JSON])
async def test_a_json_object_of_the_wrong_shape_is_a_validation_error(
    proxy: FakeProxy, figures: Figures, endpoint: Endpoint
) -> None:
    for body in endpoint.wrong_shapes:
        proxy.respond(200, body=body, times=2)
        for error in await _both(endpoint, proxy, api_base=proxy.url, api_key=proxy.api_key):
            assert isinstance(error, shim.APIResponseValidationError), f"{body}: {error!r}"
            _check_readable(error, endpoint)
        figures.add("bad responses", "JSON objects of the wrong shape", 2)


ERROR_OBJECTS: list[tuple[dict[str, Any], type[openai.APIError]]] = [
    ({"error": {"message": "quota exceeded", "type": "rate_limit", "code": "429"}}, shim.RateLimitError),
    ({"error": {"message": "bad key", "code": 401}}, shim.AuthenticationError),
    (
        {"error": {"message": "litellm.ContextWindowExceededError: too long", "code": "400"}},
        shim.ContextWindowExceededError,
    ),
    ({"error": {"message": "no such model", "code": "404"}}, shim.NotFoundError),
    ({"error": {"message": "upstream down"}}, shim.InternalServerError),
    ({"error": "a bare string"}, shim.InternalServerError),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
@pytest.mark.parametrize(("body", "expected"), ERROR_OBJECTS, ids=[str(i) for i in range(len(ERROR_OBJECTS))])
async def test_a_200_carrying_an_error_object_raises_the_matching_api_error(
    proxy: FakeProxy, figures: Figures, endpoint: Endpoint, body: dict[str, Any], expected: type
) -> None:
    proxy.respond(200, body=body, times=2)
    for error in await _both(endpoint, proxy, api_base=proxy.url, api_key=proxy.api_key):
        assert type(error) is expected, repr(error)
    figures.add("bad responses", "200 answers carrying an error object", 2)


@pytest.mark.parametrize("endpoint", STREAMING, ids=[e.name for e in STREAMING])
@pytest.mark.parametrize(
    ("kind", "body", "headers", "expected"),
    [
        ("error object as JSON", {"error": {"message": "quota", "code": "429"}}, {}, shim.RateLimitError),
        ("full JSON result instead of a stream", {"id": "x", "choices": []}, {}, shim.APIResponseValidationError),
        ("HTML page", b"<html>oops</html>", {"content-type": "text/html"}, shim.APIResponseValidationError),
        ("event is not JSON", b"data: {not json\n\n", SSE, shim.APIResponseValidationError),
        ("event is a JSON list", b"data: [1]\n\n", SSE, shim.APIResponseValidationError),
        ("event has choices of the wrong type", b'data: {"choices": [1]}\n\n', SSE, shim.APIResponseValidationError),
        ("invalid UTF-8 in an event", b'data: {"choices": [\xff]}\n\n', SSE, shim.APIResponseValidationError),
        ("only garbage lines", b"\x00\x01garbage\n:comment\nevent: x\nretry: 5\n\n", SSE, shim.APIConnectionError),
        (
            "error event mid-stream",
            b'data: {"error": {"message": "died", "code": "503"}}\n\n',
            SSE,
            shim.ServiceUnavailableError,
        ),
    ],
)
async def test_bad_streams_raise_typed_errors(
    proxy: FakeProxy,
    figures: Figures,
    endpoint: Endpoint,
    kind: str,
    body: Any,
    headers: dict[str, str],
    expected: type,
) -> None:
    if "choices" in kind and endpoint.name == "responses":
        pytest.skip("Responses API events have no choices")
    proxy.respond(200, body=body, headers=headers, times=2)
    for error in await _both(endpoint, proxy, api_base=proxy.url, api_key=proxy.api_key, stream=True):
        assert type(error) is expected, f"{kind}: {error!r}"
        if isinstance(error, shim.APIResponseValidationError):
            _check_readable(error, endpoint)
    figures.add("bad responses", "bad streams", 2)


async def test_garbage_lines_between_good_events_are_skipped(proxy: FakeProxy) -> None:
    good = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\n'
    proxy.respond(
        200,
        body=b": keep-alive\nevent: message\nid: 7\nretry: 10\nnonsense\n" + good + b"data: [DONE]\n\n",
        headers=SSE,
    )
    chunks = list(
        shim.completion(
            "litellm_proxy/m",
            [{"role": "user", "content": "hi"}],
            api_base=proxy.url,
            api_key=proxy.api_key,
            stream=True,
        )
    )
    assert [c.choices[0].delta.content for c in chunks] == ["ok"]


async def test_a_huge_valid_answer_comes_back_whole(proxy: FakeProxy, figures: Figures) -> None:
    content = "y" * (16 * MIB)
    body = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    }
    proxy.respond(200, body=json.dumps(body).encode())
    response = shim.completion(
        "litellm_proxy/m", [{"role": "user", "content": "hi"}], api_base=proxy.url, api_key=proxy.api_key
    )
    assert response.choices[0].message.content == content
    figures.set("bad responses", "largest answer body (MiB)", 16)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_huge_error_page_gives_a_readable_error(proxy: FakeProxy, status: int) -> None:
    proxy.respond(status, body=b"<html>" + b"z" * MIB + b"</html>", headers={"content-type": "text/html"})
    with pytest.raises(shim.InternalServerError) as info:
        shim.completion(
            "litellm_proxy/m",
            [{"role": "user", "content": "hi"}],
            api_base=proxy.url,
            api_key=proxy.api_key,
            num_retries=0,
        )
    assert len(str(info.value)) < READABLE
    assert str(status) in str(info.value)
