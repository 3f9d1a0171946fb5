"""A framework's call on shim vs on LiteLLM: ``python -m bench.frameworks [--quick] [--write] [--python PATH]``.

DSPy's ``dspy.Predict("question -> answer")`` on ``litellm_proxy/m`` against ``bench.server`` (answering in DSPy's
chat format), DSPy's cache off, run two ways with the same DSPy: on ``shim.as_litellm()`` and on the real litellm.

- cold: a fresh process imports dspy (after ``shim.as_litellm()`` for shim), builds the LM and the predictor, and
  gets its first answer; wall time from the driver, peak RSS and modules loaded from the child. The contenders
  alternate, ``cold`` times each.
- per call: one process per contender makes ``warmup`` then ``calls`` predictions; p50 wall and client CPU.

It needs dspy and the real litellm: run it with the frameworks venv's interpreter (``make frameworks`` builds it;
``--python`` names another), from the repository root. ``make bench`` runs it after the main rows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench._report import write_section
from bench.observability import server

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PYTHON = REPO / ".venv-frameworks" / "bin" / "python"
ANSWER = "[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]"
CONTENDERS = ("shim", "litellm")

# The child: everything it does is what a DSPy user's program does, the two lines of the facade aside.
CHILD = """
import json, resource, sys, time
contender, url, warmup, calls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if contender == "shim":
    import shim
    shim.as_litellm()
import dspy
lm = dspy.LM("litellm_proxy/m", api_base=url, api_key="sk-bench", cache=False, num_retries=0)
dspy.configure(lm=lm)
predict = dspy.Predict("question -> answer")
assert predict(question="What is the capital of France?").answer == "Paris"
walls, cpus = [], []
for n in range(warmup + calls):
    cpu, wall = time.process_time(), time.perf_counter()
    predict(question="What is the capital of France?")
    if n >= warmup:
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
real = any(getattr(m, "__file__", None) and "site-packages/litellm/" in m.__file__ for m in list(sys.modules.values()))
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "modules": len(sys.modules),
                  "walls": walls, "cpus": cpus, "real_litellm": real}))
"""


@dataclass(frozen=True)
class Sizes:
    cold: int
    warmup: int
    calls: int


FULL = Sizes(cold=5, warmup=20, calls=200)
QUICK = Sizes(cold=2, warmup=3, calls=20)


@dataclass(frozen=True)
class Child:
    """What one child process reported, and its wall time seen from the driver."""

    wall: float
    rss_mb: float
    modules: int
    walls: list[float]
    cpus: list[float]


def _child(python: str, contender: str, url: str, warmup: int, calls: int) -> Child:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}  # else litellm's import fetches its cost map
    env = {name: value for name, value in env.items() if not name.startswith(("LITELLM_PROXY_", "OPENAI_"))}
    command = [python, "-c", CHILD, contender, url, str(warmup), str(calls)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd="/")
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{contender} failed:\n{done.stderr[-3000:]}")
    found = json.loads(done.stdout.splitlines()[-1])
    if found["real_litellm"] != (contender == "litellm"):
        raise RuntimeError(f"{contender}: the real litellm was {'not ' if contender == 'litellm' else ''}loaded")
    return Child(wall, float(found["rss_mb"]), int(found["modules"]), list(found["walls"]), list(found["cpus"]))


def run(python: str, sizes: Sizes) -> str:
    """Measure both contenders; return the markdown table."""
    cold: dict[str, list[Child]] = {name: [] for name in CONTENDERS}
    with server("--chat-content", ANSWER, python=python) as url:
        for turn in range(sizes.cold):
            for name in CONTENDERS if turn % 2 == 0 else CONTENDERS[::-1]:
                cold[name].append(_child(python, name, url, 0, 0))
        warm = {name: _child(python, name, url, sizes.warmup, sizes.calls) for name in CONTENDERS}
    rows = {
        "cold: first answer, wall (median)": {n: statistics.median(c.wall for c in cold[n]) * 1e3 for n in CONTENDERS},
        "cold: peak RSS (MB)": {n: statistics.median(c.rss_mb for c in cold[n]) for n in CONTENDERS},
        "cold: modules loaded": {n: float(cold[n][0].modules) for n in CONTENDERS},
        "per call: wall p50": {n: statistics.median(warm[n].walls) * 1e3 for n in CONTENDERS},
        "per call: client CPU p50": {n: statistics.median(warm[n].cpus) * 1e3 for n in CONTENDERS},
    }
    lines = [
        "### A framework's call: DSPy on shim vs on LiteLLM (`python -m bench.frameworks`)",
        "",
        f'`dspy.Predict("question -> answer")` on `litellm_proxy/m`, DSPy\'s cache off; cold: {sizes.cold} fresh '
        f"processes each, alternating; per call: {sizes.calls} calls after {sizes.warmup}, one process each.",
        "",
        "| | shim (`shim.as_litellm()`) | LiteLLM | LiteLLM / shim |",
        "|---|---|---|---|",
    ]
    for what, values in rows.items():
        unit = " ms" if "wall" in what or "CPU" in what else ""
        shim, litellm = values["shim"], values["litellm"]
        digits = 0 if "modules" in what or "RSS" in what or "cold: first" in what else 2
        lines.append(f"| {what} | {shim:,.{digits}f}{unit} | {litellm:,.{digits}f}{unit} | {litellm / shim:.2f}x |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """Run the row; print the table, and with `--write` put it in BENCHMARKS.md. Other `make bench` arguments
    (`--rows`, `--rounds`, ...) are ignored."""
    python = argv[argv.index("--python") + 1] if "--python" in argv else str(DEFAULT_PYTHON)
    if not Path(python).exists():
        print(f"bench.frameworks: no interpreter at {python}: run `make frameworks` first (it builds the venv)")
        return
    table = run(python, QUICK if "--quick" in argv else FULL)
    print(table)
    if "--write" in argv:
        write_section(REPO / "BENCHMARKS.md", "frameworks", table)


if __name__ == "__main__":
    main(sys.argv[1:])
