"""Measurements in a fresh process: ``python -m bench._workloads ROW CONTENDER[,CONTENDER...] URL [--quick]``.

Prints one JSON object per contender on stdout: ``{"row", "contender", "metrics": {...}}``, or ``"skipped"``
(the contender's library is not importable) or ``"error"`` (it raised) in place of ``"metrics"``.

Rows that measure a process (``cold``, ``import``, ``async``, ``tenants``) take one contender: import state,
caches, the event loop and peak RSS never leak from one contender to the next. The per-call rows (``sync``,
``stream``, ``embedding``, ``rerank``) may take several contenders in one process and interleave them in short
blocks, so that the machine's speed, which drifts on a shared host, is the same for each of them.

Only the standard library is imported at module level: the ``cold`` and ``import`` rows time the
contender's own import, so this module must not pay part of it in advance.

Contenders: ``openai`` is the raw SDK as its users write it (``OpenAI(base_url=URL + "/v1")``);
``shim`` and ``litellm`` are called LiteLLM-style (``completion(model="litellm_proxy/m",
api_base=URL)``), as LiteLLM's proxy docs show it. In the ``tenants`` row, ``openai`` is one
``AsyncOpenAI`` per tenant and the ``_1key`` variants send every call with one key.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openai import AsyncOpenAI
    from openai.types.chat import ChatCompletionMessageParam

MODEL = "m"
PROXY_MODEL = "litellm_proxy/m"
KEY = "sk-bench"
MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Say hello."}]
QUERY = "what is a gateway?"
DOCUMENTS = ["a gateway forwards requests", "a cat sleeps"]

Metrics = dict[str, float]


@dataclass(frozen=True)
class Sizes:
    """How much work one run does; ``QUICK`` only proves that the code paths work."""

    calls: int  # sync rows: timed calls per run
    warmup: int  # untimed calls first, so connection set-up and lazy imports are not timed
    async_calls: int
    concurrency: int
    tenants: int
    streams: int
    blocks: int  # per-call rows: contenders take turns this many times, each time for calls / blocks calls


FULL = Sizes(calls=400, warmup=20, async_calls=2000, concurrency=50, tenants=500, streams=20, blocks=10)
QUICK = Sizes(calls=20, warmup=2, async_calls=100, concurrency=10, tenants=20, streams=2, blocks=2)


class Skip(Exception):
    """The contender cannot run here (not installed, or not implemented yet)."""


def load(library: str, *, first_use: bool = True) -> ModuleType:
    """Import a contender's library, or raise Skip saying why it cannot run.

    shim loads its modules on first use (PEP 562): ``first_use=False`` checks that it has ``completion``
    without touching it, so that the ``import`` row times ``import shim`` alone.
    """
    # litellm fetches its model cost map over the network at import unless told not to.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        module = importlib.import_module(library)
    except ImportError as exc:
        raise Skip(f"`import {library}` failed: {exc}") from exc
    # An empty shim/ directory imports as a namespace package: that is "not written yet", not a result.
    ready = hasattr(module, "completion") if first_use else "completion" in getattr(module, "__all__", ())
    if library == "shim" and not ready:
        raise Skip(f"{library} has no completion() yet")
    return module


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# A per-call workload: one call (or one whole stream), returning how many units it produced (1, or chunks).
Unit = Callable[[], int]


def interleaved(
    units: dict[str, Unit], count: int, warmup: int, blocks: int
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Seconds per unit of every call, per contender, and the units its last call produced; the contenders take
    turns in ``blocks`` blocks, the order alternating from block to block, so neither always runs first.
    """
    for unit in units.values():
        for _ in range(warmup):
            unit()
    produced = dict.fromkeys(units, 0)
    samples: dict[str, list[float]] = {name: [] for name in units}
    order = list(units)
    for block in range(blocks):
        for name in order if block % 2 == 0 else order[::-1]:
            for _ in range(max(count // blocks, 1)):
                start = time.perf_counter()
                produced[name] = units[name]()
                samples[name].append((time.perf_counter() - start) / max(produced[name], 1))
    return samples, produced


def _one(call: Callable[[], object]) -> Unit:
    def unit() -> int:
        call()
        return 1

    return unit


# --- chat, sync ---------------------------------------------------------------------------------


def sync_chat_call(contender: str, url: str) -> Callable[[], object]:
    """A no-argument chat call for the contender, its client (if any) already built."""
    if contender == "openai":
        from openai import OpenAI

        client = OpenAI(base_url=url + "/v1", api_key=KEY)
        return lambda: client.chat.completions.create(model=MODEL, messages=MESSAGES).choices[0].message.content
    lib = load(contender)
    return lambda: lib.completion(model=PROXY_MODEL, messages=MESSAGES, api_base=url, api_key=KEY).choices[0]


def cold(contender: str, url: str, sizes: Sizes) -> Metrics:
    """Import, build, one chat call: the driver times the whole process from outside."""
    sync_chat_call(contender, url)()
    return {"rss_mb": peak_rss_mb(), "modules": len(sys.modules)}


def import_(contender: str, url: str, sizes: Sizes) -> Metrics:
    """Time ``import X`` alone, and count the modules it brings in."""
    before = len(sys.modules)
    start = time.perf_counter()
    load(contender, first_use=False)
    elapsed = time.perf_counter() - start
    return {"import_ms": elapsed * 1e3, "modules": len(sys.modules) - before, "rss_mb": peak_rss_mb()}


# --- chat, async ---------------------------------------------------------------------------------

AsyncCall = Callable[[int], Awaitable[object]]


async def _drive(call: AsyncCall, calls: int, concurrency: int) -> float:
    """Run ``calls`` calls from ``concurrency`` workers pulling from one counter; return the wall time."""
    counter = iter(range(calls))

    async def worker() -> None:
        for i in counter:
            await call(i)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


async def _async_chat(
    contender: str, url: str, key_of: Callable[[int], str]
) -> tuple[AsyncCall, dict[str, AsyncOpenAI]]:
    """A call for the contender, and the raw clients it makes as it goes (to close after timing)."""
    clients: dict[str, AsyncOpenAI] = {}
    if contender == "openai":
        # Imported here, before the clock starts, exactly as load() does for the other contenders.
        from openai import AsyncOpenAI

        async def raw(i: int) -> object:
            key = key_of(i)
            if key not in clients:
                # One client per tenant, made on first use, as an application without shim would.
                clients[key] = AsyncOpenAI(base_url=url + "/v1", api_key=key)
            response = await clients[key].chat.completions.create(model=MODEL, messages=MESSAGES)
            return response.choices[0].message.content

        return raw, clients
    lib = load(contender)

    async def routed(i: int) -> object:
        response = await lib.acompletion(model=PROXY_MODEL, messages=MESSAGES, api_base=url, api_key=key_of(i))
        return response.choices[0]

    return routed, clients


async def _throughput(contender: str, url: str, sizes: Sizes, key_of: Callable[[int], str], warmup: bool) -> Metrics:
    call, clients = await _async_chat(contender, url, key_of)
    if warmup:
        await _drive(call, sizes.concurrency, sizes.concurrency)
    elapsed = await _drive(call, sizes.async_calls, sizes.concurrency)
    for client in clients.values():
        await client.close()
    return {"calls_per_s": sizes.async_calls / elapsed, "calls": sizes.async_calls, "rss_mb": peak_rss_mb()}


def async_(contender: str, url: str, sizes: Sizes) -> Metrics:
    """Throughput of concurrent chat calls with one key, after a warm-up that opens the connections."""
    return asyncio.run(_throughput(contender, url, sizes, lambda _: KEY, warmup=True))


def tenants(contender: str, url: str, sizes: Sizes) -> Metrics:
    """Throughput and peak RSS with one key per tenant, round-robin (``_1key``: the same run, one key).

    No warm-up: making each tenant's client on its first call is the cost this row exists to show.
    """

    def tenant_key(i: int) -> str:
        return f"sk-tenant-{i % sizes.tenants}"

    def one_key(i: int) -> str:
        return KEY

    library = contender.removesuffix("_1key")
    key_of = tenant_key if library == contender else one_key
    return asyncio.run(_throughput(library, url, sizes, key_of, warmup=False))


# --- streaming, embeddings, rerank ---------------------------------------------------------------


def stream_unit(contender: str, url: str) -> Unit:
    """Read one whole stream; its unit is the chunk."""
    if contender == "openai":
        from openai import OpenAI

        client = OpenAI(base_url=url + "/v1", api_key=KEY)

        def raw() -> int:
            stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
            return sum(1 for chunk in stream if chunk.choices)

        return raw
    lib = load(contender)

    def routed() -> int:
        stream = lib.completion(model=PROXY_MODEL, messages=MESSAGES, api_base=url, api_key=KEY, stream=True)
        return sum(1 for chunk in stream if chunk.choices)

    return routed


def embedding_unit(contender: str, url: str) -> Unit:
    """A one-input embeddings call."""
    if contender == "openai":
        from openai import OpenAI

        client = OpenAI(base_url=url + "/v1", api_key=KEY)
        return _one(lambda: client.embeddings.create(model=MODEL, input=["hello world"]).data[0])
    lib = load(contender)
    return _one(lambda: lib.embedding(model=PROXY_MODEL, input=["hello world"], api_base=url, api_key=KEY).data[0])


def rerank_unit(contender: str, url: str) -> Unit:
    """A rerank call; raw openai has no rerank, so it posts and decodes JSON itself."""
    if contender == "openai":
        from openai import OpenAI

        from shim import _http

        client = OpenAI(base_url=url + "/v1", api_key=KEY)
        body = {"model": MODEL, "query": QUERY, "documents": DOCUMENTS}
        return _one(lambda: client.post("/rerank", cast_to=_http.Response, body=body).json()["results"])
    lib = load(contender)
    return _one(
        lambda: lib.rerank(model=PROXY_MODEL, query=QUERY, documents=DOCUMENTS, api_base=url, api_key=KEY).results
    )


def _sync_unit(contender: str, url: str) -> Unit:
    return _one(sync_chat_call(contender, url))


# Per-call rows: how to make one contender's unit, and how its samples are summarised.
PER_CALL: dict[str, Callable[[str, str], Unit]] = {
    "sync": _sync_unit,
    "stream": stream_unit,
    "embedding": embedding_unit,
    "rerank": rerank_unit,
}


def _summary(row: str, samples: list[float], chunks: int) -> Metrics:
    if row == "stream":
        return {"per_chunk_us": statistics.median(samples) * 1e6, "chunks": chunks, "streams": len(samples)}
    return {
        "p50_ms": statistics.median(samples) * 1e3,
        "mean_ms": statistics.fmean(samples) * 1e3,
        "calls": len(samples),
    }


def per_call(row: str, contenders: list[str], url: str, sizes: Sizes) -> list[dict[str, object]]:
    """Measure the contenders of a per-call row in this one process, interleaved; one outcome each."""
    outcomes: dict[str, dict[str, object]] = {}
    units: dict[str, Unit] = {}
    for contender in contenders:
        outcomes[contender] = {"row": row, "contender": contender}
        try:
            units[contender] = PER_CALL[row](contender, url)
        except Skip as exc:
            outcomes[contender]["skipped"] = str(exc)
    count, warmup = (sizes.streams, 1) if row == "stream" else (sizes.calls, sizes.warmup)
    try:
        samples, chunks = interleaved(units, count, warmup, sizes.blocks)
    except Exception as exc:
        # A half-written contender must not sink the whole run: report it and let the table say so.
        for name in units:
            outcomes[name]["error"] = f"{type(exc).__name__}: {exc}"
        return list(outcomes.values())
    for name, values in samples.items():
        outcomes[name]["metrics"] = _summary(row, values, chunks[name])
    return list(outcomes.values())


ROWS: dict[str, Callable[[str, str, Sizes], Metrics]] = {
    "cold": cold,
    "import": import_,
    "async": async_,
    "tenants": tenants,
}


def run(row: str, contender: str, url: str, sizes: Sizes) -> dict[str, object]:
    """Run one process-level row for one contender and return the JSON-ready outcome."""
    outcome: dict[str, object] = {"row": row, "contender": contender}
    try:
        outcome["metrics"] = ROWS[row](contender, url, sizes)
    except Skip as exc:
        outcome["skipped"] = str(exc)
    except Exception as exc:
        # A half-written contender must not sink the whole run: report it and let the table say so.
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    return outcome


def main(argv: list[str]) -> None:
    rows = [*ROWS, *PER_CALL]
    if len(argv) not in (3, 4) or argv[0] not in rows or argv[3:] not in ([], ["--quick"]):
        sys.exit(f"usage: python -m bench._workloads {{{','.join(rows)}}} CONTENDER[,CONTENDER...] URL [--quick]")
    row, contenders, url = argv[0], argv[1].split(","), argv[2].rstrip("/")
    sizes = QUICK if argv[3:] else FULL
    if row in PER_CALL:
        outcomes = per_call(row, contenders, url, sizes)
    elif len(contenders) == 1:
        outcomes = [run(row, contenders[0], url, sizes)]
    else:
        sys.exit(f"the {row} row measures a whole process: give it one contender")
    for outcome in outcomes:
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
