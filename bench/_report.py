"""Turn medians into markdown: the side-by-side tables, the targets' pass/fail, and BENCHMARKS.md."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Key = tuple[str, str]  # (row, contender)
Medians = Mapping[Key, Mapping[str, float]]


@dataclass(frozen=True)
class Target:
    """A goal: ``subject`` vs ``base`` as a ratio or as an absolute difference. "shim needs 3x less CPU than
    litellm" is ``Target("ratio>=", 3, base="shim", subject="litellm")``: litellm >= 3x shim."""

    kind: Literal["ratio<=", "ratio>=", "diff<="]
    bound: float
    base: str = "openai"
    subject: str = "shim"

    def describe(self, unit: str) -> str:
        sign = "≥" if self.kind == "ratio>=" else "≤"
        if self.kind == "diff<=":
            return f"{self.subject} {sign} {self.base} + {self.bound:g} {unit}"
        return f"{self.subject} {sign} {self.bound:.2f}x {self.base}"

    def check(self, subject: float, base: float) -> bool:
        if self.kind == "ratio<=":
            return subject <= self.bound * base
        if self.kind == "ratio>=":
            return subject >= self.bound * base
        return subject - base <= self.bound


@dataclass(frozen=True)
class Line:
    """One metric of one row, read from every contender's medians."""

    label: str
    row: str
    key: str
    unit: str
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Table:
    """Columns are contenders; ratios are (numerator, denominator) contender pairs."""

    title: str
    columns: Sequence[tuple[str, str]]  # (contender, header)
    ratios: Sequence[tuple[str, str]]
    lines: Sequence[Line]


MAIN = Table(
    title="Per contender (medians)",
    columns=[("openai", "raw openai"), ("shim", "shim"), ("litellm", "litellm")],
    ratios=[("shim", "openai"), ("litellm", "openai")],
    lines=[
        Line("cold start: wall", "cold", "wall_ms", "ms", (Target("ratio<=", 1.05),)),
        Line("cold start: peak RSS", "cold", "rss_mb", "MB", (Target("diff<=", 10),)),
        Line("import time", "import", "import_ms", "ms"),
        Line("import: modules loaded", "import", "modules", ""),
        Line("sync chat, per call (p50)", "sync", "p50_ms", "ms", (Target("ratio<=", 1.00),)),
        Line("sync chat, client CPU per call (p50)", "sync", "cpu_ms", "ms"),
        Line("async chat, c=50", "async", "calls_per_s", "calls/s", (Target("ratio>=", 1.00),)),
        Line("stream, per chunk", "stream", "per_chunk_us", "µs", (Target("ratio<=", 1.00),)),
        Line("stream, client CPU per chunk", "stream", "cpu_per_chunk_us", "µs"),
        Line("embeddings, per call (p50)", "embedding", "p50_ms", "ms"),
        Line("rerank, per call (p50)", "rerank", "p50_ms", "ms"),
    ],
)

# The conversation lengths of the chat rows (`chat1`, `chat50`, `chat400`), as the picture's x axis.
CHAT_LENGTHS = (1, 50, 400)


def _less_cpu(than: str, factor: float) -> Target:
    """shim needs ``factor`` times less client CPU than ``than``."""
    return Target("ratio>=", factor, base="shim", subject=than)


def _long_stream(arrival: str, row: str, bound: float) -> tuple[Line, Line]:
    """A long stream's lines: client CPU per chunk (at most ``bound`` times the floor's), and wall per chunk."""
    label = f"stream of 5,000 chunks, {arrival}"
    target = Target("ratio<=", bound, base="floor")
    cpu = Line(f"{label}: client CPU per chunk", row, "cpu_per_chunk_us", "µs", (target,))
    return cpu, Line(f"{label}: wall per chunk", row, "per_chunk_us", "µs")


