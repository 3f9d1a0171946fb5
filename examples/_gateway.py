"""Where the examples send their calls: a real gateway when LITELLM_PROXY_API_BASE is set, else a FakeProxy."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from shim.testing import FakeProxy


@contextlib.contextmanager
def gateway() -> Iterator[tuple[str, str]]:
    """Yield (api_base, api_key) for the examples, and set the environment the shim reads."""
    base = os.environ.get("LITELLM_PROXY_API_BASE")
    if base:
        yield base, os.environ.get("LITELLM_PROXY_API_KEY", "")
        return
    with FakeProxy() as proxy:
        os.environ["LITELLM_PROXY_API_BASE"] = proxy.url
        os.environ["LITELLM_PROXY_API_KEY"] = proxy.api_key
        try:
            print(f"(no LITELLM_PROXY_API_BASE set: using an embedded FakeProxy at {proxy.url})")
            yield proxy.url, proxy.api_key
        finally:
            del os.environ["LITELLM_PROXY_API_BASE"], os.environ["LITELLM_PROXY_API_KEY"]
