"""`FakeProxy`: the fake gateway's HTTP server, its script of answers and its record of requests (`shim.testing`)."""

from __future__ import annotations

import contextlib
import functools
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

from shim.testing import _api as _fake_api
from shim.testing import _store as _fake_store
from shim.testing._recorded import RecordedRequest, ScriptedResponse
from shim.testing._store import FakeStore


class FakeProxy:
    """A LiteLLM-gateway look-alike on 127.0.0.1, started in a thread.

    Args:
        api_key: the key the gateway accepts; requests with another bearer token get a 401.
        accept_any_key: accept every non-empty bearer token (for multi-tenant tests).
        stream_chunk_delay: seconds to wait between SSE chunks.
    """

    def __init__(
        self,
        *,
        api_key: str = "sk-fake-proxy-key",
        accept_any_key: bool = False,
        stream_chunk_delay: float = 0.0,
    ) -> None:
        self.api_key = api_key
        self.accept_any_key = accept_any_key
        self.stream_chunk_delay = stream_chunk_delay
        self.requests: list[RecordedRequest] = []
        self.store = FakeStore()
        """Uploaded files, batches and stored responses, by id."""
        self.connections_opened = 0
        self._script: deque[ScriptedResponse] = deque()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"FakeProxy(url={self.url if self._server else None!r})"

    @property
    def url(self) -> str:
        """Base URL of the running server, without `/v1` (the gateway serves both)."""
        if self._server is None:
            raise RuntimeError("FakeProxy is not running: use it as a context manager or call start()")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def connections_open(self) -> int:
        """How many client connections the server holds right now (idle keep-alive ones included)."""
        server = self._server
        if server is None:
            return 0
        with server.open_lock:
            return len(server.open)

    def start(self) -> FakeProxy:
        """Start serving in a daemon thread; returns self."""
        if self._server is None:
            self._server = _Server(self)
            serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
            self._thread = threading.Thread(target=serve, name="FakeProxy", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and close every connection it holds."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.close_all()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def respond(
        self,
        status: int = 200,
        *,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        times: int = 1,
        delay: float = 0.0,
        action: Literal["answer", "reset", "cut"] = "answer",
    ) -> None:
        """Answer the next `times` requests with this status, headers and body instead of the normal reply.

        With `body=None` an error status gets an OpenAI-style error body, and a 200 the normal reply.
        """
        scripted = ScriptedResponse(status, dict(headers or {}), body, delay, action)
        with self._lock:
            self._script.extend([scripted] * times)

    def clear(self) -> None:
        """Forget recorded requests, pending scripted answers and stored files, batches and responses."""
        with self._lock:
            self.requests.clear()
            self._script.clear()
            self.store = FakeStore()

    def record(self, request: RecordedRequest) -> ScriptedResponse | None:
        """Record a request; return the scripted answer for it, if any."""
        with self._lock:
            self.requests.append(request)
            return self._script.popleft() if self._script else None

    def key_ok(self, request: RecordedRequest) -> bool:
        """Whether the request carries a key this gateway accepts."""
        key = request.api_key
        return bool(key) if self.accept_any_key else key == self.api_key


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops connects under load: a 1 s SYN retry each
    block_on_close = False

    def __init__(self, proxy: FakeProxy) -> None:
        self.proxy = proxy
        self.open: set[socket.socket] = set()
        self.open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        # Headers and body go out in separate writes: without this, Nagle and delayed ACKs add 40 ms a call.
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.open_lock:
            self.open.add(conn)
            self.proxy.connections_opened += 1
        return conn, addr

    def shutdown_request(self, request: Any) -> None:
        with self.open_lock:
            self.open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout test, an abandoned stream) is normal here; anything else is reported."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def close_all(self) -> None:
        # Handler threads blocked on idle keep-alive connections wake up once their socket is shut down.
        with self.open_lock:
            for conn in self.open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server  # pyright: ignore[reportIncompatibleVariableOverride]  # always ours

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read `FakeProxy.requests` instead."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        path, _, query = self.path.partition("?")
        request = RecordedRequest(self.command, path, headers, body, query)
        proxy = self.server.proxy
        scripted = proxy.record(request)
        if scripted is not None and scripted.delay:
            time.sleep(scripted.delay)
        if scripted is not None and scripted.action == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if scripted is not None and (scripted.status != 200 or scripted.body is not None):
            self._send_scripted(scripted)
        elif not proxy.key_ok(request):
            self._send_json(401, _fake_api.error_body(401, "Authentication Error, invalid proxy server token."))
        else:
            delay = proxy.stream_chunk_delay
            reply = _fake_store.answer(request, proxy.store, delay) or _fake_api.answer(request, delay)
            self._send_reply(reply, scripted)

    def _send_reply(self, reply: _fake_api.Reply, scripted: ScriptedResponse | None) -> None:
        extra = dict(scripted.headers) if scripted else {}
        if isinstance(reply.body, Iterator):
            self._send_stream(reply.status, reply.body, extra, cut=scripted is not None and scripted.action == "cut")
        else:
            self._send_bytes(reply.status, reply.body, reply.content_type, extra)

    def _send_scripted(self, scripted: ScriptedResponse) -> None:
        if scripted.body is None:
            body = json.dumps(_fake_api.error_body(scripted.status, HTTPStatus(scripted.status).phrase)).encode()
        elif isinstance(scripted.body, bytes):
            body = scripted.body
        else:
            body = json.dumps(scripted.body).encode()
        content_type = scripted.headers.get("content-type", "application/json")
        if scripted.action == "cut":
            self._send_head(scripted.status, content_type, len(body), scripted.headers)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send_bytes(scripted.status, body, content_type, scripted.headers)

    def _send_json(self, status: int, payload: Any) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), "application/json", {})

    def _send_head(self, status: int, content_type: str, length: int | None, extra: Mapping[str, str]) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        if length is not None:
            self.send_header("content-length", str(length))
        for name, value in {**_fake_api.gateway_headers(), **extra}.items():
            if name.lower() != "content-type":
                self.send_header(name, value)
        self.end_headers()

    def _send_bytes(self, status: int, body: bytes, content_type: str, extra: Mapping[str, str]) -> None:
        self._send_head(status, content_type, len(body), extra)
        self.wfile.write(body)

    def _send_stream(self, status: int, events: Iterator[bytes], extra: Mapping[str, str], *, cut: bool) -> None:
        self._send_head(status, "text/event-stream", None, {**extra, "transfer-encoding": "chunked"})
        try:
            for index, event in enumerate(events):
                if cut and index == 2:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
