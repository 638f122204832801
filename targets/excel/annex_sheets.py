"""Reading the plan's targets from the annex sheets: 附件1 (the county's, by
year, 总计 and their 高线) and 附件2 (by region; its county row is handed back
to be checked against 附件1, never a second source)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from targets.excel.cells import BadCell, Problems, amount, unique
from targets.excel.format import IndicatorSpec, PlanSpec, TargetSpec, parse_slot
from targets.excel.grid import SheetGrid
from targets.excel.values import Loc, normalize


class TargetCells:
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


def read_annex1(sheet, plan, indicators, problems, cells) -> None:
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
    sheet.refuse_merged_values(header, problems)
    lookup = {label: i for i in indicators for label in i.labels}
    seen: dict[str, int] = {}
    for row in sheet.row_numbers(after=header):
        indicator = _indicator_in(sheet, row, name_column, lookup, problems)
        loc = Loc(sheet.title, row, name_column)
        if indicator is None or not unique(seen, indicator.name, _("指标"), row, loc, problems):
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


def looks_like_total(name: str) -> bool:
    """A total row's usual names: 全县, 全市, 全区…, 合计, 总计."""
    return (name.startswith("全") and 2 <= len(name) <= 3) or name in ("合计", "总计")


def read_annex2(sheet, plan, indicators, regions, problems, cells) -> list[tuple]:
    """Read the region rows into ``cells``; return the county row's cells for checking."""
    group_row = sheet.find_row(lambda t: parse_slot(t) is not None)
    if group_row is None:
        if any(i.by_region for i in indicators):
            problems.add(Loc(sheet.title), _("找不到年份表头行(例如“2025年建设任务”)"))
        return []
    columns = _annex2_columns(sheet, group_row, plan, indicators, problems)
    sheet.refuse_merged_values(group_row + 1, problems)
    code_of = {normalize(r.name): r.code for r in regions}
    county, seen, county_row = normalize(plan.county_name), {}, []
    for row in sheet.row_numbers(after=group_row + 1):
        name, loc = normalize(sheet.cell(row, 1)), Loc(sheet.title, row, 1, "区域")
        if name != county and name not in code_of:
            if looks_like_total(name):  # e.g. 全县 in a plan whose total is 全市
                message = _(
                    "“%(name)s”像是合计行,但本计划的全县名称是“%(county)s”:"
                    "合计行须写作“%(county)s”(或在计划信息中改全县名称)"
                )
            elif name:
                message = _("未知区域“%(name)s”(须先列在工作表“区域”中)")
            else:
                message = _("缺少区域名称")
            problems.add(loc, message, name=name, county=plan.county_name)
            continue
        if not unique(seen, name, _("区域"), row, loc, problems):
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
