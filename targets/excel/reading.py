"""The plan as an Excel workbook: read it into plain data (the writer is
``targets.excel.writing``, the format ``targets.excel.format``).

No database here. ``read_plan_workbook`` returns a ``PlanSpec`` or raises
``PlanWorkbookError`` carrying every problem found, each message naming the sheet,
row and column. The layout is documented in docs/plan-workbook.md. Sheet and header
names are the file format, so they are deliberately not translated.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from targets.choices import MAX_DECIMAL_PLACES
from targets.excel.cells import (
    BadCell,
    PlanWorkbookError,
    Problems,
    _code,
    amount,
    integer,
    pacing,
    text,
    yes_no,
)
from targets.excel.format import (
    DEFAULT_COUNTY_NAME,
    DEFAULT_REGION_TERM,
    INDICATOR_COLUMNS,
    PLAN_KEYS,
    REGION_COLUMNS,
    SHEET_ANNEX1,
    SHEET_ANNEX2,
    SHEET_INDICATORS,
    SHEET_PLAN,
    SHEET_REGIONS,
    SHEETS,
    IndicatorSpec,
    PlanSpec,
    RegionSpec,
    TargetSpec,
    parse_slot,
)
from targets.excel.safety import UnsafeWorkbookError, XlsxLimits, check_archive
from targets.excel.values import UNCACHED_FORMULA, Loc, normalize

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
    try:  # size, zip bombs, DTDs: before openpyxl sees a byte (targets/excel/safety.py)
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


def read_plan_workbook(source: str | Path | BinaryIO) -> PlanSpec:
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
            message = _("工作表“附件1”中没有对应的%(county)s数值(%(county)s行只作核对)")
            problems.add(loc, message, county=plan.county_name)
        elif expected != number:
            message = _("%(county)s行的 %(value)s 与工作表“附件1”的 %(expected)s 不一致")
            problems.add(loc, message, county=plan.county_name, value=number, expected=expected)
    targets = cells.build(problems)
    problems.raise_if_any()
    return PlanSpec(
        name=plan.name,
        first_year=plan.first_year,
        last_year=plan.last_year,
        document_number=plan.document_number,
        county_name=plan.county_name,
        region_term=plan.region_term,
        indicators=tuple(indicators),
        regions=tuple(regions),
        targets=tuple(targets),
    )


def _read_plan_sheet(sheet: SheetGrid, problems: Problems) -> PlanSpec | None:
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
        "全县名称": ("county_name", lambda v: text(v, 50, required=False) or DEFAULT_COUNTY_NAME),
        "起始年份": ("first_year", lambda v: integer(v, 2000, 2100)),
        "结束年份": ("last_year", lambda v: integer(v, 2000, 2100)),
        "区域称谓": ("region_term", lambda v: text(v, 20, required=False) or DEFAULT_REGION_TERM),
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
    return PlanSpec(**fields)


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


def _read_indicators(sheet: SheetGrid, problems: Problems) -> list[IndicatorSpec]:
    converters = {
        "代码": _code,
        "指标名称": lambda v: text(v, 200),
        "附件2名称": lambda v: text(v, 200, required=False),
        "单位": lambda v: text(v, 20, required=False),
        "小数位数": lambda v: 0 if v in (None, "") else integer(v, 0, MAX_DECIMAL_PLACES),
        "按区域分解": yes_no,
        "序时方式": pacing,  # optional column: older workbooks have none
    }
    indicators, codes, labels = [], {}, {}
    required = ("指标名称", "代码", "按区域分解")
    for row, record in _records(sheet, INDICATOR_COLUMNS, required, problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        indicator = IndicatorSpec(
            code=found["代码"],
            name=found["指标名称"],
            alt_name=found["附件2名称"],
            unit=found["单位"],
            decimal_places=found["小数位数"],
            by_region=found["按区域分解"],
            order=len(indicators) + 1,
            pacing=found["序时方式"],
        )
        _unique(codes, indicator.code, _("代码"), row, record["代码"][1], problems)
        for label in indicator.labels:  # the annexes find indicators by these names
            _unique(labels, label, _("指标名称"), row, record["指标名称"][1], problems)
        indicators.append(indicator)
    return indicators


def _read_regions(sheet: SheetGrid, plan: PlanSpec | None, problems: Problems) -> list[RegionSpec]:
    converters = {"代码": _code, "名称": lambda v: text(v, 100)}
    county = normalize(plan.county_name) if plan else ""
    regions, codes, names = [], {}, {}
    for row, record in _records(sheet, REGION_COLUMNS, ("名称", "代码"), problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        region = RegionSpec(found["代码"], found["名称"], order=len(regions) + 1)
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

    def build(self, problems: Problems) -> list[TargetSpec]:
        targets = []
        for key, entry in self.cells.items():
            value, stretch = entry.get(False), entry.get(True)
            if value is None:
                problems.add(stretch[1], _("有高线但没有目标值"))
            elif stretch is not None and stretch[0] < value[0]:
                message = _("高线 %(stretch)s 低于目标值 %(value)s")
                problems.add(stretch[1], message, stretch=stretch[0], value=value[0])
            else:
                targets.append(TargetSpec(*key, value[0], stretch[0] if stretch else None))
        return targets


def _slot_at(sheet: SheetGrid, row: int, column: int, plan: PlanSpec, problems: Problems):
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


def _indicator_in(sheet, row, column, lookup, problems) -> IndicatorSpec | None:
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
            message = _("这是仅%(county)s指标,不按区域分解,附件2中不应有此列")
            problems.add(loc, message, county=plan.county_name)
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
