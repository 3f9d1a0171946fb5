"""A fake OpenAI/Cohere upstream on loopback that records every request it gets.

Standard library only, so it runs wherever the tests run. HTTP/1.1 with keep-alive, because the proxy and the
openai SDK pool connections and a server that closes after each answer would hide (or cause) pooling bugs.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from .fake_api import Call, Json, Reply, answer


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the upstream received it; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Json:
        """The JSON body, or multipart form fields (file parts as `{"filename": ..., "size": ...}`)."""
        return to_call(self).body | {name: file_summary(*file) for name, file in to_call(self).files.items()}


def file_summary(filename: str, data: bytes) -> Json:
    return {"filename": filename, "size": len(data)}


def to_call(request: RecordedRequest) -> Call:
    path = urlsplit(request.path).path
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        fields, files = parse_multipart(content_type, request.body)
        return Call(path, fields, files, request.method)
    return Call(path, json.loads(request.body) if request.body else {}, method=request.method)


def parse_multipart(content_type: str, body: bytes) -> tuple[Json, dict[str, tuple[str, bytes]]]:
    # The email package is the standard library's multipart parser now that `cgi` is gone.
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: Json = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        add_part(part, fields, files)
    return fields, files


def add_part(part: Message, fields: Json, files: dict[str, tuple[str, bytes]]) -> None:
    name = str(part.get_param("name", header="content-disposition") or "")
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    filename = part.get_filename()
    if filename is not None:
        files[name] = (filename, data)
    else:
        fields[name] = data.decode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, recorder: FakeUpstream) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.recorder = recorder
        self.open_connections: set[socket.socket] = set()
        self.lock = threading.Lock()

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        # A client that goes away (the proxy being stopped, a cancelled stream) is normal here, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Small SSE writes on a keep-alive connection would otherwise wait on Nagle + delayed ACK (40 ms each).
    disable_nagle_algorithm = True

    @property
    def owner(self) -> _Server:
        return cast(_Server, self.server)

    def setup(self) -> None:
        super().setup()
        with self.owner.lock:
            self.owner.open_connections.add(self.connection)

    def finish(self) -> None:
        with self.owner.lock:
            self.owner.open_connections.discard(self.connection)
        super().finish()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        request = RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.owner.recorder.record(request)
        self.send(self.owner.recorder.answer(to_call(request)))

    def do_GET(self) -> None:
        request = RecordedRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, b"")
        self.owner.recorder.record(request)
        self.send(self.owner.recorder.answer(Call(urlsplit(self.path).path, {}, method="GET")))

    def do_DELETE(self) -> None:
        request = RecordedRequest("DELETE", self.path, {k.lower(): v for k, v in self.headers.items()}, b"")
        self.owner.recorder.record(request)
        self.send(self.owner.recorder.answer(Call(urlsplit(self.path).path, {}, method="DELETE")))

    def send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("content-type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.events is None:
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for event in reply.events:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean; the recorder is the log."""


class FakeUpstream:
    """The fake upstream server and its record of requests; use as a context manager or call start/stop.

    `answer` makes each reply (fake_api.answer unless given: tests/frameworks adds what agents need)."""

    def __init__(self, answer: Callable[[Call], Reply] = answer) -> None:
        self.answer = answer
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL without a version segment, e.g. `http://127.0.0.1:PORT`."""
        if self._server is None:
            raise RuntimeError("FakeUpstream is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (query string aside) equals `path`."""
        return [r for r in self.requests if urlsplit(r.path).path == path]

    def last(self, path: str) -> RecordedRequest:
        found = self.requests_to(path)
        if not found:
            seen = sorted({r.path for r in self.requests})
            raise AssertionError(f"upstream got no request to {path}; it got: {seen}")
        return found[-1]

    def start(self) -> FakeUpstream:
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-upstream", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        # Idle keep-alive connections would leave handler threads blocked in recv() forever.
        with server.lock:
            for connection in server.open_connections:
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeUpstream:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
