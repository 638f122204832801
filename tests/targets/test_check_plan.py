"""The plan consistency check: regions sum to the county, years sum to the total."""

from __future__ import annotations

import dataclasses
import unicodedata
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from targets.excel.format import IndicatorSpec, PlanSpec, RegionSpec, TargetSpec
from targets.models import Target
from targets.plan_check import check_plan_consistency, format_report
from targets.services import plan_as_spec


def small_plan(*targets: TargetSpec) -> PlanSpec:
    return PlanSpec(
        name="试点计划",
        first_year=2028,
        last_year=2029,
        indicators=(
            IndicatorSpec("labs", "新建实验室", unit="个"),
            IndicatorSpec("funds", "设立引导基金", by_region=False),
        ),
        regions=(RegionSpec("east", "东城"), RegionSpec("west", "西城")),
        targets=targets,
    )


CONSISTENT = (
    TargetSpec("labs", None, 2028, Decimal(3)),
    TargetSpec("labs", "east", 2028, Decimal(1)),
    TargetSpec("labs", "west", 2028, Decimal(2)),
    TargetSpec("labs", None, 2029, Decimal("2.50")),
    TargetSpec("labs", "east", 2029, Decimal("1.5")),
    TargetSpec("labs", "west", 2029, Decimal(1)),
    TargetSpec("labs", None, None, Decimal("5.5"), Decimal(8)),
    TargetSpec("funds", None, 2028, Decimal(1)),
    TargetSpec("funds", None, 2029, Decimal(1)),
)


def test_consistent_plan_passes_every_check():
    report = check_plan_consistency(small_plan(*CONSISTENT))
    assert report.ok
    kinds = [(line.kind, line.indicator_code, line.year) for line in report.lines]
    assert kinds == [
        ("regions", "labs", 2028),
        ("regions", "labs", 2029),
        ("years", "labs", None),
    ]


def test_a_plan_total_with_no_yearly_split_is_spread_not_inconsistent():
    """The plan workbook allows a 总计 alone (spread over the plan's quarters):
    no year to add up, so nothing is flagged 不一致."""
    report = check_plan_consistency(small_plan(TargetSpec("funds", None, None, Decimal(4))))
    assert report.ok and not report.lines
    # One year given and the other not: that year alone must not pass for the total.
    partial = small_plan(
        TargetSpec("funds", None, 2028, Decimal(1)), TargetSpec("funds", None, None, Decimal(4))
    )
    assert not check_plan_consistency(partial).ok


def test_regions_plan_totals_are_checked_against_the_countys():
    """An indicator the plan gives totals only (no year's split): its regions'
    totals still sum to the county's — checked, not skipped."""
    totals_only = [
        TargetSpec("labs", None, None, Decimal(6)),
        TargetSpec("labs", "east", None, Decimal(2)),
        TargetSpec("labs", "west", None, Decimal(4)),
    ]
    report = check_plan_consistency(small_plan(*totals_only))
    assert report.ok
    assert [(line.kind, line.year) for line in report.lines] == [("regions", None)]
    wrong = [*totals_only[:2], TargetSpec("labs", "west", None, Decimal(5))]
    [line] = check_plan_consistency(small_plan(*wrong)).differences
    assert (line.parts_sum, line.target) == (7, 6)
    assert line.describe() == "新建实验室 总计:各区域之和 7,全县目标 6"
    # Regions' totals without the county's: a missing side is a difference.
    [line] = check_plan_consistency(small_plan(*totals_only[1:])).differences
    assert (line.parts_sum, line.target) == (6, None)


def test_regions_totals_meet_a_county_total_left_to_its_years():
    """Annex 1's 总计 is optional: without it the county's total is the sum of
    its years, and regions' totals that sum to that are consistent."""
    targets = [
        TargetSpec("labs", None, 2028, Decimal(3)),
        TargetSpec("labs", None, 2029, Decimal(3)),
        TargetSpec("labs", "east", 2028, Decimal(1)),
        TargetSpec("labs", "east", 2029, Decimal(1)),
        TargetSpec("labs", "east", None, Decimal(2)),
        TargetSpec("labs", "west", 2028, Decimal(2)),
        TargetSpec("labs", "west", 2029, Decimal(2)),
        TargetSpec("labs", "west", None, Decimal(4)),
    ]
    report = check_plan_consistency(small_plan(*targets))
    assert report.ok, [line.describe() for line in report.differences]
    assert ("regions", None) in [(line.kind, line.year) for line in report.lines]


