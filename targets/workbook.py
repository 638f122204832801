"""The plan as an Excel workbook: read it into plain data, write plain data to it.

No database here. ``read_plan_workbook`` returns a ``PlanData`` or raises
``PlanWorkbookError`` carrying every problem found, each message naming the sheet,
row and column. The layout is documented in docs/plan-workbook.md. Sheet and header
names are the file format, so they are deliberately not translated.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from django.core.validators import slug_re
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from targets.choices import MAX_DECIMAL_PLACES, VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS
from targets.xlsx_safety import (
    UNCACHED_FORMULA,
    Loc,
    UnsafeWorkbookError,
    XlsxLimits,
    check_archive,
    normalize,
)

SHEET_PLAN, SHEET_INDICATORS, SHEET_REGIONS = "计划", "指标", "区域"
SHEET_ANNEX1, SHEET_ANNEX2 = "附件1", "附件2"
SHEETS = (SHEET_PLAN, SHEET_INDICATORS, SHEET_REGIONS, SHEET_ANNEX1, SHEET_ANNEX2)
PLAN_KEYS = ("计划名称", "文号", "全县名称", "起始年份", "结束年份")
INDICATOR_COLUMNS = ("序号", "代码", "指标名称", "附件2名称", "单位", "小数位数", "按区域分解")
REGION_COLUMNS = ("序号", "代码", "名称")

# Untrusted uploads: a real plan workbook is a few dozen kilobytes.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 2000, 1000
LIMITS = XlsxLimits(
    max_bytes=MAX_FILE_BYTES,
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    max_rows=MAX_ROWS,
    max_columns=MAX_COLUMNS,
)
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row, as in the annexes
MAX_MESSAGES = 50
MAX_VALUE = Decimal(10) ** (VALUE_MAX_DIGITS - VALUE_DECIMAL_PLACES)

YEAR_RE = re.compile(r"(\d{4})年?(?:建设任务|任务|目标)?")
STRETCH_RE = re.compile(r"(\d{4})年?高线")
TOTAL_RE = re.compile(r"(?:总计|合计)(高线)?")


@dataclass(frozen=True)
class IndicatorData:
    code: str
    name: str
    alt_name: str = ""
    unit: str = ""
    decimal_places: int = 0
    by_region: bool = True
    order: int = 0

    @property
    def labels(self) -> set[str]:
        """Every way the annexes may name it, normalized."""
        names = (self.name, self.alt_name)
        return {normalize(label) for n in names if n for label in (n, label_of(n, self.unit))}


@dataclass(frozen=True)
class RegionData:
    code: str
    name: str
    order: int = 0


@dataclass(frozen=True)
class TargetData:
    """``region_code`` None: the county; ``year`` None: the whole plan (总计)."""

    indicator_code: str
    region_code: str | None
    year: int | None
    value: Decimal
    stretch_value: Decimal | None = None


@dataclass(frozen=True)
class PlanData:
    name: str
    first_year: int
    last_year: int
    document_number: str = ""
    county_name: str = "全县"
    indicators: tuple[IndicatorData, ...] = ()
    regions: tuple[RegionData, ...] = ()
    targets: tuple[TargetData, ...] = ()

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class PlanWorkbookError(Exception):
    """The workbook cannot be imported; ``messages`` says where and why, in Chinese."""

    def __init__(self, messages: list[str]):
        if len(messages) > MAX_MESSAGES:
            more = _("……另有 %(count)d 个问题未列出。") % {"count": len(messages) - MAX_MESSAGES}
            messages = [*messages[:MAX_MESSAGES], more]
        self.messages = messages
        super().__init__("\n".join(messages))


# ---------------------------------------------------------------- cells


class BadCell(Exception):
    pass


@dataclass
class Problems:
    messages: list[str] = field(default_factory=list)

    def add(self, loc: Loc, message: str, **params: object) -> None:
        self.messages.append(loc.says(message % params if params else message))

    def raise_if_any(self) -> None:
        if self.messages:
            raise PlanWorkbookError(self.messages)


def label_of(name: str, unit: str) -> str:
    """How the annexes print an indicator: 新增孵化空间面积(万平方米)."""
    return f"{name}({unit})" if unit else name


def parse_slot(header: str) -> tuple[int | None, bool] | None:
    """A normalized annex header → (year, or None for 总计; is it a stretch column)."""
    if match := YEAR_RE.fullmatch(header):
        return int(match[1]), False
    if match := STRETCH_RE.fullmatch(header):
        return int(match[1]), True
    if match := TOTAL_RE.fullmatch(header):
        return None, bool(match[1])
    return None


def slot_header(year: int | None, stretch: bool, *, annex2: bool = False) -> str:
    base = ("总计" if year is None else f"{year}年") + ("高线" if stretch else "")
    return f"{base}建设任务" if annex2 and year is not None and not stretch else base


def _plain(value: object) -> object:
    if value is UNCACHED_FORMULA:
        raise BadCell(_("公式没有计算结果;请在 Excel 中重新计算并保存,或直接填写数值"))
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal | None):
        raise BadCell(_("无法识别的单元格内容“%(value)s”") % {"value": value})
    return value


def text(value: object, max_length: int, *, required: bool = True) -> str:
    value = _plain(value)
    result = normalize(value) if isinstance(value, int | float) else str(value or "").strip()
    if required and not result:
        raise BadCell(_("不能为空"))
    if len(result) > max_length:
        raise BadCell(_("不能超过 %(count)d 个字") % {"count": max_length})
    return result


def integer(value: object, low: int, high: int) -> int:
    digits = normalize(_plain(value)).removesuffix("年")
    if not digits.isdigit() or not low <= int(digits) <= high:
        message = _("应为 %(low)d 到 %(high)d 之间的整数,而不是“%(value)s”")
        raise BadCell(message % {"low": low, "high": high, "value": digits})
    return int(digits)


def yes_no(value: object) -> bool:
    answer = value if isinstance(value, bool) else normalize(_plain(value))
    if answer not in ("是", "否", True, False):
        raise BadCell(_("应填“是”或“否”,而不是“%(value)s”") % {"value": answer})
    return answer in ("是", True)


def amount(value: object, decimal_places: int) -> Decimal | None:
    """A target value as Decimal, or None for an empty cell."""
    value = _plain(value)
    if value is None or normalize(value) == "":
        return None
    # str() of a float is its shortest repr: 0.35 stays 0.35, not 0.34999…
    raw = normalize(value).replace(",", "") if isinstance(value, str) else str(value)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise BadCell(_("“%(value)s”不是数字") % {"value": value})
    if number < 0:
        raise BadCell(_("不能为负数(%(value)s)") % {"value": raw})
    if number >= MAX_VALUE:
        raise BadCell(_("数值过大(%(value)s)") % {"value": raw})
    if number != number.quantize(Decimal(1).scaleb(-decimal_places)):
        message = _("%(value)s 的小数位数超过该指标允许的 %(places)d 位")
        raise BadCell(message % {"value": raw, "places": decimal_places})
    return number


def _code(value: object) -> str:
    code = text(value, 40)
    if not slug_re.fullmatch(code):
        raise BadCell(_("代码“%(code)s”只能含字母、数字、连字符和下划线") % {"code": code})
    return code


# ---------------------------------------------------------------- reading


@dataclass
class SheetGrid:
    """A sheet's values; a formula with no cached value is UNCACHED_FORMULA."""

    title: str
    rows: list[list[object]]

    def cell(self, row: int, column: int | None) -> object:
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return cells[column - 1] if column and 0 < column <= len(cells) else None

    def row_numbers(self, after: int = 0) -> list[int]:
        """The non-blank rows below row ``after``."""
        return [
            number
            for number, row in enumerate(self.rows[after:], start=after + 1)
            if any(normalize(v) or v is UNCACHED_FORMULA for v in row)
        ]

    def find_row(self, wanted) -> int | None:
        for row in range(1, min(len(self.rows), HEADER_SEARCH_ROWS) + 1):
            if any(wanted(normalize(v)) for v in self.rows[row - 1]):
                return row
        return None

    def headers(self, row: int, known: tuple[str, ...], problems: Problems) -> dict[str, int]:
        columns: dict[str, int] = {}
        for column, raw in enumerate(self.rows[row - 1], start=1):
            name, loc = normalize(raw), Loc(self.title, row, column)
            if name and name not in known:
                message = _("无法识别的列“%(name)s”(可用:%(known)s)")
                problems.add(loc, message, name=name, known="、".join(known))
            elif name in columns:
                problems.add(loc, _("列“%(name)s”重复"), name=name)
            elif name:
                columns[name] = column
        return columns


