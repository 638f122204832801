"""Reading the values of a workbook that passed ``targets.excel.safety``, and
saying what a cell holds and where it is; shared by every Excel import.

Values are read by python-calamine when it is installed (about 15× faster
than openpyxl on a 100,000-row sheet), else by openpyxl in read-only mode. The
fast reader cannot tell a formula without a cached value, or an error cell,
from an empty cell, so a workbook with formula or error markers is read by
openpyxl in two passes (formulas, then cached values). Nothing is ever
evaluated.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from regions.text import fold_width
from targets.excel.safety import (
    UnsafeWorkbookError,
    XlsxLimits,
    check_archive,
    column_index,
    not_xlsx_message,
    too_big_message,
)
from targets.formatting import plain_number, quoted_value

try:  # the fast reader; optional, openpyxl does the same more slowly
    from python_calamine import CalamineWorkbook
except ImportError:  # pragma: no cover - exercised by forcing the openpyxl reader
    CalamineWorkbook = None

UNCACHED_FORMULA = object()  # a formula cell that Excel never calculated
BLANK_ROWS_PAST_LIMIT = 1000
# A cell with its position and attributes, then its value (an optional
# formula first), as Excel and openpyxl write them.
POSITION_RE = re.compile(r"([A-Z]{1,3})(\d{1,7})")
MERGE_RE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*\bref\s*=\s*[\"']([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)[\"']"
)
# An XML Schema double as text (XML's own spaces around it, no others).
XSD_DOUBLE_RE = re.compile(
    r"[ \t\r\n]*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[ \t\r\n]*"
)


@dataclass(frozen=True)
class CellError:
    """An Excel error value such as ``#DIV/0!`` or ``#N/A``."""

    text: str

    def __str__(self) -> str:
        return self.text


class ProblemList(list):
    """The problems a page lists, ending (when there were more than it lists)
    with a line saying how many more; ``total`` counts them all. Problems
    added later go before that line, and adding another ``ProblemList`` adds
    its unlisted ones to the count."""

    unlisted = 0  # also while pickle or copy rebuild an instance

    def __init__(self, listed=(), unlisted: int = 0):
        super().__init__(listed)
        self.unlisted = 0
        self._count_unlisted(unlisted)

    def _count_unlisted(self, count: int) -> None:
        if not count:
            return
        if self.unlisted:
            super().pop()
        self.unlisted += count
        super().append(_("……另有 %(count)d 个问题未列出。") % {"count": self.unlisted})

    def append(self, problem) -> None:
        if self.unlisted:
            self.insert(len(self) - 1, problem)
        else:
            super().append(problem)

    def extend(self, problems) -> None:
        unlisted = problems.unlisted if isinstance(problems, ProblemList) else 0
        for problem in list(problems)[: len(problems) - 1 if unlisted else None]:
            self.append(problem)
        self._count_unlisted(unlisted)

    def __iadd__(self, problems):
        self.extend(problems)
        return self

    @property
    def total(self) -> int:
        return len(self) - 1 + self.unlisted if self.unlisted else len(self)


@dataclass(frozen=True)
class Loc:
    """Where a cell is, said the way a user finds it: 工作表“附件1”第3行C列(2025年)."""

    sheet: str
    row: int | None = None
    column: int | None = None
    header: str = ""

    def __str__(self) -> str:
        where = _("工作表“%(sheet)s”") % {"sheet": self.sheet}
        if self.row is not None:
            where += _("第%(row)d行") % {"row": self.row}
        if self.column is not None:
            where += _("%(column)s列") % {"column": get_column_letter(self.column)}
            if self.header:
                where = _("%(where)s(%(header)s)") % {"where": where, "header": self.header}
        return where

    def says(self, message: str) -> str:
        return said_at(str(self), message)


def said_at(where: str, message: str) -> str:
    """ "工作表“填报”第4行B列:这是…"; in English with a space after the colon."""
    return _("%(where)s:%(message)s") % {"where": where, "message": message}


def normalize(value: object) -> str:
    """The form names and headers are matched in: ``fold_width`` (full-width →
    half-width; superscripts and circled numbers stay as written),
    no whitespace at all (Chinese tables pad names: 昆 阳), straight quotes."""
    if value is None or value is UNCACHED_FORMULA:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    folded = fold_width(str(value)).translate(str.maketrans("“”‘’", "\"\"''"))
    return "".join(folded.split())


