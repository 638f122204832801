"""Write the plan's plain data as the workbook ``targets.excel.reading`` reads."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from regions.text import xml_safe
from targets.excel.evaluation_sheets import (
    CRITERION_WIDTHS,
    THRESHOLD_WIDTHS,
    criterion_rows,
    threshold_rows,
)
from targets.excel.format import (
    DEPARTMENT_COLUMNS,
    INDICATOR_COLUMNS,
    MEASURE_COLUMNS,
    PACING_WORDS,
    PLAN_KEYS,
    REGION_COLUMNS,
    SHEET_ANNEX1,
    SHEET_ANNEX2,
    SHEET_CRITERIA,
    SHEET_DEPARTMENTS,
    SHEET_GOALS,
    SHEET_INDICATORS,
    SHEET_MEASURES,
    SHEET_PLAN,
    SHEET_REGIONS,
    SHEET_THRESHOLDS,
    SHEET_WORK_ITEMS,
    WORK_ITEM_COLUMNS,
    PlanSpec,
    TargetSpec,
    label_of,
    slot_header,
)
from targets.excel.goal_sheet import GOAL_WIDTHS, goal_rows
from targets.excel.ledger_sheets import LEDGER_WIDTHS, ledger_rows

# ---------------------------------------------------------------- writing

BOLD, CENTER = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_plan_workbook(plan: PlanSpec, destination: str | Path | BinaryIO) -> None:
    """Write ``plan`` in the layout ``read_plan_workbook`` reads."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_PLAN
    values = (
        plan.name,
        plan.document_number,
        plan.county_name,
        plan.first_year,
        plan.last_year,
        plan.region_term,
        plan.bureau_name,
    )
    _table(sheet, [["项目", "内容"], *map(list, zip(PLAN_KEYS, values, strict=True))], [14, 60])
    rows = [list(INDICATOR_COLUMNS)]
    for n, i in enumerate(plan.indicators, start=1):
        yes = "是" if i.by_region else "否"
        pacing = PACING_WORDS[i.pacing]
        rows.append([n, i.code, i.name, i.alt_name, i.unit, i.decimal_places, yes, pacing])
    _table(book.create_sheet(SHEET_INDICATORS), rows, [6, 18, 30, 30, 10, 10, 12, 10])
    rows = [list(REGION_COLUMNS)] + [[n, r.code, r.name] for n, r in enumerate(plan.regions, 1)]
    _table(book.create_sheet(SHEET_REGIONS), rows, [6, 18, 20])
    found = {(t.indicator_code, t.region_code, t.year): t for t in plan.targets}
    _write_annex1(book.create_sheet(SHEET_ANNEX1), plan, found)
    _write_annex2(book.create_sheet(SHEET_ANNEX2), plan, found)
    if plan.goals:  # a plan without headline goals writes the workbook it always did
        _table(book.create_sheet(SHEET_GOALS), goal_rows(plan.goals), GOAL_WIDTHS)
    for title, rows in ledger_rows(plan).items():  # only what the plan declares
        _table(book.create_sheet(title), rows, LEDGER_WIDTHS[title])
    if plan.evaluation_criteria:
        rows = criterion_rows(plan.evaluation_criteria)
        _table(book.create_sheet(SHEET_CRITERIA), rows, CRITERION_WIDTHS)
    if plan.evaluation_thresholds is not None:
        rows = threshold_rows(plan.evaluation_thresholds)
        _table(book.create_sheet(SHEET_THRESHOLDS), rows, THRESHOLD_WIDTHS)
    _write_measure_sheets(book, plan)
    book.save(destination)


def _write_measure_sheets(book, plan: PlanSpec) -> None:
    rows = [list(DEPARTMENT_COLUMNS)] + [
        [n, d.code, d.name, "、".join(d.aliases)] for n, d in enumerate(plan.departments, 1)
    ]
    _table(book.create_sheet(SHEET_DEPARTMENTS), rows, [6, 18, 28, 28])
    names = {d.code: d.name for d in plan.departments}
    rows = [list(MEASURE_COLUMNS)]
    for n, m in enumerate(plan.measures, 1):
        lead = names[m.departments[0]] if m.departments else ""
        others = "、".join(names[c] for c in m.departments[1:])
        involved = "是" if m.involves_regions else "否"
        rows.append([n, m.section, m.number, m.title, m.text, lead, others, involved])
    _table(book.create_sheet(SHEET_MEASURES), rows, [6, 6, 6, 20, 60, 20, 40, 10])
    rows = [list(WORK_ITEM_COLUMNS)]
    for n, w in enumerate(plan.work_items, 1):
        rows.append([n, w.section, w.number, w.year, w.title, w.due_date, w.done_on])
    sheet = book.create_sheet(SHEET_WORK_ITEMS)
    _table(sheet, rows, [6, 6, 6, 8, 50, 14, 14])
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"


