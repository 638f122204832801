"""Writing the quarterly figures template (docs/figures-template.md).

Plain data in, ``.xlsx`` bytes out; ``reports.figures.imports.template_for`` gathers
the data. The template is what ``reports.excel.reading`` reads back: the
sheet ``填报`` (regions × indicators, prefilled) and the sheet ``说明``
(instructions and the machine-readable metadata that decide the plan, quarter
and mode on upload). Headers and labels are locked, value cells unlocked and
validated, cells that must stay empty are grey.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from regions.text import xml_safe
from reports.excel.figures_format import (
    MODE_WORDS,
    REGION_HEADER,
    SHEET_INFO,
    SHEET_TEMPLATE,
    TEMPLATE_KIND,
    PlanShape,
    ValueMode,
)
from reports.progress import Period

HEADER_ROW = 3
TITLE_FONT, BOLD = Font(bold=True, size=14), Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
GREY = PatternFill("solid", fgColor="D9D9D9")
INPUT = PatternFill("solid", fgColor="FFF9E5")
UNLOCKED = Protection(locked=False)

# (indicator id, region id or None for the county) → the value to prefill.
CellValues = dict[tuple[int, int | None], Decimal]


def build_template(
    shape: PlanShape,
    period: Period,
    mode: ValueMode,
    values: CellValues,
    generated_at: datetime,
) -> bytes:
    """The template for ``period`` in ``mode``, prefilled with ``values``."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TEMPLATE
    _write_entry_sheet(sheet, shape, period, mode, values)
    _write_info_sheet(book.create_sheet(SHEET_INFO), shape, period, mode, generated_at)
    # Sheets can be neither renamed, added nor removed: the import finds them by name.
    book.security = WorkbookProtection(lockStructure=True)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def mode_explanation(mode: ValueMode) -> str:
    if mode == ValueMode.YTD:
        return _(
            "本表数字为年度累计数(本年第1季度初至本季度末的合计);"
            "导入时减去本年此前各季度已报的数,换算为本季度新增数。"
        )
    return _("本表数字为本季度新增数(不是累计数)。")


def _text(sheet, row: int, column: int, value: str, *, font=None, alignment=None):
    cell = sheet.cell(row=row, column=column, value=xml_safe(value))
    cell.data_type = "s"  # text, never a formula, whatever it starts with
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    return cell


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _write_entry_sheet(sheet, shape: PlanShape, period: Period, mode: ValueMode, values) -> None:
    last_column = 1 + len(shape.indicators)
    title = f"{shape.plan_name} · {period.label} · {MODE_WORDS[mode]}"
    _text(sheet, 1, 1, title, font=TITLE_FONT)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(last_column, 2))
    guidance = mode_explanation(mode) + _(
        "黄色单元格可填写,灰色单元格不填;留空表示没有数据(会清除系统中已有的数)。"
        "请勿修改表头、区域名称和工作表名称。"
    )
    _text(sheet, 2, 1, guidance, alignment=WRAP)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(last_column, 2))
    sheet.row_dimensions[2].height = 45

    _text(sheet, HEADER_ROW, 1, REGION_HEADER, font=BOLD, alignment=CENTER)
    for column, indicator in enumerate(shape.indicators, start=2):
        _text(sheet, HEADER_ROW, column, indicator.label, font=BOLD, alignment=CENTER)
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.column_dimensions["A"].width = 16
    sheet.row_dimensions[HEADER_ROW].height = 48

    places = [(region.pk, region.name) for region in shape.regions]
    if _has_county_row(shape):
        places.append((None, shape.county_name))
    first_row = HEADER_ROW + 1
    for row, (region_id, name) in enumerate(places, start=first_row):
        _text(sheet, row, 1, name, font=BOLD if region_id is None else None)
        for column, indicator in enumerate(shape.indicators, start=2):
            cell = sheet.cell(row=row, column=column)
            if indicator.by_region == (region_id is None):
                cell.fill = GREY  # locked (the default) and left empty
                continue
            cell.value = _number(values.get((indicator.pk, region_id)))
            cell.protection, cell.fill = UNLOCKED, INPUT
    _add_validation(sheet, shape, places, first_row)
    sheet.freeze_panes = sheet.cell(row=first_row, column=2)
    # Locked cells cannot change; columns and rows may still be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _has_county_row(shape: PlanShape) -> bool:
    return any(not indicator.by_region for indicator in shape.indicators)


