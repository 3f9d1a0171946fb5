"""Run the reliability suite and rewrite RELIABILITY.md from the figures it recorded.

    python -m tests.reliability.report            # the default run (as in `make test`), then rewrite
    python -m tests.reliability.report --soak     # the soak run (SHIM_SOAK=1), then rewrite
    python -m tests.reliability.report --no-run   # rewrite from the figures of the last runs

Figures come from build/reliability.json and build/reliability-soak.json, written by the suite itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUNS = {"default": ROOT / "build" / "reliability.json", "soak": ROOT / "build" / "reliability-soak.json"}

INTRO = """\
# Reliability

What the shim does under faults, load and bad input, measured by the `reliability` suite
([tests/reliability/](tests/reliability/)) over real loopback HTTP. Every figure below is a count or a size
recorded by the suite during the run named above its table; none is a timing. Regenerate with
`make reliability-report` (the run `make test` does) or `make soak` (longer: `SHIM_SOAK=1`).

The anchors are the openai SDK's retry contract and httpx2's pool: every status fault is sent through
`shim.completion`, `shim.acompletion` and a plain `openai.OpenAI` client, and all three must make exactly the
number of attempts the SDK's rule gives (the "per call" column; the "calls" column counts all three). A fault
answers every attempt of a call, so faults injected equal attempts counted at the server. The suite runs in one
process, so RSS includes everything earlier tests allocated (16 MiB bodies among them): what matters is the
difference between the first and the last load round.
"""

DEFECTS = """\
## Defects found and fixed

Each has a test in [tests/reliability/test_regressions.py](tests/reliability/test_regressions.py).

| defect | fix |
| --- | --- |
| A stream dropped before its first chunk kept its connection checked out of the pool for good (1,000 such streams exhaust the pool) | the stream's generator is started at once, so dropping it closes the response |
| A streaming call answered `200 {"error": ...}` as JSON raised "stream ended before it finished" (`APIConnectionError`) | a streaming answer that is JSON or HTML is read whole: its error object raises the matching API error |
| `choices: [1]` or `[None]` came back as a result (`.message` raised `AttributeError` later; in a stream at once) | shape checks require list items to be objects: `APIResponseValidationError` naming the item |
| `api_base='user:secret@host'` (no scheme) put `secret` in the `ConfigError` message | messages drop everything up to the last `@` when the URL has no authority |
| `litellm_proxy/ gpt-4o` sent the model `' gpt-4o'` | `RouteError` for whitespace after the prefix |
| A CR/LF in an `extra_headers` name became a retried `APIConnectionError`; non-ASCII a bare `UnicodeEncodeError` | header names must be RFC 9110 tokens and values printable ASCII: `ValueError` before I/O |
| `timeout=nan`, `inf` or `1.2e10` failed deep in httpx2 / the socket layer (`OverflowError`) | `ValueError` unless 0 < timeout <= one year |
| Images and Responses answers had no shape check: `{"data": "x"}` or no `output` came back, and `.data[0].url` / `.output_text` raised a bare `TypeError`/`AttributeError` later | `needs_list("data")` / `needs_list("output")` |
| A transcription answered with an HTML page (a proxy's login page) came back as the transcript; a missing or numeric `text` came back as is | HTML goes to the JSON decoder (which names it), and `text` must be a string |
| A key straddling the 200-character excerpt of a bad body kept its first half in the error (test in [tests/test_errors.py](tests/test_errors.py)) | the body is scrubbed before the excerpt is cut |
"""


def _cell(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _section(title: str, values: dict[str, Any]) -> list[str]:
    if title == "fault table":
        lines = [
            "| fault | calls | num_retries | attempts at the server | per call | raises |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {kind} | {v['calls']} | {v['num_retries']} | {v['attempts']} | {v['per call']} | {v['raises']} |"
            for kind, v in sorted(values.items())
        ]
        return [f"### {title}", "", *lines, ""]
    lines = ["| figure | value |", "| --- | --- |"] + [f"| {name} | {_cell(v)} |" for name, v in values.items()]
    return [f"### {title}", "", *lines, ""]


def _run_figures(name: str, path: Path) -> list[str]:
    if not path.exists():
        return [
            f"## {name.capitalize()} run",
            "",
            f"Not run yet (`{'make soak' if name == 'soak' else 'make reliability-report'}`).",
            "",
        ]
    data = json.loads(path.read_text())
    env = data["environment"]
    head = [
        f"## {name.capitalize()} run",
        "",
        # Figures recorded before openai 1.x/2.x were supported name httpx2 only.
        f"Python {env['python']}, openai {env['openai']}, {env.get('http') or 'httpx2 ' + env['httpx2']}, {env['machine']}.",
        "",
    ]
    order = ["faults", "fault table", "bad responses", "bad input", "load", "leaks", "secrets", "lifecycle"]
    sections = data["sections"]
    titles = [t for t in order if t in sections] + sorted(set(sections) - set(order))
    return head + [line for title in titles for line in _section(title, sections[title])]


def render() -> str:
    lines = [INTRO]
    for name, path in RUNS.items():
        lines += _run_figures(name, path)
    lines.append(DEFECTS)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if "--no-run" not in argv:
        env = {**os.environ, "SHIM_SOAK": "1" if "--soak" in argv else "0"}
        command = [sys.executable, "-m", "pytest", "-q", "-m", "reliability", "tests/reliability", "--timeout=3600"]
        status = subprocess.call(command, cwd=ROOT, env=env)
        if status:
            print("the reliability suite failed: RELIABILITY.md not rewritten", file=sys.stderr)
            return status
    (ROOT / "RELIABILITY.md").write_text(render())
    print(f"wrote {ROOT / 'RELIABILITY.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
