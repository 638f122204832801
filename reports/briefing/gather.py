"""What a briefing says, gathered from the engine: the numbers of one quarter
and of the quarter before, the reporting coverage, the headline goals and the
measures — read in a constant number of queries and handed to the pure
phrasing rules (``reports.briefing.phrasing``) as plain data.

Nothing here computes a number the engine does not give: cells come from
``progress_table``, goals from ``evaluate_goals``, measures from the measures
board. Only regions of the reader's scope are read and named; the one
exception is a township's rank (``rank_regions``), which needs the other
townships' paces but names none of them, and is read only when the setting
allows it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from regions.models import Region
from reports.briefing.facts import (
    BriefingFacts,
    GoalFacts,
    IndicatorFacts,
    LaggingRegion,
    MeasureFacts,
    OutsideScope,
    Rank,
)
from reports.choices import SubmissionState
from reports.figures.deadlines import quarter_begun
from reports.figures.measure_board import board
from reports.measure_models import MeasureStatus
from reports.progress import Period, ProgressTable, RegionInfo
from reports.progress.goal_display import goal_places, goal_status_label
from reports.progress.goal_queries import evaluate_goals, load_goals
from reports.progress.queries import load_plan_data, load_reporting, progress_table
from targets.models import Plan


def previous_period(plan: Plan, period: Period) -> Period | None:
    before = period.previous()
    return before if before.year >= plan.first_year else None


def _rank_of(region_id: int, paces: dict[int, Decimal]) -> Rank | None:
    """1 + the regions strictly ahead: ties share a place."""
    if region_id not in paces:
        return None
    own = paces[region_id]
    return Rank(1 + sum(other > own for other in paces.values()), len(paces))


def rank_regions(
    plan: Plan, period: Period, region_id: int, include_submitted: bool
) -> tuple[Rank | None, dict[int, Rank]]:
    """A township's place among all the plan's townships: overall (the
    engine's lag score) and per indicator (its pace against 序时). Reads every
    region's numbers, so only when the setting allows it; returns positions,
    never names."""
    everyone = Region.objects.filter(plan=plan)
    data = load_plan_data(
        plan,
        everyone,
        whole_county=False,
        summarise_for=period,
        include_submitted=include_submitted,
    )
    table = progress_table(data, period)
    scores = {score.region.id: score.score for score in table.ranking}
    overall = _rank_of(region_id, scores)
    by_indicator = {}
    for indicator in table.broken_down:
        paces = {
            region.id: found[0]
            for region in table.regions
            if (found := table.cells.pace((region.id, indicator.id))) and found[0] is not None
        }
        rank = _rank_of(region_id, paces)
        if rank is not None:
            by_indicator[indicator.id] = rank
    return overall, by_indicator


def _goals(plan: Plan, table: ProgressTable, period: Period) -> tuple[GoalFacts, ...]:
    rows = evaluate_goals(plan, load_goals(plan), table, period)
    return tuple(
        GoalFacts(
            text=row.goal.text,
            unit=row.goal.unit,
            places=goal_places(row),
            status=row.result.status,
            value=row.result.value,
            goal=row.result.goal,
            status_label=goal_status_label(row.result, row.provisional),
            year=row.result.years[-1].year if row.result.years else None,
        )
        for row in rows
    )


NO_PROGRESS = (MeasureStatus.NOT_STARTED, MeasureStatus.LAGGING)


def _measures(plan: Plan, period: Period) -> tuple[MeasureFacts, ...]:
    rows = board(plan.measures.all(), period, timezone.localdate())
    found = []
    for row in rows:
        status = row.latest.status if row.latest else None
        if row.reported and status not in NO_PROGRESS:
            continue
        found.append(
            MeasureFacts(
                label=row.measure.label,
                title=row.measure.title,
                lead=row.lead.name if row.lead else "",
                status=status,
                reported=row.reported,
            )
        )
    return tuple(found)


def gather(
    *,
    plan: Plan,
    period: Period,
    regions: QuerySet[Region],
    region: Region | None = None,
    show_rank: bool = False,
    include_submitted: bool = False,
) -> BriefingFacts:
    """Everything a briefing of ``period`` says, for the reader whose scope is
    ``regions``: the county (``region`` None, a reader who sees every region)
    or one township of the scope."""
    if period.year not in plan.years:
        raise ValueError(f"{period.code} is outside the plan years {plan.years}")
    scoped = load_reporting(plan, regions, include_submitted=include_submitted)
    visible = {info.id for info in scoped.regions}
    if region is not None and region.pk not in visible:
        raise OutsideScope(f"region {region.pk} is outside the reader's scope")
    whole_county = region is None
    if whole_county and len(visible) != plan.regions.count():
        raise OutsideScope("the county briefing needs a reader who sees every region")
    data = load_plan_data(
        plan,
        regions,
        whole_county=whole_county,
        scoped=scoped,
        only_regions=None if whole_county else {region.pk},
    )
    table = progress_table(data, period)
    before = previous_period(plan, period)
    previous = progress_table(data, before) if before else None
    subject = None if whole_county else region.pk
    overall, ranks = None, {}
    if show_rank and not whole_county:
        overall, ranks = rank_regions(plan, period, region.pk, include_submitted)
    indicators = []
    for indicator in table.indicators:
        cell = table.get(subject, indicator.id)
        if cell is None:
            continue  # a county-only indicator in a township's briefing
        column = table.column(indicator.id) if whole_county and indicator.by_region else []
        indicators.append(
            IndicatorFacts(
                indicator=indicator,
                cell=cell,
                previous=previous.get(subject, indicator.id) if previous else None,
                regions=tuple(column),
                rank=ranks.get(indicator.id),
                total_only=table.subjects[(subject, indicator.id)].total_only,
            )
        )
    reporting = scoped.reporting
    region_rows = data.regions
    coverage = reporting.coverage(period, [r.id for r in region_rows])
    counted = data.reported() or {}
    key = (period.year, period.quarter)
    # A plan of county-level indicators only: no region owes a report, so
    # none is named as missing one.
    owe_reports = any(indicator.by_region for indicator in table.indicators)
    missing = tuple(r for r in region_rows if owe_reports and key not in counted.get(r.id, ()))
    submitted = tuple(
        r
        for r in missing
        if reporting.states.get((r.id, period.year, period.quarter)) == SubmissionState.SUBMITTED
    )
    # A township's earlier quarters of the year it never reported and the
    # bureau closed: counted as nothing, for good; the briefing says so.
    closed_missed = ()
    if not whole_county and owe_reports:
        closed_missed = tuple(
            q
            for q in range(1, period.quarter)
            if (period.year, q) in reporting.closed
            and (period.year, q) not in counted.get(region.pk, ())
        )
    return BriefingFacts(
        plan_name=plan.name,
        document_number=plan.document_number,
        county_name=plan.county_name,
        region_term=plan.region_term,
        period=period,
        first_year=plan.first_year,
        last_year=plan.last_year,
        region=None if whole_county else RegionInfo(region.pk, region.code, region.name),
        coverage=coverage,
        not_reported=missing,
        begun=quarter_begun(period),
        submitted=submitted,
        indicators=tuple(indicators),
        overall_rank=overall,
        goals=_goals(plan, table, period) if whole_county else (),
        measures=_measures(plan, period) if whole_county else (),
        lagging=tuple(
            LaggingRegion(score.region, score.behind) for score in table.ranking if score.behind
        )
        if whole_county
        else (),
        includes_submitted=include_submitted,
        closed_missed=closed_missed,
    )
