"""shim.patch_openai(): unchanged openai-SDK code, two loopback servers (the user's "OpenAI" and the gateway).

Each server must see only its own traffic and its own key.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import wrapt
from openai.lib.streaming.chat import ContentDeltaEvent
from openai.types import Completion, CreateEmbeddingResponse, ImagesResponse, ModerationCreateResponse
from openai.types.audio import Transcription
from openai.types.chat import ChatCompletion, ChatCompletionChunk, ParsedChatCompletion
from openai.types.responses import Response, ResponseTextDeltaEvent
from pydantic import BaseModel

import shim
from shim.testing import FakeProxy
from tests._sdk_calls import arguments, bound, call_async, call_sync, method_names
from tests.conftest import HI

OPENAI_KEY = "sk-openai-user"


def _resource_methods() -> list[tuple[type, str]]:
    """Every (class, method) of the installed SDK that takes a `model`, found as the patch finds them."""
    import inspect
    import pkgutil

    import openai.resources

    found: list[tuple[type, str]] = []
    for info in pkgutil.walk_packages(openai.resources.__path__, "openai.resources."):
        module = sys.modules.get(info.name) or __import__(info.name, fromlist=["_"])
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == info.name and "with_raw_response" in vars(cls):
                found += [
                    (cls, name)
                    for name, fn in vars(cls).items()
                    if not name.startswith("_") and callable(fn) and "model" in inspect.signature(fn).parameters
                ]
    return found


@pytest.fixture(autouse=True)
def always_unpatched() -> Iterator[None]:
    shim.unpatch_openai()
    yield
    shim.unpatch_openai()


@pytest.fixture
def openai_server() -> Iterator[FakeProxy]:
    """Plays OpenAI for the user's own client."""
    with FakeProxy(api_key=OPENAI_KEY) as server:
        yield server


@pytest.fixture
def client(openai_server: FakeProxy) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=openai_server.url, api_key=OPENAI_KEY, max_retries=0) as user_client:
        yield user_client


@pytest.fixture
async def aclient(openai_server: FakeProxy) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=openai_server.url, api_key=OPENAI_KEY, max_retries=0) as user_client:
        yield user_client
    await shim.aclose()


def assert_separate(openai_server: FakeProxy, gateway: FakeProxy) -> None:
    """Every request carries its own server's key, and neither key appears anywhere in the other's traffic."""
    for server, own, foreign in ((openai_server, OPENAI_KEY, gateway.api_key), (gateway, gateway.api_key, OPENAI_KEY)):
        for request in server.requests:
            assert request.api_key == own
            assert foreign not in repr(dict(request.headers)) + request.body.decode(errors="replace")


# Each endpoint as unchanged openai code calls it: the same call works on a sync or an async client.
ENDPOINTS: list[tuple[str, Callable[[Any, str], Any], str, type]] = [
    ("chat", lambda c, m: c.chat.completions.create(model=m, messages=HI), "/chat/completions", ChatCompletion),
    ("text", lambda c, m: c.completions.create(model=m, prompt="hi"), "/completions", Completion),
    ("embeddings", lambda c, m: c.embeddings.create(model=m, input="hi"), "/embeddings", CreateEmbeddingResponse),
    ("images", lambda c, m: c.images.generate(model=m, prompt="a cat"), "/images/generations", ImagesResponse),
    (
        "speech",
        lambda c, m: c.audio.speech.create(model=m, input="hi", voice="alloy"),
        "/audio/speech",
        openai.HttpxBinaryResponseContent,
    ),
    (
        "transcription",
        lambda c, m: c.audio.transcriptions.create(model=m, file=("a.wav", b"RIFF0000")),
        "/audio/transcriptions",
        Transcription,
    ),
    ("responses", lambda c, m: c.responses.create(model=m, input="hi"), "/responses", Response),
]


def _sent_model(request: Any) -> str:
    if request.path == "/audio/transcriptions":
        return request.form["model"]
    return request.json["model"]


