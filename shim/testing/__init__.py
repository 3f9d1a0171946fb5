"""A fake LiteLLM gateway on loopback, for tests and demos.

`FakeProxy` is a real HTTP/1.1 server in a background thread. It speaks the gateway's OpenAI-compatible API
(with and without the `/v1` prefix), records every request it receives, and can be scripted to answer the next
requests with a given status, headers or body::

    with FakeProxy() as proxy:
        proxy.respond(status=429, headers={"retry-after": "0"})
        shim.completion("litellm_proxy/m", [{"role": "user", "content": "hi"}],
                        api_base=proxy.url, api_key=proxy.api_key)
        assert proxy.requests[-1].json["model"] == "m"
"""

from shim.testing._proxy import FakeProxy
from shim.testing._recorded import RecordedRequest, ScriptedResponse
from shim.testing._store import FakeStore

__all__ = ["FakeProxy", "FakeStore", "RecordedRequest", "ScriptedResponse"]
