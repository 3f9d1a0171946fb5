"""Embeddings for a batch of texts."""

from __future__ import annotations

import os

from _gateway import gateway

import shim

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_EMBEDDING_MODEL", "your-embedding-model")


def main() -> None:
    with gateway():
        response = shim.embedding(model=MODEL, input=["Hello world", "Goodbye world"])
        for item in response.data:
            print(f"#{item.index}: {len(item.embedding)} dimensions, first {item.embedding[:3]}")
        print("usage:", response.usage)
        shim.close()


if __name__ == "__main__":
    main()
