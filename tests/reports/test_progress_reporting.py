""" "Not reported" is not zero: the engine with some quarters unreported,
checked against hand-computed values (no database)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from reports.choices import Status
from reports.progress import (
    Bands,
    Period,
    SeriesPoint,
    SubjectData,
    compute_progress,
    cumulative_series,
    plan_cumulative_series,
)
from reports.progress.coverage import Coverage, Reporting
from reports.progress.display import coverage_notice, coverage_words, status_label
from reports.progress.table import IndicatorInfo, RegionInfo, build_table
from targets.choices import Pacing

D = Decimal
YEARS = (2025, 2026)
BANDS = Bands()
Q3_2025 = Period(2025, 3)


def subject(figures, *, unreported=(), incomplete=(), target="8", total="20") -> SubjectData:
    return SubjectData(
        plan_years=YEARS,
        yearly_targets={2025: D(target), 2026: D(12)},
        figures={k: D(v) for k, v in figures.items()},
        plan_total=D(total),
        unreported=frozenset(unreported),
        incomplete=frozenset(incomplete),
    )


# --- one subject ------------------------------------------------------------------------


def test_an_unreported_quarter_has_no_numbers_not_zeros():
    # Q1 1, Q2 2 reported; Q3 (the as-of quarter) not.
    cell = compute_progress(
        subject({(2025, 1): "1", (2025, 2): "2"}, unreported={(2025, 3)}), Q3_2025, BANDS
    )
    assert cell.reported is False
    assert cell.status == Status.NOT_REPORTED
    assert cell.plan_status == Status.NOT_REPORTED
    for name in (
        "quarter_actual",
        "ytd_actual",
        "completion",
        "progress_vs_expected",
        "gap_to_target",
        "gap_to_expected",
        "shortfall_to_expected",
        "projection",
        "needed_per_quarter",
        "plan_actual",
        "plan_completion",
        "plan_progress_vs_expected",
        "plan_gap_to_target",
        "stretch_completion",
    ):
        assert getattr(cell, name) is None, name
    # What is owed is known whether or not the region reported.
    assert (cell.annual_target, cell.expected_value) == (D(8), D(6))  # 8 × 3/4
    assert cell.plan_target == D(20)
    assert cell.provisional is False  # no status to be provisional about


def test_a_status_on_a_year_with_an_unreported_quarter_is_provisional():
    # Q2 missing: 1 + 3 = 4 reported of 6 due (8 × 3/4) → 0.667 → seriously behind, provisional.
    cell = compute_progress(
        subject({(2025, 1): "1", (2025, 3): "3"}, unreported={(2025, 2)}), Q3_2025, BANDS
    )
    assert cell.reported is True
    assert (cell.ytd_actual, cell.quarter_actual) == (D(4), D(3))
    assert cell.status == Status.SERIOUSLY_BEHIND
    assert cell.provisional is True
    assert cell.plan_provisional is True


def test_an_earlier_years_gap_makes_only_the_plan_status_provisional():
    # 2025 Q4 unreported; 2026 Q1 reported 3 of 12 × 1/4 = 3 due → on pace, final.
    cell = compute_progress(
        subject({(2025, 1): "7", (2026, 1): "3"}, unreported={(2025, 4)}), Period(2026, 1), BANDS
    )
    assert (cell.status, cell.provisional) == (Status.ON_PACE, False)
    # Plan: 10 of 8 + 12 × 1/4 = 11 due → 0.91 → behind, but a quarter is missing.
    assert cell.plan_actual == D(10)
    assert (cell.plan_status, cell.plan_provisional) == (Status.BEHIND, True)


def test_done_is_final_even_with_a_quarter_missing():
    # Figures are never negative: what is missing can only add to what is done.
    cell = compute_progress(
        subject({(2025, 1): "9"}, unreported={(2025, 2)}), Period(2025, 3), BANDS
    )
    assert (cell.status, cell.provisional) == (Status.DONE, False)


def test_a_sum_with_a_region_missing_shows_its_numbers_and_a_provisional_status():
    # The county of a broken-down indicator: 2 of 6 due (8 × 3/4), a region missing in Q3.
    cell = compute_progress(subject({(2025, 3): "2"}, incomplete={(2025, 3)}), Q3_2025, BANDS)
    assert (cell.reported, cell.ytd_actual, cell.completion) == (True, D(2), D("0.25"))
    assert (cell.status, cell.provisional) == (Status.SERIOUSLY_BEHIND, True)


def test_a_later_quarters_gap_changes_nothing_as_of_an_earlier_one():
    cell = compute_progress(
        subject({(2025, 1): "2"}, unreported={(2025, 2)}, incomplete={(2025, 4)}),
        Period(2025, 1),
        BANDS,
    )
    assert (cell.reported, cell.provisional, cell.plan_provisional) == (True, False, False)
    assert cell.status == Status.ON_PACE  # 2 of 8 × 1/4 = 2


def test_cumulative_lines_break_at_an_unreported_quarter_and_go_on_as_the_cells_do():
    data = subject(
        {(2025, 1): "1", (2025, 3): "2", (2026, 1): "4", (2026, 2): "1"},
        unreported={(2025, 2)},
    )
    # The year's line: unknown in 2025 Q2; from Q3 the sum of what is in.
    year = cumulative_series(data, Period(2026, 2))
    assert [p.actual for p in year] == [D(1), None, D(3), D(3), D(4), D(5)]
    assert year[1] == SeriesPoint(Period(2025, 2), None, D(4))  # 序时 still drawn
    # The plan's line likewise: one missing quarter does not end it.
    plan = plan_cumulative_series(data, Period(2026, 2))
    assert [p.actual for p in plan] == [D(1), None, D(3), D(3), D(7), D(8)]
    # Each point is the number the quarter's cell shows (provisionally after the gap).
    for point in plan:
        if point.actual is not None:
            cell = compute_progress(data, point.period)
            after_gap = point.period > Period(2025, 2)
            assert (cell.plan_actual, cell.plan_provisional) == (point.actual, after_gap)


def test_an_incomplete_sum_keeps_its_line():
    data = subject({(2025, 1): "1", (2025, 2): "2"}, incomplete={(2025, 2)})
    assert [p.actual for p in cumulative_series(data, Period(2025, 2))] == [D(1), D(3)]


# --- the table --------------------------------------------------------------------------

SPACE = IndicatorInfo(1, "space", "新增孵化空间面积", "万平方米", 2, by_region=True)
CARRIERS = IndicatorInfo(2, "carriers", "新增市级及以上孵化载体", "个", 0, by_region=False)
KUNYANG = RegionInfo(11, "kunyang", "昆阳")
AOJIANG = RegionInfo(12, "aojiang", "鳌江")
SHUITOU = RegionInfo(13, "shuitou", "水头")
Q2_2025 = Period(2025, 2)


def build(reported, as_of=Q2_2025, county_reported=None):
    targets = {
        (1, None, 2025): (D(6), None),
        (1, 11, 2025): (D(2), None),
        (1, 12, 2025): (D(2), None),
        (1, 13, 2025): (D(2), None),
        (2, None, 2025): (D(4), None),
    }
    figures = {
        (1, 11, 2025, 1): D("0.5"),
        (1, 11, 2025, 2): D("0.5"),
        (1, 12, 2025, 1): D("0.6"),
        (1, 13, 2025, 1): D("0.2"),
        (1, 13, 2025, 2): D("0.3"),
        (2, None, 2025, 1): D(1),
        (2, None, 2025, 2): D(1),
    }
    return build_table(
        indicators=[SPACE, CARRIERS],
        regions=[KUNYANG, AOJIANG, SHUITOU],
        targets=targets,
        figures=figures,
        plan_years=YEARS,
        as_of=as_of,
        bands=BANDS,
        reported=reported,
        county_reported=county_reported,
    )


# 鳌江 reported 2025 Q1 only; the others both quarters.
REPORTED = {11: {(2025, 1), (2025, 2)}, 12: {(2025, 1)}, 13: {(2025, 1), (2025, 2)}}


def test_table_a_region_that_has_not_reported_the_quarter_reads_not_reported():
    table = build(REPORTED)
    aojiang = table.cell(12, SPACE.id)
    assert (aojiang.reported, aojiang.ytd_actual, aojiang.status) == (
        False,
        None,
        Status.NOT_REPORTED,
    )
    kunyang = table.cell(11, SPACE.id)
    assert (kunyang.ytd_actual, kunyang.status, kunyang.provisional) == (
        D(1),
        Status.ON_PACE,  # 1 of 2 × 2/4
        False,
    )


def test_table_county_sums_what_was_reported_and_is_provisional():
    county = build(REPORTED).cell(None, SPACE.id)
    # 0.5 + 0.5 + 0.6 + 0.2 + 0.3 = 2.1 of 3 due → 0.7 → seriously behind, but 鳌江 is missing.
    assert county.ytd_actual == D("2.1")
    assert (county.status, county.provisional) == (Status.SERIOUSLY_BEHIND, True)


def test_table_county_of_a_quarter_no_region_reported_is_not_reported_not_zero():
    """Nobody has reported 2025 Q3: the county's sum is unknown, not 0 and
    seriously behind; its line breaks there as a region's does."""
    table = build(REPORTED, as_of=Q3_2025)
    county = table.cell(None, SPACE.id)
    assert (county.reported, county.ytd_actual, county.status) == (
        False,
        None,
        Status.NOT_REPORTED,
    )
    assert county.annual_target == D(6)
    line = table.cumulative_series(None, SPACE.id)
    assert [point.actual for point in line[-3:]] == [D("1.3"), D("2.1"), None]
    # One region in is enough: the sum is shown, provisionally.
    one_in = {**REPORTED, 11: {(2025, 1), (2025, 2), (2025, 3)}}
    county = build(one_in, as_of=Q3_2025).cell(None, SPACE.id)
    assert (county.reported, county.ytd_actual, county.provisional) == (True, D("2.1"), True)