SCALING = Table(
    title=(
        "As the work grows: client CPU per call (medians; floor, shim and raw openai take turns in one process, "
        "LiteLLM runs in its own; in the async row floor and shim take turns, raw openai runs alone)"
    ),
    columns=[("floor", "floor"), ("shim", "shim"), ("litellm", "litellm"), ("openai", "raw openai")],
    ratios=[("shim", "floor"), ("litellm", "shim"), ("openai", "shim")],
    lines=[
        Line(
            "chat, 1 message: client CPU",
            "chat1",
            "cpu_ms",
            "ms",
            (Target("ratio<=", 1.8, base="floor"), _less_cpu("litellm", 3)),
        ),
        Line("chat, 50 messages: client CPU", "chat50", "cpu_ms", "ms", (_less_cpu("litellm", 3),)),
        Line(
            "chat, 400 messages: client CPU",
            "chat400",
            "cpu_ms",
            "ms",
            (Target("ratio<=", 1.5, base="floor"), _less_cpu("litellm", 3), _less_cpu("openai", 20)),
        ),
        Line("chat, 1 message: wall (p50)", "chat1", "p50_ms", "ms"),
        Line("chat, 50 messages: wall (p50)", "chat50", "p50_ms", "ms"),
        Line("chat, 400 messages: wall (p50)", "chat400", "p50_ms", "ms"),
        Line("embeddings, 256 x 1,536: client CPU", "embed_batch", "cpu_ms", "ms", (Target("ratio<=", 1.2),)),
        Line("embeddings, 256 x 1,536: wall (p50)", "embed_batch", "p50_ms", "ms"),
        *_long_stream("one body", "stream_long", 2.0),
        *_long_stream("one event per write", "stream_writes", 1.3),
        Line("async c=50, 400 messages: throughput", "async_long", "calls_per_s", "calls/s"),
        Line(
            "async c=50, 400 messages: client CPU per call",
            "async_long",
            "cpu_ms",
            "ms",
            (Target("ratio<=", 1.25, base="floor"),),
        ),
    ],
)

PATCHED = Table(
    title="`client.chat.completions.create` under `shim.patch_openai()` (medians; both take turns in one process)",
    columns=[("openai", "unpatched SDK"), ("patched", "patched")],
    ratios=[("patched", "openai")],
    lines=[
        Line("1 message: client CPU", "patch1", "cpu_ms", "ms", (Target("ratio<=", 1.00, subject="patched"),)),
        Line(
            "400 messages: client CPU",
            "patch400",
            "cpu_ms",
            "ms",
            (Target("ratio>=", 10, base="patched", subject="openai"),),
        ),
        Line("1 message: wall (p50)", "patch1", "p50_ms", "ms"),
        Line("400 messages: wall (p50)", "patch400", "p50_ms", "ms"),
    ],
)

TENANTS = Table(
    title="Multi-tenant, async c=50 (medians; each run in its own process)",
    columns=[
        ("openai_1key", "openai, 1 key"),
        ("openai", "openai, client per tenant"),
        ("shim_1key", "shim, 1 key"),
        ("shim", "shim, per-tenant keys"),
    ],
    ratios=[("shim", "shim_1key"), ("shim", "openai")],
    lines=[
        Line("throughput", "tenants", "calls_per_s", "calls/s", (Target("ratio>=", 0.95, base="shim_1key"),)),
        Line("peak RSS", "tenants", "rss_mb", "MB", (Target("diff<=", 5, base="shim_1key"),)),
    ],
)


ROUTER = Table(
    title=(
        "`Router`: a chat call over 3 gateways (simple-shuffle) vs a plain `shim.completion` (medians; shim's two "
        "take turns in one process, LiteLLM's Router runs in its own)"
    ),
    columns=[("shim", "shim.completion"), ("shim_router", "shim.Router"), ("litellm_router", "litellm.Router")],
    ratios=[("shim_router", "shim"), ("litellm_router", "shim_router")],
    lines=[
        Line(
            "client CPU per call",
            "router",
            "cpu_ms",
            "ms",
            (Target("ratio<=", 1.3, base="shim", subject="shim_router"),),
        ),
        Line("wall per call (p50)", "router", "p50_ms", "ms"),
    ],
)

TABLES = (MAIN, SCALING, PATCHED, TENANTS, ROUTER)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:.{digits}f}"


def _cell(medians: Medians, row: str, contender: str, key: str) -> float | None:
    return medians.get((row, contender), {}).get(key)


Verdict = Literal["pass", "FAIL", "n/a"]


def verdict(line: Line, target: Target, medians: Medians) -> Verdict:
    """Whether the medians meet one target of a line (n/a when a contender was not measured)."""
    subject = _cell(medians, line.row, target.subject, line.key)
    base = _cell(medians, line.row, target.base, line.key)
    if subject is None or base is None:
        return "n/a"
    return "pass" if target.check(subject, base) else "FAIL"


def _verdicts(line: Line, medians: Medians) -> str:
    return "; ".join("**FAIL**" if v == "FAIL" else v for v in (verdict(line, t, medians) for t in line.targets))


