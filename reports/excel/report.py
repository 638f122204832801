"""The official report: an xlsx workbook in the plan's annex layout.

Annex 1 (附件1) lists every indicator for the county; annex 2 (附件2) the
chosen year's regions × broken-down indicators; a third sheet charts each
indicator's completion per township as native Excel charts, whose bars read
annex 2's completion cells (the chart is the table, not a copy of it).

Every number comes from the ``ProgressTable`` — the engine the pages use — or,
for annex 1's targets, from the same rows the plan page shows
(``targets.annexes.annex1_rows``). Numbers are written exact, with a number
format that shows them at the precision the pages display: Excel then shows
what the page shows (both round half up), and an officer's own formula over
the cells gives the same result as the report's. Text is written through
``write_text``: a region or indicator named ``=HYPERLINK(...)`` stays text and
never becomes a formula in someone's Excel. No database access here: the view
hands in the table and the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Protocol

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.choices import Status
from reports.formatting import (
    PERCENT_PLACES,
    STATUS_COLOURS,
    NumberKind,
    display_number,
    status_label,
)
from reports.progress import CellProgress, Period, expected_share
from reports.progress.table import IndicatorInfo, ProgressTable
from targets.annexes import has_stretch
from targets.choices import Pacing

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Rates are written exact (0.6425, not 0.642) and shown with one decimal place,
# like format_percent; a non-zero rate below half a step would show 0.0%, so it
# reads "<0.1%" as on the pages (rates are never negative: figures and targets
# are not).
TINY_RATE = Decimal(5).scaleb(-(PERCENT_PLACES + 3))  # 0.0005 = 0.05%
RATE_FORMAT = f'[=0]0.0%;[<{TINY_RATE}]"<0.1%";0.0%'

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=16)
SUBTITLE_FONT = Font(size=11, color="404040")
BOLD = Font(bold=True)

DATA_ROW_HEIGHT = 20  # points; Excel's 14.25 crowds the filled status cells
CHART_WIDTH_CM = 16
CHART_HEIGHT_CM = 7.5
CHART_ROWS = 16  # rows one chart occupies at the default row height
CHART_COLUMNS = 10  # default-width columns one chart occupies
FIRST_ANNEX1_ROW = 5  # annex 1: title, period, group header, header
FIRST_ANNEX2_ROW = 5  # annex 2: title, period, indicator header, sub-header


class ReportPlan(Protocol):
    """What the report needs of a plan (a ``targets.models.Plan`` fits); an
    ``is_demo`` attribute, when true, marks every title as demo data."""

    name: str
    county_name: str
    years: list[int]
    region_term: str


def write_text(cell: Cell, value: str) -> Cell:
    """Write ``value`` as a string cell, never as a formula.

    openpyxl turns any string starting with "=" into a formula; a region or
    indicator name is data typed by people, so it must come back as typed
    (FIELD-NOTES: data_type "s" survives a save and reload).
    """
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def number_format(places: int) -> str:
    return "0" if places <= 0 else "0." + "0" * places


def excel_number(value: Decimal) -> int | float:
    """The exact value as the number openpyxl writes: an int when whole, else
    the nearest float (what Excel holds anyway)."""
    return int(value) if value == value.to_integral_value() else float(value)


def write_number(cell: Cell, value: Decimal | None, places: int) -> None:
    """A value with its indicator's number format; an empty cell when there is
    none (no target), never 0."""
    cell.number_format = number_format(places)
    cell.value = None if value is None else excel_number(value)


def write_derived(cell: Cell, value: Decimal | None, places: int) -> None:
    """A computed value (22 × 3/4 = 16.5; 5 × 1/4 = 1.25), exact, shown with
    the places the pages show it at (``NumberKind.DERIVED``), at least the
    indicator's: 150 stays 150 and 22.5 is not 23."""
    if value is None:
        cell.value = None
        return
    shown = display_number(value, places, NumberKind.DERIVED).normalize()
    needed = max(places, -int(shown.as_tuple().exponent))
    write_number(cell, value, needed)


