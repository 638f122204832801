"""The report's chart sheet: one native Excel column chart per broken-down
indicator, whose bars read annex 2's completion cells (the chart is the table,
not a copy of it), each bar in its status colour, with the 序时 line.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from regions.text import xml_safe
from reports.excel.report_cells import (
    BORDER,
    FIRST_ANNEX2_ROW,
    RATE_FORMAT,
    ReportPlan,
    print_setup,
    write_header,
    write_rate,
    write_text,
    write_title,
)
from reports.progress import Period, SubjectData, expected_share
from reports.progress.display import STATUS_COLOURS, shown_status
from reports.progress.table import IndicatorInfo, ProgressTable
from targets.choices import Pacing

CHART_WIDTH_CM = 16
CHART_HEIGHT_CM = 7.5
CHART_ROWS = 16  # rows one chart occupies at the default row height
CHART_COLUMNS = 10  # default-width columns one chart occupies


def write_charts(
    ws: Worksheet,
    annex2: Worksheet,
    table: ProgressTable,
    plan: ReportPlan,
    completion_columns: dict[int, int],
    coverage: str = "",
) -> None:
    """One column chart per broken-down indicator: completion per township,
    each bar in its status colour, with the 序时 line to compare against.

    Bars and categories reference annex 2's cells; the 序时 line needs a value
    per township, kept in a small labelled block at the left of this sheet.
    """
    period, regions = table.as_of, table.regions
    heading = _("%(year)s年各%(region)s完成率") % {"year": period.year, "region": plan.region_term}
    write_title(ws, plan, period, heading, 24, coverage=coverage)
    block_row = 4
    write_header(ws, block_row, 1, _("区域"))
    ws.column_dimensions["A"].width = 10
    for offset, region in enumerate(regions, start=1):
        write_text(ws.cell(block_row + offset, 1), region.name).border = BORDER

    # One 序时 column per way the indicators' 序时 runs (spread over the quarters,
    # or due at year end; over the plan for an indicator with a plan total
    # only), each chart drawing the line of its own indicator.
    def pace_of(indicator: IndicatorInfo) -> tuple[bool, str]:
        return table.subjects[(None, indicator.id)].total_only, indicator.pacing

    pacings = list(dict.fromkeys(pace_of(indicator) for indicator in table.broken_down))
    expected_columns = {}
    for column, (on_plan, pacing) in enumerate(pacings, start=2):
        expected_columns[(on_plan, pacing)] = column
        if on_plan:
            heading = _("计划期序时进度")
            share = plan_share(next(iter(table.subjects.values())).plan_years, period, pacing)
        else:
            heading = _("序时进度") if pacing == Pacing.SPREAD else _("序时进度(年底考核)")
            share = expected_share(period.quarter, pacing)
        write_header(ws, block_row, column, heading)
        for offset in range(1, len(regions) + 1):
            cell = ws.cell(block_row + offset, column)
            write_rate(cell, share)
            cell.border = BORDER
        ws.column_dimensions[get_column_letter(column)].width = 10
    first_row, last_row = FIRST_ANNEX2_ROW, FIRST_ANNEX2_ROW + len(regions) - 1
    categories = Reference(annex2, min_col=2, min_row=first_row, max_row=last_row)
    chart_column = 2 + max(len(pacings), 1)
    for index, indicator in enumerate(table.broken_down):
        column = expected_columns[pace_of(indicator)]
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


def plan_share(plan_years: tuple[int, ...], period: Period, pacing: str) -> Decimal:
    """The share of a plan total with no yearly split due by ``period``: the
    engine's plan 序时 of a total of 1 (the same share whatever the total)."""
    unit = SubjectData(plan_years, {}, {}, plan_total=Decimal(1), pacing=pacing)
    return unit.plan_expected(period)


def completion_chart(indicator: IndicatorInfo, table: ProgressTable, values: Reference) -> BarChart:
    """Bars of completion; the legend shows only the 序时 line, because the
    bars' colours are statuses (the annexes' legend), not one series colour."""
    chart = BarChart()
    chart.type = "col"
    chart.title = xml_safe(indicator.annex2_label)  # as the 附件2 sheet names the column
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
    # One fill per status colour, shared by its bars: a chart of 1,000
    # regions made 1,000 of each otherwise (a third of the report's build).
    fills: dict[str, GraphicalProperties] = {}
    for point, (_region, progress) in enumerate(table.column(indicator.id)):
        shown = shown_status(progress.status, progress.provisional)
        colour = STATUS_COLOURS[shown].lstrip("#").upper()
        fill = fills.get(colour)
        if fill is None:
            fill = fills[colour] = GraphicalProperties(solidFill=colour)
            fill.line.solidFill = colour
        series.dPt.append(DataPoint(idx=point, spPr=fill))
    return chart
