"""The briefing's phrasing is chosen by rules from the engine's results, on
crafted cases: every status band (ahead, level, behind, seriously behind,
done early), better and worse than the quarter before, a year's first
quarter, a year's end, a region that has not reported, a zero target, a year-
end milestone before its quarter, goals met and at risk. No database: the
cells come from the engine's own ``compute_progress`` over plain data."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from reports.briefing.compose import briefing_from_facts
from reports.briefing.facts import BriefingFacts, GoalFacts, IndicatorFacts, MeasureFacts, Rank
from reports.briefing.phrasing import MAX_NAMED, indicator_paragraph
from reports.choices import GoalStatus, Status
from reports.progress import Bands, Period, SubjectData, compute_progress
from reports.progress.coverage import Coverage
from reports.progress.table import IndicatorInfo, RegionInfo
from targets.choices import Pacing

YEARS = (2025, 2026, 2027)
FIRMS = IndicatorInfo(id=1, code="firms", name="新增在孵企业", unit="个")
CARRIERS = IndicatorInfo(
    id=2, code="carriers", name="新增孵化载体", unit="个", pacing=Pacing.YEAR_END
)


def cell(
    figures: dict,
    as_of: Period,
    *,
    target: int = 100,
    pacing: str = Pacing.SPREAD,
    unreported=frozenset(),
    incomplete=frozenset(),
    bands: Bands | None = None,
):
    """The engine's cell for a subject with ``target`` each year and these
    quarterly figures."""
    data = SubjectData(
        YEARS,
        {year: Decimal(target) for year in YEARS},
        {key: Decimal(value) for key, value in figures.items()},
        pacing=pacing,
        unreported=frozenset(unreported),
        incomplete=frozenset(incomplete),
    )
    return compute_progress(data, as_of, bands or Bands())


def facts_for(figures: dict, as_of: Period, *, indicator=FIRMS, regions=(), **options):
    now = cell(figures, as_of, pacing=indicator.pacing, **options)
    before = as_of.previous()
    previous = (
        cell(figures, before, pacing=indicator.pacing, **options)
        if before.year >= YEARS[0]
        else None
    )
    return IndicatorFacts(indicator, now, previous, tuple(regions))


def paragraph(facts: IndicatorFacts, *, county: bool = True) -> str:
    subject = "全县" if county else "甲镇"
    return indicator_paragraph(facts, subject, facts.cell.period, region_term="乡镇", county=county)


Q2 = Period(2026, 2)


@pytest.mark.parametrize(
    ("q1", "q2", "says", "never"),
    [
        (30, 30, "高于序时进度（50.0%）10.0个百分点，进度快于序时", "滞后"),
        (25, 25, "与序时进度（50.0%）基本持平，符合序时要求", "滞后"),
        (20, 25, "低于序时进度（50.0%）5.0个百分点，进度滞后", "严重滞后"),
        (10, 20, "低于序时进度（50.0%）20.0个百分点，进度严重滞后", "快于"),
        (60, 60, "为年度目标（100个）的120.0%，已提前完成年度目标", "滞后"),
    ],
    ids=["ahead", "level", "behind", "seriously-behind", "done-early"],
)
def test_each_status_has_its_own_sentence(q1, q2, says, never):
    text = paragraph(facts_for({(2026, 1): q1, (2026, 2): q2}, Q2))
    assert says in text
    assert never not in text


def test_the_status_bands_are_the_engines():
    """45 of 100 at mid-year is 90% of 序时: behind with the default bands,
    seriously behind when the setting puts "seriously" below 95%."""
    figures = {(2026, 1): 20, (2026, 2): 25}
    assert "进度滞后" in paragraph(facts_for(figures, Q2))
    strict = paragraph(facts_for(figures, Q2, bands=Bands(Decimal(1), Decimal("0.95"))))
    assert "进度严重滞后" in strict


def test_a_better_status_than_last_quarter_reads_as_improved():
    # Q1 10 of 25 due (seriously behind), Q2 45 of 50 due (behind)
    text = paragraph(facts_for({(2026, 1): 10, (2026, 2): 35}, Q2))
    assert "进度由上季度的“严重滞后”转为“滞后”，较上季度好转" in text


def test_a_worse_status_than_last_quarter_reads_as_worsened():
    # Q1 25 of 25 due (on pace), Q2 30 of 50 due (seriously behind)
    text = paragraph(facts_for({(2026, 1): 25, (2026, 2): 5}, Q2))
    assert "进度由上季度的“符合序时”降为“严重滞后”，较上季度下滑" in text


@pytest.mark.parametrize(
    ("q2", "says"),
    [
        # Q1: 10 of 25 due, 40.0% of 序时.
        (28, "相对序时进度由上季度的40.0%升至76.0%，有所好转"),  # 38 of 50 due
        # 30 of 50: further behind in points (15 → 20) but a larger share of
        # what is due, as the overview's 相对序时 and the status bands read it.
        (20, "相对序时进度由上季度的40.0%升至60.0%，有所好转"),
        (5, "相对序时进度由上季度的40.0%降至30.0%，有所下滑"),  # 15 of 50
        (10, "相对序时进度与上季度持平（40.0%）"),  # 20 of 50
    ],
)
def test_within_one_status_the_change_is_in_the_share_of_what_is_due(q2, says):
    text = paragraph(facts_for({(2026, 1): 10, (2026, 2): q2}, Q2))
    assert "进度严重滞后" in text  # both quarters seriously behind
    assert says in text


def test_a_first_quarter_speaks_of_the_year_just_ended_not_of_last_quarter():
    figures = {(2025, 1): 30, (2025, 2): 20, (2025, 3): 20, (2025, 4): 20, (2026, 1): 30}
    text = paragraph(facts_for(figures, Period(2026, 1)))
    assert "本季度为2026年首个季度，新增30个" in text
    assert "2025年全年完成90个，为当年目标的90.0%" in text
    assert "上季度" not in text
    assert "剩余3个季度每季度需完成24个" in text  # 70 left over 3 quarters, rounded up


def test_the_plans_first_quarter_has_no_year_before():
    text = paragraph(facts_for({(2025, 1): 30}, Period(2025, 1)))
    assert "本季度为2025年首个季度，新增30个。" in text
    assert "全年完成" not in text


def test_a_year_end_says_whether_the_target_was_met_and_where_the_plan_stands():
    figures = {(2026, q): 20 for q in (1, 2, 3)} | {(2026, 4): 30, (2025, 1): 100}
    missed = paragraph(facts_for(figures, Period(2026, 4)))
    assert "2026年，全县新增在孵企业全年累计完成90个，为年度目标（100个）的90.0%" in missed
    assert "未完成年度目标，尚差10个" in missed
    assert "每季度需完成" not in missed  # no quarter is left
    assert "计划期累计完成190个，为计划期目标（300个）的63.3%" in missed
    met = paragraph(facts_for(figures | {(2026, 4): 45}, Period(2026, 4)))
    assert "全面完成年度目标" in met
    far = paragraph(facts_for({(2026, 4): 50}, Period(2026, 4)))
    assert "尚差50个，差距较大" in far


def test_a_year_end_still_waiting_for_reports_is_behind_not_missed():
    """Q4 with some township's report not yet in (provisional): the year is
    not settled, so nothing reads as a target missed or to catch up next
    year; it is behind 序时, provisional, and to be finished this year."""
    figures = {(2026, q): 20 for q in (1, 2, 3)} | {(2026, 4): 10}
    facts = facts_for(figures, Period(2026, 4), incomplete={(2026, 4)})
    assert facts.cell.provisional
    text = paragraph(facts)
    assert "截至2026年第4季度，全县新增在孵企业累计完成70个，完成年度目标的70.0%" in text
    assert "低于序时进度（100.0%）30.0个百分点" in text and "暂定" in text
    assert "未完成年度目标" not in text and "全年累计完成" not in text
    briefing = briefing_from_facts(briefing_facts([facts], period=Period(2026, 4)))
    opening = "".join(briefing.sections[0].paragraphs)
    steps = "".join(briefing.sections[-1].paragraphs)
    assert "未完成年度目标" not in opening + steps and "下一年度加快补齐" not in steps
    assert (
        "对新增在孵企业等进度滞后的指标，相关单位要分析原因，倒排工期，确保完成年度目标。" in steps
    )
    # Once every report is in, the same numbers are a year missed.
    settled = briefing_from_facts(
        briefing_facts([facts_for(figures, Period(2026, 4))], period=Period(2026, 4))
    )
    assert "未完成年度目标1项" in "".join(settled.sections[0].paragraphs)
    assert "在下一年度加快补齐" in "".join(settled.sections[-1].paragraphs)


def test_what_remains_per_quarter_is_rounded_up():
    text = paragraph(facts_for({(2026, 1): 20, (2026, 2): 25}, Q2))
    # 55 left over 2 quarters: 27.5 a quarter, of which 28 suffices
    assert "完成年度目标，剩余2个季度每季度需完成28个，高于本季度新增量，需加快推进。" in text


def test_a_goal_already_met_needs_no_pace():
    text = paragraph(facts_for({(2026, 1): 60, (2026, 2): 50}, Q2))
    assert "已提前完成年度目标" in text
    assert "每季度需完成" not in text


def test_a_zero_target_is_neither_done_nor_behind():
    facts = facts_for({(2026, 1): 0, (2026, 2): 0}, Q2, target=0)
    text = paragraph(facts)
    assert "全县新增在孵企业本年度无目标任务，累计完成0个" in text
    for word in ("已提前完成", "滞后", "需完成", "好转", "下滑"):
        assert word not in text
    briefing = briefing_from_facts(briefing_facts([facts]))
    assert "纳入通报的1项指标中，本年度无目标任务1项。" in briefing.sections[0].paragraphs
    # Its table says so too: not 已完成, as the dashboards' status word reads.
    assert briefing.table.rows[0][-1] == "无目标任务"


def test_a_year_end_milestone_is_not_judged_against_pace_before_its_quarter():
    text = paragraph(facts_for({(2026, 1): 1, (2026, 2): 0}, Q2, indicator=CARRIERS))
    assert "该指标按年底考核，第四季度前不计序时进度" in text
    # Nothing is due before Q4: neither behind nor asked to hurry.
    for word in ("滞后", "每季度需完成", "需加快推进"):
        assert word not in text


def test_a_year_end_milestone_missed_at_q4_has_not_worsened_since_q3():
    """Q3 read "符合序时" only because nothing was due yet."""
    facts = facts_for({(2026, 1): 1, (2026, 4): 0}, Period(2026, 4), indicator=CARRIERS)
    assert facts.previous.status == Status.ON_PACE
    assert facts.cell.status == Status.SERIOUSLY_BEHIND
    text = paragraph(facts)
    assert "未完成年度目标，尚差99个" in text
    assert "本季度新增0个。" in text
    for word in ("下滑", "降为"):
        assert word not in text


@pytest.mark.parametrize(
    ("year", "says", "never"),
    [
        (2026, "在下一年度加快补齐", "提出整改措施"),
        (2027, "相关单位要总结原因，提出整改措施。", "下一年度"),
    ],
)
def test_a_missed_year_is_caught_up_next_year_unless_it_was_the_plans_last(year, says, never):
    q4 = Period(year, 4)
    facts = facts_for({(year, 4): 10}, q4)
    steps = briefing_from_facts(briefing_facts([facts], period=q4)).sections[-1].paragraphs
    text = "".join(steps)
    assert "对新增在孵企业等未完成年度目标的指标" in text
    assert says in text and never not in text


def test_a_township_that_has_not_reported_has_no_numbers_but_its_target():
    facts = facts_for({(2026, 1): 10}, Q2, unreported={(2026, 2)})
    text = paragraph(facts, county=False)
    assert text == (
        "截至2026年第2季度，甲镇新增在孵企业数据未报或未审核通过，进度暂无法评估，年度目标为100个。"
    )


def test_a_status_standing_on_a_missing_quarter_is_provisional_and_never_seriously_behind():
    """As on the pages: 10 of 50 due is seriously behind, but with a quarter
    not yet approved it reads behind, provisionally."""
    facts = facts_for({(2026, 2): 10}, Q2, unreported={(2026, 1)})
    text = paragraph(facts, county=False)
    assert (
        "低于序时进度（50.0%）40.0个百分点，进度滞后。本年度有季度数据尚未审核，以上为暂定数。"
        in text
    )
    assert "严重滞后" not in text


def test_a_provisional_quarter_is_not_compared_with_the_quarter_before():
    """Q1 10 of 25 due: seriously behind. Q2 with another region's report
    still missing: 20 of 50 due reads "behind" (provisional, capped), which is
    no improvement, and its points are no decline either: incomplete."""
    facts = facts_for({(2026, 1): 10, (2026, 2): 10}, Q2, incomplete={(2026, 2)})
    assert facts.previous.status == Status.SERIOUSLY_BEHIND and facts.cell.provisional
    text = paragraph(facts)
    assert "本季度新增10个；本年度部分数据尚未审核，暂不与上季度比较。" in text
    assert "好转" not in text and "下滑" not in text and "转为" not in text


def region_cell(value: int, *, reported: bool = True):
    return cell({(2026, 2): value}, Q2, unreported=() if reported else {(2026, 2)})


def test_the_county_names_regions_ahead_behind_and_not_reported_with_their_numbers():
    regions = [
        (RegionInfo(1, "a", "甲镇"), region_cell(60)),
        (RegionInfo(2, "b", "乙镇"), region_cell(45)),
        (RegionInfo(3, "c", "丙镇"), region_cell(10)),
        (RegionInfo(4, "d", "丁镇"), region_cell(0, reported=False)),
        (RegionInfo(5, "e", "戊镇"), region_cell(110)),
    ]
    text = paragraph(facts_for({(2026, 2): 50}, Q2, regions=regions))
    assert (
        "分乡镇看，戊镇（110.0%）已完成年度目标；甲镇（60.0%）进度快于序时；"
        "乙镇（45.0%，低于序时5.0个百分点）进度滞后；"
        "丙镇（10.0%，低于序时40.0个百分点）进度严重滞后；丁镇数据未报。"
    ) in text


def test_at_a_years_end_a_region_still_missing_a_quarter_has_not_missed_its_target():
    """Q4: a region whose Q3 report is not counted (returned) reads 滞后(暂定) on
    its pages; the county's briefing names it behind, provisional — not among
    those that missed the year's target, as one whose year is complete."""
    Q4 = Period(2026, 4)
    complete = cell({(2026, 1): 20, (2026, 2): 20, (2026, 3): 20, (2026, 4): 20}, Q4)
    open_year = cell({(2026, 1): 30, (2026, 2): 30, (2026, 4): 20}, Q4, unreported={(2026, 3)})
    assert open_year.provisional and not complete.provisional
    regions = [(RegionInfo(1, "a", "甲镇"), complete), (RegionInfo(2, "b", "乙镇"), open_year)]
    text = paragraph(facts_for({(2026, 4): 50}, Q4, regions=regions))
    assert "甲镇（80.0%）未完成年度目标" in text
    assert "乙镇（80.0%，低于序时20.0个百分点，暂定）进度滞后" in text
    assert "乙镇（80.0%）未完成" not in text


