"""Read plan data for the progress engine in a constant number of queries.

The engine (``reports.progress``) is pure; this module is the only place that
turns the database into its plain inputs. Always pass the user's scoped region
queryset (``Region.objects.visible_to``): figures and targets of regions
outside it are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from regions.models import Region
from reports.models import Figure
from reports.progress import Bands, Period, default_period
from reports.progress_table import IndicatorInfo, ProgressTable, RegionInfo, build_table
from targets.models import Indicator, Plan, Target


@dataclass
class PlanData:
    plan: Plan
    indicators: list[IndicatorInfo]
    regions: list[RegionInfo]
    # (indicator_id, region_id | None, year | None) → (value, stretch | None)
    targets: dict[tuple[int, int | None, int | None], tuple[Decimal, Decimal | None]]
    # (indicator_id, region_id | None, year, quarter) → value
    figures: dict[tuple[int, int | None, int, int], Decimal]
    whole_county: bool


def indicator_info(indicator: Indicator) -> IndicatorInfo:
    return IndicatorInfo(
        id=indicator.pk,
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        decimal_places=indicator.decimal_places,
        by_region=indicator.by_region,
    )


def load_plan_data(
    plan: Plan,
    regions: QuerySet[Region],
    *,
    whole_county: bool,
    through_year: int | None = None,
) -> PlanData:
    """Four queries: indicators, regions, targets, figures.

    ``whole_county`` adds the county-level rows (county targets and county-only
    figures); without it only the scoped regions' rows are read.
    """
    indicators = [indicator_info(i) for i in plan.indicators.all()]
    region_rows = [
        RegionInfo(id=r.pk, code=r.code, name=r.name)
        for r in regions.filter(plan=plan).only("pk", "code", "name").order_by("order", "pk")
    ]
    region_ids = [r.id for r in region_rows]
    # Whole-county users may see every region of the plan: no id list needed.

    targets_qs = Target.objects.filter(indicator__plan=plan)
    figures_qs = Figure.objects.filter(indicator__plan=plan)
    if not whole_county:
        # County rows (region NULL) and other regions are never read.
        targets_qs = targets_qs.filter(region_id__in=region_ids)
        figures_qs = figures_qs.filter(region_id__in=region_ids)
    if through_year is not None:
        figures_qs = figures_qs.filter(year__lte=through_year)

    targets = {
        (indicator_id, region_id, year): (value, stretch)
        for indicator_id, region_id, year, value, stretch in targets_qs.values_list(
            "indicator_id", "region_id", "year", "value", "stretch_value"
        )
    }
    figures = {
        (indicator_id, region_id, year, quarter): value
        for indicator_id, region_id, year, quarter, value in figures_qs.values_list(
            "indicator_id", "region_id", "year", "quarter", "value"
        )
    }
    return PlanData(plan, indicators, region_rows, targets, figures, whole_county)


def default_as_of(data: PlanData) -> Period:
    """The latest quarter with figures (what users want to see first), else the
    plan's first quarter."""
    return default_period(data.figures.keys(), data.plan.years)


def progress_table(data: PlanData, as_of: Period, bands: Bands | None = None) -> ProgressTable:
    return build_table(
        indicators=data.indicators,
        regions=data.regions,
        targets=data.targets,
        figures=data.figures,
        plan_years=data.plan.years,
        as_of=as_of,
        bands=bands or Bands.from_settings(),
    )
