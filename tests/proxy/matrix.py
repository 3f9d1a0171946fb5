"""compat_matrix.md and compat_observations.md from the differential run.

A field observed differently on the two sides is an intentional difference only when `REASONS` points it to one of
the `DIFFERENCES` (each a one-line reason with a stable anchor); otherwise it is a gap, and the differential test
fails. compat_matrix.md gets one short line per row (what is compared, same or the differences it links to) and one
line per difference; compat_observations.md gets every field of every row, both sides. `render` and
`render_observations` are pure functions of the rows and the observations, so the committed files can be compared
with what a run produces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .differential import CALLBACK_DIFFERENCES, CALLBACK_REASONS, SWEEP_SKIP, Row
from .differential_files import CALL_TYPE_DIFFERENCES, CALL_TYPE_REASONS
from .differential_files import DIFFERENCES as FILE_DIFFERENCES
from .differential_files import REASONS as FILE_REASONS
from .differential_router import DIFFERENCES as ROUTER_DIFFERENCES
from .differential_router import REASONS as ROUTER_REASONS

ALL = "*"
OBSERVATIONS_FILE = "compat_observations.md"

# Anchor id -> why shim differs from LiteLLM's SDK there, on purpose: one line each in compat_matrix.md.
DIFFERENCES: dict[str, str] = {
    # _hidden_params, on every endpoint
    "hidden-keys": (
        "`_hidden_params` keys: shim sets the keys user code reads (`custom_llm_provider`, `api_base`, `model_id`, "
        "`response_cost`, `litellm_call_id`, `litellm_model_name`, `additional_headers`, `_response_ms`) plus "
        "`request_id`; LiteLLM's others are its own timings and logging state"
    ),
    "hidden-model-id": (
        "`_hidden_params['model_id']` is the gateway's deployment id (`x-litellm-model-id`); LiteLLM's SDK leaves it "
        "None on this route"
    ),
    "hidden-provider": (
        "`_hidden_params['custom_llm_provider']` is always `litellm_proxy`; LiteLLM omits it for images, speech and "
        "rerank and says `openai` for transcription"
    ),
    "hidden-headers": (
        "`_hidden_params['additional_headers']` has every response header on every endpoint; LiteLLM's rerank "
        "leaves it empty"
    ),
    "hidden-type": (
        "`_hidden_params` is a dict on every result; LiteLLM's text completion has a `HiddenParams` object (which "
        "also answers `[key]` and `.get`)"
    ),
    # chat streams and results
    "chunk-model": (
        "every chunk says `litellm_proxy/<model the gateway returned>`; LiteLLM sends the bare model on content "
        "chunks and the prefixed one on the last"
    ),
    "builder-usage": (
        "`stream_chunk_builder` without a usage chunk: no tokenizer dependency and no estimates, ask for "
        "`stream_options={'include_usage': True}` to get the gateway's count; LiteLLM reports zeros"
    ),
    "text-path": "a real text completion (`POST /completions`); LiteLLM turns the prompt into a chat call",
    "model-prefix": (
        "`litellm_proxy/<model>` on embeddings and responses as on chat: one rule for every result with a model; "
        "LiteLLM says the bare model there"
    ),
    "speech-type": (
        "`shim.BinaryResponse` subclasses `openai.HttpxBinaryResponseContent` as LiteLLM's class does, and adds "
        "`with` and `stream=True`"
    ),
    "rerank-path": (
        "`rerank` posts to `rerank` relative to the base URL, like every other endpoint (the proxy serves `/rerank`, "
        "`/v1/rerank` and `/v2/rerank` alike); LiteLLM appends `/v1/rerank` to the base"
    ),
    "rerank-documents": (
        "`return_documents=True` by default, sync and async, so async results carry the documents too; LiteLLM's "
        "`arerank` does not send it (its `rerank` does)"
    ),
    "rerank-v1-base": (
        "a base URL ending in `/v1` works for rerank as for every endpoint; LiteLLM posts `/v1/v1/rerank`, a 404"
    ),
    "responses-stream": (
        "a real stream (`stream: true` sent, the gateway's events as they come); LiteLLM fakes the stream for any "
        "model its cost map does not know: one plain request, then 5-character deltas"
    ),
    "models-function": "shim adds `models()`/`amodels()` (GET `/models`); LiteLLM's SDK has no such function",
    # Anthropic's Messages API and the gateway's own facts
    "anthropic-native": (
        "sent natively to the gateway's `/v1/messages`, so Anthropic-only fields reach it as written and the usage "
        "is the gateway's count for that path; LiteLLM's SDK translates the call into a chat completion and back"
    ),
    "anthropic-type": (
        "`AnthropicMessagesResponse`: Anthropic's shape with attribute and dict access; LiteLLM returns a plain dict"
    ),
    "anthropic-events": (
        "parsed stream events (`AnthropicStreamEvent`, `event.type`, `event.delta`), with a cut stream raised as an "
        "error; LiteLLM yields the raw SSE bytes"
    ),
    "model-info": (
        "`get_model_info` asks the gateway's `/model/info`, which knows its aliases; LiteLLM looks in its local "
        "price list and raises `ModelNotMappedError` for any alias"
    ),
    "supports": (
        "`supports_*` answers with the gateway's declared capabilities (`/model/info`); LiteLLM's local price list "
        "does not know the alias and says False"
    ),
    "completion-cost": (
        "`completion_cost` is what the gateway charged (`x-litellm-response-cost`, at the group's configured price); "
        "LiteLLM prices locally and raises `ModelNotMappedError` for an alias"
    ),
    "token-counter": (
        "`token_counter` is counted by the gateway (`/utils/token_counter`), which knows the alias's tokenizer; "
        "LiteLLM counts locally with a default tokenizer (the same count here)"
    ),
    # configuration
    "no-openai-fallback": (
        "shim never falls back to OpenAI's settings or api.openai.com: a request meant for the gateway must not go "
        "elsewhere, with an OpenAI key, by accident; it raises `RouteError`/`ConfigError` before sending anything"
    ),
    "attribute-beats-env": (
        "`shim.api_base`/`shim.api_key` beat `LITELLM_PROXY_API_BASE`/`_KEY`: explicit code beats ambient "
        "configuration; in LiteLLM the environment wins"
    ),
    # keyword arguments
    "forwarded-metadata-tags": (
        "`metadata` and `tags` are sent: the gateway uses them for routing, tags and spend tracking; LiteLLM drops "
        "both. They are the only two of LiteLLM's own parameters that reach the gateway"
    ),
    "unknown-kwargs": (
        "one rule on every endpoint: unknown keywords go into the JSON body (the gateway passes provider options "
        "on); LiteLLM drops them for rerank and speech"
    ),
    "mock-model": (
        "a mock says `litellm_proxy/<model>`, as a real answer does: a mock has the result a real call would have; "
        "LiteLLM's mock says the bare model"
    ),
    # errors and retries
    "connection-refused": (
        "a refused connection is `APIConnectionError` (with LiteLLM's `status_code` 500), its openai meaning; "
        "LiteLLM raises `InternalServerError`"
    ),
    "base64-warning": (
        '`encoding_format="base64"`: both return each vector as the base64 string the gateway sent (as the openai '
        "SDK does when the caller names the format); LiteLLM dumps the SDK's response on the way and pydantic warns "
        "on every call (a string in a `list[float]` field), an error under `-W error`"
    ),
    "embedding-retries": (
        "`max_retries=0` means one attempt on every endpoint; LiteLLM's `embedding` ignores it and retries twice "
        "(and the proxy retries each attempt)"
    ),
    "num-retries": (
        "`num_retries` sets the openai SDK's retries, the only retry layer; LiteLLM's own retry layer needs "
        "`tenacity`, which `litellm[proxy]` does not install, so it raises a bare `Exception` after the first request"
    ),
    # LiteLLM's own keywords: fallbacks, timeouts, transport, debug, caching
    "fallbacks-error": (
        "when every fallback fails, shim raises the last one's own error (here `RateLimitError`, 429); LiteLLM wraps "
        "it in `APIConnectionError` (500). shim falls back on the gateway's and the network's errors, not on a "
        "mistake in the call (`TypeError`, `ConfigError`); LiteLLM on any exception"
    ),
    "stream-fallback": (
        "a stream falls back as a call does, its chunks marked; LiteLLM's streamed fallback raises "
        "`MidStreamFallbackError` ('AsyncStream' object is not an iterator) after earlier async streams in the "
        "process (run alone, it works)"
    ),
    "max-fallbacks": "`max_fallbacks` bounds the fallbacks tried; LiteLLM's SDK ignores it on a call and tries all",
    "context-window-marker": (
        "a `context_window_fallback_dict` answer is marked as a fallback (`x-litellm-attempted-fallbacks` in "
        "`_hidden_params['additional_headers']`) like a `fallbacks` one; LiteLLM marks only `fallbacks`"
    ),
    "content-policy-fallbacks": (
        "`content_policy_fallbacks` is applied client-side, like `fallbacks`; LiteLLM's SDK sends it in the body to "
        "the gateway, which does not act on it, and raises the content policy error"
    ),
    "set-verbose": (
        "`set_verbose = True` logs debug records on the `shim` logger, keys masked; LiteLLM's (deprecated) switch "
        "prints to stdout and logs no debug records"
    ),
    "litellm-log": "`LITELLM_LOG=DEBUG` is read at each call; LiteLLM reads it once, at import",
    "caching-refused": (
        "`caching=True` raises `ConfigError` before I/O: shim has no client-side cache, turn on the gateway's "
        "(`cache: true`); LiteLLM, without `litellm.cache` set, ignores it and sends the call"
    ),
    "empty-api-key": (
        '`api_key=""` is a `ConfigError` before I/O; LiteLLM sends the process\'s key instead '
        "(`LITELLM_PROXY_API_KEY`, else 'fake-api-key'): in a multi-tenant service an empty key gets someone else's"
    ),
    "mock-timeout": (
        "`mock_timeout=True` without `timeout` raises `Timeout` at once; LiteLLM's mock first sleeps for its default "
        "timeout (tests/test_keywords.py)"
    ),
    # behaviours the proxy cannot produce (NOT_OBSERVABLE)
    "error-in-200": (
        'a 200 whose body is `{"error": ...}` is raised as the matching API error, never returned as a result; '
        "LiteLLM returns it (tests/test_errors.py)"
    ),
    "redirects": (
        "a 3xx is not followed (a prompt is not re-sent elsewhere): `RedirectError` with the status, `location` "
        "and the base URL to configure; LiteLLM follows redirects"
    ),
    "client-cache": (
        "one client and pool per gateway (LRU of 64) and event loop, each request carrying its tenant's key: bounded "
        "memory, no key in a cache key; LiteLLM caches 200 clients for 1 h keyed by the plaintext key "
        "(tests/test_clients.py)"
    ),
    "telemetry-headers": (
        "OpenAI's telemetry headers (`X-Stainless-Lang`, `-OS`, `-Arch`, `-Runtime`, ...) are not sent: a gateway "
        "does not pass them on, and they cost ~10% of a call's client CPU; the SDK's per-attempt "
        "`x-stainless-retry-count` and `-read-timeout` are (tests/test_chat.py)"
    ),
}
DIFFERENCES |= CALLBACK_DIFFERENCES | CALL_TYPE_DIFFERENCES | FILE_DIFFERENCES | ROUTER_DIFFERENCES

NO_OPENAI_ROWS = ("unprefixed", "use_litellm_proxy-kwarg", "missing-base")


def each(rows: tuple[str, ...], field: str, difference: str) -> dict[tuple[str, str], str]:
    return {(row, field): difference for row in rows}


# (row id or "*", field or "*") -> the difference (a DIFFERENCES id) that explains it. A row-wide entry ("row", "*")
# covers every field of that row; a field-wide one ("*", "field") covers that field in every row.
REASONS: dict[tuple[str, str], str] = {
    (ALL, "_hidden_params keys"): "hidden-keys",
    (ALL, "_hidden_params.model_id"): "hidden-model-id",
    (ALL, "_hidden_params.custom_llm_provider"): "hidden-provider",
    (ALL, "_hidden_params.additional_headers has x-litellm-model-group"): "hidden-headers",
    (ALL, "_hidden_params type"): "hidden-type",
    (ALL, "chunk models"): "chunk-model",
    ("builder-no-usage", "usage"): "builder-usage",
    **{(row, ALL): "text-path" for row in ("text_completion", "atext_completion", "text_completion-stream")},
    **each(("embedding", "aembedding", "responses", "aresponses"), "model", "model-prefix"),
    **each(("speech", "aspeech"), "type", "speech-type"),
    **each(("rerank", "arerank"), "sent", "rerank-path"),
    ("arerank", "sent return_documents"): "rerank-documents",
    ("arerank", "document"): "rerank-documents",
    ("rerank-v1-base", ALL): "rerank-v1-base",
    **{(row, ALL): "responses-stream" for row in ("responses-stream", "aresponses-stream")},
    ("models", ALL): "models-function",
    **each(("anthropic-messages", "anthropic-amessages", "anthropic-stream"), "sent", "anthropic-native"),
    **each(("anthropic-messages", "anthropic-amessages"), "usage", "anthropic-native"),
    **each(("anthropic-messages", "anthropic-amessages"), "type", "anthropic-type"),
    ("anthropic-stream", "chunk type"): "anthropic-events",
    ("get_model_info", ALL): "model-info",
    ("supports", ALL): "supports",
    ("completion_cost", ALL): "completion-cost",
    ("token_counter", "sent"): "token-counter",
    **{(row, ALL): "no-openai-fallback" for row in NO_OPENAI_ROWS},
    ("base-precedence", ALL): "attribute-beats-env",
    ("key-precedence", ALL): "attribute-beats-env",
    ("kwargs-chat", "body metadata"): "forwarded-metadata-tags",
    ("kwargs-chat", "body tags"): "forwarded-metadata-tags",
    **each(("kwargs-rerank", "kwargs-speech"), "body unknown_option", "unknown-kwargs"),
    ("litellm-params-sweep", "table names in the body"): "forwarded-metadata-tags",
    ("mock_response", "model"): "mock-model",
    ("error-refused", ALL): "connection-refused",
    ("embedding-base64", "warnings"): "base64-warning",
    ("error-embedding-500", "requests sent"): "embedding-retries",
    ("error-embedding-500", "upstream attempts"): "embedding-retries",
    ("retries-num_retries", ALL): "num-retries",
    # LiteLLM's own keywords: fallbacks, timeouts, transport, debug, caching
    ("fallbacks-exhausted", ALL): "fallbacks-error",
    ("fallbacks-stream", ALL): "stream-fallback",
    ("max_fallbacks", ALL): "max-fallbacks",
    ("context_window_fallback_dict", "attempted-fallbacks marker"): "context-window-marker",
    ("content_policy_fallbacks", ALL): "content-policy-fallbacks",
    ("set_verbose", "debug records"): "set-verbose",
    ("LITELLM_LOG", "debug records"): "litellm-log",
    ("caching", ALL): "caching-refused",
    ("empty-api_key", ALL): "empty-api-key",
}
# The callback, file and Router rows' differences live with their scenarios (differential*.py).
REASONS |= CALLBACK_REASONS | CALL_TYPE_REASONS | FILE_REASONS | ROUTER_REASONS

# Behaviours the proxy cannot produce (so no row observes them), covered by shim's own loopback tests:
# (what, the difference it is, or None when both sides agree).
NOT_OBSERVABLE: list[tuple[str, str | None]] = [
    ('200 with `{"error": ...}`', "error-in-200"),
    ("redirects", "redirects"),
    ("client cache", "client-cache"),
    ("request headers besides the key", "telemetry-headers"),
    ("`mock_timeout=True` without `timeout`", "mock-timeout"),
    (
        "401 for a wrong key: `AuthenticationError` (tests/test_errors.py; the proxy without a database answers 400)",
        None,
    ),
]


# Frameworks that embed LiteLLM's SDK, run unchanged on `shim.as_litellm()` through the real proxy with the real
# litellm installed and never loaded (tests/frameworks, `make frameworks`): not a differential row, each framework's
# own program. (framework, what runs, what differs from LiteLLM and why).
FRAMEWORKS: list[tuple[str, str, str]] = [
    (
        "DSPy 3.4",
        "`Predict` with the chat and JSON adapters, `ChainOfThought`, `streamify`, `acall`, `Embedder`, DSPy's disk "
        "cache; a 401 becomes `LMAuthError`, an over-long prompt DSPy's `ContextWindowExceededError`",
        "capability checks (`supports_*`, which pick the JSON adapter's schema) ask the gateway configured for the "
        "process (`shim.as_litellm(api_base=...)` or LITELLM_PROXY_API_BASE); with only a per-LM `api_base` they "
        "answer False, as LiteLLM does for a gateway alias. `model_type='text'` is not routed (RouteError)",
    ),
    (
        "smolagents 1.26",
        "`LiteLLMModel` in a `ToolCallingAgent`: tool calls, `final_answer`, streamed outputs, token counts; the "
        "program unchanged under `python -m shim.autopatch --as-litellm`; `LiteLLMRouterModel` over a model "
        "group",
        "`LiteLLMRouterModel` builds `shim.Router`, whose deployments must be gateway models (LiteLLM's Router "
        "calls any provider)",
    ),
    (
        "OpenAI Agents SDK 0.24",
        "`LitellmModel` with a function tool: `Runner.run_sync`, `Runner.run_streamed`, usage",
        "same: `_skip_mcp_handler` is dropped, as LiteLLM drops it",
    ),
    (
        "Google ADK 2.13",
        "an `Agent` on `LiteLlm` with a tool, run by `InMemoryRunner`",
        "capability questions on ADK's prefix-stripped names (`azure/x`) ask the gateway for that group; an inline "
        "file on a proxied model (`acreate_file(custom_llm_provider='openai', api_base=...)`) goes to that gateway; "
        "`provider_list` is `['litellm_proxy']`, so a model string `openai/x` does not pick `LiteLlm`",
    ),
    (
        "CrewAI 1.15",
        "`LLM.call`, sync and streamed, with token usage (read from `model_extra['usage']`); a one-agent crew; a "
        "401 is raised at once, not retried (its class reports `litellm.exceptions`)",
        "under the facade shim's classes report `litellm` modules (pickles made then name them); string callbacks "
        "(LITELLM_SUCCESS_CALLBACKS) are skipped with one warning; `token_counter` asks the gateway when one is "
        "configured, and without one counts as LiteLLM does for an unknown model (tiktoken's `cl100k_base` where "
        "it and LiteLLM's bundled file are installed, else an estimate)",
    ),
    (
        "instructor 1.17 (1.15 beside CrewAI)",
        "`from_litellm(completion)` and `from_litellm(acompletion)` with a response model",
        "same",
    ),
    (
        "Agno 3.1",
        "an `Agent` on `LiteLLM` with a tool: `run`, streamed, `arun`, usage; an `output_schema` sent as "
        "`response_format` (`supports_native_structured_outputs=True`); `count_tokens`",
        "`token_counter`, asked with the model name alone, is counted by the gateway configured for the process "
        "(`shim.as_litellm(api_base=...)` or LITELLM_PROXY_API_BASE); with none, counted as LiteLLM counts for an "
        "unknown model (`cl100k_base`, or an estimate where tiktoken or LiteLLM's bundled file is missing)",
    ),
    (
        "Strands Agents 1.62",
        "an `Agent` on `LiteLLMModel` (`use_litellm_proxy`) with a tool, streamed as Strands calls models, and "
        "`stream_async`; structured output by the agent's tool and by the model's own `response_format=<class>`",
        "`supports_response_schema(model_id)`, asked with the model name alone, is the answer of the gateway "
        "configured for the process; LiteLLM answers False for a gateway alias, so there Strands always structures "
        "output with its tool",
    ),
    (
        "Mem0 2.2",
        "a `Memory` on the `litellm` llm provider (the `openai` embedder pointed at the gateway, Qdrant in "
        "process): `add`, the LLM extracting the memory, and `search`; the llm asked with a tool",
        "`supports_function_calling(model)`, asked before a call with tools, is the answer of the gateway "
        "configured for the process; LiteLLM answers False for a gateway alias, so there Mem0's llm refuses "
        "tools. The llm passes no base URL or key: the gateway is the process default, with LiteLLM too",
    ),
]


@dataclass(frozen=True)
class Verdict:
    kind: Literal["same", "different"]
    reason: str | None = None  # the DIFFERENCES id, when the difference is intentional


def reason_for(row_id: str, field: str) -> str | None:
    return REASONS.get((row_id, field)) or REASONS.get((ALL, field)) or REASONS.get((row_id, ALL))


def verdicts(row_id: str, litellm: Mapping[str, Any], shim: Mapping[str, Any]) -> dict[str, Verdict]:
    """Each field of a row: the same on both sides, or different (with its difference id, if there is one)."""
    found: dict[str, Verdict] = {}
    for field in [*litellm, *(name for name in shim if name not in litellm)]:
        missing = "(not observed)"
        if litellm.get(field, missing) == shim.get(field, missing):
            found[field] = Verdict("same")
        else:
            found[field] = Verdict("different", reason_for(row_id, field))
    return found


def stale_reasons(row_id: str, found: Mapping[str, Verdict]) -> list[str]:
    """Row-specific reasons whose field is now the same on both sides (the difference went away)."""
    different = {field for field, verdict in found.items() if verdict.kind == "different"}
    return [
        field for (rid, field) in REASONS if rid == row_id and not (different if field == ALL else {field} & different)
    ]


def unknown_differences() -> list[str]:
    """Reasons that point to no line of DIFFERENCES."""
    named = [*REASONS.values(), *(d for _, d in NOT_OBSERVABLE if d is not None)]
    return sorted({d for d in named if d not in DIFFERENCES})


def unused_differences(observed: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    """DIFFERENCES no observed row and no unobservable behaviour points to (the difference went away)."""
    used = {d for _, d in NOT_OBSERVABLE if d is not None}
    for row_id, sides in observed.items():
        used |= {v.reason for v in verdicts(row_id, sides["litellm"], sides["shim"]).values() if v.reason}
    return [d for d in DIFFERENCES if d not in used]


# --- rendering ---------------------------------------------------------------------------------------------------


def show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`{text}`" if text else "`''`"


def link(difference: str, page: str = "") -> str:
    """A link to a difference's line: a shortcut reference in compat_matrix.md (defined at its end), else inline."""
    return f"[{difference}]({page}#{difference})" if page else f"[{difference}]"