@pytest.mark.parametrize(("name", "call", "path", "result_type"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_each_endpoint_routed_and_untouched(
    name: str, call: Callable[[Any, str], Any], path: str, result_type: type, client: openai.OpenAI,
    openai_server: FakeProxy, gateway: FakeProxy,
) -> None:  # fmt: skip
    shim.patch_openai()
    routed = call(client, "litellm_proxy/gw-model")
    untouched = call(client, "gpt-4o")
    assert isinstance(routed, result_type)
    assert isinstance(untouched, result_type)
    assert [(r.path, _sent_model(r)) for r in gateway.requests] == [(path, "gw-model")]
    assert [(r.path, _sent_model(r)) for r in openai_server.requests] == [(path, "gpt-4o")]
    assert_separate(openai_server, gateway)


@pytest.mark.parametrize(("name", "call", "path", "result_type"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
async def test_each_async_endpoint_routed_and_untouched(
    name: str, call: Callable[[Any, str], Any], path: str, result_type: type, aclient: openai.AsyncOpenAI,
    openai_server: FakeProxy, gateway: FakeProxy,
) -> None:  # fmt: skip
    shim.patch_openai()
    routed = await call(aclient, "litellm_proxy/gw-model")
    untouched = await call(aclient, "gpt-4o")
    assert isinstance(routed, result_type)
    assert isinstance(untouched, result_type)
    assert [(r.path, _sent_model(r)) for r in gateway.requests] == [(path, "gw-model")]
    assert [(r.path, _sent_model(r)) for r in openai_server.requests] == [(path, "gpt-4o")]
    assert_separate(openai_server, gateway)


def test_chat_answer_and_per_call_options(client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy) -> None:
    shim.patch_openai()
    r = client.chat.completions.create(
        model="litellm_proxy/openai/gpt-4o",
        messages=HI,
        temperature=0.5,
        extra_headers={"x-trace": "t-1"},
        extra_body={"metadata": {"tags": ["a"]}},
        extra_query={"debug": "1"},
        timeout=30,
    )
    assert r.choices[0].message.content == "echo: hello world"
    sent = gateway.requests[0]
    assert sent.headers["x-trace"] == "t-1"
    assert sent.json == {"model": "openai/gpt-4o", "messages": HI, "temperature": 0.5, "metadata": {"tags": ["a"]}}
    assert openai_server.requests == []


def test_per_call_api_key_and_module_settings_beat_the_environment(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeProxy(api_key="sk-module") as other:
        monkeypatch.setattr(shim, "api_base", other.url)
        monkeypatch.setattr(shim, "api_key", "sk-module")
        shim.patch_openai()
        client.embeddings.create(model="litellm_proxy/e", input="x")
        assert [r.api_key for r in other.requests] == ["sk-module"]
    assert gateway.requests == openai_server.requests == []


def test_sync_streams_are_openai_streams(client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy) -> None:
    shim.patch_openai()
    stream = client.chat.completions.create(model="litellm_proxy/m", messages=HI, stream=True)
    assert isinstance(stream, openai.Stream)
    chunks = list(stream)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "echo: hello world"

    with client.completions.create(model="litellm_proxy/m", prompt="hi", stream=True) as text:
        assert "".join(c.choices[0].text for c in text) == "echo: hi"

    events = list(client.responses.create(model="litellm_proxy/m", input="hi", stream=True))
    deltas = [e.delta for e in events if isinstance(e, ResponseTextDeltaEvent)]
    assert "".join(deltas) == "echo: hi"
    assert events[-1].type == "response.completed"

    untouched = client.chat.completions.create(model="gpt-4o", messages=HI, stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in untouched if c.choices) == "echo: hello world"
    assert len(gateway.requests) == 3
    assert len(openai_server.requests) == 1
    assert_separate(openai_server, gateway)


def test_leaving_a_routed_stream_early_closes_it(client: openai.OpenAI, gateway: FakeProxy) -> None:
    shim.patch_openai()
    with client.chat.completions.create(model="litellm_proxy/m", messages=HI, stream=True) as stream:
        next(iter(stream))
    assert stream.response.is_closed
    again = client.chat.completions.create(model="litellm_proxy/m", messages=HI, stream=True)
    again.close()
    assert again.response.is_closed


async def test_async_streams_are_openai_streams(
    aclient: openai.AsyncOpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    stream = await aclient.chat.completions.create(model="litellm_proxy/m", messages=HI, stream=True)
    assert isinstance(stream, openai.AsyncStream)
    text = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    assert "".join(text) == "echo: hello world"
    async with await aclient.chat.completions.create(model="litellm_proxy/m", messages=HI, stream=True) as early:
        await early.__anext__()
    assert early.response.is_closed
    untouched = await aclient.chat.completions.create(model="gpt-4o", messages=HI, stream=True)
    assert isinstance(untouched, openai.AsyncStream)
    assert [c async for c in untouched]
    assert (len(gateway.requests), len(openai_server.requests)) == (2, 1)
    assert_separate(openai_server, gateway)


def test_transcription_text_formats_return_a_str_as_openai_does(client: openai.OpenAI, gateway: FakeProxy) -> None:
    shim.patch_openai()
    text = client.audio.transcriptions.create(
        model="litellm_proxy/whisper", file=("a.wav", b"RIFF"), response_format="text"
    )
    assert text == "transcribed 4 bytes of a.wav"


def test_speech_content(client: openai.OpenAI, gateway: FakeProxy) -> None:
    shim.patch_openai()
    audio = client.audio.speech.create(model="litellm_proxy/tts", input="hi", voice="alloy")
    assert audio.content.startswith(b"ID3")


def test_errors_are_the_shims_and_the_openai_ones(client: openai.OpenAI, gateway: FakeProxy) -> None:
    shim.patch_openai()
    gateway.respond(400)
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="litellm_proxy/m", messages=HI)
    assert isinstance(caught.value, shim.BadRequestError)
    assert OPENAI_KEY not in str(caught.value)


def test_no_gateway_configured_raises_before_anything_is_sent(
    client: openai.OpenAI, openai_server: FakeProxy, proxy: FakeProxy
) -> None:
    shim.patch_openai()
    with pytest.raises(shim.ConfigError, match="LITELLM_PROXY_API_BASE"):
        client.chat.completions.create(model="litellm_proxy/m", messages=HI)
    assert openai_server.requests == proxy.requests == []


def _wrapper_chain(wrapper: object) -> list[object]:
    """`wrapper`, what it wraps, and so on down to the function: `wrapt.wrapper_chain`, which wrapt < 2.4 lacks."""
    chain = [wrapper]
    while isinstance(chain[-1], getattr(wrapt, "BaseObjectProxy", wrapt.ObjectProxy)):
        chain.append(chain[-1].__wrapped__)
    return chain


def test_a_second_patch_does_nothing(client: openai.OpenAI, gateway: FakeProxy) -> None:
    from openai.resources.chat.completions import Completions

    original = vars(Completions)["create"]
    first = shim.patch_openai()
    wrapper = vars(Completions)["create"]
    second = shim.patch_openai()
    assert (first.applied, second.applied) == (True, False)
    assert vars(Completions)["create"] is wrapper
    assert wrapper.__wrapped__ is original  # one wrapper, straight over the original
    assert len([w for w in _wrapper_chain(wrapper) if isinstance(w, wrapt.FunctionWrapper)]) == 1
    assert second.patched == first.patched
    assert "chat.completions.create" in first.patched
    assert first.missing == ()
    client.chat.completions.create(model="litellm_proxy/m", messages=HI)
    assert len(gateway.requests) == 1


def test_unpatch_restores_the_very_same_functions() -> None:
    originals = {(cls, name): vars(cls)[name] for cls, name in _resource_methods()}
    shim.patch_openai()
    assert all(vars(cls)[name] is not original for (cls, name), original in originals.items())
    shim.unpatch_openai()
    assert all(vars(cls)[name] is original for (cls, name), original in originals.items())
    shim.unpatch_openai()  # a second unpatch does nothing
    assert all(getattr(cls, name) is original for (cls, name), original in originals.items())


def test_context_manager_undoes_only_the_patch_it_applied() -> None:
    from openai.resources.chat.completions import Completions

    original = Completions.create
    with shim.patch_openai() as handle:
        assert handle.applied
        assert Completions.create is not original
    assert Completions.create is original

    shim.patch_openai()
    patched = vars(Completions)["create"]
    with shim.patch_openai() as inner:
        assert not inner.applied
    assert vars(Completions)["create"] is patched  # the outer patch stays
    shim.unpatch_openai()
    assert Completions.create is original


def test_clients_made_before_the_patch_are_routed(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    client.chat.completions.create(model="gpt-4o", messages=HI)  # resources already built
    before = openai.OpenAI(base_url=openai_server.url, api_key=OPENAI_KEY)
    completions = before.chat.completions
    with shim.patch_openai():
        completions.create(model="litellm_proxy/m", messages=HI)
        client.chat.completions.create(model="litellm_proxy/m", messages=HI)
    completions.create(model="gpt-4o", messages=HI)
    before.close()
    assert len(gateway.requests) == 2
    assert len(openai_server.requests) == 2
    assert_separate(openai_server, gateway)


def test_threads_patching_concurrently_patch_once(client: openai.OpenAI, gateway: FakeProxy) -> None:
    from openai.resources.chat.completions import Completions

    original = Completions.create
    barrier = threading.Barrier(16)
    handles: list[shim.patch.PatchHandle] = []

    def patch() -> None:
        barrier.wait()
        handles.append(shim.patch_openai())

    threads = [threading.Thread(target=patch) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(h.applied for h in handles) == 1
    chain = list(_wrapper_chain(vars(Completions)["create"]))
    assert [isinstance(w, wrapt.FunctionWrapper) for w in chain[:2]] == [True, False]  # wrapped exactly once
    assert chain[1] is original
    answers: list[str | None] = []

    def call() -> None:
        r = client.chat.completions.create(model="litellm_proxy/m", messages=HI)
        answers.append(r.choices[0].message.content)

    callers = [threading.Thread(target=call) for _ in range(8)] + [threading.Thread(target=patch) for _ in range(8)]
    barrier = threading.Barrier(8)
    for thread in callers:
        thread.start()
    for thread in callers:
        thread.join()
    assert answers == ["echo: hello world"] * 8
    unpatchers = [threading.Thread(target=shim.unpatch_openai) for _ in range(8)]
    for thread in unpatchers:
        thread.start()
    for thread in unpatchers:
        thread.join()
    assert Completions.create is original


def test_a_method_missing_from_the_installed_openai_is_skipped_with_a_debug_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, client: openai.OpenAI, gateway: FakeProxy
) -> None:
    from openai.resources.images import AsyncImages, Images

    monkeypatch.delattr(Images, "generate")
    monkeypatch.delattr(AsyncImages, "generate")
    with caplog.at_level(logging.DEBUG, logger="shim.patch"), shim.patch_openai() as handle:
        assert handle.missing == ("images.generate", "async images.generate")
        assert "images.generate" not in handle.patched
        assert "images.generate" in caplog.text
        client.embeddings.create(model="litellm_proxy/e", input="x")  # the rest is patched
    assert len(gateway.requests) == 1


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_", "SHIM_"))}
    return subprocess.run(
        [sys.executable, *args], env={**full_env, **env}, cwd=cwd, capture_output=True, text=True, timeout=60
    )


USER_SCRIPT = """
import sys
from openai import OpenAI

client = OpenAI()
r = client.chat.completions.create(model=sys.argv[1], messages=[{"role": "user", "content": "hi"}])
print(r.choices[0].message.content)
client.close()
"""


def test_patch_before_openai_is_imported(tmp_path: Path, openai_server: FakeProxy, proxy: FakeProxy) -> None:
    code = "import sys, shim\nshim.patch_openai()\n" + USER_SCRIPT
    env = {"LITELLM_PROXY_API_BASE": proxy.url, "LITELLM_PROXY_API_KEY": proxy.api_key}
    env |= {"OPENAI_BASE_URL": openai_server.url, "OPENAI_API_KEY": OPENAI_KEY}
    result = _run(["-c", code, "litellm_proxy/m"], env, tmp_path)
    assert result.stdout.strip() == "echo: hi", result.stderr
    assert [r.api_key for r in proxy.requests] == [proxy.api_key]
    assert openai_server.requests == []


@pytest.mark.parametrize(("switch", "routed"), [("1", True), ("0", False)])
def test_autopatch_runs_unchanged_code_patched(
    switch: str, routed: bool, tmp_path: Path, openai_server: FakeProxy, proxy: FakeProxy
) -> None:
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent(USER_SCRIPT))
    env = {"LITELLM_PROXY_API_BASE": proxy.url, "LITELLM_PROXY_API_KEY": proxy.api_key, "SHIM_PATCH_OPENAI": switch}
    env |= {"OPENAI_BASE_URL": openai_server.url, "OPENAI_API_KEY": OPENAI_KEY}
    result = _run(["-m", "shim.autopatch", str(script), "litellm_proxy/m"], env, tmp_path)
    if routed:
        assert result.stdout.strip() == "echo: hi", result.stderr
        assert (len(proxy.requests), len(openai_server.requests)) == (1, 0)
    else:  # unpatched, the model string goes to "OpenAI" as it is
        assert (len(proxy.requests), len(openai_server.requests)) == (0, 1)
        assert openai_server.requests[0].json["model"] == "litellm_proxy/m"


def test_autopatch_without_a_program_prints_usage(tmp_path: Path) -> None:
    result = _run(["-m", "shim.autopatch"], {}, tmp_path)
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_the_example_runs(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "examples" / "patch_openai.py"
    result = _run([str(example)], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("echo: Hello, how are you?") == 4


# --- Every method the patch routes, generated from its own enumeration of the installed SDK -------------------

ROUTED = method_names()
VARIANTS = ["", "with_raw_response", "with_streaming_response"]
# openai warns when a deprecated resource (assistants, threads, translations, ...) is called: its own behaviour.
sdk_deprecations = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _sent_models(request: Any) -> list[str]:
    """Where a request carries its model: the JSON body, the multipart form, or the path (`/models/<name>`)."""
    if request.path.startswith("/models/"):
        return [request.path.removeprefix("/models/")]
    if request.headers.get("content-type", "").startswith("multipart/"):
        return [request.form.get("model", "")]
    body = request.json if request.body[:1] == b"{" else {}
    return [body["model"]] if "model" in body else []


def assert_routed(openai_server: FakeProxy, gateway: FakeProxy) -> None:
    """The gateway got the call, with its key and the bare model; the user's OpenAI got nothing."""
    assert openai_server.requests == []
    assert gateway.requests
    assert all(r.api_key == gateway.api_key for r in gateway.requests)
    assert {m for r in gateway.requests for m in _sent_models(r)} <= {"gw-model"}


def test_every_model_method_of_the_installed_sdk_is_routed() -> None:
    handle = shim.patch_openai()
    assert set(ROUTED) <= set(handle.patched)
    promised = {"chat.completions.parse", "chat.completions.stream", "images.edit", "images.create_variation"}
    promised |= {"audio.translations.create", "moderations.create", "responses.parse", "responses.stream"}
    assert promised <= set(ROUTED)


@sdk_deprecations
@pytest.mark.parametrize("variant", VARIANTS, ids=["plain", "raw", "streaming"])
@pytest.mark.parametrize("name", ROUTED)
def test_every_routed_method_reaches_only_the_gateway(
    name: str, variant: str, client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    function = bound(client, name, variant)
    if function is None:
        pytest.skip(f"openai has no {variant}.{name}")
    call_sync(function, arguments(function, "litellm_proxy/gw-model"))
    assert_routed(openai_server, gateway)


@sdk_deprecations
@pytest.mark.parametrize("variant", VARIANTS, ids=["plain", "raw", "streaming"])
@pytest.mark.parametrize("name", ROUTED)
async def test_every_async_routed_method_reaches_only_the_gateway(
    name: str, variant: str, aclient: openai.AsyncOpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    function = bound(aclient, name, variant)
    if function is None:
        pytest.skip(f"openai has no {variant}.{name}")
    await call_async(function, arguments(function, "litellm_proxy/gw-model"))
    assert_routed(openai_server, gateway)


def test_a_model_given_positionally_is_routed(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    with pytest.raises(openai.NotFoundError):  # FakeProxy lists models but does not serve one by name
        client.models.retrieve("litellm_proxy/gw-model")
    assert [(r.method, r.path) for r in gateway.requests] == [("GET", "/models/gw-model")]
    assert_routed(openai_server, gateway)


# --- The SDK's own behaviour on routed calls ------------------------------------------------------------------


class Answer(BaseModel):
    text: str


def _json_answer(gateway: FakeProxy, *, stream: bool = False) -> None:
    """Script the gateway to answer a chat call with a JSON object (the fake echoes otherwise)."""
    content = Answer(text="hi").model_dump_json()
    message = {"role": "assistant", "content": content}
    gateway.respond(body={
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gw-model",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    })  # fmt: skip


def test_parse_returns_the_sdks_parsed_completion(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    _json_answer(gateway)
    result = client.chat.completions.parse(model="litellm_proxy/gw-model", messages=HI, response_format=Answer)
    assert isinstance(result, ParsedChatCompletion)
    assert result.choices[0].message.parsed == Answer(text="hi")
    assert gateway.requests[0].json["response_format"]["type"] == "json_schema"
    assert_routed(openai_server, gateway)


async def test_async_parse_and_raw_parse(
    aclient: openai.AsyncOpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    _json_answer(gateway)
    result = await aclient.chat.completions.parse(model="litellm_proxy/gw-model", messages=HI, response_format=Answer)
    assert result.choices[0].message.parsed == Answer(text="hi")
    _json_answer(gateway)
    raw = await aclient.chat.completions.with_raw_response.parse(
        model="litellm_proxy/gw-model", messages=HI, response_format=Answer
    )
    assert raw.headers["x-litellm-model-id"] == "fake-deployment-1"
    assert raw.parse().choices[0].message.parsed == Answer(text="hi")
    assert_routed(openai_server, gateway)


def test_chat_stream_manager_yields_the_sdks_events(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    with client.chat.completions.stream(model="litellm_proxy/gw-model", messages=HI) as stream:
        events = list(stream)
        final = stream.get_final_completion()
    assert any(isinstance(e, ContentDeltaEvent) for e in events)
    assert final.choices[0].message.content == "echo: hello world"
    assert_routed(openai_server, gateway)


async def test_async_responses_stream_manager_yields_the_sdks_events(
    aclient: openai.AsyncOpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    async with aclient.responses.stream(model="litellm_proxy/gw-model", input="hi") as stream:
        deltas = [e.delta async for e in stream if isinstance(e, ResponseTextDeltaEvent)]
        final = await stream.get_final_response()
    assert "".join(deltas) == final.output_text == "echo: hi"
    assert_routed(openai_server, gateway)


def test_responses_stream_and_parse(client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy) -> None:
    shim.patch_openai()
    with client.responses.stream(model="litellm_proxy/gw-model", input="hi") as stream:
        assert stream.get_final_response().output_text == "echo: hi"
    parsed = client.responses.parse(model="litellm_proxy/gw-model", input="hi")
    assert parsed.output_text == "echo: hi"
    assert_routed(openai_server, gateway)


def test_with_raw_response_gives_headers_and_parse(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    raw = client.chat.completions.with_raw_response.create(model="litellm_proxy/gw-model", messages=HI)
    assert raw.headers["x-litellm-model-id"] == "fake-deployment-1"
    completion = raw.parse()
    assert isinstance(completion, ChatCompletion)
    assert completion.choices[0].message.content == "echo: hello world"
    with client.responses.with_streaming_response.create(model="litellm_proxy/gw-model", input="hi") as streamed:
        assert streamed.headers["x-litellm-call-id"]
        assert streamed.parse().output_text == "echo: hi"
    assert_routed(openai_server, gateway)


def test_multipart_and_moderation_results_are_the_sdks_types(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    edit = client.images.edit(model="litellm_proxy/gw-model", image=("a.png", b"PNG"), prompt="a hat")
    assert isinstance(edit, ImagesResponse)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # openai's own: translations are deprecated in 3.x
        translation = client.audio.translations.create(model="litellm_proxy/gw-model", file=("a.wav", b"RIFF"))
    assert translation.text == "transcribed 4 bytes of a.wav"
    moderation = client.moderations.create(model="litellm_proxy/gw-model", input="hi")
    assert isinstance(moderation, ModerationCreateResponse)
    assert moderation.results[0].flagged is False
    assert_routed(openai_server, gateway)


def test_sdk_errors_come_from_the_gateway(client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy) -> None:
    shim.patch_openai()
    gateway.respond(400)
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.with_raw_response.create(model="litellm_proxy/gw-model", messages=HI)
    assert caught.value.response.request.url.host == "127.0.0.1"
    assert OPENAI_KEY not in str(caught.value)
    assert_routed(openai_server, gateway)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.chat.completions.create(model="litellm_proxy/gw-model", messages=HI),
        lambda c: c.chat.completions.with_raw_response.create(model="litellm_proxy/gw-model", messages=HI),
        lambda c: c.chat.completions.parse(model="litellm_proxy/gw-model", messages=HI),
    ],
    ids=["fast", "raw", "parse"],
)
@pytest.mark.parametrize(("retries", "attempts"), [(0, 1), (1, 2)])
def test_with_options_retries_and_per_call_options_are_honoured(
    call: Callable[[openai.OpenAI], Any], retries: int, attempts: int, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    user = openai.OpenAI(
        base_url=openai_server.url, api_key=OPENAI_KEY, default_headers={"x-user-default": "mine"}, max_retries=5
    )
    gateway.respond(503, headers={"retry-after": "0"}, times=attempts)
    with user, pytest.raises(openai.InternalServerError):
        call(user.with_options(max_retries=retries, timeout=20))
    assert len(gateway.requests) == attempts
    assert all("x-user-default" not in r.headers for r in gateway.requests)
    assert_routed(openai_server, gateway)


def test_per_call_extra_options_reach_the_gateway_on_the_sdk_path(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    client.chat.completions.with_raw_response.create(
        model="litellm_proxy/gw-model", messages=HI, extra_headers={"x-trace": "t-1"},
        extra_body={"metadata": {"tags": ["a"]}}, extra_query={"debug": "1"}, timeout=30,
    )  # fmt: skip
    sent = gateway.requests[0]
    assert sent.headers["x-trace"] == "t-1"
    assert sent.json["metadata"] == {"tags": ["a"]}
    assert_routed(openai_server, gateway)


def test_unpatch_beneath_another_librarys_wrapper_removes_only_ours(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    from openai.resources.chat.completions import Completions

    from shim._sdk.wrapt import unwrap

    seen: list[str] = []

    def theirs(wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        seen.append(kwargs["model"])  # an instrumentation that patched the same method after shim
        return wrapped(*args, **kwargs)

    original = vars(Completions)["create"]
    shim.patch_openai()
    handle = wrapt.wrap_function_wrapper(Completions, "create", theirs)
    try:
        shim.unpatch_openai()
        client.chat.completions.create(model="litellm_proxy/m", messages=HI)
        assert seen == ["litellm_proxy/m"]  # theirs still runs
        assert (len(gateway.requests), len(openai_server.requests)) == (0, 1)  # ours is gone: not routed
        assert [id(w) for w in _wrapper_chain(vars(Completions)["create"])] == [id(handle), id(original)]
    finally:
        unwrap(Completions, "create", handle)
    assert vars(Completions)["create"] is original
