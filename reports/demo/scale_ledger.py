"""A synthetic ledger for a synthetic plan (``reports.demo.scale``): sources
for the first two indicators (area opened, entries), the county-only one
(recognitions 市级+) and the stock goal; incubators and enterprises per
region with dates spread over the plan. Bulk inserts, no history; the
incubators, recognitions and enterprises without model instances
(``reports.demo.rows``)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from reports.choices import EnterpriseStage, IncubatorStatus
from reports.demo.rows import insert_rows
from reports.ledger.identity import name_key, normalise_name
from reports.models import Enterprise, Incubator, IncubatorRecognition
from targets.choices import GoalKind, IncubatorKind, IncubatorLevel, LedgerRule
from targets.ledger import LedgerSource


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
    operating = IncubatorStatus.OPERATING.value
    incubators = [
        (
            region.pk,
            f"{region.name} incubator {n}",
            name_key(f"{region.name} incubator {n}"),
            kinds[n % len(kinds)],
            Decimal(rng.randint(10, 300)) / 100,
            operating,
            start,
            some_day(),
        )
        for region in regions
        for n in range(incubators_per_region)
    ]
    insert_rows(
        Incubator,
        [
            "region_id",
            "name",
            "name_key",
            "kind",
            "floor_area",
            "status",
            "status_since",
            "operating_since",
        ],
        incubators,
    )
    # Their keys, in the order written (a name is unique within the plan).
    ids = dict(Incubator.objects.filter(region__plan=plan).order_by().values_list("name", "pk"))
    if len(ids) != len(incubators):
        raise ValueError("incubator names repeat within the plan")
    keys = [ids[name] for _region, name, *_rest in incubators]
    insert_rows(
        IncubatorRecognition,
        ["incubator_id", "level", "recognised_on"],
        (
            (key, rng.choice(IncubatorLevel.values), some_day())
            for key in keys
            if rng.random() < 0.5
        ),
    )
    incubating = EnterpriseStage.INCUBATING.value
    firms = []
    for key, (_region, incubator_name, *_rest) in zip(keys, incubators, strict=True):
        for n in range(enterprises_per_incubator):
            name = f"{incubator_name} firm {n}"
            firms.append((plan.pk, name, normalise_name(name), key, some_day(), incubating))
    insert_rows(
        Enterprise,
        ["plan_id", "name", "normalised_name", "incubator_id", "entered_on", "stage"],
        firms,
    )