def test_many_regions_are_named_up_to_a_few_then_counted():
    regions = [
        (RegionInfo(i, f"r{i}", f"{'甲乙丙丁戊己庚辛'[i]}镇"), region_cell(10)) for i in range(8)
    ]
    text = paragraph(facts_for({(2026, 2): 10}, Q2, regions=regions))
    assert "等8个乡镇进度严重滞后" in text
    assert "辛镇" not in text  # the sixth and later are counted, not named
    assert MAX_NAMED == 5


def test_a_townships_rank_is_said_only_when_given():
    facts = facts_for({(2026, 2): 30}, Q2)
    assert "居第" not in paragraph(facts, county=False)
    ranked = IndicatorFacts(facts.indicator, facts.cell, facts.previous, rank=Rank(3, 9))
    assert "该项进度在9个乡镇中居第3位。" in paragraph(ranked, county=False)


def briefing_facts(indicators, **options) -> BriefingFacts:
    defaults = {
        "plan_name": "某计划",
        "document_number": "",
        "county_name": "全县",
        "region_term": "乡镇",
        "period": Q2,
        "first_year": 2025,
        "last_year": 2027,
        "region": None,
        "coverage": Coverage(Q2, regions=0, approved=0, submitted=0),
        "not_reported": (),
        "submitted": (),
        "indicators": tuple(indicators),
    }
    return BriefingFacts(**{**defaults, **options})


