"""Each framework's documented usage for a LiteLLM proxy model, unchanged after `shim.as_litellm()`, through the
real LiteLLM proxy, with the real litellm installed and never loaded (run_program checks that on every case)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Gateway, needs
from .upstream import AGENT_MODEL, REFUSED_MODEL

pytestmark = pytest.mark.frameworks

Run = Any


def _asked(gateway: Gateway, text: str, model: str = AGENT_MODEL) -> list[dict[str, Any]]:
    """The chat requests for `model` whose last message mentions `text`."""
    return [body for body in gateway.agent_requests(model) if text in str(body["messages"][-1].get("content"))]


@needs("dspy")
def test_dspy_predict_with_chat_and_json_adapters_and_its_cache(run_program: Run, gateway: Gateway) -> None:
    result = run_program("dspy_predict.py")
    assert result["chat"] == result["again"] == "echo answer"  # parsed from the [[ ## answer ## ]] markers
    assert len(_asked(gateway, "capital of France")) == 1  # the repeat came from DSPy's own cache
    assert result["json"].startswith("echo: ")  # the JSON adapter parsed the answer field
    (json_call,) = _asked(gateway, "What is 2 + 2?")
    # The gateway said the model follows a schema (asked through the facade), so DSPy sent one.
    assert json_call["response_format"]["type"] == "json_schema"


@needs("dspy")
def test_dspy_chain_of_thought_streaming_and_async(run_program: Run, gateway: Gateway) -> None:
    env = {"LITELLM_PROXY_API_BASE": gateway.url, "LITELLM_PROXY_API_KEY": gateway.api_key}
    result = run_program("dspy_cot_stream.py", env=env)
    assert (result["reasoning"], result["answer"], result["acall"]) == ("echo reasoning", "echo answer", "echo answer")
    # The listener saw the answer field arrive in pieces, then the whole prediction.
    assert result["stream"] == ["echo", " answer", "final:echo answer"]
    (streamed,) = _asked(gateway, "Stream please")
    assert streamed["stream"] is True


@needs("dspy")
def test_dspy_embeddings_and_errors_mapped_to_dspy_types(run_program: Run) -> None:
    result = run_program("dspy_embed_errors.py")
    assert result["shape"] == [2, 8]
    errors = result["errors"]
    # DSPy maps litellm's classes by name; shim's own classes, reporting the litellm module, are what it finds.
    assert errors["agent-401"] == [
        "dspy.utils.exceptions.LMAuthError",
        "dspy._vendor.lm15.errors.AuthError",
        "litellm.exceptions.AuthenticationError",
    ]
    assert errors["ctx-window"][0] == "dspy.utils.exceptions.ContextWindowExceededError"
    assert errors["ctx-window"][-1] == "litellm.exceptions.ContextWindowExceededError"


@needs("smolagents")
def test_smolagents_tool_calling_agent_through_the_runner(run_program: Run, gateway: Gateway) -> None:
    # The program never mentions shim: `python -m shim.autopatch --as-litellm` puts the facade in place.
    result = run_program("smolagents_agent.py", runner=("-m", "shim.autopatch", "--as-litellm"))
    assert result["answer"].startswith("done: sunny in ")  # the tool ran, then the final_answer tool
    assert {"ToolCall", "ToolOutput", "FinalAnswerStep"} <= set(result["streamed"])
    assert result["tokens"]["input_tokens"] > 0
    assert any(body.get("stream") for body in _asked(gateway, "And in Rome?"))
    # LiteLLMRouterModel builds `litellm.router.Router`: shim's, over the group's gateway deployments.
    assert result["routed"].startswith("done: sunny in ")
    assert result["router"] == "shim._balancer.router"
    assert _asked(gateway, "And in Reykjavik?")


@needs("agents")
def test_agents_sdk_litellm_model_with_a_tool_and_a_streamed_run(run_program: Run, gateway: Gateway) -> None:
    result = run_program("agents_sdk.py")
    assert result["called"] == ["echo: What is the weather in Paris?", "echo: What is the weather in Rome?"]
    assert result["final"] == "echo: What is the weather in Paris?"
    assert result["streamed"] == "echo: What is the weather in Rome?"
    assert "raw_response_event" in result["kinds"]
    assert result["input_tokens"] > 0
    calls = _asked(gateway, "What is the weather in Rome?")
    assert calls and all(call["stream"] for call in calls)
    assert all("_skip_mcp_handler" not in call for call in gateway.agent_requests())  # LiteLLM's own keyword


@needs("google.adk")
def test_adk_litellm_agent_with_a_tool_plain_and_streamed(run_program: Run, gateway: Gateway) -> None:
    result = run_program("adk_agent.py")
    assert result["events"] == [
        "call:get_weather",
        "result:sunny in echo: What is the weather in Paris?",
        "text:echo: What is the weather in Paris?",
    ]
    streamed = result["streamed"]
    # SSE mode: the answer's pieces as partial events, then the whole of it.
    assert "partial" in streamed
    assert [event for event in streamed if event != "partial"] == [
        "call:get_weather",
        "result:sunny in echo: What is the weather in Rome?",
        "text:echo: What is the weather in Rome?",
    ]
    assert all(call.get("stream") for call in _asked(gateway, "What is the weather in Rome?"))


@needs("instructor")
def test_instructor_from_litellm_sync_and_async(run_program: Run, gateway: Gateway) -> None:
    result = run_program("instructor_litellm.py")
    assert result["city"] == {"name": "echo: Paris", "population": 1}
    assert result["later"] == {"name": "echo: Rome", "population": 1}
    (call,) = _asked(gateway, "Paris")[-1:]
    assert call["tools"][0]["function"]["name"] == "City"  # instructor's default mode: the model as a tool


@needs("crewai")
def test_crewai_llm_call_sync_streamed_async_usage_and_a_401_not_retried(run_program: Run, gateway: Gateway) -> None:
    refused_before = len(gateway.agent_requests(REFUSED_MODEL))
    result = run_program("crewai_llm.py")
    assert result["cls"] == "crewai.llm"  # LiteLLM's route in CrewAI, not one of its native providers
    assert (result["answer"], result["streamed"], result["later"]) == (
        "echo: Say hi",
        "echo: Stream hi",
        "echo: Async hi",
    )
    assert result["prompt_tokens"] > 0  # read from model_extra["usage"], where LiteLLM keeps it
    assert result["error"] == "litellm.exceptions.AuthenticationError"
    assert len(gateway.agent_requests(REFUSED_MODEL)) == refused_before + 1


@needs("crewai")
def test_crewai_one_agent_crew_and_a_refused_key_fails_once(run_program: Run, gateway: Gateway) -> None:
    refused_before = len(gateway.agent_requests(REFUSED_MODEL))
    result = run_program("crewai_crew.py")
    assert result["raw"].startswith("echo: ")
    assert result["total_tokens"] > 0
    # CrewAI re-raises errors whose class comes from a litellm module instead of retrying the task.
    assert result["error"] == "litellm.exceptions.AuthenticationError"
    assert len(gateway.agent_requests(REFUSED_MODEL)) == refused_before + 1


@needs("agno")
def test_agno_agent_with_a_tool_streamed_async_structured_and_counted(run_program: Run, gateway: Gateway) -> None:
    env = {"LITELLM_PROXY_API_BASE": gateway.url, "LITELLM_PROXY_API_KEY": gateway.api_key}
    result = run_program("agno_agent.py", env=env)
    asked = [f"echo: What is the weather in {city}?" for city in ("Berlin", "Vienna", "Prague")]
    assert result["called"] == asked  # the tool ran once per run, with what the model passed
    assert (result["answer"], result["streamed"], result["later"]) == tuple(asked)
    assert result["input_tokens"] > 0
    assert all(call["stream"] for call in _asked(gateway, "What is the weather in Vienna?"))
    # Structured output: Agno handed litellm the pydantic class, which went out as its JSON schema.
    assert result["city"] == {"name": "echo: Describe Berlin", "population": 1}
    (typed,) = _asked(gateway, "Describe Berlin")
    assert typed["response_format"]["json_schema"]["schema"]["required"] == ["name", "population"]
    assert result["tokens"] > 0  # litellm.token_counter, counted by the gateway


@needs("strands")
def test_strands_agent_with_a_tool_streamed_and_structured_output(run_program: Run, gateway: Gateway) -> None:
    result = run_program("strands_agent.py")
    asked = [f"echo: What is the weather in {city}?" for city in ("Lisbon", "Madrid")]
    assert result["called"] == asked
    assert (result["answer"], result["streamed"]) == tuple(asked)
    assert result["input_tokens"] > 0  # from the usage chunk of the stream
    assert all(call["stream"] for call in _asked(gateway, "What is the weather in Lisbon?"))
    # The agent's structured output: a tool named after the class, called by the model.
    assert result["city"] == {"name": "echo: Describe Lisbon", "population": 1}
    assert [tool["function"]["name"] for tool in _asked(gateway, "Describe Lisbon")[0]["tools"]] == ["City"]
    # The model's own: the gateway says the model follows a schema (asked through the facade with the model name
    # only), so Strands sent the class as response_format.
    assert result["own"] == {"name": "echo: Oslo", "population": 1}
    (own,) = _asked(gateway, "Oslo")
    assert own["response_format"]["type"] == "json_schema"


@needs("mem0")
def test_mem0_memory_added_and_searched_through_the_gateway(run_program: Run, gateway: Gateway) -> None:
    embedded_before = len(gateway.upstream.requests_to("/v1/embeddings"))
    result = run_program("mem0_memory.py")
    said = "I drink green tea every morning."
    assert result["added"] == [["ADD", said]]  # extracted by the LLM through the facade, then stored
    assert result["found"] == [said]
    (extraction,) = [call for call in gateway.agent_requests() if said in str(call["messages"][-1]["content"])]
    assert extraction["response_format"] == {"type": "json_object"}
    # The embedder went to the gateway too (the openai SDK, pointed at it): the add's search, the memory, the query.
    assert len(gateway.upstream.requests_to("/v1/embeddings")) - embedded_before >= 3
    # With a tool, after litellm.supports_function_calling(model) said yes (the gateway's model info).
    assert result["called"] == [{"name": "remember", "arguments": {"fact": "echo: Remember tea"}}]
