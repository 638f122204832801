"""The plan workbook's measure sheets: 部门 (departments), 任务 (measures, each
with its lead and co-operating departments) and 工作事项 (yearly work items).

All three are optional: a workbook written before they existed loads with no
departments and no measures. Departments are named in 任务 by name or by one of
their aliases; a measure is named in 工作事项 by its section and number.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils.translation import gettext as _

from targets.choices import chinese_numeral
from targets.excel.cells import (
    BadCell,
    Problems,
    _plain,
    integer,
    name_text,
    slug,
    text,
    unique,
    yes_no,
)
from targets.excel.format import (
    DEPARTMENT_COLUMNS,
    MEASURE_COLUMNS,
    SHEET_DEPARTMENTS,
    SHEET_MEASURES,
    SHEET_WORK_ITEMS,
    WORK_ITEM_COLUMNS,
    DepartmentSpec,
    MeasureSpec,
    PlanSpec,
    WorkItemSpec,
)
from targets.excel.grid import SheetGrid
from targets.excel.list_sheets import _fields, _records
from targets.excel.values import describe_non_date, normalize
from targets.parsing import ascii_whole, quoted_text

BRACKETS = re.compile(r"[()()]")
NAME_SEPARATORS = re.compile(r"[、,,;;\n]+")
DATE_RE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")


def number(value: object) -> int:
    """编号: 1, "1", "一", "(一)" or "(九)" → 1 … 9."""
    word = BRACKETS.sub("", normalize(_plain(value)))
    if (written := ascii_whole(word, 1, 99)) is not None:
        return written
    for n in range(1, 100):
        if chinese_numeral(n) == word:
            return n
    raise BadCell(_("编号应为 1、2… 或 一、二…,而不是“%(value)s”") % {"value": quoted_text(word)})


def section(value: object) -> str:
    word = BRACKETS.sub("", text(value, 10))
    if not word:
        raise BadCell(_("不能为空"))
    return word


def day(value: object, *, required: bool = True) -> date | None:
    """A date cell, or a text like 2026-06-30, 2026/6/30 or 2026年6月30日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is not None and (problem := describe_non_date(value)):
        raise BadCell(problem)
    word = normalize(_plain(value))
    if word == "":
        if required:
            raise BadCell(_("不能为空"))
        return None
    if match := DATE_RE.fullmatch(word):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise BadCell(_("应为日期,例如 2026-06-30,而不是“%(value)s”") % {"value": word})


def names(value: object) -> list[str]:
    """Department names in one cell, separated by 、 , ; or line breaks."""
    return [n.strip() for n in NAME_SEPARATORS.split(text(value, 1000, required=False)) if n]


def read_departments(sheet: SheetGrid, problems: Problems) -> list[DepartmentSpec]:
    converters = {
        "代码": slug,
        "部门名称": lambda v: name_text(v, 100),
        "别名": lambda v: tuple(names(v)),
    }
    departments, codes, labels = [], {}, {}
    for row, record in _records(sheet, DEPARTMENT_COLUMNS, ("部门名称", "代码"), problems):
        found = _fields(record, converters, problems)
        if found is None:
            if name := normalize(record["部门名称"][0]):
                problems.refuse_row(record, "部门名称", key=name)
            continue
        department = DepartmentSpec(
            found["代码"], found["部门名称"], found["别名"], order=len(departments) + 1
        )
        unique(codes, department.code, _("代码"), row, record["代码"][1], problems)
        loc = record["部门名称"][1]
        for label in (department.name, *department.aliases):
            unique(labels, normalize(label), _("部门名称"), row, loc, problems)
        departments.append(department)
    return departments


def _measure_key(record: dict) -> tuple | None:
    """A refused measure row's (部分, 编号), when both read."""
    try:
        return section(record["部分"][0]), number(record["编号"][0])
    except (BadCell, KeyError):
        return None


def department_codes(departments: list[DepartmentSpec]) -> dict[str, str]:
    """Every normalized name and alias → the department's code."""
    return {normalize(label): d.code for d in departments for label in (d.name, *d.aliases)}


