"""Image generation."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_IMAGE_MODEL", "dall-e-3")


def main() -> None:
    with gateway():
        response = shim.image_generation(model=MODEL, prompt="A beautiful sunset over mountains", size="1024x1024")
        for image in response.data or []:
            print("image:", image.url or f"{len(image.b64_json or '')} base64 characters")
        shim.close()


if __name__ == "__main__":
    main()
