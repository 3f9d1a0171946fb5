"""The reliability suite: faults, bad responses, bad input, load, leaks, secrets, lifecycle, with figures.

Every test here is marked `reliability` and may record figures (counts, never timings) through the `figures`
fixture; at the end of the session they are written to `build/reliability.json` (`-soak.json` for a soak), from which
`python -m tests.reliability.report` rewrites RELIABILITY.md. `SHIM_SOAK=1` (read once, at import, because the
repository's autouse fixture clears every `SHIM_*` variable for each test) makes the load and leak tests longer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shim.testing import FakeProxy

from .figures import Figures

SOAK = os.environ.get("SHIM_SOAK", "") not in ("", "0")
FIGURES = Figures(soak=SOAK)
_HERE = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reliability: the reliability suite (faults, load, leaks, secrets)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.reliability)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if FIGURES.sections:
        path = session.config.rootpath / "build" / ("reliability-soak.json" if SOAK else "reliability.json")
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(FIGURES.as_dict(), indent=2, sort_keys=True) + "\n")


@pytest.fixture
def figures() -> Figures:
    """The session's figures: `figures.add(section, name, n)` and `figures.set(section, name, value)`."""
    return FIGURES


@pytest.fixture
def multi() -> Iterator[FakeProxy]:
    """A gateway that accepts every tenant's key."""
    with FakeProxy(accept_any_key=True) as running:
        yield running
