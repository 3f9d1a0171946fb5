"""Send a prepared call and turn the answer into a result or a stream: the same steps, sync and async."""

from __future__ import annotations

from time import perf_counter

from shim._request import Call, asend, send
from shim._results import Endpoint, ResultT, parse
from shim._streaming import AsyncCustomStreamWrapper, ChunkT, CustomStreamWrapper


def result(call: Call, endpoint: Endpoint[ResultT]) -> ResultT:
    """Send `call` and return its typed result."""
    started = perf_counter()
    response = send(call)
    return parse(endpoint, call, response, _ms_since(started))


async def aresult(call: Call, endpoint: Endpoint[ResultT]) -> ResultT:
    """`result` on the running loop's client."""
    started = perf_counter()
    response = await asend(call)
    return parse(endpoint, call, response, _ms_since(started))


def run(call: Call, endpoint: Endpoint[ResultT], chunks: Endpoint[ChunkT]) -> ResultT | CustomStreamWrapper[ChunkT]:
    """Send `call`; return its result, or a stream of chunks when the call streams."""
    if not call.stream:
        return result(call, endpoint)
    started = perf_counter()
    response = send(call)
    return CustomStreamWrapper(chunks, call, response, _ms_since(started))


async def arun(
    call: Call, endpoint: Endpoint[ResultT], chunks: Endpoint[ChunkT]
) -> ResultT | AsyncCustomStreamWrapper[ChunkT]:
    """`run` on the running loop's client."""
    if not call.stream:
        return await aresult(call, endpoint)
    started = perf_counter()
    response = await asend(call)
    return AsyncCustomStreamWrapper(chunks, call, response, _ms_since(started))


def _ms_since(started: float) -> float:
    return (perf_counter() - started) * 1000
