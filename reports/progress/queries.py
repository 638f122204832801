"""Read plan data for the progress engine in a constant number of queries.

The engine (``reports.progress``) is pure; this module is the only place that
turns the database into its plain inputs. Always pass the user's scoped region
queryset (``Region.objects.visible_to``): figures and targets of regions
outside it are never read.

What counts: a region's figures of a quarter only once that region × quarter's
report (``Submission``) is approved — or, when staff ask for it, submitted
(``counted_figures``); county-level figures (no region) are the bureau's own
and count as entered. ``load_reporting`` reads who reported what, so the
engine can tell a quarter not reported (未报) from a quarter reported as 0 —
a region's, or a county-only indicator the bureau has not entered yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet, Sum

from regions.models import Region
from regions.roles import ENTER_FIGURES, REVIEW_FIGURES
from reports.choices import SubmissionState
from reports.models import ClosedQuarter, Figure, Submission
from reports.progress.coverage import Reporting
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
    # Who reported what (``figures`` hold only what counts); None when the
    # figures were not read (``with_figures=False``).
    reporting: Reporting | None = None

    def reported(self) -> dict[int, frozenset[tuple[int, int]]] | None:
        """The engine's ``reported``: each region's quarters whose figures count."""
        return None if self.reporting is None else self.reporting.reported_quarters()

    def county_reported(self) -> dict[int, frozenset[tuple[int, int]]] | None:
        """The engine's ``county_reported``: each county-only indicator's
        quarters the bureau entered or closed."""
        return None if self.reporting is None else self.reporting.county_reported_quarters()


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


# ``?include=submitted``: staff ask to count reports submitted, not yet approved.
INCLUDE_PARAM = "include"
INCLUDE_SUBMITTED = "submitted"


def may_include_submitted(user) -> bool:
    """Staff (who review or enter figures) may look at submitted reports
    before approving them; leaders and townships only ever see approved ones."""
    return user.has_perm(REVIEW_FIGURES) or user.has_perm(ENTER_FIGURES)


def includes_submitted(user, asked: str | None) -> bool:
    """Whether a page or an API call counts submitted reports: only when
    asked (``include=submitted``) and allowed; anyone else's ask is ignored."""
    return asked == INCLUDE_SUBMITTED and may_include_submitted(user)


def counted_figures(figures: QuerySet[Figure], states) -> QuerySet[Figure]:
    """The figures that count: county-level ones, and a region's once its
    report for that quarter is in one of ``states`` (approved; with submitted
    when staff ask). One subquery on the submission's unique (region, year,
    quarter), so reading them costs no extra query."""
    report = Submission.objects.filter(
        region=OuterRef("region"),
        year=OuterRef("year"),
        quarter=OuterRef("quarter"),
        state__in=list(states),
    )
    return figures.filter(Q(region__isnull=True) | Exists(report))


def read_regions(plan: Plan, regions: QuerySet[Region]) -> list[RegionInfo]:
    """The scoped regions of the plan in annex-2 order: one query."""
    return [
        RegionInfo(id=r.pk, code=r.code, name=r.name)
        for r in regions.filter(plan=plan).only("pk", "code", "name").order_by("order", "pk")
    ]


@dataclass
class ScopedReporting:
    """The scope's regions with their reporting: what a page reads before it
    knows its quarter (``latest_period`` needs it) and then hands on to
    ``load_plan_data``, so neither is read twice."""

    regions: list[RegionInfo]
    reporting: Reporting


def load_reporting(
    plan: Plan, regions: QuerySet[Region], *, include_submitted: bool = False
) -> ScopedReporting:
    """Four queries: the scoped regions, their submissions that are approved or
    submitted (one row per region × quarter, whatever the number of
    indicators), the plan's closed quarters, and its county-only indicators
    with the quarters the bureau entered (a row per indicator × quarter).
    ``include_submitted``: count submitted reports too (staff only: the
    caller decides)."""
    region_rows = read_regions(plan, regions)
    region_ids = [region.id for region in region_rows]
    states = Submission.objects.filter(
        plan=plan,
        # A subquery, not the id list: a thousand regions make no thousand parameters.
        region__in=regions.filter(plan=plan).values("pk"),
        year__gte=plan.first_year,
        year__lte=plan.last_year,
        state__in=[SubmissionState.APPROVED, SubmissionState.SUBMITTED],
    ).values_list("region_id", "year", "quarter", "state")
    closed = ClosedQuarter.objects.filter(plan=plan).values_list("year", "quarter")
    # Every county-only indicator the bureau types, joined to its county
    # figures when it has any (an indicator never entered still comes, with no
    # quarter). One the ledger derives is never typed: it counts as reported.
    # The broken-down indicators come too, once each and without figures (a
    # region's figure is no county figure): whether there are any says
    # whether the regions owe reports at all.
    county = (
        Indicator.objects.filter(plan=plan)
        .exclude(by_region=False, ledger_source__derived=True)
        .annotate(
            entered=FilteredRelation(
                "figures",
                condition=Q(
                    by_region=False,
                    figures__region__isnull=True,
                    figures__year__gte=plan.first_year,
                    figures__year__lte=plan.last_year,
                ),
            )
        )
        .values_list("pk", "by_region", "entered__year", "entered__quarter")
        .order_by()
    )
    rows = list(county)
    county_rows = [(pk, year, quarter) for pk, by_region, year, quarter in rows if not by_region]
    # A plan of county-level indicators only: its regions have nothing to
    # report, so none is waited for (coverage, the complete quarter).
    owe_reports = any(by_region for _pk, by_region, _year, _quarter in rows)
    reporting = Reporting(
        plan_years=tuple(plan.years),
        region_ids=tuple(region_ids) if owe_reports else (),
        states={(region, year, quarter): state for region, year, quarter, state in states},
        closed=frozenset(closed),
        includes_submitted=include_submitted,
        county_indicators=tuple(sorted({pk for pk, _year, _quarter in county_rows})),
        county_entered=frozenset(
            (pk, year, quarter) for pk, year, quarter in county_rows if year is not None
        ),
    )
    return ScopedReporting(region_rows, reporting)