def verdict_cell(found: Mapping[str, Verdict]) -> str:
    """`same`, or `differs →` the linked differences (and any gap, by field)."""
    differences = list(dict.fromkeys(v.reason for v in found.values() if v.kind == "different" and v.reason))
    gaps = [field for field, v in found.items() if v.kind == "different" and not v.reason]
    if not differences and not gaps:
        return "same"
    parts = [link(d) for d in differences] + ([f"**gap**: {', '.join(gaps)}"] if gaps else [])
    return "differs → " + ", ".join(parts)


def render_row(row: Row, observed: Mapping[str, Mapping[str, Any]]) -> str:
    found = verdicts(row.id, observed["litellm"], observed["shim"])
    return f"| {row.title} | [{len(found)}][obs-{row.id}] | {verdict_cell(found)} |"


HEADER = """# Compatibility with LiteLLM's SDK on the `litellm_proxy/` route

Generated by `python scripts/compat_matrix.py` from the differential run in `tests/proxy/test_differential.py`:
each row makes the same calls through LiteLLM's SDK ({litellm}) and through shim against one real LiteLLM proxy
in front of a fake upstream, and compares what user code sees (results, types, `_hidden_params`, exceptions) and
what went over the wire (recorded by a relay in front of the proxy, and by the upstream), field by field.

Each row says **same**, or **differs →** the [differences](#differences) it shows: each deliberate difference has
one line at the end, and a difference without one is a **gap** (the run fails). The number of fields compared
links to the row's raw observations, both sides, in [compat_observations.md](compat_observations.md). A test fails
when either file is not what the run produced.
"""
TABLE = ["| behaviour | fields | verdict |", "| --- | --- | --- |"]
FRAMEWORKS_INTRO = """
## Frameworks that embed LiteLLM, on `shim.as_litellm()`

Not differential rows: each framework's own program, unchanged but for `shim.as_litellm()` (or the runner), through
the same real proxy, with the real litellm installed and never loaded (tests/frameworks, `make frameworks`).
`litellm.Router` is `shim.Router`; a `litellm.*` module the facade lacks is not found.
"""
SWEEP_INTRO = """The sweep (`litellm-params-sweep`) calls `acompletion` once per name of LiteLLM's parameter table and
compares which of the table's names reach the gateway. It gives no dummy value to these, each observed elsewhere:
"""


