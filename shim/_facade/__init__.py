"""`shim.as_litellm()`: `import litellm` and `from litellm.x import y` give a LiteLLM-shaped facade of shim.

For frameworks that embed LiteLLM's SDK (DSPy, Google ADK, CrewAI, the OpenAI Agents SDK, smolagents, instructor):
they run unchanged on shim, even with the real litellm installed, which is then never imported.

How: a meta-path finder placed first on `sys.meta_path` loads `litellm` and `litellm.<sub>` from the files in
`shim/_facade/litellm/` under LiteLLM's names, as real modules (a `__spec__` with a loader, so
`importlib.util.find_spec("litellm")` finds them). Each only re-exports shim's objects, so a class is one object
whichever path imports it. The classes those modules hand out then report them as their `__module__`
(`litellm.exceptions.AuthenticationError`, `litellm.types.utils.ModelResponse`), as code that checks where a class
comes from expects (CrewAI re-raises only errors from a `litellm` module; DSPy recognises stream chunks so), and
as pickle then finds them. A submodule the facade has no file for is not found (`ModuleNotFoundError`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import threading
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

from shim._facade._shared import exported, settings
from shim._observe.callbacks import STRING_CALLBACKS
from shim._router import check_api_key, normalize_base_url
from shim.exceptions import ConfigError

NAME = "litellm"
ROOT = Path(__file__).resolve().parent / NAME
"""The facade's module tree: `litellm/types/utils.py` here is `litellm.types.utils`."""

# Where each class the facade hands out says it lives: the first of these modules that exports it.
HOMES = (
    "litellm.exceptions",
    "litellm.types.utils",
    "litellm.integrations.custom_logger",
    "litellm.caching",
    "litellm.types.llms.openai",
)
_LOCK = threading.Lock()


class FacadeFinder(importlib.abc.MetaPathFinder):
    """Finds `litellm` and `litellm.*` in the facade's module tree, ahead of every other finder."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The facade's spec for `fullname`, None for other names and for a submodule it does not have."""
        if fullname != NAME and not fullname.startswith(NAME + "."):
            return None
        place = ROOT.joinpath(*fullname.split(".")[1:])
        if (place / "__init__.py").is_file():
            return importlib.util.spec_from_file_location(
                fullname, place / "__init__.py", submodule_search_locations=[str(place)]
            )
        if place != ROOT and place.with_suffix(".py").is_file():
            return importlib.util.spec_from_file_location(fullname, place.with_suffix(".py"))
        return None


def is_facade(module: object) -> bool:
    """Whether `module` is one of the facade's modules (not the real litellm's, nor an alias)."""
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    return isinstance(origin, str) and Path(origin).resolve().is_relative_to(ROOT)


def as_litellm(api_base: str | None = None, api_key: str | None = None) -> ModuleType:
    """Make `import litellm` (and every `from litellm... import`) give shim's LiteLLM facade, for the rest of the
    process, even when the real litellm is installed. Call it first thing, before importing the framework.

    `api_base` and `api_key`, if given, become the gateway defaults (`shim.api_base`, `shim.api_key`); calls
    still take `api_base`/`base_url` and `api_key`, and LITELLM_PROXY_API_BASE/LITELLM_PROXY_API_KEY apply as
    always. Settings assigned on the facade are shim's (`litellm.callbacks = [...]` is `shim.callbacks`).
    Calling it again changes nothing but the defaults given. `litellm.Router` is `shim.Router` (gateway models).

    Returns:
        The facade's `litellm` module.

    Raises:
        RuntimeError: the real litellm (or another module under that name) was imported already.
        ConfigError: `api_base` or `api_key` is malformed (nothing is changed then).

    Example:
        >>> import shim
        >>> shim.as_litellm(api_base="http://localhost:4000", api_key="sk-1234")
        >>> import dspy  # its LiteLLM calls now run on shim
        >>> dspy.configure(lm=dspy.LM("litellm_proxy/my-model"))
    """
    _check(api_base, api_key)
    with _LOCK:
        _refuse_other_litellm()
        finder = next((f for f in sys.meta_path if isinstance(f, FacadeFinder)), None)
        if finder is None:
            finder = FacadeFinder()
            sys.meta_path.insert(0, finder)
        try:
            module = importlib.import_module(NAME)
            _give_homes()
        except BaseException:  # nothing half-done: `import litellm` finds what it found before
            sys.meta_path.remove(finder)
            raise
        STRING_CALLBACKS.skip = True
    if api_base is not None:
        settings().api_base = api_base
    if api_key is not None:
        settings().api_key = api_key
    return module


def _check(api_base: object, api_key: object) -> None:
    """The defaults given, checked before anything changes (ConfigError naming the fix)."""
    for name, value in (("api_base", api_base), ("api_key", api_key)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"as_litellm({name}=...) takes the gateway's {name} as a non-empty string, or None")
    if isinstance(api_base, str):
        normalize_base_url(api_base)
    if isinstance(api_key, str):
        check_api_key(api_key)


def _refuse_other_litellm() -> None:
    loaded = sorted(
        name
        for name, module in list(sys.modules.items())
        if (name == NAME or name.startswith(NAME + ".")) and not is_facade(module)
    )
    if loaded:
        raise RuntimeError(
            f"{loaded[0]!r} was imported before shim.as_litellm() ({len(loaded)} litellm modules loaded), and a "
            "module cannot be swapped under code that holds it: call shim.as_litellm() first, before importing "
            "the framework, or run the program with `python -m shim.autopatch --as-litellm app.py`"
        )


def _give_homes() -> None:
    for home in HOMES:
        module = importlib.import_module(home)
        for name in exported(module):
            value = getattr(module, name)
            if isinstance(value, type) and value.__module__.split(".")[0] == "shim":
                value.__module__ = home