def render_table(table: Table, medians: Medians) -> str:
    """A markdown table: one line per metric, one column per contender, then ratios and the target."""
    headers = ["metric", *(h for _, h in table.columns), *(f"{a}/{b}" for a, b in table.ratios), "target", "result"]
    out = [f"### {table.title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for line in table.lines:
        unit = f" ({line.unit})" if line.unit else ""
        cells = [f"{line.label}{unit}"]
        cells += [_number(_cell(medians, line.row, c, line.key)) for c, _ in table.columns]
        for num, den in table.ratios:
            a, b = _cell(medians, line.row, num, line.key), _cell(medians, line.row, den, line.key)
            cells.append(f"{a / b:.2f}x" if a is not None and b else "—")
        cells += ["; ".join(t.describe(line.unit) for t in line.targets), _verdicts(line, medians)]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


@dataclass
class Report:
    """Everything one run found, ready to print."""

    medians: dict[Key, dict[str, float]]
    rounds: int
    quick: bool
    notes: list[str] = field(default_factory=list[str])
    import_tops: dict[str, list[tuple[str, int]]] = field(default_factory=dict[str, list[tuple[str, int]]])

    def markdown(self) -> str:
        parts = [render_table(table, self.medians) for table in TABLES]
        if self.import_tops:
            parts.append(_import_tops(self.import_tops))
        mode = "quick smoke run, sizes too small to compare" if self.quick else "full run"
        footer = [f"Rounds: {self.rounds} ({mode}). Ratios are of medians; '—' means not measured.", self.summary()]
        parts.append("\n".join(footer + [f"- {note}" for note in self.notes]))
        return "\n\n".join(parts) + "\n"

    def summary(self) -> str:
        """One line: how many targets were met, and which were not."""
        outcomes = [
            (f"{line.label}: {target.describe(line.unit)}", verdict(line, target, self.medians))
            for table in TABLES
            for line in table.lines
            for target in line.targets
        ]
        failed = [name for name, result in outcomes if result == "FAIL"]
        counts = {result: sum(1 for _, r in outcomes if r == result) for result in ("pass", "FAIL", "n/a")}
        text = f"Targets: {counts['pass']} pass, {counts['FAIL']} FAIL, {counts['n/a']} n/a."
        return text + "".join(f"\n- FAIL: {name}" for name in failed)


def _import_tops(tops: Mapping[str, list[tuple[str, int]]]) -> str:
    out = ["### Top self-time modules at import (`python -X importtime`, one run)", ""]
    for contender, rows in tops.items():
        listed = ", ".join(f"`{name}` {us / 1000:.1f} ms" for name, us in rows)
        out.append(f"- **{contender}**: {listed}")
    return "\n".join(out)


def _http_library() -> str:
    from shim import _http

    return f"{_http.NAME} {_http.version()}"


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> str:
    """A markdown list describing where the numbers come from."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    facts = {
        "date": now,
        "CPU": f"{_cpu_model()}, {os.cpu_count()} cores",
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "openai": _version("openai"),
        "HTTP (openai's)": _http_library(),
        "litellm": _version("litellm"),
        "shim": _version("shim"),
    }
    return "\n".join(f"- {name}: {value}" for name, value in facts.items())


def write_benchmarks(path: Path, report: Report, *, picture: bool = False) -> None:
    """Write BENCHMARKS.md: machine facts, the picture (BENCHMARKS.png, when drawn), then the tables;
    bench/README.md explains the method."""
    text = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench --write`; see [bench/README.md](bench/README.md) for the method.",
        "",
        "## Machine",
        "",
        machine_info(),
        "",
        "## Results",
        "",
        *(["![Client CPU per sync chat call as the conversation grows](BENCHMARKS.png)", ""] if picture else []),
        report.markdown(),
        *kept_sections(path),
    ]
    path.write_text("\n".join(text))


_KEPT = re.compile(r"<!-- section (?P<name>[\w-]+) -->\n.*?<!-- /section -->\n", re.S)


def kept_sections(path: Path) -> list[str]:
    """The sections other runs wrote into BENCHMARKS.md (`python -m bench.observability --write`, the figures on
    other openai versions), kept as they are."""
    old = path.read_text() if path.exists() else ""
    return ["", *(match.group(0) for match in _KEPT.finditer(old))]


def write_section(path: Path, name: str, body: str) -> None:
    """Put (or replace) one kept section at the end of BENCHMARKS.md."""
    block = f"<!-- section {name} -->\n{body.rstrip()}\n<!-- /section -->\n"
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    kept = [match for match in _KEPT.finditer(old) if match.group("name") == name]
    new = old.replace(kept[0].group(0), block) if kept else old.rstrip("\n") + "\n\n" + block
    path.write_text(new)
