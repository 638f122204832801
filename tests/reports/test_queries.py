"""The database-summed reading (pages without quarter-by-quarter series) gives
exactly the numbers the full reading gives, for every quarter of the plan."""

from __future__ import annotations

import pytest

from regions.models import Region
from reports.demo.scale import generate_plan
from reports.figures.submissions import return_submission
from reports.models import Figure
from reports.progress import Period, plan_periods
from reports.progress.queries import latest_period, load_plan_data, progress_table


def cells(table) -> dict:
    return {key: table.cells[key] for key in table.subjects}


def test_summed_reading_equals_full_reading_for_every_quarter(demo):
    regions = Region.objects.filter(plan=demo)
    full = load_plan_data(demo, regions, whole_county=True)
    for period in plan_periods(demo.years):
        summed = load_plan_data(demo, regions, whole_county=True, summarise_for=period)
        assert cells(progress_table(summed, period)) == cells(progress_table(full, period)), period


def test_summed_reading_of_a_generated_plan_with_a_county_only_indicator(db):
    plan = generate_plan(regions=7, indicators=3, years=3, first_year=2028, seed=11, quarters=9)
    regions = Region.objects.filter(plan=plan)
    full = load_plan_data(plan, regions, whole_county=True)
    # The generated quarters are approved, so their figures count (and the
    # comparison below compares numbers, not two empty tables).
    assert len(full.figures) == Figure.objects.filter(indicator__plan=plan).count() > 0
    key = (regions[0].pk, plan.indicators.get(code="i001").pk)
    assert progress_table(full, Period(2030, 1)).cells[key].reported is True  # the 9th quarter
    assert progress_table(full, Period(2030, 2)).cells[key].reported is False
    for period in plan_periods(plan.years):
        summed = load_plan_data(plan, regions, whole_county=True, summarise_for=period)
        assert cells(progress_table(summed, period)) == cells(progress_table(full, period)), period


def test_a_table_refuses_figures_summed_for_another_quarter(demo):
    regions = Region.objects.filter(plan=demo)
    period = latest_period(demo, regions, whole_county=True)
    summed = load_plan_data(demo, regions, whole_county=True, summarise_for=period)
    with pytest.raises(ValueError):
        progress_table(summed, period.previous())


def test_latest_period_is_scoped(demo, staff, region_a, region_b):
    """A township opens on its own latest approved quarter, whatever the others
    did. (Was: its latest quarter with figures; a figure not approved does not
    count, so it cannot choose the quarter either.)"""
    # The county opens on the demo's latest complete quarter (2026 Q3 is half reported).
    assert latest_period(demo, Region.objects.filter(plan=demo), whole_county=True).code == "2026Q2"
    for quarter in (1, 2, 3):
        return_submission(demo, staff, region_a, 2026, quarter, "请核对")
    scoped = Region.objects.filter(pk=region_a.pk)
    assert latest_period(demo, scoped, whole_county=False).code == "2025Q4"
    assert Figure.objects.filter(region=region_a, year=2026).exists()  # kept, not counted
    other = Region.objects.filter(pk=region_b.pk)
    assert latest_period(demo, other, whole_county=False).code == "2026Q3"
    # For the county 2026 is no longer complete: it opens on 2025 Q4.
    assert latest_period(demo, Region.objects.filter(plan=demo), whole_county=True).code == "2025Q4"
