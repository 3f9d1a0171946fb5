"""The two calls into wrapt, typed once (wrapt ships no type information), for every wrapt from 1.14 on.

wrapt 2.4 added `unwrap_object`, which restores exactly what `wrap_function_wrapper` replaced. Earlier releases
(all of 1.x, which much of the ecosystem still pins, e.g. OpenTelemetry instrumentations) have no remover, so
`unwrap` does its job for the one case the shim needs: a function wrapper the shim installed on a class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import wrapt  # pyright: ignore[reportMissingTypeStubs]

__all__ = ["Wrapper", "unwrap", "wrap"]

Wrapper = Callable[[Callable[..., Any], Any, tuple[Any, ...], dict[str, Any]], Any]

wrap: Callable[[object, str, Wrapper], object] = wrapt.wrap_function_wrapper  # pyright: ignore[reportUnknownMemberType]

# wrapt 2 made ObjectProxy a subclass of BaseObjectProxy, which its function wrappers derive from.
_Proxy: type[Any] = getattr(wrapt, "BaseObjectProxy", wrapt.ObjectProxy)  # pyright: ignore[reportUnknownMemberType]


def _unwrap_before_2_4(owner: type, name: str, handle: Any, *, missing_ok: bool = False) -> object:
    """Remove the wrapper `handle` from `owner.name`, as wrapt 2.4's `unwrap_object` does.

    Outermost: the attribute goes back to the very function it wrapped (or is removed, when that function is
    inherited). Under other wrapt wrappers (another library patched the same method later): it is spliced out of
    the chain, theirs left in place.
    """
    current: Any = vars(owner).get(name)
    if current is handle:
        original = handle.__wrapped__
        delattr(owner, name)
        if _inherited(owner, name) is not original:
            setattr(owner, name, original)  # the function object itself, not a bound method
        return handle
    while isinstance(current, _Proxy):
        below: Any = current.__wrapped__
        if below is handle:
            current.__wrapped__ = handle.__wrapped__
            return handle
        current = below
    if missing_ok:
        return None
    raise LookupError(f"{owner.__qualname__}.{name} is not wrapped by {handle!r}")


def _inherited(owner: type, name: str) -> object:
    return next((vars(base)[name] for base in owner.__mro__ if name in vars(base)), None)


unwrap: Callable[..., object] = getattr(wrapt, "unwrap_object", _unwrap_before_2_4)
