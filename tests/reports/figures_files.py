"""Building figures workbooks for tests: the real template, edited; long
sheets; raw zip surgery for hostile files; and a snapshot of everything an
import could touch, to prove a refused file changed nothing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from reports.excel.figures_format import LONG_COLUMNS, ValueMode
from reports.figures.imports import template_for
from reports.models import Figure, PendingImport
from reports.progress import Period

# The Pingyang template: regions from row 4 in plan order, the county row
# last; indicators from column B in plan order (C is county-only).
REGION_ROWS = {
    "昆阳": 4,
    "鳌江": 5,
    "水头": 6,
    "萧江": 7,
    "万全": 8,
    "腾蛟": 9,
    "麻步": 10,
    "海西": 11,
    "经开区": 12,
    "全县": 13,
}
COLUMNS = {
    "space": "B",
    "carriers": "C",
    "enterprises": "D",
    "talents": "E",
    "tech-enterprises": "F",
    "incubators-20": "G",
}


def cell(region: str, indicator: str) -> str:
    return f"{COLUMNS[indicator]}{REGION_ROWS[region]}"


def template(plan, period: str = "2026Q3", mode: ValueMode = ValueMode.QUARTER) -> bytes:
    return template_for(plan, Period.from_code(period), mode)


def edit(data: bytes, cells: dict[str, object], sheet: str = "填报") -> bytes:
    """``data`` with ``cells`` ({"B4": 1.5, …}) set on ``sheet``."""
    book = load_workbook(io.BytesIO(data))
    for address, value in cells.items():
        book[sheet][address] = value
    return save(book)


def save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def long_sheet(rows: list[list[object]], header=LONG_COLUMNS, sheet: str = "数据") -> bytes:
    book = Workbook()
    book.active.title = sheet
    book.active.append(list(header))
    for row in rows:
        book.active.append(row)
    return save(book)


def patch_zip(data: bytes, change) -> bytes:
    """Rewrite each member through ``change(name, bytes) -> bytes | None``
    (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = change(item.filename, source.read(item.filename))
            if content is not None:
                target.writestr(item.filename, content)
    return out.getvalue()


def sheet_xml_name(data: bytes, title: str = "填报") -> str:
    """The zip member of a sheet, for tests that edit the XML directly."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    index = book.sheetnames.index(title) + 1
    return f"xl/worksheets/sheet{index}.xml"


def snapshot() -> tuple:
    """Everything an import could change, exactly."""
    figures = sorted(
        Figure.objects.values_list(
            "pk",
            "indicator_id",
            "region_id",
            "year",
            "quarter",
            "value",
            "note",
            "version",
            "entered_by_id",
            "entered_at",
        )
    )
    pending = sorted(PendingImport.objects.values_list("pk", "user_id", "sha256", "payload"))
    return figures, pending, Figure.history.count()


def figure_values(plan, year: int, quarter: int) -> dict[tuple[str, str | None], Decimal]:
    rows = Figure.objects.filter(indicator__plan=plan, year=year, quarter=quarter).values_list(
        "indicator__code", "region__name", "value"
    )
    return {(code, region): value for code, region, value in rows}
