# matplotlib annotates its plotting methods but leaves their **kwargs untyped, which strict mode reports on every call.
# pyright: reportUnknownMemberType=false
"""BENCHMARKS.png: client CPU per sync chat call against the conversation's length, one line per contender.

matplotlib comes from the ``bench`` extra (``pip install -e '.[bench]'``) and is imported only here, when a
picture is asked for.
"""

from __future__ import annotations

from pathlib import Path

from bench._report import CHAT_LENGTHS, Medians

# (contender, legend), drawn in this order; the floor first, as the line the others are read against.
LINES = (
    ("floor", "floor: bare HTTP client + json"),
    ("shim", "shim"),
    ("litellm", "LiteLLM SDK"),
    ("openai", "raw openai SDK"),
)
STYLE = {"floor": ("#555555", "--"), "shim": ("#1f77b4", "-"), "litellm": ("#d62728", "-"), "openai": ("#ff7f0e", "-")}


def points(medians: Medians, contender: str) -> list[tuple[int, float]]:
    """(messages, client CPU ms per call) for each chat row the contender was measured in."""
    found = ((length, medians.get((f"chat{length}", contender), {}).get("cpu_ms")) for length in CHAT_LENGTHS)
    return [(length, cpu) for length, cpu in found if cpu is not None]


def _tick(value: float, _position: int | None) -> str:
    return f"{value:g}"  # "0.5", "1", "10" rather than powers of ten


def plot_scaling(medians: Medians, path: Path, subtitle: str = "") -> bool:
    """Draw the chat rows' client CPU per call to ``path`` (PNG); False when no chat row was measured."""
    series = [(contender, label, points(medians, contender)) for contender, label in LINES]
    series = [s for s in series if s[2]]
    if not series:
        return False
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: render straight to the file
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter
    except ImportError as exc:
        raise SystemExit(f"the picture needs matplotlib: pip install -e '.[bench]' ({exc})") from exc
    figure, axes = plt.subplots(figsize=(7.5, 4.5), dpi=120)
    for contender, label, data in series:
        color, dash = STYLE[contender]
        xs, ys = [x for x, _ in data], [y for _, y in data]
        axes.plot(xs, ys, dash, color=color, marker="o", linewidth=2, label=label)
        axes.annotate(f"{ys[-1]:.3g} ms", (xs[-1], ys[-1]), textcoords="offset points", xytext=(6, -3), fontsize=8)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(list(CHAT_LENGTHS), [str(n) for n in CHAT_LENGTHS])
    axes.yaxis.set_major_formatter(FuncFormatter(_tick))
    axes.set_xlim(0.7, CHAT_LENGTHS[-1] * 2.2)
    axes.set_xlabel("messages in the conversation (~100 words each)")
    axes.set_ylabel("client CPU per call (ms, median)")
    axes.set_title("Sync chat call, client CPU as the conversation grows" + (f"\n{subtitle}" if subtitle else ""))
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(loc="upper left", fontsize=9)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True
