"""The plan workbook's 目标要求 sheet: the plan's headline goals, one a row.

Optional: a workbook without the sheet loads with no goals. Every bad cell is
reported with its sheet, row and column, and nothing is imported then.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _

from targets.choices import MAX_DECIMAL_PLACES, GoalKind
from targets.excel.cells import BadCell, Problems, amount, integer, name_text, slug, text, unique
from targets.excel.format import (
    GOAL_COLUMNS,
    GOAL_KIND_READ,
    GOAL_KIND_WORDS,
    SHEET_INDICATORS,
    GoalSpec,
    IndicatorSpec,
)
from targets.excel.grid import SheetGrid
from targets.excel.list_sheets import _fields, _records
from targets.excel.values import normalize

# Kinds an annex indicator may measure; the others always have their own series.
LINKABLE = (GoalKind.CUMULATIVE, GoalKind.ANNUAL_FLOOR)


def goal_kind(value: object) -> str:
    word = normalize(text(value, 20))
    if word not in GOAL_KIND_READ:
        known = "、".join(GOAL_KIND_WORDS.values())
        raise BadCell(_("应填%(known)s之一,而不是“%(value)s”") % {"known": known, "value": word})
    return GOAL_KIND_READ[word]


def _number(value: object, places: int, *, required: bool = False):
    number = amount(value, places)
    if number is None and required:
        raise BadCell(_("不能为空"))
    return number


def read_goals(
    sheet: SheetGrid | None, indicators: list[IndicatorSpec], problems: Problems
) -> list[GoalSpec]:
    if sheet is None:
        return []
    by_code = {i.code: i for i in indicators}
    places = {
        "小数位数": lambda v: 0 if v in (None, "") else integer(v, 0, MAX_DECIMAL_PLACES),
    }
    converters = {
        "代码": slug,
        "出处": lambda v: text(v, 20, required=False),
        "目标表述": lambda v: text(v, 300),
        "类型": goal_kind,
        "关联指标": lambda v: text(v, 40, required=False),
        "单位": lambda v: name_text(v, 20, required=False),
    }
    goals, codes = [], {}
    required = ("目标表述", "代码", "类型", "目标值")
    for row, record in _records(sheet, GOAL_COLUMNS, required, problems):
        found = _fields(record, {**places, **converters}, problems)
        if found is None:
            problems.refuse_row(record)
            continue
        numbers = _fields(
            record,
            {
                "目标值": partial(_number, places=found["小数位数"], required=True),
                "高线": partial(_number, places=found["小数位数"]),
                "基数": partial(_number, places=found["小数位数"]),
            },
            problems,
        )
        if numbers is None:
            problems.refuse_row(record)
            continue
        kind, link = found["类型"], found["关联指标"] or None
        ok = True
        if link is not None and link not in by_code:
            if not problems.was_refused(SHEET_INDICATORS, link):  # else said at its row
                message = _("工作表“指标”中没有代码“%(code)s”")
                problems.add(record["关联指标"][1], message, code=link)
            ok = False
        elif link is not None and kind not in LINKABLE:
            problems.add(record["关联指标"][1], _("只有累计和每年目标可以关联指标"))
            ok = False
        elif link is None and kind == GoalKind.CUMULATIVE:
            problems.add(record["类型"][1], _("累计目标须填“关联指标”(按该指标的填报数累计)"))
            ok = False
        if numbers["高线"] is not None and numbers["高线"] < numbers["目标值"]:
            problems.add(record["高线"][1], _("高线不能低于目标值"))
            ok = False
        if numbers["基数"] is not None and kind != GoalKind.STOCK:
            problems.add(record["基数"][1], _("只有存量目标有基数"))
            ok = False
        if not ok:
            problems.refuse_row(record)
        if not unique(codes, found["代码"], _("代码"), row, record["代码"][1], problems) or not ok:
            continue
        goals.append(
            GoalSpec(
                code=found["代码"],
                text=found["目标表述"],
                kind=kind,
                value=numbers["目标值"],
                stretch_value=numbers["高线"],
                indicator_code=link,
                base_value=numbers["基数"],
                unit=found["单位"],
                decimal_places=found["小数位数"],
                section=found["出处"],
                order=len(goals) + 1,
            )
        )
    return goals


def goal_rows(goals: tuple[GoalSpec, ...]) -> list[list[object]]:
    """The sheet's rows, header first, as ``read_goals`` reads them."""
    rows: list[list[object]] = [list(GOAL_COLUMNS)]
    for n, g in enumerate(goals, start=1):
        rows.append(
            [
                n,
                g.code,
                g.section,
                g.text,
                GOAL_KIND_WORDS[g.kind],
                g.value,
                g.stretch_value,
                g.indicator_code or "",
                g.base_value,
                g.unit,
                g.decimal_places,
            ]
        )
    return rows


GOAL_WIDTHS = [6, 18, 10, 60, 8, 10, 10, 18, 10, 10, 10]
