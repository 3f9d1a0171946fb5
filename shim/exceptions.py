"""Exceptions: LiteLLM's names, each a subclass of the openai exception of the same meaning.

So both `except openai.RateLimitError` and `except shim.RateLimitError` catch a 429 from the gateway::

    ValueError
     ├── ConfigError ............ no base URL or key, or a malformed one (raised before any request)
     └── RouteError ............. a model string the shim will not route (raised before any request)

    openai.OpenAIError
     └── openai.APIError
          ├── openai.APIConnectionError
          │    ├── APIConnectionError ....... the gateway could not be reached, or the connection broke
          │    │    └── ResponseTooLargeError  an answer over max_response_bytes (decoded), not read further
          │    └── openai.APITimeoutError
          │         └── Timeout
          ├── openai.APIResponseValidationError
          │    └── APIResponseValidationError  the gateway answered 200 with a body of the wrong shape
          └── openai.APIStatusError
               ├── APIError ................. any other status, or an error object in a 200 body or stream
               ├── RedirectError ............ 3xx: not followed (the key stays home); carries `location`
               ├── openai.BadRequestError
               │    └── BadRequestError ............... 400
               │         ├── ContextWindowExceededError
               │         └── ContentPolicyViolationError
               ├── openai.AuthenticationError
               │    └── AuthenticationError ........... 401
               ├── openai.PermissionDeniedError
               │    └── PermissionDeniedError ......... 403
               ├── openai.NotFoundError
               │    └── NotFoundError ................. 404
               ├── openai.ConflictError
               │    └── ConflictError ................. 409
               ├── openai.UnprocessableEntityError
               │    └── UnprocessableEntityError ...... 422
               ├── openai.RateLimitError
               │    └── RateLimitError ................ 429
               └── openai.InternalServerError
                    └── InternalServerError ........... 500 and other 5xx
                         ├── BadGatewayError .......... 502
                         └── ServiceUnavailableError .. 503

Every API exception carries `status_code`, `message`, `llm_provider` ("litellm_proxy"), `model`, `response`,
`body`, `request_id`, `max_retries` and `num_retries`. No API key ever appears in a message.
"""

from __future__ import annotations

import openai

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "ConfigError",
    "ConflictError",
    "ContentPolicyViolationError",
    "ContextWindowExceededError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "RouteError",
    "ServiceUnavailableError",
    "Timeout",
    "UnprocessableEntityError",
]


class ConfigError(ValueError):
    """The gateway's base URL or API key is missing or malformed. Raised before any request is sent."""


class RouteError(ValueError):
    """The model string cannot be routed to the gateway. Raised before any request is sent."""


class LiteLLMErrorMixin(Exception):
    """Attributes LiteLLM code reads from its exceptions, with their defaults."""

    llm_provider: str = "litellm_proxy"
    model: str | None = None
    max_retries: int | None = None
    num_retries: int | None = None


class APIError(LiteLLMErrorMixin, openai.APIStatusError):
    """The gateway answered with an error that has no more specific class."""


class RedirectError(LiteLLMErrorMixin, openai.APIStatusError):
    """3xx: the gateway redirected the request. Never followed, so the key is not sent where it points."""

    location: str | None = None
    """The `Location` the gateway answered with (None if it sent none)."""


class BadRequestError(LiteLLMErrorMixin, openai.BadRequestError):
    """400: the gateway refused the request."""


class ContextWindowExceededError(BadRequestError):
    """400: the prompt does not fit the model's context window."""


class ContentPolicyViolationError(BadRequestError):
    """400: the provider's content policy refused the request."""


class AuthenticationError(LiteLLMErrorMixin, openai.AuthenticationError):
    """401: the gateway did not accept the API key."""


class PermissionDeniedError(LiteLLMErrorMixin, openai.PermissionDeniedError):
    """403: the key may not use this model or route."""


class NotFoundError(LiteLLMErrorMixin, openai.NotFoundError):
    """404: unknown route or model."""


class ConflictError(LiteLLMErrorMixin, openai.ConflictError):
    """409: a conflicting request is in flight (retried by default)."""


class UnprocessableEntityError(LiteLLMErrorMixin, openai.UnprocessableEntityError):
    """422: the request body did not validate."""


class RateLimitError(LiteLLMErrorMixin, openai.RateLimitError):
    """429: rate or budget limit reached (retried by default, honouring Retry-After)."""


class InternalServerError(LiteLLMErrorMixin, openai.InternalServerError):
    """5xx: the gateway or its upstream failed (retried by default)."""


class BadGatewayError(InternalServerError):
    """502: the gateway's upstream failed."""


class ServiceUnavailableError(InternalServerError):
    """503: the gateway or its upstream is unavailable."""


class APIConnectionError(LiteLLMErrorMixin, openai.APIConnectionError):
    """The gateway could not be reached, or the connection broke mid-response."""

    status_code: int = 500  # no HTTP status; LiteLLM code reads this one


class Timeout(LiteLLMErrorMixin, openai.APITimeoutError):
    """The request timed out (after the configured retries)."""

    status_code: int = 408  # no HTTP status; LiteLLM code reads this one


class APIResponseValidationError(LiteLLMErrorMixin, openai.APIResponseValidationError):
    """The gateway answered 200 with a body that is not the expected JSON shape."""


class ResponseTooLargeError(APIConnectionError):
    """The gateway's answer was larger than `max_response_bytes` once decoded; it was not read further."""
