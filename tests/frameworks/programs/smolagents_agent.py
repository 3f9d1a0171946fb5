"""smolagents: a tool-calling agent on LiteLLMModel, unchanged (run with `python -m shim.autopatch --as-litellm`)."""

from _report import KEY, URL, report
from smolagents import LiteLLMModel, ToolCallingAgent, tool


@tool
def get_weather(city: str) -> str:
    """The weather in a city.

    Args:
        city: the city's name
    """
    return f"sunny in {city}"


model = LiteLLMModel(model_id="litellm_proxy/agent", api_base=URL, api_key=KEY)
agent = ToolCallingAgent(tools=[get_weather], model=model, max_steps=3, verbosity_level=0)
answer = agent.run("What is the weather in Paris?")
# The model's answers streamed too (LiteLLMModel.generate_stream), the steps yielded as they come.
streaming = ToolCallingAgent(tools=[get_weather], model=model, max_steps=3, verbosity_level=0, stream_outputs=True)
streamed = [type(event).__name__ for event in streaming.run("And in Rome?", stream=True)]
report(answer=str(answer), streamed=sorted(set(streamed)), tokens=agent.monitor.get_total_token_counts().dict())
