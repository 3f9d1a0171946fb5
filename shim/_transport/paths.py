"""Ids in URL paths: each stays in its own segment.

An id of `.` or `..` is a dot-segment, which the HTTP client resolves (`files/..` is the base URL itself), so
`file_delete("..")` would send `DELETE /v1`. openai 3.x refuses such paths before sending; shim refuses them in every
function that puts an id in a path, and in its own clients after the `litellm_proxy/` prefix is stripped from a
model in the path (which the SDK checked before, with the prefix still on). Raised before any I/O, as `ValueError`.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping

# `.` or `..`, each dot literal or percent-encoded, as openai checks.
_DOT_SEGMENT = re.compile(r"^(?:\.|%2[eE]){1,2}$")


def fill(template: str, ids: Mapping[str, str] | None) -> str:
    """`template` (`files/{file_id}`) with each id quoted into its segment; a dot-segment id raises `ValueError`."""
    if not ids:
        return template
    for name, value in ids.items():
        if value in (".", ".."):  # quoted below, `%2e` cannot become a dot: only these two can
            raise ValueError(f"{name}={value!r} is a dot-segment, which would leave its place in the URL path")
    return template.format_map({name: urllib.parse.quote(value, safe="") for name, value in ids.items()})


def check(path: str) -> str:
    """`path` as it is, or `ValueError` when one of its segments is a dot-segment."""
    for segment in path.split("?", 1)[0].split("/"):
        if _DOT_SEGMENT.match(segment):
            raise ValueError(f"Constructed path {path!r} contains dot-segment {segment!r} which is not allowed")
    return path
