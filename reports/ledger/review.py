"""The operating data on the review page: for each region, the quarter's rows
of its incubators beside its figures, and the operating incubators without a
row. They are part of what the township hands in (its report's state governs
them) and count once it is approved (``operating.counted_quarters``). Two
queries for every region."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from reports.ledger.operating import (
    METRIC_NAMES,
    metric_decimals,
    metric_label,
    reported_incubators,
)
from reports.models import IncubatorQuarter
from reports.progress import Period
from targets.models import Plan


@dataclass
class OperatingLine:
    name: str
    values: list[tuple[Decimal | None, int]]  # (value, decimal places) per metric


@dataclass
class OperatingReview:
    lines: list[OperatingLine] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # operating incubators without a row


def metric_headers() -> list[str]:
    return [metric_label(name) for name in METRIC_NAMES]


def operating_review(plan: Plan, period: Period) -> dict[int, OperatingReview]:
    """Region id → its incubators' operating data for ``period``."""
    region_ids = list(plan.regions.values_list("pk", flat=True))
    rows = {
        row.incubator_id: row
        for row in IncubatorQuarter.objects.filter(
            incubator__region_id__in=region_ids, year=period.year, quarter=period.quarter
        )
    }
    found: dict[int, OperatingReview] = defaultdict(OperatingReview)
    for incubator in reported_incubators(region_ids, period.year, period.quarter).only(
        "pk", "name", "region_id"
    ):
        review = found[incubator.region_id]
        row = rows.get(incubator.pk)
        if row is None:
            review.missing.append(incubator.name)
            continue
        review.lines.append(
            OperatingLine(
                incubator.name,
                [(Decimal(getattr(row, name)), metric_decimals(name)) for name in METRIC_NAMES],
            )
        )
    return dict(found)
