"""Every endpoint of the seed over loopback HTTP, sync and async: what the gateway receives, what the user gets."""

from __future__ import annotations

import asyncio
import json
import pickle
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import openai
import pytest
from openai.types import CreateEmbeddingResponse, ImagesResponse
from openai.types.audio import Transcription
from openai.types.responses import Response, ResponseCompletedEvent, ResponseTextDeltaEvent

import shim
from shim.testing import FakeProxy

FAST_RETRY = {"retry-after-ms": "5"}


def both(sync: Callable[..., Any], async_: Callable[..., Awaitable[Any]]) -> list[Any]:
    """Parametrize a test over a sync function and its async twin, called the same way."""

    def run_async(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(async_(*args, **kwargs))

    return [pytest.param(sync, id="sync"), pytest.param(run_async, id="async")]


@pytest.mark.parametrize("embedding", both(shim.embedding, shim.aembedding))
def test_embedding(gateway: FakeProxy, embedding: Callable[..., Any]) -> None:
    response = embedding("litellm_proxy/text-embedding-3-small", input=["hello", "world"], dimensions=4)
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/embeddings")
    assert request.json == {"model": "text-embedding-3-small", "input": ["hello", "world"], "dimensions": 4}
    assert isinstance(response, CreateEmbeddingResponse)
    assert isinstance(response, shim.EmbeddingResponse)
    assert [len(item.embedding) for item in response.data] == [4, 4]
    assert response["data"][1]["index"] == 1
    assert response.usage is not None and response.usage.prompt_tokens == 2
    assert response.model == "litellm_proxy/text-embedding-3-small"
    assert response._hidden_params["model_id"] == "fake-deployment-1"


@pytest.mark.parametrize("value", ["one string", [1, 2, 3], [[1, 2], [3]]])
def test_embedding_inputs(gateway: FakeProxy, value: Any) -> None:
    shim.embedding("litellm_proxy/e", input=value, encoding_format="float")
    assert gateway.requests[-1].json["input"] == value
    assert gateway.requests[-1].json["encoding_format"] == "float"


@pytest.mark.parametrize(
    "vector",
    [
        pytest.param([0.25, -1.5, 3.0], id="floats"),
        pytest.param("AACAPgAAwL8AAEBA", id="base64"),
        pytest.param(None, id="null"),
    ],
)
def test_embedding_vectors_come_back_as_sent(gateway: FakeProxy, vector: Any) -> None:
    item = {"object": "embedding", "index": 0, "embedding": vector, "provider_extra": {"norm": 1}}
    gateway.respond(200, body={"object": "list", "model": "e", "data": [item]})
    response = shim.embedding("litellm_proxy/e", input="x")
    assert response.data[0].embedding == vector
    assert response["data"][0]["provider_extra"] == {"norm": 1}
    assert isinstance(response.data[0], shim.types.Embedding)
    if isinstance(vector, list):  # a base64 string does not fit openai's list[float] field: pydantic warns on dump
        assert response.to_dict()["data"] == [item]


def test_embedding_floats_are_exactly_the_numbers_sent(gateway: FakeProxy) -> None:
    # Parsed once from the body's bytes (pydantic-core), not by json.loads: every value and type must be the same.
    vector = (
        "[0.1, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.30000000000000004, 1E-7, 3,"
        " -0.0312345678901, 123456789012345678901234567890]"
    )
    body = (
        '{"object": "list", "model": "e", "data": [{"object": "embedding", "index": 0, "embedding": ' + vector + "}]}"
    )
    gateway.respond(200, body=body.encode())
    got = shim.embedding("litellm_proxy/e", input="x").data[0].embedding
    assert [(type(value), repr(value)) for value in got] == [(type(value), repr(value)) for value in json.loads(vector)]


def test_embedding_fields_outside_openais_types_come_back_as_sent(gateway: FakeProxy) -> None:
    # Such a body is not validated but built leniently, as before: index and usage as the gateway wrote them.
    item = {"object": "embedding", "index": "first", "embedding": [0.5, 0.25]}
    gateway.respond(200, body={"object": "list", "model": "e", "data": [item], "usage": {"tokens": 3}})
    response = shim.embedding("litellm_proxy/e", input="x")
    assert isinstance(response, shim.EmbeddingResponse) and isinstance(response.data[0], shim.types.Embedding)
    assert (response.data[0].index, response.data[0].embedding) == ("first", [0.5, 0.25])
    assert response["usage"]["tokens"] == 3
    assert response.model == "litellm_proxy/e"


def test_embedding_base64_asked_for_is_returned_as_sent(gateway: FakeProxy) -> None:
    # LiteLLM and the openai SDK hand back the string when the caller names the format; so does shim.
    item = {"object": "embedding", "index": 0, "embedding": "AACAPgAAwL8AAEBA"}
    gateway.respond(200, body={"object": "list", "model": "e", "data": [item]})
    response = shim.embedding("litellm_proxy/e", input="x", encoding_format="base64")
    assert gateway.requests[-1].json["encoding_format"] == "base64"
    assert response.data[0].embedding == "AACAPgAAwL8AAEBA"


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode(), id="utf-8 BOM"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16"),
        pytest.param(lambda text: text.replace('"e"', '"e\\udc00"').encode(), id="lone surrogate"),
    ],
)
def test_bodies_json_loads_took_still_decode(gateway: FakeProxy, encode: Callable[[str], bytes]) -> None:
    text = '{"object": "list", "model": "e", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}]}'
    gateway.respond(200, body=encode(text))
    response = shim.embedding("litellm_proxy/e", input="x")
    assert response.data[0].embedding == [0.5]
    assert response.model == "litellm_proxy/" + json.loads(encode(text))["model"]


