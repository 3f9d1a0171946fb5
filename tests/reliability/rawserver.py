"""A tiny raw-socket HTTP server for faults below what FakeProxy scripts: a TCP reset, a broken status line.

Each connection serves one request (the answer says `connection: close`). `script(bytes, end=...)` queues what
the next request gets: these exact bytes, then a FIN ("close"), a TCP RST ("rst") or silence until the server
stops ("hang"). With nothing queued, a request gets a valid chat completion.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from collections import deque
from typing import Literal

End = Literal["close", "rst", "hang"]

_OK_BODY = json.dumps(
    {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
    }
).encode()


def http_response(status: int, body: bytes, content_type: str = "application/json", length: int | None = None) -> bytes:
    """The bytes of an HTTP/1.1 response; `length` lets a test announce more than it sends."""
    head = (
        f"HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\n"
        f"content-length: {len(body) if length is None else length}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class RawServer:
    """Serves scripted bytes on 127.0.0.1; counts the requests it read (`requests`)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self._script: deque[tuple[bytes, End]] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.requests = 0
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def script(self, payload: bytes, *, end: End = "close", times: int = 1) -> None:
        with self._lock:
            self._script.extend([(payload, end)] * times)

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._serve, name="RawServer", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            if not self._read_request(conn):
                return
            with self._lock:
                self.requests += 1
                payload, end = self._script.popleft() if self._script else (http_response(200, _OK_BODY), "close")
            with contextlib.suppress(OSError):
                conn.sendall(payload)
                if end == "rst":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif end == "hang":
                    self._stop.wait()
                else:
                    conn.shutdown(socket.SHUT_WR)

    @staticmethod
    def _read_request(conn: socket.socket) -> bool:
        conn.settimeout(5)
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return False
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                ),
                0,
            )
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return False
                body += chunk
            return True
        return False
