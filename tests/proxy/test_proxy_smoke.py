"""Every model group of the test proxy, end to end, through the raw openai SDK and through LiteLLM's own SDK.

These pin down what the real proxy and LiteLLM's SDK do today; a later differential test replays them against
shim. Facts and the reasons behind odd-looking expectations are in FINDINGS.md.
"""

from __future__ import annotations

import inspect
import io
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import openai
import pytest

from .conftest import LiteLLMProxy

pytestmark = pytest.mark.proxy


@pytest.fixture
def client(litellm_proxy: LiteLLMProxy) -> Iterator[openai.OpenAI]:
    # No SDK retries here: the error tests below want one request per call, and the default costs ~1.5 s per error.
    with openai.OpenAI(base_url=f"{litellm_proxy.url}/v1", api_key=litellm_proxy.api_key, max_retries=0) as sdk:
        yield sdk


def audio_file() -> io.BytesIO:
    upload = io.BytesIO(b"RIFF\x00\x00\x00\x00WAVEfake-audio")
    upload.name = "clip.wav"
    return upload


def post_json(url: str, body: object, key: str) -> tuple[int, Any]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    request.add_header("authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


# --- the raw openai SDK against the proxy ------------------------------------------------------------------------


def test_openai_chat_reaches_upstream_with_the_deployment_model(litellm_proxy: LiteLLMProxy, client: openai.OpenAI):
    raw = client.chat.completions.with_raw_response.create(
        model="chat", messages=[{"role": "user", "content": "hello proxy"}]
    )
    result = raw.parse()
    forwarded = litellm_proxy.upstream.last("/v1/chat/completions")
    assert result.choices[0].message.content == "echo: hello proxy"
    assert result.model == "chat"  # the proxy answers with the model group, not the upstream's model
    assert result.usage is not None
    assert result.usage.total_tokens == 11
    assert forwarded.json()["model"] == "fake-chat"
    assert forwarded.headers["authorization"] == "Bearer sk-upstream-fake"
    assert raw.headers["x-litellm-model-group"] == "chat"
    assert raw.headers["x-litellm-version"] == "1.108.7"
    assert raw.headers["x-litellm-attempted-retries"] == "0"


def test_openai_chat_stream_forwards_include_usage(litellm_proxy: LiteLLMProxy, client: openai.OpenAI):
    chunks = list(
        client.chat.completions.create(
            model="chat",
            messages=[{"role": "user", "content": "stream me"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(choice.delta.content or "" for chunk in chunks for choice in chunk.choices)
    assert text == "echo: stream me"
    assert {chunk.model for chunk in chunks} == {"chat"}
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 3
    assert litellm_proxy.upstream.last("/v1/chat/completions").json()["stream_options"] == {"include_usage": True}


def legacy_completion(c: openai.OpenAI) -> object:
    return c.completions.create(model="text", prompt="legacy prompt").choices[0].text


def embedding_size(c: openai.OpenAI) -> object:
    return len(c.embeddings.create(model="embed", input="some words").data[0].embedding)


def image_prompt(c: openai.OpenAI) -> object:
    return (c.images.generate(model="image", prompt="a cat").data or [])[0].revised_prompt


def speech_bytes(c: openai.OpenAI) -> object:
    return c.audio.speech.create(model="speech", input="say this", voice="alloy").content


def transcript(c: openai.OpenAI) -> object:
    return c.audio.transcriptions.create(model="transcribe", file=audio_file()).text


def responses_text(c: openai.OpenAI) -> object:
    return c.responses.create(model="responses", input="hello responses").output_text


@pytest.mark.parametrize(
    ("call", "path", "expected"),
    [
        (legacy_completion, "/v1/completions", "echo: legacy prompt"),
        (embedding_size, "/v1/embeddings", 8),
        (image_prompt, "/v1/images/generations", "a cat"),
        (speech_bytes, "/v1/audio/speech", b"ID3\x04\x00\x00\x00\x00\x00\x00fake-mp3:say this"),
        (transcript, "/v1/audio/transcriptions", "transcript of clip.wav (22 bytes)"),
        (responses_text, "/v1/responses", "echo: hello responses"),
    ],
    ids=["completions", "embeddings", "images", "speech", "transcription", "responses"],
)
def test_openai_endpoint_round_trip(
    litellm_proxy: LiteLLMProxy,
    client: openai.OpenAI,
    call: Callable[[openai.OpenAI], object],
    path: str,
    expected: object,
):
    assert call(client) == expected
    assert litellm_proxy.upstream.last(path).json()["model"].startswith("fake-")


def test_openai_responses_stream_is_a_real_stream_through_the_proxy(litellm_proxy: LiteLLMProxy, client: openai.OpenAI):
    events = list(client.responses.create(model="responses", input="live events", stream=True))
    deltas = [event.delta for event in events if event.type == "response.output_text.delta"]
    assert "".join(deltas) == "echo: live events"
    assert events[-1].type == "response.completed"
    assert litellm_proxy.upstream.last("/v1/responses").json()["stream"] is True


@pytest.mark.parametrize("path", ["/rerank", "/v1/rerank", "/v2/rerank"])
def test_proxy_rerank_routes_all_call_cohere_v2(litellm_proxy: LiteLLMProxy, path: str):
    body = {"model": "rerank", "query": "red fruit", "documents": ["blue sky", "red fruit salad"], "top_n": 1}
    status, answer = post_json(litellm_proxy.url + path, body, litellm_proxy.api_key)
    forwarded = litellm_proxy.upstream.last("/v2/rerank").json()
    assert status == 200
    assert [result["index"] for result in answer["results"]] == [1]
    assert forwarded == {"model": "fake-rerank", "query": "red fruit", "documents": body["documents"], "top_n": 1}


@pytest.mark.parametrize("path", ["/chat/completions", "/v1/chat/completions"])
def test_proxy_serves_routes_with_and_without_v1(litellm_proxy: LiteLLMProxy, path: str):
    body = {"model": "chat", "messages": [{"role": "user", "content": "route"}]}
    status, answer = post_json(litellm_proxy.url + path, body, litellm_proxy.api_key)
    assert (status, answer["choices"][0]["message"]["content"]) == (200, "echo: route")


def test_models_lists_every_group(client: openai.OpenAI):
    groups = {model.id for model in client.models.list()}
    assert {"chat", "text", "embed", "image", "speech", "transcribe", "rerank", "responses"} <= groups


@pytest.mark.parametrize(
    ("model", "key", "error", "status"),
    [
        ("no-such-group", None, openai.BadRequestError, 400),
        # Without a database the proxy cannot look a non-master key up: 400 "No connected db.", not 401.
        ("chat", "sk-not-the-master-key", openai.BadRequestError, 400),
        ("fail-429", None, openai.RateLimitError, 429),
        ("fail-500", None, openai.InternalServerError, 500),
        # The proxy keeps the message but not OpenAI's `code: context_length_exceeded`.
        ("ctx-window", None, openai.BadRequestError, 400),
    ],
)
def test_openai_error_paths(
    litellm_proxy: LiteLLMProxy, client: openai.OpenAI, model: str, key: str | None, error: type[Exception], status: int
):
    with (
        client.with_options(api_key=key or litellm_proxy.api_key) as scoped,
        pytest.raises(error) as caught,
    ):
        scoped.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])
    assert isinstance(caught.value, openai.APIStatusError)
    assert caught.value.status_code == status


# --- LiteLLM's SDK on the litellm_proxy/ route -------------------------------------------------------------------


@dataclass(frozen=True)
class SdkCase:
    """One LiteLLM SDK function, its arguments, where the proxy forwards it, and what the user reads back."""

    function: str
    kwargs: dict[str, Any]
    upstream_path: str
    result_type: str
    read: Callable[[Any], object]
    expected: object


SDK_CASES = [
    SdkCase(
        "completion",
        {"model": "litellm_proxy/chat", "messages": [{"role": "user", "content": "hi sdk"}]},
        "/v1/chat/completions",
        "ModelResponse",
        lambda r: (r.choices[0].message.content, r.model, r.usage.total_tokens),
        ("echo: hi sdk", "litellm_proxy/chat", 11),
    ),
    SdkCase(
        "text_completion",
        {"model": "litellm_proxy/text", "prompt": "hi text"},
        "/v1/chat/completions",  # the SDK turns the prompt into chat messages before the proxy sees it
        "TextCompletionResponse",
        lambda r: (r.choices[0].text, r.model),
        ("echo: hi text", "litellm_proxy/text"),
    ),
    SdkCase(
        "embedding",
        {"model": "litellm_proxy/embed", "input": ["one two", "three"]},
        "/v1/embeddings",
        "EmbeddingResponse",
        lambda r: (len(r.data), len(r.data[0]["embedding"]), r.model, r.usage.prompt_tokens),
        (2, 8, "embed", 3),
    ),
    SdkCase(
        "image_generation",
        {"model": "litellm_proxy/image", "prompt": "a red square"},
        "/v1/images/generations",
        "ImageResponse",
        lambda r: (r.data[0].revised_prompt, getattr(r, "model", None)),
        ("a red square", None),
    ),
    SdkCase(
        "transcription",
        {"model": "litellm_proxy/transcribe"},  # the file is added per call: a BytesIO can be read only once
        "/v1/audio/transcriptions",
        "TranscriptionResponse",
        lambda r: r.text,
        "transcript of clip.wav (22 bytes)",
    ),
    SdkCase(
        "speech",
        {"model": "litellm_proxy/speech", "input": "read aloud", "voice": "alloy"},
        "/v1/audio/speech",
        "HttpxBinaryResponseContent",
        lambda r: r.content,
        b"ID3\x04\x00\x00\x00\x00\x00\x00fake-mp3:read aloud",
    ),
    SdkCase(
        "rerank",
        {"model": "litellm_proxy/rerank", "query": "green", "documents": ["green tea", "black coffee"], "top_n": 1},
        "/v2/rerank",
        "RerankResponse",
        lambda r: [x["index"] for x in r.results],
        [0],
    ),
    SdkCase(
        "responses",
        {"model": "litellm_proxy/responses", "input": "hi responses"},
        "/v1/responses",
        "ResponsesAPIResponse",
        lambda r: (r.output[0].content[0].text, r.model, r.usage.total_tokens),
        ("echo: hi responses", "responses", 5),
    ),
]


async def call_sdk(sdk: ModuleType, function: str, kwargs: dict[str, Any]) -> Any:
    """Call `sdk.<function>` (an `a`-prefixed name is awaited), with a fresh upload for transcription."""
    if function in ("transcription", "atranscription"):
        kwargs = kwargs | {"file": audio_file()}
    result = getattr(sdk, function)(**kwargs)
    return await result if inspect.isawaitable(result) else result


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", SDK_CASES, ids=[case.function for case in SDK_CASES])
async def test_litellm_sdk_round_trip(
    litellm_proxy: LiteLLMProxy, litellm_sdk: ModuleType, case: SdkCase, use_async: bool
):
    function = f"a{case.function}" if use_async else case.function
    kwargs = case.kwargs | {"api_base": litellm_proxy.url, "api_key": litellm_proxy.api_key}
    result = await call_sdk(litellm_sdk, function, kwargs)
    assert type(result).__name__ == case.result_type
    assert case.read(result) == case.expected
    assert litellm_proxy.upstream.last(case.upstream_path).json()["model"].startswith("fake-")


@pytest.mark.parametrize(("use_async", "documents"), [(False, True), (True, None)], ids=["sync", "async"])
async def test_litellm_sdk_rerank_asks_for_documents_only_when_sync(
    litellm_proxy: LiteLLMProxy, litellm_sdk: ModuleType, use_async: bool, documents: bool | None
):
    kwargs = {"model": "litellm_proxy/rerank", "query": "tea", "documents": ["green tea", "coffee"]}
    kwargs |= {"api_base": litellm_proxy.url, "api_key": litellm_proxy.api_key}
    result = await call_sdk(litellm_sdk, "arerank" if use_async else "rerank", kwargs)
    assert litellm_proxy.upstream.last("/v2/rerank").json().get("return_documents") is documents
    assert ("document" in result.results[0]) is bool(documents)


def test_litellm_sdk_hidden_params_of_a_completion(litellm_proxy: LiteLLMProxy, litellm_sdk: ModuleType):
    result = litellm_sdk.completion(
        model="litellm_proxy/chat",
        messages=[{"role": "user", "content": "hidden"}],
        api_base=litellm_proxy.url,
        api_key=litellm_proxy.api_key,
    )
    hidden = result._hidden_params
    assert hidden["custom_llm_provider"] == "litellm_proxy"
    assert hidden["api_base"] == litellm_proxy.url
    assert hidden["litellm_model_name"] == "litellm_proxy/chat"
    assert hidden["model_id"] is None
    assert hidden["response_cost"] is None
    assert hidden["additional_headers"]["llm_provider-x-litellm-model-group"] == "chat"
    assert result["choices"][0]["message"]["content"] == "echo: hidden"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_litellm_sdk_completion_stream(litellm_proxy: LiteLLMProxy, litellm_sdk: ModuleType, use_async: bool):
    kwargs: dict[str, Any] = {
        "model": "litellm_proxy/chat",
        "messages": [{"role": "user", "content": "stream sdk"}],
        "stream": True,
        "stream_options": {"include_usage": True},
        "api_base": litellm_proxy.url,
        "api_key": litellm_proxy.api_key,
    }
    if use_async:
        chunks = [chunk async for chunk in await litellm_sdk.acompletion(**kwargs)]
    else:
        chunks = list(litellm_sdk.completion(**kwargs))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == "echo: stream sdk"
    # Content chunks carry the proxy's model unprefixed; the closing usage chunk carries it prefixed.
    assert [chunk.model for chunk in chunks[:-1]] == ["chat"] * (len(chunks) - 1)
    assert chunks[-1].model == "litellm_proxy/chat"
    assert chunks[-1].usage.total_tokens == 11
    rebuilt = litellm_sdk.stream_chunk_builder(chunks, messages=kwargs["messages"])
    assert rebuilt.choices[0].message.content == "echo: stream sdk"


def test_litellm_sdk_responses_stream_is_faked(litellm_proxy: LiteLLMProxy, litellm_sdk: ModuleType):
    events = list(
        litellm_sdk.responses(
            model="litellm_proxy/responses",
            input="fake stream",
            stream=True,
            api_base=litellm_proxy.url,
            api_key=litellm_proxy.api_key,
        )
    )
    deltas = [event.delta for event in events if event.type == "response.output_text.delta"]
    # An alias unknown to LiteLLM's cost map is assumed not to stream: one plain request, 5-character deltas.
    assert "stream" not in litellm_proxy.upstream.last("/v1/responses").json()
    assert deltas == ["echo:", " fake", " stre", "am"]
    assert events[-1].type == "response.completed"


@pytest.mark.parametrize(
    ("model", "key", "error", "status", "attempts"),
    [
        ("no-such-group", None, "BadRequestError", 400, 0),
        ("chat", "sk-not-the-master-key", "BadRequestError", 400, 0),
        ("fail-429", None, "RateLimitError", 429, 1),
        ("fail-500", None, "InternalServerError", 500, 1),
        ("ctx-window", None, "ContextWindowExceededError", 400, 1),
    ],
)
def test_litellm_sdk_error_paths(
    litellm_proxy: LiteLLMProxy,
    litellm_sdk: ModuleType,
    model: str,
    key: str | None,
    error: str,
    status: int,
    attempts: int,
):
    litellm_proxy.upstream.clear()
    with pytest.raises(getattr(litellm_sdk, error)) as caught:
        litellm_sdk.completion(
            model=f"litellm_proxy/{model}",
            messages=[{"role": "user", "content": "x"}],
            api_base=litellm_proxy.url,
            api_key=key or litellm_proxy.api_key,
            max_retries=0,
        )
    assert isinstance(caught.value, openai.APIStatusError)  # LiteLLM's classes subclass openai's
    assert caught.value.status_code == status
    assert getattr(caught.value, "llm_provider", None) == "litellm_proxy"
    assert len(litellm_proxy.upstream.requests_to("/v1/chat/completions")) == attempts


def test_litellm_sdk_retries_a_429_twice_by_default(litellm_proxy: LiteLLMProxy, litellm_sdk: ModuleType):
    litellm_proxy.upstream.clear()
    with pytest.raises(litellm_sdk.RateLimitError):
        litellm_sdk.completion(
            model="litellm_proxy/fail-429",
            messages=[{"role": "user", "content": "x"}],
            api_base=litellm_proxy.url,
            api_key=litellm_proxy.api_key,
        )
    # The openai client inside LiteLLM's SDK retries the proxy; the proxy itself is configured not to retry.
    assert len(litellm_proxy.upstream.requests_to("/v1/chat/completions")) == 3
