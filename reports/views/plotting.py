"""The frame every dashboard chart shares: fonts, colours, the layout, marker
lines and hover templates (``reports.views.charts`` draws the charts in it).

Views pass ``figure_json(fig)`` to the template inside
``<script type="application/json" data-chart-for="ID">``; static/js/charts.js
draws it.

A figure is the plain dict plotly.js reads (``{"data": [...], "layout":
{...}}``), serialised by ``plotly.io.to_json(..., validate=False)``: building
``go.Figure`` objects validated every property of every trace on every page
view (~5 ms a chart). tests/reports/test_chart_json.py feeds the charts of
every dashboard back through ``go.Figure``, so a misspelt property still
fails a test, and checks that the JSON is exactly what plotly's validated
figure gives.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import plotly.io as pio

FONT = "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', sans-serif"
EXPECTED_COLOUR = "#212529"
TARGET_COLOUR = "#ced4da"


def figure_json(fig: dict) -> str:
    """JSON safe to embed in a <script type="application/json"> element
    (plotly escapes '<' and '/'): the figure with the default template
    (``plotly_white``, set in ``ReportsConfig.ready``) in its layout, and its
    properties in the order plotly's own figures write them (sorted by name;
    a trace's ``type`` and the layout's ``template`` last), so the text is
    what ``go.Figure(fig).to_json()`` gives."""
    data = [
        {**_sorted({k: v for k, v in trace.items() if k != "type"}), "type": trace["type"]}
        for trace in fig["data"]
    ]
    layout = {**_sorted(fig["layout"]), "template": _template(pio.templates.default)}
    return pio.to_json({"data": data, "layout": layout}, validate=False)


def _sorted(value):
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted(item) for item in value]
    return value


@cache
def _template(name: str) -> dict:
    return pio.templates[name].to_plotly_json()


def trace(kind: str, **properties) -> dict:
    """A trace as plotly.js reads it: ``trace("bar", x=..., y=...)``. Nested
    properties are dicts (``marker={"color": ...}``, not ``marker_color``)."""
    return {**properties, "type": kind}


def figure(
    traces: list[dict],
    *,
    title: str,
    height: int = 360,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    y_unit: str = "",
    **layout,
) -> dict:
    """The figure with its whole layout given at once. Empty lists (no
    ``shapes``, no ``annotations``) are left out, as plotly leaves them out.

    ``y_unit``: the values' unit, written level above the plot's top-left (an
    axis title is turned on its side: a one-character unit such as 个 then
    reads as a sign)."""
    if y_unit:
        unit = {
            "text": y_unit,
            "xref": "paper",
            "yref": "paper",
            # Over the plot's top-left corner: annotations take no margin of
            # their own, and a long unit (万平方米) left of the axis was cut.
            "x": 0,
            "y": 1,
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 11},
        }
        layout["annotations"] = [*layout.get("annotations", []), unit]
    layout = {key: value for key, value in layout.items() if value != []}
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
            "font": {"family": FONT, "size": 12},
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "height": height,
            # At the figure's foot, below the axis labels however long
            # (a fixed offset under the plot ran into rotated names).
            "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
            "hoverlabel": {"font": {"family": FONT}},
            "xaxis": {"automargin": True, **(xaxis or {})},
            "yaxis": {"automargin": True, **(yaxis or {})},
            **layout,
        },
    }


def marker_line(
    *, x: float | None = None, y: float | None = None, text: str, dash: str, colour: str
):
    """A vertical (x) or horizontal (y) reference line with its label, as
    layout shapes and annotations (what add_vline/add_hline would add)."""
    if x is not None:
        shape = {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": "x", "yref": "paper"}
        note = {"x": x, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom"}
    else:
        shape = {"type": "line", "x0": 0, "x1": 1, "y0": y, "y1": y, "xref": "paper", "yref": "y"}
        note = {
            "x": 0,
            "y": y,
            "xref": "paper",
            "yref": "y",
            "xanchor": "left",
            "yanchor": "bottom",
        }
    shape["line"] = {"dash": dash, "color": colour}
    return [shape], [{**note, "text": text, "showarrow": False}]


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with "…" (the whole in the hover box)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Region names on an axis: longer ones are cut, so that a plan's long names
# (某某街道办事处(含开发区)) leave the plot its room on a page or a phone.
AXIS_NAME_CHARS = 8


def name_ticks(names: list[str]) -> dict:
    """An axis's properties showing ``names`` shortened; the data (and so
    the hover box, which shows %{x} or %{y}) keep the whole names."""
    if all(len(name) <= AXIS_NAME_CHARS for name in names):
        return {}
    return {
        "tickmode": "array",
        "tickvals": names,
        "ticktext": [shortened(name, AXIS_NAME_CHARS) for name in names],
    }


def hover(label: str, unit: str = "", field: str = "%{customdata}", extra: str = "") -> str:
    """'昆阳<br>年度目标 16 万平方米' for a bar's hover box."""
    return f"%{{x}}<br>{label} {field} {unit}{extra}<extra></extra>"


def num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
