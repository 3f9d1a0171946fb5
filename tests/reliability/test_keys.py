"""Keys and prompts that must reach only their own gateway (issue 22, items 1 to 5, and the same classes beyond).

Every test runs two or three loopback gateways and counts, at each server, the requests that arrived there and the
key each carried: a key or a prompt at a server it was not meant for is the defect being counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest
from pydantic import BaseModel

import shim
from shim.testing import FakeProxy
from tests.conftest import HI

from .figures import Figures

PROCESS_KEY = "sk-process-0123456789abcdef"
TENANT_KEY = "sk-tenant-0123456789abcdefXYZ"
OPENAI_KEY = "sk-openai-user-0123456789abcdef"
KEY = "sk-live-0123456789abcdefSECRET"
ECHO = {"error": {"message": f"Invalid key {KEY} for this route", "type": "auth_error", "code": "401"}}
JSON_ANSWER = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": '{"text": "hi"}'}, "finish_reason": "stop"}],
}


class Answer(BaseModel):
    text: str


@pytest.fixture(autouse=True)
def unpatched() -> Iterator[None]:
    shim.unpatch_openai()
    yield
    shim.unpatch_openai()


@pytest.fixture
def process_gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProxy]:
    """The process-wide gateway (`shim.api_base` / `shim.api_key`)."""
    with FakeProxy(accept_any_key=True) as running:
        monkeypatch.setattr(shim, "api_base", running.url)
        monkeypatch.setattr(shim, "api_key", PROCESS_KEY)
        yield running


def _quietly(call: Callable[[], object]) -> None:
    """Make a call whose answer does not matter here (only where it went): what the SDK raises after it is sent
    (a parse of the fake's answer) is not the figure."""
    with contextlib.suppress(openai.APIError, ValueError):
        call()


# --- item 1: the patch must not capture a client built for a gateway --------------------------------------------


def test_a_gateway_client_keeps_its_gateway_and_key_under_the_patch(
    process_gateway: FakeProxy, multi: FakeProxy, figures: Figures
) -> None:
    # Was: all 7 calls went to the process gateway with the process key (the tenant's gateway saw none).
    tenant = multi
    client = shim.OpenAI(api_key=TENANT_KEY, base_url=tenant.url, max_retries=0)

    async def async_calls() -> None:
        aclient = shim.AsyncOpenAI(api_key=TENANT_KEY, base_url=tenant.url, max_retries=0)
        await aclient.embeddings.create(model="litellm_proxy/e", input="x")
        await aclient.chat.completions.create(model="litellm_proxy/m", messages=HI)

    with shim.patch_openai():
        client.chat.completions.create(model="litellm_proxy/m", messages=HI)
        tenant.respond(200, body=JSON_ANSWER)
        _quietly(lambda: client.chat.completions.parse(model="litellm_proxy/m", messages=HI, response_format=Answer))
        client.chat.completions.with_raw_response.create(model="litellm_proxy/m", messages=HI)
        client.embeddings.create(model="litellm_proxy/e", input="x")
        client.responses.create(model="litellm_proxy/m", input="hi")
        asyncio.run(async_calls())
    calls = 7
    wrong = len(process_gateway.requests)
    right = sum(r.api_key == TENANT_KEY for r in tenant.requests)
    figures.set("keys", "patched: calls made on a shim.OpenAI for another gateway", calls)
    figures.set("keys", "patched: those sent to the process's gateway (with its key)", wrong)
    assert wrong == 0
    assert right == calls
    assert [r.json["model"] for r in tenant.requests if r.json] == ["m", "m", "m", "e", "m", "e", "m"]


# --- item 2: overlapping patch blocks ------------------------------------------------------------------------------


def test_overlapping_patch_blocks_in_threads_and_tasks_keep_the_patch(
    process_gateway: FakeProxy, proxy: FakeProxy, figures: Figures
) -> None:
    # Was: the first block to end removed the patch under the second: its litellm_proxy/ prompt went to the user's
    # OpenAI endpoint with the user's OpenAI key (1 in threads, 1 in tasks).
    openai_endpoint = proxy
    first_in, first_out = threading.Event(), threading.Event()

    def first() -> None:
        with shim.patch_openai():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    second_in = threading.Event()

    def second() -> None:
        first_in.wait(10)
        with shim.patch_openai():
            second_in.set()
            first_out.wait(10)
            user = openai.OpenAI(api_key=OPENAI_KEY, base_url=openai_endpoint.url, max_retries=0)
            _quietly(lambda: user.chat.completions.create(model="litellm_proxy/m", messages=HI))
            user.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    async def tasks() -> None:
        entered, left = asyncio.Event(), asyncio.Event()

        async def one() -> None:
            with shim.patch_openai():
                entered.set()
                await asyncio.sleep(0)
            left.set()

        async def two() -> None:
            await entered.wait()
            with shim.patch_openai():
                await left.wait()
                user = openai.AsyncOpenAI(api_key=OPENAI_KEY, base_url=openai_endpoint.url, max_retries=0)
                with contextlib.suppress(openai.APIError):
                    await user.chat.completions.create(model="litellm_proxy/m", messages=HI)
                await user.close()

        await asyncio.gather(one(), two())

    asyncio.run(tasks())
    leaked = [r for r in openai_endpoint.requests if (r.json or {}).get("model", "").startswith("litellm_proxy/")]
    figures.set(
        "keys", "overlapping patch blocks (2 threads, 2 tasks): prompts sent to the OpenAI endpoint", len(leaked)
    )
    assert leaked == []
    assert [r.api_key for r in process_gateway.requests] == [PROCESS_KEY, PROCESS_KEY]


def test_patch_handles_nest_and_unpatch_still_removes_everything(process_gateway: FakeProxy, proxy: FakeProxy) -> None:
    from openai.resources.chat.completions import Completions

    original = Completions.create
    outer = shim.patch_openai()
    inner = shim.patch_openai()
    with outer:  # the outer handle ends first: the inner one still holds the patch
        pass
    assert Completions.create is not original
    with inner:
        pass
    assert Completions.create is original
    with shim.patch_openai(), shim.patch_openai():
        shim.unpatch_openai()  # explicit: removes the patch now, whatever holds it
        assert Completions.create is original
    shim.patch_openai()
    assert Completions.create is not original  # the blocks ending after unpatch did not undo a later patch


# --- item 3: client= and another gateway's key --------------------------------------------------------------------


def test_client_is_never_sent_another_gateways_key(multi: FakeProxy, figures: Figures) -> None:
    # Was: the key for gateway B went to the client's gateway A (per call, and as a fallback's own key), and the
    # fallback's answer named B in _hidden_params.
    with FakeProxy(accept_any_key=True) as other:
        a, b = multi, other
        mine = openai.OpenAI(api_key="sk-a-0123456789abcdef", base_url=a.url, max_retries=0)
        for_b = {"api_base": b.url, "api_key": "sk-b-0123456789abcdef"}
        fallback = [{"model": "litellm_proxy/m2", **for_b}]

        def in_a_loop(**kwargs: Any) -> Callable[[], object]:
            async def call() -> object:
                async with openai.AsyncOpenAI(api_key="sk-a-0123456789abcdef", base_url=a.url) as amine:
                    return await shim.acompletion("litellm_proxy/m", HI, client=amine, num_retries=0, **kwargs)

            return lambda: asyncio.run(call())

        refused = sent_to_a = 0
        attempts: list[Callable[[], object]] = [
            lambda: shim.completion("litellm_proxy/m", HI, client=mine, **for_b),
            lambda: shim.completion("litellm_proxy/m", HI, client=mine, fallbacks=fallback),
            lambda: shim.embedding("litellm_proxy/e", input="x", client=mine, fallbacks=fallback),
            in_a_loop(**for_b),
            in_a_loop(fallbacks=fallback),
        ]
        for attempt in attempts:
            a.respond(500, times=1)  # the first try fails, so a fallback would be tried
            try:
                attempt()
            except shim.ConfigError as error:
                refused += "client=" in str(error)
            except openai.APIError:
                pass
            sent_to_a += sum(r.api_key != "sk-a-0123456789abcdef" for r in a.requests)
            a.clear()
        figures.set("keys", "client= with another gateway's key (5 calls): refused before I/O", refused)
        figures.set("keys", "client= with another gateway's key: requests carrying it to client='s gateway", sent_to_a)
        # The same gateway as the client's, or a key without a base URL (for the client's own gateway), still works.
        same = shim.completion("litellm_proxy/m", HI, client=mine, api_base=a.url + "/", api_key="sk-other-key-0123")
        mine.close()
    assert refused == len(attempts)
    assert sent_to_a == 0
    assert b.requests == []
    assert same.choices[0].message.content == "echo: hello world"
    assert a.requests[-1].api_key == "sk-other-key-0123"


# --- item 4: a key echoed by the gateway must not reach telemetry ------------------------------------------------


def test_an_echoed_key_never_reaches_callbacks_or_the_error_on_the_sdk_paths(
    process_gateway: FakeProxy, monkeypatch: pytest.MonkeyPatch, figures: Figures
) -> None:
    # Was: the key, echoed in a 401 body, was in the failure callback's kwargs (exception, traceback_exception,
    # standard_logging_object) and in the raised error, for shim.OpenAI and for the patched SDK path (parse()).
    payloads: list[str] = []

    def failed(kwargs: dict[str, Any], response: object, start: object, end: object) -> None:
        payloads.append(repr(kwargs) + str(kwargs.get("exception")) + str(kwargs.get("traceback_exception")))

    monkeypatch.setattr(shim, "failure_callback", [failed])
    monkeypatch.setattr(shim, "api_key", KEY)
    client = shim.OpenAI(api_key=KEY, base_url=process_gateway.url, max_retries=0)
    errors: list[BaseException] = []

    def fails(call: Callable[[], object]) -> None:
        process_gateway.respond(401, body=ECHO)
        try:
            call()
        except openai.AuthenticationError as error:
            errors.append(error)

    fails(lambda: client.chat.completions.create(model="litellm_proxy/m", messages=HI))
    fails(lambda: client.chat.completions.parse(model="litellm_proxy/m", messages=HI, response_format=Answer))
    with shim.patch_openai():
        user = openai.OpenAI(api_key=OPENAI_KEY, base_url="http://127.0.0.1:9", max_retries=0)
        fails(lambda: user.chat.completions.parse(model="litellm_proxy/m", messages=HI, response_format=Answer))
        fails(lambda: user.chat.completions.with_raw_response.create(model="litellm_proxy/m", messages=HI))

        async def async_call() -> None:
            aclient = shim.AsyncOpenAI(api_key=KEY, base_url=process_gateway.url, max_retries=0)
            process_gateway.respond(401, body=ECHO)
            try:
                await aclient.embeddings.create(model="litellm_proxy/e", input="x")
            except openai.AuthenticationError as error:
                errors.append(error)

        asyncio.run(async_call())
    assert shim.flush_callbacks()
    texts = payloads + [repr(e) + str(e) + repr(getattr(e, "body", None)) for e in errors]
    showing = sum(KEY in text for text in texts)
    figures.set("keys", "401 echoing the key on the SDK paths: callback payloads and errors checked", len(texts))
    figures.set("keys", "401 echoing the key on the SDK paths: payloads and errors showing it", showing)
    assert len(payloads) == 5
    assert len(errors) == 5
    assert showing == 0


OTEL_SCRIPT = textwrap.dedent(
    """
    import sys
    import openai
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    import shim
    from shim.testing import FakeProxy

    key = sys.argv[1]
    echo = {"error": {"message": f"Invalid key {key} for this route", "code": "401"}}
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    hi = [{"role": "user", "content": "hi"}]
    with FakeProxy(accept_any_key=True) as gateway:
        shim.api_base, shim.api_key = gateway.url, key
        calls = [
            lambda: shim.OpenAI(max_retries=0).chat.completions.create(model="litellm_proxy/m", messages=hi),
            lambda: openai.OpenAI(api_key="sk-openai", base_url="http://127.0.0.1:9", max_retries=0)
            .chat.completions.parse(model="litellm_proxy/m", messages=hi),
            lambda: shim.completion("litellm_proxy/m", hi, num_retries=0),
        ]
        with shim.patch_openai():
            for call in calls:
                gateway.respond(401, body=echo)
                try:
                    call()
                except openai.AuthenticationError:
                    pass
    spans = exporter.get_finished_spans()
    showing = sum(key in span.to_json() for span in spans)
    print(len(spans), showing)
    """
)


def test_an_echoed_key_never_reaches_a_span_on_any_path(figures: Figures) -> None:
    # In its own process: importing OpenTelemetry here would observe every later test of the session.
    pytest.importorskip("opentelemetry.sdk")
    done = subprocess.run(
        [sys.executable, "-c", OTEL_SCRIPT, KEY], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    spans, showing = map(int, done.stdout.split())
    figures.set("keys", "401 echoing the key: spans checked (shim.OpenAI, patched parse(), completion)", spans)
    figures.set("keys", "401 echoing the key: spans showing it", showing)
    assert spans == 3
    assert showing == 0


# --- item 5: the model-info cache is per key ------------------------------------------------------------------------


def test_model_info_is_never_answered_from_another_keys_lookup(figures: Figures) -> None:
    # Was: a revoked key got supports_vision(...) == True without a request, and tenant B got tenant A's private
    # model group, both from the entry A's lookup left in the cache (keyed by URL only).
    private = {"data": [{"model_name": "private", "model_info": {"supports_vision": True}}]}
    with FakeProxy(api_key=TENANT_KEY) as gateway:
        options = {"api_base": gateway.url, "num_retries": 0}
        gateway.respond(200, body=private)
        assert shim.supports_vision("litellm_proxy/private", api_key=TENANT_KEY, **options)
        answered_without_asking: list[str] = []
        before = len(gateway.requests)
        try:
            revoked = shim.supports_vision("litellm_proxy/private", api_key="sk-revoked-0123456789", **options)
            answered_without_asking.append(f"revoked key: {revoked}")
        except shim.AuthenticationError:
            pass
        try:
            info = shim.get_model_info("litellm_proxy/private", api_key="sk-tenant-b-0123456789", **options)
            answered_without_asking.append(f"tenant B: {info}")
        except (ValueError, shim.AuthenticationError):
            pass

        async def again() -> bool:
            return await shim.aget_model_info("litellm_proxy/private", api_key=TENANT_KEY, **options) != {}

        cached_for_a = asyncio.run(again())  # the key that looked it up is still answered from its own entry
        asked = len(gateway.requests) - before
    figures.set(
        "keys", "model info: lookups by other keys answered from the first key's entry", len(answered_without_asking)
    )
    assert answered_without_asking == []
    assert asked == 2  # one request per other key; none for the key that filled the entry
    assert cached_for_a


# --- beyond the listed cases: the key echoed where no callback or span listens ------------------------------------


def test_an_echoed_key_never_shows_in_errors_on_any_sdk_path(process_gateway: FakeProxy, figures: Figures) -> None:
    # Errors raised later than the call itself (a stream's error event, a stream manager's or a streaming
    # response's 401 at `with`) were the SDK's own, key and all, when nothing observed the call.
    gateway = process_gateway
    shim.api_key = KEY
    client = shim.OpenAI(api_key=KEY, base_url=gateway.url, max_retries=0)
    event = f'data: {{"error": {{"message": "Invalid key {KEY}", "code": "401"}}}}\n\n'.encode()
    errors: list[BaseException] = []

    def fails(call: Callable[[], object], *, streamed: bool = False) -> None:
        if streamed:
            gateway.respond(200, body=event, headers={"content-type": "text/event-stream"})
        else:
            gateway.respond(401, body=ECHO)
        try:
            call()
        except openai.APIError as error:
            errors.append(error)

    def read(stream: Any) -> None:
        for _ in stream:
            pass

    user = openai.OpenAI(api_key=OPENAI_KEY, base_url="http://127.0.0.1:9", max_retries=0)

    def manager(on: Any) -> None:
        with on.chat.completions.stream(model="litellm_proxy/m", messages=HI) as stream:
            read(stream)

    def streaming_response(on: Any) -> None:
        with on.chat.completions.with_streaming_response.create(model="litellm_proxy/m", messages=HI) as response:
            response.read()

    fails(
        lambda: read(client.chat.completions.create(model="litellm_proxy/m", messages=HI, stream=True)), streamed=True
    )
    fails(lambda: manager(client), streamed=True)
    with shim.patch_openai():
        fails(lambda: manager(user))
        fails(lambda: manager(user), streamed=True)
        fails(lambda: streaming_response(user))

        async def async_manager() -> None:
            aclient = openai.AsyncOpenAI(api_key=OPENAI_KEY, base_url="http://127.0.0.1:9", max_retries=0)
            async with aclient.chat.completions.stream(model="litellm_proxy/m", messages=HI) as stream:
                async for _ in stream:
                    pass

        fails(lambda: asyncio.run(async_manager()))
    user.close()
    showing = sum(KEY in repr(e) + str(e) + repr(getattr(e, "body", None)) for e in errors)
    figures.set("keys", "echoed key, nothing observing: stream errors and late 401s checked (SDK paths)", len(errors))
    figures.set("keys", "echoed key, nothing observing: those showing it", showing)
    assert len(errors) == 6
    assert showing == 0
