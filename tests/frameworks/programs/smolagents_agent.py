"""smolagents: a tool-calling agent on LiteLLMModel, and one on LiteLLMRouterModel (LiteLLM's Router: shim's under the
facade), unchanged (run with `python -m shim.autopatch --as-litellm`)."""

from _report import KEY, URL, report
from smolagents import LiteLLMModel, LiteLLMRouterModel, ToolCallingAgent, tool


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
# A model group over the gateway's deployments, as smolagents' docs set up LiteLLM's Router.
deployment = {"model": "litellm_proxy/agent", "api_base": URL, "api_key": KEY}
router_model = LiteLLMRouterModel(
    model_id="group",
    model_list=[{"model_name": "group", "litellm_params": deployment, "model_info": {"id": n}} for n in ("a", "b")],
    client_kwargs={"routing_strategy": "simple-shuffle", "num_retries": 1},
)
routed = ToolCallingAgent(tools=[get_weather], model=router_model, max_steps=3, verbosity_level=0).run(
    "And in Reykjavik?"
)
report(
    answer=str(answer),
    streamed=sorted(set(streamed)),
    tokens=agent.monitor.get_total_token_counts().dict(),
    routed=str(routed),
    router=type(router_model.client).__module__,
)
