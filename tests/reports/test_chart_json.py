"""Every chart of the dashboards is a figure plotly itself accepts, written as
plotly writes it: the pages build plain dicts and serialise them without
plotly's per-property validation (reports/views/plotting.py), so validation
happens here instead — a misspelt property or a value of the wrong kind
fails, and the JSON must be exactly what plotly's validated ``go.Figure``
writes (the text plotly.js has been drawing)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from reports.choices import Status
from reports.progress import Period, load_plan_data, progress_table
from reports.views import plotting

PAGES = [
    ("reports:overview", {}, ""),
    # 2026 Q3 is half reported in the demo: the heatmap's grey 未报 layer.
    ("reports:overview", {}, "period=2026Q3"),
    ("reports:goals", {}, ""),
    ("reports:briefing", {}, ""),
    ("reports:township", {"region": "kunyang"}, ""),
    ("reports:indicator", {"indicator": "space"}, ""),
    ("reports:indicator", {"indicator": "talents"}, ""),
    ("reports:indicator", {"indicator": "carriers"}, ""),
]


def page_charts(response) -> list[tuple[str, str]]:
    found = list(response.context["charts"])
    assert found
    return found


@pytest.mark.parametrize(("name", "kwargs", "query"), PAGES)
def test_every_chart_is_what_plotly_validates_and_writes(
    client_for, leader, demo, name, kwargs, query
):
    response = client_for(leader).get(f"{reverse(name, kwargs=kwargs)}?{query}")
    assert response.status_code == 200
    for chart_id, text in page_charts(response):
        figure = json.loads(text)
        # The page's figure carries the default template; go.Figure adds it itself.
        figure["layout"].pop("template")
        # go.Figure raises ValueError for any property plotly does not know.
        validated = go.Figure(figure)
        assert validated.to_json() == text, chart_id
        assert f'data-chart-for="{chart_id}">{text}</script>' in response.content.decode()


def test_the_grey_not_reported_layer_is_drawn_where_a_region_has_not_reported(
    client_for, leader, demo
):
    # The case the second PAGES entry is there for.
    response = client_for(leader).get(reverse("reports:overview"), {"period": "2026Q3"})
    heatmap = json.loads(dict(response.context["charts"])["chart-heatmap"])
    assert [trace["type"] for trace in heatmap["data"]] == ["heatmap", "heatmap"]


def test_a_misspelt_property_is_caught_by_the_validation_above():
    figure = plotting.figure(
        [plotting.trace("bar", x=[1], y=["a"], marker={"colour": "#000"})], title="t"
    )
    with pytest.raises(ValueError, match="colour"):
        go.Figure(json.loads(plotting.figure_json(figure)))


def test_figure_json_is_what_go_figure_writes_for_the_same_figure():
    traces = [
        plotting.trace(
            "scatter",
            x=[1, None],
            y=["甲", "乙"],
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 22, "line": {"width": 3}, "color": "#000"},
            hovertemplate="%{y}<extra></extra>",
        )
    ]
    shapes, notes = plotting.marker_line(x=50, text="序时 50%", dash="dash", colour="#000")
    figure = plotting.figure(traces, title="</script>", shapes=shapes, annotations=notes)
    text = plotting.figure_json(figure)
    assert text == go.Figure(data=traces, layout=figure["layout"]).to_json()
    assert "</script>" not in text


def test_a_values_unit_is_written_level_above_the_axis_not_on_its_side(client_for, leader, demo):
    """A y axis's title is turned on its side, where a one-character unit
    (个) reads as a sign: the unit stands level above the axis instead."""
    response = client_for(leader).get(reverse("reports:indicator", args=["enterprises"]))
    charts = [json.loads(text) for _id, text in page_charts(response)]
    for chart in charts:
        assert "title" not in chart["layout"]["yaxis"], chart["layout"]["title"]["text"]
    units = [a for c in charts for a in c["layout"].get("annotations", []) if a.get("text") == "个"]
    assert units and all(a["xref"] == a["yref"] == "paper" and a["y"] == 1 for a in units)


def test_long_region_names_are_cut_on_the_axis_and_whole_in_the_hover(client_for, leader, demo):
    """A plan's long names (某某街道办事处(含开发区)) took the charts' room:
    the axis shows them cut with "…", the data (and the hover box) whole;
    the legend sits at the figure's foot, below the names."""
    long = "昆阳镇街道办事处(含经济开发区)"
    demo.regions.filter(code="kunyang").update(name=long)
    response = client_for(leader).get(reverse("reports:indicator", args=["space"]))
    charts = {key: json.loads(text) for key, text in page_charts(response)}
    actual = charts["chart-actual"]
    go.Figure(actual)  # still what plotly accepts
    assert long in actual["data"][0]["x"]
    axis = actual["layout"]["xaxis"]
    assert axis["ticktext"][axis["tickvals"].index(long)] == "昆阳镇街道办事…"
    assert actual["layout"]["legend"]["yref"] == "container"
    gap = charts["chart-gap"]["layout"]["yaxis"]
    assert "昆阳镇街道办事…" in gap["ticktext"]
    overview = client_for(leader).get(reverse("reports:overview"))
    heatmap = json.loads(dict(page_charts(overview))["chart-heatmap"])
    assert "昆阳镇街道办事…" in heatmap["layout"]["yaxis"]["ticktext"]
    # Short names are left alone: no tick list at all.
    assert plotting.name_ticks(["昆阳", "鳌江"]) == {}


def test_a_zero_target_cell_of_the_heatmap_reads_done_not_blank(client_for, leader, demo):
    """昆阳 has no 新建成新质孵化器 to build (target 0): done, with no pace to
    read. Its heatmap cell is the done colour, not a gap like a cell missing."""
    response = client_for(leader).get(reverse("reports:overview"))
    heatmap = json.loads(dict(page_charts(response))["chart-heatmap"])
    data = heatmap["data"][0]
    indicator = demo.indicators.get(name="新建成新质孵化器")
    kunyang = demo.regions.get(code="kunyang")
    table = progress_table(
        load_plan_data(demo, demo.regions.all(), whole_county=True), response.context["period"]
    )
    cell = table.cell(kunyang.pk, indicator.pk)
    assert cell.annual_target == 0 and cell.status == Status.DONE
    row, column = data["y"].index(kunyang.name), data["x"].index(indicator.name)
    assert data["z"][row][column] == 150.0


def test_a_cell_on_pace_with_nothing_due_yet_has_the_on_pace_colour(client_for, leader, demo):
    """经开区's 新建成新质孵化器 is a year-end milestone: in 2026 Q2 nothing is
    due, so it is 符合序时 with no pace to read. Its heatmap cell sits at 100%
    of 序时 (the on-pace colour), not blank like a cell with nothing known."""
    response = client_for(leader).get(reverse("reports:overview"), {"period": "2026Q2"})
    heatmap = json.loads(dict(page_charts(response))["chart-heatmap"])
    data = heatmap["data"][0]
    indicator = demo.indicators.get(name="新建成新质孵化器")
    table = progress_table(
        load_plan_data(demo, demo.regions.all(), whole_county=True), Period(2026, 2)
    )
    waiting = [
        region
        for region in demo.regions.all()
        if (cell := table.cell(region.pk, indicator.pk)).status == Status.ON_PACE
        and cell.judged_pace is None
    ]
    assert waiting
    for region in waiting:
        assert data["z"][data["y"].index(region.name)][data["x"].index(indicator.name)] == 100.0
