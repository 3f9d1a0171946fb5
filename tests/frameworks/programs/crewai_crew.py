"""CrewAI: a one-agent crew; then one whose gateway refuses the key, which fails at once (no task retries)."""

from _report import KEY, URL, report

import shim

shim.as_litellm(api_base=URL, api_key=KEY)

from crewai import LLM, Agent, Crew, Task  # noqa: E402


def crew(model: str) -> Crew:
    agent = Agent(role="Writer", goal="Write", backstory="You write short answers.", llm=LLM(model=model))
    task = Task(description="Write one word about Paris", expected_output="One word", agent=agent)
    return Crew(agents=[agent], tasks=[task])


output = crew("litellm_proxy/agent").kickoff()
try:
    crew("litellm_proxy/agent-401").kickoff()
    error = None
except Exception as raised:
    error = f"{type(raised).__module__}.{type(raised).__name__}"
report(raw=output.raw, total_tokens=output.token_usage.total_tokens, error=error)
