"""Objects from earlier responses as the JSON the gateway reads.

`messages.append(r.choices[0].message)` and `responses(input=r.output)` put openai's pydantic models in a request
body. Newer openai releases serialize them themselves (2.20 does, 2.8 does not); older ones hand the body to the
HTTP library's plain `json.dumps`, which refuses them. Dumping them here, as the newer SDK does, makes every
supported release send the same bytes.
"""

from __future__ import annotations

from typing import Any, cast

import pydantic


def jsonable(value: Any) -> Any:
    """`value` with every pydantic model in it (at any depth of dicts and lists) dumped to a dict.

    Dumped as openai's own encoder does: only the fields that were set, by alias, JSON-ready. What holds no
    model is returned as is (no copy).
    """
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(exclude_unset=True, mode="json", by_alias=True)
    if isinstance(value, dict):
        mapping = cast("dict[Any, Any]", value)
        items = {key: jsonable(item) for key, item in mapping.items()}
        return mapping if all(items[key] is item for key, item in mapping.items()) else items
    if isinstance(value, (list, tuple)):
        sequence = cast("list[Any] | tuple[Any, ...]", value)
        converted = [jsonable(item) for item in sequence]
        return sequence if all(new is old for new, old in zip(converted, sequence, strict=True)) else converted
    return value
