"""Writing the ledger workbook (``reports.ledger.workbook``'s layout): the
export of what a user may see, and the operating-data template of one region
and quarter (the workbook's 季度运营数据 sheet alone, prefilled). Both read
back through the same upload. A constant number of queries per export."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from regions.models import Region
from regions.text import xml_safe
from reports.ledger.operating import METRIC_NAMES, reported_incubators
from reports.ledger.workbook import (
    EXIT,
    KIND,
    LEVEL,
    SHEET_ENTERPRISE_FLAGS,
    SHEET_ENTERPRISES,
    SHEET_INCUBATOR_FLAGS,
    SHEET_INCUBATORS,
    SHEET_OPERATING,
    SHEET_RECOGNITIONS,
    SHEETS,
    STAGE,
    STATUS,
    choice_word,
)
from reports.ledger.workbook_stamps import export_stamp, operating_stamp
from reports.models import (
    Enterprise,
    EnterpriseFlagGrant,
    Incubator,
    IncubatorFlagGrant,
    IncubatorQuarter,
    IncubatorRecognition,
)
from reports.progress import Period

BOLD = Font(bold=True)
# Text a spreadsheet would take for a formula (CSV/Excel injection).
FORMULA_START = ("=", "+", "-", "@")
WIDTHS = {"载体名称": 28, "企业名称": 30, "所在载体": 28, "统一社会信用代码": 22, "备注": 30}


def build_workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        headers = [column.header for column in SHEETS[name]]
        for index, header in enumerate(headers, start=1):
            letter = chr(ord("A") + index - 1) if index <= 26 else None
            if letter:
                sheet.column_dimensions[letter].width = WIDTHS.get(header, 14)
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, header, bold=True) for header in headers])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value, *, bold: bool = False):
    value = xml_safe(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # kept as the text it is, never a live formula
    if bold:
        cell.font = BOLD
    return cell


def _name(record) -> str:
    return record.name if record is not None else ""


def export_ledger(regions: Iterable[Region]) -> bytes:
    """Every record of ``regions`` (the user's scope), one sheet per type."""
    regions = list(regions)
    incubators = list(
        Incubator.objects.filter(region__in=regions).select_related(
            "region", "lead_industry", "second_industry"
        )
    )
    sheets = {
        SHEET_INCUBATORS: [
            [
                i.region.name,
                i.name,
                i.operator,
                choice_word(KIND, i.kind),
                _name(i.lead_industry),
                _name(i.second_industry),
                i.floor_area,
                choice_word(STATUS, i.status),
                i.status_since,
                i.operating_since,
                i.note,
                export_stamp(i),
            ]
            for i in incubators
        ],
        SHEET_RECOGNITIONS: [
            [
                r.incubator.region.name,
                r.incubator.name,
                choice_word(LEVEL, r.level),
                r.recognised_on,
                export_stamp(r.incubator),
            ]
            for r in IncubatorRecognition.objects.filter(incubator__region__in=regions)
            .select_related("incubator__region")
            .order_by("incubator__region__order", "incubator__name", "recognised_on")
        ],
        SHEET_INCUBATOR_FLAGS: [
            [
                g.incubator.region.name,
                g.incubator.name,
                g.flag.name,
                g.granted_on,
                export_stamp(g.incubator),
            ]
            for g in IncubatorFlagGrant.objects.filter(incubator__region__in=regions)
            .select_related("incubator__region", "flag")
            .order_by("incubator__region__order", "incubator__name", "granted_on")
        ],
        SHEET_ENTERPRISES: [
            [
                e.name,
                e.credit_code,
                e.incubator.region.name,
                e.incubator.name,
                _name(e.industry),
                e.entered_on,
                choice_word(STAGE, e.stage),
                e.left_on,
                choice_word(EXIT, e.exit_reason) if e.exit_reason else "",
                e.note,
                export_stamp(e),
            ]
            for e in Enterprise.objects.filter(incubator__region__in=regions)
            .select_related("incubator__region", "industry")
            .order_by("incubator__region__order", "incubator__name", "name", "pk")
        ],
        SHEET_ENTERPRISE_FLAGS: [
            [
                g.enterprise.name,
                g.enterprise.credit_code,
                g.flag.name,
                g.granted_on,
                export_stamp(g.enterprise),
            ]
            for g in EnterpriseFlagGrant.objects.filter(enterprise__incubator__region__in=regions)
            .select_related("enterprise", "flag")
            .order_by("enterprise__name", "granted_on")
        ],
        SHEET_OPERATING: [
            _operating_row(q.incubator, q.year, q.quarter, q)
            for q in IncubatorQuarter.objects.filter(incubator__region__in=regions)
            .select_related("incubator__region")
            .order_by("year", "quarter", "incubator__region__order", "incubator__name")
        ],
    }
    return build_workbook(sheets)


def _operating_row(incubator, year: int, quarter: int, stored) -> list:
    values = [getattr(stored, name) if stored else None for name in METRIC_NAMES]
    return [
        incubator.region.name,
        incubator.name,
        year,
        quarter,
        *values,
        stored.note if stored else "",
        operating_stamp(stored),
    ]


def operating_template(regions: Iterable[Region], period: Period) -> bytes:
    """The 季度运营数据 sheet for ``period``: a row per incubator reported for
    it, prefilled with what is stored (blank where nothing is)."""
    regions = list(regions)
    stored = {
        row.incubator_id: row
        for row in IncubatorQuarter.objects.filter(
            incubator__region__in=regions, year=period.year, quarter=period.quarter
        )
    }
    incubators = reported_incubators([r.pk for r in regions], period.year, period.quarter)
    rows = [
        _operating_row(i, period.year, period.quarter, stored.get(i.pk))
        for i in incubators.select_related("region")
    ]
    return build_workbook({SHEET_OPERATING: rows})
