"""A pytest plugin, registered by installing shim: the `fake_litellm_proxy` fixture.

Test your own LiteLLM-style code with no gateway::

    def test_my_code(fake_litellm_proxy):
        assert my_code.ask("hi") == "echo: hi"      # calls shim.completion("litellm_proxy/...", ...)
        assert fake_litellm_proxy.requests[-1].json["model"] == "my-model"

Loaded by pytest only (entry point `pytest11`); `import shim` never imports pytest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from shim.testing import FakeProxy


@pytest.fixture
def fake_litellm_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProxy]:
    """A started `shim.testing.FakeProxy`, with LITELLM_PROXY_API_BASE/LITELLM_PROXY_API_KEY pointing at it.

    The environment is restored and the shim's cached connections closed when the test ends.
    """
    # Imported here: pytest loads this plugin in every run where shim is installed, most of which never use it.
    import shim
    from shim._router import ENV_BASE, ENV_KEY
    from shim.testing import FakeProxy

    with FakeProxy() as proxy:
        monkeypatch.setenv(ENV_BASE, proxy.url)
        monkeypatch.setenv(ENV_KEY, proxy.api_key)
        try:
            yield proxy
        finally:
            shim.close()
