"""The one place where foreign exceptions become shim exceptions."""

from __future__ import annotations

import contextlib
import json
from typing import Any, NoReturn, cast
from urllib.parse import urlsplit

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


class translating:  # lower case: it reads as the function it replaced, `with translating(route):`
    """Re-raise what the block raises as a shim exception (`raise ... from`), the key scrubbed from the whole chain.

    Shim's own exceptions pass, and so do `TypeError`/`ValueError` (bad arguments, e.g. a body that is not JSON);
    anything else (openai, httpx2 or httpx, h11, a bug below us) becomes a shim exception, its cause kept for debugging.
    A class, not a `@contextmanager`: it wraps every call and every stream, and costs a third as much.
    """

    __slots__ = ("route",)

    def __init__(self, route: Route) -> None:
        self.route = route

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> None:
        if not isinstance(error, Exception) or isinstance(
            error, (exc.ConfigError, exc.RouteError, exc.LiteLLMErrorMixin)
        ):
            return
        _scrub_chain(error, self.route)
        if isinstance(error, (TypeError, ValueError)):
            return
        raise _translate(error, self.route) from error


def _translate(error: Exception, route: Route) -> Exception:
    if isinstance(error, openai.APIStatusError):
        return status_error(error.response, error.body, route, _sdk_message(error))
    if isinstance(error, (openai.APITimeoutError, _http.TimeoutException)):
        return _tag(exc.Timeout(request=_request_of(error)), route)
    if isinstance(error, openai.APIConnectionError):
        return _tag(exc.APIConnectionError(message=error.message, request=error.request), route)
    if isinstance(error, openai.APIResponseValidationError):
        return _tag(exc.APIResponseValidationError(error.response, error.body, message=error.message), route)
    if isinstance(error, _http.TransportError):
        message = f"Connection to the gateway broke: {type(error).__name__}"
    else:  # a decoding error, a protocol error from below the HTTP library, a closed client: the exchange failed
        message = f"The exchange with the gateway failed: {type(error).__module__}.{type(error).__name__}: {error}"
    return _tag(exc.APIConnectionError(message=scrub(message, route), request=_request_of(error)), route)


def _request_of(error: Exception) -> _http.Request:
    request = getattr(error, "_request", None) or getattr(error, "request", None)
    return request if isinstance(request, _http.Request) else _http.Request("POST", "http://gateway.invalid")


def scrub_key(error: BaseException, api_key: str) -> None:
    """Scrub `api_key` from `error` and its whole chain, in place, for errors raised outside `translating` (the
    openai SDK's own, on `shim.OpenAI` and the patched SDK path): a gateway may echo the key in its error body."""
    _scrub_chain(error, Route("", "", api_key))


def _scrub_chain(error: BaseException, route: Route) -> None:
    """Scrub the key from every exception in the chain, in place: formatted tracebacks and logs print them all."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and route.api_key:
        seen.add(id(current))
        with contextlib.suppress(AttributeError, TypeError):  # exceptions with read-only attributes keep theirs
            current.args = tuple(scrub(a, route) if isinstance(a, str) else a for a in current.args)
            message: object = getattr(current, "message", None)
            if isinstance(message, str):
                setattr(current, "message", scrub(message, route))  # noqa: B010  (any exception's attribute)
            if hasattr(current, "body"):
                setattr(current, "body", _scrub_body(getattr(current, "body"), route))  # noqa: B009, B010
        current = current.__cause__ or current.__context__


def status_error(response: _http.Response, body: object, route: Route, message: str | None = None) -> openai.APIError:
    """The shim exception for an error answer (a 4xx/5xx, or an error object in a 200 body or stream)."""
    if 300 <= response.status_code < 400:
        return redirect_error(response, route)
    status = response.status_code if response.status_code >= 400 else _status_in_body(body)
    cls = _BY_STATUS.get(status, exc.InternalServerError if status >= 500 else exc.APIError)
    if cls is exc.BadRequestError:
        cls = _bad_request_kind(body)
    body = _scrub_body(body, route)
    text = scrub(message or f"Error code: {status} - {body}", route)
    error = cls(text, response=response, body=body)
    error.status_code = status  # pyright: ignore[reportAttributeAccessIssue]  # a 200 carrying an error object
    return _tag(error, route)


def redirect_error(response: _http.Response, route: Route) -> openai.APIError:
    """A 3xx: never followed (the key would go where the gateway says), so say which base URL to configure."""
    location = response.headers.get("location", "")
    target = str(response.request.url.join(location)) if location else ""
    status = f"{response.status_code} {response.reason_phrase}".strip()
    message = (
        f"The gateway answered {status} to {target or 'nowhere (no Location header)'}: redirects are not followed, "
        f"so the key is never sent elsewhere. If that is the gateway, configure "
        f"api_base={_new_base(response, target, route)!r} (now {route.base_url!r})."
    )
    error = exc.RedirectError(scrub(message, route), response=response, body=None)
    error.location = scrub(location, route) if location else None
    return _tag(error, route)


def _new_base(response: _http.Response, target: str, route: Route) -> str:
    """The base URL under which the redirected request has the same endpoint path (else the target's origin)."""
    parts = urlsplit(target)
    path = response.request.url.path
    base_path = urlsplit(route.base_url).path.rstrip("/")
    endpoint = path[len(base_path) :] if path.startswith(base_path) else path
    if endpoint and parts.path.endswith(endpoint):
        return f"{parts.scheme}://{parts.netloc}{parts.path[: len(parts.path) - len(endpoint)]}".rstrip("/")
    return f"{parts.scheme}://{parts.netloc}"


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


def scrub(text: str, route: Route) -> str:
    """`text` with the route's key masked."""
    key = route.api_key
    return text.replace(key, mask(key)) if key and key in text else text


def _scrub_body(body: object, route: Route) -> object:
    if body is None or isinstance(body, (int, float, bool)):
        return body
    dumped = json.dumps(body, default=str)
    return json.loads(scrub(dumped, route)) if route.api_key in dumped else body


def mask(key: str) -> str:
    """A key as it may be shown: its first three and last four characters at most."""
    return f"{key[:3]}...{key[-4:]}" if len(key) >= 16 else "***"


class Secret(str):
    """A value that carries a key (a header, a fallback's `api_key`): the value itself on the wire, masked in
    `repr`.

    Tools that record a traceback's frame locals (Sentry, rich, `pytest -l`) show them with `repr`, and the
    per-request options that carry the key are locals of several shim and SDK frames.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        scheme, _, key = self.partition(" ")
        return repr(f"{scheme} {mask(key)}" if key else mask(scheme))
