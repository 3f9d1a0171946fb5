"""What every program reports last: its results, and whether any module of the real litellm was loaded."""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
from pathlib import Path
from typing import Any

URL = os.environ["GATEWAY_URL"]
KEY = os.environ["GATEWAY_KEY"]


def real_litellm_loaded() -> list[str]:
    """Modules loaded from the real litellm's files, under any name, and `litellm*` names not the facade's."""
    from shim._facade import is_facade

    package = Path(str(importlib.metadata.distribution("litellm").locate_file("litellm"))).resolve()
    found = [
        name for name, module in list(sys.modules.items()) if name.split(".")[0] == "litellm" and not is_facade(module)
    ]
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve().is_relative_to(package):
            found.append(name)
    return sorted(set(found))


def report(**values: Any) -> None:
    """Print the results as one `RESULT {json}` line for the test to read."""
    try:
        installed = importlib.metadata.version("litellm")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    values |= {"real_litellm_loaded": real_litellm_loaded(), "real_litellm_installed": installed}
    print("\nRESULT " + json.dumps(values, default=str), flush=True)  # on a line of its own
