"""Writing the official report's cells: shared by its annex and chart sheets.

Numbers are written exact, with a number format that shows them at the
precision the pages display, so Excel shows what the page shows (both round
half up) and an officer's own formula over the cells agrees with the report.
Text goes through ``write_text`` and never becomes a formula. A status is its
name in its colour. Titles, headers and print setup are the same on every sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from functools import cache
from typing import Protocol

from django.utils.translation import gettext as _
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from regions.text import xml_safe
from reports.progress import Period
from reports.progress.display import STATUS_COLOURS, shown_status, status_label
from targets.formatting import PERCENT_PLACES, NumberKind, display_number

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
FIRST_ANNEX1_ROW = 5  # annex 1: title, period, group header, header
FIRST_ANNEX2_ROW = 5  # annex 2: title, period, indicator header, sub-header


def set_style(cell: Cell, **style) -> Cell:
    """Give ``cell`` a font, fill, border, alignment and/or number_format.

    Each assignment in openpyxl hashes the style object, field by field, to
    find it in the workbook's tables: the report of 1,000 regions made
    140,000 of them, most of its build time (benchmarks/excel.py). Here each
    combination (the cell's style so far plus the new parts) is looked up
    once per workbook and later cells copy the result. Keyed by the parts'
    identity: pass the module's constants (or ``status_style``'s), which the
    cache keeps alive."""
    shared = cell.parent.parent.__dict__.setdefault("_shared_styles", {})
    if cell._style is None:  # a merged cell starts without one
        cell._style = StyleArray()
    key = (tuple(cell._style), *((name, id(value)) for name, value in style.items()))
    found = shared.get(key)
    if found is None:
        for name, value in style.items():
            setattr(cell, name, value)
        shared[key] = (copy(cell._style), tuple(style.values()))
    else:
        cell._style = copy(found[0])
    return cell


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
    (a cell's data_type set back to "s" survives a save and reload).
    """
    cell.value = xml_safe(value)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


@cache  # one string per precision: set_style keys on identity
def number_format(places: int) -> str:
    return "0" if places <= 0 else "0." + "0" * places


def shown_places(value: Decimal, places: int, kind: NumberKind = NumberKind.VALUE) -> int:
    """The decimal places the pages show ``value`` with: rounded at its
    display places, without trailing zeros (``format_number``), so that a
    coverage of 100 reads 100 in the report as on the page, not 100.0."""
    exponent = display_number(value, places, kind).normalize().as_tuple().exponent
    return max(0, -exponent)


def excel_number(value: Decimal) -> int | float:
    """The exact value as the number openpyxl writes: an int when whole, else
    the nearest float (what Excel holds anyway)."""
    return int(value) if value == value.to_integral_value() else float(value)


def write_number(cell: Cell, value: Decimal | None, places: int) -> None:
    """A value with the number format that shows it as the pages do; an
    empty cell when there is none (no target), never 0."""
    if value is None:
        set_style(cell, number_format=number_format(places))
        cell.value = None
        return
    set_style(cell, number_format=number_format(shown_places(value, places)))
    cell.value = excel_number(value)


def write_derived(cell: Cell, value: Decimal | None, places: int) -> None:
    """A computed value (22 × 3/4 = 16.5; 5 × 1/4 = 1.25), exact, shown with
    the places the pages show it at (``NumberKind.DERIVED``): 150 stays 150
    and 22.5 is not 23."""
    if value is None:
        cell.value = None
        return
    set_style(cell, number_format=number_format(shown_places(value, places, NumberKind.DERIVED)))
    cell.value = excel_number(value)


def write_rate(cell: Cell, fraction: Decimal | None) -> None:
    set_style(cell, number_format=RATE_FORMAT)
    cell.value = None if fraction is None else excel_number(fraction)


def font_colour_on(fill_hex: str) -> str:
    """Black or white, whichever reads better on ``fill_hex`` (WCAG luminance):
    white on green and red, black on the yellow of "behind"."""
    channels = [int(fill_hex.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "000000" if luminance > 0.179 else "FFFFFF"


def write_status(cell: Cell, status: str, provisional: bool = False) -> None:
    """The status name in its colour: the text stays, colour is never the only
    cue. A provisional one reads e.g. "滞后(暂定)" (``shown_status``)."""
    write_text(cell, status_label(status, provisional))
    fill, font = status_style(STATUS_COLOURS[shown_status(status, provisional)])
    set_style(cell, fill=fill, font=font, alignment=CENTER)


@cache
def status_style(colour: str) -> tuple[PatternFill, Font]:
    """A status colour's fill and its readable bold font, one pair per colour."""
    colour = colour.lstrip("#").upper()
    return PatternFill("solid", fgColor=colour), Font(bold=True, color=font_colour_on(colour))


def write_title(
    ws: Worksheet, plan: ReportPlan, period: Period, heading: str, width: int, coverage: str = ""
) -> None:
    """Rows 1–2: the plan's name with the report heading, and the period with
    its reporting coverage (``coverage``: "截至2026年第3季度 · 9/9 乡镇已审核")."""
    demo = _("(演示数据)") if getattr(plan, "is_demo", False) else ""
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    title = write_text(ws.cell(1, 1), f"{plan.name}{heading}{demo}")
    title.font, title.alignment = TITLE_FONT, CENTER
    as_of = coverage or _("截至%(period)s") % {"period": period.label}
    pace = _("(序时进度:全年目标的%(quarter)s/4;年底考核的指标第4季度前为0)") % {
        "quarter": period.quarter
    }
    subtitle = write_text(ws.cell(2, 1), as_of + pace)
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
            set_style(cell, font=BOLD, fill=HEADER_FILL, alignment=CENTER, border=BORDER)


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