def _add_validation(sheet, shape: PlanShape, places, first_row: int) -> None:
    """Excel refuses a negative number, text, or a fraction where only whole
    numbers make sense while typing; the import checks everything again."""
    whole, decimal = _validation("whole"), _validation("decimal")
    for column, indicator in enumerate(shape.indicators, start=2):
        letter = get_column_letter(column)
        rows = [
            row
            for row, (region_id, _name) in enumerate(places, start=first_row)
            if indicator.by_region != (region_id is None)
        ]
        if not rows:
            continue
        target = whole if indicator.decimal_places == 0 else decimal
        target.add(f"{letter}{rows[0]}:{letter}{rows[-1]}")
    for validation in (whole, decimal):
        if validation.sqref:
            sheet.add_data_validation(validation)


def _validation(kind: str) -> DataValidation:
    message = (
        _("请填写不小于 0 的整数,或留空。")
        if kind == "whole"
        else _("请填写不小于 0 的数字,或留空。")
    )
    return DataValidation(
        type=kind,
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("数值无效"),
        error=message,
        showInputMessage=True,
        promptTitle=_("填写数值"),
        prompt=message,
    )


def _write_info_sheet(sheet, shape: PlanShape, period: Period, mode: ValueMode, generated_at):
    lines = [
        _("填写说明"),
        _("1. 在工作表“填报”中,每行是一个区域,每列是一个指标(括号内为单位)。"),
        _("2. %(mode)s") % {"mode": mode_explanation(mode)},
        _(
            "3. 只填黄色单元格,灰色单元格不填:按%(region)s分解的指标不填%(county)s行"
            "(%(county)s数为各%(region)s之和),仅%(county)s的指标只填%(county)s行。"
        )
        % {"county": shape.county_name, "region": shape.region_term}
        if _has_county_row(shape)
        # One region's template (a township official's): no county row.
        else _("3. 只填黄色单元格。"),
        _(
            "4. 已预先填入系统中的现有数;改动的单元格导入后生效,未改动的保持不变。"
            "留空表示没有数据,会清除系统中已有的数。"
        ),
        _(
            "5. 不要修改表头、区域名称、工作表名称和下方的“模板信息”:"
            "系统凭它们识别计划、季度和口径。"
        ),
        _("6. 上传后会先列出每一处修改(原值 → 新值)供核对,确认后才写入;任何单元格有误则都不写入。"),
    ]
    for row, line in enumerate(lines, start=1):
        _text(sheet, row, 1, line, font=TITLE_FONT if row == 1 else None, alignment=WRAP)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 22 if row == 1 else 32
    meta_row = len(lines) + 2
    _text(sheet, meta_row, 1, _("模板信息(请勿修改)"), font=BOLD)
    meta = [
        ("模板", TEMPLATE_KIND),
        ("计划编号", shape.plan_id),
        ("计划名称", shape.plan_name),
        ("年份", period.year),
        ("季度", period.quarter),
        ("填报口径", MODE_WORDS[mode]),
        # In the dashboard's time zone, as every page shows times (the offset
        # kept: the import compares it with when figures changed).
        ("生成时间", timezone.localtime(generated_at).isoformat()),
    ]
    for row, (key, value) in enumerate(meta, start=meta_row + 1):
        _text(sheet, row, 1, key, font=BOLD)
        if isinstance(value, str):
            _text(sheet, row, 2, value)
        else:
            sheet.cell(row=row, column=2, value=value)
    sheet.column_dimensions["A"].width = 14
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 30
    sheet.protection.sheet = True