def _read_bytes(source: str | Path | BinaryIO) -> bytes:
    try:
        if isinstance(source, str | Path):
            with open(source, "rb") as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
        else:
            data = source.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PlanWorkbookError([_("无法打开文件:%(error)s") % {"error": exc}]) from exc
    if len(data) > MAX_FILE_BYTES:
        raise PlanWorkbookError([_("文件过大(超过 10 MB),不像是计划工作簿")])
    return data


def _load_grids(data: bytes) -> dict[str, SheetGrid]:
    not_xlsx = _("文件不是有效的 Excel 工作簿(.xlsx);请用 Excel 另存为 .xlsx 后再导入")
    try:  # size, zip bombs, DTDs: before openpyxl sees a byte (targets/xlsx_safety.py)
        check_archive(data, LIMITS)
    except UnsafeWorkbookError as exc:
        raise PlanWorkbookError(exc.messages) from None
    try:
        # Read twice: with formulas to spot them, with cached values to use them.
        # Nothing is ever evaluated.
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        names = [name for name in SHEETS if name in formulas.sheetnames]
        grids = {name: _grid(name, formulas[name], values[name]) for name in names}
    except PlanWorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise PlanWorkbookError([f"{not_xlsx}({type(exc).__name__})"]) from exc
    missing = [Loc(name).says(_("工作表不存在")) for name in SHEETS if name not in grids]
    if missing:
        raise PlanWorkbookError(missing)
    return grids


