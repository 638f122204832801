"""The plan's departments and measures (sections 二 and 三 of 平政办〔2025〕49号):
in the fixture as the document words them, and through the plan workbook.

The expected measures below are transcribed by hand from the document,
independently of fixtures/pingyang_2025_2027.json.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest

from targets.models import Department, Measure, Plan, WorkItem
from targets.services import import_plan
from tests.targets.workbooks import export, make_room, mutate, refused, set_cell

SOURCE = Path(__file__).resolve().parents[2] / "docs" / "source" / "pingyang-plan-2025-2027.txt"

# Section 二, the nine 有: (title, involves the townships). The document names no
# department for them.
SECTION_2 = [
    ("有高度适配的孵化空间", True),
    ("有垂直聚焦的产业定位", True),
    ("有分段接续的孵化体系", False),
    ("有专业高效的招商运营团队", False),
    ("有综合集成的服务体系", False),
    ("有赋能产业的公共平台", False),
    ("有孵投联动的市场体制", False),
    ("有特色鲜明的品牌IP", False),
    ("有年轻态的配套环境", True),
]

# Section 三, the nine 强化: (title, lead, co-operating departments). 县财政局 in
# 三(八) is the same department as 县财政局〈国资办〉 in 三(一).
SECTION_3 = [
    ("强化空间拓展", "县科技局", ["县经信局", "县财政局〈国资办〉", "县自然资源和规划局"]),
    ("强化能级提升", "县科技局", ["县各产业链牵头部门"]),
    ("强化创新赋能", "县科技局", ["在平科创平台"]),
    ("强化市场主导", "县科技局", ["县经信局", "县自然资源和规划局"]),
    ("强化场景统筹", "县投资促进服务中心", ["县经信局"]),
    ("强化成果落地", "县投资促进服务中心", []),
    ("强化赛展促孵", "县科技局", ["县金融工作服务中心", "县科协"]),
    (
        "强化“双招双引”",
        "县投资促进服务中心",
        ["县委组织部〈人才办〉", "县科技局", "县财政局〈国资办〉", "县人力社保局"],
    ),
    ("强化氛围营造", "县委宣传部", ["县科技局", "县科协"]),
]


def measures(plan: Plan) -> list[Measure]:
    return list(plan.measures.order_by("order").prefetch_related("roles__department"))


def test_every_measure_of_the_plan_is_in_the_fixture_with_its_departments(plan):
    stored = measures(plan)
    assert [(m.section, m.number) for m in stored] == [("二", n) for n in range(1, 10)] + [
        ("三", n) for n in range(1, 10)
    ]
    section_2 = [(m.title, m.involves_regions) for m in stored[:9]]
    assert section_2 == SECTION_2
    assert all(m.lead is None and m.cooperating == [] for m in stored[:9])
    section_3 = [(m.title, m.lead.name, [d.name for d in m.cooperating]) for m in stored[9:]]
    assert section_3 == SECTION_3
    # "以下任务均涉及各乡镇、经开区": every measure of section 三 involves the townships.
    assert all(m.involves_regions for m in stored[9:])
    assert [m.label for m in stored[9:11]] == ["三(一)", "三(二)"]


def test_measure_texts_are_the_documents_own_words(plan):
    document = SOURCE.read_text(encoding="utf-8")
    for measure in measures(plan):
        assert measure.text and measure.text in document, measure.label
        assert f"({measure.label[2]}){measure.title}。{measure.text}" in document
        assert "(县" not in measure.text  # the departments are data, not text


def test_the_finance_bureau_is_one_department_under_both_names(plan):
    finance = Department.objects.get(plan=plan, name="县财政局〈国资办〉")
    assert finance.alias_list == ["县财政局"]
    assert sorted(m.title for m in finance.measures.all()) == ["强化“双招双引”", "强化空间拓展"]
    assert plan.departments.count() == 12


# ---------------------------------------------------------------- the workbook


@pytest.fixture
def exported(plan, tmp_path):
    measure = plan.measures.get(section="三", number=1)
    WorkItem.objects.create(
        measure=measure,
        year=2026,
        title="出台低效工业用地整治提升实施方案",
        due_date=datetime.date(2026, 6, 30),
        done_on=datetime.date(2026, 6, 12),
    )
    WorkItem.objects.create(
        measure=measure, year=2027, title="新建孵化器用地保障", due_date=datetime.date(2027, 3, 31)
    )
    return export(plan, tmp_path / "plan.xlsx")


def snapshot(plan: Plan):
    return (
        [(d.code, d.name, d.aliases, d.order) for d in plan.departments.order_by("order")],
        [
            (
                m.section,
                m.number,
                m.title,
                m.text,
                m.involves_regions,
                [r.department.code for r in m._ranked()],
            )
            for m in measures(plan)
        ],
        sorted(
            WorkItem.objects.filter(measure__plan=plan).values_list(
                "measure__section", "measure__number", "year", "title", "due_date", "done_on"
            )
        ),
    )


def test_measures_round_trip_through_the_plan_workbook(plan, exported):
    before = snapshot(plan)
    book = openpyxl.load_workbook(exported)
    assert book["任务"]["D11"].value == "强化空间拓展"
    assert book["任务"]["F11"].value == "县科技局"
    assert book["任务"]["G11"].value == "县经信局、县财政局〈国资办〉、县自然资源和规划局"
    make_room(plan)

    again = import_plan(exported)

    assert snapshot(again) == before
    assert len(before[2]) == 2


def test_an_old_workbook_without_the_measure_sheets_still_loads(plan, exported):
    book = openpyxl.load_workbook(exported)
    for name in ("部门", "任务", "工作事项"):
        book.remove(book[name])
    book.save(exported)
    make_room(plan)

    again = import_plan(exported)

    assert again.indicators.count() == 6
    assert not again.departments.exists() and not again.measures.exists()


def test_a_measure_may_name_a_department_by_its_alias(plan, exported):
    book = openpyxl.load_workbook(exported)
    book["任务"]["G18"] = "县委组织部〈人才办〉、县科技局、县财政局、县人力社保局"
    book.save(exported)
    make_room(plan)

    again = import_plan(exported)

    measure = again.measures.get(section="三", number=8)
    assert "县财政局〈国资办〉" in [d.name for d in measure.cooperating]


BAD = {
    "unknown department": (
        "任务",
        "G11",
        "县经信局、县发改局",
        ["工作表“任务”第11行G列(配合部门)", "部门“县发改局”不在工作表“部门”中"],
    ),
    "two leads": (
        "任务",
        "F12",
        "县科技局、县经信局",
        ["工作表“任务”第12行F列(牵头部门)", "牵头部门只能填一个"],
    ),
    "duplicate measure": (
        "任务",
        "C12",
        1,
        ["工作表“任务”第12行C列(编号)", "任务“三(一)”重复(已在第11行)"],
    ),
    "bad number": ("任务", "C12", "甲", ["工作表“任务”第12行C列(编号)", "编号应为"]),
    "a number of more digits than int() converts": (
        "任务",
        "C12",
        "1" * 5000,
        ["工作表“任务”第12行C列(编号)", "编号应为", "而不是“1111", "…”"],
    ),
    "a year of more digits than int() converts": (
        "工作事项",
        "D2",
        "2" * 5000,
        ["工作表“工作事项”第2行D列(年份)", "应为 2000 到 2100 之间的整数"],
    ),
    "duplicate department name": (
        "部门",
        "C3",
        "县科技局",
        ["工作表“部门”第3行C列(部门名称)", "部门名称“县科技局”重复"],
    ),
    "bad due date": (
        "工作事项",
        "F2",
        "六月底",
        ["工作表“工作事项”第2行F列(完成时限)", "应为日期"],
    ),
    "a time of day for a due date": (
        "工作事项",
        "F2",
        datetime.time(12, 0),
        ["工作表“工作事项”第2行F列(完成时限)", "单元格不是有效日期", "如 2025-03-31"],
    ),
    "work item of an unknown measure": (
        "工作事项",
        "C2",
        12,
        ["工作表“工作事项”第2行C列(编号)", "任务“三(十二)”不在工作表“任务”中"],
    ),
    "work item outside the plan's years": (
        "工作事项",
        "D2",
        2030,
        ["工作表“工作事项”第2行D列(年份)", "2030年不在计划期"],
    ),
}


@pytest.mark.parametrize("mistake", BAD)
def test_a_bad_measure_row_is_refused_naming_the_cell_and_nothing_is_written(
    plan, exported, mistake
):
    sheet, ref, value, expected = BAD[mistake]
    mutate(exported, set_cell(sheet, ref, value))

    text = "\n".join(refused(exported, plan))  # and nothing written

    for fragment in expected:
        assert fragment in text, text


def test_another_plans_departments_and_measures_load_from_its_workbook(db, tmp_path):
    from targets.excel.format import (
        DepartmentSpec,
        IndicatorSpec,
        MeasureSpec,
        PlanSpec,
        RegionSpec,
        TargetSpec,
        WorkItemSpec,
    )
    from targets.excel.writing import write_plan_workbook

    spec = PlanSpec(
        name="某市科创走廊三年行动方案(2028—2030年)",
        first_year=2028,
        last_year=2030,
        county_name="全市",
        region_term="区县",
        indicators=(IndicatorSpec("rd", "研发投入", unit="亿元", decimal_places=1, order=1),),
        regions=(RegionSpec("east", "东区", 1), RegionSpec("west", "西区", 2)),
        targets=(
            TargetSpec("rd", None, 2028, 10),
            TargetSpec("rd", "east", 2028, 6),
            TargetSpec("rd", "west", 2028, 4),
        ),
        departments=(
            DepartmentSpec("fgw", "市发改委", order=1),
            DepartmentSpec("kjj", "市科技局", ("科技局",), order=2),
        ),
        measures=(
            MeasureSpec("一", 1, "打造创新走廊", "沿江布局……", ("kjj", "fgw"), True, 1),
            MeasureSpec("一", 2, "完善政策体系", "", ("fgw",), False, 2),
        ),
        work_items=(WorkItemSpec("一", 1, 2029, "编制走廊规划", datetime.date(2029, 6, 30)),),
    )
    path = tmp_path / "other.xlsx"
    write_plan_workbook(spec, path)

    other = import_plan(path)

    corridor = other.measures.get(section="一", number=1)
    assert corridor.label == "一(一)" and corridor.involves_regions
    assert corridor.lead.name == "市科技局"
    assert [d.name for d in corridor.cooperating] == ["市发改委"]
    assert corridor.work_items.get().due_date == datetime.date(2029, 6, 30)
    assert not other.measures.get(number=2).involves_regions
