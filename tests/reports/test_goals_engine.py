"""The goals engine by hand: each kind of headline goal as of a quarter, in a
2025–2027 plan (12 quarters). Every expected number is worked out in the
comment beside it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import translation

from reports.choices import GoalStatus
from reports.progress.engine import Period
from reports.progress.goal_display import goal_status_label
from reports.progress.goals import GoalData, evaluate_goal

FIRST, LAST = 2025, 2027


def at(goal: GoalData, year: int, quarter: int):
    return evaluate_goal(goal, FIRST, LAST, Period(year, quarter))


def cumulative(value, to_date, stretch=None) -> GoalData:
    return GoalData(
        "cumulative", D(value), D(stretch) if stretch else None, plan_to_date=D(to_date)
    )


# ---------------------------------------------------------------- cumulative


def test_cumulative_on_course_to_the_goal_and_behind_for_the_high_line():
    # 70 (high line 80), 30 after 5 quarters: 6 a quarter, 30 + 6 × 7 = 72 by 2027.
    result = at(cumulative(70, 30, stretch=80), 2026, 1)
    assert (result.value, result.goal, result.stretch) == (30, 70, 80)
    assert result.forecast == 72
    assert result.status == GoalStatus.ON_COURSE
    # The high line needs (80 − 30) / 7 ≈ 7.1 a quarter, within twice the pace (12).
    assert result.stretch_status == GoalStatus.BEHIND


def test_cumulative_behind_but_recoverable():
    # 5000, 2000 after 6 quarters: 333.3 a quarter → 4000; 3000 / 6 = 500 ≤ 666.7.
    result = at(cumulative(5000, 2000), 2026, 2)
    assert result.forecast == 4000
    assert result.status == GoalStatus.BEHIND


def test_cumulative_out_of_reach_at_the_current_pace():
    # 5000, 1200 after 6 quarters: 200 a quarter → 2400; needs 633.3 > 400.
    result = at(cumulative(5000, 1200), 2026, 2)
    assert result.forecast == 2400
    assert result.status == GoalStatus.OUT_OF_REACH


def test_a_goal_met_early():
    # 3 incubators, 4 after 8 quarters: met, a year ahead; 0.5 a quarter → 6.
    result = at(cumulative(3, 4), 2026, 4)
    assert result.status == GoalStatus.MET_EARLY
    assert result.forecast == 6


def test_cumulative_at_the_plans_end_is_met_or_missed():
    assert at(cumulative(100, 100), 2027, 4).status == GoalStatus.MET
    assert at(cumulative(100, 99), 2027, 4).status == GoalStatus.MISSED


def year_end_cumulative(value, to_date, stretch=None) -> GoalData:
    return GoalData(
        "cumulative",
        D(value),
        D(stretch) if stretch else None,
        plan_to_date=D(to_date),
        year_end=True,
    )


def test_a_cumulative_goal_on_a_year_end_milestone_is_due_at_each_years_end():
    # 新建“20”孵化器3家以上, a year-end milestone: none built by 2025 Q3 is not
    # behind (nothing is due before 2025's end), as its indicator's 序时 says.
    early = at(year_end_cumulative(3, 0, stretch=5), 2025, 3)
    assert (early.status, early.stretch_status, early.forecast) == (
        GoalStatus.ON_COURSE,
        GoalStatus.ON_COURSE,
        None,
    )
    # 1 by 2025's end: 1 a year, 1 + 1 × 2 = 3 by 2027's end.
    first = at(year_end_cumulative(3, 1), 2025, 4)
    assert (first.status, first.forecast) == (GoalStatus.ON_COURSE, 3)
    # Still 1 in 2026 Q3: its pace is per year ended (one), two year ends to come.
    mid = at(year_end_cumulative(3, 1), 2026, 3)
    assert (mid.status, mid.forecast) == (GoalStatus.ON_COURSE, 3)
    # None by 2025's end: (3 − 0) / 2 a year is needed, with nothing moving.
    assert at(year_end_cumulative(3, 0), 2025, 4).status == GoalStatus.OUT_OF_REACH
    # Reached before the plan's end: met early; at its end: met or missed.
    assert at(year_end_cumulative(3, 3), 2025, 2).status == GoalStatus.MET_EARLY
    assert at(year_end_cumulative(3, 3), 2027, 4).status == GoalStatus.MET
    assert at(year_end_cumulative(3, 2), 2027, 4).status == GoalStatus.MISSED
    # Ordinary pacing at 2025 Q3 with none: 0 a quarter, out of reach.
    assert at(cumulative(3, 0), 2025, 3).status == GoalStatus.OUT_OF_REACH


def test_cumulative_without_a_known_value_has_no_status():
    result = evaluate_goal(GoalData("cumulative", D(70)), FIRST, LAST, Period(2025, 2))
    assert (result.value, result.status, result.forecast) == (None, GoalStatus.NO_DATA, None)


# ---------------------------------------------------------------- stock


def stock(goal, base, quarterly) -> GoalData:
    return GoalData(
        "stock",
        D(goal),
        base_value=None if base is None else D(base),
        quarterly={k: D(v) for k, v in quarterly.items()},
    )


def test_a_stock_that_falls_is_no_longer_met():
    goal = stock(3, 1, {(2025, 4): 2, (2026, 2): 3, (2026, 3): 2})
    reached = at(goal, 2026, 2)
    assert (reached.value, reached.status) == (3, GoalStatus.MET_EARLY)
    # An incubator closes: 2, not 3 + anything. From the base 1 over 7 quarters
    # it rose 1/7 a quarter: 2 + 5/7 ≈ 2.71 by 2027; 1/5 = 0.2 needed ≤ 2/7.
    fallen = at(goal, 2026, 3)
    assert fallen.value == 2
    assert fallen.measured_at == Period(2026, 3)
    assert fallen.forecast.quantize(D("0.01")) == D("2.71")
    assert fallen.status == GoalStatus.BEHIND


def test_a_stock_carries_its_last_report_forward():
    goal = stock(3, 1, {(2025, 4): 2, (2026, 2): 3, (2026, 3): 2})
    later = at(goal, 2026, 4)
    assert (later.value, later.measured_at) == (2, Period(2026, 3))


def test_a_stock_falling_below_its_base_is_out_of_reach_and_forecast_never_negative():
    result = at(stock(10, 4, {(2025, 2): 1}), 2025, 2)
    # From 4 to 1 in 2 quarters: −1.5 a quarter; 1 − 1.5 × 10 < 0 → 0.
    assert result.value == 1
    assert result.forecast == 0
    assert result.status == GoalStatus.OUT_OF_REACH


def test_a_stock_before_any_report_is_its_base():
    result = at(stock(30, 22, {}), 2025, 1)
    assert (result.value, result.measured_at) == (22, None)
    assert at(stock(30, None, {}), 2025, 1).status == GoalStatus.NO_DATA


def test_a_stock_without_a_base_paces_from_its_first_report():
    # 20 at 2025Q2, 24 at 2026Q2: 1 a quarter; 24 + 6 = 30 by 2027: on course.
    result = at(stock(30, None, {(2025, 2): 20, (2026, 2): 24}), 2026, 2)
    assert result.forecast == 30
    assert result.status == GoalStatus.ON_COURSE


# ---------------------------------------------------------------- annual floor


def test_an_annual_floor_missed_in_one_year_shows_each_year():
    goal = GoalData("annual_floor", D(200), yearly={2025: D(180), 2026: D(120)})
    result = at(goal, 2026, 2)
    by_year = {y.year: y for y in result.years}
    # 2025 ended at 180 < 200: missed, and a missed year stays missed.
    assert (by_year[2025].value, by_year[2025].status) == (180, GoalStatus.MISSED)
    assert by_year[2025].complete
    # 2026: 120 after 2 quarters, 60 a quarter → 240 ≥ 200: on course.
    assert (by_year[2026].value, by_year[2026].forecast) == (120, 240)
    assert by_year[2026].status == GoalStatus.ON_COURSE
    assert result.status == GoalStatus.MISSED
    assert result.missed_years == [2025]
    assert (result.value, result.forecast) == (120, 240)
    # The value is 2026's, the verdict 2025's: the words say which year missed.
    with translation.override("zh-hans"):
        assert goal_status_label(result) == "未达成(2025年)"
    with translation.override("en"):
        assert goal_status_label(result) == "Missed (2025)"


def test_a_status_other_than_missed_reads_as_it_is():
    cumulative_goal = GoalData("cumulative", D(100), plan_to_date=D(50))
    floor_on_course = GoalData("annual_floor", D(200), yearly={2025: D(120)})
    with translation.override("zh-hans"):
        for goal in (cumulative_goal, floor_on_course):
            result = at(goal, 2025, 2)
            assert goal_status_label(result) == GoalStatus(result.status).label


def test_an_annual_floor_measured_on_its_own_series():
    series = {(2025, 1): D(2), (2025, 3): D(4), (2026, 1): D(1), (2026, 2): D(0)}
    result = at(GoalData("annual_floor", D(5), quarterly=series), 2026, 2)
    by_year = {y.year: y for y in result.years}
    # 2025: 6 ≥ 5 in a year that is over (Q2 and Q4 never entered: 6 is at least that).
    assert (by_year[2025].value, by_year[2025].status) == (6, GoalStatus.MET)
    # 2026: 1 after 2 quarters → 2; needs 2 a quarter, over twice 0.5.
    assert (by_year[2026].value, by_year[2026].forecast) == (1, 2)
    assert by_year[2026].provisional is False
    assert result.status == GoalStatus.OUT_OF_REACH


def test_an_own_series_quarter_not_entered_is_unknown_not_zero():
    # 2026 Q2 not entered yet: 1 after the one quarter in → 4, needs 4 / 3 ≤ twice 1.
    series = {(2026, 1): D(1)}
    year = at(GoalData("annual_floor", D(5), quarterly=series), 2026, 2).years[-1]
    assert (year.value, year.forecast, year.status) == (1, 4, GoalStatus.BEHIND)
    assert (year.complete, year.provisional) == (False, True)
    # 2025 over with its Q4 never entered: 3 so far, 2 to go ≤ twice 1 → behind, not missed.
    series = {(2025, 1): D(1), (2025, 2): D(1), (2025, 3): D(1)}
    result = at(GoalData("annual_floor", D(5), quarterly=series), 2026, 1)
    year = result.years[0]
    assert (year.value, year.status, year.complete) == (3, GoalStatus.BEHIND, False)
    assert result.missed_years == []


def test_an_annual_floor_year_not_all_in_is_judged_on_what_is_in_never_missed():
    """The indicator's county line: 2025's Q4 not reported by any township
    (its value covers Q1–Q3), 2026 Q1 reported by some townships only."""
    goal = GoalData(
        "annual_floor",
        D(200),
        yearly={2025: D(150), 2026: D(40)},
        yearly_known={2025: (3, False), 2026: (1, True)},
    )
    result = at(goal, 2026, 1)
    y2025, y2026 = result.years
    # 150 in 3 quarters → 50 a quarter → 200 ≥ 200: on course, not yet missed.
    assert (y2025.value, y2025.forecast, y2025.status) == (150, 200, GoalStatus.ON_COURSE)
    assert (y2025.complete, y2025.provisional) == (False, True)
    # 40 in Q1, part of it missing: 160 at that pace; 160 / 3 ≤ twice 40 → behind.
    assert (y2026.forecast, y2026.status, y2026.provisional) == (160, GoalStatus.BEHIND, True)
    assert result.status == GoalStatus.BEHIND and result.missed_years == []
    # Every quarter in, but the last in part only: below the floor, not final.
    partial = GoalData(
        "annual_floor", D(200), yearly={2025: D(150)}, yearly_known={2025: (4, True)}
    )
    year = at(partial, 2026, 1).years[0]
    assert (year.status, year.complete, year.provisional) == (
        GoalStatus.OUT_OF_REACH,
        False,
        True,
    )
    final = GoalData("annual_floor", D(200), yearly={2025: D(150)}, yearly_known={2025: (4, False)})
    assert at(final, 2026, 1).years[0].status == GoalStatus.MISSED


@pytest.mark.parametrize(
    ("value", "known", "stretch"),
    [
        (260, (3, False), GoalStatus.MET),  # reached, Q4 not in, the year over: met, not early
        (230, (4, True), GoalStatus.OUT_OF_REACH),  # below it, a quarter in part: not missed
        (230, (4, False), GoalStatus.MISSED),  # below it, every quarter in
    ],
    ids=["met", "not-all-in", "missed"],
)
def test_an_annual_floors_stretch_is_judged_by_the_floors_own_rules(value, known, stretch):
    """2027 Q4, the plan's last quarter: floor 200, stretch 250."""
    goal = GoalData(
        "annual_floor",
        D(200),
        D(250),
        yearly={2025: D(300), 2026: D(300), 2027: D(value)},
        yearly_known={2027: known},
    )
    assert at(goal, 2027, 4).stretch_status == stretch


