"""Read plan data for the progress engine in a constant number of queries.

The engine (``reports.progress``) is pure; this module is the only place that
turns the database into its plain inputs. Always pass the user's scoped region
queryset (``Region.objects.visible_to``): figures and targets of regions
outside it are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from regions.models import Region
from reports.models import Figure
from reports.progress.engine import ZERO, Bands, Period, default_period
from reports.progress.table import IndicatorInfo, ProgressTable, RegionInfo, build_table
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
    # Set when ``figures`` are folded sums for one quarter (see load_summary):
    # right for every number as of that quarter, wrong for quarter-by-quarter series.
    summarised_for: Period | None = None


def indicator_info(indicator: Indicator) -> IndicatorInfo:
    return IndicatorInfo(
        id=indicator.pk,
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        decimal_places=indicator.decimal_places,
        by_region=indicator.by_region,
        order=indicator.order,
        alt_name=indicator.alt_name,
        pacing=indicator.pacing,
    )


def load_plan_data(
    plan: Plan,
    regions: QuerySet[Region],
    *,
    whole_county: bool,
    indicator_code: str | None = None,
    summarise_for: Period | None = None,
) -> PlanData:
    """Four queries: indicators, regions, targets, figures.

    ``whole_county`` adds the county-level rows (county targets and county-only
    figures); without it only the scoped regions' rows are read.
    ``indicator_code`` reads one indicator's targets and figures only. ``summarise_for`` reads
    figures summed in the database for that quarter (see ``_summarised``):
    a page that shows no quarter-by-quarter series needs no more.
    """
    indicators = [indicator_info(i) for i in plan.indicators.all()]
    region_rows = [
        RegionInfo(id=r.pk, code=r.code, name=r.name)
        for r in regions.filter(plan=plan).only("pk", "code", "name").order_by("order", "pk")
    ]
    region_ids = [r.id for r in region_rows]
    # Whole-county users may see every region of the plan: no id list needed.

    targets_qs = Target.objects.filter(indicator__plan=plan)
    # Only the plan's years: a stray row outside them (written past the
    # services) must change no number, nor fold into a quarter of the plan.
    figures_qs = Figure.objects.in_plan(plan)
    if not whole_county:
        # County rows (region NULL) and other regions are never read.
        targets_qs = targets_qs.filter(region_id__in=region_ids)
        figures_qs = figures_qs.filter(region_id__in=region_ids)
    if indicator_code is not None:
        targets_qs = targets_qs.filter(indicator__code=indicator_code)
        figures_qs = figures_qs.filter(indicator__code=indicator_code)

    targets = {
        (indicator_id, region_id, year): (value, stretch)
        for indicator_id, region_id, year, value, stretch in targets_qs.values_list(
            "indicator_id", "region_id", "year", "value", "stretch_value"
        )
    }
    if summarise_for is not None:
        figures = _summarised(figures_qs, summarise_for, plan.first_year)
    else:
        figures = {
            (indicator_id, region_id, year, quarter): value
            for indicator_id, region_id, year, quarter, value in figures_qs.values_list(
                "indicator_id", "region_id", "year", "quarter", "value"
            )
        }
    return PlanData(plan, indicators, region_rows, targets, figures, whole_county, summarise_for)


def _summarised(figures_qs, as_of: Period, first_year: int) -> dict:
    """One row per (indicator, region) instead of one per quarter: the
    database sums the quarter, the year to date and the plan to date, and the
    sums are laid back on three quarters — this quarter, Q1 of this year (the
    year's earlier quarters) and Q1 of the plan's first year (earlier years).
    Every sum the engine takes as of ``as_of`` is unchanged; for a plan of a
    thousand regions this reads a twelfth of the rows. Rows before the plan's
    first year are left out here too: folded onto its first quarter they
    would count as the plan's own."""
    year, quarter = as_of.year, as_of.quarter
    this_quarter = Q(year=year, quarter=quarter)
    this_year = Q(year=year, quarter__lte=quarter)
    rows = (
        figures_qs.filter(year__gte=first_year, year__lte=year)
        .values_list("indicator_id", "region_id")
        .annotate(
            now=Sum("value", filter=this_quarter),
            ytd=Sum("value", filter=this_year),
            ptd=Sum("value", filter=Q(year__lt=year) | this_year),
        )
        .order_by()
    )
    figures: dict = {}
    for indicator_id, region_id, now, ytd, ptd in rows:
        now, ytd, ptd = now or ZERO, ytd or ZERO, ptd or ZERO
        figures[(indicator_id, region_id, year, quarter)] = now
        if ytd != now:
            figures[(indicator_id, region_id, year, 1)] = ytd - now
        if ptd != ytd:
            figures[(indicator_id, region_id, first_year, 1)] = ptd - ytd
    return figures


def latest_period(plan: Plan, regions: QuerySet[Region], *, whole_county: bool) -> Period:
    """The latest quarter with figures in the user's scope (what users want to
    see first), else the plan's first quarter. One indexed query."""
    figures = Figure.objects.in_plan(plan)
    if not whole_county:
        figures = figures.filter(region__in=regions)
    latest = figures.order_by("-year", "-quarter").values_list("year", "quarter").first()
    return default_period([latest] if latest else [], plan.years)


def progress_table(data: PlanData, as_of: Period, bands: Bands | None = None) -> ProgressTable:
    if data.summarised_for not in (None, as_of):
        raise ValueError(f"figures were summarised for {data.summarised_for}, not {as_of}")
    return build_table(
        indicators=data.indicators,
        regions=data.regions,
        targets=data.targets,
        figures=data.figures,
        plan_years=data.plan.years,
        as_of=as_of,
        bands=bands or Bands.from_settings(),
    )