def test_table_county_only_indicator_counts_what_the_bureau_entered():
    # County-level figures are the bureau's own entries: no review, they count.
    entered = {CARRIERS.id: {(2025, 1), (2025, 2)}}
    county = build(REPORTED, county_reported=entered).cell(None, CARRIERS.id)
    assert (county.ytd_actual, county.status, county.provisional) == (D(2), Status.ON_PACE, False)
    # Without a reporting map (plain data) every quarter counts, as for regions.
    assert build(REPORTED).cell(None, CARRIERS.id).ytd_actual == D(2)


def test_table_county_only_indicator_not_entered_is_not_reported_not_zero():
    """The bureau has not entered 2025 Q2 yet: unknown, not 0 and behind."""
    county = build(REPORTED, county_reported={CARRIERS.id: {(2025, 1)}}).cell(None, CARRIERS.id)
    assert (county.reported, county.ytd_actual, county.status) == (
        False,
        None,
        Status.NOT_REPORTED,
    )
    assert county.annual_target == D(4)
    # Q1 missing but Q2 entered: Q2's status stands on half a year, provisionally.
    half = build(REPORTED, county_reported={CARRIERS.id: {(2025, 2)}}).cell(None, CARRIERS.id)
    assert (half.reported, half.provisional) == (True, True)


