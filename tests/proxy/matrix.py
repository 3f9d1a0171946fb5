"""compat_matrix.md from the differential run: observations in, one Markdown row per endpoint and behaviour out.

A field observed differently on the two sides is an intentional difference only when `REASONS` says why;
otherwise it is a gap, and the differential test fails. `render` is a pure function of the rows and the
observations, so the committed file can be compared with what a run produces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .differential import Row
from .differential_files import REASONS as FILE_REASONS

ALL = "*"


def each(rows: tuple[str, ...], field: str, reason: str) -> dict[tuple[str, str], str]:
    return {(row, field): reason for row in rows}


NO_OPENAI_FALLBACK = (
    "shim never falls back to OpenAI's settings or api.openai.com: a request meant for the gateway must not go "
    "elsewhere, with an OpenAI key, by accident; it raises `RouteError`/`ConfigError` before sending anything"
)
TEXT_PATH = "a real text completion (`POST /completions`); LiteLLM turns the prompt into a chat call"

# (row id or "*", field or "*") -> why shim differs from LiteLLM's SDK there on purpose. A row-wide reason
# ("row", "*") covers every field of that row; a field-wide one ("*", "field") covers that field in every row.
REASONS: dict[tuple[str, str], str] = {
    # _hidden_params, on every endpoint
    (ALL, "_hidden_params keys"): (
        "shim sets the keys user code reads (`custom_llm_provider`, `api_base`, `model_id`, `response_cost`, "
        "`litellm_call_id`, `litellm_model_name`, `additional_headers`, `_response_ms`) plus `request_id`; "
        "LiteLLM's others are its own timings and logging state"
    ),
    (ALL, "_hidden_params.model_id"): (
        "shim reports the gateway's deployment id (`x-litellm-model-id`); LiteLLM's SDK leaves it None on this route"
    ),
    (ALL, "_hidden_params.custom_llm_provider"): (
        "always `litellm_proxy` in shim; LiteLLM omits it for images, speech and rerank and says `openai` for "
        "transcription"
    ),
    (ALL, "_hidden_params.additional_headers has x-litellm-model-group"): (
        "shim reports every response header on every endpoint; LiteLLM's rerank leaves `additional_headers` empty"
    ),
    (ALL, "_hidden_params type"): (
        "a dict on every result; LiteLLM's text completion has a `HiddenParams` object (which also answers "
        "`[key]` and `.get`)"
    ),
    # chat streams
    (ALL, "chunk models"): (
        "every chunk says `litellm_proxy/<model the gateway returned>`; LiteLLM sends the bare model on content "
        "chunks and the prefixed one on the last"
    ),
    ("builder-no-usage", "usage"): (
        "no tokenizer dependency and no estimates: ask for `stream_options={'include_usage': True}` to get the "
        "gateway's count; LiteLLM reported zeros here"
    ),
    # text completion
    **{(row, ALL): TEXT_PATH for row in ("text_completion", "atext_completion", "text_completion-stream")},
    # embeddings and responses
    **each(
        ("embedding", "aembedding", "responses", "aresponses"),
        "model",
        "`litellm_proxy/<model>` on embeddings and responses as on chat: one rule for every result with a model",
    ),
    # speech
    **each(
        ("speech", "aspeech"),
        "type",
        (
            "`shim.BinaryResponse` subclasses `openai.HttpxBinaryResponseContent` as LiteLLM's class does, and adds "
            "`with` and `stream=True`"
        ),
    ),
    # rerank
    **each(
        ("rerank", "arerank"),
        "sent",
        (
            "`rerank` posts to `rerank` relative to the base URL, like every other endpoint (the proxy serves "
            "`/rerank`, `/v1/rerank` and `/v2/rerank` alike); LiteLLM appends `/v1/rerank` to the base"
        ),
    ),
    ("arerank", "sent return_documents"): (
        "`return_documents=True` by default, sync and async; LiteLLM's `arerank` does not send it (its `rerank` does)"
    ),
    ("arerank", "document"): "follows from `return_documents`: shim's async results carry the documents too",
    ("rerank-v1-base", ALL): (
        "a base URL ending in `/v1` works for rerank as for every endpoint; LiteLLM posts `/v1/v1/rerank`, a 404"
    ),
    # responses
    **{
        (row, ALL): (
            "a real stream (`stream: true` sent, the gateway's events as they come); LiteLLM fakes the stream for "
            "any model its cost map does not know: one plain request, then 5-character deltas"
        )
        for row in ("responses-stream", "aresponses-stream")
    },
    ("models", ALL): "shim adds `models()`/`amodels()` (GET `/models`); LiteLLM's SDK has no such function",
    # configuration
    **{(row, ALL): NO_OPENAI_FALLBACK for row in ("unprefixed", "use_litellm_proxy-kwarg", "missing-base")},
    ("base-precedence", ALL): (
        "module attribute beats the environment: explicit code beats ambient configuration; LiteLLM's env wins"
    ),
    ("key-precedence", ALL): ("module attribute beats the environment, as for the base URL; LiteLLM's env wins"),
    # keyword arguments
    ("kwargs-chat", "body metadata"): "sent: the gateway uses `metadata` for tags and spend tracking; LiteLLM drops it",
    ("kwargs-chat", "body tags"): "sent: the gateway reads `tags` for routing and spend; LiteLLM drops them",
    **each(
        ("kwargs-rerank", "kwargs-speech"),
        "body unknown_option",
        (
            "one rule on every endpoint: unknown keywords go into the JSON body (the gateway passes provider options "
            "on); LiteLLM drops them for rerank and speech"
        ),
    ),
    # errors and retries
    ("error-refused", ALL): (
        "`APIConnectionError` (with LiteLLM's `status_code` 500), the openai meaning of a refused connection; "
        "LiteLLM raises `InternalServerError`"
    ),
    ("error-embedding-500", "requests sent"): (
        "`max_retries=0` means one attempt on every endpoint; LiteLLM's `embedding` ignores it and retries twice"
    ),
    ("error-embedding-500", "upstream attempts"): "follows from the requests sent (the proxy retries each three times)",
    ("retries-num_retries", ALL): (
        "`num_retries` sets the openai SDK's retries, the only retry layer; LiteLLM's own retry layer needs "
        "`tenacity`, which `litellm[proxy]` does not install, so it raises a bare `Exception` after the first "
        "request"
    ),
    **FILE_REASONS,
}

# Behaviours the proxy cannot produce (so no row observes them); covered by shim's own loopback tests.
NOT_OBSERVABLE: list[tuple[str, str, str, str]] = [
    (
        '200 with `{"error": ...}`',
        "returned as a result",
        "raised as the matching API error",
        "intentional: an error is never a result (tests/test_errors.py)",
    ),
    (
        "redirects",
        "followed",
        "a 3xx is an `APIError`",
        "intentional: a prompt is not re-sent elsewhere",
    ),
    (
        "client cache",
        "200 clients, 1 h TTL, keyed by the plaintext key",
        "one client and pool per gateway (LRU of 64), per event loop; each request carries its tenant's key",
        "intentional: bounded memory, tenants cost nothing, no key in a cache key (tests/test_clients.py)",
    ),
    (
        "401 for a wrong key",
        "`AuthenticationError`",
        "`AuthenticationError`",
        "same (tests/test_errors.py); a proxy without a database answers 400 instead, as the rows above show",
    ),
]


@dataclass(frozen=True)
class Verdict:
    kind: Literal["same", "different"]
    reason: str | None = None


def reason_for(row_id: str, field: str) -> str | None:
    return REASONS.get((row_id, field)) or REASONS.get((ALL, field)) or REASONS.get((row_id, ALL))


def verdicts(row_id: str, litellm: Mapping[str, Any], shim: Mapping[str, Any]) -> dict[str, Verdict]:
    """Each field of a row: the same on both sides, or different (with its reason, if there is one)."""
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


def show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`{text}`" if text else "`''`"


def cell(observed: Mapping[str, Any], fields: Sequence[str]) -> str:
    return "<br>".join(f"{field}: {show(observed.get(field, '(not observed)'))}" for field in fields) or "—"


def render_row(row: Row, observed: Mapping[str, Mapping[str, Any]]) -> str:
    litellm, shim = observed["litellm"], observed["shim"]
    found = verdicts(row.id, litellm, shim)
    different = [field for field, verdict in found.items() if verdict.kind == "different"]
    same = [field for field, verdict in found.items() if verdict.kind == "same"]
    if not different:
        return f"| {row.title} | {cell(litellm, same)} | same | same |"
    by_reason: dict[str | None, list[str]] = {}
    for field in different:
        by_reason.setdefault(found[field].reason, []).append(field)
    notes = [
        f"intentional ({', '.join(fields)}): {reason}" if reason else f"**gap** ({', '.join(fields)})"
        for reason, fields in by_reason.items()
    ]
    agreed = f"<br>same: {', '.join(same)}" if same else ""
    return f"| {row.title} | {cell(litellm, different)}{agreed} | {cell(shim, different)} | {'<br>'.join(notes)} |"


HEADER = """# Compatibility with LiteLLM's SDK on the `litellm_proxy/` route

