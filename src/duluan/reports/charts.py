"""Charts of a report drawn as PNG images for the printed DOCX and PDF.

Drawn with matplotlib's object API (`Figure` + the Agg canvas, never `pyplot`), so concurrent
requests of the web server each draw on their own figure and share no global state. The look is
that of an official document: a serif face with Vietnamese glyphs, greys with one dark accent,
every bar or point labelled with its value in Vietnamese number format (1.234,5).
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: the server and the CLI draw off-screen

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from duluan.i18n import translate
from duluan.reports.document import Chart
from duluan.reports.fonts import vietnamese_serifs

CM_PER_INCH = 2.54
ACCENT = "#7a1f1f"  # dark red: the first series, the one the text talks about
GREYS = ("#5f5f5f", "#9a9a9a", "#c4c4c4", "#3a3a3a", "#7d7d7d")
TEXT_COLOUR = "#1a1a1a"
MOST_CATEGORY_TICKS = 12  # labels under a line chart before they are thinned (31 days: 11)
CHARTS_KEPT = 64  # about 60 kB each


def chart_fonts() -> list[str]:
    """The document's serif faces that hold Vietnamese letters, or the generic "serif" where
    none is installed, so drawing never fails for want of a font."""
    return list(vietnamese_serifs()) or ["serif"]


def vietnamese_number(value: float) -> str:
    """`value` with "." between thousands and "," before decimals; one decimal unless whole."""
    digits = 0 if float(value).is_integer() else 1
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def series_colours(count: int) -> list[str]:
    """The accent for the first series, then greys (repeating past the sixth series)."""
    palette = (ACCENT, *GREYS)
    return [palette[index % len(palette)] for index in range(count)]


def chart_png(chart: Chart, width_cm: float, dpi: int = 150) -> bytes:
    """`chart` as a PNG `width_cm` wide (the height follows the kind and number of labels).

    Drawing costs about a third of a second of CPU per chart and the same report is usually
    printed twice (DOCX and PDF) or downloaded again, so the last CHARTS_KEPT images are kept,
    keyed by everything the chart holds."""
    return _drawn(_SameChart(chart), width_cm, dpi)


def forget_drawn_charts() -> None:
    """Empty the cache of drawn charts (benchmarks measure drawing; tests draw afresh)."""
    _drawn.cache_clear()


class _SameChart:
    """A chart as a cache key: equal when every field is equal (a `Chart` is mutable, so it
    cannot be hashed itself)."""

    __slots__ = ("chart", "text")

    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.text = repr(chart)

    def __hash__(self) -> int:
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SameChart) and other.text == self.text


@lru_cache(maxsize=CHARTS_KEPT)
def _drawn(key: _SameChart, width_cm: float, dpi: int) -> bytes:
    chart = key.chart
    width_in = width_cm / CM_PER_INCH
    figure = Figure(figsize=(width_in, _height_in(chart, width_in)), dpi=dpi)
    axes = figure.add_subplot()
    fonts = chart_fonts()
    if not chart.labels or not chart.series:
        axes.set_axis_off()
        axes.text(
            0.5, 0.5, translate("reports.printing.no_data", "vi"), ha="center", va="center",
            family=fonts, fontsize=11, color=TEXT_COLOUR, transform=axes.transAxes,
        )  # fmt: skip
    elif chart.kind == "line":
        _draw_lines(axes, chart, fonts)
    else:
        _draw_bars(axes, chart, fonts, horizontal=chart.kind == "barh")
    if chart.labels and chart.series:
        _style_axes(axes, chart, fonts)
    figure.tight_layout(pad=0.6)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def _height_in(chart: Chart, width_in: float) -> float:
    """Bars across: a row per bar, between half the width and the width itself (so a figure with
    its caption always fits on one page); otherwise a fixed landscape shape."""
    if chart.kind == "barh":
        rows = max(len(chart.labels), 1) * max(len(chart.series), 1)
        return min(width_in, max(width_in * 0.5, 0.9 + 0.22 * rows))
    return width_in * 0.55


def _draw_bars(axes: Axes, chart: Chart, fonts: list[str], *, horizontal: bool) -> None:
    count = len(chart.series)
    thickness = 0.8 / count
    colours = series_colours(count)
    for index, series in enumerate(chart.series):
        values = _padded(series.values, len(chart.labels))
        offsets = [
            position - 0.4 + thickness * (index + 0.5) for position in range(len(chart.labels))
        ]
        if horizontal:
            bars = axes.barh(offsets, values, height=thickness, color=colours[index],
                             label=series.name)  # fmt: skip
        else:
            bars = axes.bar(offsets, values, width=thickness, color=colours[index],
                            label=series.name)  # fmt: skip
        axes.bar_label(
            bars, labels=[vietnamese_number(v) for v in values], padding=2,
            fontsize=8, family=fonts, color=TEXT_COLOUR,
        )  # fmt: skip
    positions = list(range(len(chart.labels)))
    if horizontal:
        axes.set_yticks(positions, chart.labels)
        axes.invert_yaxis()  # the first label on top, as read
        axes.margins(x=0.12)
    else:
        axes.set_xticks(positions, chart.labels)
        axes.margins(y=0.12)


def _draw_lines(axes: Axes, chart: Chart, fonts: list[str]) -> None:
    colours = series_colours(len(chart.series))
    positions = list(range(len(chart.labels)))
    for index, series in enumerate(chart.series):
        values = _padded(series.values, len(chart.labels))
        axes.plot(positions, values, color=colours[index], marker="o", markersize=3.5,
                  linewidth=1.6, label=series.name)  # fmt: skip
        for x, y in _labelled_points(positions, values):
            axes.annotate(
                vietnamese_number(y), (x, y), textcoords="offset points", xytext=(0, 5),
                ha="center", fontsize=7.5, family=fonts, color=TEXT_COLOUR,
            )  # fmt: skip
    step = -(-len(positions) // MOST_CATEGORY_TICKS)  # every label up to the limit, then thinned
    axes.set_xticks(positions[::step], chart.labels[::step])
    axes.margins(y=0.15)


def _labelled_points(positions: list[int], values: list[float]) -> list[tuple[int, float]]:
    """Every point of a short line; on a long one (more than 8 points) only the last, highest
    and lowest, so the labels do not overlap into a smudge."""
    points = list(zip(positions, values, strict=True))
    if len(points) <= 8:
        return points
    keep = {len(points) - 1, values.index(max(values)), values.index(min(values))}
    return [point for index, point in enumerate(points) if index in keep]


def _style_axes(axes: Axes, chart: Chart, fonts: list[str]) -> None:
    """Light frame, no top/right spines, labels in the document face."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color("#808080")
    horizontal = chart.kind == "barh"
    axes.grid(axis="x" if horizontal else "y", color="#e3e3e3", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.tick_params(colors=TEXT_COLOUR, labelsize=8.5)
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        label.set_fontfamily(fonts)
    value_axis = axes.xaxis if horizontal else axes.yaxis
    value_axis.set_major_formatter(lambda value, _position: vietnamese_number(value))
    if chart.unit:
        setter = axes.set_xlabel if horizontal else axes.set_ylabel
        setter(chart.unit, family=fonts, fontsize=9, color=TEXT_COLOUR)
    if not horizontal and len(chart.labels) > 6:
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
    if len(chart.series) > 1:
        axes.legend(frameon=False, prop={"family": fonts, "size": 8.5})


def _padded(values: list[float], length: int) -> list[float]:
    """`values` cut or filled with zeros to one value per label, so a short series still draws."""
    return [float(v) for v in values[:length]] + [0.0] * max(0, length - len(values))