@pytest.mark.parametrize("image_generation", both(shim.image_generation, shim.aimage_generation))
def test_image_generation(gateway: FakeProxy, image_generation: Callable[..., Any]) -> None:
    response = image_generation(
        "litellm_proxy/dall-e-3", prompt="A sunset", n=2, size="1024x1024", quality="hd", style="vivid"
    )
    request = gateway.requests[-1]
    assert request.path == "/images/generations"
    assert request.json == {
        "model": "dall-e-3",
        "prompt": "A sunset",
        "n": 2,
        "size": "1024x1024",
        "quality": "hd",
        "style": "vivid",
    }
    assert isinstance(response, ImagesResponse)
    assert [image.url for image in response.data] == ["https://images.example/0.png", "https://images.example/1.png"]
    assert response["data"][0]["revised_prompt"] == "A sunset"


def test_image_generation_b64(gateway: FakeProxy) -> None:
    response = shim.image_generation("litellm_proxy/img", "A dot", response_format="b64_json")
    assert response.data is not None and response.data[0].b64_json


@pytest.mark.parametrize("transcription", both(shim.transcription, shim.atranscription))
def test_transcription_sends_multipart(gateway: FakeProxy, transcription: Callable[..., Any], tmp_path: Path) -> None:
    audio = tmp_path / "speech.mp3"
    audio.write_bytes(b"ID3-fake-audio")
    response = transcription("litellm_proxy/whisper-1", file=audio, language="en", temperature=0.1)
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/audio/transcriptions")
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.form == {
        "model": "whisper-1",
        "language": "en",
        "temperature": "0.1",
        "file": ("speech.mp3", b"ID3-fake-audio"),
    }
    assert isinstance(response, Transcription)
    assert response.text == "transcribed 14 bytes of speech.mp3"
    assert response["text"] == response.text


