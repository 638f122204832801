"""Reading a figures workbook: the quarterly template or a long sheet, bytes in,
cells and problems out. No database, no writes.

Two layouts (docs/figures-template.md):

- the template (sheet ``填报``): one row per region plus the county row, one
  column per indicator, for the one quarter and mode its ``说明`` sheet names;
- the long sheet (sheet ``数据``): one row per region × indicator × quarter,
  for bulk loads through ``import_figures``.

Every problem is collected, each naming sheet, row and column, so a user fixes
a file in one go. Sheet names, header texts and the mode words are the file
format and are deliberately not translated. ``reports.figures.imports`` turns what is
read here into changes for ``record_figures``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import itemgetter

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region
from reports.progress import Period
from targets.excel.safety import UnsafeWorkbookError, XlsxLimits
from targets.excel.values import Loc, describe_non_number, normalize, open_workbook
from targets.models import Indicator

SHEET_TEMPLATE, SHEET_INFO, SHEET_LONG = "填报", "说明", "数据"
REGION_HEADER = "区域"
LONG_COLUMNS = ("区域", "指标", "年份", "季度", "数值", "备注")
LONG_REQUIRED = ("区域", "指标", "年份", "季度", "数值")
TEMPLATE_KIND = "季度数据填报模板"
META_KEYS = ("模板", "计划编号", "计划名称", "年份", "季度", "填报口径", "生成时间")
HEADER_SEARCH_ROWS = 10
META_SEARCH_ROWS = 100
MAX_PROBLEMS = 500
MAX_NOTE_LENGTH = 500  # Figure.note
PROGRESS_EVERY = 5000


class ValueMode(models.TextChoices):
    """What a file's numbers are: each quarter's new amount, or the year's total so far."""

    QUARTER = "quarter", gettext_lazy("本季度新增")
    YTD = "ytd", gettext_lazy("年度累计")


# How the mode is written in a file: format words, the same in every UI language.
MODE_WORDS = {ValueMode.QUARTER: "本季度新增", ValueMode.YTD: "年度累计"}


@dataclass
class PlanShape:
    """What a file is read against: the plan's regions and indicators, loaded
    once (``reports.figures.imports.plan_shape``) and looked up by name per cell."""

    plan_id: int
    plan_name: str
    county_name: str
    region_term: str
    years: list[int]
    indicators: list[Indicator]
    regions: list[Region]
    indicator_by_name: dict[str, Indicator] = field(init=False)
    region_by_name: dict[str, Region] = field(init=False)

    def __post_init__(self) -> None:
        # An indicator is found by name, by name with unit (as the template
        # prints it), by the annex-2 name or by code.
        self.indicator_by_name = {}
        for indicator in self.indicators:
            names = [indicator.name, indicator.label, indicator.code]
            if indicator.alt_name:
                alt_label = f"{indicator.alt_name}({indicator.unit})"
                names += [indicator.alt_name, alt_label if indicator.unit else ""]
            for name in names:
                if name:
                    self.indicator_by_name.setdefault(normalize(name), indicator)
        self.region_by_name = {normalize(region.name): region for region in self.regions}

    @property
    def county_key(self) -> str:
        return normalize(self.county_name)


@dataclass(slots=True)
class ReadCell:
    """One value as read: ``value`` None is an empty cell (no figure); ``note``
    None leaves the figure's note as it is. ``key`` is the figure's identity:
    (indicator id, region id or None for the county, year, quarter)."""

    indicator: Indicator
    region: Region | None
    year: int
    quarter: int
    value: Decimal | None
    note: str | None
    row: int
    column: int
    key: tuple[int, int | None, int, int] = field(init=False)

    def __post_init__(self) -> None:
        region_id = self.region.id if self.region is not None else None
        self.key = (self.indicator.id, region_id, self.year, self.quarter)