def _grid(title: str, formula_sheet, value_sheet) -> SheetGrid:
    formula_sheet.reset_dimensions()  # dimensions written by other tools may be wrong
    value_sheet.reset_dimensions()
    rows: list[list[object]] = []
    pairs = zip(formula_sheet.iter_rows(), value_sheet.iter_rows(values_only=True), strict=True)
    for number, (cells, values) in enumerate(pairs, start=1):
        row = [
            UNCACHED_FORMULA if cell.data_type == "f" and value is None else value
            for cell, value in zip(cells, values, strict=True)
        ]
        if number > MAX_ROWS or len(row) > MAX_COLUMNS:
            if any(normalize(v) for v in row[MAX_COLUMNS if number <= MAX_ROWS else 0 :]):
                raise PlanWorkbookError([Loc(title, number).says(_("超出工作表大小上限"))])
            row = row[:MAX_COLUMNS]
        if number <= MAX_ROWS:
            rows.append(row)
    return SheetGrid(title, rows)


def read_plan_workbook(source: str | Path | BinaryIO) -> PlanData:
    """Parse a plan workbook; raise PlanWorkbookError listing every problem."""
    grids = _load_grids(_read_bytes(source))
    problems = Problems()
    plan = _read_plan_sheet(grids[SHEET_PLAN], problems)
    indicators = _read_indicators(grids[SHEET_INDICATORS], problems)
    regions = _read_regions(grids[SHEET_REGIONS], plan, problems)
    problems.raise_if_any()
    cells = _TargetCells()
    _read_annex1(grids[SHEET_ANNEX1], plan, indicators, problems, cells)
    county_row = _read_annex2(grids[SHEET_ANNEX2], plan, indicators, regions, problems, cells)
    # The county row of 附件2 repeats 附件1: it is checked, never a second source.
    # (Only once 附件1 is sound, or a bad 附件1 cell would be reported twice.)
    for key, stretch, number, loc in [] if problems.messages else county_row:
        expected = cells.get(key, stretch)
        if expected is None:
            problems.add(loc, _("工作表“附件1”中没有对应的全县数值(全县行只作核对)"))
        elif expected != number:
            message = _("全县行的 %(value)s 与工作表“附件1”的 %(expected)s 不一致")
            problems.add(loc, message, value=number, expected=expected)
    targets = cells.build(problems)
    problems.raise_if_any()
    return PlanData(
        name=plan.name,
        first_year=plan.first_year,
        last_year=plan.last_year,
        document_number=plan.document_number,
        county_name=plan.county_name,
        indicators=tuple(indicators),
        regions=tuple(regions),
        targets=tuple(targets),
    )


