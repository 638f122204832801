"""Incubators and operating rows for the ledger-entry tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from reports.choices import IncubatorStatus
from reports.ledger.operating import METRIC_NAMES, OperatingChange
from reports.models import Incubator
from targets.choices import IncubatorKind

Q = (2026, 1)


def incubator(region, name, *, status=IncubatorStatus.OPERATING, **extra) -> Incubator:
    return Incubator.objects.create(
        region=region,
        name=name,
        kind=extra.pop("kind", IncubatorKind.INCUBATOR),
        floor_area=extra.pop("floor_area", Decimal("1.50")),
        status=status,
        status_since=datetime.date(2024, 1, 1),
        operating_since=datetime.date(2024, 1, 1),
        **extra,
    )


def values(**overrides) -> dict[str, Decimal | None]:
    """A plausible whole row; ``overrides`` as text or None."""
    row = {
        "occupancy_rate": "85.5",
        "enterprises": "20",
        "new_talent": "12",
        "financing": "300",
        "revenue": "1500.25",
        "graduates": "2",
        "lead_industry_enterprises": "15",
        "lead_industry_revenue": "900",
    }
    row.update(overrides)
    return {name: None if row[name] is None else Decimal(row[name]) for name in METRIC_NAMES}


def change(incubator, period=Q, seen_version=None, **overrides) -> OperatingChange:
    return OperatingChange(
        incubator.pk, *period, values=values(**overrides), seen_version=seen_version
    )
