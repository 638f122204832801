"""The frame every dashboard chart shares: fonts, colours, the layout, marker
lines and hover templates (``reports.views.charts`` draws the charts in it).

Views pass ``figure_json(fig)`` to the template inside
``<script type="application/json" data-chart-for="ID">``; static/js/charts.js
draws it.
"""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

FONT = "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', sans-serif"
EXPECTED_COLOUR = "#212529"
TARGET_COLOUR = "#ced4da"


def figure_json(fig: go.Figure) -> str:
    """JSON safe to embed in a <script type="application/json"> element
    (plotly escapes '<' and '/')."""
    return fig.to_json()


def figure(
    traces: list,
    *,
    title: str,
    height: int = 360,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    **layout,
) -> go.Figure:
    """The figure with its whole layout given at once: one validation pass
    instead of a chain of update_* calls (measured: half of the overview's
    chart time went into those calls)."""
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
            "font": {"family": FONT, "size": 12},
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "height": height,
            "legend": {"orientation": "h", "y": -0.15},
            "hoverlabel": {"font": {"family": FONT}},
            "xaxis": {"automargin": True, **(xaxis or {})},
            "yaxis": {"automargin": True, **(yaxis or {})},
            **layout,
        },
    )


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


def hover(label: str, unit: str = "", field: str = "%{customdata}", extra: str = "") -> str:
    """'昆阳<br>年度目标 16 万平方米' for a bar's hover box."""
    return f"%{{x}}<br>{label} {field} {unit}{extra}<extra></extra>"


def num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