@pytest.mark.parametrize(
    "file",
    [
        pytest.param(("clip.wav", b"RIFF1234"), id="tuple"),
        pytest.param(("clip.wav", b"RIFF1234", "audio/wav"), id="tuple-with-type"),
        pytest.param(b"RIFF1234", id="bytes"),
    ],
)
def test_transcription_file_forms(gateway: FakeProxy, file: Any) -> None:
    shim.transcription("litellm_proxy/whisper-1", file=file)
    name, data = gateway.requests[-1].form["file"]
    assert data == b"RIFF1234"
    assert name == ("audio" if isinstance(file, bytes) else "clip.wav")


def test_transcription_from_an_open_file_and_verbose_fields(gateway: FakeProxy, tmp_path: Path) -> None:
    audio = tmp_path / "a.m4a"
    audio.write_bytes(b"xyz")
    with audio.open("rb") as handle:
        response = shim.transcription("litellm_proxy/w", file=handle, response_format="verbose_json")
    assert gateway.requests[-1].form["file"] == ("a.m4a", b"xyz")
    assert response.language == "english"
    assert response.duration == 1.5
    assert response.segments and response.segments[0]["text"] == response.text


def test_transcription_as_plain_text(gateway: FakeProxy) -> None:
    response = shim.transcription("litellm_proxy/w", file=("a.mp3", b"12"), response_format="text")
    assert response.text == "transcribed 2 bytes of a.mp3"


