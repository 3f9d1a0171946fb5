"""DSPy: ChainOfThought, a streamed Predict (streamify with a listener) and an async call; the gateway from the
environment (LITELLM_PROXY_API_BASE/KEY), as LiteLLM reads it."""

import asyncio

from _report import report

import shim

shim.as_litellm()

import dspy  # noqa: E402

dspy.configure(lm=dspy.LM("litellm_proxy/agent", cache=False))
thought = dspy.ChainOfThought("question -> answer")(question="Why is the sky blue?")
listener = dspy.streaming.StreamListener(signature_field_name="answer")
program = dspy.streamify(dspy.Predict("question -> answer"), stream_listeners=[listener])


async def stream() -> list[str]:
    pieces: list[str] = []
    async for item in program(question="Stream please"):
        if isinstance(item, dspy.streaming.StreamResponse):
            pieces.append(item.chunk)
        elif isinstance(item, dspy.Prediction):
            pieces.append("final:" + item.answer)
    return pieces


async def async_call() -> str:
    return (await dspy.Predict("question -> answer").acall(question="Async?")).answer


report(
    reasoning=thought.reasoning, answer=thought.answer, stream=asyncio.run(stream()), acall=asyncio.run(async_call())
)
