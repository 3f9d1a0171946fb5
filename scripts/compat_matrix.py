"""Regenerate compat_matrix.md and compat_observations.md from a differential run against a real LiteLLM proxy.

    python scripts/compat_matrix.py      # needs the `compat` extra: pip install -e '.[test,compat]'

Runs tests/proxy/test_differential.py with UPDATE_COMPAT_MATRIX=1: every row's calls go through LiteLLM's SDK and
through shim, and the last test writes both files instead of comparing them with the committed ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    env = os.environ | {"UPDATE_COMPAT_MATRIX": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "tests/proxy/test_differential.py"]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
