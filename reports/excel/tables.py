"""Table exports (xlsx, csv) through django-tables2, with its two traps
handled: a Chinese file name in the header, and text that a spreadsheet would
run as a formula.

CSV is streamed row by row as django-tables2 renders the values (no whole file
in memory). An xlsx file cannot be: it is a zip whose directory comes last, and
openpyxl (under tablib) builds the workbook before writing it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django_tables2.export import TableExport
from openpyxl import load_workbook

EXPORT_FORMATS = ("xlsx", "csv")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_response(table, export_format: str, filename: str) -> HttpResponse:
    if export_format == "csv":
        response = StreamingHttpResponse(_csv_lines(table), content_type="text/csv; charset=utf-8")
    else:
        exporter = TableExport(export_format, table)
        content = _text_cells_as_text(exporter.export())
        response = HttpResponse(content, content_type=exporter.content_type())
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{export_format}"
    )
    return response


class _Line:
    """csv.writer's file: hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _csv_lines(table) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"  # a BOM so Excel opens the Chinese text as UTF-8
    for row in table.as_values():
        yield writer.writerow([_as_text(cell) for cell in row])


def _as_text(cell):
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return f"'{cell}"
    return cell


def _text_cells_as_text(content: bytes) -> bytes:
    """openpyxl (under tablib) stores a string starting with '=' as a formula;
    mark every such cell as text so the file shows it and never runs it."""
    workbook = load_workbook(BytesIO(content))
    changed = False
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed = True
    if not changed:
        return content
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
