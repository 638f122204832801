"""The plan's headline goals as of a quarter: the database read into the goals
engine's inputs (``reports.progress.goals``), in a constant number of queries.

A goal that an annex indicator measures takes its numbers from the progress
table the page already built — the county cell's plan-to-date for a cumulative
goal, each year's year-to-date for an annual floor — so the goals and the
progress pages show one number. Every other goal reads its own county series
(``GoalFigure``) — but a stock goal the ledger counts (``LedgerSource``
with the incubator-stock rule) reads the ledger's stock at each quarter's end
once the plan keeps a ledger (holds any incubator).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist

from reports.choices import GoalStatus
from reports.models import GoalFigure, Incubator
from reports.progress.engine import QUARTERS_PER_YEAR, ZERO, Period
from reports.progress.goals import GoalData, GoalResult, evaluate_goal
from reports.progress.ledger_counts import source_rule, stock_series
from reports.progress.ledger_rules import SourceRule
from reports.progress.table import ProgressTable
from targets.choices import GoalKind, LedgerRule, Pacing
from targets.models import Goal, Plan

SETTLED = (GoalStatus.MET, GoalStatus.MET_EARLY, GoalStatus.NO_DATA)


@dataclass(frozen=True)
class GoalRow:
    """One headline goal as a page shows it. ``annex_total``: the linked
    indicator's own plan total in annex 1, when it differs from the goal the
    text sets (5000 talents in the text, 6000 in the annex): both are shown,
    each against its own number (``annex_result``: the same value judged
    against the annex's total; both are floors)."""

    goal: Goal
    result: GoalResult
    annex_total: Decimal | None
    annex_result: GoalResult | None = None
    from_ledger: bool = False  # a stock the ledger counts, not a reported series
    # Measured on an indicator whose counted figures still miss some region's
    # report for the period judged: the status may change (as the indicator's).
    provisional: bool = False
    annex_provisional: bool = False  # the same for ``annex_result``

    @property
    def differs_from_annex(self) -> bool:
        return self.annex_total is not None and self.annex_total != self.goal.value


def load_goals(plan: Plan) -> list[Goal]:
    """The plan's goals with their indicators and ledger sources: one query."""
    return list(plan.goals.select_related("indicator", "ledger_source").order_by("order", "pk"))


def _stock_sources(goals: list[Goal]) -> dict[int, SourceRule]:
    """The stock goals the ledger can count: goal id → its incubator-stock rule."""
    sources = {}
    for goal in goals:
        try:
            source = goal.ledger_source
        except ObjectDoesNotExist:
            continue
        if goal.kind == GoalKind.STOCK and source.rule == LedgerRule.INCUBATOR_STOCK:
            sources[goal.pk] = source_rule(source)
    return sources


def ledger_counted_goals(
    plan: Plan, goals: list[Goal], *, ledger_kept: bool | None = None
) -> set[int]:
    """The goals whose numbers the ledger gives, not staff's entries: the stock
    goals with an incubator-stock source, once the plan keeps a ledger (holds
    any incubator; ``ledger_kept`` says so when known). One query, none
    without such a goal."""
    sources = _stock_sources(goals)
    if not sources:
        return set()
    if ledger_kept is None:
        ledger_kept = Incubator.objects.filter(region__plan=plan).exists()
    return set(sources) if ledger_kept else set()


def ledger_stocks(
    plan: Plan, goals: list[Goal], as_of: Period
) -> dict[int, dict[tuple[int, int], Decimal]]:
    """The stock goals the ledger counts, when the plan keeps one: each one's
    stock at the end of every quarter of the plan through ``as_of``, from the
    ledger instead of the reported series (two queries, none without such a
    goal)."""
    sources = _stock_sources(goals)
    periods = [(y, q) for y in plan.years for q in range(1, 5) if Period(y, q) <= as_of]
    return stock_series(plan, sources, periods)


def goal_series(goals: list[Goal]) -> dict[int, tuple[dict, dict]]:
    """Each series goal's (values, denominators) by (year, quarter): one query."""
    series: dict[int, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    ids = [g.pk for g in goals if g.has_series]
    if ids:
        rows = GoalFigure.objects.filter(goal_id__in=ids).values_list(
            "goal_id", "year", "quarter", "value", "denominator"
        )
        for goal_id, year, quarter, value, denominator in rows:
            values, denominators = series[goal_id]
            values[(year, quarter)] = value
            if denominator is not None:
                denominators[(year, quarter)] = denominator
    return series


def _yearly(
    table: ProgressTable, indicator_id: int, first_year: int, as_of: Period
) -> tuple[dict[int, Decimal | None], dict[int, tuple[int, bool]]]:
    """An indicator's county year-to-date of each year through ``as_of``, as the
    table's own year lines: the value through the year's last quarter in (None
    when its first is not), the quarters that covers, and whether some of them
    is missing in part (a township still to report). A quarter the bureau
    closed with nothing in (no township's report: the county has no sum for
    it) adds 0 and is covered: nothing more will come for it."""
    subject = table.subjects[(None, indicator_id)]
    yearly, known = {}, {}
    for year in range(first_year, as_of.year + 1):
        through = as_of if year == as_of.year else Period(year, QUARTERS_PER_YEAR)
        points = [
            p for p in table.cumulative_series(None, indicator_id, through) if p.actual is not None
        ]
        points = [p for p in points if p.period.year == year]
        covered = points[-1].period.quarter if points else 0
        value = points[-1].actual if points else None
        # The quarters after the last one in are all unreported: closed ones count 0.
        while covered < through.quarter and (year, covered + 1) in subject.closed:
            covered += 1
            value = ZERO if value is None else value
        yearly[year] = value
        known[year] = (covered, covered > 0 and subject.provisional(Period(year, covered)))
    return yearly, known


def evaluate_goals(
    plan: Plan, goals: list[Goal], table: ProgressTable, as_of: Period
) -> list[GoalRow]:
    """Every goal as of ``as_of``. ``table`` must hold the whole county's
    quarter-by-quarter figures (not summarised for one quarter) when some
    annual floor is measured on an indicator."""
    series = goal_series(goals)
    stocks = ledger_stocks(plan, goals, as_of)
    rows = []
    for goal in goals:
        annex_total = None
        provisional = False
        plan_to_date, yearly, yearly_known, quarterly, denominators = None, None, {}, {}, {}
        judged_at = as_of  # the quarter the value stands on: its pace counts quarters to it
        if goal.indicator_id is not None:
            cell = table.cell(None, goal.indicator_id)
            if goal.kind == GoalKind.CUMULATIVE:
                plan_to_date, annex_total = cell.plan_actual, cell.plan_target
                provisional = cell.plan_provisional or cell.provisional
                if not cell.reported:
                    # The quarter is not in (a county-only indicator the bureau
                    # has not entered, or no township's report): what is known
                    # so far, its pace over the quarters that covers — through
                    # those closed with nothing in, which add 0. Provisional
                    # while a quarter missing may still come.
                    plan_to_date = table.known_plan_to_date(None, goal.indicator_id)
                    judged_at = table.latest_known(None, goal.indicator_id)
                    subject = table.subjects[(None, goal.indicator_id)]
                    provisional = judged_at != as_of or subject.plan_provisional(as_of)
            else:
                yearly, yearly_known = _yearly(table, goal.indicator_id, plan.first_year, as_of)
                provisional = cell.provisional
        elif goal.pk in stocks:
            quarterly = stocks[goal.pk]
        else:
            quarterly, denominators = series[goal.pk]
        data = GoalData(
            kind=goal.kind,
            value=goal.value,
            stretch_value=goal.stretch_value,
            base_value=goal.base_value,
            plan_to_date=plan_to_date,
            yearly=yearly,
            yearly_known=yearly_known,
            quarterly=quarterly,
            denominators=denominators,
            year_end=goal.indicator_id is not None and goal.indicator.pacing == Pacing.YEAR_END,
        )
        if judged_at is None:  # nothing in since the plan began: no value yet
            plan_to_date, judged_at = None, as_of
        result = evaluate_goal(data, plan.first_year, plan.last_year, judged_at)
        if result.years:  # an annual floor: this year so far is missing a quarter
            provisional = provisional or result.years[-1].provisional
        annex_result = None
        if annex_total is not None and annex_total != goal.value:
            # The annex's total, judged by the same rules (a year-end milestone's too).
            annex_goal = replace(
                data, value=annex_total, stretch_value=None, plan_to_date=plan_to_date
            )
            annex_result = evaluate_goal(annex_goal, plan.first_year, plan.last_year, judged_at)
        # Reached, unknown, or missed in a year already over: nothing to wait for.
        settled = result.status in SETTLED or any(y < as_of.year for y in result.missed_years)
        rows.append(
            GoalRow(
                goal,
                result,
                annex_total,
                annex_result,
                goal.pk in stocks,
                provisional=provisional and not settled,
                annex_provisional=(
                    provisional and annex_result is not None and annex_result.status not in SETTLED
                ),
            )
        )
    return rows
