"""The plan workbook's ledger sheets (产业, 台账标识, 台账口径): another county
declares its own industries, titles and ledger sources; they round-trip; a
bad row is refused naming its cell, and nothing is written."""

from __future__ import annotations

import openpyxl
import pytest

from targets.services import import_plan, plan_as_spec
from tests.targets.workbooks import export, make_room, refused


@pytest.fixture
def exported(plan, tmp_path):
    plan.industries.create(code="equipment", name="智能装备", order=1)
    plan.industries.create(code="materials", name="新材料", order=2)
    source = plan.ledger_sources.get(indicator__code="enterprises")
    source.derived = True
    source.save()
    return export(plan, tmp_path / "pingyang.xlsx")


def sheet_rows(path, title):
    return [list(row) for row in openpyxl.load_workbook(path)[title].iter_rows(values_only=True)]


def test_export_writes_the_ledger_sheets_in_words(exported):
    assert sheet_rows(exported, "产业")[1:] == [
        [1, "equipment", "智能装备"],
        [2, "materials", "新材料"],
    ]
    flags = sheet_rows(exported, "台账标识")
    assert flags[0] == ["序号", "代码", "名称", "适用对象"]
    assert ["wenzhou-20", "温州“20”孵化器", "孵化载体"] in [row[1:] for row in flags[1:]]
    sources = {(row[1] or row[2]): row for row in sheet_rows(exported, "台账口径")[1:]}
    assert sources["incubators-20"][3:] == [
        "载体新获标识",
        "wenzhou-20、new-quality",
        None,
        None,
        "否",
    ]
    assert sources["carriers"][3:6] == ["新认定载体", None, "市级"]
    assert sources["enterprises"][7] == "是"
    assert sources["provincial-maker-spaces"][3:7] == ["载体存量", None, "省级", "众创空间"]


def test_the_ledger_declarations_round_trip(plan, exported):
    before = plan_as_spec(plan)
    assert len(before.ledger_sources) == 8 and len(before.ledger_flags) == 7
    make_room(plan)
    imported = import_plan(exported)
    after = plan_as_spec(imported)
    assert after.industries == before.industries
    assert after.ledger_flags == before.ledger_flags
    assert after.ledger_sources == before.ledger_sources
    assert imported.ledger_sources.get(indicator__code="enterprises").derived


def test_a_workbook_without_ledger_sheets_still_loads(plan, exported):
    book = openpyxl.load_workbook(exported)
    for title in ("产业", "台账标识", "台账口径"):
        book.remove(book[title])
    book.save(exported)
    make_room(plan)
    imported = import_plan(exported)
    assert not imported.ledger_sources.exists() and not imported.industries.exists()


def source_row(book, code):
    sheet = book["台账口径"]
    return next(
        row[0].row for row in sheet.iter_rows(min_row=2) if code in (row[1].value, row[2].value)
    )


BAD = {
    "unknown indicator": (("B", "nope"), "指标代码", "没有代码“nope”"),
    "unknown rule": (("D", "随便数数"), "口径", "口径应填"),
    "unknown flag": (("E", "wenzhou-20、nope"), "标识", "没有代码“nope”"),
    "enterprise flag on an incubator rule": (("E", "high-tech"), "标识", "与口径不符"),
    "stock rule on an indicator": (("D", "载体存量"), "口径", "不能用“载体存量”口径"),
    "unknown level": (("F", "乡级"), "最低级别", "最低级别应填"),
    "unknown kind": (("G", "写字楼"), "载体类型", "载体类型应填"),
    "not yes or no": (("H", "也许"), "由台账生成", "应填“是”或“否”"),
    "both codes": (("C", "bases"), "口径", "须填且只填一个"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_ledger_source_row_is_refused_naming_its_cell(plan, exported, case):
    (column, value), header, words = BAD[case]
    book = openpyxl.load_workbook(exported)
    row = source_row(book, "incubators-20")
    book["台账口径"][f"{column}{row}"] = value
    book.save(exported)
    messages = refused(exported, plan)
    assert any(
        f"工作表“台账口径”第{row}行" in m and header in m and words in m for m in messages
    ), messages


def test_a_goal_source_must_be_a_stock_goal(plan, exported):
    book = openpyxl.load_workbook(exported)
    book["台账口径"][f"C{source_row(book, 'bases')}"] = "talents"  # a cumulative goal
    book.save(exported)
    assert any("只能是存量目标" in m for m in refused(exported, plan))


def test_a_repeated_industry_or_flag_code_is_refused(plan, exported):
    book = openpyxl.load_workbook(exported)
    book["产业"]["B3"] = "equipment"
    book["台账标识"]["D2"] = "写字楼"
    book.save(exported)
    messages = refused(exported, plan)
    assert any("工作表“产业”第3行" in m and "重复" in m for m in messages), messages
    assert any("工作表“台账标识”第2行" in m and "适用对象" in m for m in messages), messages
