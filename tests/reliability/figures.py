"""Figures the reliability suite records: counts and sizes from real runs, never timings."""

from __future__ import annotations

import platform
from typing import Any


class Figures:
    """Named counters and values, grouped by section, in the order they were first recorded."""

    def __init__(self, *, soak: bool) -> None:
        self.soak = soak
        self.sections: dict[str, dict[str, Any]] = {}

    def add(self, section: str, name: str, n: int = 1) -> None:
        values = self.sections.setdefault(section, {})
        values[name] = values.get(name, 0) + n

    def set(self, section: str, name: str, value: Any) -> None:
        self.sections.setdefault(section, {})[name] = value

    def as_dict(self) -> dict[str, Any]:
        import openai

        from shim import _http

        return {
            "environment": {
                "python": platform.python_version(),
                "openai": openai.__version__,
                "http": f"{_http.NAME} {_http.version()}",
                "machine": f"{platform.system()} {platform.machine()}",
                "soak": self.soak,
            },
            "sections": self.sections,
        }


def rss_bytes() -> int:
    """This process's resident set size, from /proc (Linux); 0 where there is no /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
