"""The client cache's table of event loops, each loop's entry kept on the loop itself.

An entry (a loop's clients, their pools and sockets) refers to its loop, so a table holding entries would keep every
loop alive, and a loop closed with `loop.close()` (not `asyncio.run`, whose shutdown drops the entry) would stay,
with a connection, until something noticed it was closed. Kept as an attribute of the loop, an entry is reachable
only from its loop: when the program lets go of a closed loop, both are collected. Loops that take no attribute
(an event loop written in C, such as uvloop's) are held in a plain dict instead, until their shutdown or until they
are found closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import weakref
from typing import Generic, TypeVar

V = TypeVar("V")
Loop = asyncio.AbstractEventLoop

_TABLES = itertools.count()


class LoopTable(Generic[V]):
    """A mapping of event loops to entries that does not keep a loop alive (where the loop takes attributes)."""

    def __init__(self) -> None:
        self._attribute = f"_shim_loop_entry_{next(_TABLES)}"  # one per table: two caches never share entries
        self._loops: weakref.WeakSet[Loop] = weakref.WeakSet()
        self._held: dict[Loop, V] = {}

    def __len__(self) -> int:
        return len(self._loops) + len(self._held)

    def get(self, loop: Loop) -> V | None:
        """The loop's entry, or None."""
        found: V | None = getattr(loop, self._attribute, None)
        return found if found is not None or not self._held else self._held.get(loop)

    def set(self, loop: Loop, entry: V) -> None:
        """Give the loop its entry."""
        try:
            setattr(loop, self._attribute, entry)
            self._loops.add(loop)
        except (AttributeError, TypeError):  # no instance attributes, or no weak references
            with contextlib.suppress(AttributeError):
                delattr(loop, self._attribute)
            self._held[loop] = entry

    def pop(self, loop: Loop) -> V | None:
        """Take the loop's entry away; None if it had none."""
        entry = self._held.pop(loop, None)
        if entry is None:
            entry = getattr(loop, self._attribute, None)
            with contextlib.suppress(AttributeError):
                delattr(loop, self._attribute)
        self._loops.discard(loop)
        return entry

    def items(self) -> list[tuple[Loop, V]]:
        """Every loop with an entry, and its entry."""
        pairs = [(loop, self.get(loop)) for loop in list(self._loops)] + list(self._held.items())
        return [(loop, entry) for loop, entry in pairs if entry is not None]

    def reset(self) -> None:
        """Forget every entry without touching them (a forked child: its loops' entries are its parent's)."""
        self._attribute = f"_shim_loop_entry_{next(_TABLES)}"
        self._loops = weakref.WeakSet()
        self._held = {}
