"""What the fake gateway records of each request, and a scripted answer: the data its answers are made from."""

from __future__ import annotations

import email.parser
import email.policy
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake gateway received it."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = field(repr=False)
    query: str = ""

    @property
    def params(self) -> dict[str, str]:
        """The query string's parameters (the last value of a repeated name)."""
        return dict(urllib.parse.parse_qsl(self.query))

    @property
    def json(self) -> Any:
        """The body parsed as JSON (None for an empty body)."""
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, Any]:
        """A multipart body's fields: text fields as str, files as (filename, bytes); a name sent more than once
        (`image[]`) as a list of them."""
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"content-type: " + self.headers.get("content-type", "").encode() + b"\r\n\r\n" + self.body
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            value = (filename, data) if filename else data.decode()
            if str(name) in fields:
                earlier = fields[str(name)]
                value = [*(cast("list[Any]", earlier) if isinstance(earlier, list) else [earlier]), value]
            fields[str(name)] = value
        return fields

    @property
    def api_key(self) -> str | None:
        """The bearer token the request carried."""
        auth = self.headers.get("authorization", "")
        return auth[len("Bearer ") :] if auth.startswith("Bearer ") else None


@dataclass(frozen=True)
class ScriptedResponse:
    """A canned answer for one request: `body` is bytes, or any JSON value.

    `action` goes below HTTP: "reset" closes the connection before answering, "cut" sends the headers and half
    the body, then closes.
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    body: Any = None
    delay: float = 0.0
    action: Literal["answer", "reset", "cut"] = "answer"
