"""Bad input from callers, fuzzed: a ValueError (RouteError, ConfigError) or TypeError with a clear message,
raised before any request is sent; or, when the input is valid, exactly that input on the wire."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import shim
from shim.testing import FakeProxy

from .conftest import SOAK
from .figures import Figures

HI = [{"role": "user", "content": "hi"}]
# Function-scoped fixtures are fine here: every example leaves the gateway and the cache as it found them.
FUZZ = settings(
    max_examples=1000 if SOAK else 100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SECRET = "s3cr3t-Pw"


def _refused(error: BaseException, figures: Figures, what: str, secret: object = None) -> None:
    assert isinstance(error, (ValueError, TypeError)), repr(error)
    assert len(str(error)) > 20, "a message that tells the user what to do"
    if isinstance(secret, str) and len(secret) >= 4:
        assert secret not in str(error)
    figures.add("bad input", f"{what}: refused before I/O")


def _call(multi: FakeProxy, **kwargs: Any) -> Any:
    options: dict[str, Any] = {"api_base": multi.url, "api_key": "sk-fuzz", "num_retries": 0, **kwargs}
    model = options.pop("model", "litellm_proxy/m")
    messages = options.pop("messages", HI)
    return shim.completion(model, messages, **options)


@FUZZ
@given(
    model=st.one_of(
        st.text(),
        st.text().map(lambda rest: "litellm_proxy/" + rest),
        st.sampled_from(
            ["", "litellm_proxy/", "litellm_proxy", " litellm_proxy/m", "litellm_proxy/m\n", "LITELLM_PROXY/m"]
        ),
        st.text(min_size=5_000, max_size=20_000).map(lambda rest: "litellm_proxy/" + rest),
        st.none(),
        st.integers(),
        st.binary(),
    )
)
def test_model_strings(multi: FakeProxy, figures: Figures, model: Any) -> None:
    before = len(multi.requests)
    try:
        _call(multi, model=model)
    except (ValueError, TypeError) as error:
        _refused(error, figures, "model strings")
        assert len(multi.requests) == before
        return
    sent = multi.requests[-1].json["model"]
    assert model == "litellm_proxy/" + sent
    assert sent and sent == sent.strip()
    figures.add("bad input", "model strings: sent as given")


_URL = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["", "http://", "ftp://", "HTTP://", "http:/", "//", "http:///"]),
        st.sampled_from(["", f"user:{SECRET}@", f":{SECRET}@", f"{SECRET}@"]),
        st.sampled_from(["127.0.0.1:{port}", "", "127.0.0.1:99999", "127.0.0.1:{port}:1"]),
        st.sampled_from(["", "/", "/v1", "/v1/", "//", "/v1//", "/v1?x=1", "/#f", " ", "\n", "/v 1"]),
    ),
)


@FUZZ
@given(url=st.one_of(_URL, st.text()))
def test_base_urls(multi: FakeProxy, figures: Figures, url: str) -> None:
    port = str(multi.url.rsplit(":", 1)[1])
    url = url.replace("{port}", port)
    parts = urlsplit(url) if url.isprintable() else None
    # Only loopback traffic: an arbitrary text that happens to be a valid URL elsewhere is not sent.
    assume(parts is None or not parts.hostname or (parts.hostname == "127.0.0.1" and parts.scheme != "https"))
    before = len(multi.requests)
    try:
        _call(multi, api_base=url)
    except (ValueError, TypeError) as error:
        _refused(error, figures, "base URLs", SECRET)
        assert len(multi.requests) == before
        return
    assert SECRET not in url
    path = urlsplit(url).path.rstrip("/")
    assert multi.requests[-1].path == path + "/chat/completions"
    figures.add("bad input", "base URLs: sent to the right path")


@FUZZ
@given(key=st.one_of(st.text(), st.sampled_from(["sk-1\n", "sk-1\r\nX-Admin: 1", "sk-é", "sk 1", "\x00"]), st.binary()))
def test_keys(multi: FakeProxy, figures: Figures, key: Any) -> None:
    before = len(multi.requests)
    try:
        _call(multi, api_key=key)
    except (ValueError, TypeError) as error:
        _refused(error, figures, "keys", key)
        assert len(multi.requests) == before
        return
    except shim.AuthenticationError:  # an empty key is refused by the fake gateway, not the shim
        pytest.fail("a key the shim accepted reached the gateway without being sent")
    request = multi.requests[-1]
    assert request.headers["authorization"] == f"Bearer {key}"
    assert not set(request.headers) - set(multi.requests[0].headers) - {"content-length"}
    figures.add("bad input", "keys: sent as given, in one header")


@FUZZ
@given(headers=st.dictionaries(st.text(max_size=12), st.text(max_size=12), min_size=1, max_size=3))
def test_extra_headers(multi: FakeProxy, figures: Figures, headers: dict[str, str]) -> None:
    assume(not any(name.lower() in ("authorization", "content-length", "host") for name in headers))
    before = len(multi.requests)
    try:
        _call(multi, extra_headers=headers)
    except (ValueError, TypeError) as error:
        _refused(error, figures, "extra headers")
        assert len(multi.requests) == before
        return
    received = multi.requests[-1].headers
    for name, value in headers.items():
        assert received[name.lower()] == value
    figures.add("bad input", "extra headers: sent as given")


@FUZZ
@given(
    messages=st.one_of(
        st.none(),
        st.integers(),
        st.text(),
        st.binary(),
        st.dictionaries(st.text(), st.text()),
        st.lists(st.one_of(st.integers(), st.text(), st.none()), min_size=1),
        st.just([]),
        st.just(iter([])),
    )
)
def test_messages_of_the_wrong_type(multi: FakeProxy, figures: Figures, messages: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        _call(multi, messages=messages)
    _refused(info.value, figures, "messages")
    assert not multi.requests


@FUZZ
@given(
    option=st.sampled_from(["timeout", "num_retries", "max_retries"]),
    value=st.one_of(st.floats(), st.integers(min_value=-5, max_value=5), st.text(max_size=3), st.booleans()),
)
def test_transport_options(multi: FakeProxy, figures: Figures, option: str, value: Any) -> None:
    before = len(multi.requests)
    # A timeout that fires is retried with the SDK's backoff (seconds each): one attempt is enough here.
    retries = {} if option != "timeout" else {"num_retries": 0}
    try:
        _call(multi, **{**retries, option: value})
    except shim.Timeout:
        figures.add("bad input", "timeouts and retries: accepted")
        return
    except (ValueError, TypeError) as error:
        _refused(error, figures, "timeouts and retries")
        assert len(multi.requests) == before
        return
    figures.add("bad input", "timeouts and retries: accepted")


@FUZZ
@given(
    file=st.one_of(
        st.text(min_size=1).map(lambda name: f"/nonexistent-dir/{name}"),
        st.just("/"),
        st.just("/tmp"),
        st.integers(),
        st.none(),
        st.just(("name.wav", "not bytes")),
        st.just(("name.wav",)),
    )
)
def test_transcription_files_that_do_not_exist_or_are_not_files(multi: FakeProxy, figures: Figures, file: Any) -> None:
    with pytest.raises((ValueError, TypeError, FileNotFoundError)) as info:
        shim.transcription("litellm_proxy/whisper", file, api_base=multi.url, api_key="sk-fuzz")
    assert len(str(info.value)) > 20
    assert not multi.requests
    figures.add("bad input", "transcription files: refused before I/O")


ARGUMENTS: list[tuple[str, Any]] = [
    ("embedding", lambda value, **kw: shim.embedding("litellm_proxy/m", value, **kw)),
    ("image_generation", lambda value, **kw: shim.image_generation("litellm_proxy/m", value, **kw)),
    ("rerank documents", lambda value, **kw: shim.rerank("litellm_proxy/m", "q", value, **kw)),
    ("speech", lambda value, **kw: shim.speech("litellm_proxy/m", value, "alloy", **kw)),
    ("text_completion", lambda value, **kw: shim.text_completion("litellm_proxy/m", value, **kw)),
]


@FUZZ
@given(
    which=st.sampled_from(ARGUMENTS),
    value=st.one_of(st.none(), st.integers(), st.just(""), st.just([]), st.dictionaries(st.text(), st.integers())),
)
def test_main_arguments_of_the_wrong_type(multi: FakeProxy, figures: Figures, which: Any, value: Any) -> None:
    name, call = which
    assume(not (name == "text_completion" and value == ""))  # an empty prompt is valid for OpenAI's API
    with pytest.raises((ValueError, TypeError)) as info:
        call(value, api_base=multi.url, api_key="sk-fuzz")
    _refused(info.value, figures, "endpoint arguments")
    assert not multi.requests, name
