"""The headline goals (目标要求) as of a quarter: pure, no models.

Each kind is measured its own way (``targets.choices.GoalKind``):

- cumulative: the plan-to-date sum of the linked indicator's counted county
  figures — the progress table's own plan column, handed in, never recomputed;
- stock: the latest stock reported by the quarter (it can fall), the base at
  the plan's start before any report;
- annual floor: each year on its own, its year-to-date against the floor;
- share / coverage: numerator ÷ denominator of the latest quarter reported, in
  percent; a zero denominator gives no value.

Status (``reports.choices.GoalStatus``): reached before the plan's (or, for an
annual floor, the year's) last quarter → met early; reached at it → met; not
reached at it → missed. Otherwise the forecast at the current pace — the
average per quarter so far, carried to the end — decides: reaching the goal is
on course; else the goal is behind but recoverable when what remains per
quarter is at most ``RECOVERABLE_PACE`` times the current pace, and out of
reach at the current pace beyond that (or when nothing moves, or it falls).
A share or coverage has no pace: below its goal it is behind until the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from reports.choices import GoalStatus
from reports.progress.engine import QUARTERS_PER_YEAR, ZERO, Period, Quarterly, year_to_date
from targets.choices import GoalKind

# Catching up needs at most twice the pace so far: still recoverable.
RECOVERABLE_PACE = Decimal(2)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class GoalData:
    """One goal and what measures it, as plain data.

    ``plan_to_date``: a cumulative goal's value (the progress table's plan
    column; None when unknown). ``yearly``: an annual floor's value of each
    year through the quarter asked (None when unknown), when an indicator
    measures it; else ``quarterly`` holds its series (a stock: the stock at
    each quarter's end; a floor: each quarter's new amount; a share: the
    numerator, over ``denominators``)."""

    kind: str
    value: Decimal
    stretch_value: Decimal | None = None
    base_value: Decimal | None = None
    plan_to_date: Decimal | None = None
    yearly: Mapping[int, Decimal | None] | None = None
    # With ``yearly``: each year's (quarters its value covers from Q1, whether
    # some of those is missing in part). A year it does not list is covered in
    # full through the quarter asked.
    yearly_known: Mapping[int, tuple[int, bool]] = field(default_factory=dict)
    quarterly: Quarterly = field(default_factory=dict)
    denominators: Quarterly = field(default_factory=dict)
    # Measured on a year-end milestone (targets.choices.Pacing): nothing is
    # due before a year's last quarter, so an annual floor is not judged on
    # pace and a cumulative goal's pace is per year ended.
    year_end: bool = False


@dataclass(frozen=True)
class YearResult:
    """An annual floor's year: its value so far, whether the year is over with
    every quarter in (complete), whether some quarter so far is not in, in full
    or in part, so that its status may still change (provisional: never once
    the floor is reached)."""

    year: int
    value: Decimal | None
    complete: bool
    status: str
    forecast: Decimal | None
    provisional: bool = False


@dataclass(frozen=True)
class GoalResult:
    value: Decimal | None
    goal: Decimal
    stretch: Decimal | None
    status: str
    stretch_status: str | None
    forecast: Decimal | None
    # The quarter the value stands on (a stock's or share's latest report).
    measured_at: Period | None = None
    years: tuple[YearResult, ...] = ()

    @property
    def missed_years(self) -> list[int]:
        return [y.year for y in self.years if y.status == GoalStatus.MISSED]


def _judge(value: Decimal, goal: Decimal, remaining: int, pace: Decimal | None) -> str:
    """Status of ``value`` with ``remaining`` quarters to go at ``pace`` per quarter."""
    if value >= goal:
        return GoalStatus.MET if remaining == 0 else GoalStatus.MET_EARLY
    if remaining == 0:
        return GoalStatus.MISSED
    if pace is None:  # a share: it may move any quarter
        return GoalStatus.BEHIND
    if value + pace * remaining >= goal:
        return GoalStatus.ON_COURSE
    needed = (goal - value) / remaining
    if pace > 0 and needed <= RECOVERABLE_PACE * pace:
        return GoalStatus.BEHIND
    return GoalStatus.OUT_OF_REACH


def _both(value, goal, stretch, remaining, pace) -> tuple[str, str | None]:
    status = _judge(value, goal, remaining, pace)
    return status, None if stretch is None else _judge(value, stretch, remaining, pace)


def _forecast(value: Decimal, pace: Decimal | None, remaining: int) -> Decimal:
    return value if pace is None else max(ZERO, value + pace * remaining)


def _no_data(goal: GoalData, measured_at: Period | None = None, years=()) -> GoalResult:
    return GoalResult(
        None, goal.value, goal.stretch_value, GoalStatus.NO_DATA, None, None, measured_at, years
    )


def evaluate_goal(goal: GoalData, first_year: int, last_year: int, as_of: Period) -> GoalResult:
    """Where ``goal`` stands after ``as_of`` in a plan of ``first_year``–``last_year``."""
    total = (last_year - first_year + 1) * QUARTERS_PER_YEAR
    done = min(as_of.quarters_since(first_year), total)
    remaining = total - done
    if goal.kind == GoalKind.CUMULATIVE:
        return _cumulative(goal, done, remaining)
    if goal.kind == GoalKind.STOCK:
        return _stock(goal, first_year, as_of, total)
    if goal.kind == GoalKind.ANNUAL_FLOOR:
        return _annual_floor(goal, first_year, last_year, as_of)
    if goal.kind in (GoalKind.SHARE, GoalKind.COVERAGE):
        return _share(goal, first_year, as_of, remaining)
    raise ValueError(f"unknown goal kind {goal.kind!r}")


def _cumulative(goal: GoalData, done: int, remaining: int) -> GoalResult:
    value = goal.plan_to_date
    if value is None or done <= 0:
        return _no_data(goal)
    if goal.year_end:
        return _cumulative_by_year_end(goal, value, done, remaining)
    pace = value / done
    status, stretch = _both(value, goal.value, goal.stretch_value, remaining, pace)
    return GoalResult(
        value, goal.value, goal.stretch_value, status, stretch, _forecast(value, pace, remaining)
    )


def _cumulative_by_year_end(
    goal: GoalData, value: Decimal, done: int, remaining: int
) -> GoalResult:
    """A cumulative goal on a year-end milestone (as its indicator's 序时):
    its share falls due at each year's end, so its pace is per year ended,
    and before the first year's end nothing is due (on course until then,
    no forecast) — not an average over quarters that judges a year's work
    done in its fourth quarter out of reach in its third."""
    ended = done // QUARTERS_PER_YEAR
    left = -(-remaining // QUARTERS_PER_YEAR)  # the year ends still to come
    if not ended:
        status = GoalStatus.MET_EARLY if value >= goal.value else GoalStatus.ON_COURSE
        stretch = None
        if goal.stretch_value is not None:
            reached = value >= goal.stretch_value
            stretch = GoalStatus.MET_EARLY if reached else GoalStatus.ON_COURSE
        return GoalResult(value, goal.value, goal.stretch_value, status, stretch, None)
    pace = value / ended
    status, stretch = _both(value, goal.value, goal.stretch_value, left, pace)
    return GoalResult(
        value, goal.value, goal.stretch_value, status, stretch, _forecast(value, pace, left)
    )


def _reported(quarterly: Quarterly, first_year: int, as_of: Period) -> list[Period]:
    start = Period(first_year, 1)
    return sorted(p for y, q in quarterly if start <= (p := Period(y, q)) <= as_of)


def _stock(goal: GoalData, first_year: int, as_of: Period, total: int) -> GoalResult:
    periods = _reported(goal.quarterly, first_year, as_of)
    remaining = total - min(as_of.quarters_since(first_year), total)
    if not periods and goal.base_value is None:
        return _no_data(goal)
    if not periods:  # nothing reported yet: the stock is the base, and has not moved
        value, latest, done, pace = goal.base_value, None, 0, ZERO
    else:
        latest = periods[-1]
        value = goal.quarterly[(latest.year, latest.quarter)]
        done = latest.quarters_since(first_year)
        # The pace runs from the base at the plan's start, else from the first report.
        if goal.base_value is not None:
            start_value, start_done = goal.base_value, 0
        else:
            first = periods[0]
            start_value = goal.quarterly[(first.year, first.quarter)]
            start_done = first.quarters_since(first_year)
        pace = (value - start_value) / (done - start_done) if done > start_done else ZERO
    # Judged where it stands now (it can fall), carried forward from its last report.
    status, stretch = _both(value, goal.value, goal.stretch_value, remaining, pace)
    forecast = _forecast(value, pace, total - done)
    return GoalResult(value, goal.value, goal.stretch_value, status, stretch, forecast, latest)


def _year_so_far(goal: GoalData, year: int, through: int) -> tuple[Decimal | None, int, bool]:
    """An annual floor's ``year`` through its quarter ``through``: the value
    known, the quarters it covers (through the latest one in) and whether some
    of those is missing in part. A quarter not in yet is unknown, not 0: the
    year is judged on the quarters in, and a year whose last quarter (or part
    of one) is not in is not final even once it is over: not yet missed."""
    if goal.yearly is not None:
        covered, partial = goal.yearly_known.get(year, (through, False))
        return goal.yearly.get(year), covered, partial
    entered = {q for y, q in goal.quarterly if y == year and q <= through}
    if not entered:
        return None, 0, False  # nothing reported that year: unknown, not 0
    covered = max(entered)
    value = year_to_date(goal.quarterly, Period(year, covered))
    return value, covered, len(entered) < covered


def _floor_status(
    value: Decimal, floor: Decimal, covered: int, *, over: bool, final: bool, year_end: bool
) -> str:
    """A year's value (``covered`` quarters of it in) against a floor (the
    goal's, or its stretch): due whole at the year's end for a year-end
    milestone; never missed while some quarter is not in (``final``); met,
    not early, in a year that is ``over``."""
    remaining = QUARTERS_PER_YEAR - covered
    if year_end and remaining and value < floor:
        return GoalStatus.ON_COURSE  # due at the year's end
    status = _judge(value, floor, remaining, value / covered)
    if status == GoalStatus.MISSED and not final:
        return GoalStatus.OUT_OF_REACH  # below it so far, but not all in
    if status == GoalStatus.MET_EARLY and over:
        return GoalStatus.MET  # reached in a year that is over
    return status


def _annual_floor(goal: GoalData, first_year: int, last_year: int, as_of: Period) -> GoalResult:
    years = []
    stretch = None
    for year in range(first_year, as_of.year + 1):
        through = QUARTERS_PER_YEAR if year < as_of.year else as_of.quarter
        value, covered, partial = _year_so_far(goal, year, through)
        final = covered == QUARTERS_PER_YEAR and not partial
        remaining = QUARTERS_PER_YEAR - covered
        if value is None or not covered:
            status, forecast = GoalStatus.NO_DATA, None
        else:
            over = through == QUARTERS_PER_YEAR
            rules = {"over": over, "final": final, "year_end": goal.year_end}
            status = _floor_status(value, goal.value, covered, **rules)
            due_at_end = goal.year_end and remaining and value < goal.value
            forecast = None if due_at_end else _forecast(value, value / covered, remaining)
            if year == as_of.year and goal.stretch_value is not None:
                stretch = _floor_status(value, goal.stretch_value, covered, **rules)
        # Figures only add: a floor reached stays reached, whatever is still to come.
        reached = status in (GoalStatus.MET, GoalStatus.MET_EARLY)
        provisional = value is not None and (covered < through or partial) and not reached
        years.append(YearResult(year, value, final, status, forecast, provisional))
    current = years[-1]
    if all(y.status == GoalStatus.NO_DATA for y in years):
        return _no_data(goal, years=tuple(years))
    if any(y.status == GoalStatus.MISSED for y in years):
        status = GoalStatus.MISSED  # a year below the floor stays below it
    elif as_of.year == last_year:  # the last year: its floor settles the goal
        status = current.status
    elif current.status in (GoalStatus.MET, GoalStatus.MET_EARLY):
        # This year's floor is reached, but every later year must reach it too.
        status = GoalStatus.ON_COURSE
    else:
        status = current.status
    return GoalResult(
        current.value,
        goal.value,
        goal.stretch_value,
        status,
        stretch,
        current.forecast,
        None,
        tuple(years),
    )


def _share(goal: GoalData, first_year: int, as_of: Period, remaining: int) -> GoalResult:
    periods = [
        p
        for p in _reported(goal.quarterly, first_year, as_of)
        if (p.year, p.quarter) in goal.denominators
    ]
    if not periods:
        return _no_data(goal)
    latest = periods[-1]
    key = (latest.year, latest.quarter)
    denominator = goal.denominators[key]
    if not denominator:
        return _no_data(goal, latest)
    value = goal.quarterly[key] / denominator * HUNDRED
    status, stretch = _both(value, goal.value, goal.stretch_value, remaining, None)
    # No forecast: a share has no pace to carry forward (it may move any quarter).
    return GoalResult(value, goal.value, goal.stretch_value, status, stretch, None, latest)
