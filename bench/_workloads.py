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
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bench._common import (
    FULL,
    KEY,
    MESSAGES,
    MODEL,
    PROXY_MODEL,
    QUICK,
    AsyncFloor,
    Conversation,
    Metrics,
    Samples,
    Sizes,
    Skip,
    Unit,
    conversation,
    interleaved,
    load,
    one,
    peak_rss_mb,
)
from bench._scaling import AROUND, UNITS, stream_unit

if TYPE_CHECKING:
    from openai import AsyncOpenAI

QUERY = "what is a gateway?"
DOCUMENTS = ["a gateway forwards requests", "a cat sleeps"]
# The conversation length of the ``async_long`` row: CPU-bound, where a client's cost per call becomes capacity.
ASYNC_LONG_MESSAGES = 400
STREAM_CHUNKS = 500


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

AsyncCall = Callable[[int, Conversation], Awaitable[object]]  # (call number, messages)


async def _drive(call: AsyncCall, calls: int, concurrency: int, messages: Conversation) -> float:
    """Run ``calls`` calls from ``concurrency`` workers pulling from one counter; return the wall time."""
    counter = iter(range(calls))

    async def worker() -> None:
        for i in counter:
            await call(i, messages)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


Close = Callable[[], Awaitable[None]]


async def _async_chat(contender: str, url: str, key_of: Callable[[int], str]) -> tuple[AsyncCall, Close]:
    """A call for the contender, and what closes the clients it made (after timing). The floor sends one key."""
    if contender == "floor":
        floor = AsyncFloor(url)

        async def bare(i: int, messages: Conversation) -> object:
            body = {"model": MODEL, "messages": messages}
            return (await floor.post("/chat/completions", body))["choices"][0]["message"]["content"]

        return bare, floor.aclose
    clients: dict[str, AsyncOpenAI] = {}

    async def close() -> None:
        for client in clients.values():
            await client.close()

    if contender == "openai":
        # Imported here, before the clock starts, exactly as load() does for the other contenders.
        from openai import AsyncOpenAI

        async def raw(i: int, messages: Conversation) -> object:
            key = key_of(i)
            if key not in clients:
                # One client per tenant, made on first use, as an application without shim would.
                clients[key] = AsyncOpenAI(base_url=url + "/v1", api_key=key)
            response = await clients[key].chat.completions.create(model=MODEL, messages=messages)
            return response.choices[0].message.content

        return raw, close
    lib = load(contender)

    async def routed(i: int, messages: Conversation) -> object:
        response = await lib.acompletion(model=PROXY_MODEL, messages=messages, api_base=url, api_key=key_of(i))
        return response.choices[0]

    return routed, close


async def _throughput(contender: str, url: str, sizes: Sizes, key_of: Callable[[int], str], *, warmup: bool) -> Metrics:
    """Calls per second, and this process's CPU time per call (the server runs in another process)."""
    call, close = await _async_chat(contender, url, key_of)
    if warmup:
        await _drive(call, sizes.concurrency, sizes.concurrency, MESSAGES)
    calls = sizes.async_calls
    cpu = time.process_time()
    elapsed = await _drive(call, calls, sizes.concurrency, MESSAGES)
    cpu = time.process_time() - cpu
    await close()
    return {"calls_per_s": calls / elapsed, "cpu_ms": cpu / calls * 1e3, "calls": calls, "rss_mb": peak_rss_mb()}


def async_(contender: str, url: str, sizes: Sizes) -> Metrics:
    """Throughput of concurrent chat calls with one key, after a warm-up that opens the connections."""
    return asyncio.run(_throughput(contender, url, sizes, lambda _: KEY, warmup=True))


def async_long(contenders: list[str], url: str, sizes: Sizes) -> list[dict[str, object]]:
    """50 concurrent chat calls at a time with 400-message conversations (CPU-bound: a client's cost per call
    becomes capacity), the contenders taking turns in this one process: after a warm-up that opens each one's
    connections, blocks of ``concurrency`` calls each, the order flipping from block to block, as the per-call rows
    take turns. Measured instead in a process of its own per contender, minutes apart, the same shim code came out
    at 1.0-1.1x the floor in one run and 1.5x in another: the machine's drift, not the client's cost."""
    outcomes: dict[str, dict[str, object]] = {name: {"row": "async_long", "contender": name} for name in contenders}
    try:
        measured = asyncio.run(_async_turns(contenders, url, sizes))
    except Skip as exc:
        return [{**outcome, "skipped": str(exc)} for outcome in outcomes.values()]
    except Exception as exc:
        return [{**outcome, "error": f"{type(exc).__name__}: {exc}"} for outcome in outcomes.values()]
    return [{**outcomes[name], "metrics": metrics} for name, metrics in measured.items()]


