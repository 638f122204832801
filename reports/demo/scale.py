"""Synthetic plans of any size, for benchmarks and query-count tests.

Deterministic for a given seed. Bulk inserts without history rows: this is
generated test data, not anyone's report. Every region × quarter with figures
is approved (no event: nobody did it), so the figures count like real ones.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from regions.models import Region
from reports.choices import SubmissionState
from reports.models import Figure, Submission
from targets.models import Indicator, Plan, Target

BATCH = 5000


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
) -> Plan:
    """A plan with ``regions`` regions, ``indicators`` indicators (the last one
    county-only when there are two or more), yearly targets and figures for the
    first ``quarters`` quarters (all quarters of all years by default)."""
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
        for region in subjects:
            yearly = {}
            for year in plan.years:
                value = Decimal(rng.randint(1, 50))
                yearly[year] = value
                county_by_year[year] += value
                if region is not None:
                    targets.append(
                        Target(indicator=indicator, region=region, year=year, value=value)
                    )
            for year, quarter in periods:
                share = Decimal(rng.randint(10, 35)) / 100
                figures.append(
                    Figure(
                        indicator=indicator,
                        region=region,
                        year=year,
                        quarter=quarter,
                        value=(yearly[year] * share).quantize(indicator.quantum),
                    )
                )
        for year, value in county_by_year.items():
            targets.append(Target(indicator=indicator, region=None, year=year, value=value))
        targets.append(
            Target(indicator=indicator, region=None, year=None, value=sum(county_by_year.values()))
        )
    Target.objects.bulk_create(targets, batch_size=BATCH)
    Figure.objects.bulk_create(figures, batch_size=BATCH)
    Submission.objects.bulk_create(
        (
            Submission(
                plan=plan,
                region=region,
                year=year,
                quarter=quarter,
                state=SubmissionState.APPROVED,
            )
            for region in region_objs
            for year, quarter in periods
        ),
        batch_size=BATCH,
    )
    return plan
