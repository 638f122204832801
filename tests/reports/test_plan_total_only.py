"""An indicator whose plan gives a total only, no target for any year (another
county's plan may): every chart and the report show it on the plan's
numbers, which its status judges, not the year's empty ones.

The demo's 新增孵化空间面积 is made such an indicator: each region keeps its
three years' targets as one total, the county its own."""

from __future__ import annotations

import json
from csv import reader
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.progress import Period, load_plan_data, progress_table
from targets.formatting import format_percent, format_value, percent_number
from tests.plan_totals import keep_only_plan_totals

AS_OF = Period(2026, 2)


@pytest.fixture
def space(demo):
    indicator = demo.indicators.get(code="space")
    keep_only_plan_totals(indicator)
    return indicator


def engine_table(demo):
    return progress_table(load_plan_data(demo, demo.regions.all(), whole_county=True), AS_OF)


def charts_of(response) -> dict[str, dict]:
    return {key: json.loads(text) for key, text in response.context["charts"]}


def test_the_overviews_charts_show_the_plans_completion_and_pace(client_for, leader, demo, space):
    table = engine_table(demo)
    county = table.cell(None, space.pk)
    assert county.annual_target is None and county.plan_completion is not None
    response = client_for(leader).get(reverse("reports:overview"), {"period": AS_OF.code})
    charts = charts_of(response)
    bars = charts["chart-completion"]["data"][0]
    row = bars["y"].index(space.name)
    assert bars["x"][row] == percent_number(county.plan_completion)
    heatmap = charts["chart-heatmap"]["data"][0]
    column = heatmap["x"].index(space.name)
    kunyang = demo.regions.get(code="kunyang")
    row = heatmap["y"].index(kunyang.name)
    cell = table.cell(kunyang.pk, space.pk)
    assert heatmap["z"][row][column] == min(percent_number(cell.plan_progress_vs_expected), 150)
    assert "计划期目标" in heatmap["text"][row][column]


def test_the_indicator_page_draws_the_plans_charts_not_empty_year_ones(
    client_for, leader, demo, space
):
    response = client_for(leader).get(
        reverse("reports:indicator", args=[space.code]), {"period": AS_OF.code}
    )
    charts = charts_of(response)
    assert "chart-actual" not in charts and "chart-gap" not in charts
    assert {"chart-cumulative", "chart-plan", "chart-plan-county"} <= set(charts)
    other = client_for(leader).get(reverse("reports:indicator", args=["talents"]))
    assert {"chart-actual", "chart-gap"} <= set(charts_of(other))


def test_the_reports_annex2_and_chart_read_the_plans_numbers(client_for, leader, demo, space):
    table = engine_table(demo)
    response = client_for(leader).get(reverse("reports:report"), {"period": AS_OF.code})
    book = load_workbook(BytesIO(response.content))
    annex2 = book["附件2 任务分解"]
    headers = [cell.value for cell in annex2[3] if cell.value]
    label = next(h for h in headers if str(h).startswith(space.annex2_label))
    assert label.endswith("(计划期)")
    column = next(cell.column for cell in annex2[3] if cell.value == label)
    kunyang = demo.regions.get(code="kunyang")
    row = next(r for r in annex2.iter_rows(min_row=5) if r[1].value == kunyang.name)
    cell = table.cell(kunyang.pk, space.pk)
    target, actual, rate = (row[column - 1 + k].value for k in range(3))
    assert Decimal(str(target)) == cell.plan_target
    assert Decimal(str(actual)) == cell.plan_actual
    assert round(Decimal(str(rate)), 6) == round(cell.plan_completion, 6)
    charts = book["图表"]
    assert "计划期序时进度" in [c.value for c in charts[4]]


def test_the_matrix_and_its_exports_read_the_plans_numbers(client_for, leader, demo, space):
    """The matrix column of such an indicator: the plan to date / the plan's
    total, its completion, named (计划期); its exports the same numbers, and
    sorting by it follows the plan's completion."""
    table = engine_table(demo)
    kunyang = demo.regions.get(code="kunyang")
    cell = table.cell(kunyang.pk, space.pk)
    client = client_for(leader)
    response = client.get(reverse("reports:matrix"), {"period": AS_OF.code})
    page = response.content.decode()
    assert f"{space.label}(计划期)" in page
    matrix = response.context["matrix"]
    column = matrix.columns[f"i{space.pk}"]
    row = next(r for r in matrix.rows if r.record["region"] == kunyang.name)
    shown = row.get_cell(column.name)
    assert f"{format_value(cell.plan_actual, 2)}</span> / " in shown
    assert f">{format_value(cell.plan_target, 2)}</span>" in shown
    assert format_percent(cell.plan_completion) in shown

    exported = client.get(reverse("reports:matrix"), {"period": AS_OF.code, "_export": "csv"})
    csv = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = list(reader(StringIO(csv)))
    header = lines[0]
    values = next(line for line in lines if line[0] == kunyang.name)
    found = {h: v for h, v in zip(header, values, strict=True) if h.startswith(space.label)}
    assert Decimal(found[f"{space.label}(计划期) 累计完成"]) == cell.plan_actual
    assert Decimal(found[f"{space.label}(计划期) 计划期目标"]) == cell.plan_target
    assert found[f"{space.label}(计划期) 完成率(%)"] == str(percent_number(cell.plan_completion))

    ordered = client.get(reverse("reports:matrix"), {"period": AS_OF.code, "sort": f"i{space.pk}"})
    names = [r["region"] for r in ordered.context["matrix"].data.data if not r["pinned"]]
    completions = [table.cell(r.id, space.pk).plan_completion for r in table.regions]
    by_name = dict(zip([r.name for r in table.regions], completions, strict=True))
    assert [by_name[n] for n in names] == sorted(by_name[n] for n in names)


def test_the_indicator_and_township_pages_state_the_plans_numbers(client_for, leader, demo, space):
    table = engine_table(demo)
    county = table.cell(None, space.pk)
    page = (
        client_for(leader)
        .get(reverse("reports:indicator", args=[space.code]), {"period": AS_OF.code})
        .content.decode()
    )
    assert (
        f"{demo.county_name}计划期累计 {format_value(county.plan_actual, 2)} / "
        f"计划期目标 {format_value(county.plan_target, 2)}"
    ) in page
    assert f"完成率 {format_percent(county.plan_completion)}" in page
    assert f"{demo.county_name}年度累计" not in page and "应完成全年目标" not in page
    # No year's pace beside the quarter chooser: its pace is the plan's.
    assert f"序时进度 {format_percent(county.plan_expected_share)}" in page
    assert "全年目标的" not in page

    kunyang = demo.regions.get(code="kunyang")
    response = client_for(leader).get(
        reverse("reports:township", args=[kunyang.code]), {"period": AS_OF.code}
    )
    rows = response.context["targets_table"].data.data
    row = next(r for r in rows if r["label"] == space.label)
    assert row["total"] == table.cell(kunyang.pk, space.pk).plan_target > 0