def read_measures(
    sheet: SheetGrid, departments: list[DepartmentSpec], problems: Problems
) -> list[MeasureSpec]:
    converters = {
        "部分": section,
        "编号": number,
        "标题": lambda v: name_text(v, 100),
        "内容": lambda v: text(v, 5000, required=False),
        "牵头部门": lambda v: names(v),
        "配合部门": names,
        "涉及区域": lambda v: False if normalize(_plain(v)) == "" else yes_no(v),
    }
    known = department_codes(departments)
    measures, keys = [], {}
    required = ("标题", "部分", "编号")
    for row, record in _records(sheet, MEASURE_COLUMNS, required, problems):
        found = _fields(record, converters, problems)
        if found is None:
            if key := _measure_key(record):
                problems.refuse_row(record, "编号", key=key)
            continue
        codes, ok = [], True
        for column in ("牵头部门", "配合部门"):
            if column == "牵头部门" and len(found[column]) > 1:
                problems.add(record[column][1], _("牵头部门只能填一个"))
                ok = False
            for name in found[column]:
                code = known.get(normalize(name))
                if code is None:
                    if not problems.was_refused(SHEET_DEPARTMENTS, normalize(name)):
                        message = _("部门“%(name)s”不在工作表“%(sheet)s”中")
                        problems.add(record[column][1], message, name=name, sheet=SHEET_DEPARTMENTS)
                    ok = False
                elif code in codes:
                    problems.add(record[column][1], _("部门“%(name)s”重复"), name=name)
                    ok = False
                else:
                    codes.append(code)
        if found["配合部门"] and not found["牵头部门"]:
            problems.add(record["配合部门"][1], _("有配合部门时必须填写牵头部门"))
            ok = False
        key = (found["部分"], found["编号"])
        label = f"{key[0]}({chinese_numeral(key[1])})"
        unique(keys, label, _("任务"), row, record["编号"][1], problems)
        if not ok:
            problems.refuse_row(record, "编号", key=key)
        if ok:
            measures.append(
                MeasureSpec(
                    section=found["部分"],
                    number=found["编号"],
                    title=found["标题"],
                    text=found["内容"],
                    departments=tuple(codes),
                    involves_regions=found["涉及区域"],
                    order=len(measures) + 1,
                )
            )
    return measures


def read_work_items(
    sheet: SheetGrid, plan: PlanSpec | None, measures: list[MeasureSpec], problems: Problems
) -> list[WorkItemSpec]:
    converters = {
        "部分": section,
        "编号": number,
        "年份": lambda v: integer(v, 2000, 2100),
        "事项": lambda v: text(v, 300),
        "完成时限": day,
        "完成日期": lambda v: day(v, required=False),
    }
    known = {(m.section, m.number) for m in measures}
    items = []
    for _row, record in _records(sheet, WORK_ITEM_COLUMNS, ("事项", "部分", "编号"), problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        key = (found["部分"], found["编号"])
        if key not in known and problems.was_refused(SHEET_MEASURES, key):
            continue  # its measure's row was refused, and said why
        if key not in known:
            label = f"{key[0]}({chinese_numeral(key[1])})"
            message = _("任务“%(label)s”不在工作表“%(sheet)s”中")
            problems.add(record["编号"][1], message, label=label, sheet=SHEET_MEASURES)
            continue
        if plan is not None and not plan.first_year <= found["年份"] <= plan.last_year:
            message = _("%(year)d年不在计划期(%(first)d—%(last)d年)内")
            problems.add(
                record["年份"][1],
                message,
                year=found["年份"],
                first=plan.first_year,
                last=plan.last_year,
            )
            continue
        items.append(
            WorkItemSpec(
                section=key[0],
                number=key[1],
                year=found["年份"],
                title=found["事项"],
                due_date=found["完成时限"],
                done_on=found["完成日期"],
            )
        )
    return items


def read_measure_sheets(grids: dict[str, SheetGrid], plan, problems: Problems) -> tuple:
    """(departments, measures, work items) from the optional sheets; empty when absent."""
    departments = (
        read_departments(grids[SHEET_DEPARTMENTS], problems) if SHEET_DEPARTMENTS in grids else []
    )
    measures = []
    if SHEET_MEASURES in grids:
        measures = read_measures(grids[SHEET_MEASURES], departments, problems)
    items = []
    if SHEET_WORK_ITEMS in grids:
        items = read_work_items(grids[SHEET_WORK_ITEMS], plan, measures, problems)
    return departments, measures, items