def test_the_opening_names_the_regions_not_reported_and_those_awaiting_review():
    late, waiting = RegionInfo(4, "d", "丁镇"), RegionInfo(5, "e", "戊镇")
    facts = briefing_facts(
        [facts_for({(2026, 2): 50}, Q2)],
        coverage=Coverage(Q2, regions=5, approved=3, submitted=1),
        not_reported=(late, waiting),
        submitted=(waiting,),
    )
    briefing = briefing_from_facts(facts)
    assert "本季度5个乡镇中，3个数据已审核计入；丁镇、戊镇数据未报或未审核通过" in briefing.opening
    assert "其中戊镇已上报，待审核。" in briefing.opening
    assert "请丁镇、戊镇尽快完成本季度数据的填报和审核。" in briefing.sections[-1].paragraphs


def test_a_closed_quarter_asks_no_one_to_report_and_says_who_was_left_out():
    late = RegionInfo(4, "d", "丁镇")
    facts = briefing_facts(
        [facts_for({(2026, 2): 50}, Q2)],
        coverage=Coverage(Q2, regions=5, approved=4, submitted=0, closed=True),
        not_reported=(late,),
    )
    closing = briefing_from_facts(facts).sections[-1].paragraphs
    assert "本季度已关闭，丁镇的数据未经审核，未计入本期统计。" in closing
    assert not any("尽快完成" in paragraph for paragraph in closing)