def test_table_with_every_region_reported_is_final():
    table = build({region: {(2025, 1), (2025, 2)} for region in (11, 12, 13)})
    assert table.cell(12, SPACE.id).ytd_actual == D("0.6")
    assert table.cell(None, SPACE.id).provisional is False


def test_table_a_region_missing_from_the_reported_map_reported_nothing():
    table = build({11: {(2025, 1), (2025, 2)}})
    assert table.cell(13, SPACE.id).status == Status.NOT_REPORTED


def test_table_ranking_leaves_out_a_region_that_has_not_reported():
    table = build(REPORTED)
    ranked = [score.region for score in table.lagging()]
    assert AOJIANG not in ranked
    assert ranked == [SHUITOU, KUNYANG]  # 0.5/1 before 1/1


def test_table_ranking_marks_a_score_on_incomplete_data():
    # 鳌江 reported Q2 but not Q1: its score stands on half the year.
    table = build({11: {(2025, 1), (2025, 2)}, 12: {(2025, 2)}, 13: {(2025, 1), (2025, 2)}})
    provisional = {score.region: score.provisional for score in table.lagging()}
    assert provisional == {AOJIANG: True, SHUITOU: False, KUNYANG: False}


def test_table_without_a_reported_map_counts_every_quarter_as_reported():
    # Plain data without reporting (an import preview, a test): nothing is missing.
    table = build(None)
    assert table.cell(12, SPACE.id).ytd_actual == D("0.6")
    assert table.cell(None, SPACE.id).provisional is False