@pytest.mark.parametrize(
    ("file", "error", "match"),
    [
        ("/no/such/file.mp3", FileNotFoundError, "not found"),
        (None, TypeError, "needs file="),
        (42, TypeError, "file must be"),
        (("name", "not-bytes"), TypeError, "tuple"),
    ],
)
def test_transcription_bad_files_fail_before_any_request(
    gateway: FakeProxy, file: Any, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        shim.transcription("litellm_proxy/whisper-1", file=file)
    assert gateway.requests == []


def test_transcription_text_mode_file_is_refused(gateway: FakeProxy, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hello")
    with path.open() as handle, pytest.raises(TypeError, match="'rb'"):
        shim.transcription("litellm_proxy/w", file=handle)
    assert gateway.requests == []


@pytest.mark.parametrize("speech", both(shim.speech, shim.aspeech))
def test_speech(gateway: FakeProxy, speech: Callable[..., Any], tmp_path: Path) -> None:
    audio = speech("litellm_proxy/tts-1", input="Hello world", voice="alloy", response_format="mp3")
    request = gateway.requests[-1]
    assert request.path == "/audio/speech"
    assert request.json == {"model": "tts-1", "input": "Hello world", "voice": "alloy", "response_format": "mp3"}
    assert isinstance(audio, openai.HttpxBinaryResponseContent)
    assert audio.content.startswith(b"ID3")
    assert audio.read() == audio.content
    assert audio._hidden_params["custom_llm_provider"] == "litellm_proxy"
    target = tmp_path / "out.mp3"
    audio.write_to_file(target)
    assert target.read_bytes() == audio.content


def test_speech_streamed_to_a_file(gateway: FakeProxy, tmp_path: Path) -> None:
    target = tmp_path / "long.mp3"
    with shim.speech("litellm_proxy/tts-1", input="long text " * 50, voice="alloy", stream=True) as audio:
        assert not audio.response.is_stream_consumed
        with target.open("wb") as out:
            for piece in audio.iter_bytes(chunk_size=256):
                out.write(piece)
    assert target.read_bytes().startswith(b"ID3")
    assert audio.response.is_closed


async def test_async_speech_streamed(gateway: FakeProxy) -> None:
    async with await shim.aspeech("litellm_proxy/tts-1", input="hello", stream=True) as audio:
        data = b"".join([piece async for piece in await audio.aiter_bytes()])
    assert data.startswith(b"ID3")
    assert "voice" not in gateway.requests[-1].json


@pytest.mark.parametrize("rerank", both(shim.rerank, shim.arerank))
def test_rerank(gateway: FakeProxy, rerank: Callable[..., Any]) -> None:
    documents = ["Machine learning is a field of AI", "Biology is the study of living organisms"]
    response = rerank(
        "litellm_proxy/rerank-english-v2.0", query="what is machine learning", documents=documents, top_n=2
    )
    request = gateway.requests[-1]
    assert (request.method, request.path) == ("POST", "/rerank")
    assert request.json == {
        "model": "rerank-english-v2.0",
        "query": "what is machine learning",
        "documents": documents,
        "return_documents": True,
        "top_n": 2,
    }
    assert isinstance(response, shim.RerankResponse)
    assert [r.index for r in response.results] == [0, 1]
    assert response.results[0].relevance_score > response.results[1].relevance_score
    assert response["results"][0]["document"] == {"text": documents[0]}
    assert response.meta is not None and response.meta["billed_units"]["search_units"] == 1
    assert response._hidden_params["model_id"] == "fake-deployment-1"
    assert pickle.loads(pickle.dumps(response)) == response


@pytest.mark.parametrize("suffix", ["", "/v1", "/v1/"])
def test_rerank_is_relative_to_the_base_url(proxy: FakeProxy, suffix: str) -> None:
    shim.rerank("litellm_proxy/r", query="q", documents=["a"], api_base=proxy.url + suffix, api_key=proxy.api_key)
    assert proxy.requests[-1].path == ("/v1/rerank" if suffix else "/rerank")


def test_rerank_options_and_dict_documents(gateway: FakeProxy) -> None:
    documents = [{"title": "a", "text": "machine learning"}, {"title": "b", "text": "cells"}]
    shim.rerank(
        "litellm_proxy/r",
        query="machine",
        documents=documents,
        rank_fields=["text"],
        return_documents=False,
        max_chunks_per_doc=3,
        max_tokens_per_doc=100,
    )
    body = gateway.requests[-1].json
    assert body["documents"] == documents
    assert (body["rank_fields"], body["return_documents"]) == (["text"], False)
    assert (body["max_chunks_per_doc"], body["max_tokens_per_doc"]) == (3, 100)


def test_rerank_retries_like_every_other_call(gateway: FakeProxy) -> None:
    gateway.respond(503, headers=FAST_RETRY, times=2)
    assert shim.rerank("litellm_proxy/r", query="q", documents=["a"]).results
    assert [r.headers["x-stainless-retry-count"] for r in gateway.requests] == ["0", "1", "2"]
    gateway.respond(429, headers=FAST_RETRY, times=5)
    with pytest.raises(shim.RateLimitError):
        shim.rerank("litellm_proxy/r", query="q", documents=["a"], num_retries=0)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ({"id": "x"}, "'results' must be a list"),
        ({"results": [{"index": 0}]}, r"results\.0\.relevance_score"),
        ({"results": [{"index": "first", "relevance_score": 0.5}]}, r"results\.0\.index"),
    ],
)
def test_malformed_rerank_answers_name_the_field(gateway: FakeProxy, body: Any, match: str) -> None:
    gateway.respond(200, body=body)
    with pytest.raises(shim.APIResponseValidationError, match=match):
        shim.rerank("litellm_proxy/r", query="q", documents=["a"])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"query": "", "documents": ["a"]}, TypeError),
        ({"query": "q", "documents": []}, TypeError),
        ({"query": "q", "documents": [1]}, TypeError),
        ({"query": "q", "documents": ["a"], "top_n": 0}, ValueError),
    ],
)
def test_rerank_bad_input(gateway: FakeProxy, kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        shim.rerank("litellm_proxy/r", **kwargs)
    assert gateway.requests == []


@pytest.mark.parametrize("responses", both(shim.responses, shim.aresponses))
def test_responses(gateway: FakeProxy, responses: Callable[..., Any]) -> None:
    response = responses("litellm_proxy/gpt-4o", input="Tell me a joke", instructions="Be brief")
    request = gateway.requests[-1]
    assert request.path == "/responses"
    assert request.json == {"model": "gpt-4o", "input": "Tell me a joke", "instructions": "Be brief"}
    assert isinstance(response, Response)
    assert response.output_text == "echo: Tell me a joke"
    assert response.model == "litellm_proxy/gpt-4o"
    assert response["status"] == "completed"
    assert response.usage is not None and response.usage.total_tokens == 7


def test_responses_streaming(gateway: FakeProxy) -> None:
    events = list(shim.responses("litellm_proxy/gpt-4o", input="hi there", stream=True))
    assert gateway.requests[-1].json["stream"] is True
    deltas = [e.delta for e in events if isinstance(e, ResponseTextDeltaEvent)]
    assert "".join(deltas) == "echo: hi there"
    assert isinstance(events[-1], ResponseCompletedEvent)
    assert events[-1].response.output_text == "echo: hi there"


async def test_async_responses_streaming(gateway: FakeProxy) -> None:
    stream = await shim.aresponses("litellm_proxy/gpt-4o", input=[{"role": "user", "content": "x y"}], stream=True)
    types = [event.type async for event in stream]
    assert types[0] == "response.created"
    assert types[-1] == "response.completed"


def test_responses_error_event_is_raised(gateway: FakeProxy) -> None:
    events = (
        b'event: error\ndata: {"type": "error", "code": "server_error", "message": "boom", "sequence_number": 1}\n\n'
    )
    gateway.respond(200, body=events, headers={"content-type": "text/event-stream"})
    with pytest.raises(shim.InternalServerError, match="boom"):
        list(shim.responses("litellm_proxy/gpt-4o", input="hi", stream=True))


@pytest.mark.parametrize("models", both(shim.models, shim.amodels))
def test_models(gateway: FakeProxy, models: Callable[..., Any]) -> None:
    assert models() == ["fake-chat", "fake-embedding", "fake-rerank"]
    request = gateway.requests[-1]
    assert (request.method, request.path, request.body) == ("GET", "/models", b"")


def test_models_needs_config_and_no_model(proxy: FakeProxy) -> None:
    with pytest.raises(shim.ConfigError):
        shim.models()
    assert shim.models(api_base=proxy.url + "/v1", api_key=proxy.api_key)
    assert proxy.requests[-1].path == "/v1/models"


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: shim.embedding("litellm_proxy/e", input="x"), "/embeddings"),
        (lambda: shim.image_generation("litellm_proxy/i", prompt="x"), "/images/generations"),
        (lambda: shim.transcription("litellm_proxy/w", file=b"x"), "/audio/transcriptions"),
        (lambda: shim.speech("litellm_proxy/t", input="x"), "/audio/speech"),
        (lambda: shim.responses("litellm_proxy/r", input="x"), "/responses"),
        (lambda: shim.models(), "/models"),
    ],
)
def test_every_endpoint_maps_errors(gateway: FakeProxy, call: Callable[[], Any], path: str) -> None:
    gateway.respond(401, body={"error": {"message": "bad key", "code": "401"}})
    with pytest.raises(shim.AuthenticationError):
        call()
    assert gateway.requests[-1].path == path
    gateway.respond(200, body={"error": {"message": "budget exceeded", "code": "429"}})
    with pytest.raises(shim.RateLimitError, match="budget exceeded"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: shim.embedding("litellm_proxy/e", input=""),
        lambda: shim.embedding("litellm_proxy/e", input="x", stream=True),
        lambda: shim.image_generation("litellm_proxy/i", prompt=None),
        lambda: shim.speech("litellm_proxy/t", input=""),
        lambda: shim.speech("litellm_proxy/t", input="x", voice=3),
        lambda: shim.responses("litellm_proxy/r", input=None),
        lambda: shim.embedding("text-embedding-3", input="x"),
    ],
)
def test_bad_input_fails_before_any_request(gateway: FakeProxy, call: Callable[[], Any]) -> None:
    with pytest.raises((TypeError, ValueError)):
        call()
    assert gateway.requests == []