def test_a_closed_quarter_calls_its_totals_final_not_provisional():
    """Closed, its figures are final: no 暂定 totals in the opening, and a report
    left under review is no longer 待审核 (it can no longer be approved)."""
    late, waiting = RegionInfo(4, "d", "丁镇"), RegionInfo(5, "e", "戊镇")
    facts = briefing_facts(
        [facts_for({(2026, 2): 50}, Q2)],
        coverage=Coverage(Q2, regions=5, approved=3, submitted=1, closed=True),
        not_reported=(late, waiting),
        submitted=(waiting,),
    )
    opening = briefing_from_facts(facts).opening
    assert (
        "本季度5个乡镇中，3个数据已审核计入；丁镇、戊镇数据未报或未审核通过，本季度已关闭，未计入统计。"
        "其中戊镇已上报，关闭时尚未审核。"
    ) in opening
    assert "暂定" not in opening and "待审核" not in opening


@pytest.mark.parametrize(
    ("handed_in", "says"),
    [
        (False, "本季度已关闭，数据未报，未计入统计。"),
        (True, "本季度已关闭，数据已上报但关闭时尚未审核，未计入统计。"),
    ],
    ids=["not-reported", "submitted"],
)
def test_a_townships_briefing_of_a_closed_quarter_it_missed_says_it_is_closed(handed_in, says):
    town = RegionInfo(4, "d", "丁镇")
    for closed in (False, True):
        facts = briefing_facts(
            [facts_for({(2026, 1): 50}, Q2)],
            region=town,
            coverage=Coverage(Q2, regions=1, approved=0, submitted=int(handed_in), closed=closed),
            not_reported=(town,),
            submitted=(town,) if handed_in else (),
        )
        opening = briefing_from_facts(facts).opening
        assert (says in opening) is closed
        assert ("已关闭" in opening) is closed


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_the_english_opening_counts_regions_without_number_agreement_slips(closed):
    """One region left out: no "1 have", no "丁镇 … were" in English."""
    late = RegionInfo(4, "d", "丁镇")
    facts = briefing_facts(
        [facts_for({(2026, 2): 50}, Q2)],
        coverage=Coverage(Q2, regions=5, approved=4, submitted=1, closed=closed),
        not_reported=(late,),
        submitted=(late,),
    )
    with translation.override("en"):
        opening = briefing_from_facts(facts).opening
    assert "Figures approved and counted for this quarter: 4 of 5 (乡镇)." in opening
    assert re.search(r"not (yet )?approved[^.]*: 丁镇", opening)
    assert not re.search(r"\b1 have\b|丁镇 (were|have|did)\b", opening)


