"""Server-side charts for the reports: SVG from matplotlib, readable without JavaScript.

Text stays text in the SVG (svg.fonttype = none), so labels are selectable, scale with the page and are
read by screen readers; each chart also gets a <title> and the pages show the same figures as a table.
Colours are distinguishable in greyscale and meet 3:1 contrast against white.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from purchasing.svg import without_inline_styles  # noqa: E402

plt.rcParams.update({
    "svg.fonttype": "none",
    "svg.hashsalt": "parc-commun",  # deterministic ids
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

BLUE = "#000091"
GREEN = "#18753c"
ORANGE = "#b34000"
GREY = "#666666"


def _to_svg(figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Title": title})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prologue and doctype: the SVG is inlined in HTML
    svg = re.sub(r"<svg ", f'<svg role="img" aria-label="{_escape(title)}" ', svg, count=1)
    return without_inline_styles(svg)  # the page's CSP refuses inline styles


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;"))


def horizontal_bars(labels: Sequence[str], values: Sequence[float], *, title: str, xlabel: str,
                    color: str = BLUE) -> str:
    """One bar per label, values written at the end of each bar."""
    height = max(1.6, 0.35 * len(labels) + 0.8)
    figure, axis = plt.subplots(figsize=(7, height))
    positions = range(len(labels))
    bars = axis.barh(list(positions), list(values), color=color)
    axis.set_yticks(list(positions), labels=list(labels))
    axis.invert_yaxis()
    axis.set_xlabel(xlabel)
    axis.xaxis.set_major_formatter(FRENCH_NUMBERS)
    axis.set_title(title, loc="left", fontsize=11, fontweight="bold")
    axis.bar_label(bars, labels=[_fmt(v) for v in values], padding=3)
    axis.margins(x=0.15)
    return _to_svg(figure, title)


def share_against_target(labels: Sequence[str], shares: Sequence[float | None], targets: Sequence[float], *,
                         title: str, ylabel: str, target_label: str) -> str:
    """Shares (0–1) as bars with each one's target as a marker line."""
    figure, axis = plt.subplots(figsize=(7, 3))
    positions = list(range(len(labels)))
    values = [s if s is not None else 0 for s in shares]
    bars = axis.bar(positions, [v * 100 for v in values], color=GREEN, width=0.5)
    for position, target in zip(positions, targets):
        axis.hlines(target * 100, position - 0.35, position + 0.35, colors=ORANGE, linestyles="dashed",
                    linewidth=2, label=target_label if position == 0 else None)
    axis.set_xticks(positions, labels=list(labels))
    axis.set_ylabel(ylabel)
    axis.set_ylim(0, max([v * 100 for v in values] + [t * 100 for t in targets] + [10]) * 1.25)
    axis.bar_label(bars, labels=[("—" if s is None else f"{s * 100:.1f} %".replace(".", ","))
                                 for s in shares], padding=3)
    axis.set_title(title, loc="left", fontsize=11, fontweight="bold")
    axis.legend(loc="upper right", frameon=False)
    return _to_svg(figure, title)


def ranges(labels: Sequence[str], central: Sequence[float], low: Sequence[float], high: Sequence[float], *,
           colors: Sequence[str], title: str, xlabel: str) -> str:
    """Central values as bars with their low–high range as error bars."""
    height = max(1.8, 0.45 * len(labels) + 0.8)
    figure, axis = plt.subplots(figsize=(7, height))
    positions = list(range(len(labels)))
    errors = [[max(c - lo, 0) for c, lo in zip(central, low)], [max(hi - c, 0) for c, hi in zip(central, high)]]
    bars = axis.barh(positions, list(central), xerr=errors, color=list(colors), ecolor=GREY, capsize=4)
    axis.set_yticks(positions, labels=list(labels))
    axis.invert_yaxis()
    axis.set_xlabel(xlabel)
    axis.xaxis.set_major_formatter(FRENCH_NUMBERS)
    axis.bar_label(bars, labels=[_fmt(v) for v in central], padding=6)
    axis.margins(x=0.25)
    axis.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _to_svg(figure, title)


def _fmt(value: float) -> str:
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


#: Axis ticks written the French way (narrow no-break space between thousands, comma for decimals).
FRENCH_NUMBERS = FuncFormatter(lambda value, _position: _fmt(value))
