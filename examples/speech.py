"""Text to speech, written to a file, and streamed for long texts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_SPEECH_MODEL", "tts-1")


def main() -> None:
    with gateway(), tempfile.TemporaryDirectory() as tmp:
        audio = shim.speech(model=MODEL, input="Hello world", voice="alloy")
        target = Path(tmp) / "hello.mp3"
        audio.write_to_file(target)
        print(f"wrote {target.stat().st_size} bytes ({audio.response.headers.get('content-type')})")
        with shim.speech(model=MODEL, input="A long text. " * 40, voice="alloy", stream=True) as long_audio:
            size = sum(len(piece) for piece in long_audio.iter_bytes())
        print(f"streamed {size} bytes without holding them all")
        shim.close()


if __name__ == "__main__":
    main()
