"""Many gateways on one loopback port: `http://127.0.0.1:<port>/g<n>` is gateway n, and each answers a chat completion.

FakeProxy serves one base URL; a service that talks to hundreds of gateways (one per region or team) is what the
client cache's LRU is for. Connections are kept alive (HTTP/1.1) and counted at the server, which sees every close.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .rawserver import _OK_BODY  # pyright: ignore[reportPrivateUsage]  # the same valid answer


class ManyGateways(ThreadingHTTPServer):
    """Any path ending in /chat/completions gets a valid answer; `connections_open` counts live connections."""

    daemon_threads = True
    request_queue_size = 256
    block_on_close = False

    def __init__(self) -> None:
        self.open: set[socket.socket] = set()
        self.opened = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self._thread: threading.Thread | None = None

    def base_url(self, n: int) -> str:
        return f"{self.url}/g{n}"

    @property
    def connections_open(self) -> int:
        with self.lock:
            return len(self.open)

    def __enter__(self) -> ManyGateways:
        serve = functools.partial(self.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, name="ManyGateways", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        with self.lock:
            for conn in self.open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.lock:
            self.open.add(conn)
            self.opened += 1
        return conn, addr

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            self.open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up is normal here."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        ok = self.path.endswith("/chat/completions")
        body = _OK_BODY if ok else b'{"error": {"message": "not found"}}'
        self.send_response(200 if ok else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
