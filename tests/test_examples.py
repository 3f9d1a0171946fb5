"""Every example runs as a user runs it (a fresh process, embedded FakeProxy) and prints a result."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted(p for p in (Path(__file__).parent.parent / "examples").glob("*.py") if not p.name.startswith("_"))


def test_there_is_an_example_per_endpoint() -> None:
    names = {p.stem for p in EXAMPLES}
    expected = {"chat", "streaming", "embeddings", "images", "transcription", "speech", "rerank", "responses"}
    assert expected | {"async_batch", "quickstart", "image_edit", "files_and_batches"} <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(example: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LITELLM_", "OPENAI_"))}
    result = subprocess.run(
        [sys.executable, "-W", "error", str(example)], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "FakeProxy" in result.stdout
    assert len(result.stdout.strip().splitlines()) >= 2
