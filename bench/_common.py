"""What every workload shares: names, sizes, loading a contender, the floor client, and interleaved timing.

Only the standard library is imported at module level: the ``cold`` and ``import`` rows time the contender's own
import, so nothing here may pay part of it in advance.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import random
import resource
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

Metrics = dict[str, float]
Conversation = list["ChatCompletionMessageParam"]

MODEL = "m"
PROXY_MODEL = "litellm_proxy/m"
KEY = "sk-bench"
MESSAGES: Conversation = [{"role": "user", "content": "Say hello."}]
# bench.server streams this model's answers one event per write (chunked), as a gateway relays tokens.
PER_WRITE_MODEL = "m-per-write"


# A per-call workload: one call (or one whole stream), returning how many units it produced (1, or chunks).
Unit = Callable[[], int]


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
    chat_calls: Mapping[int, int]  # chat rows: timed calls per conversation length (raw openai pays ~60 ms at 400)
    batch_calls: int  # embeddings of 256 inputs x 1,536 dimensions
    long_streams: int  # streams of 5,000 chunks
    async_long_calls: int  # async calls with 400-message conversations, per contender taking turns


FULL = Sizes(
    calls=400,
    warmup=20,
    async_calls=2000,
    concurrency=50,
    tenants=500,
    streams=20,
    blocks=10,
    chat_calls={1: 200, 50: 100, 400: 40},
    batch_calls=10,
    long_streams=3,
    async_long_calls=500,
)
QUICK = Sizes(
    calls=20,
    warmup=2,
    async_calls=100,
    concurrency=10,
    tenants=20,
    streams=2,
    blocks=2,
    chat_calls={1: 10, 50: 4, 400: 2},
    batch_calls=2,
    long_streams=1,
    async_long_calls=20,
)


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


# --- the work ------------------------------------------------------------------------------------

_TEXT = (
    "the gateway routes every request to a model and returns its answer with the usage cost latency and headers "
    "that an agent reads before it plans the next step of a long conversation about tools files and tests"
)
_WORDS = _TEXT.split()


def conversation(length: int) -> Conversation:
    """``length`` messages of 100 words each (~530 bytes of JSON), alternating roles and ending with the user's."""
    rng = random.Random(length)
    messages: Conversation = []
    for index in range(length):
        text = " ".join(rng.choices(_WORDS, k=100))
        user = (length - 1 - index) % 2 == 0
        messages.append({"role": "user", "content": text} if user else {"role": "assistant", "content": text})
    return messages


def embedding_inputs(count: int) -> list[str]:
    """``count`` distinct short texts to embed."""
    return [f"document {index}: " + " ".join(_WORDS[index % 20 : index % 20 + 12]) for index in range(count)]


# --- the floor -----------------------------------------------------------------------------------


def http_library() -> ModuleType:
    """The HTTP client library the installed openai is built on: httpx2 from openai 3.x on, httpx before."""
    from shim import _http

    try:
        return importlib.import_module(_http.NAME)
    except ImportError as exc:
        raise Skip(f"`import {_http.NAME}` failed: {exc}") from exc


def _floor_options(url: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    return {"base_url": url + "/v1", "headers": headers, "timeout": 600.0}


def _encode(body: Mapping[str, object]) -> bytes:
    # Serialized on every call: a real client's conversation changes from call to call, so it cannot reuse bytes.
    return json.dumps(body).encode()


class Floor:
    """The least a Python client can do: a bare HTTP client (the one openai uses) posting JSON it serialized
    itself and ``json.loads``-ing the answer. No types, no retries, no options: the physical limit."""

    def __init__(self, url: str) -> None:
        self.client: Any = http_library().Client(**_floor_options(url))

    def post(self, path: str, body: Mapping[str, object]) -> Any:
        response = self.client.post(path, content=_encode(body))
        if response.status_code != 200:
            raise RuntimeError(f"floor: HTTP {response.status_code} from {path}")
        return json.loads(response.content)

    def stream(self, path: str, body: Mapping[str, object]) -> Iterator[Any]:
        """Each ``data:`` event of a server-sent event stream, decoded."""
        with self.client.stream("POST", path, content=_encode(body)) as response:
            for line in response.iter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    yield json.loads(line[6:])


class AsyncFloor:
    """``Floor`` on the running event loop."""

    def __init__(self, url: str) -> None:
        self.client: Any = http_library().AsyncClient(**_floor_options(url))

    async def post(self, path: str, body: Mapping[str, object]) -> Any:
        response = await self.client.post(path, content=_encode(body))
        if response.status_code != 200:
            raise RuntimeError(f"floor: HTTP {response.status_code} from {path}")
        return json.loads(response.content)

    async def aclose(self) -> None:
        await self.client.aclose()


# --- interleaved timing --------------------------------------------------------------------------


@dataclass
class Samples:
    """Per unit (call or chunk) of one contender: wall seconds and this process's CPU seconds."""

    wall: list[float]
    cpu: list[float]
    produced: int = 0  # units the last call produced


Around = Callable[[], AbstractContextManager[object]]


def interleaved(
    units: dict[str, Unit], count: int, warmup: int, blocks: int, around: Mapping[str, Around] | None = None
) -> dict[str, Samples]:
    """Wall and CPU time per unit of every call, per contender; the contenders take turns in ``blocks`` blocks,
    the order alternating from block to block, so neither always runs first. ``around`` gives a contender a
    context to run its blocks in (e.g. ``shim.patch_openai()``), entered and left each block.

    CPU time is ``time.process_time()``: the server runs in another process, so it is the client's alone.
    """
    contexts = dict(around or {})
    for name, unit in units.items():
        with contexts.get(name, contextlib.nullcontext)():
            for _ in range(warmup):
                unit()
    samples = {name: Samples([], []) for name in units}
    order = list(units)
    for block in range(blocks):
        for name in order if block % 2 == 0 else order[::-1]:
            with contexts.get(name, contextlib.nullcontext)():
                _time_block(units[name], max(count // blocks, 1), samples[name])
    return samples


def _time_block(unit: Unit, calls: int, into: Samples) -> None:
    for _ in range(calls):
        cpu, wall = time.process_time(), time.perf_counter()
        into.produced = unit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        per = max(into.produced, 1)
        into.wall.append(wall / per)
        into.cpu.append(cpu / per)


def one(call: Callable[[], object]) -> Unit:
    """A unit that makes one call and produces one unit."""

    def unit() -> int:
        call()
        return 1

    return unit
