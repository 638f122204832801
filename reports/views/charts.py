"""Plotly figures built from the progress table, in the frame
``reports.views.plotting`` gives every chart.

Labels are translated here; every number in a hover box or a bar
label is text made by ``targets.formatting`` (never plotly's own d3 number
format, which rounds the binary float: 17.45 would read 17.4), so a chart says
exactly what the table beside it says. A region that has not reported has no
bar and no point (None: a gap, never a 0), a grey cell in the heatmap and
"未报" in its hover box.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.choices import Status
from reports.progress import CellProgress, Period, owing_most_first
from reports.progress.display import (
    STATUS_COLOURS,
    format_field,
    goal_status_colour,
    shown_status,
    status_label,
)
from reports.progress.goal_display import goal_status_label
from reports.progress.table import IndicatorInfo, ProgressTable
from reports.views import plotting
from targets.formatting import (
    NumberKind,
    format_number,
    format_percent,
    format_value,
    percent_number,
    quantity,
)


def titled_with_period(title: str, period: Period) -> str:
    """The chart's title with its quarter: 全县各指标年度完成率(2026年第2季度);
    in English with a space before the bracket."""
    return _("%(title)s(%(period)s)") % {"title": title, "period": period.label}


# Where on the heatmap's scale (percent of 序时) a cell with no pace to read sits.
NO_PACE_COLOURS = {Status.DONE: 150.0, Status.ON_PACE: 100.0}


def progress_heatmap(table: ProgressTable, regions: list | None = None, *, title: str) -> dict:
    """Townships × indicators coloured by progress against 序时 (100% = on pace);
    ``regions`` limits the rows (a thousand rows help nobody on a phone). The
    title is the caller's: it names the regions in the plan's own word."""
    indicators = table.broken_down
    rows = regions if regions is not None else [row.region for row in table.rows()]
    z, text, missing = [], [], []
    for region in rows:
        z_row, text_row, missing_row = [], [], []
        for indicator in indicators:
            progress = table.get(region.id, indicator.id)
            # (against the plan's 序时 for an indicator with a plan total only)
            share = None if progress is None else progress.judged_pace
            if share is None and progress is not None and progress.status in NO_PACE_COLOURS:
                # Done with a target of 0, on pace with nothing due yet (a
                # year-end milestone before Q4): no pace to read, yet the
                # status's colour, not a gap that looks like a missing cell.
                z_row.append(NO_PACE_COLOURS[progress.status])
            else:
                # Cap the colour at 150% so one township far ahead does not wash out the rest.
                z_row.append(None if share is None else min(percent_number(share), 150.0))
            text_row.append(_cell_hover(indicator, progress))
            missing_row.append(1 if progress is not None and not progress.reported else None)
        z.append(z_row)
        text.append(text_row)
        missing.append(missing_row)
    names = [indicator.name for indicator in indicators]
    region_names = [region.name for region in rows]
    heatmap = plotting.trace(
        "heatmap",
        z=z,
        x=names,
        y=region_names,
        text=text,
        hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
        zmin=0,
        zmax=150,
        colorscale=[
            [0.0, STATUS_COLOURS[Status.SERIOUSLY_BEHIND]],
            [0.8 / 1.5, STATUS_COLOURS[Status.BEHIND]],
            [1.0 / 1.5, "#7fc97f"],
            [1.0, STATUS_COLOURS[Status.DONE]],
        ],
        colorbar={"title": {"text": _("相对序时")}, "ticksuffix": "%"},
        xgap=2,
        ygap=2,
    )
    traces = [heatmap]
    if any(value is not None for row in missing for value in row):
        # Not reported is not a colour of the scale (that would read as 0%):
        # a grey layer of its own, saying 未报.
        not_reported = str(status_label(Status.NOT_REPORTED))
        traces.append(
            plotting.trace(
                "heatmap",
                z=missing,
                x=names,
                y=region_names,
                text=[[not_reported if value else "" for value in row] for row in missing],
                hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
                hoverongaps=False,
                colorscale=[
                    [0, STATUS_COLOURS[Status.NOT_REPORTED]],
                    [1, STATUS_COLOURS[Status.NOT_REPORTED]],
                ],
                showscale=False,
                xgap=2,
                ygap=2,
            )
        )
    return plotting.figure(
        traces,
        title=title,
        height=max(320, 60 + 34 * len(rows)),
        yaxis={"autorange": "reversed", **plotting.name_ticks(region_names)},
    )


def _cell_hover(indicator: IndicatorInfo, progress: CellProgress | None) -> str:
    if progress is None:
        return _("无数据")
    if not progress.reported:
        return status_label(Status.NOT_REPORTED)
    places = indicator.decimal_places
    words = {
        "unit": indicator.unit,
        "completion": format_percent(progress.judged_completion),
        "expected": format_percent(progress.judged_expected_share),
        "status": status_label(progress.status, progress.provisional),
    }
    if progress.judged_on_plan:
        return _(
            "计划期累计 %(actual)s / 计划期目标 %(target)s %(unit)s<br>"
            "完成率 %(completion)s · 序时 %(expected)s<br>%(status)s"
        ) % {
            **words,
            "actual": format_value(progress.plan_actual, places),
            "target": format_value(progress.plan_target, places),
        }
    return _(
        "累计 %(actual)s / 目标 %(target)s %(unit)s<br>完成率 %(completion)s · 序时 %(expected)s"
        "<br>%(status)s"
    ) % {
        **words,
        "actual": format_value(progress.ytd_actual, places),
        "target": format_value(progress.annual_target, places),
    }


def completion_bars(
    labels: list[str], progresses: list[CellProgress | None], *, title: str, period: Period
) -> dict:
    """Completion per bar (indicator or township), coloured by status, with the
    序时 marker: the share that should be done by ``period`` — one line when
    every bar shares it, else a mark on each bar. A bar with no target of the
    year but a plan total is the plan's completion against the plan's 序时,
    which its status judges."""
    completion = [percent_number(p.judged_completion) if p else None for p in progresses]
    colours = [_colour(p) if p else plotting.TARGET_COLOUR for p in progresses]
    hover = [
        (
            _("完成率 %(completion)s<br>序时 %(expected)s<br>%(status)s")
            % {
                "completion": format_percent(p.judged_completion),
                "expected": format_percent(p.judged_expected_share),
                "status": status_label(p.status, p.provisional),
            }
            if p.reported
            else status_label(Status.NOT_REPORTED)
        )
        if p
        else _("无数据")
        for p in progresses
    ]
    traces = [
        plotting.trace(
            "bar",
            x=completion,
            y=labels,
            orientation="h",
            marker={"color": colours},
            name=_("完成率"),
            hovertext=hover,
            hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
            text=[_bar_text(p) for p in progresses],
            texttemplate="%{text}",
            textposition="auto",
            # Inside a bar its number sits at the start, clear of the 序时
            # mark drawn near the bar's end.
            insidetextanchor="start",
        ),
    ]
    shapes, notes = [], []
    shares = {
        p.judged_expected_share
        for p in progresses
        if p is not None and p.judged_expected_share is not None
    }
    if len(shares) == 1:
        share = shares.pop()
        shapes, notes = plotting.marker_line(
            x=percent_number(share),
            text=_("序时 %(share)s") % {"share": format_percent(share)},
            dash="dash",
            colour=plotting.EXPECTED_COLOUR,
        )
    elif shares:
        # Indicators paced differently (a year-end milestone owes nothing
        # before Q4): one line would be wrong for some bars, so each bar
        # gets its own 序时 mark.
        traces.append(
            plotting.trace(
                "scatter",
                x=[percent_number(p.judged_expected_share) if p else None for p in progresses],
                y=labels,
                mode="markers",
                name=_("序时进度"),
                marker={
                    "symbol": "line-ns-open",
                    "size": 22,
                    "line": {"width": 3},
                    "color": plotting.EXPECTED_COLOUR,
                },
                customdata=[
                    _("序时 %(share)s") % {"share": format_percent(p.judged_expected_share)}
                    if p
                    else ""
                    for p in progresses
                ],
                hovertemplate="%{y}<br>%{customdata}<extra></extra>",
            )
        )
    return plotting.figure(
        traces,
        title=titled_with_period(title, period),
        height=max(300, 80 + 30 * len(labels)),
        showlegend=False,
        xaxis={"ticksuffix": "%", "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
        shapes=shapes,
        annotations=notes,
    )


def _colour(progress: CellProgress, field: str = "status") -> str:
    """A bar's colour: its status as the reader sees it (a provisional
    "seriously behind" reads as behind, ``shown_status``)."""
    provisional = progress.provisional if field == "status" else progress.plan_provisional
    return STATUS_COLOURS[shown_status(getattr(progress, field), provisional)]


def _bar_text(progress: CellProgress | None) -> str:
    if progress is None:
        return ""
    if not progress.reported:
        return status_label(Status.NOT_REPORTED)
    return format_percent(progress.judged_completion)


@dataclass(frozen=True)
class _Reading:
    """Which ``CellProgress`` fields a target-vs-actual chart draws, and their names."""

    target: str
    actual: str
    completion: str
    status: str
    expected: str
    target_label: str
    actual_label: str
    expected_label: str


def _target_actual_expected(
    indicator: IndicatorInfo, rows: list[tuple[str, CellProgress]], reading: _Reading
) -> list:
    """Per subject: the target as a grey bar, the actual over it coloured by
    status, and the 序时 expected value as a marker — the same picture for the
    year and for the whole plan."""
    names = [name for name, _p in rows]
    unit, places = indicator.unit, indicator.decimal_places

    def values(field: str) -> list:
        return [getattr(p, field) for _n, p in rows]

    def texts(field: str) -> list[str]:
        return [
            status_label(Status.NOT_REPORTED)
            if field == reading.actual and not p.reported
            else format_field(p, field, places)
            for _n, p in rows
        ]

    return [
        plotting.trace(
            "bar",
            x=names,
            y=[plotting.num(v) for v in values(reading.target)],
            name=reading.target_label,
            marker={"color": plotting.TARGET_COLOUR},
            customdata=texts(reading.target),
            hovertemplate=plotting.hover(reading.target_label, unit),
        ),
        plotting.trace(
            "bar",
            x=names,
            y=[plotting.num(v) for v in values(reading.actual)],
            name=reading.actual_label,
            marker={"color": [_colour(p, reading.status) for _n, p in rows]},
            customdata=[
                [actual, format_percent(rate)]
                for actual, rate in zip(
                    texts(reading.actual), values(reading.completion), strict=True
                )
            ],
            hovertemplate=plotting.hover(
                reading.actual_label, unit, "%{customdata[0]}", extra=" (%{customdata[1]})"
            ),
        ),
        plotting.trace(
            "scatter",
            x=names,
            y=[plotting.num(v) for v in values(reading.expected)],
            name=reading.expected_label,
            mode="markers",
            marker={
                "symbol": "line-ew-open",
                "size": 28,
                "line": {"width": 3},
                "color": plotting.EXPECTED_COLOUR,
            },
            customdata=texts(reading.expected),
            hovertemplate=plotting.hover(reading.expected_label, unit),
        ),
    ]


def actual_vs_target(
    indicator: IndicatorInfo, column: list[tuple[str, CellProgress]], period: Period
) -> dict:
    """Year-to-date actual against the year's target per township, with the
    序时 expected value as a marker."""
    reading = _Reading(
        "annual_target",
        "ytd_actual",
        "completion",
        "status",
        "expected_value",
        _("年度目标"),
        _("累计完成"),
        _("序时进度"),
    )
    return plotting.figure(
        _target_actual_expected(indicator, column, reading),
        title=_("%(year)s年累计完成与目标") % {"year": period.year},
        barmode="overlay",
        y_unit=indicator.unit,
        xaxis=plotting.name_ticks([name for name, _p in column]),
    )


def gap_ranking(
    indicator: IndicatorInfo, column: list[tuple[str, CellProgress]], period: Period
) -> dict:
    """What each township still owes this year, largest first."""
    owing = owing_most_first(column)
    places = indicator.decimal_places
    bars = plotting.trace(
        "bar",
        x=[plotting.num(p.gap_to_target) for _n, p in owing],
        y=[name for name, _p in owing],
        orientation="h",
        marker={"color": [_colour(p) for _n, p in owing]},
        customdata=[
            [
                format_field(p, "gap_to_target", places),
                format_field(p, "needed_per_quarter", places),
            ]
            for _n, p in owing
        ],
        hovertemplate="%{y}<br>"
        + _("距年度目标还差")
        + " %{customdata[0]} "
        + indicator.unit
        + "<br>"
        + _("剩余每季度需完成")
        + " %{customdata[1]} "
        + indicator.unit
        + "<extra></extra>",
    )
    return plotting.figure(
        [bars],
        title=_("%(year)s年距目标缺口排名") % {"year": period.year},
        height=max(300, 80 + 30 * len(owing)),
        showlegend=False,
        xaxis={"title": {"text": indicator.unit}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", **plotting.name_ticks([name for name, _p in owing])},
    )


def cumulative_lines(
    indicator: IndicatorInfo,
    series: list[tuple[str, list]],
    *,
    title: str,
    expected_name: str | None = None,
) -> dict:
    """Cumulative actual by quarter, one line per subject; the first subject's
    expected values drawn as a dashed line when ``expected_name`` is given."""
    places = indicator.decimal_places
    traces = []
    for name, points in series:
        traces.append(
            plotting.trace(
                "scatter",
                x=[point.period.code for point in points],
                y=[plotting.num(point.actual) for point in points],
                mode="lines+markers",
                name=name,
                customdata=[
                    format_value(point.actual, places)
                    if point.actual is not None
                    else status_label(Status.NOT_REPORTED)
                    for point in points
                ],
                hovertemplate=f"{name} · %{{x}}<br>%{{customdata}} {indicator.unit}<extra></extra>",
            )
        )
    if expected_name and series:
        points = series[0][1]
        traces.append(
            plotting.trace(
                "scatter",
                x=[point.period.code for point in points],
                y=[plotting.num(point.expected) for point in points],
                mode="lines",
                name=expected_name,
                line={"dash": "dash", "color": plotting.EXPECTED_COLOUR},
                customdata=[
                    format_number(point.expected, places, NumberKind.DERIVED) for point in points
                ],
                hovertemplate=f"{expected_name} · %{{x}}<br>%{{customdata}} {indicator.unit}"
                "<extra></extra>",
            )
        )
    return plotting.figure(
        traces, title=title, yaxis={"rangemode": "tozero"}, y_unit=indicator.unit
    )


def plan_to_date_bars(
    indicator: IndicatorInfo, rows: list[tuple[str, CellProgress]], period: Period
) -> dict:
    """Plan-to-date actual against the whole plan's target, with the plan's
    expected value as a marker and the high line (高线) where the plan has one."""
    places = indicator.decimal_places
    reading = _Reading(
        "plan_target",
        "plan_actual",
        "plan_completion",
        "plan_status",
        "plan_expected",
        _("计划期目标"),
        _("计划期累计完成"),
        _("计划期序时进度"),
    )
    traces = _target_actual_expected(indicator, rows, reading)
    shapes, notes = [], []
    stretch = next((p.stretch_target for _n, p in rows if p.stretch_target is not None), None)
    if stretch is not None:
        shapes, notes = plotting.marker_line(
            y=float(stretch),
            text=_("高线 %(value)s") % {"value": format_value(stretch, places)},
            dash="dot",
            colour=STATUS_COLOURS[Status.DONE],
        )
    return plotting.figure(
        traces,
        title=_("计划期(截至%(period)s)累计完成") % {"period": period.label},
        barmode="overlay",
        y_unit=indicator.unit,
        xaxis=plotting.name_ticks([name for name, _p in rows]),
        shapes=shapes,
        annotations=notes,
    )


# A goal's bar stops here: one goal far beyond its number must not squeeze the rest.
GOAL_BAR_CAP = 150.0
GOAL_LABEL_CHARS = 14


def goal_bars(rows, *, title: str, period: Period, places) -> dict:
    """Every headline goal as a bar of its value ÷ its goal (an annual floor:
    this year so far), coloured by the goal's status, with the goal at 100%.
    Short labels for a phone; the whole goal, the numbers and the forecast in
    the hover box. ``places(row)``: the decimals a row's numbers show."""
    labels, shares, colours, hovers, texts = [], [], [], [], []
    for row in rows:
        goal, result = row.goal, row.result
        text = goal.text
        label = plotting.shortened(text, GOAL_LABEL_CHARS)
        labels.append(f"{goal.order}. {label}")
        share = None
        if result.value is not None and goal.value:
            # The percent the bar's text shows, as the other charts do: the
            # bar ends where its number says (cut at the cap, its text not).
            share = min(percent_number(result.value / goal.value), GOAL_BAR_CAP)
        shares.append(share)
        colours.append(goal_status_colour(result.status))
        numbers = _("%(value)s / %(goal)s") % {
            "value": format_number(result.value, places(row)),
            "goal": quantity(format_number(goal.value, places(row)), goal.unit),
        }
        status = goal_status_label(result, row.provisional)
        # The share on the bar: status words ran past a phone's edge (the
        # colour, the hover box and the table beside name the status).
        texts.append("—" if share is None else format_percent(result.value / goal.value))
        hovers.append(
            _("%(text)s<br>%(numbers)s<br>%(status)s<br>按当前进度预计 %(forecast)s")
            % {
                "text": text,
                "numbers": numbers,
                "status": status,
                "forecast": format_number(result.forecast, places(row), NumberKind.DERIVED),
            }
        )
    shapes, notes = plotting.marker_line(
        x=100, text=_("目标"), dash="dash", colour=plotting.EXPECTED_COLOUR
    )
    trace = plotting.trace(
        "bar",
        x=shares,
        y=labels,
        orientation="h",
        marker={"color": colours},
        hovertext=hovers,
        hovertemplate="%{hovertext}<extra></extra>",
        text=texts,
        texttemplate="%{text}",
        textposition="auto",
        insidetextanchor="start",  # clear of the goal's line at 100%
    )
    return plotting.figure(
        [trace],
        title=titled_with_period(title, period),
        height=max(300, 80 + 30 * len(labels)),
        showlegend=False,
        xaxis={"ticksuffix": "%", "rangemode": "tozero", "range": [0, GOAL_BAR_CAP]},
        yaxis={"autorange": "reversed"},
        shapes=shapes,
        annotations=notes,
    )
