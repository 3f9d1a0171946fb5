"""TLS and custom HTTP clients, as LiteLLM takes them: `ssl_verify`, `SSL_VERIFY`/`SSL_CERT_FILE`, `client=`,
`shim.client_session`/`shim.aclient_session`.

`ssl_verify` resolves as LiteLLM's `get_ssl_verify` does: per call > env SSL_VERIFY > `shim.ssl_verify`, a string
that is an existing path is a CA bundle, "false"/"true" are booleans, and with verification on an existing
SSL_CERT_FILE is the bundle. The cache keeps one pool per gateway and TLS setting. A user's own client (`client=`,
or a session) is used as given and never cached or closed by shim: its owner closes it.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import openai

from shim._clients import ClientCache, isolation_headers

Verify = bool | str
_FALSE = frozenset({"false", "0", "no", "off"})
_TRUE = frozenset({"true", "1", "yes", "on"})
_NO_KEY = "shim-sends-the-key-per-request"


def resolve_verify(given: object) -> Verify:
    """The TLS verification setting of one call: True, False, or a CA bundle path."""
    value: object = given
    if value is None:
        value = os.environ.get("SSL_VERIFY", getattr(sys.modules["shim"], "ssl_verify", True))
    if isinstance(value, str):
        if os.path.exists(value):
            return value
        if value.strip().lower() in _FALSE:
            value = False
        elif value.strip().lower() in _TRUE:
            value = True
        else:
            raise ValueError(f"ssl_verify {value!r} is neither a boolean nor an existing CA bundle file")
    if value is True:
        bundle = os.environ.get("SSL_CERT_FILE")
        return bundle if bundle and os.path.exists(bundle) else True
    if value is False:
        return False
    raise TypeError(f"ssl_verify must be True, False or a CA bundle path, not {type(value).__name__}")


def pool_verify(base_url: str, verify: Verify) -> Verify:
    """The TLS setting a gateway's pool is kept under: none applies to a plain-http gateway, which keeps one pool."""
    return verify if base_url.startswith("https:") else True


def check_client(client: object) -> openai.OpenAI | openai.AsyncOpenAI | None:
    """`client=`: an openai client to send through."""
    if client is None or isinstance(client, (openai.OpenAI, openai.AsyncOpenAI)):
        return client
    raise TypeError(f"client must be an openai.OpenAI or openai.AsyncOpenAI, not {type(client).__name__}")


def sync_client(cache: ClientCache, base_url: str, verify: Verify, given: object) -> openai.OpenAI:
    """The client a sync call goes through: the caller's, one on `shim.client_session`, or the cached one."""
    if given is not None:
        if not isinstance(given, openai.OpenAI):
            raise TypeError("client= is an AsyncOpenAI: pass an openai.OpenAI to a sync call")
        return given
    session: Any = getattr(sys.modules["shim"], "client_session", None)
    if session is not None:
        return openai.OpenAI(
            api_key=_NO_KEY, base_url=base_url, http_client=session, default_headers=isolation_headers()
        )
    return cache.sync_client(base_url, pool_verify(base_url, verify))


def async_client(cache: ClientCache, base_url: str, verify: Verify, given: object) -> openai.AsyncOpenAI:
    """`sync_client` for an async call (`shim.aclient_session`)."""
    if given is not None:
        if not isinstance(given, openai.AsyncOpenAI):
            raise TypeError("client= is a sync OpenAI: pass an openai.AsyncOpenAI to an async call")
        return given
    session: Any = getattr(sys.modules["shim"], "aclient_session", None)
    if session is not None:
        return openai.AsyncOpenAI(
            api_key=_NO_KEY, base_url=base_url, http_client=session, default_headers=isolation_headers()
        )
    return cache.async_client(base_url, pool_verify(base_url, verify))
