"""Google ADK: an Agent on LiteLlm with a tool, run by the in-memory runner."""

import asyncio

from _report import KEY, URL, report

import shim

shim.as_litellm()

from google.adk.agents import Agent, RunConfig  # noqa: E402
from google.adk.agents.run_config import StreamingMode  # noqa: E402
from google.adk.models.lite_llm import LiteLlm  # noqa: E402
from google.adk.runners import InMemoryRunner  # noqa: E402
from google.genai import types  # noqa: E402


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


model = LiteLlm(model="litellm_proxy/agent", api_base=URL, api_key=KEY)
agent = Agent(name="weather", model=model, tools=[get_weather], instruction="Answer with the tool.")
runner = InMemoryRunner(agent=agent, app_name="weather")


async def main(city: str, config: RunConfig | None = None) -> list[str]:
    session = await runner.session_service.create_session(app_name="weather", user_id="u")
    message = types.Content(role="user", parts=[types.Part(text=f"What is the weather in {city}?")])
    seen: list[str] = []
    events = runner.run_async(user_id="u", session_id=session.id, new_message=message, run_config=config)
    async for event in events:
        if event.partial:
            seen.append("partial")
            continue
        for part in event.content.parts if event.content and event.content.parts else []:
            if part.function_call:
                seen.append("call:" + str(part.function_call.name))
            elif part.function_response:
                seen.append("result:" + str((part.function_response.response or {}).get("result")))
            elif part.text:
                seen.append("text:" + part.text)
    return seen


streamed = asyncio.run(main("Rome", RunConfig(streaming_mode=StreamingMode.SSE)))
report(events=asyncio.run(main("Paris")), streamed=streamed)
