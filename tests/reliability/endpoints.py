"""Every endpoint the shim has, as a table the suite iterates: how to call it and what a wrong answer is.

Endpoints are picked up by name, so the suite covers whatever exists on the branch it runs on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shim


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    call: Callable[..., Any]
    acall: Callable[..., Any]
    wrong_shapes: list[Any] = field(default_factory=list[Any])
    streams: bool = False


_CHOICES_WRONG = [{"id": "x"}, {"choices": "x"}, {"choices": [1]}, {"choices": [None]}, {"choices": None}]


def _chat(fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda **kw: fn("litellm_proxy/m", [{"role": "user", "content": "hi"}], **kw)


def _text(fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda **kw: fn("litellm_proxy/m", "Say hi", **kw)


ENDPOINTS: list[Endpoint] = [
    Endpoint("completion", "/chat/completions", _chat(shim.completion), _chat(shim.acompletion), _CHOICES_WRONG, True),
    Endpoint(
        "text_completion",
        "/completions",
        _text(shim.text_completion),
        _text(shim.atext_completion),
        _CHOICES_WRONG,
        True,
    ),
]

IDS = [e.name for e in ENDPOINTS]
STREAMING = [e for e in ENDPOINTS if e.streams]
