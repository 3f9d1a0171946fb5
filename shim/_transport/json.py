"""Objects from earlier responses as the JSON the gateway reads.

`messages.append(r.choices[0].message)` and `responses(input=r.output)` put openai's pydantic models in a request
body. Newer openai releases serialize them themselves (2.20 does, 2.8 does not); older ones hand the body to the
HTTP library's plain `json.dumps`, which refuses them. Dumping them here, as the newer SDK does, makes every
supported release send the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

import pydantic


def encode(body: Mapping[str, Any]) -> bytes:
    """A JSON body as the bytes sent, message objects dumped on the way (one C-level `json.dumps`, ASCII-escaped:
    the SDK's own encoder cost ~1.7x as much for a long conversation). A value JSON cannot hold (NaN, an arbitrary
    object, lists or dicts nested beyond the recursion limit) raises `ValueError`/`TypeError` before anything is
    sent: bad input, which no retry or fallback can mend."""
    try:
        return json.dumps(body, separators=(",", ":"), allow_nan=False, default=_dump).encode()
    except RecursionError:
        raise too_deep() from None


def too_deep() -> ValueError:
    """The error for a body nested deeper than JSON can be written here (Python's recursion limit)."""
    return ValueError(
        "the request nests lists or dicts deeper than can be written as JSON (about 1,000 levels, Python's "
        "recursion limit): check how the messages (or input) were built"
    )


def _dump(value: object) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return _model(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable: pass plain dicts, lists, strings and numbers")


def _model(value: pydantic.BaseModel) -> Any:
    # As openai's own encoder dumps a model: only the fields that were set, by alias, JSON-ready.
    return value.model_dump(exclude_unset=True, mode="json", by_alias=True, warnings=False)


def jsonable(value: Any) -> Any:
    """`value` with every pydantic model in it (at any depth of dicts and lists) dumped to a dict.

    Dumped as openai's own encoder does: only the fields that were set, by alias, JSON-ready. What holds no
    model is returned as is (no copy). Nested beyond the recursion limit: `ValueError`, as from `encode`.
    """
    try:
        return _jsonable(value)
    except RecursionError:
        raise too_deep() from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return _model(value)
    if isinstance(value, dict):
        mapping = cast("dict[Any, Any]", value)
        items = {key: _jsonable(item) for key, item in mapping.items()}
        return mapping if all(items[key] is item for key, item in mapping.items()) else items
    if isinstance(value, (list, tuple)):
        sequence = cast("list[Any] | tuple[Any, ...]", value)
        converted = [_jsonable(item) for item in sequence]
        return sequence if all(new is old for new, old in zip(converted, sequence, strict=True)) else converted
    return value
