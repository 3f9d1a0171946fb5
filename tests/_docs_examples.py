"""Run the Python examples of a Markdown page, in order, against a FakeProxy: `python tests/_docs_examples.py PAGE`.

tests/test_docs.py runs every page (README.md and docs/**/*.md) this way, each in a fresh process, so an example
that goes stale fails the suite. What a page's examples get:

- One namespace for the whole page, as a reader who pastes its examples one after another into one session has:
  a later example may use a name an earlier one defined. Top-level `await`, `async for` and `async with` work.
- A gateway: a FakeProxy whose URL and key are in LITELLM_PROXY_API_BASE / LITELLM_PROXY_API_KEY, and which
  accepts any key. The examples' `http://localhost:4000` is that FakeProxy's URL (the only text changed).
- "OpenAI": a second FakeProxy in OPENAI_BASE_URL / OPENAI_API_KEY, for the examples that show a call going to
  OpenAI untouched. Nothing else is reachable: a connection to any address off loopback fails.
- A temporary working directory holding the files the examples open (speech.mp3, room.png, requests.jsonl, ...).

A block that is not meant to run is marked by an HTML comment on the nearest non-blank line above its fence
(invisible on a rendered page): `<!-- not run: the reason -->`, or `<!-- run if installed: module -->` for an
example of a framework the test environment may lack (it runs where the module imports). A block whose first line
is a comment naming a Python file (`# my_app.py`) is written to that file instead; one named `test_*.py` is then
run with pytest in a subprocess, as its reader would run it.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import importlib.util
import inspect
import os
import re
import socket
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GATEWAY_URL = "http://localhost:4000"
GATEWAY_KEY = "sk-1234"

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
_MARK = re.compile(r"^<!--\s*(?P<kind>not run|run if installed):\s*(?P<value>.+?)\s*-->$")
_FILE = re.compile(r"^# (?P<name>[\w.-]+\.py)$")
PYTHON = {"python", "py", "python3"}

# A 1x1 PNG, and bytes the FakeProxy takes for audio (it does not decode them).
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
FILES: dict[str, bytes] = {
    "speech.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 256,
    "room.png": _PNG,
    "mask.png": _PNG,
    "a.png": _PNG,
    "b.png": _PNG,
    "requests.jsonl": b'{"custom_id": "1", "method": "POST", "url": "/v1/chat/completions", '
    b'"body": {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}}\n',
}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # of the block's first line of code, 1-based
    lang: str
    code: str
    mark: str | None = None  # "not run" or "run if installed"
    mark_value: str = ""

    @property
    def is_python(self) -> bool:
        return self.lang.lower() in PYTHON

    @property
    def file_name(self) -> str | None:
        first = self.code.split("\n", 1)[0]
        match = _FILE.match(first)
        return match.group("name") if match else None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """README.md and every page under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page, each with the marker above it, if any."""
    lines = page.read_text(encoding="utf-8").split("\n")
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = len(opening.group("indent")), opening.group("fence")
        end = index + 1
        while end < len(lines) and not re.match(rf"^ *{fence[0]}{{{len(fence)},}}\s*$", lines[end]):
            end += 1
        code = "\n".join(line[indent:] for line in lines[index + 1 : end])
        mark, value = _mark_above(lines, index)
        found.append(Block(page, index + 2, opening.group("lang"), code, mark, value))
        index = end + 1
    return found


def _mark_above(lines: list[str], fence_index: int) -> tuple[str | None, str]:
    above = fence_index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    match = _MARK.match(lines[above].strip()) if above >= 0 else None
    return (match.group("kind"), match.group("value")) if match else (None, "")


# --- The run, in the page's own process ---------------------------------------------------------------------


def _loopback_only() -> None:
    """Refuse every connection and name lookup off loopback: an example must never reach a real service."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def allowed(host: object) -> bool:
        return isinstance(host, str) and (host in ("localhost", "::1") or host.startswith("127."))

    def connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and not allowed(address[0]):
            raise OSError(f"a docs example tried to reach {address!r}: examples talk to the FakeProxy only")
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not allowed(host.decode() if isinstance(host, bytes) else host):
            raise socket.gaierror(f"a docs example tried to look up {host!r}: examples talk to the FakeProxy only")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo


def run_page(page: Path) -> int:
    """Run the page's Python blocks in order; print where and why the first failure failed. Returns the exit code."""
    from shim.testing import FakeProxy

    _loopback_only()
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory())
        gateway = stack.enter_context(FakeProxy(api_key=GATEWAY_KEY, accept_any_key=True))
        openai_stand_in = stack.enter_context(FakeProxy(api_key="sk-openai"))
        os.chdir(workdir)
        sys.path.insert(0, workdir)
        for name, content in FILES.items():
            Path(name).write_bytes(content)
        os.environ.update(
            LITELLM_PROXY_API_BASE=gateway.url,
            LITELLM_PROXY_API_KEY=GATEWAY_KEY,
            OPENAI_BASE_URL=openai_stand_in.url + "/v1",
            OPENAI_API_KEY="sk-openai",
        )
        namespace: dict[str, Any] = {"__name__": "__main__"}
        for block in blocks(page):
            if not block.is_python or block.mark == "not run":
                continue
            if block.mark == "run if installed" and not _installed(block.mark_value):
                print(f"{block.where}: not run ({block.mark_value} is not installed)")
                continue
            try:
                _run_block(block, namespace, gateway.url)
            except BaseException:  # report it as the reader would see it, at the page's line
                print(f"{block.where}: the example failed", file=sys.stderr)
                traceback.print_exc()
                return 1
        _finish(namespace)
    return 0


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


def _run_block(block: Block, namespace: dict[str, Any], gateway_url: str) -> None:
    code = block.code.replace(GATEWAY_URL, gateway_url)
    name = block.file_name
    if name is not None:
        Path(name).write_text(code, encoding="utf-8")
        if name.startswith("test_"):
            _run_pytest(name)
        return
    # Blank lines before the code, so a traceback names the page's own line numbers.
    source = "\n" * (block.line - 1) + code
    compiled = compile(source, str(block.page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if compiled.co_flags & inspect.CO_COROUTINE:
        asyncio.run(eval(compiled, namespace))
    else:
        exec(compiled, namespace)


def _run_pytest(name: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"pytest {name} failed:\n{result.stdout}\n{result.stderr}")


def _finish(namespace: dict[str, Any]) -> None:
    import shim

    shim.flush_callbacks()
    shim.close()
    namespace.clear()


if __name__ == "__main__":
    sys.exit(run_page(Path(sys.argv[1]).resolve()))