def render(rows: Sequence[Row], observed: Mapping[str, Mapping[str, Mapping[str, Any]]], litellm: str) -> str:
    """compat_matrix.md: one short line per row, one line per difference."""
    lines = [HEADER.format(litellm=litellm)]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines += [f"\n## {section}\n", *TABLE]
        lines.append(render_row(row, observed[row.id]))
    lines += ["\n## Not observable through the proxy (covered by shim's loopback tests)\n"]
    lines += ["| behaviour | verdict |", "| --- | --- |"]
    lines += [f"| {what} | {f'differs → {link(d)}' if d else 'same'} |" for what, d in NOT_OBSERVABLE]
    lines += [FRAMEWORKS_INTRO, "| framework | runs unchanged | differs from LiteLLM |", "| --- | --- | --- |"]
    lines += [f"| {name} | {runs} | {differs} |" for name, runs, differs in FRAMEWORKS]
    lines += ['\n## <a id="sweep-skips"></a>Names the sweep skips\n', SWEEP_INTRO]
    lines += [f"- {', '.join(f'`{n}`' for n in names)}: {why}" for why, names in SWEEP_SKIP.items()]
    lines += ["\n## Differences\n"]
    lines += [f'- <a id="{d}"></a>**{d}**: {text}' for d, text in DIFFERENCES.items()]
    lines += ["", *(f"[{d}]: #{d}" for d in DIFFERENCES)]
    lines += [f"[obs-{row.id}]: {OBSERVATIONS_FILE}#{row.id}" for row in rows]
    return "\n".join(lines) + "\n"