def test_a_townships_earlier_closed_quarters_are_named_in_both_languages():
    town = RegionInfo(4, "d", "丁镇")
    facts = briefing_facts(
        [facts_for({(2026, 3): 50}, Period(2026, 4))],
        period=Period(2026, 4),
        region=town,
        coverage=Coverage(Period(2026, 4), regions=1, approved=1, submitted=0),
        closed_missed=(1, 2),
    )
    assert "本年度第1季度、第2季度数据未报或未审核，季度已关闭，未计入全年累计。" in (
        briefing_from_facts(facts).opening
    )
    with translation.override("en"):
        assert "before the quarter was closed: Q1, Q2." in briefing_from_facts(facts).opening


def test_goals_at_risk_are_named_with_their_numbers_and_goals_met_are_listed():
    goals = (
        GoalFacts("累计建成孵化基地30个以上", "个", 0, GoalStatus.BEHIND, Decimal(22), Decimal(30)),
        GoalFacts("省级孵化器3家以上", "家", 0, GoalStatus.MET_EARLY, Decimal(4), Decimal(3)),
        GoalFacts("人才5000人", "人", 0, GoalStatus.ON_COURSE, Decimal(3000), Decimal(5000)),
    )
    briefing = briefing_from_facts(briefing_facts([facts_for({(2026, 2): 50}, Q2)], goals=goals))
    section = next(s for s in briefing.sections if s.heading.endswith("三年目标进展"))
    assert section.heading == "三、三年目标进展"
    assert section.paragraphs == (
        "“累计建成孵化基地30个以上”：目前为22个（目标30个），滞后,仍可追回。",
        "已达成的目标：“省级孵化器3家以上”。",
    )


