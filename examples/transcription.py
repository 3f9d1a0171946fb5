"""Speech to text: upload an audio file (here a tiny generated one) for transcription."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_TRANSCRIPTION_MODEL", "whisper-1")


def main() -> None:
    with gateway(), tempfile.TemporaryDirectory() as tmp:
        audio = Path(os.environ.get("SHIM_EXAMPLE_AUDIO", Path(tmp) / "hello.wav"))
        if not audio.exists():
            audio.write_bytes(b"RIFF" + b"\x00" * 40)  # a stand-in; pass SHIM_EXAMPLE_AUDIO for a real file
        response = shim.transcription(model=MODEL, file=audio, language="en")
        print("text:", response.text)
        shim.close()


if __name__ == "__main__":
    main()
