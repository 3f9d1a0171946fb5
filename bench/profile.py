"""Where a sync chat call spends its client-side time:
``python -m bench.profile [--contender C] [--messages M] [--calls N]``.

Starts the bench server, first times N sequential chat calls of M messages (default 1) without a profiler (client
CPU per call, ``time.process_time``), then makes N more under cProfile and prints the cumulative time per call of
the phases of the request path (shim's own steps, the openai SDK's params transform, request building, the HTTP
send, response parsing), then the functions with the most self time. Profiling inflates every figure (roughly 2x
here); read the shares, not the absolute numbers. ``--contender floor`` profiles the bare HTTP client the others
are measured against.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable

from bench._driver import bench_server
from bench._scaling import chat_unit

# (path suffix, function name, label): the SDK's own phases, found by name in the profile.
PHASES = [
    ("shim/_endpoints/chat.py", "completion", "shim.completion (total)"),
    ("shim/_request.py", "prepare", "  shim: route and options (prepare)"),
    ("shim/_request.py", "send", "  shim: send through the cached client (send)"),
    ("shim/_request.py", "_with_key", "    of which the tenant's key header (_with_key)"),
    ("shim/_results.py", "parse", "  shim: decode and build the result (parse)"),
    ("shim/_results.py", "decode_json", "    of which json.loads and error check (decode_json)"),
    ("shim/_results.py", "hidden_params", "    of which _hidden_params from headers (hidden_params)"),
    ("shim/_results.py", "build", "    of which the typed result (build)"),
    ("_base_client.py", "post", "SDK client.post (total)"),
    ("_base_client.py", "request", "  SDK request (retry loop)"),
    ("_compat.py", "model_copy", "    of which options copies (model_copy)"),
    ("_base_client.py", "_idempotency_key", "    of which the idempotency key (uuid4)"),
    ("chat/completions/completions.py", "create", "chat.completions.create (total)"),
    ("_utils/_transform.py", "maybe_transform", "params transform (maybe_transform)"),
    ("_base_client.py", "_build_request", "request building (_build_request)"),
    ("_base_client.py", "_build_headers", "  of which headers (_build_headers)"),
    ("_utils/_json.py", "openapi_dumps", "  of which the body's JSON (openapi_dumps)"),
    ("_client.py", "build_request", "  of which the HTTP request object (Client.build_request)"),
    ("_client.py", "send", "HTTP Client.send (I/O and transport)"),
    ("~", "<method 'recv' of '_socket.socket' objects>", "  of which socket recv"),
    ("~", "<method 'send' of '_socket.socket' objects>", "  of which socket send"),
    ("_base_client.py", "_process_response", "response handling (_process_response)"),
    ("_response.py", "_parse", "  of which parse into models (_parse)"),
    ("_models.py", "construct", "BaseModel.construct (typed results)"),
    ("json/__init__.py", "dumps", "json.dumps"),
    ("json/__init__.py", "loads", "json.loads"),
]


def phase_times(profile: cProfile.Profile, calls: int) -> list[tuple[str, float]]:
    """Cumulative microseconds per call for each phase in PHASES present in the profile."""
    cumulative: dict[tuple[str, str], float] = {}
    for entry in profile.getstats():
        # Builtins come as a bare description string, Python functions as their code object.
        where = ("~", entry.code) if isinstance(entry.code, str) else (entry.code.co_filename, entry.code.co_name)
        cumulative[where] = cumulative.get(where, 0.0) + entry.totaltime
    out: list[tuple[str, float]] = []
    for suffix, name, label in PHASES:
        total = sum(t for (path, func), t in cumulative.items() if func == name and path.endswith(suffix))
        if total:
            out.append((label, total / calls * 1e6))
    return out


def cpu_per_call(call: Callable[[], object], calls: int) -> float:
    """Client CPU microseconds per call, median of 5 runs of ``calls // 5`` calls, without a profiler."""
    for _ in range(20):
        call()
    runs: list[float] = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(max(calls // 5, 1)):
            call()
        runs.append((time.process_time() - start) / max(calls // 5, 1) * 1e6)
    return sorted(runs)[2]


def profile_calls(call: Callable[[], object], calls: int) -> cProfile.Profile:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        call()
    profile.disable()
    return profile


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--contender", default="openai", choices=["floor", "openai", "shim", "litellm"])
    parser.add_argument("--messages", type=int, default=1, help="messages in the conversation (~100 words each)")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    with bench_server(sys.executable) as url:
        call = chat_unit(args.messages)(args.contender, url)
        cpu = cpu_per_call(call, args.calls)
        profile = profile_calls(call, args.calls)
    print(f"{args.contender}, {args.messages} message(s): {cpu:.1f} µs client CPU per call without a profiler\n")
    print(f"{args.calls} sync chat calls under cProfile, cumulative µs per call\n")
    for label, us in phase_times(profile, args.calls):
        print(f"{us:9.1f}  {label}")
    buffer = io.StringIO()
    pstats.Stats(profile, stream=buffer).sort_stats("tottime").print_stats(args.top)
    print(buffer.getvalue())


if __name__ == "__main__":
    main()
