"""What observability costs a sync chat call: ``python -m bench.observability [--quick]``.

Three variants, interleaved in one process against ``bench.server`` (so the machine's drift hits each alike):

- ``off``: OpenTelemetry not in use and no callback set, the default (the sender's one check, then as before);
- ``noop``: OpenTelemetry imported, the API's no-op tracer provider (no SDK configured);
- ``sdk``: the SDK's tracer provider with a simple processor and an in-memory exporter (a span per call).

Prints the p50 and mean per call, and each variant's ratio to ``off``. Separate from the main rows so that it
can run alone; it needs ``opentelemetry-sdk`` (the test extra).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable, Generator
from contextlib import contextmanager
from pathlib import Path

from bench._common import FULL, QUICK, interleaved
from bench._report import write_section
from bench._workloads import sync_chat_call

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def server(*args: str, python: str = sys.executable) -> Generator[str]:
    """`bench.server` in its own process (run by `python`, with `args`), stopped by its pid; yields its URL."""
    command = [python, "-m", "bench.server", "--max-seconds", "900", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert process.stdout is not None
        yield f"http://127.0.0.1:{process.stdout.readline().strip()}"
    finally:
        process.terminate()
        process.wait()


def _variants(url: str) -> dict[str, Callable[[], int]]:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from shim._observe import observation as _observe

    call = sync_chat_call("shim", url)
    exporter = InMemorySpanExporter()
    sdk = TracerProvider()
    sdk.add_span_processor(SimpleSpanProcessor(exporter))
    providers = {"noop": trace.NoOpTracerProvider(), "sdk": sdk}
    imported = _observe._OTEL  # pyright: ignore[reportPrivateUsage]

    def variant(name: str) -> Callable[[], int]:
        def unit() -> int:
            # "off" hides the imported API from the sender's check: the path of a program that never imports it.
            _observe._OTEL = imported if name != "off" else "opentelemetry (not imported)"  # pyright: ignore[reportPrivateUsage]
            if name != "off":
                trace.get_tracer_provider = lambda: providers[name]  # only the sender asks for it here
            call()
            exporter.clear()
            return 1

        return unit

    return {name: variant(name) for name in ("off", "noop", "sdk")}


_WHAT = {
    "off": "nothing configured (OpenTelemetry not imported, no callback)",
    "noop": "OpenTelemetry imported, no SDK (the API's no-op tracer)",
    "sdk": "OpenTelemetry SDK, a span per call to an in-memory exporter",
}


def main(argv: list[str]) -> None:
    """Run the three variants; print the table, and with `--write` put it in BENCHMARKS.md. Other arguments of
    `make bench` (`--rows`, `--rounds`, ...) are ignored."""
    sizes = QUICK if "--quick" in argv else FULL
    with server() as url:
        samples = interleaved(_variants(url), sizes.calls, sizes.warmup, sizes.blocks)
    base = statistics.median(samples["off"].cpu)
    lines = [
        "### Observability's cost (`python -m bench.observability`)",
        "",
        "A sync one-message chat call, the three variants taking turns in one process; client CPU per call.",
        "",
        "| variant | p50 client CPU | p50 wall | CPU vs nothing configured |",
        "|---|---|---|---|",
    ]
    for name, values in samples.items():
        p50 = statistics.median(values.cpu)
        wall = statistics.median(values.wall)
        lines.append(f"| {_WHAT[name]} | {p50 * 1e3:.3f} ms | {wall * 1e3:.3f} ms | {p50 / base:.2f}x |")
    table = "\n".join(lines)
    print(table)
    if "--write" in argv:
        write_section(REPO / "BENCHMARKS.md", "observability", table)


if __name__ == "__main__":
    main(sys.argv[1:])
