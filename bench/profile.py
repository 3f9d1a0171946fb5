"""Where a sync chat call spends its client-side time: ``python -m bench.profile [--contender C] [--calls N]``.

Starts the bench server, makes N sequential chat calls in this process under cProfile, and prints the
cumulative time per call of the phases of the openai SDK's request path (the body's params transform,
request building, the httpx2 send, response parsing), then the functions with the most self time.
Profiling inflates every figure (roughly 2x here); read the shares, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from collections.abc import Callable

from bench._driver import bench_server
from bench._workloads import sync_chat_call

# (path suffix, function name, label): the SDK's own phases, found by name in the profile.
PHASES = [
    ("chat/completions/completions.py", "create", "chat.completions.create (total)"),
    ("_utils/_transform.py", "maybe_transform", "params transform (maybe_transform)"),
    ("_base_client.py", "_build_request", "request building (_build_request)"),
    ("_base_client.py", "_build_headers", "  of which headers (_build_headers)"),
    ("httpx2/_client.py", "send", "httpx2 Client.send (I/O and transport)"),
    ("~", "<method 'recv' of '_socket.socket' objects>", "  of which socket recv"),
    ("~", "<method 'send' of '_socket.socket' objects>", "  of which socket send"),
    ("_base_client.py", "_process_response", "response handling (_process_response)"),
    ("_response.py", "_parse", "  of which parse into models (_parse)"),
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


def profile_calls(call: Callable[[], object], calls: int) -> cProfile.Profile:
    for _ in range(20):
        call()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        call()
    profile.disable()
    return profile


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--contender", default="openai", choices=["openai", "shim", "litellm"])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    with bench_server(sys.executable) as url:
        profile = profile_calls(sync_chat_call(args.contender, url), args.calls)
    print(f"{args.contender}: {args.calls} sync chat calls under cProfile, cumulative µs per call\n")
    for label, us in phase_times(profile, args.calls):
        print(f"{us:9.1f}  {label}")
    buffer = io.StringIO()
    pstats.Stats(profile, stream=buffer).sort_stats("tottime").print_stats(args.top)
    print(buffer.getvalue())


if __name__ == "__main__":
    main()