def test_county_only_indicator_without_total_has_nothing_to_check():
    report = check_plan_consistency(small_plan(*CONSISTENT))
    assert not [line for line in report.lines if line.indicator_code == "funds"]


def test_region_sum_differing_from_county_target_is_reported():
    targets = [t for t in CONSISTENT if (t.region_code, t.year) != ("west", 2028)]
    targets.append(TargetSpec("labs", "west", 2028, Decimal(5)))
    report = check_plan_consistency(small_plan(*targets))
    [wrong] = report.differences
    assert (wrong.year, wrong.parts_sum, wrong.target, wrong.difference) == (2028, 6, 3, 3)
    assert wrong.describe() == "新建实验室 2028年:各区域之和 6,全县目标 3"
    # A plan whose total row is 全市 is checked in its own words.
    city = dataclasses.replace(small_plan(*targets), county_name="全市")
    [wrong] = check_plan_consistency(city).differences
    assert wrong.describe() == "新建实验室 2028年:各区域之和 6,全市目标 3"
    assert wrong.rule == "各区域之和 = 全市"


def test_missing_county_target_is_a_difference():
    targets = [
        t for t in CONSISTENT if (t.indicator_code, t.region_code, t.year) != ("labs", None, 2029)
    ]
    wrong, total = check_plan_consistency(small_plan(*targets)).differences
    assert (wrong.kind, wrong.year, wrong.parts_sum, wrong.target) == ("regions", 2029, 2.5, None)
    assert wrong.describe() == "新建实验室 2029年:各区域之和 2.5,全县目标 (无)"
    assert (total.kind, total.parts_sum, total.target) == ("years", 3, Decimal("5.5"))


def test_yearly_targets_not_summing_to_the_plan_total_are_reported():
    targets = [*CONSISTENT, TargetSpec("funds", None, None, Decimal(3))]
    [wrong] = check_plan_consistency(small_plan(*targets)).differences
    assert (wrong.kind, wrong.indicator_code, wrong.parts_sum, wrong.target) == (
        "years",
        "funds",
        2,
        3,
    )
    assert wrong.describe() == "设立引导基金:各年之和 2,总计目标 3"


def test_a_regions_own_total_is_checked_against_its_years():
    targets = [*CONSISTENT, TargetSpec("labs", "east", None, Decimal(2))]
    [wrong] = check_plan_consistency(small_plan(*targets)).differences
    assert (wrong.region_name, wrong.parts_sum, wrong.target) == ("东城", Decimal("2.5"), 2)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_report_table_aligns_chinese_columns():
    table = format_report(check_plan_consistency(small_plan(*CONSISTENT)))
    lines = table.splitlines()
    assert lines[0].split() == ["检查项", "指标", "年份", "合计", "目标", "差额", "结果"]
    assert lines[2].split()[-5:] == ["2029年", "2.5", "2.5", "0", "一致"]
    # The result column starts at the same terminal column on every line.
    starts = {display_width(line[: line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1


# ---------------------------------------------------------------- the command


def test_seed_plan_is_consistent(plan, capsys):
    call_command("check_plan")
    out = capsys.readouterr().out
    assert "全部一致(共 21 项)" in out  # 5 indicators × 3 years + 6 plan totals
    assert "新增孵化空间面积" in out


def test_seed_plan_data_passes_the_pure_check(plan):
    assert check_plan_consistency(plan_as_spec(plan)).ok


def test_changed_region_target_fails_naming_indicator_year_and_both_sums(plan):
    target = Target.objects.get(indicator__code="talents", region__name="鳌江", year=2026)
    target.value = Decimal(250)
    target.save()

    with pytest.raises(CommandError) as caught:
        call_command("check_plan", "--plan", str(plan.pk))

    message = str(caught.value)
    assert "1 项不一致" in message
    assert "新增创新创业人才数 2026年:各区域之和 2050,全县目标 2000" in message


def test_changed_county_target_also_breaks_the_plan_total(plan):
    Target.objects.filter(indicator__code="space", region=None, year=2027).update(
        value=Decimal("31.5")
    )
    with pytest.raises(CommandError) as caught:
        call_command("check_plan")
    message = str(caught.value)
    assert "新增孵化空间面积 2027年:各区域之和 32,全县目标 31.5" in message
    assert "新增孵化空间面积:各年之和 69.5,总计目标 70" in message


def test_check_plan_without_any_plan_says_so(db):
    with pytest.raises(CommandError, match="还没有计划"):
        call_command("check_plan")
