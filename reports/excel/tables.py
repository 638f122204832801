"""Table exports (xlsx, csv) of the project's django-tables2 tables: the rows
are the table's own export values (``as_values``, what django-tables2's
``TableExport`` exports, the same sheet title, bold frozen header and column
widths), written out with two traps handled: a Chinese file name in the
header, and text that a spreadsheet would run as a formula.

Written here rather than through ``TableExport``: its tablib builds a normal
(not write-only) openpyxl workbook cell by cell, and keeping formula text as
text then meant loading and saving that workbook again — the matrix of 1,000
regions took ten times as long as writing the same cells (benchmarks/excel.py).
The xlsx is written in openpyxl's write-only mode and built whole in memory
before it is sent: a zip's directory comes last, so it cannot be streamed as
it is made. The CSV is streamed row by row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from io import BytesIO, StringIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from regions.text import xml_safe

EXPORT_FORMATS = ("xlsx", "csv")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What Excel refuses in a sheet's name, and its length limit.
SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def export_response(table, export_format: str, filename: str) -> HttpResponse:
    rows = table.as_values()
    if export_format == "csv":
        response = StreamingHttpResponse(
            _csv_lines(rows, translation.get_language()), content_type=CSV_CONTENT_TYPE
        )
    else:
        response = HttpResponse(xlsx_bytes(rows, filename), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{export_format}"
    )
    return response


def _csv_lines(rows: Iterable[list], language: str | None) -> Iterator[str]:
    """The rows as CSV lines, a BOM first so that Excel opens the Chinese
    text as UTF-8; text that starts like a formula is prefixed with '."""
    # Rows are made as the response is sent: in the request's language.
    with translation.override(language):
        yield "\ufeff"
        buffer = StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([_neutralised(cell) for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()


def _neutralised(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return f"'{cell}"
    return cell


def xlsx_bytes(rows: Iterable[list], title: str) -> bytes:
    """The first row as a bold frozen header, column widths fitted to the
    longest text as tablib does; text starting with "=" stays text (openpyxl
    would write it as a live formula, which Excel would run on opening).
    The sheet is named by ``title`` (the file's name: what and which quarter),
    as far as Excel allows, not django-tables2's English "Export Data"."""
    rows = list(rows)
    workbook = Workbook(write_only=True)
    name = SHEET_NAME_REFUSED.sub("_", xml_safe(str(title))).strip("'")[:SHEET_NAME_MAX]
    sheet = workbook.create_sheet(name or "Sheet1")
    widths: dict[int, int] = {}
    for row in rows:
        for index, value in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), len(str(value)))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in map(xml_safe, row):
            if number == 0 or (type(value) is str and value.startswith("=")):
                cell = WriteOnlyCell(sheet, value)
                if number == 0:
                    cell.font = bold
                if type(value) is str and value.startswith("="):
                    cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
