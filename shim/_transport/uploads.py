"""Uploads sent in pieces as the request is written, never read whole into memory first.

The HTTP client streams a multipart file part from a file object: it asks its length (to send `Content-Length`),
seeks to its start for each attempt (so a retry sends it whole again) and reads it 64 KiB at a time. An open
binary file that can seek is sent that way as it is (as raw openai does); a path becomes a `PathUpload`, which
opens the file only while a request reads it. A file that cannot seek (a pipe) is read whole, once, so that a
retry can send it again.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any


class PathUpload(io.RawIOBase):
    """A file named by its path, read in pieces as a request is written: opened at the first read of an attempt,
    closed when read to its end (or when this object goes)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._file: io.BufferedReader | None = None
        self._position = 0

    def __repr__(self) -> str:
        return f"PathUpload({str(self._path)!r})"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            position = offset
        elif whence == os.SEEK_CUR:
            position = self._position + offset
        else:
            position = self._path.stat().st_size + offset
        if self._file is not None:
            self._file.seek(position)
        self._position = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self._file is None:
            self._file = self._path.open("rb")
            self._file.seek(self._position)
        count = self._file.readinto(buffer)
        self._position += count
        if not count:
            self._release()
        return count

    def close(self) -> None:
        self._release()
        super().close()

    def _release(self) -> None:
        file, self._file = self._file, None
        if file is not None:
            file.close()


def streamable(file: object) -> bool:
    """Whether an open file can be sent in pieces: a binary `io` object that can seek back to its start."""
    if not isinstance(file, io.IOBase) or isinstance(file, io.TextIOBase):
        return False
    try:
        return file.seekable()
    except (OSError, ValueError):  # closed, or an object that cannot tell
        return False
