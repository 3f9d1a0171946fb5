"""TLS and custom HTTP clients, as LiteLLM takes them: `ssl_verify`, `SSL_VERIFY`/`SSL_CERT_FILE`, `client=`,
`shim.client_session`/`shim.aclient_session` (the choice of client itself is `ClientCache.for_call`).

`ssl_verify` resolves as LiteLLM's `get_ssl_verify` does: per call > env SSL_VERIFY > `shim.ssl_verify`, a string
that is an existing path is a CA bundle, "false"/"true" are booleans, and with verification on an existing
SSL_CERT_FILE is the bundle. The cache keeps one pool per gateway and TLS setting. A user's own client (`client=`,
or a session) is used as given and never cached or closed by shim: its owner closes it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import openai

from shim._call import Verify
from shim._router import normalize_base_url
from shim._settings import SETTINGS
from shim.exceptions import ConfigError

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


def check_client_gateway(client: openai.OpenAI | openai.AsyncOpenAI, bases: Iterable[object]) -> None:
    """`client=` sends every attempt of a call to its own base URL, so a call or fallback naming another gateway
    (`api_base`, with that gateway's key) would send that key to the client's gateway: refused before any I/O."""
    own = normalize_base_url(str(client.base_url))
    for base in bases:
        if isinstance(base, str) and normalize_base_url(base) != own:
            raise ConfigError(
                f"client= sends every request to its own base URL ({own}), so a key meant for another gateway "
                f"({normalize_base_url(base)}) would go there: drop client= to reach that gateway, or drop its "
                "api_base (a fallback without one is tried on the client's gateway)"
            )
