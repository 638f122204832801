"""The official report: an xlsx workbook in the plan's annex layout.

Annex 1 (附件1) lists every indicator for the county; annex 2 (附件2) the
chosen year's regions × broken-down indicators; a third sheet
(``reports.excel.report_charts``) charts each indicator's completion per
township as native Excel charts, whose bars read annex 2's completion cells
(the chart is the table, not a copy of it).

Every number comes from the ``ProgressTable`` — the engine the pages use — or,
for annex 1's targets, from the same rows the plan page shows
(``targets.annexes.annex1_rows``). Numbers are written exact, with a number
format that shows them at the precision the pages display: Excel then shows
what the page shows (both round half up), and an officer's own formula over
the cells gives the same result as the report's. Text is written through
``write_text`` (``reports.excel.report_cells``): a region or indicator named
``=HYPERLINK(...)`` stays text and never becomes a formula in someone's Excel.
No database access here: the view hands in the table and the plan.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from reports.choices import Status
from reports.excel.measures_sheet import MeasureLine, write_measures_sheet
from reports.excel.report_cells import (
    BOLD,
    BORDER,
    CENTER,
    DATA_ROW_HEIGHT,
    FIRST_ANNEX1_ROW,
    FIRST_ANNEX2_ROW,
    LEFT,
    SUBTITLE_FONT,
    TOTAL_FILL,
    ReportPlan,
    finish_sheet,
    set_style,
    write_derived,
    write_header,
    write_number,
    write_rate,
    write_status,
    write_text,
    write_title,
)
from reports.excel.report_charts import write_charts
from reports.excel.report_goals import write_goals
from reports.progress import CellProgress, Period
from reports.progress.display import status_label
from reports.progress.table import IndicatorInfo, ProgressTable
from targets.annexes import has_stretch, stretch_years
from targets.formatting import goals_term

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_annex1(
    ws: Worksheet,
    table: ProgressTable,
    annex1: list[dict],
    plan: ReportPlan,
    period: Period,
    coverage: str = "",
    notice: str = "",
) -> None:
    """Annex 1 as the plan prints it — every year's county target, 总计 and
    高线 (``annex1`` rows, as the plan page shows them) — with the county's
    progress for the report's year and for the plan so far beside it."""
    years = list(plan.years)
    stretch = has_stretch(annex1)
    year_stretch = stretch_years(annex1, years)  # after 总计: the year columns stay in place
    targets = [_("%(year)s年建设任务") % {"year": year} for year in years]
    targets += [_("总计")] + ([_("总计高线")] if stretch else [])
    targets += [_("%(year)s年高线") % {"year": year} for year in year_stretch]
    this_year = [_("年度累计完成"), _("完成率"), _("序时进度应完成"), _("状态")]
    plan_to_date = [_("计划期累计"), _("计划期完成率")]
    groups = [
        (_("任务指标"), targets),
        (_("%(year)s年完成情况") % {"year": period.year}, this_year),
        (_("计划期完成情况"), plan_to_date),
    ]
    width = 2 + sum(len(headers) for _group, headers in groups)
    write_title(ws, plan, period, _("完成情况"), width, coverage=coverage)
    write_header(ws, 3, 1, _("序号"), rows=2)
    write_header(ws, 3, 2, _("指标名称(单位)"), rows=2)
    column = 3
    for group, headers in groups:
        write_header(ws, 3, column, group, columns=len(headers))
        for offset, text in enumerate(headers):
            write_header(ws, 4, column + offset, text)
        column += len(headers)
    ws.row_dimensions[4].height = 32
    # The report's year: the target its completion rate is measured against.
    year_column = 3 + years.index(period.year)
    first_progress = 3 + len(targets)
    for offset, row in enumerate(annex1):
        progress = table.cell(None, row["id"])
        line = FIRST_ANNEX1_ROW + offset
        ws.row_dimensions[line].height = DATA_ROW_HEIGHT
        places = row["decimal_places"]
        for column in range(1, width + 1):
            set_style(ws.cell(line, column), border=BORDER)
        set_style(ws.cell(line, 1, row["order"]), alignment=CENTER)
        set_style(write_text(ws.cell(line, 2), row["label"]), alignment=LEFT)
        values = [row[f"y{year}"] for year in years] + [row["total"]]
        values += [row["stretch"]] if stretch else []
        values += [row[f"s{year}"] for year in year_stretch]
        for index, value in enumerate(values):
            write_number(ws.cell(line, 3 + index), value, places)
        set_style(ws.cell(line, year_column), font=BOLD)
        column = first_progress
        write_actual(ws.cell(line, column), progress, places)
        write_rate(ws.cell(line, column + 1), progress.completion)
        write_derived(ws.cell(line, column + 2), progress.expected_value, places)
        write_status(ws.cell(line, column + 3), progress.status, progress.provisional)
        write_actual(ws.cell(line, column + 4), progress, places, "plan_actual")
        write_rate(ws.cell(line, column + 5), progress.plan_completion)
    last = FIRST_ANNEX1_ROW + len(annex1) - 1
    write_notes(ws, last + 2, width)
    write_notice(ws, last + 4, width, notice)
    widths = [6, 36] + [11] * len(targets) + [12, 10, 13, 11] + [11, 12]
    finish_sheet(ws, widths, header_rows=4, freeze=f"C{FIRST_ANNEX1_ROW}")


