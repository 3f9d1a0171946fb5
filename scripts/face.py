"""Write the package face's generated part from the table of public names (`shim/_public.py`).

    python scripts/face.py          # rewrite shim/__init__.py
    python scripts/face.py --check  # exit 1 if shim/__init__.py is not what this writes

Each public name is written once, in `shim._public.PUBLIC` (lazily loaded names), `shim._settings.Settings` (the
package settings) or `shim.exceptions.__all__`; the face's `TYPE_CHECKING` imports (what type checkers and
editors read) and its `__all__` are written here from them, then formatted by ruff as the rest of the code.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACE = ROOT / "shim" / "__init__.py"
START = "# --- written by scripts/face.py from shim/_public.py: do not edit by hand ---\n"
END = "# --- end of what scripts/face.py writes ---\n"
# Defined by the face itself.
OWN = ("__version__", "aclose", "close", "types")


def generated() -> str:
    sys.path.insert(0, str(ROOT))
    from shim import _public, _settings, exceptions

    lines = ["if TYPE_CHECKING:", "    from shim import types"]
    by_module: dict[str, list[str]] = {}
    for name, (module, attribute) in _public.WHERE.items():
        by_module.setdefault(module, []).append(attribute if attribute == name else f"{attribute} as {name}")
    for module in sorted(by_module):
        names = ", ".join(sorted(by_module[module]))
        lines.append(f"    from {module} import {names}")
    names = sorted({*_public.WHERE, *_settings.NAMES, *exceptions.__all__, *OWN})
    lines += ["", "__all__ = ["] + [f'    "{name}",' for name in names] + ["]"]
    return START + "\n".join(lines) + "\n" + END


def written(text: str) -> str:
    """The face with its generated part replaced, formatted as ruff formats the project."""
    start, end = text.index(START), text.index(END) + len(END)
    face = text[:start] + generated() + text[end:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "__init__.py"
        path.write_text(face)
        config = ["--config", str(ROOT / "pyproject.toml")]
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run([*ruff, "check", "-q", *config, "--select", "I", "--fix", str(path)], check=True)
        subprocess.run([*ruff, "format", "-q", *config, str(path)], check=True)
        return path.read_text()


def main() -> int:
    current = FACE.read_text()
    wanted = written(current)
    if "--check" in sys.argv:
        if wanted != current:
            print("shim/__init__.py is not current: run python scripts/face.py")
            return 1
        return 0
    FACE.write_text(wanted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
