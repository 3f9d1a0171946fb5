"""Calling any resource method of the installed openai SDK that takes a `model`, with minimal arguments.

Shared by the patch matrix and the gateway-client tests, so both cover the same enumeration the patch uses.
"""

from __future__ import annotations

import base64
import inspect
from collections.abc import Callable
from typing import Any

import openai

import shim
from tests.conftest import HI

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
# A value for each required parameter the SDK's model-taking methods have.
DUMMIES: dict[str, Any] = {
    "messages": HI,
    "prompt": "hi",
    "input": "hi",
    "voice": "alloy",
    "file": ("a.wav", b"RIFF0000"),
    "image": ("a.png", PNG),
    "name": "v",
    "agent_id": "agent_1",
    "assistant_id": "asst_1",
    "thread_id": "thread_1",
    "questions": [],
    "training_file": "file-1",
    "call_id": "call_1",
    "type": "realtime",
}
# Optional parameters without which a call is refused before it is sent (responses.create needs an input).
OPTIONAL = ("input", "prompt", "type")
# Websocket sessions: a FakeProxy speaks HTTP only.
WEBSOCKET = frozenset({"realtime.connect", "beta.realtime.connect", "realtime.translations.connect"})


def method_names() -> list[str]:
    """Every method the patch routes (`chat.completions.create`, ...): the enumeration `patch_openai()` made."""
    with shim.patch_openai() as handle:
        return [name for name in handle.patched if name not in WEBSOCKET]


def bound(client: Any, name: str, variant: str = "") -> Callable[..., Any] | None:
    """`client.<resource>[.with_raw_response].<method>`, or None when that variant does not exist."""
    *path, method = name.split(".")
    resource = client
    for part in path:
        resource = getattr(resource, part)
    if variant:
        resource = getattr(resource, variant)
    return getattr(resource, method, None)


def arguments(function: Callable[..., Any], model: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"model": model}
    for name, parameter in inspect.signature(function).parameters.items():
        if name in DUMMIES and (parameter.default is inspect.Parameter.empty or name in OPTIONAL):
            kwargs[name] = DUMMIES[name]
    return kwargs


def call_sync(function: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """Call and consume: enter a manager (streams and streamed responses only send on entering)."""
    try:
        result = function(**kwargs)
        if hasattr(result, "__enter__"):
            with result as entered:
                return entered
        return result
    except openai.APIStatusError as error:  # a path the FakeProxy does not serve: what was sent still counts
        return error


async def call_async(function: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    try:
        result = function(**kwargs)
        if inspect.isawaitable(result):
            result = await result
        if hasattr(result, "__aenter__"):
            async with result as entered:
                return entered
        return result
    except openai.APIStatusError as error:
        return error
