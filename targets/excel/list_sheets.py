"""Reading the plan workbook's list sheets: 计划 (the plan's name, years and
words), 指标 (its indicators) and 区域 (its regions)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from targets.choices import MAX_DECIMAL_PLACES
from targets.excel.cells import (
    BadCell,
    Problems,
    integer,
    name_text,
    pacing,
    slug,
    unique,
    yes_no,
)
from targets.excel.format import (
    DEFAULT_BUREAU_NAME,
    DEFAULT_COUNTY_NAME,
    DEFAULT_REGION_TERM,
    INDICATOR_COLUMNS,
    PLAN_KEYS,
    REGION_COLUMNS,
    IndicatorSpec,
    PlanSpec,
    RegionSpec,
)
from targets.excel.grid import SheetGrid
from targets.excel.values import Loc, normalize


def read_plan_sheet(sheet: SheetGrid, problems: Problems) -> PlanSpec | None:
    # A merge among the rows (an item over two rows, a value across columns)
    # would read one of them as blank: refused below a header row, if any.
    sheet.refuse_merged_values(sheet.find_row(lambda t: t == "项目") or 0, problems)
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
        "计划名称": ("name", lambda v: name_text(v, 200)),
        "文号": ("document_number", lambda v: name_text(v, 100, required=False)),
        "全县名称": (
            "county_name",
            lambda v: name_text(v, 50, required=False) or DEFAULT_COUNTY_NAME,
        ),
        "起始年份": ("first_year", lambda v: integer(v, 2000, 2100)),
        "结束年份": ("last_year", lambda v: integer(v, 2000, 2100)),
        "区域称谓": (
            "region_term",
            lambda v: name_text(v, 20, required=False) or DEFAULT_REGION_TERM,
        ),
        "主管部门": (
            "bureau_name",
            lambda v: name_text(v, 50, required=False) or DEFAULT_BUREAU_NAME,
        ),
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
    sheet.refuse_merged_values(header, problems)
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


def read_indicators(sheet: SheetGrid, problems: Problems) -> list[IndicatorSpec]:
    converters = {
        "代码": slug,
        "指标名称": lambda v: name_text(v, 200),
        "附件2名称": lambda v: name_text(v, 200, required=False),
        "单位": lambda v: name_text(v, 20, required=False),
        "小数位数": lambda v: 0 if v in (None, "") else integer(v, 0, MAX_DECIMAL_PLACES),
        "按区域分解": yes_no,
        "序时方式": pacing,  # optional column: older workbooks have none
    }
    indicators, codes, labels = [], {}, {}
    required = ("指标名称", "代码", "按区域分解")
    for row, record in _records(sheet, INDICATOR_COLUMNS, required, problems):
        found = _fields(record, converters, problems)
        if found is None:
            problems.refuse_row(record)
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
        unique(codes, indicator.code, _("代码"), row, record["代码"][1], problems)
        for label in indicator.labels:  # the annexes find indicators by these names
            unique(labels, label, _("指标名称"), row, record["指标名称"][1], problems)
        indicators.append(indicator)
    return indicators


def read_regions(sheet: SheetGrid, plan: PlanSpec | None, problems: Problems) -> list[RegionSpec]:
    converters = {"代码": slug, "名称": lambda v: name_text(v, 100)}
    county = normalize(plan.county_name) if plan else ""
    regions, codes, names = [], {}, {}
    for row, record in _records(sheet, REGION_COLUMNS, ("名称", "代码"), problems):
        found = _fields(record, converters, problems)
        if found is None:
            continue
        region = RegionSpec(found["代码"], found["名称"], order=len(regions) + 1)
        if normalize(region.name) == county:
            problems.add(record["名称"][1], _("区域名称不能与全县名称相同"))
        unique(codes, region.code, _("代码"), row, record["代码"][1], problems)
        unique(names, normalize(region.name), _("区域"), row, record["名称"][1], problems)
        regions.append(region)
    return regions
