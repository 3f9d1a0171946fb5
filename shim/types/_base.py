"""The base of every result type: dict-style access, and what the gateway said beside the body.

Below `shim.types` and the families of types loaded on first use (`_anthropic`, `_audio`, `_files`, `_moderation`,
`_responses`), so each imports it and none imports another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import openai

HiddenParams = dict[str, Any]
"""`_hidden_params`: `custom_llm_provider`, `api_base`, `model_id`, `response_cost`, `litellm_call_id`,
`litellm_model_name`, `additional_headers` (every response header, prefixed `llm_provider-`), `_response_ms`."""


class DictAccess(openai.BaseModel):
    """Read and write fields like a dict, as LiteLLM's result types allow."""

    def __getitem__(self, key: str) -> Any:
        if key in type(self).model_fields:
            return getattr(self, key)
        extra = self.__pydantic_extra__
        if extra is not None and key in extra:
            return extra[key]
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, key, value)

    def __contains__(self, key: object) -> bool:
        """True when the field exists and is not None, as in LiteLLM."""
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str, default: Any = None) -> Any:
        """The field's value, or `default` when it is missing."""
        try:
            return self[key]
        except KeyError:
            return default


def private_of(result: openai.BaseModel) -> dict[str, Any]:
    """Where a result keeps `_hidden_params`, `_response_ms` and `_request_id`: its `__pydantic_private__`, made
    on first use for a result built by its caller rather than by the sender."""
    private: dict[str, Any] | None = result.__pydantic_private__
    if private is None:
        private = {"_hidden_params": {}, "_response_ms": None, "_request_id": None}
        object.__setattr__(result, "__pydantic_private__", private)
    return private


def _kept(name: str) -> property:
    def get(result: openai.BaseModel) -> Any:
        return private_of(result)[name]

    def set_(result: openai.BaseModel, value: Any) -> None:
        private_of(result)[name] = value

    return property(get, set_)


class GatewayResult(DictAccess):
    """A top-level result: carries what the gateway said beside the body (`_hidden_params`, `_response_ms`,
    `_request_id`).

    They live where pydantic keeps private attributes (`__pydantic_private__`: copied, pickled and compared with the
    model), as properties rather than declared `PrivateAttr`s: pydantic calls back into Python after validating
    each instance of a model that declares private attributes (~2.5 us, half the cost of validating a stream chunk),
    to set defaults that the sender replaces at once (`shim._results.attach`).
    """

    if TYPE_CHECKING:
        _hidden_params: HiddenParams
        _response_ms: float | None
        _request_id: str | None = None  # openai.BaseModel declares it so (for type checkers only)
    else:
        _hidden_params = _kept("_hidden_params")
        _response_ms = _kept("_response_ms")
        _request_id = _kept("_request_id")

    def __eq__(self, other: object) -> bool:
        # pydantic compares private attributes too: a result whose defaults were made on first use (above) equals
        # one whose were not yet, as when pydantic set them at validation.
        if isinstance(other, GatewayResult):
            private_of(self)
            private_of(other)
        return super().__eq__(other)