def describe_unusable(value: object) -> str | None:
    """Why a cell holds nothing usable as any value: a formula never
    calculated, or an error value (None: it holds a value, or nothing)."""
    if value is UNCACHED_FORMULA:
        return _("公式没有计算结果;请在 Excel 中重新计算并保存,或直接填写内容")
    if isinstance(value, CellError):
        return _("单元格是错误值 %(error)s") % {"error": value.text}
    return None


def describe_non_text(value: object) -> str | None:
    """Why a cell that should hold text (a name, a code, a note) does not:
    unusable, or a logical value or a date, which Excel shows as something
    other than what is stored. Numbers are fine (a code may be all digits)."""
    unusable = describe_unusable(value)
    if unusable:
        return unusable
    if isinstance(value, bool):
        return _("单元格是逻辑值(%(value)s),应填写文字") % {"value": "TRUE" if value else "FALSE"}
    if isinstance(value, datetime | date | time | timedelta):
        return _("单元格是日期或时间,应填写文字")
    return None


def describe_non_date(value: object) -> str | None:
    """Why a cell that should hold a date does not (None: it is a date, a
    datetime or text, which the caller reads as 2025-03-31 and the like). A
    date-formatted number that is no calendar day (0, a fraction, a negative
    number, one past year 9999) reads as a time of day or a bare number."""
    if isinstance(value, date | str) or value is None:
        return None
    unusable = describe_unusable(value)
    if unusable:
        return unusable
    if isinstance(value, bool):
        return _("单元格是逻辑值(%(value)s),不是日期") % {"value": "TRUE" if value else "FALSE"}
    if isinstance(value, time | timedelta):
        return _("单元格不是有效日期(Excel 中显示为时间或 ####);请填写如 2025-03-31 的日期")
    if isinstance(value, int | float | Decimal):
        return _("单元格是数字(%(value)s),不是日期;请填写如 2025-03-31 的日期") % {
            "value": quoted_value(
                Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            )
        }
    return _("无法识别的单元格内容")


def describe_non_number(value: object) -> str | None:
    """Why a cell that should hold a number does not (None: it is a number or
    empty). Text is refused even when it looks numeric: Excel's own sums skip
    numbers stored as text, so accepting them would hide a real mistake."""
    if value is None or isinstance(value, Decimal):
        return None
    if value is UNCACHED_FORMULA:
        return _("公式没有计算结果;请在 Excel 中重新计算并保存,或直接填写数值")
    if isinstance(value, CellError):
        return _("单元格是错误值 %(error)s,不是数字") % {"error": value.text}
    if isinstance(value, bool):
        return _("单元格是逻辑值(%(value)s),不是数字") % {"value": "TRUE" if value else "FALSE"}
    if isinstance(value, datetime | date | time | timedelta):
        return _("单元格是日期或时间,不是数字;请把单元格格式改为“常规”或“数值”")
    if isinstance(value, int | float):
        return None
    if isinstance(value, str):
        shown = value.strip()[:30]
        if _looks_numeric(shown):
            return _("“%(value)s”是文本格式的数字;请把单元格改为数值格式后重新填写") % {
                "value": shown
            }
        return _("“%(value)s”不是数字") % {"value": shown}
    return _("无法识别的单元格内容")


def _looks_numeric(text: str) -> bool:
    """Whether ``text`` is a number as a clerk writes one (1e3, 1_000 or ١٢
    are not: telling the user to change the cell's format would not help)."""
    return plain_number(fold_width(text).strip()) is not None


