"""The geometry of the operator's charts, drawn as plain SVG by templates/_chart.svg.

Plain SVG from a template rather than a charting library: the site's Content-Security-Policy
allows no inline style or script, and SVG's presentation attributes (fill, stroke) are neither,
so the charts need no exception to it and no JavaScript; and it adds no dependency. Each chart
is followed on the page by a table of its numbers, for screen readers and for exact values.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 480, 220  # the viewBox: the SVG scales to the width of its box (CSS: up to 40rem)
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 30  # room for the axes' labels
# colour-blind-safe (Okabe-Ito), each at least 3:1 against white
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")


@dataclass
class Series:
    name: str
    colour: str
    points: list[tuple[float, float]] = field(default_factory=list)  # lines: (x, y)
    bars: list[tuple[float, float, float, float]] = field(default_factory=list)  # x, y, w, h

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass
class Chart:
    title: str
    description: str
    series: list[Series]
    y_ticks: list[tuple[float, str]]  # (y, label)
    x_labels: list[tuple[float, str]]  # (x, label)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


def line_chart(title: str, days: list[dt.date], values: dict[str, dict[dt.date, int]],
               description: str = "") -> Chart:
    """One line per name of `values` ({name: {day: value}}), a point on each day it has."""
    scale = _Scale(days, max((v for counts in values.values() for v in counts.values()),
                             default=0))
    series = [Series(name, COLOURS[n % len(COLOURS)],
                     points=[(scale.x_centre(day), scale.y(counts[day]))
                             for day in days if day in counts])
              for n, (name, counts) in enumerate(values.items())]
    return Chart(title, description, series, scale.ticks(), scale.labels())


def bar_chart(title: str, days: list[dt.date], values: dict[str, dict[dt.date, int]],
              description: str = "") -> Chart:
    """Bars side by side for each day, one per name of `values` ({name: {day: count}})."""
    scale = _Scale(days, max((v for counts in values.values() for v in counts.values()),
                             default=0))
    width = scale.step * 0.8 / max(len(values), 1)
    series = []
    for n, (name, counts) in enumerate(values.items()):
        bars = []
        for day in days:
            top = scale.y(counts.get(day, 0))
            bars.append((scale.x_start(day) + scale.step * 0.1 + n * width, top, width,
                         scale.baseline - top))
        series.append(Series(name, COLOURS[n % len(COLOURS)], bars=bars))
    return Chart(title, description, series, scale.ticks(), scale.labels())


class _Scale:
    """Days along x, counts from 0 to a round maximum along y."""

    def __init__(self, days: list[dt.date], largest: int):
        self.days = {day: n for n, day in enumerate(days)}
        self.step = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
        self.baseline, self.top = HEIGHT - BOTTOM, TOP
        self.maximum = _round_up(largest)

    def x_start(self, day: dt.date) -> float:
        return LEFT + self.days[day] * self.step

    def x_centre(self, day: dt.date) -> float:
        return self.x_start(day) + self.step / 2

    def y(self, value: int) -> float:
        return self.baseline - (self.baseline - self.top) * value / self.maximum

    def ticks(self) -> list[tuple[float, str]]:
        return [(self.y(self.maximum * n / 4), _count(self.maximum * n / 4)) for n in range(5)]

    def labels(self) -> list[tuple[float, str]]:
        """The first, middle and last day (more would crowd a phone's screen)."""
        days = list(self.days)
        shown = dict.fromkeys([days[0], days[len(days) // 2], days[-1]]) if days else {}
        return [(self.x_centre(day), f"{day:%d %b}") for day in shown]


def _round_up(value: int) -> int | float:
    """The smallest maximum at least `value` whose four ticks are round (1, 2, 2.5 or 5 times
    a power of ten each); at least 4."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value / 4))
    return 4 * next(power * m for m in (1, 2, 2.5, 5, 10) if 4 * power * m >= value)


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
