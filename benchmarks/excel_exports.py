"""The exports' half of benchmarks/excel.py: the long export, the report
workbook and the matrix table exports, each beside openpyxl write-only (or
``csv.writer``) writing the same cells from memory, measured in the same run.
The exports are timed alone: the arguments the views hand them are captured
once through the test client, so the progress table is not recomputed."""

from __future__ import annotations

import csv
import io
import itertools
import statistics
import time
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

SHEET_LONG = "数据"  # reports.excel.figures_format, readable before Django is set up


@dataclass
class Ratio:
    label: str
    seconds: float
    floor_s: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_s


def timed(function, runs: int = 1) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def raw_write(path, rows: list[tuple]) -> None:
    from reports.excel.figures_format import LONG_COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_LONG)
    sheet.append(LONG_COLUMNS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _captured(module, name: str, url: str, user, params: dict) -> tuple[tuple, dict]:
    """The arguments a view hands to ``module.name`` on a GET of ``url``: the
    exports are then timed alone, without computing the progress table."""
    from django.test import Client

    calls = []
    original = getattr(module, name)

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    client = Client()
    client.force_login(user)
    setattr(module, name, spy)
    try:
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    finally:
        setattr(module, name, original)
    return calls[0]


def _consume(response) -> int:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body)


def styled_cells(content: bytes) -> list[tuple[str, list[list[tuple]], list[tuple]]]:
    """Every sheet's cell values with an index into its distinct styles
    (font, fill, border, alignment, number format), from a built workbook."""
    workbook = load_workbook(io.BytesIO(content))
    sheets = []
    for sheet in workbook.worksheets:
        styles: dict[tuple, int] = {}
        rows = []
        for row in sheet.iter_rows():
            cells = []
            for c in row:
                style = (*map(copy, (c.font, c.fill, c.border, c.alignment)), c.number_format)
                cells.append((c.value, styles.setdefault(style, len(styles))))
            rows.append(cells)
        sheets.append((sheet.title, rows, list(styles)))
    return sheets


def styled_floor(sheets: list[tuple[str, list[list[tuple]], list[tuple]]]) -> bytes:
    """openpyxl write-only writing ``sheets``' cells with their styles; each
    distinct style set once and then copied (no per-cell style lookups)."""
    workbook = Workbook(write_only=True)
    for title, rows, styles in sheets:
        sheet = workbook.create_sheet(title)
        arrays = {}
        for row in rows:
            out = []
            for value, style in row:
                cell = WriteOnlyCell(sheet, value)
                array = arrays.get(style)
                if array is None:
                    font, fill, border, alignment, number_format = styles[style]
                    cell.font, cell.fill, cell.border = font, fill, border
                    cell.alignment, cell.number_format = alignment, number_format
                    arrays[style] = cell._style
                else:
                    cell._style = copy(array)
                out.append(cell)
            sheet.append(out)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plain_floor(rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_floor(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def time_exports(plan, user, workdir: Path, rows: int, runs: int = 3) -> list[Ratio]:
    from django.urls import reverse

    from reports.excel import tables as table_exports
    from reports.excel.export import figure_rows, write_long_workbook
    from reports.views import dashboards
    from reports.views import report as report_view

    results = []
    export_file, raw_file = workdir / "export.xlsx", workdir / "raw.xlsx"
    long_s = timed(
        lambda: write_long_workbook(
            export_file, itertools.islice(figure_rows(plan), rows), plan=plan
        ),
        runs=runs,
    )[0]
    same_rows = list(itertools.islice(figure_rows(plan), rows))
    long_floor = timed(lambda: raw_write(raw_file, same_rows), runs=runs)[0]
    results.append(Ratio(f"long export ({rows:,} figures)", long_s, long_floor))

    args, kwargs = _captured(
        report_view, "build_report_workbook", reverse("reports:report"), user, {}
    )
    report_s, content = timed(lambda: report_view.build_report_workbook(*args, **kwargs), runs=runs)
    sheets = styled_cells(content)
    report_floor = timed(lambda: styled_floor(sheets), runs=runs)[0]
    cells = sum(len(row) for _title, rows_, _styles in sheets for row in rows_)
    results.append(Ratio(f"report workbook ({cells:,} cells)", report_s, report_floor))

    url = reverse("reports:matrix")
    for export_format, floor in (("xlsx", plain_floor), ("csv", csv_floor)):
        args, kwargs = _captured(
            dashboards, "export_response", url, user, {"_export": export_format}
        )
        table = args[0]
        table_s = timed(
            lambda a=args, k=kwargs: _consume(table_exports.export_response(*a, **k)), runs=runs
        )[0]
        values = [list(row) for row in table.as_values()]
        floor_s = timed(lambda: floor(values), runs=runs)[0]  # noqa: B023
        label = f"matrix {export_format} export ({len(values):,} rows × {len(values[0])})"
        results.append(Ratio(label, table_s, floor_s))
    return results
