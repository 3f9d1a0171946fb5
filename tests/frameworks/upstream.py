"""The fake upstream's answers for agent frameworks: deterministic, like tests/proxy/fake_api.py, plus what an
agent loop needs to finish.

Only the `fake-agent` model answers this way (the proxy's `agent` group); everything else is fake_api's. A chat
call with tools calls the first tool (filled from its schema), and once a tool has answered, the `final_answer`
tool if there is one (smolagents), else a text answer. A text answer follows the format the prompt asks for:
DSPy's `[[ ## field ## ]]` markers, CrewAI's `Final Answer:`, Mem0's `{"memory": [...]}` (the user's lines, as
they said them), else `echo: <last user text>`. Streams carry the same answer, a tool call in one piece.
"""

from __future__ import annotations

import json
import re

from proxy.fake_api import (
    Call,
    Json,
    Reply,
    answer,
    as_json,
    as_list,
    chat_prompt_tokens,
    chat_stream,
    fill,
    json_reply,
    last_user_text,
    scripted_failure,
    short_id,
    sse_data,
    sse_reply,
    structured,
    text_of,
    tokens,
    usage,
)

AGENT_MODEL = "fake-agent"
REFUSED_MODEL = "fake-agent-401"  # the upstream refuses the gateway's key: a 401 the gateway passes on
MARKER = re.compile(r"\[\[ ## (\w+) ## \]\]")
DSPY_ASK = "Respond with the corresponding output fields"
MEM0_EXTRACTOR = "You are a Memory Extractor"  # Mem0's extraction prompt, which asks for {"memory": [...]}
MEM0_NEW = re.compile(r"## New Messages\n(.*?)\n\n## ", re.DOTALL)


def framework_answer(call: Call) -> Reply:
    """fake_api's answer, except for chat calls to the agent model."""
    if call.path == "/v1/chat/completions" and call.model == REFUSED_MODEL:
        error = {"message": "Incorrect API key provided (fake upstream).", "type": "invalid_request_error"}
        return json_reply({"error": error | {"param": None, "code": "invalid_api_key"}}, 401)
    if call.path != "/v1/chat/completions" or call.model != AGENT_MODEL:
        return answer(call)
    return scripted_failure(call) or agent_chat(call)


def agent_chat(call: Call) -> Reply:
    messages = [as_json(m) for m in as_list(call.body.get("messages"))]
    tools = [as_json(as_json(t).get("function")) for t in as_list(call.body.get("tools"))]
    tool = next_tool(messages, tools) if call.body.get("tool_choice") != "none" else None
    if tool is not None:
        name, arguments = tool
        return tool_call_reply(call, messages, name, arguments)
    text = mem0_extraction(messages) or structured(call.body, reply_text(messages))
    if call.body.get("stream"):
        return chat_stream(call, text, chat_prompt_tokens(messages))
    message: Json = {"role": "assistant", "content": text, "refusal": None}
    return completion(call, messages, message, "stop", tokens(text))


def next_tool(messages: list[Json], tools: list[Json]) -> tuple[str, str] | None:
    """The tool to call next and its arguments, or None for a text answer."""
    if not tools:
        return None
    answered = tool_results(messages)
    if not answered:
        first = next((t for t in tools if t.get("name") != "final_answer"), tools[0])
        return str(first.get("name")), json.dumps(
            fill(as_json(first.get("parameters")), "echo: " + last_user_text(messages))
        )
    final = next((t for t in tools if t.get("name") == "final_answer"), None)
    if final is None:
        return None
    return "final_answer", json.dumps({"answer": "done: " + answered[-1]})


def tool_results(messages: list[Json]) -> list[str]:
    """What tools answered so far: `tool` messages, or smolagents' observations."""
    found = [text_of(m.get("content")) for m in messages if m.get("role") == "tool"]
    found += [
        text.split("Observation:", 1)[1].strip()
        for m in messages[1:]
        if "Observation:" in (text := text_of(m.get("content")))
    ]
    return found


def mem0_extraction(messages: list[Json]) -> str | None:
    """Mem0's extraction answer: each user line of the new messages ("user: ...") as a memory, in its words."""
    if not messages or MEM0_EXTRACTOR not in text_of(messages[0].get("content")):
        return None
    found = MEM0_NEW.search(last_user_text(messages))
    lines = found.group(1).splitlines() if found else []
    said = [line.removeprefix("user: ").strip() for line in lines if line.startswith("user: ")]
    return json.dumps({"memory": [{"id": str(i), "text": text} for i, text in enumerate(said)]})


def reply_text(messages: list[Json]) -> str:
    prompt = "\n".join(text_of(m.get("content")) for m in messages)
    last = last_user_text(messages)
    if DSPY_ASK in last:
        fields = [name for name in MARKER.findall(last.split(DSPY_ASK, 1)[1]) if name != "completed"]
        return "".join(f"[[ ## {name} ## ]]\necho {name}\n\n" for name in fields) + "[[ ## completed ## ]]"
    if "Final Answer:" in prompt:
        return "Thought: I now can give a great answer\nFinal Answer: echo: " + last.strip()[:60]
    return "echo: " + last


def tool_call_reply(call: Call, messages: list[Json], name: str, arguments: str) -> Reply:
    call_id = short_id("call_", call)
    function = {"name": name, "arguments": arguments}
    if call.body.get("stream"):
        head: Json = {"id": short_id("chatcmpl-", call), "object": "chat.completion.chunk", "created": 1_700_000_000}
        head["model"] = call.model
        delta: Json = {"role": "assistant", "content": None, "tool_calls": [
            {"index": 0, "id": call_id, "type": "function", "function": function}]}  # fmt: skip
        events = [sse_data(head | {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})]
        events.append(sse_data(head | {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}))
        if as_json(call.body.get("stream_options")).get("include_usage"):
            no_choices: list[Json] = []
            events.append(sse_data(head | {"choices": no_choices, "usage": usage(chat_prompt_tokens(messages), 5)}))
        return sse_reply(events)
    tool_calls = [{"id": call_id, "type": "function", "function": function}]
    message: Json = {"role": "assistant", "content": None, "refusal": None, "tool_calls": tool_calls}
    return completion(call, messages, message, "tool_calls", 5)


def completion(call: Call, messages: list[Json], message: Json, finish: str, completion_tokens: int) -> Reply:
    choice: Json = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
    body: Json = {"id": short_id("chatcmpl-", call), "object": "chat.completion", "created": 1_700_000_000}
    body |= {"model": call.model, "choices": [choice]}
    body["usage"] = usage(chat_prompt_tokens(messages), completion_tokens)
    return json_reply(body)
