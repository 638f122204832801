"""A synthetic ledger for a synthetic plan (``reports.demo.scale``): sources
for the first two indicators (area opened, entries), the county-only one
(recognitions 市级+) and the stock goal; incubators and enterprises per
region with dates spread over the plan. Bulk inserts, no history."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from reports.choices import EnterpriseStage, IncubatorStatus
from reports.ledger.identity import normalise_name
from reports.models import Enterprise, Incubator, IncubatorRecognition
from targets.choices import GoalKind, IncubatorKind, IncubatorLevel, LedgerRule
from targets.ledger import LedgerSource

BATCH = 5000


def generate_ledger(
    plan,
    regions,
    indicators,
    goals,
    rng: random.Random,
    *,
    incubators_per_region: int,
    enterprises_per_incubator: int,
) -> None:
    sources = [LedgerSource(plan=plan, indicator=indicators[0], rule=LedgerRule.FLOOR_AREA_OPENED)]
    if len(indicators) >= 3:
        sources.append(
            LedgerSource(plan=plan, indicator=indicators[1], rule=LedgerRule.ENTERPRISE_ENTRIES)
        )
    if len(indicators) >= 2 and not indicators[-1].by_region:
        sources.append(
            LedgerSource(
                plan=plan,
                indicator=indicators[-1],
                rule=LedgerRule.RECOGNITIONS,
                min_level=IncubatorLevel.CITY,
            )
        )
    sources += [
        LedgerSource(plan=plan, goal=goal, rule=LedgerRule.INCUBATOR_STOCK)
        for goal in goals
        if goal.kind == GoalKind.STOCK
    ]
    LedgerSource.objects.bulk_create(sources)
    start = date(plan.first_year, 1, 1)
    span = (date(plan.last_year, 12, 31) - start).days

    def some_day() -> date:
        return start + timedelta(days=rng.randint(-365, span))

    kinds = IncubatorKind.values
    incubators = Incubator.objects.bulk_create(
        (
            Incubator(
                region=region,
                name=f"{region.name} incubator {n}",
                kind=kinds[n % len(kinds)],
                floor_area=Decimal(rng.randint(10, 300)) / 100,
                status=IncubatorStatus.OPERATING,
                status_since=start,
                operating_since=some_day(),
            )
            for region in regions
            for n in range(incubators_per_region)
        ),
        batch_size=BATCH,
    )
    IncubatorRecognition.objects.bulk_create(
        (
            IncubatorRecognition(
                incubator=incubator,
                level=rng.choice(IncubatorLevel.values),
                recognised_on=some_day(),
            )
            for incubator in incubators
            if rng.random() < 0.5
        ),
        batch_size=BATCH,
    )
    firms = []
    for incubator in incubators:
        for n in range(enterprises_per_incubator):
            name = f"{incubator.name} firm {n}"
            firms.append(
                Enterprise(
                    plan=plan,
                    name=name,
                    normalised_name=normalise_name(name),
                    incubator=incubator,
                    entered_on=some_day(),
                    stage=EnterpriseStage.INCUBATING,
                )
            )
    Enterprise.objects.bulk_create(firms, batch_size=BATCH)