def test_an_annual_floor_says_whose_year_its_number_is_and_which_year_missed():
    floor = GoalFacts(
        "每年新增在孵企业200家以上",
        "家",
        0,
        GoalStatus.MISSED,
        Decimal(80),
        Decimal(200),
        status_label="未达成(2025年)",
        year=2026,
    )
    briefing = briefing_from_facts(briefing_facts([facts_for({(2026, 2): 50}, Q2)], goals=(floor,)))
    section = next(s for s in briefing.sections if s.heading.endswith("三年目标进展"))
    assert section.paragraphs[0] == (
        "“每年新增在孵企业200家以上”：2026年目前为80家（每年目标200家），未达成(2025年)。"
    )


def test_measures_without_progress_are_grouped_by_why():
    measures = (
        MeasureFacts("三(一)", "强化空间拓展", "县科技局", "lagging", True),
        MeasureFacts("三(二)", "强化能级提升", "县科技局", None, False),
        MeasureFacts("二(一)", "有孵化空间", "", "in_progress", False),
    )
    briefing = briefing_from_facts(
        briefing_facts([facts_for({(2026, 2): 50}, Q2)], measures=measures)
    )
    section = next(s for s in briefing.sections if s.heading.endswith("重点任务推进情况"))
    assert section.paragraphs == (
        "进展滞后的任务：三(一)强化空间拓展（牵头单位：县科技局）。",
        "尚无进展报告的任务：三(二)强化能级提升（牵头单位：县科技局）。",
        "本季度未报送进展的任务：二(一)有孵化空间。",
    )


def test_sections_are_numbered_in_order():
    briefing = briefing_from_facts(briefing_facts([facts_for({(2026, 2): 50}, Q2)]))
    assert [s.heading for s in briefing.sections] == [
        "一、总体情况",
        "二、各项指标完成情况",
        "三、下一步工作要求",
    ]
    with translation.override("en"):
        english = briefing_from_facts(briefing_facts([facts_for({(2026, 2): 50}, Q2)]))
    assert [s.heading[:3] for s in english.sections] == ["I. ", "II.", "III"]


def test_english_phrasing_follows_the_same_rules():
    facts = facts_for({(2026, 1): 10, (2026, 2): 35}, Q2)
    with translation.override("en"):
        text = paragraph(facts)
    assert "45" in text and "45.0%" in text and "5.0" in text and "28" in text
    assert "behind" in text.lower()