class CheckedWorkbook:
    """A workbook that passed ``check_archive``; reads sheets as grids of values.

    ``read_sheet`` returns rows from row 1 and columns from column A, so list
    positions are cell addresses. Cells hold None (empty), str, int, float,
    bool, date/time values, ``CellError`` or ``UNCACHED_FORMULA``.
    """

    def __init__(self, data: bytes, *, fast: bool, cell_markers: bool = True):
        self.data = data
        self.fast = fast and CalamineWorkbook is not None
        self.cell_markers = cell_markers
        try:
            if self.fast:
                self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
                self.sheet_names = list(self._calamine.sheet_names)
            else:
                self._values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
                self.sheet_names = list(self._values.sheetnames)
        except Exception as exc:  # both readers raise many kinds on a broken file
            raise UnsafeWorkbookError([not_xlsx_message(data)]) from exc

    def read_sheet(self, name: str, limits: XlsxLimits) -> list[list[object]]:
        try:
            rows = self._calamine_rows(name) if self.fast else self._openpyxl_rows(name, limits)
        except UnsafeWorkbookError:
            raise
        except Exception as exc:
            raise UnsafeWorkbookError([unreadable_sheet_message(self.data, name)]) from exc
        while rows and all(value is None for value in rows[-1]):
            rows.pop()
        if len(rows) > limits.max_rows:
            raise _too_many_rows(name, limits)
        return [self._within_columns(name, row, limits) for row in rows]

    def merged_ranges(self, name: str) -> list[tuple[int, int, int, int]]:
        """Sheet ``name``'s merged cells as (first row, first column, last row,
        last column), 1-based. Only a merged range's first cell keeps a
        value: the others read as empty."""
        if self.fast:
            sheet = self._calamine.get_sheet_by_name(name)
            return [
                (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []
            ]
        try:
            sheet = load_workbook(io.BytesIO(self.data), read_only=True)[name]
            return merged_ranges_of(self.data, sheet)
        except Exception as exc:  # passed check_archive: not expected
            raise UnsafeWorkbookError([unreadable_sheet_message(self.data, name)]) from exc

    @staticmethod
    def _within_columns(name: str, row: list[object], limits: XlsxLimits) -> list[object]:
        if len(row) <= limits.max_columns:
            return row
        if any(value is not None for value in row[limits.max_columns :]):
            message = _("工作表“%(sheet)s”超过 %(columns)d 列的上限")
            raise UnsafeWorkbookError([message % {"sheet": name, "columns": limits.max_columns}])
        return row[: limits.max_columns]

    def _calamine_rows(self, name: str) -> list[list[object]]:
        sheet = self._calamine.get_sheet_by_name(name)
        return [
            [None if value == "" else value for value in row]
            for row in sheet.to_python(skip_empty_area=False)
        ]

    def _openpyxl_rows(self, name: str, limits: XlsxLimits) -> list[list[object]]:
        """Streaming, and cut to the limits as rows come, so a sparse sheet
        cannot make a huge grid. With formula or error cells, two passes:
        formulas (to spot those never calculated), then cached values."""
        values_sheet = self._values[name]
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            bad = bad_number_cell(archive.read(values_sheet._worksheet_path), name)
        if bad is not None:
            raise UnsafeWorkbookError([bad])
        values_sheet.reset_dimensions()  # dimensions written by other tools may be wrong
        if self.cell_markers:
            formulas = load_workbook(io.BytesIO(self.data), read_only=True, data_only=False)
            formula_sheet = formulas[name]
            formula_sheet.reset_dimensions()
            cells = zip(formula_sheet.iter_rows(), values_sheet.iter_rows(), strict=False)
            source = (_exact_row(formula_row, value_row) for formula_row, value_row in cells)
        else:
            source = (list(values) for values in values_sheet.iter_rows(values_only=True))
        rows: list[list[object]] = []
        blank_rows_past_limit = 0
        for row in source:
            if len(rows) < limits.max_rows:
                rows.append(self._within_columns(name, row, limits))
                continue
            # Past the limit only blank (e.g. formatted) rows are tolerated, and
            # not many: one <row r="99999999"> would otherwise mean millions
            # of empty rows to step through.
            blank_rows_past_limit += 1
            if (
                any(value is not None for value in row)
                or blank_rows_past_limit > BLANK_ROWS_PAST_LIMIT
            ):
                raise _too_many_rows(name, limits)
        return rows


def merged_ranges_of(data: bytes, read_only_sheet) -> list[tuple[int, int, int, int]]:
    """The merged cells of an openpyxl read-only sheet of ``data``, which does
    not read them: (first row, first column, last row, last column), 1-based,
    from the sheet's XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(read_only_sheet._worksheet_path)
    return [
        (int(r0), column_index(c0), int(r1), column_index(c1))
        for c0, r0, c1, r1 in MERGE_RE.findall(xml)
    ]


def range_name(first_row: int, first_column: int, last_row: int, last_column: int) -> str:
    """B4:C5."""
    corners = [(first_row, first_column), (last_row, last_column)]
    return ":".join(f"{get_column_letter(column)}{row}" for row, column in corners)


def bad_number_cell(xml: bytes, name: str) -> str | None:
    """The first number cell of a worksheet's XML whose value is no number as
    the file format writes one (an XML Schema double, finite), said with its
    place; None when there is none (or the XML does not parse: the reader then
    says so). The fast reader refuses such a cell; openpyxl would take
    Python's wider reading (``1_5`` as 15, ``١٥`` or ``１５`` as 15), so its path
    checks first and both say the same. Parsed as XML (any namespace prefix,
    character references, CDATA), in one streaming pass; the archive passed
    ``check_archive`` (no DTD, no entity declarations) and defusedxml refuses
    them again."""
    try:
        for _event, element in iterparse(io.BytesIO(xml), events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag == "row":
                element.clear()  # one row in memory at a time
            if tag != "c" or element.get("t", "n") != "n":
                continue
            value = next((e for e in element if e.tag.rpartition("}")[2] == "v"), None)
            raw = value.text if value is not None and value.text else ""
            if not raw.strip():  # no cached value (a formula never calculated): said elsewhere
                continue
            # No number needs 400 characters; the length is checked first, as
            # the expression backtracks on a long run of digits.
            if len(raw) <= 400 and XSD_DOUBLE_RE.fullmatch(raw) and math.isfinite(float(raw)):
                continue
            shown = raw.strip()[:30]
            position = POSITION_RE.fullmatch(element.get("r", ""))
            if position is None:  # no place to name: the sheet as a whole
                message = _("工作表“%(sheet)s”中的“%(value)s”不是数字;请填写数字或清空该单元格")
                return message % {"sheet": name, "value": shown}
            loc = Loc(name, int(position.group(2)), column_index(position.group(1)))
            message = _("数值单元格中的“%(value)s”不是数字;请填写数字或清空该单元格")
            return loc.says(message % {"value": shown})
    except (ElementTree.ParseError, DefusedXmlException, ValueError, LookupError):
        return None  # an encoding the parser refuses: the readers say so
    return None


def unreadable_sheet_message(data: bytes, name: str) -> str:
    """Why sheet ``name`` of ``data`` (which passed ``check_archive``) could not
    be read. A number cell holding what is no number (NaN, INF, text written
    by another program) stops both readers: it is named, so the user fixes
    one cell rather than being told the file is no workbook."""
    try:
        path = load_workbook(io.BytesIO(data), read_only=True)[name]._worksheet_path
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(path)
    except Exception:  # the workbook itself is what cannot be read
        return not_xlsx_message(data)
    bad = bad_number_cell(xml, name)
    if bad is not None:
        return bad
    message = _("工作表“%(sheet)s”中有无法读取的内容;请在 Excel 中打开并另存为 .xlsx 后再导入")
    return message % {"sheet": name}


def open_workbook(data: bytes, limits: XlsxLimits, *, fast: bool = True) -> CheckedWorkbook:
    """Check ``data`` (see the module docstring) and open it for reading.
    ``fast=False`` forces openpyxl (tests use it to check both readers agree)."""
    if len(data) > limits.max_bytes:
        raise UnsafeWorkbookError([too_big_message(limits.max_bytes)])
    scan = check_archive(data, limits)
    return CheckedWorkbook(data, fast=fast and scan.fast_readable, cell_markers=scan.cell_markers)


def _too_many_rows(name: str, limits: XlsxLimits) -> UnsafeWorkbookError:
    message = _("工作表“%(sheet)s”超过 %(rows)d 行的上限")
    return UnsafeWorkbookError([message % {"sheet": name, "rows": limits.max_rows}])


def _exact_row(formula_cells, value_cells) -> list[object]:
    row = []
    for formula_cell, value_cell in zip(formula_cells, value_cells, strict=False):
        value = value_cell.value
        if getattr(value_cell, "data_type", None) == "e":
            value = CellError(str(value))
        elif getattr(formula_cell, "data_type", None) == "f" and value is None:
            value = UNCACHED_FORMULA
        row.append(value)
    return row
