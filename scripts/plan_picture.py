"""Draw shim's package plan from its own imports: docs/plan.png.

    python scripts/plan_picture.py            # needs matplotlib (the `bench` extra)

Each box is a family folder or a module flat under `shim/` (its width grows with its lines); a box stands above
everything it imports, and an arrow is an import between two boxes. Imports inside a box are not drawn.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "shim"
OUT = ROOT / "docs" / "plan.png"


def room(path: Path) -> str:
    """The box a module belongs to: its family folder, or itself when flat."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] + "/" if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph() -> tuple[dict[str, set[str]], dict[str, int]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    rooms = {module_name(path): room(path) for path in paths}
    edges: dict[str, set[str]] = defaultdict(set)
    lines: dict[str, int] = defaultdict(int)
    for path in paths:
        here = room(path)
        lines[here] += len(path.read_text().splitlines())
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from shim import _http` imports the module `shim._http`; `from shim._x import name` imports `shim._x`
                targets = [
                    f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in rooms else node.module
                    for alias in node.names
                ]
            for target in targets:
                there = rooms.get(target)
                if there is not None and there != here:
                    edges[here].add(there)
    # The face loads every public name on first use, from the modules its table names.
    sys.path.insert(0, str(ROOT))
    from shim import _public

    edges["__init__.py"] |= {rooms[module] for module, _ in _public.WHERE.values()} - {"__init__.py"}
    return edges, lines


def floors(edges: dict[str, set[str]], rooms: list[str]) -> dict[str, int]:
    """Each room's floor: one above the highest room it imports (the plan has no circle)."""
    floor: dict[str, int] = {}

    def height(name: str, seen: tuple[str, ...] = ()) -> int:
        if name not in floor:
            below = [height(other, (*seen, name)) for other in edges.get(name, ()) if other not in seen]
            floor[name] = 1 + max(below, default=-1)
        return floor[name]

    for name in rooms:
        height(name)
    return floor


def main() -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    edges, lines = graph()
    rooms = sorted(lines)
    floor = floors(edges, rooms)
    levels: dict[int, list[str]] = defaultdict(list)
    for name in rooms:
        levels[floor[name]].append(name)
    top = max(levels)
    figure, axes = plt.subplots(figsize=(16, 1.1 * (top + 1) + 1.5))
    where: dict[str, tuple[float, float, float]] = {}
    for level, names in levels.items():
        names.sort(key=lambda name: (-lines[name], name))
        widths = [1.25 + lines[name] / 900 for name in names]
        x = (16 - (sum(widths) + 0.25 * (len(names) - 1))) / 2
        for name, width in zip(names, widths, strict=True):
            y = level * 1.1
            folder = name.endswith("/")
            axes.add_patch(
                FancyBboxPatch(
                    (x, y), width, 0.6, boxstyle="round,pad=0.02", linewidth=2 if folder else 1,
                    edgecolor="#1f5f9f" if folder else "#555", facecolor="#dbe8f5" if folder else "#f2f2f2",
                )
            )  # fmt: skip
            axes.text(x + width / 2, y + 0.38, name, ha="center", va="center", fontsize=8, weight="bold")
            axes.text(x + width / 2, y + 0.14, f"{lines[name]} lines", ha="center", va="center", fontsize=7)
            where[name] = (x, y, width)
            x += width + 0.25
    for source, targets in edges.items():
        sx, sy, sw = where[source]
        for target in targets:
            tx, ty, tw = where[target]
            axes.annotate(
                "", xy=(tx + tw / 2, ty + 0.62), xytext=(sx + sw / 2, sy - 0.02),
                arrowprops={"arrowstyle": "->", "color": "#8899aa", "lw": 0.7, "alpha": 0.7},
            )  # fmt: skip
    axes.set_xlim(0, 16)
    axes.set_ylim(-0.3, top * 1.1 + 1.0)
    axes.axis("off")
    total = sum(lines.values())
    axes.set_title(
        f"shim's plan, from its imports: {len(rooms)} rooms ({sum(n.endswith('/') for n in rooms)} family folders, "
        f"blue), {total:,} lines; a room stands above what it imports",
        fontsize=11,
    )
    OUT.parent.mkdir(exist_ok=True)
    figure.savefig(OUT, dpi=110, bbox_inches="tight")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
