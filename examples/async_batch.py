"""Many calls at once with asyncio: chat, embeddings and rerank, all on one connection pool."""

from __future__ import annotations

import asyncio
import os
import time

from _gateway import gateway

import shim

CHAT = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")
EMBED = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_EMBEDDING_MODEL", "your-embedding-model")


async def batch() -> None:
    started = time.perf_counter()
    questions = [f"Question {i}?" for i in range(20)]
    replies = await asyncio.gather(
        *(shim.acompletion(CHAT, [{"role": "user", "content": q}]) for q in questions),
        shim.aembedding(EMBED, input=questions),
    )
    *chats, embeddings = replies
    print(f"{len(chats)} chat replies and {len(embeddings.data)} embeddings in {time.perf_counter() - started:.2f} s")
    print("first reply:", chats[0].choices[0].message.content)
    await shim.aclose()


def main() -> None:
    with gateway():
        asyncio.run(batch())


if __name__ == "__main__":
    main()
