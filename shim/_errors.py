"""The one place where foreign exceptions become shim exceptions."""

from __future__ import annotations

import json
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any, NoReturn, cast

import openai

from shim import _http
from shim import exceptions as exc
from shim._router import Route

_BY_STATUS: dict[int, type[openai.APIStatusError]] = {
    400: exc.BadRequestError,
    401: exc.AuthenticationError,
    403: exc.PermissionDeniedError,
    404: exc.NotFoundError,
    409: exc.ConflictError,
    422: exc.UnprocessableEntityError,
    429: exc.RateLimitError,
    502: exc.BadGatewayError,
    503: exc.ServiceUnavailableError,
}

# The gateway reports these as a 400 whose body names the LiteLLM exception; OpenAI-style upstreams use the codes.
_BAD_REQUEST_KINDS: tuple[tuple[type[exc.BadRequestError], tuple[str, ...]], ...] = (
    (
        exc.ContextWindowExceededError,
        ("contextwindowexceedederror", "context_length_exceeded", "maximum context length"),
    ),
    (exc.ContentPolicyViolationError, ("contentpolicyviolationerror", "content_policy_violation", "content_filter")),
)


@contextmanager
def translating(route: Route) -> Generator[None]:
    """Re-raise openai and HTTP-library exceptions from the block as shim exceptions (`raise ... from`)."""
    try:
        yield
    except (exc.ConfigError, exc.RouteError, exc.LiteLLMErrorMixin):
        raise
    except openai.APIStatusError as error:
        raise status_error(error.response, error.body, route, _sdk_message(error)) from error
    except openai.APITimeoutError as error:
        raise _tag(exc.Timeout(request=error.request), route) from error
    except openai.APIConnectionError as error:
        raise _tag(
            exc.APIConnectionError(message=_scrub(error.message, route), request=error.request), route
        ) from error
    except _http.TimeoutException as error:
        raise _tag(exc.Timeout(request=error.request), route) from error
    except _http.TransportError as error:
        message = f"Connection to the gateway broke: {type(error).__name__}"
        raise _tag(exc.APIConnectionError(message=message, request=error.request), route) from error


def status_error(response: _http.Response, body: object, route: Route, message: str | None = None) -> openai.APIError:
    """The shim exception for an error answer (a 4xx/5xx, or an error object in a 200 body or stream)."""
    status = response.status_code if response.status_code >= 400 else _status_in_body(body)
    cls = _BY_STATUS.get(status, exc.InternalServerError if status >= 500 else exc.APIError)
    if cls is exc.BadRequestError:
        cls = _bad_request_kind(body)
    body = _scrub_body(body, route)
    text = _scrub(message or f"Error code: {status} - {body}", route)
    error = cls(text, response=response, body=body)
    error.status_code = status  # pyright: ignore[reportAttributeAccessIssue]  # a 200 carrying an error object
    return _tag(error, route)


def invalid_body(response: _http.Response, body: object, route: Route, problem: str) -> openai.APIError:
    """The shim exception for a 200 answer whose body is not what the endpoint returns."""
    path = response.request.url.path
    message = f"The gateway's answer to {path} is not valid: {problem}"
    shown = _scrub_body(body, route)
    if isinstance(shown, str):
        shown = shown[:200]  # scrubbed first, so a key cut in half by the excerpt cannot survive
    return _tag(exc.APIResponseValidationError(response, shown, message=message), route)


def json_object(value: object) -> dict[str, Any] | None:
    """`value` as a JSON object, or None when it is not one."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def raise_for_error_object(response: _http.Response, data: object, route: Route) -> None:
    """Gateways sometimes answer 200 with `{"error": ...}` (in a body or a stream event): an error, never a result."""
    body = json_object(data)
    if body is not None and body.get("error"):
        raise status_error(response, body["error"], route, _error_message(body["error"]))


def reraise(error: BaseException, route: Route) -> NoReturn:
    """Raise `error` translated, for code paths that are not inside `translating`."""
    with translating(route):
        raise error
    raise AssertionError("unreachable")  # pragma: no cover


def _sdk_message(error: openai.APIStatusError) -> str:
    """openai 3.x's message for an error answer: the status and the body's own message. openai 1.x and 2.x put the
    whole body in it (a megabyte of HTML as well), so it is rebuilt here the same way for every release."""
    body = json_object(error.body)
    detail = json_object(body.get("error", body)) if body is not None else None
    message = detail.get("message") if detail is not None else None
    status = error.response.status_code
    return f"Error code: {status} - {message}" if isinstance(message, str) and message else f"Error code: {status}"


def _tag(error: Any, route: Route) -> Any:
    error.model = route.model
    return error


def _status_in_body(body: object) -> int:
    mapping = json_object(body)
    code = mapping.get("code") if mapping is not None else None
    try:
        status = int(str(code))
    except ValueError:
        return 500
    return status if 400 <= status <= 599 else 500


def _bad_request_kind(body: object) -> type[exc.BadRequestError]:
    text = json.dumps(body, default=str).lower()
    for cls, needles in _BAD_REQUEST_KINDS:
        if any(needle in text for needle in needles):
            return cls
    return exc.BadRequestError


def _error_message(error: object) -> str:
    mapping = json_object(error)
    message = mapping.get("message") if mapping is not None else None
    return message if isinstance(message, str) else str(error)


def _scrub(text: str, route: Route) -> str:
    key = route.api_key
    return text.replace(key, mask(key)) if key and key in text else text


def _scrub_body(body: object, route: Route) -> object:
    if body is None or isinstance(body, (int, float, bool)):
        return body
    dumped = json.dumps(body, default=str)
    return json.loads(_scrub(dumped, route)) if route.api_key in dumped else body


def mask(key: str) -> str:
    """A key as it may be shown: its first three and last four characters at most."""
    return f"{key[:3]}...{key[-4:]}" if len(key) >= 16 else "***"
