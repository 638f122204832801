"""Synthetic plans of any size, for benchmarks and query-count tests.

Deterministic for a given seed. Bulk inserts without history rows: this is
generated test data, not anyone's report. Every region × quarter with figures
is approved (no event: nobody did it), so the figures count like real ones.
The many rows (targets, figures, reports, series) are written without model
instances (``reports.demo.rows``); the few others refer to (regions,
indicators, goals) through ``bulk_create``.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from regions.models import Region
from reports.choices import SubmissionState
from reports.demo.rows import insert_rows
from reports.demo.scale_ledger import generate_ledger
from reports.models import Figure, GoalFigure, Submission
from targets.choices import GoalKind
from targets.models import Goal, Indicator, Plan, Target
from targets.versioning import bump_data_version


@transaction.atomic
def generate_plan(
    *,
    regions: int,
    indicators: int,
    years: int,
    first_year: int = 2025,
    quarters: int | None = None,
    seed: int = 1,
    name: str | None = None,
    active: bool = True,
    incubators_per_region: int = 2,
    enterprises_per_incubator: int = 3,
) -> Plan:
    """A plan with ``regions`` regions, ``indicators`` indicators (the last one
    county-only when there are two or more), yearly targets and figures for the
    first ``quarters`` quarters (all quarters of all years by default), and a
    ledger (``incubators_per_region``, 0 for none) that counts the first
    indicators, the county-only one and the stock goal."""
    rng = random.Random(seed)
    if active:
        Plan.objects.filter(is_active=True).update(is_active=False)
    plan = Plan.objects.create(
        name=name or f"Synthetic plan {regions}×{indicators}×{years}",
        document_number=f"SYN-{seed}",
        county_name="County",
        first_year=first_year,
        last_year=first_year + years - 1,
        is_active=active,
    )
    region_objs = Region.objects.bulk_create(
        Region(plan=plan, code=f"r{i:05d}", name=f"Region {i:05d}", order=i)
        for i in range(1, regions + 1)
    )
    indicator_objs = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            code=f"i{i:03d}",
            name=f"Indicator {i:03d}",
            unit="u",
            decimal_places=2 if i == 1 else 0,
            by_region=not (indicators >= 2 and i == indicators),
            order=i,
        )
        for i in range(1, indicators + 1)
    )
    periods = [(y, q) for y in plan.years for q in (1, 2, 3, 4)][: quarters or years * 4]
    targets, figures = [], []
    for indicator in indicator_objs:
        subjects = region_objs if indicator.by_region else [None]
        county_by_year = {year: Decimal(0) for year in plan.years}
        quantum = indicator.quantum
        for region in subjects:
            region_id = None if region is None else region.pk
            yearly = {}
            for year in plan.years:
                value = Decimal(rng.randint(1, 50))
                yearly[year] = value
                county_by_year[year] += value
                if region is not None:
                    targets.append((indicator.pk, region_id, year, value))
            for year, quarter in periods:
                share = Decimal(rng.randint(10, 35)) / 100
                value = (yearly[year] * share).quantize(quantum)
                figures.append((indicator.pk, region_id, year, quarter, value))
        for year, value in county_by_year.items():
            targets.append((indicator.pk, None, year, value))
        targets.append((indicator.pk, None, None, sum(county_by_year.values())))
    insert_rows(Target, ["indicator_id", "region_id", "year", "value"], targets)
    insert_rows(Figure, ["indicator_id", "region_id", "year", "quarter", "value"], figures)
    insert_rows(
        Submission,
        ["plan_id", "region_id", "year", "quarter", "state"],
        (
            (plan.pk, region.pk, year, quarter, SubmissionState.APPROVED.value)
            for region in region_objs
            for year, quarter in periods
        ),
    )
    goals = _generate_goals(plan, indicator_objs, periods, rng)
    if incubators_per_region:
        generate_ledger(
            plan,
            region_objs,
            indicator_objs,
            goals,
            rng,
            incubators_per_region=incubators_per_region,
            enterprises_per_incubator=enterprises_per_incubator,
        )
    # Written in bulk (no signals): the plan's numbers changed.
    bump_data_version(plan.pk)
    return plan


def _generate_goals(
    plan: Plan, indicators: list[Indicator], periods, rng: random.Random
) -> list[Goal]:
    """One headline goal of each kind — a cumulative one and an annual floor on
    indicators, the others on their own county series — with a series figure
    for every period, so pages show goals of every kind at any size."""
    first, floor = indicators[0], indicators[min(1, len(indicators) - 1)]
    goals = Goal.objects.bulk_create(
        [
            Goal(
                plan=plan,
                code="g-total",
                order=1,
                text="Cumulative goal",
                kind=GoalKind.CUMULATIVE,
                value=Decimal(100),
                indicator=first,
                unit="u",
            ),
            Goal(
                plan=plan,
                code="g-floor",
                order=2,
                text="Annual floor",
                kind=GoalKind.ANNUAL_FLOOR,
                value=Decimal(10),
                indicator=floor,
                unit="u",
            ),
            Goal(
                plan=plan,
                code="g-stock",
                order=3,
                text="Stock goal",
                kind=GoalKind.STOCK,
                value=Decimal(30),
                base_value=Decimal(10),
                unit="u",
            ),
            Goal(
                plan=plan,
                code="g-share",
                order=4,
                text="Share goal",
                kind=GoalKind.SHARE,
                value=Decimal(75),
                unit="%",
            ),
        ]
    )
    series = []
    for goal in goals[2:]:
        for year, quarter in periods:
            denominator = Decimal(40) if goal.kind == GoalKind.SHARE else None
            value = Decimal(rng.randint(10, 35))
            series.append((goal.pk, year, quarter, value, denominator))
    insert_rows(GoalFigure, ["goal_id", "year", "quarter", "value", "denominator"], series)
    return goals
