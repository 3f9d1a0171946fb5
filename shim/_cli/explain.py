"""Plain-English explanations of what went wrong, for the command line (`shim ...` and `shim doctor`).

The exception types stay the library's; this only words them for a person at a terminal. No API key reaches
these messages: the library scrubs keys from every exception it raises.
"""

from __future__ import annotations

import socket
import ssl

import openai

from shim._router import ENV_BASE, ENV_KEY
from shim.exceptions import ConfigError, RouteError

_CAUSE_DEPTH = 10


def explain(error: BaseException, base_url: str | None = None, model: str | None = None) -> str:
    """One line saying what failed and what to do about it."""
    if isinstance(error, (ConfigError, RouteError)):
        return str(error)
    if isinstance(error, openai.APIConnectionError):
        return _connection(error, base_url)
    if isinstance(error, openai.APIStatusError):
        return _status(error, base_url, model)
    if isinstance(error, openai.APIResponseValidationError):
        return f"the gateway answered with something unexpected: {error.message}"
    if isinstance(error, OSError) and str(error):
        return f"{error.strerror}: {error.filename}" if error.strerror and error.filename else str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def root_cause(error: BaseException) -> BaseException:
    """The innermost exception of a `raise ... from` chain (bounded, in case of a cycle)."""
    for _ in range(_CAUSE_DEPTH):
        inner = error.__cause__ or error.__context__
        if inner is None:
            break
        error = inner
    return error


def _connection(error: openai.APIConnectionError, base_url: str | None) -> str:
    at = f" at {base_url}" if base_url else ""
    if isinstance(error, openai.APITimeoutError):
        return f"the gateway{at} did not answer in time: is it overloaded, or the URL wrong? (--timeout sets the limit)"
    cause = root_cause(error)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return (
            f"TLS certificate problem{at}: {cause.verify_message or cause.reason}: the gateway's certificate is not "
            "trusted here (self-signed, expired, or for another host name); set SSL_CERT_FILE to its CA bundle"
        )
    if isinstance(cause, ssl.SSLError):
        return (
            f"TLS error talking to the gateway{at} ({cause.reason or cause}): if the gateway serves plain HTTP, "
            "use an http:// URL"
        )
    if isinstance(cause, ConnectionRefusedError):
        return f"connection refused{at}: is the gateway running, and listening on that host and port?"
    if isinstance(cause, socket.gaierror):
        return f"cannot resolve the gateway's host name{at}: check the URL in --api-base or {ENV_BASE}"
    return f"could not reach the gateway{at}: {cause or error.message}"


def _status(error: openai.APIStatusError, base_url: str | None, model: str | None) -> str:
    detail = _detail(error)
    lowered = detail.lower()
    if "no connected db" in lowered:
        return (
            "the gateway has no database, so it cannot check this key: use the gateway's master key, or connect a "
            f"database to it ({detail})"
        )
    if model and _about_model(error.status_code, lowered):
        return (
            f"the gateway does not know model {model!r}, or this key may not use it ({detail}); `shim models` "
            "lists the models the key may use"
        )
    if isinstance(error, openai.AuthenticationError):
        return f"the gateway did not accept the API key (401: {detail}): check --api-key or {ENV_KEY}"
    if isinstance(error, openai.PermissionDeniedError):
        return f"the key is not allowed to do this (403: {detail})"
    if isinstance(error, openai.NotFoundError):
        where = f" {base_url}" if base_url else " the base URL"
        return f"not found (404: {detail}): is{where} a LiteLLM gateway, with the right path prefix?"
    return f"the gateway answered {error.status_code}: {detail}"


def _about_model(status: int, lowered: str) -> bool:
    if status in (400, 404):
        return "model" in lowered
    # A LiteLLM gateway answers 401 "key not allowed to access model" for a model outside the key's list.
    return status in (401, 403) and "access model" in lowered


def _detail(error: openai.APIStatusError) -> str:
    message = error.message
    prefix = f"Error code: {error.status_code} - "
    return (message[len(prefix) :] if message.startswith(prefix) else message).strip() or "no details"
