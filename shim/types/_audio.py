"""`TranscriptionResponse`, apart from `shim.types`: importing `openai.types.audio` loads 29 modules (~15 ms), which
a program that never transcribes should not pay for at its first chat call. `shim.types.TranscriptionResponse` and
`shim.TranscriptionResponse` load it on first use.
"""

# pyright: reportIncompatibleVariableOverride=false
# ruff: noqa: UP045
# Optional[X], not X | None, for fields: see shim/types/__init__.py.

from __future__ import annotations

from typing import Any, Optional

from openai.types.audio import Transcription

from shim.types._base import GatewayResult

__all__ = ["TranscriptionResponse"]


class TranscriptionResponse(Transcription, GatewayResult):
    """A transcription (`transcription()`): an `openai.types.audio.Transcription`, plus what the verbose format
    adds when the gateway sends it."""

    language: Optional[str] = None
    duration: Optional[float] = None
    segments: Optional[list[dict[str, Any]]] = None
    words: Optional[list[dict[str, Any]]] = None
