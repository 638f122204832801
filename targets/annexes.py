"""The plan's annexes as rows, read in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from regions.models import Region
from targets.models import Indicator, Plan, Target


@dataclass
class Annexes:
    """What the plan page shows. ``annex1`` is empty for users who may not see
    county-wide figures; ``annex2`` holds only the regions the user may see."""

    years: list[int]
    annex1: list[dict]
    has_stretch: bool
    broken_down: list[Indicator]
    annex2: dict[int, list[dict]]


def build_annexes(plan: Plan, regions: QuerySet[Region], *, whole_county: bool) -> Annexes:
    indicators = list(plan.indicators.all())
    region_list = list(regions.filter(plan=plan))
    region_ids = {region.pk for region in region_list}
    targets = Target.objects.filter(indicator__plan=plan).filter(
        **({} if whole_county else {"region__in": region_ids})
    )
    values: dict[tuple[int, int | None, int | None], Target] = {
        (t.indicator_id, t.region_id, t.year): t for t in targets
    }

    annex1 = []
    has_stretch = False
    if whole_county:
        for indicator in indicators:
            total = values.get((indicator.pk, None, None))
            row = {
                "order": indicator.order,
                "label": indicator.label,
                "decimal_places": indicator.decimal_places,
                "total": total.value if total else _sum_years(values, indicator, plan.years),
                "stretch": total.stretch_value if total else None,
            }
            has_stretch = has_stretch or row["stretch"] is not None
            for year in plan.years:
                target = values.get((indicator.pk, None, year))
                row[f"y{year}"] = target.value if target else None
            annex1.append(row)

    broken_down = [indicator for indicator in indicators if indicator.by_region]
    annex2: dict[int, list[dict]] = {}
    for year in plan.years:
        rows = []
        for region in region_list:
            row = {"region": region.name}
            for indicator in broken_down:
                target = values.get((indicator.pk, region.pk, year))
                row[f"i{indicator.pk}"] = target.value if target else None
            rows.append(row)
        if whole_county:
            row = {"region": plan.county_name}
            for indicator in broken_down:
                target = values.get((indicator.pk, None, year))
                row[f"i{indicator.pk}"] = target.value if target else None
            rows.append(row)
        annex2[year] = rows
    return Annexes(plan.years, annex1, has_stretch, broken_down, annex2)


def _sum_years(values, indicator: Indicator, years: list[int]) -> Decimal | None:
    found = [
        values[(indicator.pk, None, y)].value for y in years if (indicator.pk, None, y) in values
    ]
    return sum(found, Decimal(0)) if found else None
