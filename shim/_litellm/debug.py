"""LiteLLM's debug switches: `shim._turn_on_debug()`, `shim.set_verbose = True`, `LITELLM_LOG=DEBUG`.

Each turns on debug output of the `shim` loggers (one line per request: method, URL, model, body field names,
the key masked). Read at call time; no handler is added until one of them is on.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from shim._errors import mask
from shim._router import package_settings
from shim._settings import SETTINGS

LOGGER = logging.getLogger("shim")
_state = {"handler": False}


def turn_on() -> None:
    """Turn on the shim loggers' debug output (LiteLLM's `_turn_on_debug`): `shim.set_verbose = True`."""
    SETTINGS.set_verbose = True
    _configure()


def enabled() -> bool:
    """True when any of the switches is on."""
    return package_settings().debug


def _configure() -> None:
    LOGGER.setLevel(logging.DEBUG)
    if not _state["handler"] and not LOGGER.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        LOGGER.addHandler(handler)
        _state["handler"] = True


def log_request(method: str, url: str, api_key: str, body: dict[str, Any]) -> None:
    """One debug line for a request about to be sent; the key masked (and scrubbed from the body, if there)."""
    if not enabled():
        return
    _configure()
    try:
        text = json.dumps(body, default=str, sort_keys=True)
    except RecursionError:  # the send raises a ValueError for it; the debug line must not raise first
        text = "<nested too deeply to show>"
    if api_key and api_key in text:
        text = text.replace(api_key, mask(api_key))
    LOGGER.debug("%s %s key=%s body=%s", method.upper(), url, mask(api_key), text[:2000])
