"""The official report's goals sheet (三年目标): every headline goal of the
plan as of the report's quarter — its kind, value to date, goal, high line,
status and forecast at the current pace — the same rows as the 三年目标
page (``reports.progress.goal_queries.GoalRow``). No database access here."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from reports.excel.report_cells import (
    BORDER,
    CENTER,
    DATA_ROW_HEIGHT,
    LEFT,
    ReportPlan,
    finish_sheet,
    font_colour_on,
    write_derived,
    write_header,
    write_number,
    write_text,
    write_title,
)
from reports.progress import Period
from reports.progress.display import goal_status_colour
from reports.progress.goal_display import goal_note, goal_places, goal_status_label
from targets.formatting import goals_term

FIRST_GOAL_ROW = 4


def write_goal_status(cell, status: str, label: str) -> None:
    colour = goal_status_colour(status).lstrip("#").upper()
    write_text(cell, label)
    cell.fill = PatternFill("solid", fgColor=colour)
    cell.font = Font(bold=True, color=font_colour_on(colour))
    cell.alignment = CENTER


def write_goals(ws: Worksheet, rows, plan: ReportPlan, period: Period, coverage: str = "") -> None:
    headers = [
        _("序号"),
        _("出处"),
        _("目标要求"),
        _("类型"),
        _("单位"),
        _("截至目前"),
        _("目标值"),
        _("高线"),
        _("状态"),
        _("按当前进度预计"),
        _("说明"),
    ]
    title = _("%(goals)s完成情况") % {"goals": goals_term(len(plan.years))}
    write_title(ws, plan, period, title, len(headers), coverage=coverage)
    for column, text in enumerate(headers, start=1):
        write_header(ws, 3, column, text)
    for offset, row in enumerate(rows):
        line = FIRST_GOAL_ROW + offset
        goal, result, places = row.goal, row.result, goal_places(row)
        ws.row_dimensions[line].height = DATA_ROW_HEIGHT
        for column in range(1, len(headers) + 1):
            ws.cell(line, column).border = BORDER
        ws.cell(line, 1, goal.order).alignment = CENTER
        write_text(ws.cell(line, 2), goal.section).alignment = CENTER
        write_text(ws.cell(line, 3), goal.text).alignment = LEFT
        write_text(ws.cell(line, 4), str(goal.get_kind_display())).alignment = CENTER
        write_text(ws.cell(line, 5), goal.unit).alignment = CENTER
        write_number(ws.cell(line, 6), result.value, places)
        write_number(ws.cell(line, 7), goal.value, places)
        write_number(ws.cell(line, 8), goal.stretch_value, places)
        label = goal_status_label(result, row.provisional)
        write_goal_status(ws.cell(line, 9), result.status, label)
        write_derived(ws.cell(line, 10), result.forecast, places)
        write_text(ws.cell(line, 11), goal_note(row)).alignment = LEFT
    finish_sheet(ws, [6, 8, 44, 8, 9, 11, 10, 10, 16, 14, 40], header_rows=3, freeze="D4")
