"""Mem0: a Memory on its LiteLLM llm provider, the OpenAI embedder pointed at the gateway and Qdrant in process;
a memory added (the LLM extracts it) and searched, and the llm asked with a tool."""

from _report import KEY, URL, report

import shim

# Mem0's LiteLLM llm passes no base URL or key: the gateway is the process default.
shim.as_litellm(api_base=URL, api_key=KEY)

from mem0 import Memory  # noqa: E402

DIMENSIONS = 8  # what the gateway's `embed` model gives (the proxy refuses `dimensions` for it)
config = {
    "llm": {"provider": "litellm", "config": {"model": "litellm_proxy/agent", "temperature": 0.1, "max_tokens": 500}},
    "embedder": {
        "provider": "openai",
        "config": {"model": "embed", "api_key": KEY, "openai_base_url": URL},
    },
    "vector_store": {
        "provider": "qdrant",  # Mem0's default store, here in this process and in memory (no server)
        "config": {"collection_name": "memories", "embedding_model_dims": DIMENSIONS, "path": "qdrant"},
    },
    "history_db_path": "history.db",
}
memory = Memory.from_config(config)
added = memory.add("I drink green tea every morning.", user_id="alice")
found = memory.search("I drink green tea every morning.", filters={"user_id": "alice"})
# The llm on its own with a tool: Mem0 asks litellm.supports_function_calling(model) first.
tool = {
    "type": "function",
    "function": {
        "name": "remember",
        "description": "Store a fact.",
        "parameters": {"type": "object", "properties": {"fact": {"type": "string"}}, "required": ["fact"]},
    },
}
called = memory.llm.generate_response([{"role": "user", "content": "Remember tea"}], tools=[tool])
report(
    added=[(item["event"], item["memory"]) for item in added["results"]],
    found=[item["memory"] for item in found["results"]],
    called=called["tool_calls"],
)
