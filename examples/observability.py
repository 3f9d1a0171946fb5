"""Observability: a LiteLLM-style callback and OpenTelemetry spans printed to the console.

Needs the OpenTelemetry SDK (`pip install 'shim[otel]' opentelemetry-sdk`); without it only the callback prints.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from _gateway import gateway

import shim
from shim.integrations.custom_logger import CustomLogger

MODEL = "litellm_proxy/" + os.environ.get("SHIM_EXAMPLE_MODEL", "your-model-name")


class CostLogger(CustomLogger):
    """Print each call's model, gateway cost, time to first token and metadata."""

    def log_success_event(
        self, kwargs: dict[str, Any], response_obj: Any, start_time: datetime, end_time: datetime
    ) -> None:
        first = kwargs["completion_start_time"] - start_time
        print(
            f"callback: {kwargs['call_type']} {kwargs['model']} cost={kwargs['response_cost']} "
            f"first token after {first.total_seconds() * 1000:.1f} ms, metadata={kwargs['litellm_params']['metadata']}"
        )


def console_tracing() -> bool:
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
    except ImportError:
        print("(opentelemetry-sdk is not installed: no spans)")
        return False
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    return True


def main() -> None:
    tracing = console_tracing()
    shim.callbacks = [CostLogger()]
    with gateway():
        messages = [{"role": "user", "content": "Say hi"}]
        r = shim.completion(MODEL, messages, temperature=0.2, metadata={"team": "search"})
        shim.flush_callbacks()  # callbacks run in a background thread: wait, so the output stays in order
        print("answer:", r.choices[0].message.content)
        with shim.completion(MODEL, messages, stream=True, stream_options={"include_usage": True}) as stream:
            print("streamed:", "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices))
        shim.flush_callbacks()
        shim.close()
    if tracing:
        from opentelemetry import trace

        trace.get_tracer_provider().shutdown()  # pyright: ignore[reportAttributeAccessIssue]


if __name__ == "__main__":
    main()
