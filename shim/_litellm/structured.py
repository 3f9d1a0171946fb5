"""Structured outputs: a pydantic class as `response_format` or in `tools`, as LiteLLM and openai's `parse()` take it.

The schema is the strict one the openai SDK builds for the class, read through its public `pydantic_function_tool`
(the same `to_strict_json_schema` its `parse()` uses), so shim sends what LiteLLM sends and no private
`openai.lib` import is needed. The answer's messages then carry `.parsed`, an instance of the class.
"""

from __future__ import annotations

import contextlib
from typing import Any, cast

import openai
import pydantic


def is_model_class(value: object) -> bool:
    """True for a pydantic model class (not an instance)."""
    return isinstance(value, type) and issubclass(value, pydantic.BaseModel)


def response_format(cls: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The strict `json_schema` response format for `cls`."""
    function = dict(openai.pydantic_function_tool(cls)["function"])
    return {
        "type": "json_schema",
        "json_schema": {"schema": function["parameters"], "name": cls.__name__, "strict": True},
    }


def take(kwargs: dict[str, Any]) -> type[pydantic.BaseModel] | None:
    """Replace a model class in `response_format` and in `tools` by its JSON form; return the response class."""
    tools: object = kwargs.get("tools")
    if isinstance(tools, list):
        kwargs["tools"] = [_tool(tool) for tool in cast("list[object]", tools)]
    cls: object = kwargs.get("response_format")
    if not isinstance(cls, type) or not issubclass(cls, pydantic.BaseModel):
        return None
    kwargs["response_format"] = response_format(cls)
    return cls


def _tool(tool: object) -> object:
    return openai.pydantic_function_tool(tool) if is_model_class(tool) else tool  # pyright: ignore[reportArgumentType]


def attach_parsed(result: object, cls: type[pydantic.BaseModel]) -> None:
    """Give each message of a chat result its content parsed as `cls` (`None` when it is not valid JSON of it)."""
    for choice in getattr(result, "choices", None) or ():
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None)
        if message is None or not isinstance(content, str):
            continue
        parsed = None
        with contextlib.suppress(pydantic.ValidationError, ValueError):
            parsed = cls.model_validate_json(content)
        with contextlib.suppress(AttributeError, TypeError, ValueError):
            # An attribute, not a field: a message passed back in `messages` must not send `parsed` to the gateway.
            object.__setattr__(message, "parsed", parsed)
