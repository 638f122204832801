"""The plan's annexes as rows, read in a constant number of queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.db.models import Q

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
    # Annex 2's 总计 group: each region's plan total where the plan gives
    # one (an indicator with totals only has no year's target); [] when none.
    annex2_totals: list[dict] = field(default_factory=list)


# (indicator id, region id or None, year or None for the plan total) → (value, stretch or None)
TargetValues = Mapping[tuple[int, int | None, int | None], tuple[Decimal, Decimal | None]]


class AnnexIndicator(Protocol):
    """What an annex row needs of an indicator: ``targets.models.Indicator``
    and the engine's ``IndicatorInfo`` both fit."""

    id: int
    order: int
    label: str
    decimal_places: int
    by_region: bool


def annex1_rows(
    indicators: Sequence[AnnexIndicator], targets: TargetValues, years: Sequence[int]
) -> list[dict]:
    """Annex 1 as rows, one per indicator: each year's county target
    (``y2025`` …) and its 高线 when the plan sets one for the year (``s2025``),
    the plan's 总计 (``total``: the stored total, else the sum of the years)
    and its 高线 (``stretch``). No database access: the plan
    page and the official report both build annex 1 here, from the targets
    they have read."""
    rows = []
    for indicator in indicators:
        total = targets.get((indicator.id, None, None))
        row = {
            "id": indicator.id,
            "order": indicator.order,
            "label": indicator.label,
            "decimal_places": indicator.decimal_places,
            "total": total[0] if total else _sum_years(targets, indicator.id, years),
            "stretch": total[1] if total else None,
        }
        for year in years:
            target = targets.get((indicator.id, None, year))
            row[f"y{year}"] = target[0] if target else None
            row[f"s{year}"] = target[1] if target else None
        rows.append(row)
    return rows


def stretch_years(rows: list[dict], years: Sequence[int]) -> list[int]:
    """The years for which some indicator of annex 1 has a 高线 of its own."""
    return [year for year in years if any(row.get(f"s{year}") is not None for row in rows)]


def region_target_rows(
    indicators: Sequence[AnnexIndicator],
    targets: TargetValues,
    region_id: int,
    years: Sequence[int],
) -> list[dict]:
    """One region's targets in annex 1's layout (its township page): a row per
    broken-down indicator, each year's target from annex 2, ``total`` the
    region's plan total where the plan gives one (as the progress engine
    takes it), else the sum of those years (a Decimal, zero when they are
    all zero; None when the region has no target at all), and the region's
    高线 where the plan gives one: a year's (``s2025`` …) and the total's."""
    rows = []
    for indicator in indicators:
        if not indicator.by_region:
            continue
        of_year = [targets.get((indicator.id, region_id, year), (None, None)) for year in years]
        yearly = [value for value, _stretch in of_year]
        row = {
            "order": indicator.order,
            "label": indicator.label,
            "decimal_places": indicator.decimal_places,
        }
        for year, (value, stretch) in zip(years, of_year, strict=True):
            row[f"y{year}"], row[f"s{year}"] = value, stretch
        # Decimal start: a row of zero targets must stay a Decimal, not int 0.
        total, stretch = targets.get((indicator.id, region_id, None), (None, None))
        given = [v for v in yearly if v is not None]
        if total is None and given:  # no target at all: no total either (—), not 0
            total = sum(given, Decimal(0))
        row["total"] = total
        row["stretch"] = stretch
        rows.append(row)
    return rows


def has_stretch(rows: list[dict]) -> bool:
    return any(row["stretch"] is not None for row in rows)


def build_annexes(plan: Plan, regions: Sequence[Region], *, whole_county: bool) -> Annexes:
    """``regions``: the regions of annex 2 to show (one page of them on a
    large plan); only their targets are read, with the county's."""
    indicators = list(plan.indicators.all())
    region_list = [region for region in regions if region.plan_id == plan.pk]
    region_ids = [region.pk for region in region_list]
    shown = Q(region_id__in=region_ids)
    if whole_county:
        shown |= Q(region__isnull=True)
    targets = Target.objects.filter(shown, indicator__plan=plan)
    values: dict[tuple[int, int | None, int | None], tuple[Decimal, Decimal | None]] = {
        (indicator_id, region_id, year): (value, stretch)
        for indicator_id, region_id, year, value, stretch in targets.values_list(
            "indicator_id", "region_id", "year", "value", "stretch_value"
        )
    }

    annex1 = annex1_rows(indicators, values, plan.years) if whole_county else []

    broken_down = [indicator for indicator in indicators if indicator.by_region]
    annex2: dict[int, list[dict]] = {}
    for year in plan.years:
        rows = []
        for region in region_list:
            rows.append(_annex2_row(region.name, broken_down, values, region.pk, year))
        if whole_county:
            rows.append(_annex2_row(plan.county_name, broken_down, values, None, year))
        annex2[year] = rows
    totals = []
    if any((i.pk, r.pk, None) in values for i in broken_down for r in region_list):
        places = [(region.pk, region.name) for region in region_list]
        if whole_county:
            places.append((None, plan.county_name))
        for region_id, name in places:
            totals.append(_annex2_row(name, broken_down, values, region_id, None))
    return Annexes(plan.years, annex1, has_stretch(annex1), broken_down, annex2, totals)


def _annex2_row(
    name: str,
    indicators: Sequence[Indicator],
    targets: TargetValues,
    region_id: int | None,
    year: int | None,
) -> dict:
    """One region's row of annex 2 for ``year`` (None: its 总计): each
    indicator's target (``i<id>``) and 高线 (``s<id>``, None where none)."""
    row = {"region": name, "is_region": region_id is not None}
    for indicator in indicators:
        value, stretch = targets.get((indicator.pk, region_id, year), (None, None))
        row[f"i{indicator.pk}"], row[f"s{indicator.pk}"] = value, stretch
    return row


def _sum_years(targets: TargetValues, indicator_id: int, years: Sequence[int]) -> Decimal | None:
    found = [targets[key][0] for y in years if (key := (indicator_id, None, y)) in targets]
    return sum(found, Decimal(0)) if found else None
