"""The official report's measures sheet (任务推进): one row per measure of the
plan with its lead and co-operating departments, the latest status and its
date, whether it was reported in the report's quarter and its overdue work
items. No database: the view hands in plain ``MeasureLine`` rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.excel.report_cells import write_text
from reports.progress import Period

LAGGING_FILL = PatternFill("solid", fgColor="F8D7DA")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class MeasureLine:
    label: str  # 三(一)
    title: str
    lead: str
    cooperating: str  # names joined by 、
    status: str  # the latest status in words, "" when never reported
    lagging: bool
    status_date: datetime.date | None
    reported: bool  # in the report's quarter
    overdue: str  # overdue work items in words, "" when none


def write_measures_sheet(
    ws: Worksheet, lines: list[MeasureLine], period: Period, coverage: str = ""
) -> None:
    """Title in row 1, the figures' coverage in row 2 (as on every sheet of the
    report), headers in row 3, one measure a row from row 4."""
    headers = [
        _("编号"),
        _("任务"),
        _("牵头部门"),
        _("配合部门"),
        _("最新进展"),
        _("进展日期"),
        _("本季度"),
        _("逾期工作事项"),
    ]
    title = _("任务推进情况(截至%(period)s)") % {"period": period.label}
    write_text(ws.cell(1, 1), title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    write_text(ws.cell(2, 1), coverage)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    for column, header in enumerate(headers, start=1):
        write_text(ws.cell(3, column), header).font = Font(bold=True)
    for row, line in enumerate(lines, start=4):
        values = [
            line.label,
            line.title,
            line.lead,
            line.cooperating,
            line.status or _("暂无"),
            None,
            _("已报") if line.reported else _("本季度未报"),
            line.overdue,
        ]
        for column, value in enumerate(values, start=1):
            if value is not None:
                write_text(ws.cell(row, column), value).alignment = WRAP
        if line.status_date is not None:
            ws.cell(row, 6).value = line.status_date
            ws.cell(row, 6).number_format = "yyyy-mm-dd"
        if line.lagging:
            ws.cell(row, 5).fill = LAGGING_FILL
        if not line.reported:
            ws.cell(row, 7).font = Font(color="C00000")
    for column, width in enumerate([8, 22, 18, 36, 10, 12, 12, 36], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "C4"
