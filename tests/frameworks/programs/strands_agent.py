"""Strands Agents: an Agent on LiteLLMModel with a tool (streamed, as Strands calls models), its async stream, and
structured output both ways (the agent's output tool; the model's own, `response_format=<the class>`)."""

import asyncio

from _report import KEY, URL, report
from _tools import City, called, get_weather

import shim

# The gateway as the process default too: Strands asks `supports_response_schema(model_id)` with the model only.
shim.as_litellm(api_base=URL, api_key=KEY)

from strands import Agent, tool  # noqa: E402
from strands.models.litellm import LiteLLMModel  # noqa: E402

weather = tool(get_weather)

model = LiteLLMModel(
    client_args={"api_key": KEY, "api_base": URL, "use_litellm_proxy": True},
    model_id="agent",  # Strands adds litellm_proxy/ when use_litellm_proxy is set
    params={"max_tokens": 200},
)
agent = Agent(model=model, tools=[weather], callback_handler=None)
answer = agent("What is the weather in Lisbon?")


async def streamed() -> str:
    fresh = Agent(model=model, tools=[weather], callback_handler=None)
    pieces = [event["data"] async for event in fresh.stream_async("What is the weather in Madrid?") if "data" in event]
    return "".join(pieces)


async def own_structured_output() -> City:
    events = [event async for event in model.structured_output(City, [{"role": "user", "content": [{"text": "Oslo"}]}])]
    output: City = events[-1]["output"]
    return output


city = Agent(model=model, callback_handler=None)("Describe Lisbon", structured_output_model=City).structured_output
report(
    answer=str(answer).strip(),
    called=called,
    streamed=asyncio.run(streamed()),
    city=city.model_dump() if city else None,
    own=asyncio.run(own_structured_output()).model_dump(),
    input_tokens=answer.metrics.accumulated_usage["inputTokens"],
)
