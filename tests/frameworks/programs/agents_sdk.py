"""The OpenAI Agents SDK: LitellmModel with a function tool, a run and a streamed run."""

import asyncio

from _report import KEY, URL, report

import shim

shim.as_litellm()

from agents import Agent, Runner, function_tool  # noqa: E402
from agents.extensions.models.litellm_model import LitellmModel  # noqa: E402

called: list[str] = []


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    called.append(city)
    return f"sunny in {city}"


model = LitellmModel(model="litellm_proxy/agent", base_url=URL, api_key=KEY)
agent = Agent(name="weather", instructions="Answer with the tool.", tools=[get_weather], model=model)
result = Runner.run_sync(agent, "What is the weather in Paris?")


async def streamed() -> tuple[object, list[str]]:
    run = Runner.run_streamed(agent, "What is the weather in Rome?")
    kinds = [event.type async for event in run.stream_events()]
    return run.final_output, sorted(set(kinds))


final, kinds = asyncio.run(streamed())
usage = result.context_wrapper.usage
report(final=result.final_output, called=called, streamed=final, kinds=kinds, input_tokens=usage.input_tokens)