Generated by `python scripts/compat_matrix.py` from the differential run in `tests/proxy/test_differential.py`:
each row makes the same calls through LiteLLM's SDK ({litellm}) and through shim against one real LiteLLM proxy
in front of a fake upstream, and records what user code sees (results, types, `_hidden_params`, exceptions) and
what went over the wire (recorded by a relay in front of the proxy, and by the upstream). A test fails when this
file is not what the run produced, and when a difference has no reason in `tests/proxy/matrix.py` (a gap).

Verdicts: **same**; **intentional** (shim differs on purpose, the reason follows); **gap** (none may remain).
When a row is the same on both sides, the shim column says so and the LiteLLM column shows what was observed.
"""


def render(rows: Sequence[Row], observed: Mapping[str, Mapping[str, Mapping[str, Any]]], litellm: str) -> str:
    lines = [HEADER.format(litellm=litellm)]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines += [f"\n## {section}\n", "| behaviour | LiteLLM SDK | shim | verdict |", "| --- | --- | --- | --- |"]
        lines.append(render_row(row, observed[row.id]))
    if NOT_OBSERVABLE:
        lines += ["\n## Not observable through the proxy (covered by shim's loopback tests)\n"]
        lines += ["| behaviour | LiteLLM SDK | shim | verdict |", "| --- | --- | --- | --- |"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in NOT_OBSERVABLE]
    return "\n".join(lines) + "\n"
