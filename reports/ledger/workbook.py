"""The ledger workbook in the bureau's layout (docs/ledger-workbook.md): one
sheet per record type, Chinese headers, regions, incubators, industries and
titles by name. Bytes in, plain rows and problems out; no database.

Sheets (any subset may be uploaded; the operating-data template is the
workbook with its last sheet alone): 孵化载体, 载体认定, 载体标识, 在孵企业,
企业标识, 季度运营数据. Sheet names, headers and the words for kinds, statuses,
stages and levels are the file format and are not translated.

``read_ledger_file`` returns each sheet's rows as plain values (text, ISO
dates, decimal strings, choice codes) keyed by field, so that a preview can be
staged as JSON and planned again at confirmation
(``reports.ledger.workbook_plan``). Every problem names its sheet, row and
column, and all are collected.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from regions.text import UNSAFE_MESSAGE, has_unsafe_characters
from reports.choices import EnterpriseStage, ExitReason, IncubatorStatus
from reports.ledger.operating import COUNT, METRICS, metric_label, value_problem
from reports.ledger_models import past_ledger_date
from targets.choices import IncubatorKind, IncubatorLevel
from targets.excel.safety import UnsafeWorkbookError, XlsxLimits
from targets.excel.values import (
    Loc,
    ProblemList,
    describe_non_date,
    describe_non_number,
    describe_non_text,
    describe_unusable,
    normalize,
    open_workbook,
    range_name,
)
from targets.formatting import quoted_value, value_problems_text

TEXT, DATE, AREA, INT, NUMBER = "text", "date", "area", "int", "number"
KIND, STATUS, STAGE, EXIT, LEVEL = "kind", "status", "stage", "exit", "level"
MAX_PROBLEMS = 500
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = TEXT
    required: bool = False


SHEET_INCUBATORS = "孵化载体"
SHEET_RECOGNITIONS = "载体认定"
SHEET_INCUBATOR_FLAGS = "载体标识"
SHEET_ENTERPRISES = "在孵企业"
SHEET_ENTERPRISE_FLAGS = "企业标识"
SHEET_OPERATING = "季度运营数据"

# The last column of every sheet: the record (or a title's holder, or a
# quarter's operating data) as the export saw it. A row sent back whose record
# has changed since then would undo that change: it is refused
# (``reports.ledger.workbook_stamps``). Blank: not checked (a workbook made by
# hand).
STAMP_HEADER = "记录版本"


def _operating_columns() -> tuple[Column, ...]:
    with translation.override("zh-hans"):
        metrics = tuple(Column(metric_label(name), name, NUMBER, True) for name, _k in METRICS)
    return (
        Column("区域", "region", required=True),
        Column("载体名称", "incubator", required=True),
        Column("年份", "year", INT, True),
        Column("季度", "quarter", INT, True),
        *metrics,
        Column("备注", "note"),
        Column(STAMP_HEADER, "stamp"),
    )


# The operating sheet's cells a filled row has (its metrics and its note).
OPERATING_VALUE_FIELDS = (*(name for name, _kind in METRICS), "note")

SHEETS: dict[str, tuple[Column, ...]] = {
    SHEET_INCUBATORS: (
        Column("区域", "region", required=True),
        Column("载体名称", "name", required=True),
        Column("运营机构", "operator"),
        Column("载体类型", "kind", KIND, True),
        Column("主导产业", "lead_industry"),
        Column("第二主导产业", "second_industry"),
        Column("面积(万平方米)", "floor_area", AREA, True),
        Column("状态", "status", STATUS, True),
        Column("状态起始日期", "status_since", DATE, True),
        Column("投入运营日期", "operating_since", DATE),
        Column("备注", "note"),
        Column(STAMP_HEADER, "stamp"),
    ),
    SHEET_RECOGNITIONS: (
        Column("区域", "region", required=True),
        Column("载体名称", "incubator", required=True),
        Column("级别", "level", LEVEL, True),
        Column("认定日期", "recognised_on", DATE, True),
        Column(STAMP_HEADER, "stamp"),
    ),
    SHEET_INCUBATOR_FLAGS: (
        Column("区域", "region", required=True),
        Column("载体名称", "incubator", required=True),
        Column("标识", "flag", required=True),
        Column("获得日期", "granted_on", DATE, True),
        Column(STAMP_HEADER, "stamp"),
    ),
    SHEET_ENTERPRISES: (
        Column("企业名称", "name", required=True),
        Column("统一社会信用代码", "credit_code"),
        Column("区域", "region", required=True),
        Column("所在载体", "incubator", required=True),
        Column("所属产业", "industry"),
        Column("入孵日期", "entered_on", DATE, True),
        Column("阶段", "stage", STAGE, True),
        Column("毕业或退出日期", "left_on", DATE),
        Column("毕业或退出原因", "exit_reason", EXIT),
        Column("备注", "note"),
        Column(STAMP_HEADER, "stamp"),
    ),
    SHEET_ENTERPRISE_FLAGS: (
        Column("企业名称", "enterprise", required=True),
        Column("统一社会信用代码", "credit_code"),
        Column("标识", "flag", required=True),
        Column("获得日期", "granted_on", DATE, True),
        Column(STAMP_HEADER, "stamp"),
    ),
    SHEET_OPERATING: _operating_columns(),
}
CHOICES = {
    KIND: IncubatorKind,
    STATUS: IncubatorStatus,
    STAGE: EnterpriseStage,
    EXIT: ExitReason,
    LEVEL: IncubatorLevel,
}


def choice_words(kind: str) -> dict[str, str]:
    """How a choice is written in a file (its Chinese label) → its stored value."""
    with translation.override("zh-hans"):
        return {normalize(str(label)): str(value) for value, label in CHOICES[kind].choices}


def choice_word(kind: str, value) -> str:
    with translation.override("zh-hans"):
        return str(dict(CHOICES[kind].choices).get(value, value))


@dataclass
class SheetRow:
    row: int
    values: dict[str, str | None]


@dataclass
class LedgerFile:
    sheets: dict[str, list[SheetRow]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0
    # (sheet, row) of every row with a problem: the preview's dry run writes
    # only the others (``reports.ledger.workbook_apply.preview_ledger``).
    refused_rows: set[tuple[str, int]] = field(default_factory=set)

    def problem(self, loc: Loc, message: str) -> None:
        if loc.row is not None:
            self.refused_rows.add((loc.sheet, loc.row))
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
        else:
            self.problems.append(loc.says(message))

    @property
    def all_problems(self) -> list[str]:
        return ProblemList(self.problems, unlisted=self.more_problems)

    def as_payload(self) -> dict:
        return {name: [[r.row, r.values] for r in rows] for name, rows in self.sheets.items()}

    @classmethod
    def from_payload(cls, payload: dict) -> LedgerFile:
        return cls({name: [SheetRow(r, v) for r, v in rows] for name, rows in payload.items()})


def read_ledger_file(data: bytes, limits: XlsxLimits, *, fast: bool = True) -> LedgerFile:
    """Read every known sheet of ``data``; never raises for a bad file."""
    result = LedgerFile()
    try:
        workbook = open_workbook(data, limits, fast=fast)
        known = [name for name in workbook.sheet_names if name in SHEETS]
        # A known sheet's name with a space or a full-width letter added is
        # that sheet renamed by mistake: skipped silently, its rows would be
        # "unchanged". Named instead.
        by_form = {normalize(sheet): sheet for sheet in SHEETS}
        for name in workbook.sheet_names:
            meant = by_form.get(normalize(name))
            if meant is not None and name != meant:
                message = _("工作表名“%(name)s”应为“%(meant)s”(多了空格或全角字符);请改回原名")
                result.problems.append(message % {"name": name, "meant": meant})
        if result.problems:
            return result
        if not known:
            message = _("找不到台账工作表(%(wanted)s);工作簿中的工作表为:%(names)s")
            result.problems.append(
                message
                % {"wanted": "、".join(SHEETS), "names": "、".join(workbook.sheet_names) or "—"}
            )
            return result
        for name in known:
            _read_sheet(
                name, workbook.read_sheet(name, limits), result, workbook.merged_ranges(name)
            )
    except UnsafeWorkbookError as exc:
        result.problems.extend(exc.messages)
    return result


def _read_sheet(
    name: str, rows: list[list[object]], result: LedgerFile, merged: list[tuple[int, int, int, int]]
) -> None:
    columns = SHEETS[name]
    first = normalize(columns[0].header)
    header_row = next(
        (
            number
            for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1)
            if any(normalize(value) == first for value in row)
        ),
        None,
    )
    if header_row is None:
        result.problem(Loc(name), _("找不到表头“%(header)s”") % {"header": columns[0].header})
        return
    # Merged cells from the header down: only a range's first cell keeps its
    # content, the others would read as blank, clearing what is stored.
    merged_at = [m for m in sorted(merged) if m[2] >= header_row]
    for first_row, first_column, last_row, last_column in merged_at:
        message = _(
            "单元格 %(cells)s 是合并单元格:合并后只有第一格保留内容,其余各格会读作空白;"
            "请取消合并、逐格填写后重新上传"
        )
        cells = range_name(first_row, first_column, last_row, last_column)
        result.problem(Loc(name, first_row, first_column), message % {"cells": cells})
    # A header written twice (备注 renamed 区域): which column holds it is
    # unknowable, so the sheet is refused, naming both.
    positions: dict[str, int] = {}
    duplicated = False
    for index, value in enumerate(rows[header_row - 1]):
        header = normalize(value)
        if header and header in positions:
            duplicated = True
            message = _("列“%(header)s”重复(已在%(column)s列)")
            where = Loc(name, header_row, index + 1)
            column = get_column_letter(positions[header] + 1)
            result.problem(where, message % {"header": header, "column": column})
        elif header:
            positions[header] = index
    if merged_at or duplicated:
        return
    found: dict[str, int] = {}
    for column in columns:
        index = positions.get(normalize(column.header))
        if index is not None:
            found[column.field] = index
        elif column.required:
            result.problem(
                Loc(name, header_row), _("缺少列“%(header)s”") % {"header": column.header}
            )
    if any(c.required and c.field not in found for c in columns):
        return
    parsed = result.sheets.setdefault(name, [])
    # An operating row that names its incubator and quarter (as the template
    # lists every incubator) but holds no figure at all was left unfilled:
    # that incubator is left as it is, not refused for its blank cells.
    values_at = [found[f] for f in OPERATING_VALUE_FIELDS if f in found]
    skip_unfilled = name == SHEET_OPERATING and bool(values_at)
    for number in range(header_row + 1, len(rows) + 1):
        raw_row = rows[number - 1]
        if all(_blank(value) for value in raw_row):
            continue
        if skip_unfilled and all(_blank(raw_row[i]) for i in values_at if i < len(raw_row)):
            continue
        values: dict[str, str | None] = {}
        for column in columns:
            index = found.get(column.field)
            raw = raw_row[index] if index is not None and index < len(raw_row) else None
            loc = Loc(name, number, None if index is None else index + 1, column.header)
            value, problem = _cell(column, raw)
            if problem:
                result.problem(loc, problem)
            elif value is None and column.required:
                result.problem(loc, _("必填,不能为空"))
            values[column.field] = value
        parsed.append(SheetRow(number, values))


# The largest area the ledger stores (万平方米, two decimals).
MAX_AREA = Decimal("9999999999.99")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(column: Column, raw: object) -> tuple[str | None, str | None]:
    """The cell as a plain value (None: empty), or why it cannot be read."""
    if _blank(raw):
        return None, None
    if column.kind == TEXT:
        problem = describe_non_text(raw)
        if problem:
            return None, problem
        # Kept as written: a name's full-width brackets (（演示）) are its own.
        # Names are matched (regions, incubators, industries, firms) in a
        # folded form instead (``normalize``, ``normalise_name``).
        text = str(raw).strip()
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        if has_unsafe_characters(text):  # a NUL, a BEL…: PostgreSQL refuses a NUL
            return None, str(UNSAFE_MESSAGE)
        return (text[:500], None) if len(text) <= 500 else (None, _("内容过长(最多 500 字)"))
    unusable = describe_unusable(raw)
    if unusable:
        return None, unusable
    if column.kind == DATE:
        return _date(raw)
    if column.kind in CHOICES:
        value = choice_words(column.kind).get(normalize(raw))
        if value is None:
            words = "、".join(choice_word(column.kind, v) for v in CHOICES[column.kind].values)
            return None, _("“%(value)s”不是可选值(%(words)s)") % {
                "value": str(raw)[:30],
                "words": words,
            }
        return value, None
    number, problem = _number(raw)
    if problem:
        return None, problem
    if column.kind == INT:
        if number != number.to_integral_value():
            return None, _("应为整数")
        return str(int(number)), None
    if column.kind == AREA:
        if number < 0:
            return None, _("不能为负数")
        if number > MAX_AREA:  # before rounding: 1e30 cannot be rounded to 0.01
            return None, _("数值过大(%(value)s)") % {"value": quoted_value(number)}
        if number != number.quantize(Decimal("0.01")):
            return None, _("最多两位小数")
        return str(number.quantize(Decimal("0.01"))), None
    problem = value_problem(column.field, number)
    if problem:
        return None, value_problems_text(number, [problem])
    return (str(int(number)) if dict(METRICS)[column.field] == COUNT else str(number)), None


def _number(raw: object) -> tuple[Decimal | None, str | None]:
    if isinstance(raw, bool):
        return None, describe_non_number(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):  # NaN, or 1e309 read as inf: no number Excel shows
            return None, _("不是有效的数字。")
        return Decimal(repr(raw)), None
    if isinstance(raw, int):
        return Decimal(raw), None
    return None, describe_non_number(raw) or _("不是数字")


_DATE_TEXT = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")


def _date(raw: object) -> tuple[str | None, str | None]:
    problem = describe_non_date(raw)
    if problem:
        return None, problem
    day = _day(raw)
    if day is None:
        shown = str(raw)[:30]
        return None, _("“%(value)s”不是日期(如 2025-03-31)") % {"value": shown}
    try:
        past_ledger_date(day)
    except ValidationError as error:
        return None, " ".join(error.messages)
    return day.isoformat(), None


def _day(raw: object) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        match = _DATE_TEXT.match(normalize(raw))
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def decimal_of(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def date_of(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
