"""Every endpoint the shim has, as a table the suite iterates: how to call it and what wrong answers look like."""

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
    json: bool = True  # False: any 200 body is a valid answer (speech audio)
    plain_text_ok: bool = False  # a text/plain 200 is a valid answer (transcripts in text, srt or vtt)


def _args(fn: Callable[..., Any], *args: Any, **fixed: Any) -> Callable[..., Any]:
    return lambda **kw: fn(*args, **fixed, **kw)


HI = [{"role": "user", "content": "hi"}]
_CHOICES = [{"id": "x"}, {"choices": "x"}, {"choices": [1]}, {"choices": [None]}, {"choices": None}]
_DATA = [{"object": "list"}, {"data": "x"}, {"data": [1]}, {"data": None}]

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "completion",
        "/chat/completions",
        _args(shim.completion, "litellm_proxy/m", HI),
        _args(shim.acompletion, "litellm_proxy/m", HI),
        _CHOICES,
        streams=True,
    ),
    Endpoint(
        "text_completion",
        "/completions",
        _args(shim.text_completion, "litellm_proxy/m", "Say hi"),
        _args(shim.atext_completion, "litellm_proxy/m", "Say hi"),
        _CHOICES,
        streams=True,
    ),
    Endpoint(
        "embedding",
        "/embeddings",
        _args(shim.embedding, "litellm_proxy/m", input=["a"]),
        _args(shim.aembedding, "litellm_proxy/m", input=["a"]),
        _DATA,
    ),
    Endpoint(
        "image_generation",
        "/images/generations",
        _args(shim.image_generation, "litellm_proxy/m", "a cat"),
        _args(shim.aimage_generation, "litellm_proxy/m", "a cat"),
        _DATA,
    ),
    Endpoint(
        "rerank",
        "/rerank",
        _args(shim.rerank, "litellm_proxy/m", query="q", documents=["a", "b"]),
        _args(shim.arerank, "litellm_proxy/m", query="q", documents=["a", "b"]),
        [{"id": "x"}, {"results": "x"}, {"results": [1]}, {"results": [{"index": "first"}]}],
    ),
    Endpoint(
        "responses",
        "/responses",
        _args(shim.responses, "litellm_proxy/m", "hi"),
        _args(shim.aresponses, "litellm_proxy/m", "hi"),
        [{"id": "x"}, {"output": "x"}, {"output": [1]}],
        streams=True,
    ),
    Endpoint(
        "models",
        "/models",
        shim.models,
        shim.amodels,
        [{"object": "list"}, {"data": "x"}, {"data": None}],
    ),
    Endpoint(
        "transcription",
        "/audio/transcriptions",
        _args(shim.transcription, "litellm_proxy/m", b"RIFF"),
        _args(shim.atranscription, "litellm_proxy/m", b"RIFF"),
        [{"id": "x"}, {"text": 1}, {"text": None}],
        plain_text_ok=True,
    ),
    Endpoint(
        "speech",
        "/audio/speech",
        _args(shim.speech, "litellm_proxy/m", "hi", "alloy"),
        _args(shim.aspeech, "litellm_proxy/m", "hi", "alloy"),
        json=False,
    ),
]

IDS = [e.name for e in ENDPOINTS]
JSON = [e for e in ENDPOINTS if e.json]
STREAMING = [e for e in ENDPOINTS if e.streams]
