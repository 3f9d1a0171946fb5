"""The base of every result type: dict-style access, and what the gateway said beside the body.

Below `shim.types` and the types loaded on first use (`TranscriptionResponse`), so each imports it and none
imports another.
"""

from __future__ import annotations

from typing import Any

import openai
from pydantic import PrivateAttr

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


class GatewayResult(DictAccess):
    """A top-level result: carries what the gateway said beside the body."""

    _hidden_params: HiddenParams = PrivateAttr(default_factory=dict[str, Any])
    _response_ms: float | None = PrivateAttr(default=None)
    _request_id: str | None = PrivateAttr(default=None)
