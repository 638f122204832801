"""Make an indicator one whose plan gives totals only, no year's target (as
another county's plan may): each subject's yearly targets become one total."""

from __future__ import annotations

from decimal import Decimal

from targets.models import Target


def keep_only_plan_totals(indicator) -> dict[int | None, Decimal]:
    """Replace ``indicator``'s targets by each subject's (region, or None for
    the county) sum of its yearly ones; returns those totals."""
    totals: dict[int | None, Decimal] = {}
    for target in Target.objects.filter(indicator=indicator, year__isnull=False):
        totals[target.region_id] = totals.get(target.region_id, Decimal(0)) + target.value
    Target.objects.filter(indicator=indicator).delete()
    Target.objects.bulk_create(
        Target(indicator=indicator, region_id=region, year=None, value=value)
        for region, value in totals.items()
    )
    return totals