def _put(sheet, row: int, column: int, value: object, *, header: bool = False) -> None:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell = sheet.cell(row=row, column=column, value=xml_safe(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a live formula
    if header:
        cell.font, cell.alignment = BOLD, CENTER


def _table(sheet, rows: list[list[object]], widths: list[int]) -> None:
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value, header=r == 1)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width


def _merge(sheet, row: int, column: int, value: str, *, rows: int = 1, columns: int = 1) -> None:
    _put(sheet, row, column, value, header=True)
    if rows > 1 or columns > 1:
        sheet.merge_cells(
            start_row=row,
            start_column=column,
            end_row=row + rows - 1,
            end_column=column + columns - 1,
        )


def _slots(plan: PlanSpec, targets: list[TargetSpec], totals: bool) -> list[tuple]:
    """Year columns always; stretch and total columns only when some target has one."""
    stretched = {t.year for t in targets if t.stretch_value is not None}
    slots = [(year, False) for year in plan.years]
    slots += [(year, True) for year in plan.years if year in stretched]
    if totals or any(t.year is None for t in targets):
        slots.append((None, False))
    if None in stretched:
        slots.append((None, True))
    return slots


def _slot_value(target: TargetSpec | None, stretch: bool) -> Decimal | None:
    if target is None:
        return None
    return target.stretch_value if stretch else target.value


def _write_annex1(sheet, plan: PlanSpec, found: dict) -> None:
    slots = _slots(plan, [t for t in plan.targets if t.region_code is None], totals=True)
    title = f"附件1 建设任务指标({plan.first_year}—{plan.last_year}年)"
    _merge(sheet, 1, 1, title, columns=2 + len(slots))
    for c, value in enumerate(["序号", "指标名称"] + [slot_header(*s) for s in slots], start=1):
        _put(sheet, 2, c, value, header=True)
    for r, indicator in enumerate(plan.indicators, start=3):
        _put(sheet, r, 1, r - 2)
        _put(sheet, r, 2, label_of(indicator.name, indicator.unit))
        for c, (year, stretch) in enumerate(slots, start=3):
            _put(sheet, r, c, _slot_value(found.get((indicator.code, None, year)), stretch))
    sheet.column_dimensions["B"].width = 36
    sheet.freeze_panes = "C3"


def _write_annex2(sheet, plan: PlanSpec, found: dict) -> None:
    broken_down = [i for i in plan.indicators if i.by_region]
    slots = _slots(plan, [t for t in plan.targets if t.region_code], totals=False)
    slots, count = (slots if broken_down else []), len(broken_down)
    title = f"附件2 建设任务分解表({plan.first_year}—{plan.last_year}年)"
    _merge(sheet, 1, 1, title, columns=1 + len(slots) * count)
    _merge(sheet, 2, 1, "区域", rows=2)
    for s, slot in enumerate(slots):
        _merge(sheet, 2, 2 + s * count, slot_header(*slot, annex2=True), columns=count)
        for k, indicator in enumerate(broken_down):
            label = label_of(indicator.alt_name or indicator.name, indicator.unit)
            _put(sheet, 3, 2 + s * count + k, label, header=True)
    places = [(r.code, r.name) for r in plan.regions] + [(None, plan.county_name)]
    for r, (region_code, name) in enumerate(places, start=4):
        _put(sheet, r, 1, name, header=region_code is None)
        for s, (year, stretch) in enumerate(slots):
            for k, indicator in enumerate(broken_down):
                target = found.get((indicator.code, region_code, year))
                _put(sheet, r, 2 + s * count + k, _slot_value(target, stretch))
    sheet.column_dimensions["A"].width = 12
    sheet.freeze_panes = "B4"
