"""The async twin of a sync endpoint, made from the sync function's parameters: its signature is written once.

The twin binds its arguments to the sync function's signature and hands them, by name, to the same preparer the
sync function sends through `result`; it awaits `aresult` instead. Type checkers see the sync function's
parameters (`ParamSpec`) and return type; `inspect.signature` and `help()` see them too (through `__wrapped__`),
and the twin keeps its own docstring.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from shim._call import Call
from shim._request import aresult

P = ParamSpec("P")
R = TypeVar("R")


def asynchronous(
    sync: Callable[P, R], prepare: Callable[..., Call[R, Any]]
) -> Callable[[Callable[..., object]], Callable[P, Coroutine[Any, Any, R]]]:
    """Decorator: the async twin of `sync`, named and documented by the decorated stub.

    `prepare` takes the sync function's parameters by name (the `**kwargs` ones as one dict, `kwargs`) and returns
    the call to send; the stub's body is not run.
    """
    signature = inspect.signature(sync)
    inspect.signature(prepare).bind(**dict.fromkeys(signature.parameters))  # names that drift apart fail at import

    def twin_of(stub: Callable[..., object]) -> Callable[P, Coroutine[Any, Any, R]]:
        async def twin(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return await aresult(prepare(**bound.arguments))

        functools.update_wrapper(twin, stub)  # the stub's name and docstring
        functools.update_wrapper(twin, sync, assigned=(), updated=())  # `__wrapped__`: the sync signature
        return twin

    return twin_of
