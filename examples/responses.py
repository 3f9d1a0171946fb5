"""The Responses API, plain and streaming."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")


def main() -> None:
    with gateway():
        response = shim.responses(model=MODEL, input="Tell me a three-word story.")
        print("text:", response.output_text)
        print("stream: ", end="")
        for event in shim.responses(model=MODEL, input="Tell me a three-word story.", stream=True):
            if event.type == "response.output_text.delta":
                print(event.delta, end="", flush=True)
        print()
        shim.close()


if __name__ == "__main__":
    main()
