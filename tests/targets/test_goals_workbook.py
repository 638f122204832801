"""The plan's headline goals (目标要求): the Pingyang fixture against the plan
text, and the workbook's 目标要求 sheet (round trip, another county's goals,
bad rows refused naming the cell, old workbooks without the sheet).

The goals below are transcribed by hand from 平政办〔2025〕49号, sections
一, 二(二) and 三(二), independently of fixtures/pingyang_2025_2027.json.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from targets.excel.cells import PlanWorkbookError
from targets.excel.reading import read_plan_workbook
from targets.models import Goal, Plan
from targets.services import export_plan, import_plan
from tests.targets.test_workbook import build_other_county
from tests.targets.workbooks import export, make_room

# (text, kind, goal, high line, linked indicator's annex name or None, unit)
SEED_GOALS = [
    (
        "未来三年累计新增空间达到70万平方米(高线80万)",
        "cumulative",
        70,
        80,
        "新增孵化空间面积",
        "万平方米",
    ),
    ("新建温州市“20”孵化器3家以上", "cumulative", 3, None, "新建成新质孵化器", "家"),
    ("全县累计建成各类孵化基地30个以上", "stock", 30, None, None, "个"),
    ("累计新增创新创业人才超5000人", "cumulative", 5000, None, "新增创新创业人才数", "人"),
    ("高能级科技孵化器实现专业化运营服务全覆盖", "coverage", 100, None, None, "%"),
    ("建成省级及以上孵化器累计超3家", "stock", 3, None, None, "家"),
    ("省级及以上众创空间超10家", "stock", 10, None, None, "家"),
    ("每年新增在孵企业200家以上", "annual_floor", 200, None, "新增在孵企业(项目)", "家"),
    (
        "三年新增省级科技型中小企业、专精特新企业、高新技术企业等企业100家以上",
        "cumulative",
        100,
        None,
        "新培育省级及以上科技企业",
        "家",
    ),
    (
        "每年转化高校、科创平台科研成果和创新创业大赛获奖项目5项以上",
        "annual_floor",
        5,
        None,
        None,
        "项",
    ),
    ("主导产业企业占比75%以上", "share", 75, None, None, "%"),
    ("营收占比50%以上", "share", 50, None, None, "%"),
    ("每年培育1家以上温州市高能级科技孵化器", "annual_floor", 1, None, None, "家"),
]


def goal_rows(plan: Plan) -> list[tuple]:
    return [
        (
            g.text,
            g.kind,
            g.value,
            g.stretch_value,
            g.indicator.name if g.indicator_id else None,
            g.unit,
        )
        for g in plan.goals.select_related("indicator").order_by("order")
    ]


def test_fixture_holds_every_headline_goal_of_the_seed_with_its_numbers(plan):
    expected = [
        (text, kind, Decimal(v), None if s is None else Decimal(s), ind, unit)
        for text, kind, v, s, ind, unit in SEED_GOALS
    ]
    assert goal_rows(plan) == expected


def test_every_goal_text_is_the_plan_documents_own_wording(plan, settings):
    source = (settings.BASE_DIR / "docs/source/pingyang-plan-2025-2027.txt").read_text()
    source = source.replace(" ", "")  # the document prints "新增在孵企业 200 家以上"
    for text, *_ in SEED_GOALS:
        assert text in source


def test_text_and_annex_differ_and_both_numbers_are_kept(plan):
    """The text asks 5000 talents and 3 "20" incubators; annex 1 says 6000 and 4."""
    talents = plan.goals.get(indicator__code="talents")
    incubators = plan.goals.get(indicator__code="incubators-20")
    assert (talents.value, incubators.value) == (5000, 3)
    annex = {
        t.indicator.code: t.value
        for t in talents.indicator.targets.model.objects.filter(
            indicator__plan=plan, region=None, year=None
        ).select_related("indicator")
    }
    assert (annex["talents"], annex["incubators-20"]) == (6000, 4)


def test_goals_survive_export_and_import(plan, tmp_path):
    before = goal_rows(plan)
    path = tmp_path / "pingyang.xlsx"
    export_plan(plan, path)
    sheet = openpyxl.load_workbook(path)["目标要求"]
    assert [c.value for c in sheet[1]][:5] == ["序号", "代码", "出处", "目标表述", "类型"]
    assert [c.value for c in sheet[2]][3:8] == [SEED_GOALS[0][0], "累计", 70, 80, "space"]
    make_room(plan)

    imported = import_plan(path)

    assert goal_rows(imported) == before
    sections = list(imported.goals.values_list("section", flat=True))
    assert sections == ["一"] * 10 + ["二(二)"] * 2 + ["三(二)"]


def test_a_workbook_without_the_goals_sheet_still_loads(plan, tmp_path):
    path = export(plan, tmp_path / "old.xlsx")
    book = openpyxl.load_workbook(path)
    book.remove(book["目标要求"])
    # An older workbook has no ledger sheets either (their rows name goals).
    book.remove(book["台账口径"])
    book.save(path)
    make_room(plan)

    imported = import_plan(path)

    assert imported.indicators.count() == 6
    assert not imported.goals.exists()


OTHER_GOALS = [
    ("序号", "代码", "目标表述", "类型", "目标值", "高线", "关联指标", "基数", "单位"),
    (1, "labs-total", "三年新建实验室12个以上", "累计新增", 12, 15, "labs", None, "个"),
    (2, "parks", "全县科创园区保有20个", "存量目标", "20", None, None, 14, "个"),
    (3, "funds-yearly", "每年到位资金不少于5亿元", "每年", 5, None, "funds", None, "亿元"),
    (4, "women", "女性创业者占比40%以上", "占比", 40, None, None, None, "%"),
]


def add_goals_sheet(path, rows) -> None:
    """Append a 目标要求 sheet of ``rows`` to the workbook at ``path``."""
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("目标要求")
    for row in rows:
        sheet.append(list(row))
    book.save(path)


def test_another_countys_goals_load_from_its_workbook(db, tmp_path):
    path = tmp_path / "donghu.xlsx"
    build_other_county(path, goals=OTHER_GOALS)

    imported = import_plan(path)

    rows = list(
        imported.goals.order_by("order").values_list(
            "code", "kind", "value", "stretch_value", "indicator__code", "base_value", "unit"
        )
    )
    assert rows == [
        ("labs-total", "cumulative", 12, 15, "labs", None, "个"),
        ("parks", "stock", 20, None, None, 14, "个"),
        ("funds-yearly", "annual_floor", 5, None, "funds", None, "亿元"),
        ("women", "share", 40, None, None, None, "%"),
    ]
    again = tmp_path / "again.xlsx"
    export_plan(imported, again)
    assert read_plan_workbook(again).goals == read_plan_workbook(path).goals


BAD_GOALS = {
    "unknown kind": ((3, "类型", "大约"), ["工作表“目标要求”第3行D列(类型)", "大约"]),
    "unknown indicator": ((2, "关联指标", "nope"), ["第2行G列(关联指标)", "nope"]),
    "cumulative without indicator": ((2, "关联指标", None), ["第2行D列(类型)", "关联指标"]),
    "high line below goal": ((2, "高线", 10), ["第2行F列(高线)", "不能低于目标值"]),
    "base on a share": ((5, "基数", 3), ["第5行H列(基数)", "只有存量目标有基数"]),
    "share linked to an indicator": ((5, "关联指标", "labs"), ["第5行G列", "累计和每年"]),
    "not a number": ((4, "目标值", "五亿"), ["第4行E列(目标值)", "不是数字"]),
    "repeated code": ((3, "代码", "labs-total"), ["第3行B列(代码)", "重复"]),
}


@pytest.mark.parametrize("mistake", BAD_GOALS)
def test_a_bad_goal_row_is_refused_naming_the_cell_and_nothing_is_written(db, tmp_path, mistake):
    (row, column, value), expected = BAD_GOALS[mistake]
    rows = [list(r) for r in OTHER_GOALS]
    rows[row - 1][OTHER_GOALS[0].index(column)] = value
    path = tmp_path / "donghu.xlsx"
    build_other_county(path, goals=rows)

    with pytest.raises(PlanWorkbookError) as caught:
        import_plan(path)

    text = "\n".join(caught.value.messages)
    for fragment in expected:
        assert fragment in text
    assert not Plan.objects.exists() and not Goal.objects.exists()