OBSERVATIONS_HEADER = """# Observations behind compat_matrix.md

Generated with [compat_matrix.md](compat_matrix.md) by `python scripts/compat_matrix.py`, from the same run
({litellm}): every field of every row as each side showed it. `same` in the shim column means shim showed what
LiteLLM showed; `(not observed)` means that side never got there (it raised first, or has no such thing).
"""


def render_observations(
    rows: Sequence[Row], observed: Mapping[str, Mapping[str, Mapping[str, Any]]], litellm: str
) -> str:
    """compat_observations.md: for each row, every field on both sides and the difference it points to."""
    lines = [OBSERVATIONS_HEADER.format(litellm=litellm)]
    for row in rows:
        sides = observed[row.id]
        litellm_side, shim_side = sides["litellm"], sides["shim"]
        title = row.title.replace("](#", "](compat_matrix.md#")
        lines += [f'\n## <a id="{row.id}"></a>{title}\n', f"{row.section}, row `{row.id}`.\n"]
        lines += ["| field | LiteLLM SDK | shim | verdict |", "| --- | --- | --- | --- |"]
        for field, verdict in verdicts(row.id, litellm_side, shim_side).items():
            left = show(litellm_side.get(field, "(not observed)"))
            if verdict.kind == "same":
                lines.append(f"| {field} | {left} | same | same |")
                continue
            right = show(shim_side.get(field, "(not observed)"))
            note = link(verdict.reason, "compat_matrix.md") if verdict.reason else "**gap**"
            lines.append(f"| {field} | {left} | {right} | {note} |")
    return "\n".join(lines) + "\n"
