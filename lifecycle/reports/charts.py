"""Server-side charts for the reports: small SVG written by hand from the aggregated numbers, no JavaScript.

Each chart is a few dozen elements (one ``<rect>`` per bar, a ``<line>`` per tick, text as ``<text>``), drawn
in microseconds; matplotlib took most of the report page's time for four charts. Text stays text: labels are
selectable, scale with the page and are French like the page. Accessibility: the ``<svg>`` is an image
(``role="img"``) named by its title (``aria-label`` and ``<title>``) and described by a ``<desc>`` that spells
out every figure; the page also shows the same figures as tables. Presentation is given as SVG presentation
attributes only (``fill="…"``, never ``style``), so the page's Content-Security-Policy (no inline styles)
accepts it. Colours are distinguishable in greyscale and meet 3:1 contrast against white.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

BLUE = "#000091"
GREEN = "#18753c"
ORANGE = "#b34000"
GREY = "#666666"
TEXT = "#161616"
AXIS = "#3a3a3a"
GRID = "#dddddd"

FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif"
FONT_SIZE = 13
TITLE_SIZE = 14
#: average advance of a character in the font, in em (DejaVu Sans is wide): enough room for the labels
CHAR_EM = 0.56
WIDTH = 640
ROW = 28  # one horizontal bar's slot
BAR = 18  # its thickness


def _fmt(value: float) -> str:
    """French number: narrow no-break space between thousands, comma for decimals (one decimal below 100)."""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %".replace(".", ",")


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    return len(text) * size * CHAR_EM


def _n(value: float) -> str:
    """A coordinate, short and deterministic."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10^k apart) covering [low, high], zero included when in range;
    ``integer``: whole numbers only (counts of equipment)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integer:
        step = max(1, math.floor(step))
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + step * 1e-9:
        ticks.append(round(k * step, 10) + 0.0)
        k += 1
    return ticks


class _Chart:
    """The elements of one chart, written as an inline ``<svg>`` (no XML prologue: it is embedded in HTML)."""

    def __init__(self, title: str, description: str):
        self.title, self.description = title, description
        self.parts: list[str] = []

    def rect(self, x: float, y: float, width: float, height: float, fill: str) -> None:
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(width, 0))}" height="{_n(height)}" '
                          f'fill="{fill}"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1,
             dash: str | None = None) -> None:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
                          f'stroke-width="{_n(width)}"{dashes}/>')

    def text(self, x: float, y: float, content: str, *, anchor: str = "start", size: int | None = None,
             bold: bool = False, rotate: bool = False, fill: str | None = None) -> None:
        attributes = [f'x="{_n(x)}"', f'y="{_n(y)}"', f'text-anchor="{anchor}"']
        if size:
            attributes.append(f'font-size="{size}"')
        if bold:
            attributes.append('font-weight="bold"')
        if fill:
            attributes.append(f'fill="{fill}"')
        if rotate:
            attributes.append(f'transform="rotate(-90 {_n(x)} {_n(y)})"')
        self.parts.append(f'<text {" ".join(attributes)}>{escape(content, quote=False)}</text>')

    def svg(self, width: float, height: float) -> str:
        width, height = math.ceil(width), math.ceil(height)
        label = escape(self.title, quote=True)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{width}" '
                f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT_FAMILY}" '
                f'font-size="{FONT_SIZE}" fill="{TEXT}">'
                f'<title>{escape(self.title, quote=False)}</title><desc>{escape(self.description, quote=False)}</desc>'
                f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
                + "".join(self.parts) + "</svg>")


