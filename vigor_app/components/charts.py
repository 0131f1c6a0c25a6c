"""Charts whose library loads when a chart is drawn, not before the page can paint.

`rx.recharts` imports Recharts' series, axes and its responsive container statically, so a page
with a chart asks for the whole library (about 120 KiB) before its first paint, and on a phone's
slow connection the page waits for it. These are the same Recharts components, each loaded the
way Reflex loads client-only components (a dynamic import when it mounts), so the page paints
first and the chart follows a moment later; nothing else about a chart changes. Recharts 3's
series and axes register with their chart when they mount, so they still work when they arrive
after it. Use these on every page with a chart (`tests/unit/test_bundle.py` checks that no page
uses `rx.recharts` directly).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.components.component import NoSSRComponent
from reflex_components_recharts import cartesian, charts, general

# Each class keeps Recharts' own name: a chart accepts its children by class name.


class Line(NoSSRComponent, cartesian.Line):
    pass


class Bar(NoSSRComponent, cartesian.Bar):
    pass


class XAxis(NoSSRComponent, cartesian.XAxis):
    pass


class YAxis(NoSSRComponent, cartesian.YAxis):
    pass


class CartesianGrid(NoSSRComponent, cartesian.CartesianGrid):
    pass


class Legend(NoSSRComponent, general.Legend):
    pass


class GraphingTooltip(NoSSRComponent, general.GraphingTooltip):
    pass


class ResponsiveContainer(NoSSRComponent, general.ResponsiveContainer):
    pass


line = Line.create
bar = Bar.create
x_axis = XAxis.create
y_axis = YAxis.create
cartesian_grid = CartesianGrid.create
legend = Legend.create
graphing_tooltip = GraphingTooltip.create


def _chart(kind: type[charts.ChartBase], *children: rx.Component, width: Any = "100%", height: int = 240,
           **props: Any) -> rx.Component:
    """The chart inside a responsive container, as `rx.recharts` builds it (the chart classes are
    already loaded on demand by Reflex), with the container loaded on demand too, in a box of the
    chart's height: the space is kept while the library loads, so nothing below it moves."""
    chart = super(charts.ChartBase, kind).create(*children, **props)
    container = ResponsiveContainer.create(chart, width="100%", height="100%", min_width=10, min_height=10)
    return rx.box(container, width=width, height=f"{height}px")


def line_chart(*children: rx.Component, **props: Any) -> rx.Component:
    return _chart(charts.LineChart, *children, **props)


def bar_chart(*children: rx.Component, **props: Any) -> rx.Component:
    return _chart(charts.BarChart, *children, **props)


def composed_chart(*children: rx.Component, **props: Any) -> rx.Component:
    return _chart(charts.ComposedChart, *children, **props)