@pytest.mark.parametrize("added", [1, 25])
def test_english_names_what_was_added_without_number_agreement(added):
    """The plan's units are its own words (个, 家): "1 个 were added" would be
    wrong English and "were" no better for 25 万平方米, so the amount stands alone."""
    facts = facts_for({(2026, 1): 10, (2026, 2): added}, Q2)
    with translation.override("en"):
        text = paragraph(facts)
    assert f"Added this quarter: {added}" in text, text
    assert " were added" not in text and " was added" not in text


def test_english_sentences_are_spaced_whatever_their_translation_ends_with():
    """The zero-target sentence's translation ends without a space: the next
    sentence still starts after one."""
    facts = facts_for({(2026, 1): 0, (2026, 2): 0}, Q2, target=0)
    with translation.override("en"):
        text = paragraph(facts)
    assert re.search(r"\.\S", text) is None, text
    assert "  " not in text and text == text.strip()
    chinese = paragraph(facts)
    assert " " not in chinese.replace("（", "").replace("）", "")


def test_a_county_only_indicator_not_yet_entered_says_so_not_awaiting_review():
    bases = IndicatorInfo(id=3, code="bases", name="新增孵化基地", unit="个", by_region=False)
    facts = facts_for({(2026, 1): 1}, Q2, indicator=bases, unreported={(2026, 2)})
    assert paragraph(facts) == (
        "截至2026年第2季度，全县新增孵化基地本季度数据尚未填报，进度暂无法评估，年度目标为100个。"
    )


def test_a_county_briefing_with_a_county_only_indicator_not_entered_is_not_complete():
    bases = IndicatorInfo(id=3, code="bases", name="新增孵化基地", unit="个", by_region=False)
    firms = facts_for({(2026, 1): 10, (2026, 2): 40}, Q2)
    missing = facts_for({(2026, 1): 1}, Q2, indicator=bases, unreported={(2026, 2)})
    briefing = briefing_from_facts(
        briefing_facts([firms, missing], coverage=Coverage(Q2, regions=3, approved=3, submitted=0))
    )
    assert "本季度3个乡镇数据均已审核。新增孵化基地本季度数据尚未填报，暂无法评估。" in (
        briefing.opening
    )
    assert "通报数据完整" not in briefing.opening
    steps = briefing.sections[-1].paragraphs
    assert "请尽快填报新增孵化基地本季度数据。" in steps
    complete = briefing_from_facts(
        briefing_facts([firms], coverage=Coverage(Q2, regions=3, approved=3, submitted=0))
    )
    assert "本季度3个乡镇数据均已审核，通报数据完整。" in complete.opening


@pytest.mark.parametrize(
    ("figures", "says"),
    [
        ({(2025, 1): 1}, "按序时应完成5个，进度严重滞后。"),  # 1 of 12 × 5/12 due
        ({(2025, 1): 3, (2026, 1): 2}, "按序时应完成5个，符合序时要求。"),
        ({(2025, 1): 12}, "已完成计划期目标。"),
    ],
    ids=["seriously-behind", "on-pace", "done"],
)
def test_an_indicator_with_a_plan_total_only_is_judged_on_the_plan(figures, says):
    """Its plan gives 12 for 2025–2027 and no year's target: the sentence
    states the plan to date against the total and its 序时, never 未设目标 alone."""
    data = SubjectData(
        YEARS, {}, {key: Decimal(v) for key, v in figures.items()}, plan_total=Decimal(12)
    )
    now = compute_progress(data, Period(2026, 1), Bands())
    text = paragraph(IndicatorFacts(FIRMS, now, None, ()))
    assert text.startswith("截至2026年第1季度，全县新增在孵企业本年度未设目标；计划期累计完成")
    assert "为计划期目标（12个）的" in text and says in text


def test_at_a_years_end_a_plan_total_only_indicator_is_behind_not_a_missed_year():
    """Q4: an indicator with a year's target below it missed that target; one
    with a plan total only is behind the plan's 序时, said once."""
    q4 = Period(2026, 4)
    data = SubjectData(YEARS, {}, {(2025, 1): Decimal(1)}, plan_total=Decimal(12))
    total_only = IndicatorFacts(FIRMS, compute_progress(data, q4, Bands()), None, ())
    missed = facts_for({(2026, 1): 10}, q4, indicator=CARRIERS)
    briefing = briefing_from_facts(briefing_facts([total_only, missed], period=q4))
    assert (
        "纳入通报的2项指标中，严重滞后1项，未完成年度目标1项。" in briefing.sections[0].paragraphs
    )
    text = paragraph(total_only)
    assert text.count("计划期累计完成1个") == 1


