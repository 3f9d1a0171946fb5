"""The per-call rows that grow the work: chat at 1, 50 and 400 messages, a batch of embeddings, long streams, and
``client.chat.completions.create`` under ``shim.patch_openai()``.

Each ``*_unit`` factory makes one contender's call (its client built, its payload ready) for ``interleaved``:
``floor`` (``Floor``: a bare HTTP client), ``openai`` (the raw SDK), and ``shim`` / ``litellm`` called
LiteLLM-style. ``patched`` is the raw SDK's own call with a ``litellm_proxy/`` model, routed by
``shim.patch_openai()``, which ``AROUND`` applies around each of its blocks and undoes after, so that the
``openai`` contender it takes turns with runs the SDK unpatched.

Only the standard library is imported at module level (see ``_common``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager

from bench._common import (
    KEY,
    MESSAGES,
    MODEL,
    PER_WRITE_MODEL,
    PROXY_MODEL,
    Around,
    Conversation,
    Floor,
    Unit,
    conversation,
    embedding_inputs,
    load,
    one,
)

UnitFactory = Callable[[str, str], Unit]

CHAT_LENGTHS = (1, 50, 400)
BATCH_INPUTS = 256
BATCH_DIMS = 1536
LONG_STREAM_CHUNKS = 5000
# Where a `patched` contender's own OpenAI client points: nothing listens there, so a call the patch failed to
# route fails at once (no retries) instead of being measured as an unrouted call.
NOWHERE = "http://127.0.0.1:9/v1"


def chat_unit(length: int) -> UnitFactory:
    """A sync chat call with a conversation of ``length`` messages; every contender reads the answer's text."""

    def make(contender: str, url: str) -> Unit:
        messages = conversation(length)
        if contender == "floor":
            floor = Floor(url)
            body = {"model": MODEL, "messages": messages}
            return one(lambda: floor.post("/chat/completions", body)["choices"][0]["message"]["content"])
        if contender == "openai":
            return _raw_chat(url + "/v1", MODEL, messages)
        lib = load(contender)
        return one(
            lambda: (
                lib.completion(model=PROXY_MODEL, messages=messages, api_base=url, api_key=KEY)
                .choices[0]
                .message.content
            )
        )

    return make


def _raw_chat(base_url: str, model: str, messages: Conversation, max_retries: int | None = None) -> Unit:
    import openai

    retries = openai.DEFAULT_MAX_RETRIES if max_retries is None else max_retries
    client = openai.OpenAI(base_url=base_url, api_key=KEY, max_retries=retries)
    return one(lambda: client.chat.completions.create(model=model, messages=messages).choices[0].message.content)


def patched_unit(length: int) -> UnitFactory:
    """``client.chat.completions.create`` with ``length`` messages: ``openai`` unpatched, to the server directly;
    ``patched`` with a ``litellm_proxy/`` model under ``shim.patch_openai()`` (see ``AROUND``), its gateway
    from the environment (LITELLM_PROXY_API_BASE/KEY) as a patched program would have it."""

    def make(contender: str, url: str) -> Unit:
        messages = conversation(length)
        if contender == "openai":
            return _raw_chat(url + "/v1", MODEL, messages)
        if contender != "patched":
            raise ValueError(f"the patch rows compare openai and patched, not {contender}")
        load("shim")
        os.environ["LITELLM_PROXY_API_BASE"] = url
        os.environ["LITELLM_PROXY_API_KEY"] = KEY
        return _raw_chat(NOWHERE, PROXY_MODEL, messages, max_retries=0)

    return make


def _patched_block() -> AbstractContextManager[object]:
    return load("shim").patch_openai()


# Contexts a contender's blocks run in (see bench._common.interleaved).
AROUND: Mapping[str, Around] = {"patched": _patched_block}


def batch_embedding_unit(contender: str, url: str) -> Unit:
    """Embeddings of 256 inputs x 1,536 dimensions. Raw openai asks for base64 and decodes it, as it does by
    default; the others send no ``encoding_format`` and get floats (many providers behind a gateway refuse
    base64)."""
    texts = embedding_inputs(BATCH_INPUTS)
    if contender == "floor":
        floor = Floor(url)
        body = {"model": MODEL, "input": texts, "dimensions": BATCH_DIMS}
        return one(lambda: floor.post("/embeddings", body)["data"][-1])
    if contender == "openai":
        from openai import OpenAI

        client = OpenAI(base_url=url + "/v1", api_key=KEY)
        return one(lambda: client.embeddings.create(model=MODEL, input=texts, dimensions=BATCH_DIMS).data[-1])
    lib = load(contender)
    return one(
        lambda: lib.embedding(model=PROXY_MODEL, input=texts, dimensions=BATCH_DIMS, api_base=url, api_key=KEY).data[-1]
    )


def stream_unit(chunks: int, model: str = MODEL) -> UnitFactory:
    """Read one whole chat stream of ``chunks`` chunks (asked for as ``max_tokens``: the server sends one token a
    chunk); its unit is the chunk. ``PER_WRITE_MODEL`` gets each event in its own write."""

    def make(contender: str, url: str) -> Unit:
        if contender == "floor":
            floor = Floor(url)
            body = {"model": model, "messages": MESSAGES, "stream": True, "max_tokens": chunks}
            return lambda: sum(1 for event in floor.stream("/chat/completions", body) if event["choices"])
        if contender == "openai":
            from openai import OpenAI

            client = OpenAI(base_url=url + "/v1", api_key=KEY)

            def raw() -> int:
                stream = client.chat.completions.create(model=model, messages=MESSAGES, stream=True, max_tokens=chunks)
                return sum(1 for chunk in stream if chunk.choices)

            return raw
        lib = load(contender)

        def routed() -> int:
            stream = lib.completion(
                model="litellm_proxy/" + model,
                messages=MESSAGES,
                api_base=url,
                api_key=KEY,
                stream=True,
                max_tokens=chunks,
            )
            return sum(1 for chunk in stream if chunk.choices)

        return routed

    return make


# Rows of this module: how to make one contender's unit.
UNITS: dict[str, UnitFactory] = {
    **{f"chat{length}": chat_unit(length) for length in CHAT_LENGTHS},
    "embed_batch": batch_embedding_unit,
    "stream_long": stream_unit(LONG_STREAM_CHUNKS),
    "stream_writes": stream_unit(LONG_STREAM_CHUNKS, PER_WRITE_MODEL),
    "patch1": patched_unit(1),
    "patch400": patched_unit(400),
}