# --- coverage ---------------------------------------------------------------------------


def reporting(
    states, *, closed=(), regions=(11, 12, 13), includes_submitted=False, county=(), entered=()
):
    return Reporting(
        plan_years=YEARS,
        region_ids=tuple(regions),
        states=states,
        closed=frozenset(closed),
        includes_submitted=includes_submitted,
        county_indicators=tuple(county),
        county_entered=frozenset(entered),
    )


STATES = {
    # 2025 Q1: every region approved; Q2: two approved, one submitted; Q3: one draft-free approval.
    (11, 2025, 1): "approved",
    (12, 2025, 1): "approved",
    (13, 2025, 1): "approved",
    (11, 2025, 2): "approved",
    (12, 2025, 2): "submitted",
    (13, 2025, 2): "approved",
    (11, 2025, 3): "approved",
}


def test_coverage_counts_approved_submitted_and_not_reported():
    coverage = reporting(STATES).coverage(Q2_2025)
    assert (coverage.regions, coverage.approved, coverage.submitted, coverage.not_reported) == (
        3,
        2,
        1,
        0,
    )
    assert coverage.complete is False
    q3 = reporting(STATES).coverage(Q3_2025)
    assert (q3.approved, q3.submitted, q3.not_reported, q3.complete) == (1, 0, 2, False)
    assert reporting(STATES).coverage(Period(2025, 1)).complete is True


def test_coverage_of_some_regions_only():
    coverage = reporting(STATES).coverage(Q2_2025, region_ids=[12])
    assert (coverage.regions, coverage.approved, coverage.submitted) == (1, 0, 1)


def test_reported_quarters_are_the_counted_ones():
    assert reporting(STATES).reported_quarters() == {
        11: frozenset({(2025, 1), (2025, 2), (2025, 3)}),
        12: frozenset({(2025, 1)}),
        13: frozenset({(2025, 1), (2025, 2)}),
    }
    with_submitted = reporting(STATES, includes_submitted=True).reported_quarters()
    assert with_submitted[12] == frozenset({(2025, 1), (2025, 2)})


def test_latest_complete_quarter_is_all_approved_or_closed():
    assert reporting(STATES).latest_complete() == Period(2025, 1)
    # Counting what is submitted completes Q2.
    assert reporting(STATES, includes_submitted=True).latest_complete() == Q2_2025
    # A closed quarter is complete whatever its regions did.
    assert reporting(STATES, closed={(2025, 3)}).latest_complete() == Q3_2025
    assert reporting({}).latest_complete() is None
    # Without regions nothing is complete by counting (only by closing).
    assert reporting({}, regions=()).latest_complete() is None


def test_a_quarter_is_complete_once_the_bureau_entered_its_county_only_indicators():
    every_region = {(r, 2025, q): "approved" for r in (11, 12, 13) for q in (1, 2)}
    entered = {(2, 2025, 1), (5, 2025, 1), (2, 2025, 2)}  # indicator 5's Q2 missing
    counted = reporting(every_region, county=(2, 5), entered=entered)
    assert counted.latest_complete() == Period(2025, 1)
    assert counted.county_missing(Q2_2025) == [5]
    assert counted.county_reported_quarters() == {
        2: frozenset({(2025, 1), (2025, 2)}),
        5: frozenset({(2025, 1)}),
    }
    closed = reporting(every_region, county=(2, 5), entered=entered, closed={(2025, 2)})
    assert closed.latest_complete() == Q2_2025 and closed.county_missing(Q2_2025) == []
    assert closed.county_reported_quarters()[5] == frozenset({(2025, 1), (2025, 2)})
    # A plan of county-only indicators alone completes a quarter by entering them.
    alone = reporting({}, regions=(), county=(2,), entered={(2, 2025, 1)})
    assert alone.latest_complete() == Period(2025, 1)


