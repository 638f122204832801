"""The plan workbook's evaluation sheets (评估指标, 评估规则): another county
declares its own criteria, weights and thresholds; they round-trip; a bad
cell is refused naming it, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from targets.models import EvaluationThresholds
from targets.services import import_plan, plan_as_spec
from tests.targets.workbooks import export, make_room, mutate, refused, set_cell


@pytest.fixture
def exported(plan, tmp_path):
    revenue = plan.evaluation_criteria.get(metric="revenue")
    revenue.weight, revenue.full_marks_at = Decimal("2.5"), Decimal("5000")
    revenue.save()
    EvaluationThresholds.objects.create(
        plan=plan, recommend_min_score=80, recommend_top=2, rectify_below=60, delist_below=40
    )
    return export(plan, tmp_path / "pingyang.xlsx")


def rows(path, title):
    return [list(row) for row in openpyxl.load_workbook(path)[title].iter_rows(values_only=True)]


def test_export_writes_the_criteria_and_thresholds_in_words(exported):
    criteria = rows(exported, "评估指标")
    assert criteria[0] == ["序号", "代码", "评估指标", "取数口径", "权重", "满分值"]
    assert criteria[1][1:4] == ["occupancy", "空间入驻率", "空间入驻率"]
    assert next(r for r in criteria if r[1] == "revenue")[3:] == ["营业收入", 2.5, 5000]
    assert rows(exported, "评估规则")[1:] == [
        ["择优申报最低分", 80],
        ["每类择优申报名额", 2],
        ["限期整改分数线", 60],
        ["摘牌分数线", 40],
    ]


def test_the_evaluation_round_trips(plan, exported):
    before = plan_as_spec(plan)
    assert len(before.evaluation_criteria) == 6
    make_room(plan)
    after = plan_as_spec(import_plan(exported))
    assert after.evaluation_criteria == before.evaluation_criteria
    assert after.evaluation_thresholds == before.evaluation_thresholds


def test_a_workbook_without_the_sheets_loads_with_no_evaluation(plan, exported):
    book = openpyxl.load_workbook(exported)
    book.remove(book["评估指标"])
    book.remove(book["评估规则"])
    book.save(exported)
    make_room(plan)
    imported = import_plan(exported)
    assert not imported.evaluation_criteria.exists()
    assert not EvaluationThresholds.objects.filter(plan=imported).exists()


BAD = {
    "unknown metric": ("评估指标", "D2", "客流量", "第2行", "应填"),
    "metric twice": ("评估指标", "D3", "空间入驻率", "第3行", "重复"),
    "negative weight": ("评估指标", "E2", -1, "第2行", "负数"),
    "zero full marks": ("评估指标", "F2", 0, "第2行", "满分值须大于 0"),
    "score above 100": ("评估规则", "B2", 120, "第2行", "不能超过 100"),
    "unknown threshold": ("评估规则", "A2", "优秀线", "第2行", "无法识别"),
    "delist above rectify": ("评估规则", "B5", 70, "评估规则", "不能高于限期整改分数线"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_cell_is_refused_naming_it_and_nothing_is_written(plan, exported, case):
    sheet, ref, value, where, words = BAD[case]
    mutate(exported, set_cell(sheet, ref, value))
    messages = refused(exported, plan)  # and nothing written
    assert any(f"工作表“{sheet}”" in m and where in m and words in m for m in messages), messages
