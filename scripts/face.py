"""Write the package face's type stub, `shim/__init__.pyi`, from the table of public names (`shim/_public.py`).

    python scripts/face.py          # rewrite shim/__init__.pyi
    python scripts/face.py --check  # exit 1 if shim/__init__.pyi is not what this writes

Each public name is written once: in `shim._public.PUBLIC` (lazily loaded names), the face itself (the package
settings, with their types and docstrings) or `shim.exceptions.__all__`. At run time the face loads each name from the
table (`shim/__init__.py`); type checkers and editors read this stub, written from the same table and formatted
by ruff as the rest of the code.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
STUB = ROOT / "shim" / "__init__.pyi"
HEADER = '"""The type stub of `shim`: written by scripts/face.py from shim/_public.py; do not edit by hand."""\n\n'


def generated() -> str:
    sys.path.insert(0, str(ROOT))
    from shim import _public, exceptions

    lines = ["from typing import Any", "", "from shim import types as types"]
    by_module: dict[str, list[str]] = {"shim.exceptions": list(exceptions.__all__)}
    renamed: list[str] = []
    for name, (module, attribute) in _public.WHERE.items():
        if attribute == name:
            by_module.setdefault(module, []).append(name)
        else:  # a stub re-exports only `import x as x`: the other name is an alias of a private import
            lines.append(f"from {module} import {attribute} as _{attribute}")
            renamed += [f"{name} = _{attribute}", f'"""{_attribute_doc(module, attribute)}"""']
    for module in sorted(by_module):
        lines += [f"from {module} import {name} as {name}" for name in sorted(by_module[module])]
    lines += ["", *renamed]
    lines.append("")
    for field, annotation, doc in _setting_docs(ROOT / "shim" / "__init__.py"):
        lines += [f"{field}: {annotation}", f'"""{doc}"""']
    lines += [
        "",
        "def close() -> None: ...",
        "async def aclose() -> None: ...",
        "def _turn_on_debug() -> None: ...",
    ]
    return HEADER + "\n".join(lines) + "\n"


def _attribute_doc(module: str, attribute: str) -> str:
    """The docstring under a module attribute's assignment (`CACHE = ...` then its string)."""
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text())
    for node, after in zip(tree.body, tree.body[1:], strict=False):
        targets = node.targets if isinstance(node, ast.Assign) else []
        named = any(isinstance(target, ast.Name) and target.id == attribute for target in targets)
        if named and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            return str(after.value.value)
    raise LookupError(f"{module}.{attribute} has no docstring under its assignment")


def _setting_docs(face: Path) -> list[tuple[str, str, str]]:
    """Each package setting the face declares: its name, its type, and its docstring (the string under it)."""
    tree = ast.parse(face.read_text())
    found: list[tuple[str, str, str]] = []
    for field, after in zip(tree.body, tree.body[1:], strict=False):
        named = isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)
        if named and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            assign = cast("ast.AnnAssign", field)
            found.append((cast("ast.Name", assign.target).id, ast.unparse(assign.annotation), str(after.value.value)))
    return found


def formatted(text: str) -> str:
    """`text` as ruff writes the project's code."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "__init__.pyi"
        path.write_text(text)
        config = ["--config", str(ROOT / "pyproject.toml")]
        ruff = [sys.executable, "-m", "ruff"]
        subprocess.run([*ruff, "check", "-q", *config, "--fix", str(path)], check=True)
        subprocess.run([*ruff, "format", "-q", *config, str(path)], check=True)
        return path.read_text()


def main() -> int:
    wanted = formatted(generated())
    if "--check" in sys.argv:
        if not STUB.exists() or STUB.read_text() != wanted:
            print("shim/__init__.pyi is not current: run python scripts/face.py")
            return 1
        return 0
    STUB.write_text(wanted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
