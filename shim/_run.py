"""Send a prepared call and turn the answer into a result or a stream: the same steps, sync and async."""

from __future__ import annotations

from time import perf_counter
from typing import Any

import httpx2

from shim._request import Call, asend, send
from shim._results import Endpoint, ResultT, parse
from shim._streaming import AsyncCustomStreamWrapper, ChunkT, CustomStreamWrapper


def run(call: Call, endpoint: Endpoint[ResultT], chunks: Endpoint[ChunkT]) -> ResultT | CustomStreamWrapper[ChunkT]:
    """Send `call`; return its result, or a stream of chunks when the call streams."""
    started = perf_counter()
    return _finish(call, send(call), started, endpoint, chunks, CustomStreamWrapper)


async def arun(
    call: Call, endpoint: Endpoint[ResultT], chunks: Endpoint[ChunkT]
) -> ResultT | AsyncCustomStreamWrapper[ChunkT]:
    """`run` for the async client."""
    started = perf_counter()
    return _finish(call, await asend(call), started, endpoint, chunks, AsyncCustomStreamWrapper)


def _finish(
    call: Call,
    response: httpx2.Response,
    started: float,
    endpoint: Endpoint[ResultT],
    chunks: Endpoint[ChunkT],
    stream_cls: type[Any],
) -> Any:
    elapsed_ms = (perf_counter() - started) * 1000
    if call.stream:
        return stream_cls(chunks, call, response, elapsed_ms)
    return parse(endpoint, call, response, elapsed_ms)