def test_an_annual_floors_stretch_on_a_year_end_milestone_waits_for_the_year_end():
    goal = GoalData(
        "annual_floor",
        D(2),
        D(3),
        yearly={2025: D(1)},
        yearly_known={2025: (2, False)},
        year_end=True,
    )
    result = at(goal, 2025, 2)
    assert (result.status, result.stretch_status) == (GoalStatus.ON_COURSE, GoalStatus.ON_COURSE)


def test_a_year_met_early_keeps_the_floor_only_on_course():
    goal = GoalData("annual_floor", D(1), yearly={2025: D(1), 2026: D(1)})
    result = at(goal, 2026, 3)
    assert [y.status for y in result.years] == [GoalStatus.MET, GoalStatus.MET_EARLY]
    assert result.status == GoalStatus.ON_COURSE  # 2027 must reach it too


def test_an_annual_floor_reached_every_year_is_met():
    goal = GoalData("annual_floor", D(1), yearly={2025: D(1), 2026: D(2), 2027: D(1)})
    assert at(goal, 2027, 4).status == GoalStatus.MET
    assert at(goal, 2027, 2).status == GoalStatus.MET_EARLY


def test_a_year_nothing_was_reported_is_unknown_not_missed():
    result = at(GoalData("annual_floor", D(5), quarterly={(2026, 1): D(6)}), 2026, 1)
    assert [y.status for y in result.years] == [GoalStatus.NO_DATA, GoalStatus.MET_EARLY]
    assert result.status == GoalStatus.ON_COURSE