def _horizontal(labels: Sequence[str], central: Sequence[float], *, title: str, xlabel: str, description: str,
                colors: Sequence[str], low: Sequence[float] | None = None, high: Sequence[float] | None = None,
                value_labels: Sequence[str]) -> str:
    """Horizontal bars (optionally with low–high whiskers), the value written after each bar."""
    chart = _Chart(title, description)
    label_width = max([_text_width(label) for label in labels] + [40]) + 10
    value_width = max([_text_width(v) for v in value_labels] + [20]) + 10
    left = 8 + label_width
    width = max(WIDTH, left + 300 + value_width)
    plot_width = width - left - value_width - 8
    ends = list(central) + list(high or []) + list(low or [])
    vmax = max(ends + [0.0])
    vmin = min(ends + [0.0])
    if vmax == vmin:
        vmax = vmin + 1
    vmax *= 1.1 if vmax > 0 else 1
    ticks = _nice_ticks(vmin, vmax, integer=all(float(v).is_integer() for v in ends))
    vmax = max(vmax, ticks[-1])

    def x(value: float) -> float:
        return left + (value - vmin) / (vmax - vmin) * plot_width

    top = 34
    chart.text(8, 20, title, size=TITLE_SIZE, bold=True)
    bottom = top + ROW * len(labels)
    for tick in ticks:
        chart.line(x(tick), top, x(tick), bottom, GRID)
    zero = x(0)
    for k, (label, value) in enumerate(zip(labels, central)):
        middle = top + ROW * k + ROW / 2
        start, end = sorted((zero, x(value)))
        chart.rect(start, middle - BAR / 2, end - start, BAR, colors[k % len(colors)])
        chart.text(left - 8, middle + 4.5, label, anchor="end")
        label_at = x(value)
        if low is not None and high is not None:
            lo, hi = x(min(low[k], value)), x(max(high[k], value))
            chart.line(lo, middle, hi, middle, GREY, 1.5)
            chart.line(lo, middle - 5, lo, middle + 5, GREY, 1.5)
            chart.line(hi, middle - 5, hi, middle + 5, GREY, 1.5)
            label_at = max(label_at, hi)
        chart.text(label_at + 6, middle + 4.5, value_labels[k])
    chart.line(left, top, left, bottom, AXIS)
    chart.line(left, bottom, left + plot_width, bottom, AXIS)
    for tick in ticks:
        chart.line(x(tick), bottom, x(tick), bottom + 4, AXIS)
        chart.text(x(tick), bottom + 18, _fmt(tick), anchor="middle")
    chart.text(left + plot_width / 2, bottom + 38, xlabel, anchor="middle")
    return chart.svg(width, bottom + 48)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], *, title: str, xlabel: str,
                    color: str = BLUE) -> str:
    """One bar per label, top to bottom in the given order, values written at the end of each bar."""
    description = "; ".join(f"{label}: {_fmt(value)}" for label, value in zip(labels, values))
    return _horizontal(list(labels), list(values), title=title, xlabel=xlabel, description=description,
                       colors=[color], value_labels=[_fmt(v) for v in values])


def ranges(labels: Sequence[str], central: Sequence[float], low: Sequence[float], high: Sequence[float], *,
           colors: Sequence[str], title: str, xlabel: str) -> str:
    """Central values as bars with their low–high range as whiskers."""
    description = "; ".join(f"{label}: {_fmt(c)} ({_fmt(lo)} – {_fmt(hi)})"
                            for label, c, lo, hi in zip(labels, central, low, high))
    return _horizontal(list(labels), list(central), low=list(low), high=list(high), title=title, xlabel=xlabel,
                       description=f"{xlabel}. {description}", colors=list(colors),
                       value_labels=[_fmt(v) for v in central])


def share_against_target(labels: Sequence[str], shares: Sequence[float | None], targets: Sequence[float], *,
                         title: str, ylabel: str, target_label: str) -> str:
    """Shares (0–1) as vertical bars, each one's target as a dashed line across it (legend top right)."""
    description = "; ".join(f"{label}: {_percent(share)} ({target_label}: {_percent(target)})"
                            for label, share, target in zip(labels, shares, targets))
    chart = _Chart(title, description)
    values = [0.0 if s is None else s * 100 for s in shares]
    vmax = max(values + [t * 100 for t in targets] + [10]) * 1.25
    ticks = [t for t in _nice_ticks(0, vmax) if t <= vmax]
    left, right, top = 64, WIDTH - 12, 56
    bottom = top + 170
    slot = (right - left) / max(len(labels), 1)

    def y(value: float) -> float:
        return bottom - value / vmax * (bottom - top)

    chart.text(8, 20, title, size=TITLE_SIZE, bold=True)
    legend = right - _text_width(target_label) - 8
    chart.line(legend - 34, 38, legend - 6, 38, ORANGE, 2, dash="7 4")
    chart.text(legend, 42.5, target_label)
    for tick in ticks:
        chart.line(left, y(tick), right, y(tick), GRID)
        chart.line(left - 4, y(tick), left, y(tick), AXIS)
        chart.text(left - 8, y(tick) + 4.5, _fmt(tick), anchor="end")
    for k, (label, value, share, target) in enumerate(zip(labels, values, shares, targets)):
        middle = left + slot * (k + 0.5)
        bar = min(slot * 0.5, 160)
        chart.rect(middle - bar / 2, y(value), bar, bottom - y(value), GREEN)
        reach = min(slot * 0.7, 224) / 2
        chart.line(middle - reach, y(target * 100), middle + reach, y(target * 100), ORANGE, 2, dash="7 4")
        label_y = y(value) - 6
        if abs(label_y - 4 - y(target * 100)) < 12:  # the value would sit on the target's line: above both
            label_y = min(y(value), y(target * 100)) - 8
        chart.text(middle, label_y, _percent(share), anchor="middle")
        chart.text(middle, bottom + 18, label, anchor="middle")
    chart.line(left, top - 8, left, bottom, AXIS)
    chart.line(left, bottom, right, bottom, AXIS)
    chart.text(18, (top + bottom) / 2, ylabel, anchor="middle", rotate=True)
    return chart.svg(WIDTH, bottom + 30)
