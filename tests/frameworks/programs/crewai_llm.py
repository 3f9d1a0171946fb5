"""CrewAI: LLM.call (sync, streamed and async) with token usage, and a 401 that is raised, not retried."""

import asyncio

from _report import KEY, URL, report

import shim

shim.as_litellm(api_base=URL, api_key=KEY)

from crewai import LLM  # noqa: E402

llm = LLM(model="litellm_proxy/agent")
answer = llm.call("Say hi")
streamed = LLM(model="litellm_proxy/agent", stream=True).call("Stream hi")
later = asyncio.run(llm.acall("Async hi"))
usage = llm.get_token_usage_summary()
try:
    LLM(model="litellm_proxy/agent-401").call("hi")
    error = None
except Exception as raised:
    error = f"{type(raised).__module__}.{type(raised).__name__}"
report(
    answer=answer,
    streamed=streamed,
    later=later,
    prompt_tokens=usage.prompt_tokens,
    error=error,
    cls=type(llm).__module__,
)
