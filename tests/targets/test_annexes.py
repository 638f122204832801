"""Annex rows built from targets already read (no database)."""

from __future__ import annotations

from decimal import Decimal

from reports.progress.table import IndicatorInfo
from targets.annexes import region_target_rows

D = Decimal
YEARS = [2025, 2026, 2027]
SPACE = IndicatorInfo(1, "space", "新增孵化空间面积", "万平方米", 2, order=1)
CARRIERS = IndicatorInfo(2, "carriers", "新增市级及以上孵化载体", "个", by_region=False, order=2)
FIRMS = IndicatorInfo(3, "firms", "新增在孵企业(项目)", "个", order=3)
TARGETS = {
    (1, 11, 2025): (D(2), None),
    (1, 11, 2026): (D("3.5"), None),
    (1, 12, 2025): (D(99), None),  # another region
    (1, None, 2025): (D(6), D(8)),  # the county
    (3, 11, 2025): (D(0), None),
    (3, 11, 2026): (D(0), None),
}


def test_a_regions_targets_in_annex_1_layout_one_row_per_broken_down_indicator():
    rows = region_target_rows([SPACE, CARRIERS, FIRMS], TARGETS, 11, YEARS)
    assert [row["label"] for row in rows] == [
        "新增孵化空间面积(万平方米)",
        "新增在孵企业(项目)(个)",
    ]
    space, firms = rows
    assert [space[f"y{y}"] for y in YEARS] == [2, D("3.5"), None]
    assert (space["total"], space["stretch"], space["decimal_places"]) == (D("5.5"), None, 2)
    assert (space["order"], firms["order"]) == (1, 3)


def test_a_region_of_zero_targets_totals_a_decimal_zero():
    firms = region_target_rows([FIRMS], TARGETS, 11, YEARS)[0]
    assert [firms[f"y{y}"] for y in YEARS] == [0, 0, None]
    assert firms["total"] == 0 and isinstance(firms["total"], Decimal)


def test_a_regions_plan_total_is_its_total_where_the_plan_gives_one():
    """A region the plan gives only a total (no year's target): its 总计 is
    that total, the number its progress is judged on, not a sum of nothing."""
    targets = {**TARGETS, (3, 12, None): (D(12), None)}
    firms = region_target_rows([FIRMS], targets, 12, YEARS)[0]
    assert [firms[f"y{y}"] for y in YEARS] == [None, None, None]
    assert firms["total"] == 12


def test_a_region_without_any_target_has_no_total():
    """Not 0, which would read as a target met: there is none (—)."""
    carriers = IndicatorInfo(4, "incubators", "新增“20”孵化器", "家", order=4)
    row = region_target_rows([carriers], TARGETS, 11, YEARS)[0]
    assert [row[f"y{y}"] for y in YEARS] == [None, None, None]
    assert row["total"] is None
