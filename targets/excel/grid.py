"""A plan workbook opened safely, each sheet a grid of values (``SheetGrid``).

The archive is checked (``targets.excel.safety``: size, zip bombs, DTDs) before
openpyxl sees a byte; the sheets are then read with cached values and, when
the check found formula cells, once more with formulas to spot those never
calculated. Nothing is ever evaluated.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from targets.excel.cells import PlanWorkbookError, Problems
from targets.excel.format import OPTIONAL_SHEETS, SHEET_ANNEX2, SHEETS
from targets.excel.safety import UnsafeWorkbookError, XlsxLimits, check_archive, read_capped
from targets.excel.values import (
    UNCACHED_FORMULA,
    Loc,
    merged_ranges_of,
    normalize,
    range_name,
    unreadable_sheet_message,
)

# Untrusted uploads: a real plan workbook is a few dozen kilobytes.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 2000, 1000
LIMITS = XlsxLimits(
    max_bytes=MAX_FILE_BYTES,
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    max_rows=MAX_ROWS,
    max_columns=MAX_COLUMNS,
)
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row, as in the annexes


@dataclass
class SheetGrid:
    """A sheet's values; a formula with no cached value is UNCACHED_FORMULA."""

    title: str
    rows: list[list[object]]
    # Merged cells, (first row, first column, last row, last column): only
    # the first cell of each holds a value, the others read as empty.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def cell(self, row: int, column: int | None) -> object:
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return cells[column - 1] if column and 0 < column <= len(cells) else None

    def row_numbers(self, after: int = 0) -> list[int]:
        """The non-blank rows below row ``after``."""
        return [
            number
            for number, row in enumerate(self.rows[after:], start=after + 1)
            if any(normalize(v) or v is UNCACHED_FORMULA for v in row)
        ]

    def find_row(self, wanted) -> int | None:
        for row in range(1, min(len(self.rows), HEADER_SEARCH_ROWS) + 1):
            if any(wanted(normalize(v)) for v in self.rows[row - 1]):
                return row
        return None

    def refuse_merged_values(self, header: int, problems: Problems) -> None:
        """Merged cells below the header row(s) ending at row ``header``: only
        a merged range's first cell holds its value, so the values under the
        others would be lost (read as blank), or a row would lose its name.
        Each range named; the headers' own merges (a title over the columns,
        a year over its indicators) are fine."""
        for first_row, first_column, last_row, last_column in sorted(self.merged):
            if last_row > header:
                message = _(
                    "单元格 %(cells)s 是合并单元格:合并后只有第一格保留数值,其余各格会读作空白;"
                    "请取消合并、逐格填写后重新导入"
                )
                where = range_name(first_row, first_column, last_row, last_column)
                problems.add(Loc(self.title, first_row, first_column), message, cells=where)

    def headers(self, row: int, known: tuple[str, ...], problems: Problems) -> dict[str, int]:
        columns: dict[str, int] = {}
        for column, raw in enumerate(self.rows[row - 1], start=1):
            name, loc = normalize(raw), Loc(self.title, row, column)
            if name and name not in known:
                message = _("无法识别的列“%(name)s”(可用:%(known)s)")
                problems.add(loc, message, name=name, known="、".join(known))
            elif name in columns:
                problems.add(loc, _("列“%(name)s”重复"), name=name)
            elif name:
                columns[name] = column
        return columns


def read_bytes(source: str | Path | BinaryIO) -> bytes:
    """The workbook's bytes, refusing a file over ``MAX_FILE_BYTES`` unread."""
    try:
        return read_capped(source, MAX_FILE_BYTES)
    except UnsafeWorkbookError as exc:
        raise PlanWorkbookError(exc.messages) from None


def load_grids(data: bytes) -> dict[str, SheetGrid]:
    not_xlsx = _("文件不是有效的 Excel 工作簿(.xlsx);请用 Excel 另存为 .xlsx 后再导入")
    try:  # size, zip bombs, DTDs: before openpyxl sees a byte (targets/excel/safety.py)
        scan = check_archive(data, LIMITS)
    except UnsafeWorkbookError as exc:
        raise PlanWorkbookError(exc.messages) from None
    try:
        # With formula (or error) cells, read twice: with formulas to spot them,
        # with cached values to use them. Without any (the scan looked at every
        # part), the cached-values pass alone gives the same grids, in half the
        # time. Nothing is ever evaluated.
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = (
            load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if scan.cell_markers
            else None
        )
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise PlanWorkbookError([f"{not_xlsx}({type(exc).__name__})"]) from exc
    grids = {}
    wanted = (*SHEETS, SHEET_ANNEX2, *OPTIONAL_SHEETS)
    for name in [name for name in wanted if name in values.sheetnames]:
        try:
            grids[name] = _grid(name, formulas[name] if formulas else None, values[name])
            grids[name].merged = merged_ranges_of(data, values[name])
        except PlanWorkbookError:
            raise
        except Exception as exc:  # a cell openpyxl cannot read: say which, if it can be found
            raise PlanWorkbookError([unreadable_sheet_message(data, name)]) from exc
    missing = [Loc(name).says(_("工作表不存在")) for name in SHEETS if name not in grids]
    if missing:
        raise PlanWorkbookError(missing)
    return grids


def _grid(title: str, formula_sheet, value_sheet) -> SheetGrid:
    """The sheet's values; with ``formula_sheet`` (the same sheet read with
    formulas), a formula Excel never calculated is UNCACHED_FORMULA."""
    value_sheet.reset_dimensions()  # dimensions written by other tools may be wrong
    rows: list[list[object]] = []
    for number, row in enumerate(_rows(formula_sheet, value_sheet), start=1):
        if number > MAX_ROWS or len(row) > MAX_COLUMNS:
            if any(normalize(v) for v in row[MAX_COLUMNS if number <= MAX_ROWS else 0 :]):
                raise PlanWorkbookError([Loc(title, number).says(_("超出工作表大小上限"))])
            row = row[:MAX_COLUMNS]
        if number <= MAX_ROWS:
            rows.append(row)
    return SheetGrid(title, rows)


def _rows(formula_sheet, value_sheet):
    values = value_sheet.iter_rows(values_only=True)
    if formula_sheet is None:
        yield from (list(row) for row in values)
        return
    formula_sheet.reset_dimensions()
    for cells, row in zip(formula_sheet.iter_rows(), values, strict=True):
        yield [
            UNCACHED_FORMULA if cell.data_type == "f" and value is None else value
            for cell, value in zip(cells, row, strict=True)
        ]
