"""Agno: an Agent on its LiteLLM model with a tool (run, streamed, async), structured output, and a token count."""

import asyncio

from _report import KEY, URL, report
from _tools import City, called, get_weather

import shim

shim.as_litellm()

from agno.agent import Agent  # noqa: E402
from agno.models.litellm import LiteLLM  # noqa: E402
from agno.models.message import Message  # noqa: E402

model = LiteLLM(id="litellm_proxy/agent", api_base=URL, api_key=KEY)
agent = Agent(model=model, tools=[get_weather], instructions="Answer with the tool.", telemetry=False)
answer = agent.run("What is the weather in Berlin?")
streamed = [event.content for event in agent.run("What is the weather in Vienna?", stream=True) if event.content]


async def later() -> object:
    return (await agent.arun("What is the weather in Prague?")).content


# LiteLLM's model sends the schema itself (`response_format=<the class>`) once told the model follows one.
typed = LiteLLM(id="litellm_proxy/agent", api_base=URL, api_key=KEY, supports_native_structured_outputs=True)
city = Agent(model=typed, output_schema=City, telemetry=False).run("Describe Berlin").content
# Agno counts with litellm.token_counter, which asks the gateway (configured from the environment here).
tokens = model.count_tokens([Message(role="user", content="How many tokens is this?")])
report(
    answer=answer.content,
    called=called,
    streamed="".join(str(piece) for piece in streamed),
    later=asyncio.run(later()),
    city=city.model_dump() if isinstance(city, City) else repr(city),
    tokens=tokens,
    input_tokens=answer.metrics.input_tokens if answer.metrics else None,
)
