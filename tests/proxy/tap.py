"""A recording TCP relay in front of the proxy: what a client library really sent, byte for byte.

The fake upstream only sees what the proxy forwards, and the proxy rewrites requests (model names, metadata,
rerank paths). The differential test needs what LiteLLM's SDK and shim sent to the proxy, so both talk to this
relay, which passes every byte through unchanged (streams too) and parses the client's side into requests.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit

from .upstream import RecordedRequest


def parse_requests(buffer: bytearray) -> list[RecordedRequest]:
    """Take every complete HTTP/1.1 request off the front of `buffer` (Content-Length or chunked bodies)."""
    found: list[RecordedRequest] = []
    while (parsed := parse_one(bytes(buffer))) is not None:
        request, used = parsed
        del buffer[:used]
        found.append(request)
    return found


def parse_one(data: bytes) -> tuple[RecordedRequest, int] | None:
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head, *lines = data[:end].decode("latin-1").split("\r\n")
    method, target, _version = head.split(" ", 2)
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    start = end + 4
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = dechunk(data, start)
        if body is None:
            return None
        content, used = body
    else:
        size = int(headers.get("content-length") or 0)
        if len(data) < start + size:
            return None
        content, used = data[start : start + size], start + size
    return RecordedRequest(method, urlsplit(target).path, headers, content), used


def dechunk(data: bytes, at: int) -> tuple[bytes, int] | None:
    body = b""
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(data[at:line_end].split(b";")[0], 16)
        at = line_end + 2
        if len(data) < at + size + 2:
            return None
        body, at = body + data[at : at + size], at + size + 2
        if size == 0:
            return body, at


class Tap:
    """Listen on a free loopback port and relay each connection to `target` (`http://127.0.0.1:PORT`)."""

    def __init__(self, target: str) -> None:
        split = urlsplit(target)
        self.target = (split.hostname or "127.0.0.1", split.port or 80)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, name="proxy-tap", daemon=True)
        self._thread.start()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._sockets |= {client, server}
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        buffer = bytearray()
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if record:
                    buffer += data
                    found = parse_requests(buffer)
                    with self._lock:
                        self._requests += found
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join(timeout=5)
