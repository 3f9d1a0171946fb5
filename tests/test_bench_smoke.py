"""Smoke test of the benchmark suite: every row runs for raw openai, in quick mode, against the bench server.

It checks the JSON each workload prints and what the server received, never timings: timed assertions
would fail on a loaded machine without saying anything about the code.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Generator
from pathlib import Path
from typing import cast

import pytest

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_S = 120

# row, contender, the metrics its JSON must carry
CASES = [
    ("cold", "openai", {"rss_mb", "modules"}),
    ("import", "openai", {"import_ms", "modules", "rss_mb"}),
    ("sync", "openai", {"p50_ms", "mean_ms", "cpu_ms", "calls"}),
    ("async", "openai", {"calls_per_s", "cpu_ms", "calls", "rss_mb"}),
    ("tenants", "openai", {"calls_per_s", "cpu_ms", "calls", "rss_mb"}),
    ("tenants", "openai_1key", {"calls_per_s", "cpu_ms", "calls", "rss_mb"}),
    ("stream", "openai", {"per_chunk_us", "cpu_per_chunk_us", "chunks", "streams"}),
    ("embedding", "openai", {"p50_ms", "mean_ms", "cpu_ms", "calls"}),
    ("rerank", "openai", {"p50_ms", "mean_ms", "cpu_ms", "calls"}),
]


@pytest.fixture(scope="module")
def server_url() -> Generator[str, None, None]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server", "--max-seconds", "600"], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert proc.stdout is not None
    try:
        port = proc.stdout.readline().strip()
        assert port.isdigit(), f"bench server did not print its port (exit code {proc.poll()})"
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def run_workloads(row: str, contenders: str, url: str) -> list[dict[str, object]]:
    argv = [sys.executable, "-m", "bench._workloads", row, contenders, url, "--quick"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT_S, check=True)
    return [json.loads(line) for line in done.stdout.strip().splitlines()]


def run_workload(row: str, contender: str, url: str) -> dict[str, object]:
    [outcome] = run_workloads(row, contender, url)
    return outcome


def metrics_of(outcome: dict[str, object]) -> dict[str, float]:
    values = outcome["metrics"]
    assert isinstance(values, dict)
    return cast(dict[str, float], values)


def server_stats(url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{url}/bench/stats", timeout=10) as response:
        stats: dict[str, int] = json.load(response)
    return stats


@pytest.mark.parametrize(("row", "contender", "metrics"), CASES)
def test_workload_prints_its_metrics(server_url: str, row: str, contender: str, metrics: set[str]) -> None:
    outcome = run_workload(row, contender, server_url)

    assert outcome.get("error") is None
    assert outcome["row"] == row
    assert outcome["contender"] == contender
    values = metrics_of(outcome)
    assert set(values) == metrics
    assert all(isinstance(v, (int, float)) and v >= 0 for v in values.values())


def test_stream_reads_every_chunk(server_url: str) -> None:
    outcome = run_workload("stream", "openai", server_url)

    assert metrics_of(outcome)["chunks"] == 500


def test_tenants_sends_one_key_per_tenant(server_url: str) -> None:
    run_workload("tenants", "openai", server_url)

    # Quick mode has 20 tenants; the server counts every distinct Authorization header it has seen.
    assert server_stats(server_url)["distinct_keys"] >= 20


def test_unknown_row_is_a_usage_error(server_url: str) -> None:
    argv = [sys.executable, "-m", "bench._workloads", "nope", "openai", server_url]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT_S)

    assert done.returncode != 0
    assert "usage" in done.stderr


@pytest.mark.parametrize("row", ["sync", "stream", "embedding", "rerank"])
def test_per_call_rows_interleave_contenders_in_one_process(server_url: str, row: str) -> None:
    before = server_stats(server_url)["requests"]
    outcomes = run_workloads(row, "openai,shim", server_url)

    assert [o["contender"] for o in outcomes] == ["openai", "shim"]
    assert all(o.get("error") is None and "skipped" not in o for o in outcomes)
    calls = [metrics_of(o).get("calls", metrics_of(o).get("streams")) for o in outcomes]
    assert calls[0] == calls[1] > 0
    # Warm-up, one untimed call and the timed calls of both contenders all reached the server.
    assert server_stats(server_url)["requests"] - before >= 2 * (calls[0] + 1)


def test_process_rows_take_one_contender(server_url: str) -> None:
    argv = [sys.executable, "-m", "bench._workloads", "cold", "openai,shim", server_url, "--quick"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT_S)

    assert done.returncode != 0
    assert "one contender" in done.stderr
