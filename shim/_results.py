"""From the gateway's HTTP answer to one typed result: decoding, shape checks, `model` prefix, `_hidden_params`.

A `Shape` says how one endpoint's JSON becomes its result (or a stream's chunk); `Binary` serves endpoints whose
answer is bytes (speech, file content). Both only need the call's `Route`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast

import pydantic
from pydantic_core import from_json

from shim import _http
from shim._errors import invalid_body, json_object, raise_for_error_object
from shim._router import PREFIX, PROVIDER, Route
from shim.types import BinaryResponse
from shim.types._base import DictAccess, GatewayResult, HiddenParams

ResultT = TypeVar("ResultT")
ResultT_co = TypeVar("ResultT_co", covariant=True)

# A shape check returns what is wrong with a body, or None.
ShapeCheck = Callable[[Mapping[str, Any]], "str | None"]
Decode = Callable[[_http.Response, Route], dict[str, Any]]


def no_check(_body: Mapping[str, Any]) -> str | None:
    return None


def needs_list(name: str, *, of_objects: bool = True) -> ShapeCheck:
    """A check that `name` is a list (of objects, unless told otherwise), as `choices`, `data` and `results` are."""

    def check(body: Mapping[str, Any]) -> str | None:
        value = body.get(name)
        if not isinstance(value, list):
            return f"'{name}' must be a list, got {type(value).__name__}"
        items = cast("list[object]", value)
        for index, item in enumerate(items):
            if of_objects and not isinstance(item, dict):
                return f"'{name}[{index}]' must be an object, got {type(item).__name__}"
        return None

    return check


def choice_finished(event: Mapping[str, Any] | DictAccess) -> bool:
    """A chat or text stream is complete once a choice has a finish_reason (the event's JSON, or its chunk)."""
    if isinstance(event, DictAccess):
        chunk: Any = event
        for choice in chunk.choices:  # noqa: SIM110  (any() and its generator cost a tenth of a chunk's making)
            if choice.finish_reason:
                return True
        return False
    choices: Any = event.get("choices") or ()
    return any(json_object(choice) and choice.get("finish_reason") for choice in choices)


def loads(content: bytes) -> Any:
    """JSON from bytes: pydantic-core's parser (half the time of `json.loads`, a third for arrays of floats),
    and `json.loads` for what it refuses, so that a body decodes exactly as before: it refuses all that `json.loads`
    refuses, and also a BOM, UTF-16/32 and lone surrogates, which `json.loads` takes."""
    try:
        return from_json(content)
    except ValueError:
        return json.loads(content)


def decode_json(response: _http.Response, route: Route) -> dict[str, Any]:
    """The body as a JSON object, or a typed error that says what came instead."""
    try:
        data = loads(response.content)
    except (ValueError, UnicodeDecodeError) as error:
        kind = response.headers.get("content-type", "no content type")
        raise invalid_body(response, response.text, route, f"not JSON ({kind}): {error}") from error
    raise_for_error_object(response, data, route)
    body = json_object(data)
    if body is None:
        raise invalid_body(response, data, route, f"expected a JSON object, got {type(data).__name__}")
    return body


class Parser(Protocol[ResultT_co]):
    """What the sender needs of an endpoint's result: the typed result of a (non-SSE) answer."""

    def parse(self, route: Route, response: _http.Response, elapsed_ms: float) -> ResultT_co: ...


@dataclass(frozen=True)
class Shape(Generic[ResultT]):
    """How one endpoint's JSON answer (or one stream event) becomes its result: decode, check, make."""

    make: Callable[..., ResultT]
    check: ShapeCheck = no_check
    prefix_model: bool = False
    decode: Decode = field(default=decode_json)
    # Whether a stream event ends the stream: given the event's JSON object, or the chunk `validated` made of it.
    finished: Callable[[Any], bool] = choice_finished
    # Validating with pydantic-core is ~7x cheaper than the SDK's recursive `construct` for a chat completion;
    # a body it refuses (a missing field, an unknown literal) is built leniently by `make`, as before.
    fast: Callable[[dict[str, Any]], ResultT] | None = None
    # The same straight from the body's bytes, without a dict in between (a non-streamed answer).
    fast_json: Callable[[bytes], ResultT] | None = None

    def parse(self, route: Route, response: _http.Response, elapsed_ms: float) -> ResultT:
        """The typed result of a non-streaming call."""
        hidden = hidden_params(route, response, elapsed_ms)
        result = self.validated(route, response.content)
        if result is None:
            return self.build(self.decode(response, route), route, response, hidden)
        return attach(result, hidden) if isinstance(result, GatewayResult) else result

    def validated(
        self, route: Route, content: bytes, validate: Callable[[bytes], ResultT] | None = None
    ) -> ResultT | None:
        """The result validated from the JSON bytes as they came (a body, or a stream event's data) by `validate`
        (`json_validator()`, found once a stream), or None for the checked path: no `fast_json`, JSON that does not
        validate, or an error object besides (which must raise there)."""
        validate = validate or self.fast_json
        if validate is None:
            return None
        try:
            result = validate(content)
        except pydantic.ValidationError:
            return None
        model: Any = result
        extra: dict[str, Any] | None = model.__pydantic_extra__
        if extra and (extra.get("error") or extra.get("type") == "error"):
            return None
        if self.prefix_model:  # where pydantic keeps fields (its `__setattr__` costs more than the rest of this)
            model.__dict__["model"] = PREFIX + (model.model or route.model)
        return result

    def json_validator(self) -> Callable[[bytes], ResultT] | None:
        """`fast_json`, or pydantic-core's validator behind it when it is a model's `model_validate_json`: what
        pydantic's wrapper adds costs a tenth of a stream chunk's validation."""
        fast_json: Any = self.fast_json
        model = getattr(fast_json, "__self__", None)
        wrapper = getattr(fast_json, "__name__", None) == "model_validate_json"
        if wrapper and isinstance(model, type) and issubclass(model, pydantic.BaseModel):
            return model.__pydantic_validator__.validate_json
        return self.fast_json

    def build(self, data: dict[str, Any], route: Route, response: _http.Response, hidden: HiddenParams) -> ResultT:
        """Make a result from its JSON. Most types are built like the openai SDK builds them (`construct`, no
        validation: gateways add and omit fields); shapes the shim defines (rerank) are validated."""
        if self.prefix_model:
            data["model"] = PREFIX + str(data.get("model") or route.model)
        if self.fast is not None:
            try:
                result = self.fast(data)
            except pydantic.ValidationError:
                pass
            else:
                return attach(result, hidden) if isinstance(result, GatewayResult) else result
        problem = self.check(data)
        if problem is not None:
            raise invalid_body(response, data, route, problem)
        try:
            result = self.make(**data)
        except pydantic.ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise invalid_body(response, data, route, f"{where}: {first['msg']}") from error
        return attach(result, hidden) if isinstance(result, GatewayResult) else result


class Binary:
    """An answer that is bytes (speech audio, file content). A JSON error object in a read body is still an
    error; a body not read yet (`stream=True`) is left for the caller to read as it comes."""

    def parse(self, route: Route, response: _http.Response, elapsed_ms: float) -> BinaryResponse:
        if response.is_stream_consumed and "json" in response.headers.get("content-type", ""):
            with contextlib.suppress(ValueError):  # not JSON after all: the caller gets the bytes it asked for
                raise_for_error_object(response, json.loads(response.content), route)
        return BinaryResponse(response, hidden_params(route, response, elapsed_ms))


def attach(result: ResultT, hidden: HiddenParams) -> ResultT:
    """Give a constructed result its private attributes (`construct()` leaves them unset)."""
    object.__setattr__(result, "__pydantic_private__", private_attributes(hidden))
    return result


def private_attributes(hidden: HiddenParams) -> dict[str, Any]:
    """A result's `_hidden_params`, `_response_ms` and `_request_id` (see `shim.types._base.GatewayResult`)."""
    return {
        "_hidden_params": hidden,
        "_response_ms": hidden.get("_response_ms"),
        "_request_id": hidden.get("request_id"),
    }


def hidden_params(route: Route, response: _http.Response, elapsed_ms: float) -> HiddenParams:
    """LiteLLM's `_hidden_params`, from the gateway's `x-litellm-*` headers."""
    headers = dict(response.headers.items())  # one pass over the headers; names lower-cased
    return {
        "custom_llm_provider": PROVIDER,
        "api_base": route.base_url,
        "model_id": headers.get("x-litellm-model-id"),
        "response_cost": _float(headers.get("x-litellm-response-cost")),
        "litellm_call_id": headers.get("x-litellm-call-id"),
        "litellm_model_name": PREFIX + route.model,
        "request_id": headers.get("x-request-id"),
        "additional_headers": {"llm_provider-" + name: value for name, value in headers.items()},
        "_response_ms": elapsed_ms,
    }


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
