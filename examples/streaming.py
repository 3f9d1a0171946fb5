"""Streaming chat: print tokens as they arrive, then rebuild the full response with usage."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")


def main() -> None:
    with gateway():
        messages = [{"role": "user", "content": "Write one line about the sea."}]
        chunks = []
        with shim.completion(model=MODEL, messages=messages, stream=True, stream_options={"include_usage": True}) as s:
            for chunk in s:
                chunks.append(chunk)
                if chunk.choices:
                    print(chunk.choices[0].delta.content or "", end="", flush=True)
        print()
        full = shim.stream_chunk_builder(chunks, messages=messages)
        print("usage:", full.usage if full else None)
        shim.close()


if __name__ == "__main__":
    main()
