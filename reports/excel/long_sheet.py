"""Reading the long sheet (数据): one row per region × indicator × quarter,
for bulk loads through ``import_figures`` — up to Excel's own row limit, so
lookups and value checks are remembered, and progress is reported as rows are
read.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import itemgetter

from django.utils.translation import gettext as _

from regions.models import Region
from regions.text import UNSAFE_MESSAGE, has_unsafe_characters
from reports.excel.figures_cells import (
    FiguresFile,
    ReadCell,
    amount,
    blocked_reason,
    find_header,
    is_blank,
    whole_number,
)
from reports.excel.figures_format import LONG_COLUMNS, LONG_REQUIRED, REGION_HEADER, PlanShape
from targets.excel.values import normalize
from targets.models import Indicator

MAX_NOTE_LENGTH = 500  # Figure.note
PROGRESS_EVERY = 5000

# Told (rows read, rows in all) as a long sheet is read: the command's progress bar.
ReadProgress = Callable[[int, int], None]


def read_long_sheet(
    rows: list[list[object]], shape: PlanShape, result: FiguresFile, progress: ReadProgress | None
) -> None:
    header = find_header(rows, REGION_HEADER)
    if header is None:
        result.problem(result.loc(), _("找不到表头行(含“区域”“指标”“年份”“季度”“数值”的一行)"))
        return
    position: dict[str, int] = {}
    for column, raw in enumerate(rows[header - 1], start=1):
        name = normalize(raw)
        result.headers[column] = name
        if not name:
            continue
        if name not in LONG_COLUMNS:
            message = _("无法识别的列“%(name)s”(可用:%(known)s)")
            result.problem(
                result.loc(header, column),
                message % {"name": name, "known": "、".join(LONG_COLUMNS)},
            )
        elif name in position:
            result.problem(result.loc(header, column), _("列“%(name)s”重复") % {"name": name})
        else:
            position[name] = column
    missing = [name for name in LONG_REQUIRED if name not in position]
    for name in missing:
        result.problem(result.loc(header), _("缺少“%(name)s”列") % {"name": name})
    if result.problems:
        return
    reader = _LongRows(shape, result, {name: column - 1 for name, column in position.items()})
    total = len(rows) - header
    for done, (number, row) in enumerate(enumerate(rows[header:], start=header + 1), start=1):
        reader.read(number, row)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress:
        progress(total, total)


class _LongRows:
    """Reads the long sheet's rows, remembering lookups (100,000 rows name the
    same few hundred regions and indicators over and over)."""

    def __init__(self, shape: PlanShape, result: FiguresFile, index: dict[str, int]):
        self.shape, self.result, self.index = shape, result, index
        self.width = max(index.values()) + 1
        fields = [index[name] for name in LONG_REQUIRED]
        fields.append(index.get("备注", fields[0]))  # without 备注, read a cell and ignore it
        self.fields = itemgetter(*fields)
        self.has_note = "备注" in index
        self.value_column = index["数值"] + 1
        self.first_row: dict[tuple, int] = {}
        self.regions: dict[object, Region | str | None] = {}
        self.indicators: dict[object, Indicator | None] = {}
        self.years: dict[object, int | None] = {}
        self.quarters: dict[object, int | None] = {}
        self.amounts: dict[tuple, tuple[Decimal | None, str | None]] = {}

    def read(self, number: int, row: list[object]) -> None:
        if len(row) < self.width:
            row = row + [None] * (self.width - len(row))
        fields = self.fields(row)
        if fields.count(None) == len(fields) or all(is_blank(value) for value in fields):
            return  # cells outside the known columns carry no header, so no meaning
        result = self.result
        region_raw, indicator_raw, year_raw, quarter_raw, value_raw, note_raw = fields
        problems_before = len(result.problems) + result.more_problems
        region = self._region(region_raw, number)
        indicator = self._indicator(indicator_raw, number)
        year = self._year(year_raw, number)
        quarter = self._quarter(quarter_raw, number)
        note = self._note(note_raw, number) if self.has_note else None
        if indicator is not None and region is not None:
            county = region == "county"
            if indicator.by_region == county:
                loc = result.loc(number, self.index["区域"] + 1)
                result.problem(loc, blocked_reason(indicator, self.shape))
            region = None if county else region
        value = None
        if indicator is not None:
            # Bulk files repeat the same few numbers: convert and check each once.
            cache_key = (value_raw, type(value_raw), indicator.id)
            found = self.amounts.get(cache_key)
            if found is None:
                found = self.amounts[cache_key] = amount(value_raw, indicator)
            value, problem = found
            if problem:
                result.problem(result.loc(number, self.value_column), problem)
        if len(result.problems) + result.more_problems > problems_before:
            return
        cell = ReadCell(indicator, region, year, quarter, value, note, number, self.value_column)
        first = self.first_row.setdefault(cell.key, number)
        if first != number:
            message = _("与第%(row)d行重复(同一区域、指标和季度)") % {"row": first}
            result.problem(result.loc(number), message)
            return
        result.cells.append(cell)

    def _region(self, raw: object, number: int) -> Region | str | None:
        if raw not in self.regions:
            name = normalize(raw)
            found = self.shape.region_by_name.get(name)
            self.regions[raw] = "county" if name == self.shape.county_key else found
        found = self.regions[raw]
        if found is None:
            name = normalize(raw)
            message = _("未知区域“%(name)s”") % {"name": name} if name else _("缺少区域名称")
            self.result.problem(self.result.loc(number, self.index["区域"] + 1), message)
        return found

    def _indicator(self, raw: object, number: int) -> Indicator | None:
        if raw not in self.indicators:
            self.indicators[raw] = self.shape.indicator_by_name.get(normalize(raw))
        found = self.indicators[raw]
        if found is None:
            name = normalize(raw)
            message = _("未知指标“%(name)s”") % {"name": name} if name else _("缺少指标名称")
            self.result.problem(self.result.loc(number, self.index["指标"] + 1), message)
        return found

    def _year(self, raw: object, number: int) -> int | None:
        if raw not in self.years:
            year = whole_number(raw)
            self.years[raw] = year if year in self.shape.years else None
        year = self.years[raw]
        if year is None:
            message = _("年份“%(value)s”不在计划期 %(first)s—%(last)s 年内")
            params = {
                "value": normalize(raw),
                "first": self.shape.years[0],
                "last": self.shape.years[-1],
            }
            self.result.problem(self.result.loc(number, self.index["年份"] + 1), message % params)
        return year

    def _quarter(self, raw: object, number: int) -> int | None:
        if raw not in self.quarters:
            text = normalize(raw).upper().removeprefix("Q").removeprefix("第").removesuffix("季度")
            quarter = whole_number(raw) if not isinstance(raw, str) else whole_number(text)
            self.quarters[raw] = quarter if quarter in (1, 2, 3, 4) else None
        quarter = self.quarters[raw]
        if quarter is None:
            message = _("季度应为 1 到 4,而不是“%(value)s”") % {"value": normalize(raw)}
            self.result.problem(self.result.loc(number, self.index["季度"] + 1), message)
        return quarter

    def _note(self, raw: object, number: int) -> str | None:
        if is_blank(raw):
            return None
        text = raw.strip() if isinstance(raw, str) else normalize(raw)
        if has_unsafe_characters(text):  # a NUL, a BEL…: PostgreSQL refuses a NUL
            self.result.problem(
                self.result.loc(number, self.index["备注"] + 1), str(UNSAFE_MESSAGE)
            )
            return None
        if len(text) > MAX_NOTE_LENGTH:
            message = _("备注不能超过 %(count)d 个字") % {"count": MAX_NOTE_LENGTH}
            self.result.problem(self.result.loc(number, self.index["备注"] + 1), message)
        return text