async def _async_turns(contenders: list[str], url: str, sizes: Sizes) -> dict[str, Metrics]:
    messages = conversation(ASYNC_LONG_MESSAGES)
    made = {name: await _async_chat(name, url, lambda _: KEY) for name in contenders}
    # The warm-up that opens the connections sends one short message: 50 coroutines each spending ~60 ms of CPU
    # before their first await (raw openai at 400 messages) hold up the loop past the SDK's 5 s connect timeout on
    # a loaded machine, and connecting is not what the row measures.
    for call, _close in made.values():
        await _drive(call, sizes.concurrency, sizes.concurrency, MESSAGES)
    # A contender alone (raw openai: ~60 ms a call) has nobody to take turns with: two blocks are enough.
    blocks = sizes.blocks if len(contenders) > 1 else 2
    per_block = max(sizes.async_long_calls // sizes.blocks, sizes.concurrency)
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    rate: dict[str, list[float]] = {name: [] for name in contenders}
    for block in range(blocks):
        for name in contenders if block % 2 == 0 else contenders[::-1]:
            started = time.process_time()
            elapsed = await _drive(made[name][0], per_block, sizes.concurrency, messages)
            cpu[name].append((time.process_time() - started) / per_block)
            rate[name].append(per_block / elapsed)
    for _call, close in made.values():
        await close()
    return {
        name: {
            "calls_per_s": statistics.median(rate[name]),
            "cpu_ms": statistics.median(cpu[name]) * 1e3,
            "calls": per_block * blocks,
            "rss_mb": peak_rss_mb(),
        }
        for name in contenders
    }


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


def embedding_unit(contender: str, url: str) -> Unit:
    """A one-input embeddings call."""
    if contender == "openai":
        from openai import OpenAI

        client = OpenAI(base_url=url + "/v1", api_key=KEY)
        return one(lambda: client.embeddings.create(model=MODEL, input=["hello world"]).data[0])
    lib = load(contender)
    return one(lambda: lib.embedding(model=PROXY_MODEL, input=["hello world"], api_base=url, api_key=KEY).data[0])


def rerank_unit(contender: str, url: str) -> Unit:
    """A rerank call; raw openai has no rerank, so it posts and decodes JSON itself."""
    if contender == "openai":
        from openai import OpenAI

        from shim import _http

        client = OpenAI(base_url=url + "/v1", api_key=KEY)
        body = {"model": MODEL, "query": QUERY, "documents": DOCUMENTS}
        return one(lambda: client.post("/rerank", cast_to=_http.Response, body=body).json()["results"])
    lib = load(contender)
    return one(
        lambda: lib.rerank(model=PROXY_MODEL, query=QUERY, documents=DOCUMENTS, api_base=url, api_key=KEY).results
    )


def _sync_unit(contender: str, url: str) -> Unit:
    return one(sync_chat_call(contender, url))


def router_unit(contender: str, url: str) -> Unit:
    """A chat call through a Router of three deployments, three gateway base URLs (three client pools) of the
    bench server, picked by simple-shuffle; ``shim`` is the plain ``shim.completion`` call beside it."""
    if contender == "shim":
        return _sync_unit(contender, url)
    lib = load(contender.removesuffix("_router"))
    port = url.rsplit(":", 1)[1]
    bases = (url, url + "/v1", f"http://localhost:{port}")
    model_list = [
        {"model_name": "chat", "litellm_params": {"model": PROXY_MODEL, "api_base": base, "api_key": KEY}}
        for base in bases
    ]
    router = lib.Router(model_list=model_list)
    return one(lambda: router.completion(model="chat", messages=MESSAGES).choices[0])


# Per-call rows: how to make one contender's unit.
PER_CALL: dict[str, Callable[[str, str], Unit]] = {
    "sync": _sync_unit,
    "stream": stream_unit(STREAM_CHUNKS),
    "embedding": embedding_unit,
    "rerank": rerank_unit,
    "router": router_unit,
    **UNITS,
}
STREAM_ROWS = ("stream", "stream_long", "stream_writes")


def _counts(row: str, sizes: Sizes) -> tuple[int, int, int]:
    """Timed units, warm-up units, and blocks for a per-call row."""
    if row == "stream":
        return sizes.streams, 1, sizes.blocks
    if row in ("stream_long", "stream_writes"):
        # A 5,000-chunk stream takes seconds on the slowest contenders: one stream a block.
        return sizes.long_streams, 1, sizes.long_streams
    if row == "embed_batch":
        return sizes.batch_calls, 1, min(sizes.blocks, sizes.batch_calls)
    if row.startswith(("chat", "patch")):
        calls = sizes.chat_calls[int(row.removeprefix("chat").removeprefix("patch"))]
        return calls, min(sizes.warmup, calls), min(sizes.blocks, calls)
    return sizes.calls, sizes.warmup, sizes.blocks


def _summary(row: str, samples: Samples) -> Metrics:
    if row in STREAM_ROWS:
        return {
            "per_chunk_us": statistics.median(samples.wall) * 1e6,
            "cpu_per_chunk_us": statistics.median(samples.cpu) * 1e6,
            "chunks": samples.produced,
            "streams": len(samples.wall),
        }
    return {
        "p50_ms": statistics.median(samples.wall) * 1e3,
        "mean_ms": statistics.fmean(samples.wall) * 1e3,
        "cpu_ms": statistics.median(samples.cpu) * 1e3,
        "calls": len(samples.wall),
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
    count, warmup, blocks = _counts(row, sizes)
    around = {name: AROUND[name] for name in units if name in AROUND}
    try:
        samples = interleaved(units, count, warmup, blocks, around)
    except Exception as exc:
        # A half-written contender must not sink the whole run: report it and let the table say so.
        for name in units:
            outcomes[name]["error"] = f"{type(exc).__name__}: {exc}"
        return list(outcomes.values())
    for name, values in samples.items():
        outcomes[name]["metrics"] = _summary(row, values)
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
    rows = [*ROWS, "async_long", *PER_CALL]
    if len(argv) not in (3, 4) or argv[0] not in rows or argv[3:] not in ([], ["--quick"]):
        sys.exit(f"usage: python -m bench._workloads {{{','.join(rows)}}} CONTENDER[,CONTENDER...] URL [--quick]")
    row, contenders, url = argv[0], argv[1].split(","), argv[2].rstrip("/")
    sizes = QUICK if argv[3:] else FULL
    if row in PER_CALL:
        outcomes = per_call(row, contenders, url, sizes)
    elif row == "async_long":
        outcomes = async_long(contenders, url, sizes)
    elif len(contenders) == 1:
        outcomes = [run(row, contenders[0], url, sizes)]
    else:
        sys.exit(f"the {row} row measures a whole process: give it one contender")
    for outcome in outcomes:
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
