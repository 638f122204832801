"""The progress engine, checked against hand-computed values (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from reports.choices import Status
from reports.progress import (
    Bands,
    Period,
    SeriesPoint,
    SubjectData,
    classify,
    compute_progress,
    county_quarterly,
    cumulative_series,
    default_period,
    expected_share,
    latest_period_with_figures,
    plan_cumulative_series,
    plan_periods,
    plan_to_date,
    year_to_date,
)
from reports.progress.table import IndicatorInfo, RegionInfo, build_table
from targets.choices import Pacing

D = Decimal
YEARS = (2025, 2026, 2027)
BANDS = Bands()


def subject(
    targets=None, figures=None, total=None, stretch=None, years=YEARS, pacing=Pacing.SPREAD
) -> SubjectData:
    """A subject from short literals: targets {year: "16"}, figures {(y, q): "0.35"}."""
    return SubjectData(
        plan_years=years,
        yearly_targets={y: D(v) for y, v in (targets or {}).items()},
        figures={k: D(v) for k, v in (figures or {}).items()},
        plan_total=None if total is None else D(total),
        stretch_total=None if stretch is None else D(stretch),
        pacing=pacing,
    )


# --- Period ---------------------------------------------------------------------------


def test_period_label_reads_as_the_bureau_writes_it():
    with translation.override("zh-hans"):
        assert Period(2025, 3).label == "2025年第3季度"


def test_periods_order_in_time():
    assert Period(2025, 4) < Period(2026, 1) < Period(2026, 2)
    assert sorted([Period(2026, 1), Period(2025, 3)]) == [Period(2025, 3), Period(2026, 1)]


@pytest.mark.parametrize(
    ("period", "previous", "following"),
    [
        (Period(2025, 1), Period(2024, 4), Period(2025, 2)),
        (Period(2025, 3), Period(2025, 2), Period(2025, 4)),
        (Period(2025, 4), Period(2025, 3), Period(2026, 1)),
    ],
)
def test_period_steps_cross_year_boundaries(period, previous, following):
    assert period.previous() == previous
    assert period.next() == following


def test_period_counts_quarters_elapsed_in_year_and_plan():
    assert Period(2026, 2).quarters_elapsed == 2
    assert Period(2026, 2).quarters_since(2025) == 6
    assert Period(2025, 1).quarters_since(2025) == 1


@pytest.mark.parametrize("quarter", [0, 5])
def test_period_rejects_quarter_outside_one_to_four(quarter):
    with pytest.raises(ValueError):
        Period(2025, quarter)


def test_period_code_round_trips():
    assert Period(2025, 3).code == "2025Q3"
    assert Period.from_code("2025q3") == Period(2025, 3)


@pytest.mark.parametrize("code", ["2025", "Q3", "2025Q", "2025Q9", "abcQ1", "2025-3"])
def test_period_from_code_rejects_garbage(code):
    with pytest.raises(ValueError):
        Period.from_code(code)


# --- expected share, bands, classify -------------------------------------------------


@pytest.mark.parametrize(("quarter", "share"), [(1, "0.25"), (2, "0.5"), (3, "0.75"), (4, "1")])
def test_expected_share_is_quarters_over_four(quarter, share):
    assert expected_share(quarter) == D(share)


def test_expected_share_rejects_quarter_outside_one_to_four():
    with pytest.raises(ValueError):
        expected_share(0)
    with pytest.raises(ValueError):
        expected_share(5, Pacing.YEAR_END)


@pytest.mark.parametrize(("quarter", "share"), [(1, "0"), (2, "0"), (3, "0"), (4, "1")])
def test_a_year_end_milestone_is_due_only_at_the_fourth_quarter(quarter, share):
    assert expected_share(quarter, Pacing.YEAR_END) == D(share)


def test_expected_share_refuses_an_unknown_pacing():
    with pytest.raises(ValueError):
        expected_share(2, "monthly")


def test_bands_default_to_the_settings_defaults():
    assert Bands.from_settings() == Bands(D("1.0"), D("0.8"))


def test_bands_reject_inverted_thresholds():
    with pytest.raises(ValueError):
        Bands(behind_below=D("0.7"), seriously_behind_below=D("0.8"))


@pytest.mark.parametrize(
    ("actual", "target", "expected", "status"),
    [
        ("5", None, None, Status.NO_TARGET),
        ("0", "0", "0", Status.DONE),
        ("10", "10", "5", Status.DONE),
        ("11", "10", "5", Status.DONE),
        ("5", "10", "5", Status.ON_PACE),  # exactly 1.0 of expected: on pace
        ("4.99", "10", "5", Status.BEHIND),
        ("4", "10", "5", Status.BEHIND),  # exactly 0.8 of expected: behind, not seriously
        ("3.99", "10", "5", Status.SERIOUSLY_BEHIND),
        ("0", "10", "5", Status.SERIOUSLY_BEHIND),
        ("0", "10", "0", Status.ON_PACE),  # nothing due yet
    ],
)
def test_classify_bands_are_inclusive_at_their_floor(actual, target, expected, status):
    t = None if target is None else D(target)
    e = None if expected is None else D(expected)
    assert classify(D(actual), t, e, BANDS) == status


def test_classify_uses_the_bands_it_is_given():
    strict = Bands(behind_below=D("1.2"), seriously_behind_below=D("1.0"))
    assert classify(D(5), D(10), D(5), strict) == Status.BEHIND
    assert classify(D(6), D(10), D(5), strict) == Status.ON_PACE


# --- sums -----------------------------------------------------------------------------


def test_year_to_date_sums_only_that_years_quarters_through_n():
    figures = {(2025, 4): D(9), (2026, 1): D(2), (2026, 2): D(3), (2026, 3): D(50)}
    assert year_to_date(figures, Period(2026, 2)) == D(5)
    assert year_to_date({}, Period(2026, 2)) == 0


def test_plan_to_date_sums_from_the_plans_first_quarter_through_as_of():
    figures = {(2024, 4): D(100), (2025, 1): D(1), (2025, 4): D(2), (2026, 2): D(3)}
    figures[(2026, 3)] = D(100)
    assert plan_to_date(figures, 2025, Period(2026, 2)) == D(6)


def test_county_quarterly_sums_regions_per_period():
    a = {(2025, 1): D("0.35"), (2025, 2): D("1.2")}
    b = {(2025, 2): D("0.8"), (2025, 3): D(1)}
    assert county_quarterly([a, b, {}]) == {
        (2025, 1): D("0.35"),
        (2025, 2): D("2.0"),
        (2025, 3): D(1),
    }
    assert county_quarterly([]) == {}


# --- compute_progress: one table of hand-computed cases ---------------------------------

PINGYANG_SPACE = {2025: "16", 2026: "22", 2027: "32"}

CASES = [
    pytest.param(
        subject({2025: "12"}),
        Period(2025, 1),
        {
            "quarter_actual": 0,
            "ytd_actual": 0,
            "annual_target": 12,
            "completion": 0,
            "expected_share": "0.25",
            "expected_value": 3,
            "progress_vs_expected": 0,
            "gap_to_target": 12,
            "gap_to_expected": 3,
            "shortfall_to_expected": 3,
            "status": Status.SERIOUSLY_BEHIND,
            "projection": 0,
            "needed_per_quarter": 4,
            "plan_actual": 0,
            "plan_target": 12,
            "plan_expected": 3,
            "plan_status": Status.SERIOUSLY_BEHIND,
            "stretch_target": None,
            "stretch_completion": None,
        },
        id="no-figures-yet",
    ),
    pytest.param(
        subject({2025: "2"}, {(2025, 1): "0.35", (2025, 2): "1.2"}),
        Period(2025, 2),
        {
            "quarter_actual": "1.2",
            "ytd_actual": "1.55",
            "completion": "0.775",
            "expected_share": "0.5",
            "expected_value": 1,
            "progress_vs_expected": "1.55",
            "gap_to_target": "0.45",
            "gap_to_expected": "-0.55",
            "shortfall_to_expected": 0,
            "status": Status.ON_PACE,
            "projection": "3.1",
            "needed_per_quarter": "0.225",
        },
        id="decimal-space",
    ),
    pytest.param(
        subject({2025: "10"}, {(2025, 1): "6", (2025, 2): "7"}),
        Period(2025, 2),
        {
            "ytd_actual": 13,
            "completion": "1.3",
            "expected_value": 5,
            "progress_vs_expected": "2.6",
            "gap_to_target": 0,
            "gap_to_expected": -8,
            "status": Status.DONE,
            "projection": 26,
            "needed_per_quarter": 0,
            "plan_target": 10,  # only 2025 has a target: the plan is that year
            "plan_status": Status.DONE,
        },
        id="over-achievement",
    ),
    pytest.param(
        subject({2025: "0", 2026: "0", 2027: "0"}),
        Period(2025, 2),
        {
            "ytd_actual": 0,
            "annual_target": 0,
            "completion": None,
            "expected_value": 0,
            "progress_vs_expected": None,
            "gap_to_target": 0,
            "gap_to_expected": 0,
            "status": Status.DONE,
            "needed_per_quarter": 0,
            "plan_target": 0,
            "plan_completion": None,
            "plan_status": Status.DONE,
        },
        id="zero-target-is-done",
    ),
    pytest.param(
        subject({}, {(2025, 1): "5"}),
        Period(2025, 1),
        {
            "quarter_actual": 5,
            "ytd_actual": 5,
            "annual_target": None,
            "completion": None,
            "expected_share": "0.25",
            "expected_value": None,
            "progress_vs_expected": None,
            "gap_to_target": None,
            "gap_to_expected": None,
            "shortfall_to_expected": None,
            "status": Status.NO_TARGET,
            "projection": 20,
            "needed_per_quarter": None,
            "plan_actual": 5,
            "plan_target": None,
            "plan_expected": None,
            "plan_completion": None,
            "plan_gap_to_target": None,
            "plan_status": Status.NO_TARGET,
        },
        id="target-none",
    ),
    pytest.param(
        subject({2025: "8"}, {(2025, 1): "1", (2025, 2): "2", (2025, 3): "2", (2025, 4): "1"}),
        Period(2025, 4),
        {
            "quarter_actual": 1,
            "ytd_actual": 6,
            "completion": "0.75",
            "expected_share": 1,
            "expected_value": 8,
            "progress_vs_expected": "0.75",
            "gap_to_target": 2,
            "status": Status.SERIOUSLY_BEHIND,
            "projection": 6,
            "needed_per_quarter": None,
        },
        id="last-quarter",
    ),
    pytest.param(
        subject({2025: "8"}, {(2025, 1): "1", (2025, 2): "3"}),
        Period(2025, 2),
        {"progress_vs_expected": 1, "status": Status.ON_PACE, "needed_per_quarter": 2},
        id="band-exactly-1.0-is-on-pace",
    ),
    pytest.param(
        subject({2025: "10"}, {(2025, 2): "4"}),
        Period(2025, 2),
        {"progress_vs_expected": "0.8", "status": Status.BEHIND, "quarter_actual": 4},
        id="band-exactly-0.8-is-behind",
    ),
    pytest.param(
        subject({2025: "10"}, {(2025, 2): "3.99"}),
        Period(2025, 2),
        {"progress_vs_expected": "0.798", "status": Status.SERIOUSLY_BEHIND},
        id="band-just-below-0.8",
    ),
    pytest.param(
        subject({2025: "10"}, {(2025, 2): "4.99"}),
        Period(2025, 2),
        {"progress_vs_expected": "0.998", "status": Status.BEHIND},
        id="band-just-below-1.0",
    ),
    pytest.param(
        # Pingyang space, as of 2026 Q2: 2025 brought 17, 2026 so far 5 + 6.
        subject(
            PINGYANG_SPACE,
            {
                (2025, 1): "4",
                (2025, 2): "4",
                (2025, 3): "4",
                (2025, 4): "5",
                (2026, 1): "5",
                (2026, 2): "6",
                (2026, 3): "100",  # after as_of: ignored
            },
            total="70",
            stretch="80",
        ),
        Period(2026, 2),
        {
            "quarter_actual": 6,
            "ytd_actual": 11,
            "annual_target": 22,
            "completion": "0.5",
            "expected_value": 11,
            "progress_vs_expected": 1,
            "status": Status.ON_PACE,
            "needed_per_quarter": "5.5",
            "plan_actual": 28,
            "plan_target": 70,
            "plan_expected": 27,  # 16 + 22 × 2/4
            "plan_completion": "0.4",
            "plan_gap_to_target": 42,
            "plan_status": Status.ON_PACE,
            "stretch_target": 80,
            "stretch_completion": "0.35",
        },
        id="second-year-plan-to-date",
    ),
    pytest.param(
        subject(
            PINGYANG_SPACE,
            {(2025, 1): "3", (2025, 2): "3", (2025, 3): "3", (2025, 4): "4"}
            | {(2026, 1): "5", (2026, 2): "6"},
        ),
        Period(2026, 2),
        {
            "status": Status.ON_PACE,
            "plan_actual": 24,
            "plan_target": 70,  # no total given: sum of the yearly targets
            "plan_expected": 27,
            "plan_status": Status.BEHIND,  # 24 / 27 ≈ 0.889
        },
        id="year-on-pace-but-plan-behind",
    ),
    pytest.param(
        subject({2025: "10", 2027: "20"}, {(2026, 1): "1"}),
        Period(2026, 2),
        {
            "annual_target": None,
            "status": Status.NO_TARGET,
            "plan_actual": 1,
            "plan_target": 30,
            "plan_expected": 10,  # a year without a target adds nothing
            "plan_status": Status.SERIOUSLY_BEHIND,
        },
        id="year-without-target-inside-plan",
    ),
    pytest.param(
        subject({}, {(2025, 1): "1", (2025, 2): "1"}, total="12"),
        Period(2025, 2),
        {
            # No target of the year: its status is the plan's, the only one it has.
            "annual_target": None,
            "status": Status.ON_PACE,
            "plan_target": 12,
            "plan_expected": 2,  # 12 spread over 12 quarters, 2 elapsed
            "plan_progress_vs_expected": 1,
            "plan_status": Status.ON_PACE,
        },
        id="plan-total-without-yearly-split",
    ),
    pytest.param(
        subject({}, {}, total="8"),
        Period(2026, 4),
        {
            "annual_target": None,
            "status": Status.SERIOUSLY_BEHIND,  # 0 of 8 × 8/12 due: behind, not 无目标
            "plan_expected": D(8) * 8 / 12,
            "plan_status": Status.SERIOUSLY_BEHIND,
        },
        id="plan-total-only-behind-is-behind",
    ),
    pytest.param(
        subject({2025: "0", 2026: "10"}),
        Period(2025, 2),
        {
            "status": Status.DONE,
            "plan_target": 10,
            "plan_expected": 0,
            "plan_progress_vs_expected": None,
            "plan_status": Status.ON_PACE,
        },
        id="plan-nothing-due-yet",
    ),
    pytest.param(
        subject({2025: "5"}, {(2025, 3): "2"}, years=(2025,)),
        Period(2025, 3),
        {
            "quarter_actual": 2,
            "ytd_actual": 2,
            "expected_value": "3.75",
            "gap_to_target": 3,
            "needed_per_quarter": 3,
            "projection": D(8) / 3,
        },
        id="third-quarter-remaining-one",
    ),
]


# 新建成新质孵化器-like: a few whole milestones a year (2 / 1 / 1), due at year end.
MILESTONES = {2025: "2", 2026: "1", 2027: "1"}

YEAR_END_CASES = [
    pytest.param(
        subject(MILESTONES, pacing=Pacing.YEAR_END),
        Period(2025, 1),
        {
            "ytd_actual": 0,
            "annual_target": 2,
            "completion": 0,
            "expected_share": 0,
            "expected_value": 0,
            "progress_vs_expected": None,  # nothing due: no pace to compare
            "gap_to_target": 2,
            "gap_to_expected": 0,
            "shortfall_to_expected": 0,
            "status": Status.ON_PACE,  # not 严重滞后 merely for being 0 in Q1
            "plan_target": 4,
            "plan_expected": 0,
            "plan_status": Status.ON_PACE,
        },
        id="year-end-q1-nothing-done-is-on-pace",
    ),
    pytest.param(
        subject(MILESTONES, {(2025, 2): "1"}, pacing=Pacing.YEAR_END),
        Period(2025, 3),
        {
            "ytd_actual": 1,
            "completion": "0.5",
            "expected_share": 0,
            "expected_value": 0,
            "status": Status.ON_PACE,
            "gap_to_target": 1,
            "needed_per_quarter": 1,  # one quarter left for the one still owed
            "plan_expected": 0,
        },
        id="year-end-q3-half-done",
    ),
    pytest.param(
        subject(MILESTONES, {(2025, 2): "2"}, pacing=Pacing.YEAR_END),
        Period(2025, 2),
        {"ytd_actual": 2, "completion": 1, "expected_value": 0, "status": Status.DONE},
        id="year-end-done-early",
    ),
    pytest.param(
        subject(MILESTONES, pacing=Pacing.YEAR_END),
        Period(2025, 4),
        {
            "expected_share": 1,
            "expected_value": 2,
            "progress_vs_expected": 0,
            "gap_to_expected": 2,
            "status": Status.SERIOUSLY_BEHIND,  # the year is over and nothing was done
            "plan_expected": 2,
            "plan_status": Status.SERIOUSLY_BEHIND,
        },
        id="year-end-q4-nothing-done",
    ),
    pytest.param(
        subject(MILESTONES, {(2025, 4): "1"}, pacing=Pacing.YEAR_END),
        Period(2025, 4),
        {"expected_value": 2, "progress_vs_expected": "0.5", "status": Status.SERIOUSLY_BEHIND},
        id="year-end-q4-half-done",
    ),
    pytest.param(
        # 2025 done (2); 2026 Q2: 2026's milestone is not due yet, 2025's are.
        subject(MILESTONES, {(2025, 3): "1", (2025, 4): "1"}, pacing=Pacing.YEAR_END),
        Period(2026, 2),
        {
            "annual_target": 1,
            "ytd_actual": 0,
            "expected_value": 0,
            "status": Status.ON_PACE,
            "plan_actual": 2,
            "plan_target": 4,
            "plan_expected": 2,  # 2025's 2, nothing of 2026's yet
            "plan_progress_vs_expected": 1,
            "plan_status": Status.ON_PACE,
        },
        id="year-end-whole-plan-mid-second-year",
    ),
    pytest.param(
        subject(MILESTONES, {(2025, 4): "1", (2026, 4): "1"}, pacing=Pacing.YEAR_END),
        Period(2026, 4),
        {
            "status": Status.DONE,
            "plan_actual": 2,
            "plan_expected": 3,  # 2 + 1, the whole of 2026 at its Q4
            "plan_progress_vs_expected": D(2) / D(3),
            "plan_status": Status.SERIOUSLY_BEHIND,
        },
        id="year-end-whole-plan-second-year-end",
    ),
    pytest.param(
        subject({}, total="12", pacing=Pacing.YEAR_END),
        Period(2025, 3),
        {"plan_target": 12, "plan_expected": 0, "plan_status": Status.ON_PACE},
        id="year-end-plan-total-only-before-first-year-end",
    ),
    pytest.param(
        subject({}, {(2025, 4): "3"}, total="12", pacing=Pacing.YEAR_END),
        Period(2026, 2),
        {"plan_expected": 4, "plan_progress_vs_expected": "0.75"},  # 12 / 3 years × 1 done
        id="year-end-plan-total-only-spread-over-years",
    ),
]


@pytest.mark.parametrize(("data", "as_of", "expected"), YEAR_END_CASES)
def test_year_end_milestones_match_hand_computed_values(data, as_of, expected):
    progress = compute_progress(data, as_of, BANDS)
    for field, value in expected.items():
        want = value if value is None or isinstance(value, (Status, Decimal)) else D(value)
        assert getattr(progress, field) == want, field


@pytest.mark.parametrize(("data", "as_of", "expected"), CASES)
def test_compute_progress_matches_hand_computed_values(data, as_of, expected):
    progress = compute_progress(data, as_of, BANDS)
    assert progress.period == as_of
    for field, value in expected.items():
        want = value if value is None or isinstance(value, (Status, Decimal)) else D(value)
        assert getattr(progress, field) == want, field


def test_compute_progress_rejects_a_period_outside_the_plan():
    with pytest.raises(ValueError):
        compute_progress(subject({2025: "1"}), Period(2028, 1))


def test_subject_needs_plan_years():
    with pytest.raises(ValueError):
        subject(years=())


def test_compute_progress_keeps_exact_decimals():
    progress = compute_progress(subject({2025: "3"}, {(2025, 1): "1"}), Period(2025, 1))
    assert progress.completion == D(1) / D(3)
    assert progress.expected_value == D("0.75")


# --- series ---------------------------------------------------------------------------


def test_plan_periods_lists_every_quarter_through_the_given_one():
    assert plan_periods((2025, 2026)) == [Period(y, q) for y in (2025, 2026) for q in (1, 2, 3, 4)]
    assert plan_periods((2026, 2025), through=Period(2025, 2)) == [Period(2025, 1), Period(2025, 2)]


def test_cumulative_series_resets_each_year():
    data = subject({2025: "8"}, {(2025, 1): "1", (2025, 3): "2", (2026, 1): "4"})
    assert cumulative_series(data, Period(2026, 1)) == [
        SeriesPoint(Period(2025, 1), D(1), D(2)),
        SeriesPoint(Period(2025, 2), D(1), D(4)),
        SeriesPoint(Period(2025, 3), D(3), D(6)),
        SeriesPoint(Period(2025, 4), D(3), D(8)),
        SeriesPoint(Period(2026, 1), D(4), None),  # 2026 has no target
    ]


def test_a_year_end_milestones_expected_line_steps_at_each_year_end():
    data = subject(MILESTONES, {(2025, 2): "1"}, pacing=Pacing.YEAR_END)
    yearly = cumulative_series(data, Period(2026, 1))
    assert [p.expected for p in yearly] == [D(0), D(0), D(0), D(2), D(0)]
    assert [p.expected for p in plan_cumulative_series(data, Period(2026, 4))] == [
        D(0),
        D(0),
        D(0),
        D(2),
        D(2),
        D(2),
        D(2),
        D(3),
    ]


def test_plan_cumulative_series_accumulates_across_years():
    data = subject(PINGYANG_SPACE, {(2025, 2): "5", (2025, 4): "10", (2026, 1): "3"})
    points = plan_cumulative_series(data, Period(2026, 2))
    assert [p.actual for p in points] == [D(0), D(5), D(5), D(15), D(18), D(18)]
    assert [p.expected for p in points] == [D(4), D(8), D(12), D(16), D("21.5"), D(27)]


# --- latest / default period ------------------------------------------------------------


def test_latest_period_with_figures_ignores_figures_outside_the_plan():
    keys = [(1, 7, 2025, 3), (1, None, 2026, 1), (2, 7, 2024, 4), (2, 7, 2030, 1)]
    assert latest_period_with_figures(keys, YEARS) == Period(2026, 1)
    assert latest_period_with_figures([(2025, 2)], YEARS) == Period(2025, 2)
    assert latest_period_with_figures([], YEARS) is None


def test_default_period_is_latest_reported_else_the_plans_first_quarter():
    assert default_period([(1, 7, 2025, 3)], YEARS) == Period(2025, 3)
    assert default_period([], YEARS) == Period(2025, 1)
    with pytest.raises(ValueError):
        default_period([], ())


# --- the table --------------------------------------------------------------------------

SPACE = IndicatorInfo(1, "space", "新增孵化空间面积", "万平方米", 2, by_region=True)
CARRIERS = IndicatorInfo(2, "carriers", "新增市级及以上孵化载体", "个", 0, by_region=False)
FIRMS = IndicatorInfo(3, "firms", "新增在孵企业(项目)", "个", 0, by_region=True)
KUNYANG = RegionInfo(11, "kunyang", "昆阳")
AOJIANG = RegionInfo(12, "aojiang", "鳌江")
SHUITOU = RegionInfo(13, "shuitou", "水头")
Q2_2025 = Period(2025, 2)


def build(regions=(KUNYANG, AOJIANG, SHUITOU), as_of=Q2_2025, extra_figures=None):
    targets = {
        (1, None, 2025): (D(6), D(7)),  # 2025's own high line (年度高线)
        (1, None, 2026): (D(8), None),
        (1, None, None): (D(14), D(16)),
        (1, 11, 2025): (D(2), D("2.5")),
        (1, 12, 2025): (D(2), None),
        (1, 13, 2025): (D(2), None),
        (2, None, 2025): (D(4), None),
        (3, None, 2025): (D(40), None),
        (3, 11, 2025): (D(20), None),
        (3, 12, 2025): (D(20), None),
        (3, 13, 2025): (D(0), None),
    }
    figures = {
        (1, 11, 2025, 1): D("0.35"),
        (1, 11, 2025, 2): D("1.2"),
        (1, 12, 2025, 2): D("0.5"),
        (1, 13, 2025, 1): D("0.8"),
        (1, None, 2025, 1): D(99),  # hand-entered county value of a broken-down indicator
        (2, None, 2025, 1): D(1),
        (2, None, 2025, 2): D(2),
        (3, 11, 2025, 1): D(4),
        (3, 12, 2025, 2): D(12),
    } | (extra_figures or {})
    return build_table(
        indicators=[SPACE, CARRIERS, FIRMS],
        regions=list(regions),
        targets=targets,
        figures=figures,
        plan_years=YEARS,
        as_of=as_of,
        bands=BANDS,
    )


def test_table_region_cell_is_the_regions_own_progress():
    cell = build().cell(11, SPACE.id)
    assert cell.ytd_actual == D("1.55")
    assert cell.completion == D("0.775")
    assert cell.status == Status.ON_PACE


def test_table_county_row_of_broken_down_indicator_sums_regions_against_county_target():
    county = build().cell(None, SPACE.id)
    assert county.ytd_actual == D("2.85")  # 0.35 + 1.2 + 0.5 + 0.8, never the hand-entered 99
    assert county.quarter_actual == D("1.7")
    assert county.annual_target == D(6)
    assert county.expected_value == D(3)
    assert county.progress_vs_expected == D("0.95")
    assert county.status == Status.BEHIND
    assert county.plan_target == D(14)
    assert county.stretch_target == D(16)


def test_a_years_own_high_line_is_that_years_only():
    table = build()
    county, kunyang, aojiang = (table.cell(r, SPACE.id) for r in (None, 11, 12))
    assert county.annual_stretch_target == D(7)
    assert county.annual_stretch_completion == D("2.85") / D(7)
    assert county.stretch_target == D(16)  # the plan's, beside it
    assert kunyang.annual_stretch_target == D("2.5")
    assert kunyang.annual_stretch_completion == D("0.62")  # 1.55 ÷ 2.5
    assert aojiang.annual_stretch_target is None and aojiang.annual_stretch_completion is None
    later = build(as_of=Period(2026, 1)).cell(None, SPACE.id)
    assert later.annual_target == D(8) and later.annual_stretch_target is None


def test_table_county_only_indicator_uses_its_own_figures():
    table = build()
    county = table.cell(None, CARRIERS.id)
    assert county.ytd_actual == D(3)
    assert county.completion == D("0.75")
    assert county.status == Status.ON_PACE
    assert table.get(11, CARRIERS.id) is None
    with pytest.raises(KeyError):
        table.cell(11, CARRIERS.id)


def test_table_county_total_counts_regions_outside_a_scoped_table():
    scoped = build(regions=(KUNYANG,))
    assert [row.region for row in scoped.rows()] == [KUNYANG]
    assert scoped.cell(None, SPACE.id).ytd_actual == D("2.85")
    assert scoped.get(12, SPACE.id) is None


def test_table_rows_follow_region_order_with_cells_aligned_to_indicators():
    table = build(regions=(AOJIANG, KUNYANG, SHUITOU))
    rows = table.rows()
    assert [row.region for row in rows] == [AOJIANG, KUNYANG, SHUITOU]
    assert rows[1].cells == (table.cell(11, 1), None, table.cell(11, 3))
    county = table.county_row()
    assert county.region is None
    assert county.cells == (table.cell(None, 1), table.cell(None, 2), table.cell(None, 3))
    assert table.broken_down == (SPACE, FIRMS)
    assert [r for r, _ in table.column(FIRMS.id)] == [AOJIANG, KUNYANG, SHUITOU]
    assert table.column(CARRIERS.id) == []


def test_table_lagging_ranks_by_mean_capped_pace_most_behind_first():
    # 昆阳: space 1.55 (capped 1), firms 4/10 = 0.4 → mean 0.7, one behind.
    # 鳌江: space 0.5/1 = 0.5, firms 12/10 (capped 1) → mean 0.75, one behind.
    # 水头: space 0.8/1 = 0.8, firms target 0 (not scored) → 0.8, behind (exactly 0.8).
    lagging = build().lagging()
    assert [(s.region, s.score, s.behind) for s in lagging] == [
        (KUNYANG, D("0.7"), 1),
        (AOJIANG, D("0.75"), 1),
        (SHUITOU, D("0.8"), 1),
    ]
    assert [s.region for s in build().lagging(2)] == [KUNYANG, AOJIANG]


def test_table_paces_a_year_end_indicator_by_its_own_rule():
    incubators = IndicatorInfo(4, "incubators", "新建成新质孵化器", "个", 0, pacing=Pacing.YEAR_END)

    def table(as_of):
        return build_table(
            indicators=[SPACE, incubators],
            regions=[KUNYANG],
            targets={
                (1, 11, 2025): (D(2), None),
                (4, 11, 2025): (D(1), None),
                (4, None, 2025): (D(2), None),
            },
            figures={(1, 11, 2025, 1): D("0.5"), (1, 11, 2025, 4): D("1.5")},
            plan_years=YEARS,
            as_of=as_of,
        )

    q2 = table(Period(2025, 2))
    # Space is spread (1 of 2 due, 0.5 done); the incubator is not due before Q4.
    assert q2.cell(11, SPACE.id).status == Status.SERIOUSLY_BEHIND
    assert q2.cell(11, 4).status == Status.ON_PACE
    assert q2.cell(None, 4).status == Status.ON_PACE
    assert q2.cell(None, 4).expected_share == 0
    # Ranked on space alone: nothing of the milestone is due to score it against.
    assert [(s.score, s.behind) for s in q2.lagging()] == [(D("0.5"), 1)]
    q4 = table(Period(2025, 4))
    assert q4.cell(11, 4).expected_value == 1
    assert q4.cell(11, 4).status == Status.SERIOUSLY_BEHIND
    assert [(s.score, s.behind) for s in q4.lagging()] == [(D("0.5"), 1)]  # (1 + 0) / 2


def test_table_lagging_leaves_out_regions_without_targets():
    table = build_table(
        indicators=[SPACE],
        regions=[KUNYANG],
        targets={},
        figures={},
        plan_years=YEARS,
        as_of=Period(2025, 1),
    )
    assert table.cell(11, SPACE.id).status == Status.NO_TARGET
    assert table.lagging() == []


def test_table_series_default_to_the_tables_period():
    table = build(as_of=Period(2025, 2))
    assert table.cumulative_series(11, SPACE.id) == [
        SeriesPoint(Period(2025, 1), D("0.35"), D("0.5")),
        SeriesPoint(Period(2025, 2), D("1.55"), D("1")),
    ]
    county = table.plan_cumulative_series(None, SPACE.id, through=Period(2026, 1))
    assert [p.actual for p in county] == [
        D("1.15"),
        D("2.85"),
        D("2.85"),
        D("2.85"),
        D(0) + D("2.85"),
    ]
    assert county[-1].expected == D(8)  # 6 + 8 × 1/4


def test_table_rejects_a_period_outside_the_plan():
    with pytest.raises(ValueError):
        build(as_of=Period(2024, 4))


def test_a_plan_total_only_indicator_ranks_alike_whether_its_cells_were_read_or_not():
    """Its regions are paced on the plan (a total, no year's target): the
    ranking must not change once a page has read the cells."""
    regions = [RegionInfo(11, "a", "甲"), RegionInfo(12, "b", "乙")]
    spread = IndicatorInfo(id=7, code="spread", name="均摊", unit="个")

    def table():
        return build_table(
            indicators=[spread],
            regions=regions,
            targets={(7, 11, None): (D(12), None), (7, 12, None): (D(12), None)},
            figures={(7, 11, 2025, 1): D(1), (7, 12, 2025, 1): D(3)},
            plan_years=(2025, 2026, 2027),
            as_of=Period(2025, 2),
        )

    fresh = [(s.region.code, s.score) for s in table().ranking]
    read_first = table()
    for region in regions:
        read_first.cell(region.id, spread.id)
    assert [(s.region.code, s.score) for s in read_first.ranking] == fresh
    # 2 of 12 due after two quarters: 甲 1 → 0.5, 乙 3 → capped at 1.
    assert fresh == [("a", D("0.5")), ("b", D(1))]
