"""What escapes a call: the key in a traceback (its chain, its frames' locals), and exception types outside shim's
tree (framing headers, a redirect, anything unexpected from the transport). Issue 14, items 3, 4, 7 and 8.
"""

from __future__ import annotations

import contextlib
import io
import logging
import traceback
from types import TracebackType
from typing import Any

import openai
import pytest

import shim
from shim import cli
from shim.testing import FakeProxy
from tests.conftest import HI

from .figures import Figures
from .rawserver import RawServer

KEY = "sk-live-0123456789abcdefSECRET"
ECHO = {"error": {"message": f"Invalid key {KEY} for this route", "code": "401"}}
FRAMING = ["Content-Length", "Transfer-Encoding", "Host", "Connection", "content-length", "HOST"]


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _frames_showing(error: BaseException, secret: str) -> int:
    """Frames of the error's tracebacks (and its chain's) whose locals show `secret` in their repr."""
    count = 0
    for link in _chain(error):
        tb: TracebackType | None = link.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_filename != __file__:  # the test's own frame holds the key it passed
                count += any(secret in _safe_repr(value) for value in frame.f_locals.values())
            tb = tb.tb_next
    return count


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:  # a local that cannot be shown is not a leak
        return ""


def _echoing_401(proxy: FakeProxy) -> BaseException:
    proxy.respond(401, body=ECHO)
    try:
        shim.completion("litellm_proxy/m", HI, api_base=proxy.url, api_key=KEY, num_retries=0)
    except shim.AuthenticationError as error:
        return error
    raise AssertionError("no error")


def test_no_key_in_formatted_tracebacks_logs_or_verbose_output(multi: FakeProxy, figures: Figures) -> None:
    # Was: str(e) scrubbed, but e.__cause__ (the openai exception) printed the key in every formatted traceback.
    error = _echoing_401(multi)
    stream = io.StringIO()
    logger = logging.getLogger("shim.test.escapes")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.exception("call failed", exc_info=error)
    finally:
        logger.removeHandler(handler)
    multi.respond(401, body=ECHO)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["chat", "hi", "-m", "litellm_proxy/m", "--api-base", multi.url, "--api-key", KEY, "-v"])
    texts = {
        "traceback.format_exception": "".join(traceback.format_exception(error)),
        "logger.exception": stream.getvalue(),
        "shim chat -v": out.getvalue() + err.getvalue(),
    }
    showing = sorted(name for name, text in texts.items() if KEY in text)
    figures.set("escapes", "401 echoing the key: outputs checked (traceback, logger.exception, shim chat -v)", 3)
    figures.set("escapes", "401 echoing the key: outputs showing the key", len(showing))
    assert status == 1
    assert "Traceback" in texts["shim chat -v"]
    assert type(error.__cause__).__name__ == "AuthenticationError"  # the original type stays, for debugging
    assert showing == []


def test_no_key_in_the_locals_of_a_tracebacks_frames(multi: FakeProxy, figures: Figures) -> None:
    # Was: `Bearer sk-...` in the locals of 7 frames (what Sentry, rich and pytest -l record); raw openai: 0.
    error = _echoing_401(multi)
    shim_frames = _frames_showing(error, KEY)
    multi.respond(401, body=ECHO)
    with openai.OpenAI(api_key=KEY, base_url=multi.url, max_retries=0) as raw:
        try:
            raw.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        except openai.AuthenticationError as raw_error:
            raw_frames = _frames_showing(raw_error, KEY)
    figures.set("escapes", "401 traceback: frames whose locals show the key (shim)", shim_frames)
    figures.set("escapes", "401 traceback: frames whose locals show the key (raw openai)", raw_frames)
    assert shim_frames == 0


@pytest.mark.parametrize("name", FRAMING)
def test_framing_headers_are_a_value_error_before_any_request(multi: FakeProxy, figures: Figures, name: str) -> None:
    # Was: h11's LocalProtocolError (outside every tree), from inside the transport.
    try:
        shim.completion("litellm_proxy/m", HI, api_base=multi.url, api_key="sk-1", extra_headers={name: "5"})
        outcome = "sent"
    except ValueError as error:
        outcome = "ValueError" if name in str(error) and not multi.requests else f"ValueError after I/O: {error}"
    except Exception as error:  # the defect being counted
        outcome = f"{type(error).__module__}.{type(error).__name__}"
    figures.add("escapes", "framing headers in extra_headers: calls", 1)
    figures.add("escapes", "framing headers in extra_headers: ValueError before I/O", outcome == "ValueError")
    assert outcome == "ValueError"


# Faults below the HTTP layer that no rule maps: each must come out as an APIConnectionError, its cause kept.
_TRANSPORT_FAULTS: dict[str, bytes] = {
    "gzip body that is not gzip": (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: 12\r\n"
        b"connection: close\r\n\r\nnot gzip at all"[:-3]
    ),
    "unknown transfer-encoding": (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: bogus\r\nconnection: close\r\n\r\nx"
    ),
    "status line with a huge code": b"HTTP/1.1 99999 X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
}


@pytest.mark.parametrize("fault", sorted(_TRANSPORT_FAULTS))
@pytest.mark.parametrize("stream", [False, True])
def test_unexpected_transport_errors_stay_in_the_tree(figures: Figures, fault: str, stream: bool) -> None:
    with RawServer() as raw:
        raw.script(_TRANSPORT_FAULTS[fault], times=3)
        try:
            result: Any = shim.completion(
                "litellm_proxy/m", HI, api_base=raw.url, api_key=KEY, num_retries=0, stream=stream
            )
            if stream:
                list(result)
            outcome: BaseException | None = None
        except Exception as error:  # sorted below
            outcome = error
    figures.add("escapes", "transport faults: calls", 1)
    in_tree = isinstance(outcome, (openai.APIError, shim.ConfigError, shim.RouteError))
    figures.add("escapes", "transport faults: exceptions outside shim's tree", outcome is not None and not in_tree)
    assert outcome is None or isinstance(outcome, openai.APIError), repr(outcome)
    if isinstance(outcome, shim.APIConnectionError):
        assert outcome.__cause__ is not None


def test_a_redirect_is_reported_with_its_status_and_location(figures: Figures) -> None:
    # Was: InternalServerError with status_code=500 ("a 307" became a server error).
    location = "https://gateway.example.com/v1/chat/completions"
    with RawServer() as raw:
        head = f"HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n"
        raw.script((head + "connection: close\r\n\r\n").encode())
        with pytest.raises(openai.APIStatusError) as info:
            shim.completion("litellm_proxy/m", HI, api_base=raw.url, api_key=KEY)
        requests = raw.requests
    error = info.value
    figures.set("escapes", "307 redirect: raises", f"{type(error).__name__} (status_code {error.status_code})")
    figures.set("escapes", "307 redirect: requests sent (not followed)", requests)
    assert requests == 1
    assert error.status_code == 307
    assert type(error).__name__ == "RedirectError"
    assert getattr(error, "location", None) == location
    assert "not followed" in str(error) and "https://gateway.example.com/v1" in str(error)
    assert KEY not in str(error)