def test_latest_counted_quarter_of_some_regions():
    assert reporting(STATES).latest_counted() == Q3_2025
    assert reporting(STATES).latest_counted([13]) == Q2_2025
    assert reporting(STATES).latest_counted([12]) == Period(2025, 1)
    assert reporting(STATES, includes_submitted=True).latest_counted([12]) == Q2_2025
    assert reporting(STATES, regions=(11, 12, 13, 14)).latest_counted([14]) is None


# --- how it reads -----------------------------------------------------------------------


def test_a_provisional_behind_status_reads_as_provisional_not_as_seriously_behind():
    with translation.override("zh-hans"):
        assert status_label(Status.SERIOUSLY_BEHIND, provisional=True) == "滞后(暂定)"
        assert status_label(Status.BEHIND, provisional=True) == "滞后(暂定)"
        assert status_label(Status.ON_PACE, provisional=True) == "符合序时(暂定)"
        assert status_label(Status.SERIOUSLY_BEHIND) == "严重滞后"
        assert status_label(Status.NOT_REPORTED) == "未报"


def test_coverage_in_words_uses_the_plans_own_region_term():
    period = Period(2026, 3)
    with translation.override("zh-hans"):
        full = Coverage(period, regions=9, approved=9, submitted=0)
        assert coverage_words(full, region_term="乡镇") == "截至2026年第3季度 · 9/9 乡镇已审核"
        assert coverage_notice(full, region_term="乡镇") is None
        half = Coverage(period, regions=9, approved=6, submitted=1)
        assert (
            coverage_words(half, region_term="街道")
            == "截至2026年第3季度 · 6/9 街道已审核,1 已上报,2 未报"
        )
        notice = coverage_notice(half, region_term="街道")
        assert "3 个街道" in notice and "暂定" in notice
        closed = Coverage(period, regions=9, approved=7, submitted=0, closed=True)
        assert coverage_notice(closed, region_term="乡镇") == (
            "2026年第3季度已关闭:2 个乡镇的数据未经审核,未计入统计,显示为“未报”;"
            "合计含这些乡镇此前已审核的季度,不含本季度。"
        )
        counted = Coverage(period, regions=9, approved=6, submitted=3, includes_submitted=True)
        assert "含已上报未审核" in coverage_words(counted, region_term="乡镇")
        assert "未审核" in coverage_notice(counted, region_term="乡镇")


def test_coverage_of_one_region_names_it():
    period = Period(2026, 3)
    with translation.override("zh-hans"):
        approved = Coverage(period, regions=1, approved=1, submitted=0)
        assert coverage_words(approved, region_term="乡镇", region_name="昆阳") == (
            "截至2026年第3季度 · 昆阳已审核"
        )
        missing = Coverage(period, regions=1, approved=0, submitted=0)
        assert coverage_words(missing, region_term="乡镇", region_name="昆阳") == (
            "截至2026年第3季度 · 昆阳未报"
        )
        assert "昆阳" in coverage_notice(missing, region_term="乡镇", region_name="昆阳")


def test_coverage_pacing_is_not_confused_by_year_end_indicators():
    # Guard: provisional marks only what may change; a year-end milestone due
    # nothing yet (on pace) with a missing quarter is still provisional.
    data = SubjectData(
        plan_years=YEARS,
        yearly_targets={2025: D(1)},
        figures={},
        pacing=Pacing.YEAR_END,
        unreported=frozenset({(2025, 1)}),
        incomplete=frozenset(),
    )
    cell = compute_progress(data, Q2_2025, BANDS)
    assert (cell.status, cell.provisional) == (Status.ON_PACE, True)
