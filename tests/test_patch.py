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
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import wrapt
from openai.types import Completion, CreateEmbeddingResponse, ImagesResponse
from openai.types.audio import Transcription
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseTextDeltaEvent

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

OPENAI_KEY = "sk-openai-user"


def _resource_methods() -> list[tuple[type, str]]:
    import openai.resources.audio.speech as speech
    import openai.resources.audio.transcriptions as transcriptions
    import openai.resources.chat.completions as chat
    import openai.resources.completions as text
    import openai.resources.embeddings as embeddings
    import openai.resources.images as images
    import openai.resources.responses as responses

    pairs: list[tuple[Any, list[str]]] = [
        (chat.Completions, ["create", "parse", "stream"]),
        (text.Completions, ["create"]),
        (embeddings.Embeddings, ["create"]),
        (images.Images, ["generate"]),
        (speech.Speech, ["create"]),
        (transcriptions.Transcriptions, ["create"]),
        (responses.Responses, ["create", "parse", "stream"]),
    ]
    result: list[tuple[type, str]] = []
    for cls, names in pairs:
        async_cls = getattr(sys.modules[cls.__module__], "Async" + cls.__name__)
        result += [(owner, name) for owner in (cls, async_cls) for name in names]
    return result


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


def _enter(result: Any) -> None:
    with result:  # with_streaming_response only sends on entering
        pass


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.chat.completions.parse(model="litellm_proxy/m", messages=HI),
        lambda c: c.chat.completions.stream(model="litellm_proxy/m", messages=HI),
        lambda c: c.responses.parse(model="litellm_proxy/m", input="hi"),
        lambda c: c.responses.stream(model="litellm_proxy/m", input="hi"),
        lambda c: c.chat.completions.with_raw_response.create(model="litellm_proxy/m", messages=HI),
        lambda c: c.chat.completions.with_streaming_response.create(model="litellm_proxy/m", messages=HI),
    ],
    ids=["chat.parse", "chat.stream", "responses.parse", "responses.stream", "raw", "streaming_response"],
)
def test_methods_that_cannot_be_routed_refuse_rather_than_send_to_openai(
    call: Callable[[openai.OpenAI], Any], client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    shim.patch_openai()
    with pytest.raises(shim.RouteError, match="patch_openai"):
        _enter(call(client))
    assert openai_server.requests == gateway.requests == []


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
    assert result.stdout.count("echo: Hello, how are you?") == 3


def test_unpatch_beneath_another_librarys_wrapper_removes_only_ours(
    client: openai.OpenAI, openai_server: FakeProxy, gateway: FakeProxy
) -> None:
    from openai.resources.chat.completions import Completions

    from shim._wrapt import unwrap

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