def write_rate(cell: Cell, fraction: Decimal | None) -> None:
    cell.number_format = RATE_FORMAT
    cell.value = None if fraction is None else excel_number(fraction)


def font_colour_on(fill_hex: str) -> str:
    """Black or white, whichever reads better on ``fill_hex`` (WCAG luminance):
    white on green and red, black on the yellow of "behind"."""
    channels = [int(fill_hex.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "000000" if luminance > 0.179 else "FFFFFF"


def write_status(cell: Cell, status: str) -> None:
    """The status name in its colour: the text stays, colour is never the only cue."""
    colour = STATUS_COLOURS[Status(status)].lstrip("#").upper()
    write_text(cell, status_label(status))
    cell.fill = PatternFill("solid", fgColor=colour)
    cell.font = Font(bold=True, color=font_colour_on(colour))
    cell.alignment = CENTER


def write_title(ws: Worksheet, plan: ReportPlan, period: Period, heading: str, width: int) -> None:
    """Rows 1–2: the plan's name with the report heading, and the period."""
    demo = _("(演示数据)") if getattr(plan, "is_demo", False) else ""
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    title = write_text(ws.cell(1, 1), f"{plan.name}{heading}{demo}")
    title.font, title.alignment = TITLE_FONT, CENTER
    subtitle = write_text(
        ws.cell(2, 1),
        _("截至%(period)s(序时进度:全年目标的%(quarter)s/4;年底考核的指标第4季度前为0)")
        % {"period": period.label, "quarter": period.quarter},
    )
    subtitle.font, subtitle.alignment = SUBTITLE_FONT, CENTER
    ws.row_dimensions[1].height = 30


def write_header(ws: Worksheet, row: int, column: int, text: str, **merge: int) -> None:
    """A header cell, optionally merged ``rows``/``columns`` further; every cell
    of the merge gets the border so printing shows the full grid."""
    rows, columns = merge.get("rows", 1), merge.get("columns", 1)
    if rows > 1 or columns > 1:
        ws.merge_cells(
            start_row=row,
            start_column=column,
            end_row=row + rows - 1,
            end_column=column + columns - 1,
        )
    write_text(ws.cell(row, column), text)
    for r in range(row, row + rows):
        for c in range(column, column + columns):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER


def finish_sheet(ws: Worksheet, widths: Sequence[float], header_rows: int, freeze: str) -> None:
    """Column widths, frozen headers, A4 landscape fitted to one page wide with
    the title and headers repeated on every printed page."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = freeze
    print_setup(ws)
    ws.print_title_rows = f"1:{header_rows}"


def print_setup(ws: Worksheet) -> None:
    """A4 landscape, one page wide: a report is printed and filed."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def write_annex1(
    ws: Worksheet, table: ProgressTable, annex1: list[dict], plan: ReportPlan, period: Period
) -> None:
    """Annex 1 as the plan prints it — every year's county target, 总计 and
    高线 (``annex1`` rows, as the plan page shows them) — with the county's
    progress for the report's year and for the plan so far beside it."""
    years = list(plan.years)
    stretch = has_stretch(annex1)
    targets = [_("%(year)s年建设任务") % {"year": year} for year in years]
    targets += [_("总计")] + ([_("总计高线")] if stretch else [])
    this_year = [_("年度累计完成"), _("完成率"), _("序时进度应完成"), _("状态")]
    plan_to_date = [_("计划期累计"), _("计划期完成率")]
    groups = [
        (_("任务指标"), targets),
        (_("%(year)s年完成情况") % {"year": period.year}, this_year),
        (_("计划期完成情况"), plan_to_date),
    ]
    width = 2 + sum(len(headers) for _group, headers in groups)
    write_title(ws, plan, period, _("完成情况"), width)
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
            ws.cell(line, column).border = BORDER
        ws.cell(line, 1, row["order"]).alignment = CENTER
        write_text(ws.cell(line, 2), row["label"]).alignment = LEFT
        values = [row[f"y{year}"] for year in years] + [row["total"]]
        values += [row["stretch"]] if stretch else []
        for index, value in enumerate(values):
            write_number(ws.cell(line, 3 + index), value, places)
        ws.cell(line, year_column).font = BOLD
        column = first_progress
        write_number(ws.cell(line, column), progress.ytd_actual, places)
        write_rate(ws.cell(line, column + 1), progress.completion)
        write_derived(ws.cell(line, column + 2), progress.expected_value, places)
        write_status(ws.cell(line, column + 3), progress.status)
        write_number(ws.cell(line, column + 4), progress.plan_actual, places)
        write_rate(ws.cell(line, column + 5), progress.plan_completion)
    last = FIRST_ANNEX1_ROW + len(annex1) - 1
    write_notes(ws, last + 2, width)
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


def write_annex2(
    ws: Worksheet, table: ProgressTable, plan: ReportPlan, period: Period
) -> dict[int, int]:
    """Regions × broken-down indicators for the year, a bold county total row.

    Returns each indicator's completion column, for the charts to reference.
    """
    indicators = table.broken_down
    sub_headers = [_("目标"), _("累计完成"), _("完成率"), _("状态")]
    width = 2 + len(sub_headers) * len(indicators)
    write_title(ws, plan, period, _("%(year)s年任务分解完成情况") % {"year": period.year}, width)
    write_header(ws, 3, 1, _("序号"), rows=2)
    write_header(ws, 3, 2, _("区域"), rows=2)
    completion_columns: dict[int, int] = {}
    for index, indicator in enumerate(indicators):
        first = 3 + index * len(sub_headers)
        write_header(ws, 3, first, indicator.annex2_label, columns=len(sub_headers))
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
            cell = ws.cell(row, column)
            cell.border = BORDER
            if region_id is None:
                cell.fill, cell.font = TOTAL_FILL, BOLD
        if region_id is not None:
            ws.cell(row, 1, offset + 1)
        write_text(ws.cell(row, 2), name)
        ws.cell(row, 1).alignment = ws.cell(row, 2).alignment = CENTER
        for index, indicator in enumerate(indicators):
            column = 3 + index * len(sub_headers)
            progress = table.cell(region_id, indicator.id)
            write_annex2_cells(ws, row, column, indicator, progress)
    widths = [6, 10] + [9, 10, 9, 9] * len(indicators)
    finish_sheet(ws, widths, header_rows=4, freeze="C5")
    return completion_columns


def write_annex2_cells(
    ws: Worksheet, row: int, column: int, indicator: IndicatorInfo, progress: CellProgress
) -> None:
    places = indicator.decimal_places
    write_number(ws.cell(row, column), progress.annual_target, places)
    write_number(ws.cell(row, column + 1), progress.ytd_actual, places)
    write_rate(ws.cell(row, column + 2), progress.completion)
    write_status(ws.cell(row, column + 3), progress.status)


def write_charts(
    ws: Worksheet,
    annex2: Worksheet,
    table: ProgressTable,
    plan: ReportPlan,
    completion_columns: dict[int, int],
) -> None:
    """One column chart per broken-down indicator: completion per township,
    each bar in its status colour, with the 序时 line to compare against.

    Bars and categories reference annex 2's cells; the 序时 line needs a value
    per township, kept in a small labelled block at the left of this sheet.
    """
    period, regions = table.as_of, table.regions
    heading = _("%(year)s年各%(region)s完成率") % {"year": period.year, "region": plan.region_term}
    write_title(ws, plan, period, heading, 24)
    block_row = 4
    write_header(ws, block_row, 1, _("区域"))
    ws.column_dimensions["A"].width = 10
    for offset, region in enumerate(regions, start=1):
        write_text(ws.cell(block_row + offset, 1), region.name).border = BORDER
    # One 序时 column per way the indicators' 序时 runs (spread over the quarters,
    # or due at year end), each chart drawing the line of its own indicator.
    pacings = list(dict.fromkeys(indicator.pacing for indicator in table.broken_down))
    expected_columns = {}
    for column, pacing in enumerate(pacings, start=2):
        expected_columns[pacing] = column
        heading = _("序时进度") if pacing == Pacing.SPREAD else _("序时进度(年底考核)")
        write_header(ws, block_row, column, heading)
        for offset in range(1, len(regions) + 1):
            cell = ws.cell(block_row + offset, column)
            write_rate(cell, expected_share(period.quarter, pacing))
            cell.border = BORDER
        ws.column_dimensions[get_column_letter(column)].width = 10
    first_row, last_row = FIRST_ANNEX2_ROW, FIRST_ANNEX2_ROW + len(regions) - 1
    categories = Reference(annex2, min_col=2, min_row=first_row, max_row=last_row)
    chart_column = 2 + max(len(pacings), 1)
    for index, indicator in enumerate(table.broken_down):
        column = expected_columns[indicator.pacing]
        expected = Reference(
            ws, min_col=column, min_row=block_row, max_row=block_row + len(regions)
        )
        values = Reference(
            annex2, min_col=completion_columns[indicator.id], min_row=first_row, max_row=last_row
        )
        chart = completion_chart(indicator, table, values)
        chart.set_categories(categories)
        line = LineChart()
        line.add_data(expected, titles_from_data=True)
        expected_series = line.series[0]
        expected_series.graphicalProperties.line.solidFill = "495057"
        expected_series.graphicalProperties.line.dashStyle = "dash"
        expected_series.marker.symbol = "none"
        expected_series.smooth = False
        chart += line
        anchor_row = block_row + (index // 2) * CHART_ROWS
        anchor_column = chart_column + (index % 2) * CHART_COLUMNS
        ws.add_chart(chart, f"{get_column_letter(anchor_column)}{anchor_row}")
    print_setup(ws)


def completion_chart(indicator: IndicatorInfo, table: ProgressTable, values: Reference) -> BarChart:
    """Bars of completion; the legend shows only the 序时 line, because the
    bars' colours are statuses (the annexes' legend), not one series colour."""
    chart = BarChart()
    chart.type = "col"
    chart.title = indicator.label
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.title = _("完成率")
    # openpyxl 3.1 marks axes deleted by default: without this Excel shows none.
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.legend.legendEntry = [LegendEntry(idx=0, delete=True)]
    chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
    chart.add_data(values, titles_from_data=False)
    series = chart.series[0]
    series.tx = SeriesLabel(v=_("完成率"))
    # Every flag explicit: LibreOffice reads a missing one as "show".
    series.dLbls = DataLabelList(
        numFmt=RATE_FORMAT,
        showVal=True,
        showSerName=False,
        showCatName=False,
        showLegendKey=False,
        showPercent=False,
        showLeaderLines=False,
        dLblPos="outEnd",
    )
    for point, (_region, progress) in enumerate(table.column(indicator.id)):
        colour = STATUS_COLOURS[Status(progress.status)].lstrip("#").upper()
        data_point = DataPoint(idx=point)
        data_point.graphicalProperties.solidFill = colour
        data_point.graphicalProperties.line.solidFill = colour
        series.dPt.append(data_point)
    return chart


def build_report_workbook(
    table: ProgressTable, annex1: list[dict], plan: ReportPlan, period: Period
) -> bytes:
    """The report as xlsx bytes: annex 1, annex 2 and the completion charts.

    ``annex1``: the plan's annex-1 rows (``targets.annexes.annex1_rows``)."""
    if period != table.as_of:
        raise ValueError(f"the table is as of {table.as_of.code}, not {period.code}")
    workbook = Workbook()
    annex1_sheet = workbook.active
    annex1_sheet.title = _("附件1 任务指标")
    write_annex1(annex1_sheet, table, annex1, plan, period)
    annex2 = workbook.create_sheet(_("附件2 任务分解"))
    completion_columns = write_annex2(annex2, table, plan, period)
    if table.broken_down and table.regions:
        charts = workbook.create_sheet(_("图表"))
        write_charts(charts, annex2, table, plan, completion_columns)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
