"""Uploads stream from the file instead of sitting in memory (issue 22, item 14).

`create_file`, `transcription` and `image_edit` take a path or an open binary file; each is sent in pieces as the
request is written, as raw openai sends an open file. Measured in a separate process (the gateway, which keeps
what it receives, stays in this one): the peak of memory allocated by Python during each call, with tracemalloc.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from shim.testing import FakeProxy

from .figures import Figures

MIB = 1024 * 1024
SIZE = 16 * MIB
# One answer that every upload endpoint accepts: a file object, a transcript and an image list at once.
ANSWER = {"id": "file-1", "object": "file", "bytes": SIZE, "created_at": 1, "filename": "x", "purpose": "batch"} | {
    "status": "processed",
    "text": "hi",
    "data": [],
}

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys, tracemalloc
    import openai
    import shim

    url, path = sys.argv[1], sys.argv[2]
    auth = {"api_base": url, "api_key": "sk-1", "num_retries": 0}
    calls = {
        "create_file(open file)": lambda: shim.create_file(open(path, "rb"), purpose="batch", **auth),
        "create_file(path)": lambda: shim.create_file(path, purpose="batch", **auth),
        "acreate_file(open file)": lambda: asyncio.run(shim.acreate_file(open(path, "rb"), purpose="batch", **auth)),
        "transcription(open file)": lambda: shim.transcription("litellm_proxy/w", file=open(path, "rb"), **auth),
        "atranscription(path)": lambda: asyncio.run(shim.atranscription("litellm_proxy/w", file=path, **auth)),
        "image_edit(path, mask=open file)": lambda: shim.image_edit(
            image=path, mask=open(path, "rb"), prompt="x", model="litellm_proxy/i", **auth
        ),
        "raw openai files.create(open file)": lambda: openai.OpenAI(api_key="sk-1", base_url=url).files.create(
            file=open(path, "rb"), purpose="batch"
        ),
    }
    peaks = {}
    tracemalloc.start()
    for name, call in calls.items():
        call()  # once to warm up imports and pools
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        call()
        peaks[name] = round((tracemalloc.get_traced_memory()[1] - before) / 2**20, 1)
    print(json.dumps(peaks))
    """
)


def test_uploads_stream_from_paths_and_open_files(tmp_path: Path, figures: Figures) -> None:
    # Was: create_file with an open 16 MiB file raised peak memory by 16+ MiB (read whole, then copied into the
    # multipart body); raw openai streams it (about 0.1 MiB).
    path = tmp_path / "upload.bin"
    path.write_bytes(os.urandom(SIZE))
    with FakeProxy(accept_any_key=True) as gateway:
        gateway.respond(200, body=ANSWER, times=100)
        done = subprocess.run(
            [sys.executable, "-W", "error", "-c", SCRIPT, gateway.url, str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        peaks: dict[str, float] = json.loads(done.stdout)
        sizes = {len(r.body) for r in gateway.requests}
        gateway.requests.clear()
    for name, peak in peaks.items():
        figures.set("uploads", f"16 MiB file, {name}: peak memory (MiB)", peak)
    assert min(sizes) > SIZE  # the whole file arrived each time
    raw = peaks.pop("raw openai files.create(open file)")
    assert raw < 2
    assert {name: peak for name, peak in peaks.items() if peak >= 2} == {}


@pytest.mark.parametrize("retries", [1])
def test_a_streamed_upload_is_sent_whole_again_on_a_retry(multi: FakeProxy, tmp_path: Path, retries: int) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 50_000)
    multi.respond(503, headers={"retry-after-ms": "1"}, times=retries)
    import shim

    with path.open("rb") as file:
        created = shim.create_file(file, purpose="batch", api_base=multi.url, api_key="sk-1", num_retries=retries)
    assert created.id.startswith("file-")
    bodies = [r.body for r in multi.requests]
    assert len(bodies) == retries + 1
    assert len({len(body) for body in bodies}) == 1
    assert path.read_bytes() in bodies[-1]
    assert json.loads(json.dumps(created.bytes)) == path.stat().st_size
