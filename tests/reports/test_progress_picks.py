"""What the pages pick from the progress table — which townships a chart
shows, in which order — checked against hand-computed cases (no database)."""

from __future__ import annotations

from decimal import Decimal

from reports.progress import Period, owing_most_first
from reports.progress.table import IndicatorInfo, RegionInfo, build_table

D = Decimal
SPACE = IndicatorInfo(1, "space", "新增孵化空间面积", "万平方米", 2)
A, B, C, E, F = (RegionInfo(10 + n, f"r{n}", name) for n, name in enumerate("甲乙丙丁戊"))
REGIONS = [A, B, C, E, F]


def table():
    """Every region's 2025 target is 4 except 丙's (none); as of Q2, 2 are due.
    Year to date: 甲 1 (pace 0.5), 乙 3 (1.5), 丙 2 (no target, no pace),
    丁 0.5 (0.25), 戊 2 (1.0)."""
    targets = {(1, r.id, 2025): (D(4), None) for r in REGIONS if r is not C}
    ytd = {A: "1", B: "3", C: "2", E: "0.5", F: "2"}
    figures = {(1, r.id, 2025, 2): D(v) for r, v in ytd.items()}
    return build_table(
        indicators=[SPACE],
        regions=REGIONS,
        targets=targets,
        figures=figures,
        plan_years=(2025, 2026, 2027),
        as_of=Period(2025, 2),
    )


def test_lagging_on_one_indicator_keeps_every_region_while_they_fit():
    assert table().lagging_on(SPACE.id, 5) == REGIONS
    assert table().lagging_on(SPACE.id, 50) == REGIONS


def test_lagging_on_one_indicator_beyond_the_limit_keeps_the_furthest_behind_first():
    assert table().lagging_on(SPACE.id, 2) == [E, A]
    # 丙 has no target, so no pace: it comes after every region with one.
    assert table().lagging_on(SPACE.id, 4) == [E, A, F, B]


def test_owing_most_first_ranks_the_gap_to_the_years_target_largest_first():
    column = [(r.name, p) for r, p in table().column(SPACE.id)]
    # Gaps to 4: 甲 3, 乙 1, 丁 3.5, 戊 2; 丙 owes nothing it was given.
    ranked = owing_most_first(column)
    assert [(name, p.gap_to_target) for name, p in ranked] == [
        ("丁", D("3.5")),
        ("甲", D(3)),
        ("戊", D(2)),
        ("乙", D(1)),
    ]


def test_owing_most_first_keeps_the_given_order_between_equal_gaps():
    column = [(r.name, p) for r, p in table().column(SPACE.id)]
    doubled = [(f"{name}2", p) for name, p in column] + column
    names = [name for name, _p in owing_most_first(doubled)]
    assert names[:4] == ["丁2", "丁", "甲2", "甲"]
