"""Audio: `transcription` (multipart upload) and `speech` (binary answer), with their async twins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shim._endpoints.specs import SPEECH, TRANSCRIPTION, FileInput, file_part, speech_fields
from shim._request import aresult, prepare, result

if TYPE_CHECKING:
    from shim.types import BinaryResponse
    from shim.types._audio import TranscriptionResponse


_WHAT = "transcription()"


def transcription(model: str, file: FileInput | None = None, **kwargs: Any) -> TranscriptionResponse:
    """Speech to text through the gateway: multipart POST `/audio/transcriptions`.

    `language`, `prompt`, `response_format`, `temperature`, `timestamp_granularities` are sent as form fields.
    A path that does not exist raises `FileNotFoundError` before anything is sent.

    Example:
        >>> r = shim.transcription("litellm_proxy/whisper-1", file="speech.mp3")
        >>> r.text
    """
    return result(prepare(TRANSCRIPTION, model, {}, kwargs, files=[("file", file_part(file, _WHAT))]))


async def atranscription(model: str, file: FileInput | None = None, **kwargs: Any) -> TranscriptionResponse:
    """Async `transcription`.

    Example:
        >>> r = await shim.atranscription("litellm_proxy/whisper-1", file=open("speech.mp3", "rb"))
    """
    return await aresult(prepare(TRANSCRIPTION, model, {}, kwargs, files=[("file", file_part(file, _WHAT))]))


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
    return result(prepare(SPEECH, model, speech_fields(input, voice), kwargs, stream=stream))


async def aspeech(
    model: str, input: str | None = None, voice: str | None = None, *, stream: bool = False, **kwargs: Any
) -> BinaryResponse:
    """Async `speech`; with `stream=True` read it with `aread()`, `aiter_bytes()` or `astream_to_file()`.

    Example:
        >>> audio = await shim.aspeech("litellm_proxy/tts-1", input="Hello world", voice="alloy")
        >>> audio.content
    """
    return await aresult(prepare(SPEECH, model, speech_fields(input, voice), kwargs, stream=stream))
