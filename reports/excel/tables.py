"""Table exports (xlsx, csv) through django-tables2's TableExport, with its two
traps handled: a Chinese file name in the header, and text that a spreadsheet
would run as a formula."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django_tables2.export import TableExport
from openpyxl import load_workbook

EXPORT_FORMATS = ("xlsx", "csv")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_response(table, export_format: str, filename: str) -> HttpResponse:
    exporter = TableExport(export_format, table)
    if export_format == "csv":
        _neutralise_csv(exporter.dataset)
        content = exporter.export()
        if isinstance(content, str):
            # A BOM so Excel opens the Chinese text as UTF-8.
            content = "\ufeff" + content
    else:
        content = _text_cells_as_text(exporter.export())
    response = HttpResponse(content, content_type=exporter.content_type())
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{export_format}"
    )
    return response


def _neutralise_csv(dataset) -> None:
    for row_index, row in enumerate(dataset):
        cleaned = [
            f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES) else cell
            for cell in row
        ]
        if cleaned != list(row):
            dataset[row_index] = cleaned
    dataset.headers = [
        f"'{h}" if isinstance(h, str) and h.startswith(FORMULA_PREFIXES) else h
        for h in dataset.headers or []
    ]


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
