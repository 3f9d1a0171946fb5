"""Run the reliability suite and rewrite RELIABILITY.md from the figures it recorded.

    python -m tests.reliability.report            # the default run (as in `make test`), then rewrite
    python -m tests.reliability.report --soak     # the soak run (SHIM_SOAK=1), then rewrite
    python -m tests.reliability.report --no-run   # rewrite from the figures of the last runs
    python -m tests.reliability.report --help     # this text

Figures come from build/reliability.json and build/reliability-soak.json, written by the suite itself. A run whose
figures are not on this machine keeps its section as RELIABILITY.md has it.
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
| With `timeout=1`, a body trickled at one byte per 0.15 s succeeded after 4.6 s (the SDK's timeouts are per read) (test in [tests/reliability/test_bounds.py](tests/reliability/test_bounds.py)) | a non-streamed answer must arrive whole within the attempt's timeout, or the attempt is a read timeout |
| No way to bound a whole call: `timeout=0.5` with `Retry-After: 1.5` over two retries took 3.1 s | `total_timeout=` / `shim.total_timeout`: attempts' timeouts shrink to what is left, a retry whose wait would outlast it is not made |
| 199 KiB of gzip became 200 MiB in memory (peak RSS +245 MiB) | `max_response_bytes=` / `shim.max_response_bytes` (128 MiB): `ResponseTooLargeError` without reading on; streams not capped |
| Gateways dropped from the client LRU were never closed (the finalizer held its own client) (test in [test_cache.py](tests/reliability/test_cache.py)) | the finalizer closes the pool, not the client; close()/aclose() drop clients the same way, so calls in flight finish |
| Loops closed without `asyncio.run` kept their connections and cache entries; every `asyncio.run()` left an entry | a loop's entry goes at its shutdown; closed loops' entries go at the next new loop or `close()` |
| The key survived in `e.__cause__` (tracebacks, `logger.exception`, `shim chat -v`) and in frame locals (test in [test_escapes.py](tests/reliability/test_escapes.py)) | the whole chain is scrubbed in place; the header value is a `str` whose `repr` is masked |
| Framing headers in `extra_headers` escaped as h11's `LocalProtocolError`; an httpx2 `DecodingError` escaped as is | `ValueError` before I/O; anything unexpected from below becomes `APIConnectionError`, cause kept |
| A 307 was `InternalServerError` with `status_code` 500 | `RedirectError`: the real status, `location`, and the base URL to configure |
| A key straddling the 200-character excerpt of a bad body kept its first half in the error (test in [tests/test_errors.py](tests/test_errors.py)) | the body is scrubbed before the excerpt is cut |
"""


ROUND_TWO_INTRO = """\
## Round two (issue 14): before and after

"Before" was measured by the same tests on 5ed6798 (the commit before the fixes); "after" is the default run above.
Both ends of a loopback connection live in the test process, so each open connection is two descriptors.
"""

# (defect, section, figure, before): the "after" column is read from the default run's figures.
ROUND_TWO: list[tuple[str, str, str, Any]] = [
    ("1. 600 sync calls over 200 gateways (LRU 64)", "cache", "gateways: connections left open", 600),
    ("", "cache", "gateways: descriptors grown", 1200),
    ("", "cache", "gateways: RSS grown (MiB)", 511.3),
    ("", "cache", "gateways: connections open after close()", 536),
    ("   same, async, one loop", "cache", "async gateways: connections left open", 600),
    (
        "2. 30 loops closed without asyncio.run",
        "cache",
        "closed loops: connections left open (the last loop's, until the next loop)",
        30,
    ),
    ("", "cache", "closed loops: loops left in the cache", 30),
    ("   300 asyncio.run() calls", "cache", "asyncio.run(): loop table grown by", 300),
    ("3. 401 echoing the key", "escapes", "401 echoing the key: outputs showing the key", 3),
    ("4. frame locals", "escapes", "401 traceback: frames whose locals show the key (shim)", 5),
    (
        "6. close() while 8 threads are mid-call (40 calls)",
        "cache",
        "close() while threads are mid-call: foreign exceptions",
        "calls hung in recv until the read timeout (test killed at 60 s)",
    ),
    ("7. framing headers (6 spellings)", "escapes", "framing headers in extra_headers: ValueError before I/O", 0),
    ("   transport faults (6 calls)", "escapes", "transport faults: exceptions outside shim's tree", 1),
    ("8. 307 redirect", "escapes", "307 redirect: raises", "InternalServerError (status_code 500)"),
]


ROUND_THREE_INTRO = """\
## Round three (issue 22): before and after

"Before" was measured by the same tests on 619869f (the commit before the fixes); "after" is the default run above.
The tests are in tests/reliability: test_keys.py (items 1-5), test_paths.py (6, 7), test_shared.py (8, and the
loop closed with `loop.close()`), test_callback_delivery.py (9, 10), test_uploads.py (14), test_input_depth.py (15).
Rows marked "beyond" are the same classes of defect found outside the issue's cases. Items 11-13 are not here.
"""

_PEAK = "16 MiB file, {}: peak memory (MiB)"