def _read_plan_sheet(sheet: SheetGrid, problems: Problems) -> PlanData | None:
    rows: dict[str, int] = {}
    for row in sheet.row_numbers():
        key, loc = normalize(sheet.cell(row, 1)), Loc(sheet.title, row, 1)
        if key in ("项目", ""):  # the header row, or a note in column B only
            continue
        if key not in PLAN_KEYS:
            message = _("无法识别的项目“%(key)s”(可用:%(known)s)")
            problems.add(loc, message, key=key, known="、".join(PLAN_KEYS))
        elif key in rows:
            problems.add(loc, _("项目“%(key)s”重复(已在第%(row)d行)"), key=key, row=rows[key])
        else:
            rows[key] = row
    converters = {
        "计划名称": ("name", lambda v: text(v, 200)),
        "文号": ("document_number", lambda v: text(v, 100, required=False)),
        "全县名称": ("county_name", lambda v: text(v, 50, required=False) or "全县"),
        "起始年份": ("first_year", lambda v: integer(v, 2000, 2100)),
        "结束年份": ("last_year", lambda v: integer(v, 2000, 2100)),
    }
    fields = {}
    for key, (name, convert) in converters.items():
        try:
            fields[name] = convert(sheet.cell(rows[key], 2) if key in rows else None)
        except BadCell as bad:
            if key in rows:
                problems.add(Loc(sheet.title, rows[key], 2, key), bad.args[0])
            else:
                problems.add(Loc(sheet.title), _("缺少“%(key)s”一行"), key=key)
    if len(fields) < len(converters):
        return None
    if fields["last_year"] < fields["first_year"]:
        problems.add(Loc(sheet.title, rows["结束年份"], 2), _("结束年份早于起始年份"))
        return None
    return PlanData(**fields)


def _records(sheet: SheetGrid, known: tuple[str, ...], required: tuple[str, ...], problems):
    """Yield (row, {column name: (value, Loc)}) for each non-blank row below the header."""
    header = sheet.find_row(lambda t: t == required[0])
    if header is None:
        problems.add(Loc(sheet.title), _("找不到表头行(含“%(name)s”的行)"), name=required[0])
        return
    columns = sheet.headers(header, known, problems)
    missing = [name for name in required if name not in columns]
    for name in missing:
        problems.add(Loc(sheet.title, header), _("缺少“%(name)s”列"), name=name)
    for row in [] if missing else sheet.row_numbers(after=header):
        yield (
            row,
            {n: (sheet.cell(row, c), Loc(sheet.title, row, c, n)) for n, c in columns.items()},
        )


def _fields(record: dict, converters: dict, problems: Problems) -> dict | None:
    """Convert each column of a record; None (after reporting) if any cell is bad."""
    result, ok = {}, True
    for name, convert in converters.items():
        value, loc = record.get(name, (None, None))
        try:
            result[name] = convert(value)
        except BadCell as bad:
            problems.add(loc, bad.args[0])
            ok = False
    return result if ok else None


def _unique(seen: dict, key: object, label: str, row: int, loc: Loc, problems: Problems) -> bool:
    if key in seen:
        message = _("%(what)s“%(key)s”重复(已在第%(row)d行)")
        problems.add(loc, message, what=label, key=key, row=seen[key])
        return False
    seen[key] = row
    return True


