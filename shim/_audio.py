"""Audio: `transcription` (multipart upload) and `speech` (binary answer), with their async twins."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path
from time import perf_counter
from typing import IO, Any

from shim import _http
from shim._errors import raise_for_error_object
from shim._request import Call, asend, prepare, send
from shim._results import Endpoint, decode_json, hidden_params
from shim._router import Route
from shim._run import aresult, result
from shim.types import BinaryResponse, TranscriptionResponse

FileInput = str | os.PathLike[str] | bytes | IO[bytes] | tuple[str, bytes] | tuple[str, bytes, str]
"""What `transcription(file=...)` accepts: a path, bytes, an open binary file, or `(filename, bytes[, type])`."""


def _decode_transcription(response: _http.Response, route: Route) -> dict[str, Any]:
    # response_format="text", "srt" or "vtt" answers plain text, not JSON; an HTML page (a proxy's error or login
    # page) is never a transcript, so it goes to decode_json, which reports what it is.
    kind = response.headers.get("content-type", "application/json")
    if "json" in kind or "html" in kind:
        return decode_json(response, route)
    return {"text": response.text}


def _needs_text(body: Mapping[str, Any]) -> str | None:
    text = body.get("text")
    return None if isinstance(text, str) else f"'text' must be a string, got {type(text).__name__}"


TRANSCRIPTION = Endpoint(TranscriptionResponse.construct, _needs_text, decode=_decode_transcription)


def transcription(model: str, file: FileInput | None = None, **kwargs: Any) -> TranscriptionResponse:
    """Speech to text through the gateway: multipart POST `/audio/transcriptions`.

    `language`, `prompt`, `response_format`, `temperature`, `timestamp_granularities` are sent as form fields.
    A path that does not exist raises `FileNotFoundError` before anything is sent.

    Example:
        >>> r = shim.transcription("litellm_proxy/whisper-1", file="speech.mp3")
        >>> r.text
    """
    return result(_transcription_call(model, file, kwargs), TRANSCRIPTION)


async def atranscription(model: str, file: FileInput | None = None, **kwargs: Any) -> TranscriptionResponse:
    """Async `transcription`.

    Example:
        >>> r = await shim.atranscription("litellm_proxy/whisper-1", file=open("speech.mp3", "rb"))
    """
    return await aresult(_transcription_call(model, file, kwargs), TRANSCRIPTION)


def speech(
    model: str, input: str | None = None, voice: str | None = None, *, stream: bool = False, **kwargs: Any
) -> BinaryResponse:
    """Text to speech through the gateway: POST `/audio/speech`.

    Returns a `BinaryResponse` (`.content`, `.write_to_file(path)`, `.iter_bytes()`, ...). With `stream=True`
    the audio is not read until asked for, so long audio can be streamed to a file without sitting in memory;
    then read, write or close it (or use `with`) to release the connection.

    Example:
        >>> shim.speech("litellm_proxy/tts-1", input="Hello world", voice="alloy").write_to_file("hello.mp3")
    """
    call = _speech_call(model, input, voice, stream, kwargs)
    started = perf_counter()
    return _binary(call, send(call), started)


async def aspeech(
    model: str, input: str | None = None, voice: str | None = None, *, stream: bool = False, **kwargs: Any
) -> BinaryResponse:
    """Async `speech`; with `stream=True` read it with `aread()`, `aiter_bytes()` or `astream_to_file()`.

    Example:
        >>> audio = await shim.aspeech("litellm_proxy/tts-1", input="Hello world", voice="alloy")
        >>> audio.content
    """
    call = _speech_call(model, input, voice, stream, kwargs)
    started = perf_counter()
    return _binary(call, await asend(call), started)


def _transcription_call(model: str, file: object, kwargs: dict[str, Any]) -> Call:
    part = _file_part(file)
    call = prepare("audio/transcriptions", model, {}, kwargs, streams=False)
    headers = {**call.options.get("headers", {}), "Content-Type": "multipart/form-data"}
    return dataclasses.replace(call, files=[("file", part)], options={**call.options, "headers": headers})


def _file_part(file: object) -> tuple[str, bytes] | tuple[str, bytes, str]:
    """The upload as (filename, bytes[, content type]); read now, so a retry can send it again."""
    if file is None:
        raise TypeError("transcription() needs file=: a path, bytes, an open binary file or (filename, bytes)")
    if isinstance(file, (str, os.PathLike)):
        path = Path(file)  # pyright: ignore[reportUnknownArgumentType]
        if not path.is_file():
            raise FileNotFoundError(f"transcription file not found: {path}")
        return path.name, path.read_bytes()
    if isinstance(file, (bytes, bytearray)):
        return "audio", bytes(file)
    if isinstance(file, tuple):
        return _tuple_part(file)  # pyright: ignore[reportUnknownArgumentType]
    read = getattr(file, "read", None)
    if callable(read):
        data = read()
        if not isinstance(data, bytes):
            raise TypeError("the transcription file is open in text mode: open it with 'rb'")
        return os.path.basename(str(getattr(file, "name", "audio"))), data
    raise TypeError(f"file must be a path, bytes, an open binary file or (filename, bytes), not {type(file).__name__}")


def _tuple_part(file: tuple[Any, ...]) -> tuple[str, bytes] | tuple[str, bytes, str]:
    if len(file) in (2, 3) and isinstance(file[0], str) and isinstance(file[1], bytes):
        return (file[0], file[1]) if len(file) == 2 else (file[0], file[1], str(file[2]))
    raise TypeError("a file tuple must be (filename, bytes) or (filename, bytes, content_type)")


def _speech_call(model: str, input: object, voice: object, stream: object, kwargs: dict[str, Any]) -> Call:
    if not isinstance(input, str) or not input:
        raise TypeError(f"input must be the non-empty text to speak, not {input!r:.60}")
    if voice is not None and not isinstance(voice, str):
        raise TypeError(f"voice must be a string such as 'alloy', not {voice!r}")
    if not isinstance(stream, bool):
        raise TypeError(f"stream must be True or False, not {stream!r}")
    fields: dict[str, Any] = {"input": input, "voice": voice}
    call = prepare("audio/speech", model, {k: v for k, v in fields.items() if v is not None}, kwargs, streams=False)
    return dataclasses.replace(call, stream=stream)


def _binary(call: Call, response: _http.Response, started: float) -> BinaryResponse:
    elapsed_ms = (perf_counter() - started) * 1000
    if not call.stream and "json" in response.headers.get("content-type", ""):
        with contextlib.suppress(ValueError):  # not JSON after all: the caller gets the bytes it asked for
            raise_for_error_object(response, json.loads(response.content), call.route)
    return BinaryResponse(response, hidden_params(call.route, response, elapsed_ms))
