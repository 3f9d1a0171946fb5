"""Every shim function through a real LiteLLM proxy: sync, async and streaming, and the errors the proxy produces.

The expected values follow from the fake upstream's deterministic answers (fake_api.py) and from what the proxy
does to them (FINDINGS.md): it answers with the model group's name and rewrites upstream error codes.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from typing import Any

import openai
import pytest

import shim

from .conftest import LiteLLMProxy

pytestmark = pytest.mark.proxy

HI = [{"role": "user", "content": "hello shim"}]


def audio() -> io.BytesIO:
    upload = io.BytesIO(b"RIFF\x00\x00\x00\x00WAVEfake-audio")
    upload.name = "clip.wav"
    return upload


@pytest.fixture
def gateway(litellm_proxy: LiteLLMProxy, monkeypatch: pytest.MonkeyPatch) -> LiteLLMProxy:
    monkeypatch.setattr(shim, "api_base", litellm_proxy.url)
    monkeypatch.setattr(shim, "api_key", litellm_proxy.api_key)
    return litellm_proxy


# function, arguments, upstream path, what the user reads, what they get
CASES: list[tuple[str, dict[str, Any], str, Callable[[Any], object], object]] = [
    ("completion", {"model": "litellm_proxy/chat", "messages": HI}, "/v1/chat/completions",
     lambda r: (r.choices[0].message.content, r.model, r["usage"]["total_tokens"]),
     ("echo: hello shim", "litellm_proxy/chat", 11)),
    ("text_completion", {"model": "litellm_proxy/text", "prompt": "say hi"}, "/v1/completions",
     lambda r: (r.choices[0].text, r.model), ("echo: say hi", "litellm_proxy/text")),
    ("embedding", {"model": "litellm_proxy/embed", "input": ["one two", "three"]}, "/v1/embeddings",
     lambda r: ([len(d.embedding) for d in r.data], r.model, r.usage.prompt_tokens),
     ([8, 8], "litellm_proxy/embed", 3)),
    ("image_generation", {"model": "litellm_proxy/image", "prompt": "a cat"}, "/v1/images/generations",
     lambda r: r["data"][0]["revised_prompt"], "a cat"),
    ("transcription", {"model": "litellm_proxy/transcribe"}, "/v1/audio/transcriptions",
     lambda r: r.text, "transcript of clip.wav (22 bytes)"),
    ("speech", {"model": "litellm_proxy/speech", "input": "say this", "voice": "alloy"}, "/v1/audio/speech",
     lambda r: r.content, b"ID3\x04\x00\x00\x00\x00\x00\x00fake-mp3:say this"),
    ("rerank", {"model": "litellm_proxy/rerank", "query": "green", "documents": ["black coffee", "green tea"]},
     "/v2/rerank", lambda r: [(x.index, x.document) for x in r.results], [(1, {"text": "green tea"}), (0, {"text": "black coffee"})]),
    ("responses", {"model": "litellm_proxy/responses", "input": "hi responses"}, "/v1/responses",
     lambda r: (r.output_text, r.model, r["usage"]["total_tokens"]), ("echo: hi responses", "litellm_proxy/responses", 5)),
]  # fmt: skip


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("function", "kwargs", "path", "read", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_every_endpoint_through_the_proxy(
    gateway: LiteLLMProxy,
    use_async: bool,
    function: str,
    kwargs: dict[str, Any],
    path: str,
    read: Callable[[Any], object],
    expected: object,
):
    if function == "transcription":
        kwargs = kwargs | {"file": audio()}
    result = getattr(shim, f"a{function}" if use_async else function)(**kwargs)
    result = await result if inspect.isawaitable(result) else result
    assert read(result) == expected
    assert gateway.upstream.last(path).json()["model"].startswith("fake-")
    assert result._hidden_params["litellm_model_name"] == kwargs["model"]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_models_lists_the_groups(gateway: LiteLLMProxy, use_async: bool):
    names = await shim.amodels() if use_async else shim.models()
    assert {"chat", "embed", "rerank", "responses", "team/chat"} <= set(names)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_chat_stream_through_the_proxy(gateway: LiteLLMProxy, use_async: bool):
    kwargs: dict[str, Any] = {"stream": True, "stream_options": {"include_usage": True}}
    if use_async:
        chunks = [c async for c in await shim.acompletion("litellm_proxy/chat", HI, **kwargs)]
    else:
        chunks = list(shim.completion("litellm_proxy/chat", HI, **kwargs))
    built = shim.stream_chunk_builder(chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "echo: hello shim"
    assert {c.model for c in chunks} == {"litellm_proxy/chat"}
    assert (built.choices[0].message.content, built.usage and built.usage.total_tokens) == ("echo: hello shim", 11)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_text_and_responses_streams_through_the_proxy(gateway: LiteLLMProxy, use_async: bool):
    if use_async:
        texts = [c async for c in await shim.atext_completion("litellm_proxy/text", "stream me", stream=True)]
        events = [e async for e in await shim.aresponses("litellm_proxy/responses", "live events", stream=True)]
    else:
        texts = list(shim.text_completion("litellm_proxy/text", "stream me", stream=True))
        events = list(shim.responses("litellm_proxy/responses", "live events", stream=True))
    assert "".join(c.choices[0].text or "" for c in texts if c.choices) == "echo: stream me"  # the proxy ends on null
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "echo: live events"
    assert events[-1].type == "response.completed"
    assert gateway.upstream.last("/v1/responses").json()["stream"] is True  # a real stream, not a faked one


async def test_speech_streams_when_asked(gateway: LiteLLMProxy):
    with shim.speech("litellm_proxy/speech", input="long audio", voice="alloy", stream=True) as audio_out:
        assert b"".join(audio_out.iter_bytes()).endswith(b"fake-mp3:long audio")


async def chat(use_async: bool, model: str, **kwargs: Any) -> shim.ModelResponse:
    return await shim.acompletion(model, HI, **kwargs) if use_async else shim.completion(model, HI, **kwargs)


@pytest.mark.parametrize(
    ("model", "key", "error", "status"),
    [
        ("no-such-group", None, shim.BadRequestError, 400),
        ("chat", "sk-not-the-master-key", shim.BadRequestError, 400),  # no DB behind the proxy: 400, not 401
        ("fail-429", None, shim.RateLimitError, 429),
        ("fail-500", None, shim.InternalServerError, 500),
        ("ctx-window", None, shim.ContextWindowExceededError, 400),
    ],
)
@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_error_paths_of_the_proxy(
    gateway: LiteLLMProxy, use_async: bool, model: str, key: str | None, error: type[Exception], status: int
):
    kwargs: dict[str, Any] = {"num_retries": 0, "api_key": key or gateway.api_key}
    with pytest.raises(error) as caught:
        await chat(use_async, f"litellm_proxy/{model}", **kwargs)
    assert isinstance(caught.value, openai.APIStatusError)
    assert (caught.value.status_code, caught.value.llm_provider, caught.value.model) == (status, "litellm_proxy", model)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (
            lambda: list(shim.completion("litellm_proxy/fail-500", HI, stream=True, num_retries=0)),
            shim.InternalServerError,
        ),
        (lambda: shim.embedding("litellm_proxy/fail-429", input="x", num_retries=0), shim.RateLimitError),
        (lambda: shim.responses("litellm_proxy/ctx-window", input="x", num_retries=0), shim.ContextWindowExceededError),
        (lambda: shim.rerank("litellm_proxy/no-such-group", query="q", documents=["d"]), shim.BadRequestError),
    ],
    ids=["stream-500", "embedding-429", "responses-ctx-window", "rerank-unknown-model"],
)
def test_errors_on_other_endpoints(gateway: LiteLLMProxy, call: Callable[[], object], error: type[Exception]):
    with pytest.raises(error):
        call()


def test_default_retries_reach_the_proxy_three_times(gateway: LiteLLMProxy):
    gateway.upstream.clear()
    with pytest.raises(shim.RateLimitError):
        shim.completion("litellm_proxy/fail-429", HI)
    assert len(gateway.upstream.requests_to("/v1/chat/completions")) == 3
