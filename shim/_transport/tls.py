"""TLS and custom HTTP clients, as LiteLLM takes them: `ssl_verify`, `SSL_VERIFY`/`SSL_CERT_FILE`, `client=`,
`shim.client_session`/`shim.aclient_session` (the choice of client itself is `ClientCache.for_call`).

`ssl_verify` resolves as LiteLLM's `get_ssl_verify` does: per call > env SSL_VERIFY > `shim.ssl_verify`, a string
that is an existing path is a CA bundle, "false"/"true" are booleans, and with verification on an existing
SSL_CERT_FILE is the bundle. The cache keeps one pool per gateway and TLS setting. A user's own client (`client=`,
or a session) is used as given and never cached or closed by shim: its owner closes it.
"""

from __future__ import annotations

import os

import openai

from shim._call import Verify
from shim._settings import SETTINGS

_FALSE = frozenset({"false", "0", "no", "off"})
_TRUE = frozenset({"true", "1", "yes", "on"})


def resolve_verify(given: object) -> Verify:
    """The TLS verification setting of one call: True, False, or a CA bundle path."""
    value: object = given
    if value is None:
        value = os.environ.get("SSL_VERIFY", SETTINGS.ssl_verify)
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


def check_client(client: object) -> openai.OpenAI | openai.AsyncOpenAI | None:
    """`client=`: an openai client to send through."""
    if client is None or isinstance(client, (openai.OpenAI, openai.AsyncOpenAI)):
        return client
    raise TypeError(f"client must be an openai.OpenAI or openai.AsyncOpenAI, not {type(client).__name__}")