ROUND_THREE: list[tuple[str, str, str, Any]] = [
    (
        "1. the patch and a shim.OpenAI for another gateway (7 calls)",
        "keys",
        "patched: those sent to the process's gateway (with its key)",
        7,
    ),
    (
        "2. overlapping patch blocks",
        "keys",
        "overlapping patch blocks (2 threads, 2 tasks): prompts sent to the OpenAI endpoint",
        2,
    ),
    (
        "3. client= and another gateway's key (per call, fallbacks; sync, async)",
        "keys",
        "client= with another gateway's key: requests carrying it to client='s gateway",
        5,
    ),
    ("", "keys", "client= with another gateway's key (5 calls): refused before I/O", 0),
    (
        "4. a 401 echoing the key, on the SDK paths",
        "keys",
        "401 echoing the key on the SDK paths: payloads and errors showing it",
        8,
    ),
    ("", "keys", "401 echoing the key: spans showing it", 1),
    (
        "   beyond: stream errors and 401s at `with`, nothing observing",
        "keys",
        "echoed key, nothing observing: those showing it",
        6,
    ),
    (
        "5. the model-info cache across keys",
        "keys",
        "model info: lookups by other keys answered from the first key's entry",
        2,
    ),
    ("6. ids '.' and '..' (every id function)", "paths", "ids '.' and '..': requests sent", 37),
    ("7. 'litellm_proxy/..' as a model id", "paths", "models 'litellm_proxy/.' and '/..': requests sent", 6),
    (
        "   beyond: 'litellm_proxy/' as a model id",
        "paths",
        "models 'litellm_proxy/' (nothing after the prefix) on shim.OpenAI: requests sent",
        2,
    ),
    (
        "8. closing a copy (with_options), a shim.OpenAI or the cached client",
        "shared",
        "closing a copy, a shim.OpenAI or the cached client: others' calls that failed",
        49,
    ),
    ("", "shared", "closing an async copy or the cached client (twice), then others' async calls that failed", 7),
    (
        "   loops closed with loop.close(), then let go of",
        "shared",
        "loops closed with loop.close(): loops still held after collection",
        1,
    ),
    ("", "shared", "loops closed with loop.close(): connections left open after collection", 1),
    ("9. callbacks queued at exit", "callbacks", "script exits after 3 calls (all well): callbacks delivered", 0),
    ("", "callbacks", "script exits after 3 calls (one hangs): callbacks delivered", 0),
    ("10. one callback hangs", "callbacks", "one invocation hangs, 20 calls: the other 19 delivered", 0),
    (
        "    every callback hangs (a stream of 12,000 events)",
        "callbacks",
        "stream events while every callback hangs: held and later delivered",
        12003,
    ),
    ("", "callbacks", "stream events while every callback hangs: dropped", 0),
    ("", "callbacks", "stream events while every callback hangs: log records about drops", 0),
    (
        "    beyond: coroutine callbacks cut off by asyncio.run's end",
        "callbacks",
        "asyncio.run() ends with 3 coroutine callbacks running: cut off without a log record",
        3,
    ),
    ("14. uploads (raw openai: 0.2 MiB)", "uploads", _PEAK.format("create_file(open file)"), 16.1),
    ("", "uploads", _PEAK.format("create_file(path)"), 16.1),
    ("", "uploads", _PEAK.format("acreate_file(open file)"), 37.7),
    ("", "uploads", _PEAK.format("transcription(open file)"), 16.1),
    ("", "uploads", _PEAK.format("atranscription(path)"), 37.4),
    ("", "uploads", _PEAK.format("image_edit(path, mask=open file)"), 32.1),
    (
        "11. total_timeout=1 with three fallbacks (each used to start a fresh budget)",
        "fallbacks",
        "total_timeout=1 s spent: fallbacks started after it",
        1,
    ),
    (
        "12. every fallback fails (the error was c's alone)",
        "fallbacks",
        "a, b (bad key) and c fail: attempts the error names",
        0,
    ),
    (
        "13. a fallback's key in frame locals",
        "fallbacks",
        "a failed call with fallbacks: frame locals showing a key",
        5,
    ),
    (
        "15. messages nested 100,000 deep",
        "bad input",
        "messages nested 100,000 deep: raises",
        "APIConnectionError, RecursionError",
    ),
]


def _before_and_after(intro: str, rows: list[tuple[str, str, str, Any]], path: Path) -> list[str]:
    sections: dict[str, dict[str, Any]] = json.loads(path.read_text())["sections"] if path.exists() else {}
    lines = [intro, "| defect | figure | before | after |", "| --- | --- | --- | --- |"]
    for defect, section, name, before in rows:
        after = sections.get(section, {}).get(name, "not run")
        lines.append(f"| {defect} | {name} | {_cell(before)} | {_cell(after)} |")
    return [*lines, ""]


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


def _kept(title: str) -> list[str] | None:
    """A run's section as RELIABILITY.md has it now, for a run whose figures are not on this machine."""
    current = ROOT / "RELIABILITY.md"
    if not current.exists():
        return None
    lines = current.read_text().splitlines()
    if title not in lines:
        return None
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [*lines[start:end]]


def _run_figures(name: str, path: Path) -> list[str]:
    if not path.exists():
        kept = _kept(f"## {name.capitalize()} run")
        if kept is not None and not any(line.startswith("Not run yet") for line in kept):
            return kept  # e.g. the soak's figures, recorded by a run on another checkout
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
    order = [
        "faults",
        "fault table",
        "bad responses",
        "bad input",
        "load",
        "leaks",
        "secrets",
        "lifecycle",
        "cache",
        "escapes",
        "keys",
        "paths",
        "shared",
        "callbacks",
        "uploads",
    ]
    sections = data["sections"]
    titles = [t for t in order if t in sections] + sorted(set(sections) - set(order))
    return head + [line for title in titles for line in _section(title, sections[title])]


def render() -> str:
    lines = [INTRO]
    for name, path in RUNS.items():
        lines += _run_figures(name, path)
    lines += _before_and_after(ROUND_TWO_INTRO, ROUND_TWO, RUNS["default"])
    lines += _before_and_after(ROUND_THREE_INTRO, ROUND_THREE, RUNS["default"])
    lines.append(DEFECTS)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if {"-h", "--help"} & set(argv):
        print(__doc__)
        return 0
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