@dataclass
class FiguresFile:
    """What a workbook says: its layout, mode and period, its cells, and every problem."""

    layout: str = ""  # "template" or "long"
    sheet: str = ""
    mode: ValueMode = ValueMode.QUARTER
    period: Period | None = None  # the template's quarter; None for a long sheet
    generated_at: datetime | None = None
    cells: list[ReadCell] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    headers: dict[int, str] = field(default_factory=dict)
    more_problems: int = 0

    def loc(self, row: int | None = None, column: int | None = None) -> Loc:
        return Loc(self.sheet, row, column, self.headers.get(column, "") if column else "")

    def problem(self, loc: Loc | str, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        self.problems.append(loc.says(message) if isinstance(loc, Loc) else f"{loc}:{message}")

    @property
    def all_problems(self) -> list[str]:
        """The problems to show, ending with how many more were not listed."""
        if not self.more_problems:
            return self.problems
        more = _("……另有 %(count)d 个问题未列出。") % {"count": self.more_problems}
        return [*self.problems, more]


Progress = Callable[[int, int], None]


def read_figures_file(
    data: bytes,
    shape: PlanShape,
    limits: XlsxLimits,
    *,
    progress: Progress | None = None,
    fast: bool = True,
) -> FiguresFile:
    """Read ``data`` against ``shape``; never raises for a bad file: the
    returned ``FiguresFile.problems`` say what is wrong."""
    result = FiguresFile()
    try:
        workbook = open_workbook(data, limits, fast=fast)
        names = workbook.sheet_names
        has_template, has_long = SHEET_TEMPLATE in names, SHEET_LONG in names
        if has_template and has_long:
            message = _("工作簿同时含有工作表“填报”和“数据”;一次只能导入其中一种格式")
            result.problems.append(message)
            return result
        if not has_template and not has_long:
            message = _("找不到工作表“填报”(季度模板)或“数据”(长表);工作簿中的工作表为:%(names)s")
            result.problems.append(message % {"names": "、".join(names) or "—"})
            return result
        if SHEET_INFO in names:
            _read_meta(workbook.read_sheet(SHEET_INFO, limits), shape, result, has_template)
        elif has_template:
            message = _("缺少工作表“说明”(其中记录了计划、季度和填报口径);请使用系统下载的模板")
            result.problems.append(message)
        if result.problems:
            return result
        result.sheet = SHEET_TEMPLATE if has_template else SHEET_LONG
        rows = workbook.read_sheet(result.sheet, limits)
        if has_template:
            result.layout = "template"
            _read_template(rows, shape, result)
        else:
            result.layout = "long"
            _read_long(rows, shape, result, progress)
    except UnsafeWorkbookError as exc:
        result.problems.extend(exc.messages)
    return result


# ---------------------------------------------------------------- 说明 (metadata)


def _read_meta(rows: list[list[object]], shape: PlanShape, result: FiguresFile, required: bool):
    """The key/value rows of 说明: which plan, quarter and mode the file is for."""
    found: dict[str, tuple[object, Loc]] = {}
    for number, row in enumerate(rows[:META_SEARCH_ROWS], start=1):
        key = normalize(row[0]) if row else ""
        if key in META_KEYS and key not in found:
            value = row[1] if len(row) > 1 else None
            found[key] = (value, Loc(SHEET_INFO, number, 2, key))
    plan_id, loc = found.get("计划编号", (None, None))
    if plan_id is not None and normalize(plan_id) != str(shape.plan_id):
        name = normalize(found.get("计划名称", ("", None))[0])
        message = _(
            "该文件属于另一个计划(编号 %(id)s“%(name)s”),当前计划是“%(plan)s”(编号 %(plan_id)s)"
        )
        params = {"id": normalize(plan_id), "name": name, "plan": shape.plan_name}
        result.problem(loc, message % {**params, "plan_id": shape.plan_id})
    mode_value, loc = found.get("填报口径", (None, None))
    words = {word: mode for mode, word in MODE_WORDS.items()}
    if mode_value is not None or required:
        mode = words.get(normalize(mode_value))
        if mode is None:
            message = _("填报口径应为“本季度新增”或“年度累计”,而不是“%(value)s”")
            result.problem(loc or Loc(SHEET_INFO), message % {"value": normalize(mode_value)})
        else:
            result.mode = mode
    if required:
        result.period = _meta_period(found, shape, result)
    generated, _loc = found.get("生成时间", (None, None))
    if isinstance(generated, datetime):
        result.generated_at = generated
    elif isinstance(generated, str):
        try:
            result.generated_at = datetime.fromisoformat(generated.strip())
        except ValueError:
            result.generated_at = None


def _meta_period(found: dict, shape: PlanShape, result: FiguresFile) -> Period | None:
    year_value, year_loc = found.get("年份", (None, Loc(SHEET_INFO)))
    quarter_value, quarter_loc = found.get("季度", (None, Loc(SHEET_INFO)))
    year, quarter = _whole(year_value), _whole(quarter_value)
    if year is None or year not in shape.years:
        message = _("年份“%(value)s”不在计划期 %(first)s—%(last)s 年内")
        params = {"value": normalize(year_value), "first": shape.years[0], "last": shape.years[-1]}
        result.problem(year_loc, message % params)
    if quarter is None or not 1 <= quarter <= 4:
        message = _("季度应为 1 到 4,而不是“%(value)s”")
        result.problem(quarter_loc, message % {"value": normalize(quarter_value)})
    if result.problems:
        return None
    return Period(year, quarter)


def _whole(value: object) -> int | None:
    """An integer from a cell: 2026, 2026.0 or the text "2026"; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = normalize(value).removesuffix("年")
        return int(text) if text.isdigit() and len(text) < 6 else None
    return None


# ---------------------------------------------------------------- values


def amount(raw: object, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    """A cell as a figure value: (value, None), (None, None) for an empty cell,
    or (None, why not) — the same rules as the entry grid (``Indicator.value_problems``)."""
    if raw is None:
        return None, None
    kind = type(raw)
    if kind is float:
        number = Decimal(repr(raw))  # the shortest repr: 0.35 stays 0.35
    elif kind is int:
        number = Decimal(raw)
    elif kind is str and not raw.strip():
        return None, None
    else:
        return None, describe_non_number(raw)
    problems = indicator.value_problems(number)
    if problems:
        shown = format(number.normalize(), "f") if number.is_finite() else str(raw)
        return None, f"“{shown}”" + "".join(problems)
    return number, None


def _blank(raw: object) -> bool:
    return raw is None or (type(raw) is str and not raw.strip())


# ---------------------------------------------------------------- 填报 (template)


def _find_header(rows: list[list[object]], wanted: str) -> int | None:
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        if any(normalize(value) == wanted for value in row):
            return number
    return None


def _read_template(rows: list[list[object]], shape: PlanShape, result: FiguresFile) -> None:
    header = _find_header(rows, REGION_HEADER)
    if header is None or normalize(rows[header - 1][0]) != REGION_HEADER:
        result.problem(result.loc(), _("找不到表头行(A列为“区域”、其后为各指标的一行)"))
        return
    columns: dict[int, Indicator] = {}
    seen: dict[int, int] = {}
    for column, raw in enumerate(rows[header - 1][1:], start=2):
        name = normalize(raw)
        result.headers[column] = name
        if not name:
            continue
        indicator = shape.indicator_by_name.get(name)
        if indicator is None:
            message = _("无法识别的指标列“%(name)s”(表头须与本计划的指标名称一致,不能修改)")
            result.problem(result.loc(header, column), message % {"name": name})
        elif indicator.pk in seen:
            message = _("指标“%(name)s”的列重复(已在第 %(first)d 列)")
            result.problem(
                result.loc(header, column), message % {"name": name, "first": seen[indicator.pk]}
            )
        else:
            seen[indicator.pk] = column
            columns[column] = indicator
    period = result.period
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[header:], start=header + 1):
        if all(_blank(value) for value in row):
            continue
        name = normalize(row[0])
        region = shape.region_by_name.get(name)
        loc = result.loc(number, 1)
        if not name:
            result.problem(loc, _("缺少区域名称"))
            continue
        if region is None and name != shape.county_key:
            message = _("未知区域“%(name)s”;区域名称须与系统中一致(不能改名或新增)")
            result.problem(loc, message % {"name": name})
            continue
        if name in first_row:
            message = _("区域“%(name)s”重复(已在第%(row)d行)")
            result.problem(loc, message % {"name": name, "row": first_row[name]})
            continue
        first_row[name] = number
        for column, raw in enumerate(row[1:], start=2):
            indicator = columns.get(column)
            if indicator is None:
                if not _blank(raw) and not result.headers.get(column):
                    result.problem(result.loc(number, column), _("该列没有指标表头,无法识别"))
                continue
            if indicator.by_region == (region is None):
                if not _blank(raw):
                    result.problem(result.loc(number, column), _blocked_reason(indicator, shape))
                continue
            value, problem = amount(raw, indicator)
            if problem:
                result.problem(result.loc(number, column), problem)
                continue
            result.cells.append(
                ReadCell(
                    indicator, region, period.year, period.quarter, value, None, number, column
                )
            )


def _blocked_reason(indicator: Indicator, shape: PlanShape) -> str:
    if indicator.by_region:
        return _("该单元格不应填写:此指标按%(region)s填报,%(county)s数为各%(region)s之和") % {
            "county": shape.county_name,
            "region": shape.region_term,
        }
    return _("该单元格不应填写:此指标仅在%(county)s一级填报") % {"county": shape.county_name}


# ---------------------------------------------------------------- 数据 (long sheet)


def _read_long(
    rows: list[list[object]], shape: PlanShape, result: FiguresFile, progress: Progress | None
) -> None:
    header = _find_header(rows, REGION_HEADER)
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
        if fields.count(None) == len(fields) or all(_blank(value) for value in fields):
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
                result.problem(loc, _blocked_reason(indicator, self.shape))
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
            year = _whole(raw)
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
            quarter = _whole(raw) if not isinstance(raw, str) else _whole(text)
            self.quarters[raw] = quarter if quarter in (1, 2, 3, 4) else None
        quarter = self.quarters[raw]
        if quarter is None:
            message = _("季度应为 1 到 4,而不是“%(value)s”") % {"value": normalize(raw)}
            self.result.problem(self.result.loc(number, self.index["季度"] + 1), message)
        return quarter

    def _note(self, raw: object, number: int) -> str | None:
        if _blank(raw):
            return None
        text = raw.strip() if isinstance(raw, str) else normalize(raw)
        if len(text) > MAX_NOTE_LENGTH:
            message = _("备注不能超过 %(count)d 个字") % {"count": MAX_NOTE_LENGTH}
            self.result.problem(self.result.loc(number, self.index["备注"] + 1), message)
        return text
