"""Figures to Excel in the long layout (sheet ``数据``), the same layout
``import_figures`` reads (docs/figures-template.md): export → import
round-trips with no changes.

One row per recorded figure: 区域, 指标, 年份, 季度, 数值 (a number, each
quarter's new amount), 备注. A ``说明`` sheet names the plan (so the file is
refused by another plan's import), the mode and when it was made.

Written with openpyxl's write-only mode, streaming: 100,000 rows take about as
long as writing the same cells with nothing else (benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from regions.text import xml_safe
from reports.excel.figures_format import (
    LONG_COLUMNS,
    MODE_WORDS,
    SHEET_INFO,
    SHEET_LONG,
    ValueMode,
)
from reports.models import Figure
from targets.models import Plan

LONG_COLUMN_WIDTHS = (16, 28, 8, 8, 14, 30)


def figure_rows(
    plan: Plan, *, year: int | None = None, quarter: int | None = None
) -> Iterator[tuple]:
    """The plan's figures as long-sheet rows, in plan order, in three queries
    (regions, indicators, figures)."""
    regions = dict(plan.regions.values_list("pk", "name"))
    indicators = dict(plan.indicators.values_list("pk", "name"))
    figures = Figure.objects.in_plan(plan)
    if year is not None:
        figures = figures.filter(year=year)
    if quarter is not None:
        figures = figures.filter(quarter=quarter)
    county = plan.county_name
    rows = figures.order_by(
        "year", "quarter", "indicator__order", "indicator_id", "region__order", "region_id"
    ).values_list("region_id", "indicator_id", "year", "quarter", "value", "note")
    for region_id, indicator_id, row_year, row_quarter, value, note in rows.iterator(
        chunk_size=5000
    ):
        region = county if region_id is None else regions[region_id]
        # An empty note is written as an empty cell: importing it leaves notes alone.
        yield (region, indicators[indicator_id], row_year, row_quarter, value, note or None)


def write_long_workbook(
    target: str | BinaryIO,
    rows: Iterable[tuple],
    *,
    plan: Plan,
    generated_at: datetime | None = None,
) -> int:
    """Write ``rows`` (区域, 指标, 年份, 季度, 数值, 备注) to ``target``; returns
    the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_LONG)
    for index, width in enumerate(LONG_COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(LONG_COLUMNS)
    count = 0
    for row in rows:
        sheet.append([_safe(sheet, value) for value in row])
        count += 1
    info = workbook.create_sheet(SHEET_INFO)
    generated_at = generated_at or timezone.now()
    for key, value in (
        ("模板", "季度数据长表"),
        ("计划编号", plan.pk),
        ("计划名称", plan.name),
        ("填报口径", MODE_WORDS[ValueMode.QUARTER]),
        ("生成时间", timezone.localtime(generated_at).isoformat(timespec="seconds")),
    ):
        info.append([key, _safe(info, value)])
    workbook.save(target)
    return count


def _safe(sheet: WriteOnlyWorksheet, value: object) -> object:
    """Text that starts with "=" stays text: openpyxl would write it as a live
    formula, which Excel would run on opening."""
    value = xml_safe(value)
    if type(value) is str and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def export_figures(
    plan: Plan, target: str | BinaryIO, *, year: int | None = None, quarter: int | None = None
) -> int:
    """The plan's figures (optionally one year or quarter) as a long-sheet workbook."""
    return write_long_workbook(target, figure_rows(plan, year=year, quarter=quarter), plan=plan)
