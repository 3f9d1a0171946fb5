"""Smoke test of the benchmark suite: every row runs in quick mode against the bench server (raw openai for the
rows of the first table; floor, shim, raw openai and the patched SDK for the rows that grow the work).

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
    ("async_long", "floor", {"calls_per_s", "cpu_ms", "calls", "rss_mb"}),
    ("async_long", "shim", {"calls_per_s", "cpu_ms", "calls", "rss_mb"}),
]
PER_CALL_METRICS = {"p50_ms", "mean_ms", "cpu_ms", "calls"}
STREAM_METRICS = {"per_chunk_us", "cpu_per_chunk_us", "chunks", "streams"}


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
    """Requests served, distinct API keys and the largest request body (bytes) seen since the server started."""
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


def test_router_row_times_the_router_beside_a_plain_call(server_url: str) -> None:
    before = server_stats(server_url)["requests"]
    outcomes = run_workloads("router", "shim,shim_router", server_url)

    assert [o["contender"] for o in outcomes] == ["shim", "shim_router"]
    assert all(o.get("error") is None and "skipped" not in o for o in outcomes)
    calls = [metrics_of(o)["calls"] for o in outcomes]
    assert calls[0] == calls[1] > 0
    assert server_stats(server_url)["requests"] - before >= 2 * (calls[0] + 1)


def test_process_rows_take_one_contender(server_url: str) -> None:
    argv = [sys.executable, "-m", "bench._workloads", "cold", "openai,shim", server_url, "--quick"]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT_S)

    assert done.returncode != 0
    assert "one contender" in done.stderr


@pytest.mark.parametrize(("row", "contenders"), [("chat1", "floor,shim,openai"), ("chat400", "floor,shim,openai")])
def test_chat_rows_time_every_contender_in_one_process(server_url: str, row: str, contenders: str) -> None:
    before = server_stats(server_url)["requests"]
    outcomes = run_workloads(row, contenders, server_url)

    assert [o["contender"] for o in outcomes] == contenders.split(",")
    assert all(o.get("error") is None and "skipped" not in o for o in outcomes)
    assert all(set(metrics_of(o)) == PER_CALL_METRICS for o in outcomes)
    assert all(metrics_of(o)["cpu_ms"] > 0 for o in outcomes)
    calls = {metrics_of(o)["calls"] for o in outcomes}
    assert len(calls) == 1
    assert server_stats(server_url)["requests"] - before >= 3 * calls.pop()


def test_chat400_sends_the_whole_conversation(server_url: str) -> None:
    run_workloads("chat400", "floor", server_url)

    # 400 messages of ~100 words: ~210 KB of JSON on the wire.
    assert server_stats(server_url)["largest_body"] > 200_000


@pytest.mark.parametrize("row", ["stream_long", "stream_writes"])
def test_long_streams_read_5000_chunks_for_every_contender(server_url: str, row: str) -> None:
    outcomes = run_workloads(row, "floor,shim,openai", server_url)

    assert all(o.get("error") is None for o in outcomes)
    assert all(set(metrics_of(o)) == STREAM_METRICS for o in outcomes)
    assert [metrics_of(o)["chunks"] for o in outcomes] == [5000, 5000, 5000]


def test_a_stream_of_one_event_per_write_comes_chunked() -> None:
    from bench.server import _stream_body, _stream_writes

    head, *chunks, end = _stream_writes(5)
    assert b"transfer-encoding: chunked" in head and end == b"0\r\n\r\n"
    assert [chunk.split(b"\r\n", 1)[1][:-2] for chunk in chunks] == [
        event + b"\n\n" for event in _stream_body(5).split(b"\n\n") if event
    ]


def test_async_long_takes_turns_in_one_process(server_url: str) -> None:
    before = server_stats(server_url)["requests"]
    outcomes = run_workloads("async_long", "floor,shim", server_url)

    assert [o["contender"] for o in outcomes] == ["floor", "shim"]
    assert all(
        o.get("error") is None and set(metrics_of(o)) == {"calls_per_s", "cpu_ms", "calls", "rss_mb"} for o in outcomes
    )
    calls = metrics_of(outcomes[0])["calls"]
    assert calls == metrics_of(outcomes[1])["calls"] > 0
    assert server_stats(server_url)["requests"] - before >= 2 * calls
    assert server_stats(server_url)["largest_body"] > 200_000  # the 400-message conversation


def test_embed_batch_runs_256_inputs_for_every_contender(server_url: str) -> None:
    outcomes = run_workloads("embed_batch", "floor,shim,openai", server_url)

    assert [o["contender"] for o in outcomes] == ["floor", "shim", "openai"]
    assert all(o.get("error") is None and set(metrics_of(o)) == PER_CALL_METRICS for o in outcomes)


@pytest.mark.parametrize("row", ["patch1", "patch400"])
def test_patch_rows_route_the_patched_sdk_to_the_gateway(server_url: str, row: str) -> None:
    before = server_stats(server_url)["requests"]
    outcomes = run_workloads(row, "openai,patched", server_url)

    assert [o["contender"] for o in outcomes] == ["openai", "patched"]
    # The patched client points nowhere: had a call not been routed, it would have failed.
    assert all(o.get("error") is None and set(metrics_of(o)) == PER_CALL_METRICS for o in outcomes)
    calls = metrics_of(outcomes[0])["calls"]
    assert server_stats(server_url)["requests"] - before >= 2 * calls


def test_report_checks_every_target_of_a_line() -> None:
    from bench._report import Report

    medians = {
        ("chat1", "floor"): {"cpu_ms": 0.5},
        ("chat1", "shim"): {"cpu_ms": 1.0},  # 2.0x the floor: over its 1.8x
        ("chat1", "litellm"): {"cpu_ms": 4.0},  # 4x shim: meets its 3x
    }
    report = Report(medians, rounds=1, quick=True)

    summary = report.summary()
    assert "FAIL: chat, 1 message: client CPU: shim ≤ 1.80x floor" in summary
    assert "litellm ≥ 3.00x shim" not in summary
    assert "| **FAIL**; pass |" in report.markdown()


def test_picture_has_a_line_per_measured_contender(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from bench._plot import plot_scaling, points

    medians = {(f"chat{n}", c): {"cpu_ms": n * k} for n in (1, 50, 400) for c, k in [("floor", 0.01), ("shim", 0.02)]}
    picture = tmp_path / "bench.png"

    assert plot_scaling(medians, picture)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert points(medians, "shim") == [(1, 0.02), (50, 1.0), (400, 8.0)]
    assert points(medians, "openai") == []
    assert not plot_scaling({}, tmp_path / "none.png")