def write_notes(ws: Worksheet, row: int, width: int) -> None:
    """How the numbers are computed, and the status colours as a legend."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    note = write_text(
        ws.cell(row, 1),
        _(
            "注:完成率=年度累计完成÷年度目标;序时进度应完成=年度目标×已过季度数÷4"
            "(年底考核的指标第4季度前为0,第4季度为年度目标);"
            "计划期累计为计划首年第1季度以来的累计完成。"
        ),
    )
    note.alignment, note.font = LEFT, SUBTITLE_FONT
    legend = write_text(ws.cell(row + 1, 2), _("状态图例"))
    legend.font, legend.alignment = SUBTITLE_FONT, Alignment(horizontal="right")
    for column, status in enumerate(Status, start=3):
        write_status(ws.cell(row + 1, column), status)


def write_notice(ws: Worksheet, row: int, width: int, notice: str) -> None:
    """The page's notice on a quarter not fully reported (what the totals hold
    while some regions' reports are not approved), under a table; nothing
    when every number is final."""
    if not notice:
        return
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = write_text(ws.cell(row, 1), notice)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    cell.font = SUBTITLE_FONT
    ws.row_dimensions[row].height = 48


def write_annex2(
    ws: Worksheet,
    table: ProgressTable,
    plan: ReportPlan,
    period: Period,
    coverage: str = "",
    notice: str = "",
) -> dict[int, int]:
    """Regions × broken-down indicators for the year, a bold county total row.

    Returns each indicator's completion column, for the charts to reference.
    """
    indicators = table.broken_down
    sub_headers = [_("目标"), _("累计完成"), _("完成率"), _("状态")]
    width = 2 + len(sub_headers) * len(indicators)
    heading = _("%(year)s年任务分解完成情况") % {"year": period.year}
    write_title(ws, plan, period, heading, width, coverage=coverage)
    write_header(ws, 3, 1, _("序号"), rows=2)
    write_header(ws, 3, 2, _("区域"), rows=2)
    completion_columns: dict[int, int] = {}
    for index, indicator in enumerate(indicators):
        first = 3 + index * len(sub_headers)
        label = indicator.annex2_label
        if table.subjects[(None, indicator.id)].total_only:
            label = _("%(indicator)s(计划期)") % {"indicator": label}
        write_header(ws, 3, first, label, columns=len(sub_headers))
        for offset, text in enumerate(sub_headers):
            write_header(ws, 4, first + offset, text)
        completion_columns[indicator.id] = first + 2
    ws.row_dimensions[3].height = 32
    rows = [(r.name, r.id) for r in table.regions] + [(plan.county_name, None)]
    for offset, (name, region_id) in enumerate(rows):
        row = FIRST_ANNEX2_ROW + offset
        ws.row_dimensions[row].height = DATA_ROW_HEIGHT
        # Style first: the status cells then put their own colours on top.
        for column in range(1, width + 1):
            if region_id is None:
                set_style(ws.cell(row, column), border=BORDER, fill=TOTAL_FILL, font=BOLD)
            else:
                set_style(ws.cell(row, column), border=BORDER)
        if region_id is not None:
            ws.cell(row, 1, offset + 1)
        write_text(ws.cell(row, 2), name)
        set_style(ws.cell(row, 1), alignment=CENTER)
        set_style(ws.cell(row, 2), alignment=CENTER)
        for index, indicator in enumerate(indicators):
            column = 3 + index * len(sub_headers)
            progress = table.cell(region_id, indicator.id)
            on_plan = table.subjects[(region_id, indicator.id)].total_only
            write_annex2_cells(ws, row, column, indicator, progress, on_plan=on_plan)
    write_notice(ws, FIRST_ANNEX2_ROW + len(rows) + 1, width, notice)
    widths = [6, 10] + [9, 10, 9, 9] * len(indicators)
    finish_sheet(ws, widths, header_rows=4, freeze="C5")
    return completion_columns


def write_actual(cell, progress: CellProgress, places: int, field: str = "ytd_actual") -> None:
    """An actual, or 未报 where a subject that has not reported would have it
    (a region, or a county-only indicator the bureau has not entered)."""
    if progress.reported:
        write_number(cell, getattr(progress, field), places)
    else:
        set_style(write_text(cell, status_label(Status.NOT_REPORTED)), alignment=CENTER)


def write_annex2_cells(
    ws: Worksheet,
    row: int,
    column: int,
    indicator: IndicatorInfo,
    progress: CellProgress,
    *,
    on_plan: bool = False,
) -> None:
    """Target, actual, completion, status: the year's, or with ``on_plan``
    (a plan total and no target of the year) the plan's, which its status
    judges. A region that has not reported reads 未报 where its actual would
    be — not 0, not blank — and its completion cell stays empty, so its
    chart bar is a gap, not a zero."""
    places = indicator.decimal_places
    target, actual, rate = (
        ("plan_target", "plan_actual", "plan_completion")
        if on_plan
        else ("annual_target", "ytd_actual", "completion")
    )
    write_number(ws.cell(row, column), getattr(progress, target), places)
    write_actual(ws.cell(row, column + 1), progress, places, actual)
    write_rate(ws.cell(row, column + 2), getattr(progress, rate))
    write_status(ws.cell(row, column + 3), progress.status, progress.provisional)


def build_report_workbook(
    table: ProgressTable,
    annex1: list[dict],
    plan: ReportPlan,
    period: Period,
    coverage: str = "",
    goals=(),
    measures: list[MeasureLine] | None = None,
    notice: str = "",
) -> bytes:
    """The report as xlsx bytes: annex 1, annex 2, the completion charts and,
    when the plan has headline goals, the goals sheet.

    ``annex1``: the plan's annex-1 rows (``targets.annexes.annex1_rows``);
    ``coverage``: the period's reporting coverage in words, under every title;
    ``notice``: what the pages say of a quarter not fully reported, under
    both annexes (their totals hold the earlier approved quarters of the
    regions not yet approved);
    ``goals``: the goals as the 三年目标 page shows them (``GoalRow``)."""
    if period != table.as_of:
        raise ValueError(f"the table is as of {table.as_of.code}, not {period.code}")
    workbook = Workbook()
    annex1_sheet = workbook.active
    annex1_sheet.title = _("附件1 任务指标")
    write_annex1(annex1_sheet, table, annex1, plan, period, coverage, notice)
    annex2 = workbook.create_sheet(_("附件2 任务分解"))
    completion_columns = write_annex2(annex2, table, plan, period, coverage, notice)
    if table.broken_down and table.regions:
        charts = workbook.create_sheet(_("图表"))
        write_charts(charts, annex2, table, plan, completion_columns, coverage)
    if goals:
        terms = goals_term(len(plan.years))
        write_goals(workbook.create_sheet(terms), goals, plan, period, coverage)
    if measures:
        sheet = workbook.create_sheet(_("任务推进"))
        write_measures_sheet(sheet, measures, period, coverage)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