def load_plan_data(
    plan: Plan,
    regions: QuerySet[Region],
    *,
    whole_county: bool,
    indicator_code: str | None = None,
    summarise_for: Period | None = None,
    scoped: ScopedReporting | None = None,
    only_regions: set[int] | None = None,
    include_submitted: bool = False,
    with_figures: bool = True,
) -> PlanData:
    """Indicators, targets and the figures that count, with the regions and
    their reporting (``load_reporting``: three queries, none when ``scoped``
    was read already).

    ``whole_county`` adds the county-level rows (county targets and county-only
    figures); without it only the scoped regions' rows are read.
    ``only_regions`` narrows the regions read to these ids (one township's page).
    ``indicator_code`` reads one indicator (its targets and figures) only. ``summarise_for`` reads
    figures summed in the database for that quarter (see ``_summarised``):
    a page that shows no quarter-by-quarter series needs no more.
    ``with_figures=False`` reads targets only (no figures, no reporting).
    """
    indicators = [indicator_info(i) for i in plan.indicators.all()]
    if indicator_code is not None:
        # The table then holds this indicator only: a thousand regions' cells
        # of the others would be built for nothing (the overview's goals).
        indicators = [i for i in indicators if i.code == indicator_code]
    if not with_figures:
        region_rows, reporting = read_regions(plan, regions), None
    else:
        if scoped is None:
            scoped = load_reporting(plan, regions, include_submitted=include_submitted)
        region_rows, reporting = scoped.regions, scoped.reporting
    if only_regions is not None:
        region_rows = [region for region in region_rows if region.id in only_regions]
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
    if reporting is None:
        figures = {}
        return PlanData(plan, indicators, region_rows, targets, figures, whole_county)
    figures_qs = counted_figures(figures_qs, reporting.counted_states)
    if summarise_for is not None:
        figures = _summarised(figures_qs, summarise_for, plan.first_year)
    else:
        figures = {
            (indicator_id, region_id, year, quarter): value
            for indicator_id, region_id, year, quarter, value in figures_qs.values_list(
                "indicator_id", "region_id", "year", "quarter", "value"
            )
        }
    return PlanData(
        plan, indicators, region_rows, targets, figures, whole_county, summarise_for, reporting
    )


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


def latest_period(
    plan: Plan,
    regions: QuerySet[Region],
    *,
    whole_county: bool,
    scoped: ScopedReporting | None = None,
) -> Period:
    """The quarter a page opens on.

    For the whole county: the latest quarter whose reporting is complete
    (every region's figures count, or the quarter is closed) — not the latest
    in which any single figure exists, which would open a leader on a quarter
    most townships have not reported yet. Without one, the latest quarter
    with any figure that counts (the page then says it is incomplete), else
    the plan's first quarter. For a township official: their own region's
    latest approved quarter, else the plan's first.

    Reads the reporting (``load_reporting``) unless given ``scoped``, and one
    more indexed query only when no quarter is complete."""
    if scoped is None:
        scoped = load_reporting(plan, regions)
    reporting = scoped.reporting
    if not whole_county:
        latest = reporting.latest_counted()
        return latest or Period(plan.first_year, 1)
    complete = reporting.latest_complete()
    if complete is not None:
        return complete
    figures = counted_figures(Figure.objects.in_plan(plan), reporting.counted_states)
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
        reported=data.reported(),
        county_reported=data.county_reported(),
        closed=data.reporting.closed if data.reporting is not None else frozenset(),
    )
