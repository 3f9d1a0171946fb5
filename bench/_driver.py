"""Run every row for every contender in fresh processes, alternating, for R rounds; report medians.

Order matters on a shared, noisy machine: each round runs every row once per contender, and the
contenders' order rotates from round to round, so a burst of noise or thermal drift lands on all of
them alike instead of on whichever ran last. The median over rounds then drops the outliers. In the
per-call rows openai and shim share a process and take turns in short blocks (see PLAN), which cancels
the drift that separate processes minutes apart would see. The rows that grow the work add the floor (a bare
HTTP client) to that process, and the patch rows take turns between the SDK unpatched and patched.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from bench._plot import plot_scaling
from bench._report import Key, Report, write_benchmarks

# Which contenders each row compares, one process per entry; the order is only the first round's. Contenders
# joined by a comma share one process and take turns in it (the per-call rows): openai and shim are compared
# there, where the machine's drifting speed is the same for both. LiteLLM runs alone, so that its thousands of
# modules and objects do not slow the others' garbage collection.
PLAN: dict[str, list[str]] = {
    "cold": ["openai", "shim", "litellm"],
    "import": ["openai", "shim", "litellm"],
    "sync": ["openai,shim", "litellm"],
    "async": ["openai", "shim", "litellm"],
    "tenants": ["openai_1key", "openai", "shim_1key", "shim"],
    "stream": ["openai,shim", "litellm"],
    "embedding": ["openai,shim", "litellm"],
    "rerank": ["openai,shim", "litellm"],
    "chat1": ["floor,shim,openai", "litellm"],
    "chat50": ["floor,shim,openai", "litellm"],
    "chat400": ["floor,shim,openai", "litellm"],
    "embed_batch": ["floor,shim,openai", "litellm"],
    "stream_long": ["floor,shim,openai", "litellm"],
    "stream_writes": ["floor,shim,openai", "litellm"],
    "patch1": ["openai,patched"],
    "patch400": ["openai,patched"],
    "async_long": ["floor,shim", "openai", "litellm"],
    "router": ["shim,shim_router", "litellm_router"],
}
# A whole process's start-up varies by a third from one run to the next here, and a tenants run (2,000 calls in about
# 1.3 s) by a quarter: these rows take several turns per round (contenders alternating), and the median is over every
# turn of every round.
REPEATS = {"cold": 4, "import": 4, "tenants": 3}
REPO = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT_S = 300


def child_env() -> dict[str, str]:
    """The environment of every child: litellm kept offline, loopback never sent through a proxy."""
    env = dict(os.environ)
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up imports below write what the libraries lack
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@contextmanager
def bench_server(python: str) -> Generator[str, None, None]:
    """Start bench.server in its own process, yield its URL, and stop that process (by its pid) after."""
    proc = subprocess.Popen(
        [python, "-m", "bench.server", "--max-seconds", "3600"],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=REPO,
    )
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError(f"bench server did not start (exit code {proc.poll()})")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_child(python: str, row: str, contenders: str, url: str, quick: bool) -> tuple[list[dict[str, object]], float]:
    """One process measuring one or more (comma-separated) contenders: their JSON outcomes, and its wall time."""
    argv = [python, "-m", "bench._workloads", row, contenders, url, *(["--quick"] if quick else [])]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=child_env(), cwd=REPO, timeout=CHILD_TIMEOUT_S)
    wall = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        error = f"exit {done.returncode}: {tail[0]}"
        return [{"row": row, "contender": name, "error": error} for name in contenders.split(",")], wall
    return [json.loads(line) for line in lines], wall


def _rotated(items: Sequence[str], by: int) -> list[str]:
    """The contenders in turn ``by``: rotated, and reversed every other turn, so that no contender always runs
    right after the same other one (a process that follows LiteLLM's was measurably faster to start)."""
    shift = by % len(items)
    turned = [*items[shift:], *items[:shift]]
    return turned[::-1] if by % 2 else turned


class Runner:
    """Runs the plan round by round and keeps every sample, skip and error it sees."""

    def __init__(self, python: str, url: str, quick: bool, rows: Sequence[str]) -> None:
        self.python, self.url, self.quick, self.rows = python, url, quick, rows
        self.samples: dict[Key, list[dict[str, float]]] = defaultdict(list)
        self.skipped: dict[str, str] = {}
        self.errors: dict[Key, str] = {}

    def measure(self, row: str, group: str) -> None:
        contenders = [c for c in group.split(",") if not self._done(row, c)]
        if not contenders:
            return
        outcomes, wall = run_child(self.python, row, ",".join(contenders), self.url, self.quick)
        for outcome in outcomes:
            self._record(row, str(outcome["contender"]), outcome, wall)

    def _done(self, row: str, contender: str) -> bool:
        return contender.split("_")[0] in self.skipped or (row, contender) in self.errors

    def _record(self, row: str, contender: str, outcome: dict[str, object], wall: float) -> None:
        library = contender.split("_")[0]
        if "metrics" in outcome:
            sample = _floats(outcome["metrics"])
            if row == "cold":
                sample["wall_ms"] = wall * 1e3
            self.samples[(row, contender)].append(sample)
            _progress(f"{row:9} {contender:12} {_brief(sample)}")
        elif "skipped" in outcome:
            self.skipped[library] = str(outcome["skipped"])
        else:
            self.errors[(row, contender)] = str(outcome.get("error"))
            _progress(f"{row:9} {contender:12} ERROR {self.errors[(row, contender)]}")

    def round(self, index: int) -> None:
        for row in self.rows:
            repeats = 1 if self.quick else REPEATS.get(row, 1)
            for repeat in range(repeats):
                for group in _rotated(PLAN[row], index * repeats + repeat):
                    self.measure(row, group)

    def medians(self) -> dict[Key, dict[str, float]]:
        return {
            key: {metric: statistics.median(s[metric] for s in runs) for metric in runs[0]}
            for key, runs in self.samples.items()
        }

    def notes(self) -> list[str]:
        notes = [f"{library} skipped: {reason}" for library, reason in sorted(self.skipped.items())]
        return notes + [f"{row}/{contender} failed: {error}" for (row, contender), error in sorted(self.errors.items())]


def _floats(value: object) -> dict[str, float]:
    # The child wrote this JSON itself (see _workloads.run), so its shape is known.
    return {str(k): float(v) for k, v in cast(dict[str, float], value).items()}


def _brief(sample: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.4g}" for k, v in sample.items())


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_tops(python: str, library: str, top: int = 8) -> list[tuple[str, int]]:
    """The modules with the most self time when ``python -X importtime`` imports library."""
    code = f"import os; os.environ.setdefault('LITELLM_LOCAL_MODEL_COST_MAP', 'True'); import {library}"
    done = subprocess.run([python, "-X", "importtime", "-c", code], capture_output=True, text=True, env=child_env())
    if done.returncode != 0:
        return []
    rows = [(m[4], int(m[1])) for m in map(_IMPORTTIME.match, done.stderr.splitlines()) if m]
    return sorted(rows, key=lambda r: -r[1])[:top]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="shim vs raw openai vs litellm.")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per row and contender (default 5)")
    parser.add_argument("--quick", action="store_true", help="one small round: a smoke run, not a measurement")
    parser.add_argument("--rows", default=",".join(PLAN), help=f"comma-separated subset of {','.join(PLAN)}")
    parser.add_argument("--write", action="store_true", help="also write BENCHMARKS.md and BENCHMARKS.png")
    parser.add_argument("--plot", type=Path, help="also draw the chat rows' picture to this PNG file")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the server and workloads")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    rows = [row for row in args.rows.split(",") if row]
    if unknown := set(rows) - set(PLAN):
        sys.exit(f"unknown rows: {', '.join(sorted(unknown))}")
    rounds = 1 if args.quick else args.rounds
    with bench_server(args.python) as url:
        runner = Runner(args.python, url, args.quick, rows)
        # No contender pays for compiling .pyc files: shim's are written first, every module (most load on first
        # use), as pip writes them when it installs the wheel (the libraries in site-packages have theirs; an
        # editable install under PYTHONDONTWRITEBYTECODE=1 never would, and each cold start compiled ~40 modules,
        # ~30 ms); then one discarded import of each library (skipped by --quick, which measures nothing anyway).
        compileall.compile_dir(REPO / "shim", quiet=1)
        for contender in [] if args.quick else PLAN["cold"]:
            run_child(args.python, "import", contender, url, quick=True)
        for index in range(rounds):
            _progress(f"--- round {index + 1}/{rounds}")
            runner.round(index)
    tops = {} if args.quick else {lib: import_tops(args.python, lib) for lib in ("openai", "shim")}
    medians = runner.medians()
    report = Report(medians, rounds, args.quick, runner.notes(), {k: v for k, v in tops.items() if v})
    print(report.markdown())
    mode = "a quick smoke run" if args.quick else f"{rounds} round{'s' if rounds > 1 else ''}"
    subtitle = f"medians of {mode}, loopback, {os.cpu_count()} cores"
    if args.plot and plot_scaling(medians, args.plot, subtitle):
        _progress(f"wrote {args.plot}")
    if args.write:
        drawn = plot_scaling(medians, REPO / "BENCHMARKS.png", subtitle)
        write_benchmarks(REPO / "BENCHMARKS.md", report, picture=drawn)
        _progress(f"wrote {REPO / 'BENCHMARKS.md'}" + (" and BENCHMARKS.png" if drawn else ""))
