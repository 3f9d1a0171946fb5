"""Image edits: one or several images (and a mask) uploaded with a prompt; moderation of the prompt first."""

from __future__ import annotations

import base64
import os
import tempfile
from pathlib import Path

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_IMAGE_EDIT_MODEL", "gpt-image-1")
MODERATION_MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODERATION_MODEL", "omni-moderation-latest")
# One transparent pixel, so the example runs without an image of its own.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def main() -> None:
    prompt = "Add a small red boat on the water"
    with gateway(), tempfile.TemporaryDirectory() as folder:
        verdict = shim.moderation(prompt, model=MODERATION_MODEL)
        print("moderation: flagged =", verdict.results[0].flagged)

        picture = Path(folder) / "lake.png"
        picture.write_bytes(PIXEL)
        edited = shim.image_edit(image=picture, prompt=prompt, model=MODEL, mask=("mask.png", PIXEL), n=1)
        for image in edited.data or []:
            print("edited image:", image.url or f"{len(image.b64_json or '')} base64 characters")

        # Several images at once: paths, bytes, open files or (filename, bytes) tuples.
        both = shim.image_edit(image=[picture, ("second.png", PIXEL)], prompt="Blend the two", model=MODEL)
        print("from two images:", len(both.data or []), "result")
        shim.close()


if __name__ == "__main__":
    main()
