"""An indicator whose plan gives a total only, no target for any year (another
county's plan may): every chart and the report show it on the plan's
numbers, which its status judges, not the year's empty ones.

The demo's 新增孵化空间面积 is made such an indicator: each region keeps its
three years' targets as one total, the county its own."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.progress import Period, load_plan_data, progress_table
from targets.formatting import percent_number
from targets.models import Target

AS_OF = Period(2026, 2)


@pytest.fixture
def space(demo):
    indicator = demo.indicators.get(code="space")
    totals: dict[int | None, Decimal] = {}
    for target in Target.objects.filter(indicator=indicator, year__isnull=False):
        totals[target.region_id] = totals.get(target.region_id, Decimal(0)) + target.value
    Target.objects.filter(indicator=indicator).delete()
    Target.objects.bulk_create(
        Target(indicator=indicator, region_id=region, year=None, value=value)
        for region, value in totals.items()
    )
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