def _read_indicators(sheet: SheetGrid, problems: Problems) -> list[IndicatorData]:
    converters = {
        "代码": _code,
        "指标名称": lambda v: text(v, 200),
        "附件2名称": lambda v: text(v, 200, required=False),
        "单位": lambda v: text(v, 20, required=False),
        "小数位数": lambda v: 0 if v in (None, "") else integer(v, 0, MAX_DECIMAL_PLACES),
        "按区域分解": yes_no,
    }
    indicators, codes, labels = [], {}, {}
    required = ("指标名称", "代码", "按区域分解")
    for row, record in _records(sheet, INDICATOR_COLUMNS, required, problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        indicator = IndicatorData(
            code=found["代码"],
            name=found["指标名称"],
            alt_name=found["附件2名称"],
            unit=found["单位"],
            decimal_places=found["小数位数"],
            by_region=found["按区域分解"],
            order=len(indicators) + 1,
        )
        _unique(codes, indicator.code, _("代码"), row, record["代码"][1], problems)
        for label in indicator.labels:  # the annexes find indicators by these names
            _unique(labels, label, _("指标名称"), row, record["指标名称"][1], problems)
        indicators.append(indicator)
    return indicators


def _read_regions(sheet: SheetGrid, plan: PlanData | None, problems: Problems) -> list[RegionData]:
    converters = {"代码": _code, "名称": lambda v: text(v, 100)}
    county = normalize(plan.county_name) if plan else ""
    regions, codes, names = [], {}, {}
    for row, record in _records(sheet, REGION_COLUMNS, ("名称", "代码"), problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        region = RegionData(found["代码"], found["名称"], order=len(regions) + 1)
        if normalize(region.name) == county:
            problems.add(record["名称"][1], _("区域名称不能与全县名称相同"))
        _unique(codes, region.code, _("代码"), row, record["代码"][1], problems)
        _unique(names, normalize(region.name), _("区域"), row, record["名称"][1], problems)
        regions.append(region)
    return regions


class _TargetCells:
    """Values and stretch values as read, each with the cell it came from."""

    def __init__(self) -> None:
        self.cells: dict[tuple, dict[bool, tuple[Decimal, Loc]]] = {}

    def put(self, key: tuple, stretch: bool, number: Decimal, loc: Loc) -> None:
        self.cells.setdefault(key, {})[stretch] = (number, loc)

    def get(self, key: tuple, stretch: bool) -> Decimal | None:
        found = self.cells.get(key, {}).get(stretch)
        return found[0] if found else None

    def build(self, problems: Problems) -> list[TargetData]:
        targets = []
        for key, entry in self.cells.items():
            value, stretch = entry.get(False), entry.get(True)
            if value is None:
                problems.add(stretch[1], _("有高线但没有目标值"))
            elif stretch is not None and stretch[0] < value[0]:
                message = _("高线 %(stretch)s 低于目标值 %(value)s")
                problems.add(stretch[1], message, stretch=stretch[0], value=value[0])
            else:
                targets.append(TargetData(*key, value[0], stretch[0] if stretch else None))
        return targets


def _slot_at(sheet: SheetGrid, row: int, column: int, plan: PlanData, problems: Problems):
    """The (year, is_stretch) a header cell names, or None after saying why not."""
    header = normalize(sheet.cell(row, column))
    slot, loc = parse_slot(header), Loc(sheet.title, row, column, header)
    if slot is None:
        message = _("无法识别的表头(应为“2025年”“2025年高线”“总计”或“总计高线”这类写法)")
        problems.add(loc, message)
    elif slot[0] is not None and not plan.first_year <= slot[0] <= plan.last_year:
        message = _("年份 %(year)d 不在计划期 %(first)d—%(last)d 年内")
        problems.add(loc, message, year=slot[0], first=plan.first_year, last=plan.last_year)
        return None
    return slot


def _read_values(sheet, row, columns, header_row, indicator_of, problems):
    """Yield (column, Decimal, Loc) for each filled, valid cell of ``row``."""
    for column in columns:
        loc = Loc(sheet.title, row, column, normalize(sheet.cell(header_row, column)))
        try:
            number = amount(sheet.cell(row, column), indicator_of(column).decimal_places)
        except BadCell as bad:
            problems.add(loc, bad.args[0])
            continue
        if number is not None:
            yield column, number, loc


def _indicator_in(sheet, row, column, lookup, problems) -> IndicatorData | None:
    name = normalize(sheet.cell(row, column))
    found = lookup.get(name)
    if found is None:
        message = _("未知指标“%(name)s”(须先列在工作表“指标”中)") if name else _("缺少指标名称")
        problems.add(Loc(sheet.title, row, column, name), message, name=name)
    return found


def _read_annex1(sheet, plan, indicators, problems, cells) -> None:
    header = sheet.find_row(lambda t: t == "指标名称")
    if header is None:
        problems.add(Loc(sheet.title), _("找不到表头行(含“指标名称”的行)"))
        return
    name_column, slots = None, {}
    for column, raw in enumerate(sheet.rows[header - 1], start=1):
        title = normalize(raw)
        if title == "指标名称":
            name_column = column
        elif title in ("", "序号", "单位"):
            continue
        elif slot := _slot_at(sheet, header, column, plan, problems):
            if slot in slots.values():
                problems.add(Loc(sheet.title, header, column, title), _("该列重复"))
            slots[column] = slot
    for year in plan.years:
        if (year, False) not in slots.values():
            problems.add(Loc(sheet.title, header), _("缺少“%(year)d年”列"), year=year)
    lookup = {label: i for i in indicators for label in i.labels}
    seen: dict[str, int] = {}
    for row in sheet.row_numbers(after=header):
        indicator = _indicator_in(sheet, row, name_column, lookup, problems)
        loc = Loc(sheet.title, row, name_column)
        if indicator is None or not _unique(seen, indicator.name, _("指标"), row, loc, problems):
            continue
        for column, number, where in _read_values(
            sheet, row, slots, header, lambda _c, i=indicator: i, problems
        ):
            year, stretch = slots[column]
            cells.put((indicator.code, None, year), stretch, number, where)
    for indicator in indicators:
        if indicator.name not in seen:
            problems.add(Loc(sheet.title), _("缺少指标“%(name)s”的行"), name=indicator.name)


def _annex2_columns(sheet, group_row, plan, indicators, problems) -> dict[int, tuple]:
    """Column → ((year, is_stretch), indicator) from the two header rows."""
    lookup = {label: i for i in indicators for label in i.labels}
    columns: dict[int, tuple] = {}
    slot: object = None
    width = max(len(sheet.rows[r - 1]) for r in (group_row, group_row + 1) if r <= len(sheet.rows))
    for column in range(2, width + 1):
        if normalize(sheet.cell(group_row, column)):  # a merged cell: its value is in the first
            slot = _slot_at(sheet, group_row, column, plan, problems) or "skip"
        loc = Loc(sheet.title, group_row + 1, column, normalize(sheet.cell(group_row + 1, column)))
        if not loc.header or slot == "skip":
            continue
        if slot is None:
            problems.add(loc, _("该列上方缺少年份表头"))
        elif (indicator := _indicator_in(sheet, loc.row, column, lookup, problems)) is None:
            continue
        elif not indicator.by_region:
            problems.add(loc, _("这是仅全县指标,不按区域分解,附件2中不应有此列"))
        elif (slot, indicator) in columns.values():
            problems.add(loc, _("该列重复"))
        else:
            columns[column] = (slot, indicator)
    for year in plan.years:
        for indicator in (i for i in indicators if i.by_region):
            if ((year, False), indicator) not in columns.values():
                message = _("“%(year)d年建设任务”下缺少指标“%(name)s”列")
                problems.add(Loc(sheet.title, group_row), message, year=year, name=indicator.name)
    return columns


def _read_annex2(sheet, plan, indicators, regions, problems, cells) -> list[tuple]:
    """Read the region rows into ``cells``; return the county row's cells for checking."""
    group_row = sheet.find_row(lambda t: parse_slot(t) is not None)
    if group_row is None:
        if any(i.by_region for i in indicators):
            problems.add(Loc(sheet.title), _("找不到年份表头行(例如“2025年建设任务”)"))
        return []
    columns = _annex2_columns(sheet, group_row, plan, indicators, problems)
    code_of = {normalize(r.name): r.code for r in regions}
    county, seen, county_row = normalize(plan.county_name), {}, []
    for row in sheet.row_numbers(after=group_row + 1):
        name, loc = normalize(sheet.cell(row, 1)), Loc(sheet.title, row, 1, "区域")
        if name != county and name not in code_of:
            message = _("未知区域“%(name)s”(须先列在工作表“区域”中)") if name else _("缺少区域名称")
            problems.add(loc, message, name=name)
            continue
        if not _unique(seen, name, _("区域"), row, loc, problems):
            continue
        indicator_of = lambda column: columns[column][1]  # noqa: E731
        for column, number, where in _read_values(
            sheet, row, columns, group_row + 1, indicator_of, problems
        ):
            (year, stretch), indicator = columns[column]
            key = (indicator.code, code_of.get(name), year)
            if name == county:
                county_row.append((key, stretch, number, where))
            else:
                cells.put(key, stretch, number, where)
    if any(i.by_region for i in indicators):
        for region in regions:
            if normalize(region.name) not in seen:
                problems.add(Loc(sheet.title), _("缺少区域“%(name)s”的行"), name=region.name)
    return county_row


# ---------------------------------------------------------------- writing

BOLD, CENTER = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_plan_workbook(plan: PlanData, destination: str | Path | BinaryIO) -> None:
    """Write ``plan`` in the layout ``read_plan_workbook`` reads."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_PLAN
    values = (plan.name, plan.document_number, plan.county_name, plan.first_year, plan.last_year)
    _table(sheet, [["项目", "内容"], *map(list, zip(PLAN_KEYS, values, strict=True))], [14, 60])
    rows = [list(INDICATOR_COLUMNS)]
    for n, i in enumerate(plan.indicators, start=1):
        yes = "是" if i.by_region else "否"
        rows.append([n, i.code, i.name, i.alt_name, i.unit, i.decimal_places, yes])
    _table(book.create_sheet(SHEET_INDICATORS), rows, [6, 18, 30, 30, 10, 10, 12])
    rows = [list(REGION_COLUMNS)] + [[n, r.code, r.name] for n, r in enumerate(plan.regions, 1)]
    _table(book.create_sheet(SHEET_REGIONS), rows, [6, 18, 20])
    found = {(t.indicator_code, t.region_code, t.year): t for t in plan.targets}
    _write_annex1(book.create_sheet(SHEET_ANNEX1), plan, found)
    _write_annex2(book.create_sheet(SHEET_ANNEX2), plan, found)
    book.save(destination)


def _put(sheet, row: int, column: int, value: object, *, header: bool = False) -> None:
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a live formula
    if header:
        cell.font, cell.alignment = BOLD, CENTER


def _table(sheet, rows: list[list[object]], widths: list[int]) -> None:
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value, header=r == 1)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width


def _merge(sheet, row: int, column: int, value: str, *, rows: int = 1, columns: int = 1) -> None:
    _put(sheet, row, column, value, header=True)
    if rows > 1 or columns > 1:
        sheet.merge_cells(
            start_row=row,
            start_column=column,
            end_row=row + rows - 1,
            end_column=column + columns - 1,
        )


def _slots(plan: PlanData, targets: list[TargetData], totals: bool) -> list[tuple]:
    """Year columns always; stretch and total columns only when some target has one."""
    stretched = {t.year for t in targets if t.stretch_value is not None}
    slots = [(year, False) for year in plan.years]
    slots += [(year, True) for year in plan.years if year in stretched]
    if totals or any(t.year is None for t in targets):
        slots.append((None, False))
    if None in stretched:
        slots.append((None, True))
    return slots


def _slot_value(target: TargetData | None, stretch: bool) -> Decimal | None:
    if target is None:
        return None
    return target.stretch_value if stretch else target.value


def _write_annex1(sheet, plan: PlanData, found: dict) -> None:
    slots = _slots(plan, [t for t in plan.targets if t.region_code is None], totals=True)
    title = f"附件1 建设任务指标({plan.first_year}—{plan.last_year}年)"
    _merge(sheet, 1, 1, title, columns=2 + len(slots))
    for c, value in enumerate(["序号", "指标名称"] + [slot_header(*s) for s in slots], start=1):
        _put(sheet, 2, c, value, header=True)
    for r, indicator in enumerate(plan.indicators, start=3):
        _put(sheet, r, 1, r - 2)
        _put(sheet, r, 2, label_of(indicator.name, indicator.unit))
        for c, (year, stretch) in enumerate(slots, start=3):
            _put(sheet, r, c, _slot_value(found.get((indicator.code, None, year)), stretch))
    sheet.column_dimensions["B"].width = 36
    sheet.freeze_panes = "C3"


def _write_annex2(sheet, plan: PlanData, found: dict) -> None:
    broken_down = [i for i in plan.indicators if i.by_region]
    slots = _slots(plan, [t for t in plan.targets if t.region_code], totals=False)
    slots, count = (slots if broken_down else []), len(broken_down)
    title = f"附件2 建设任务分解表({plan.first_year}—{plan.last_year}年)"
    _merge(sheet, 1, 1, title, columns=1 + len(slots) * count)
    _merge(sheet, 2, 1, "区域", rows=2)
    for s, slot in enumerate(slots):
        _merge(sheet, 2, 2 + s * count, slot_header(*slot, annex2=True), columns=count)
        for k, indicator in enumerate(broken_down):
            label = label_of(indicator.alt_name or indicator.name, indicator.unit)
            _put(sheet, 3, 2 + s * count + k, label, header=True)
    places = [(r.code, r.name) for r in plan.regions] + [(None, plan.county_name)]
    for r, (region_code, name) in enumerate(places, start=4):
        _put(sheet, r, 1, name, header=region_code is None)
        for s, (year, stretch) in enumerate(slots):
            for k, indicator in enumerate(broken_down):
                target = found.get((indicator.code, region_code, year))
                _put(sheet, r, 2 + s * count + k, _slot_value(target, stretch))
    sheet.column_dimensions["A"].width = 12
    sheet.freeze_panes = "B4"