# ---------------------------------------------------------------- share, coverage


def share(goal, numerators, denominators, kind="share") -> GoalData:
    return GoalData(
        kind,
        D(goal),
        quarterly={k: D(v) for k, v in numerators.items()},
        denominators={k: D(v) for k, v in denominators.items()},
    )


def test_a_share_with_a_zero_denominator_has_no_value():
    result = at(share(75, {(2026, 1): 0}, {(2026, 1): 0}), 2026, 2)
    assert (result.value, result.status) == (None, GoalStatus.NO_DATA)
    assert result.measured_at == Period(2026, 1)


@pytest.mark.parametrize(
    ("numerator", "denominator", "when", "value", "status"),
    [
        (30, 40, (2026, 1), 75, GoalStatus.MET_EARLY),  # 30 / 40 = 75%
        (60, 100, (2026, 1), 60, GoalStatus.BEHIND),  # may still rise
        (60, 100, (2027, 4), 60, GoalStatus.MISSED),
    ],
)
def test_a_share_is_numerator_over_denominator_in_percent(
    numerator, denominator, when, value, status
):
    result = at(share(75, {when: numerator}, {when: denominator}), *when)
    # No forecast: a share has no pace to carry forward.
    assert (result.value, result.forecast, result.status) == (value, None, status)


def test_a_share_uses_the_latest_quarter_with_both_parts():
    result = at(share(50, {(2025, 4): 1, (2026, 1): 9}, {(2025, 4): 4}), 2026, 1)
    assert (result.value, result.measured_at) == (25, Period(2025, 4))


def test_full_coverage_at_the_plans_end():
    goal = share(100, {(2027, 4): 5}, {(2027, 4): 5}, kind="coverage")
    assert at(goal, 2027, 4).status == GoalStatus.MET


def test_an_annual_floor_on_a_year_end_milestone_is_not_judged_before_the_year_end():
    """One "20" incubator a year, judged at the year's end as its indicator is:
    none yet in Q1–Q3 is not behind; none at Q4 is missed."""
    goal = GoalData("annual_floor", D(1), yearly={2026: D(0)}, year_end=True)
    for quarter in (1, 2, 3):
        result = at(goal, 2026, quarter)
        assert (result.status, result.forecast) == (GoalStatus.ON_COURSE, None), quarter
    assert at(goal, 2026, 4).status == GoalStatus.MISSED
    spread = GoalData("annual_floor", D(1), yearly={2026: D(0)})
    assert at(spread, 2026, 1).status != GoalStatus.ON_COURSE  # paced: judged every quarter
