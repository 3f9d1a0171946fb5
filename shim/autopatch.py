"""Run a program with `shim.patch_openai()` applied, for openai-SDK code you cannot edit, or with
`shim.as_litellm()` (`--as-litellm`), for code that calls LiteLLM's SDK (DSPy, CrewAI, ADK, ...).

    python -m shim.autopatch your_script.py [args...]
    python -m shim.autopatch -m your_package.module [args...]
    python -m shim.autopatch --as-litellm your_script.py [args...]
    python -m shim.autopatch --as-litellm -m your_package.module [args...]

The program runs as `__main__`, with `sys.argv` as if it had been started directly. Setting
`SHIM_PATCH_OPENAI=0` (or `false`, `no`, `off`) runs it unpatched, so a deployment can keep this entry point and
switch the routing off; `SHIM_AS_LITELLM=0` does the same for `--as-litellm` (the real litellm is then imported).
"""

from __future__ import annotations

import os
import runpy
import sys

ENV_SWITCH = "SHIM_PATCH_OPENAI"
ENV_FACADE_SWITCH = "SHIM_AS_LITELLM"
FACADE_FLAG = "--as-litellm"
_OFF = frozenset({"0", "false", "no", "off"})
_USAGE = "usage: python -m shim.autopatch [--as-litellm] (script.py | -m module) [args...]"


def main(argv: list[str] | None = None) -> int:
    """Patch (unless switched off) and run the program named by `argv`; return the exit status."""
    args = sys.argv[1:] if argv is None else argv
    facade = bool(args) and args[0] == FACADE_FLAG
    if facade:
        args = args[1:]
    if not args or args[0] in ("-h", "--help") or args == ["-m"]:
        print(_USAGE, file=sys.stderr)
        return 2
    if facade:
        if _on(ENV_FACADE_SWITCH):
            from shim._facade import as_litellm

            as_litellm()
    elif _on(ENV_SWITCH):
        from shim.patch import patch_openai

        patch_openai()
    if args[0] == "-m":
        sys.argv = args[1:]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(args)
        sys.path.insert(0, os.path.dirname(os.path.abspath(args[0])))  # as `python script.py` does
        runpy.run_path(args[0], run_name="__main__")
    return 0


def _on(switch: str) -> bool:
    return os.environ.get(switch, "1").strip().lower() not in _OFF


if __name__ == "__main__":
    sys.exit(main())