def plan_total_cell(figures: dict, as_of: Period, *, total: int = 12, unreported=()):
    """A region's cell for an indicator whose plan gives it ``total`` over
    2025–2027 and no target for any year."""
    data = SubjectData(
        YEARS,
        {},
        {key: Decimal(v) for key, v in figures.items()},
        plan_total=Decimal(total),
        unreported=frozenset(unreported),
    )
    return compute_progress(data, as_of, Bands())


@pytest.mark.parametrize("quarter", [2, 4])
def test_the_county_names_regions_judged_on_a_plan_total_with_the_plans_numbers(quarter):
    """Townships whose share of the plan is a total only, no year's target:
    named with the plan's completion and its points below the plan's 序时;
    a year's end misses no target they do not have."""
    as_of = Period(2026, quarter)
    # 序时 of 12 over 12 quarters: 6 due by 2026 Q2 (50.0%), 8 by Q4 (66.7%).
    regions = [
        (RegionInfo(1, "a", "甲镇"), plan_total_cell({(2025, 1): 12}, as_of)),
        (RegionInfo(2, "b", "乙镇"), plan_total_cell({(2025, 1): 3}, as_of)),
        (RegionInfo(3, "c", "丙镇"), plan_total_cell({(2025, 1): 1}, as_of)),
        (
            RegionInfo(4, "d", "丁镇"),
            plan_total_cell({}, as_of, unreported={(2026, quarter)}),
        ),
        (RegionInfo(5, "e", "戊镇"), plan_total_cell({}, as_of, total=0)),
    ]
    county = plan_total_cell({(2025, 1): 16}, as_of, total=48)
    text = paragraph(IndicatorFacts(FIRMS, county, None, tuple(regions)))
    points = {2: ("25.0", "41.7"), 4: ("41.7", "58.4")}[quarter]
    assert "甲镇（100.0%）已完成计划期目标" in text
    assert (  # the furthest behind the plan's 序时 first
        f"丙镇（8.3%，低于序时{points[1]}个百分点）、"
        f"乙镇（25.0%，低于序时{points[0]}个百分点）进度严重滞后"
    ) in text
    assert "丁镇数据未报" in text
    assert "戊镇" not in text  # a zero share of the plan: nothing to be done or behind on
    assert "年度目标" not in text and "—" not in text


def test_a_region_judged_on_a_plan_total_that_has_not_reported_owes_the_plans_total():
    as_of = Period(2026, 2)
    missing = plan_total_cell({}, as_of, unreported={(2026, 2)})
    text = paragraph(IndicatorFacts(FIRMS, missing, None, ()), county=False)
    assert "数据未报或未审核通过，进度暂无法评估，本年度未设目标，计划期目标为12个。" in text
    zero = plan_total_cell({(2025, 1): 2}, as_of, total=0)
    text = paragraph(IndicatorFacts(FIRMS, zero, None, ()), county=False)
    assert "甲镇新增在孵企业计划期无目标任务，计划期累计完成2个。" in text
    assert "—" not in text


@pytest.mark.parametrize(
    ("year", "says"),
    [
        (2026, "对新增在孵企业等滞后于计划期序时进度的指标"),
        (2027, "对新增在孵企业等未完成计划期目标的指标"),
    ],
)
def test_the_counts_and_next_steps_say_plan_not_year_for_a_plan_total_only_indicator(year, says):
    q4 = Period(year, 4)
    behind = IndicatorFacts(FIRMS, plan_total_cell({(2025, 1): 1}, q4), None, ())
    done = IndicatorFacts(CARRIERS, plan_total_cell({(2025, 1): 12}, q4), None, ())
    briefing = briefing_from_facts(briefing_facts([behind, done], period=q4))
    counts = briefing.sections[0].paragraphs[0]
    assert "严重滞后1项，已完成计划期目标1项。" in counts
    assert "年度目标" not in counts
    steps = "".join(briefing.sections[-1].paragraphs)
    assert says in steps and "未完成年度目标" not in steps
