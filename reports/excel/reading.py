"""Reading a figures workbook: the quarterly template or a long sheet, bytes in,
cells and problems out. No database, no writes.

Two layouts (docs/figures-template.md):

- the template (sheet ``填报``): one row per region plus the county row, one
  column per indicator, for the one quarter and mode its ``说明`` sheet names;
- the long sheet (sheet ``数据``, ``reports.excel.long_sheet``): one row per
  region × indicator × quarter, for bulk loads through ``import_figures``.

Every problem is collected, each naming sheet, row and column, so a user fixes
a file in one go. The format is ``reports.excel.figures_format``, one cell's
rules ``reports.excel.figures_cells``. ``reports.figures.imports`` turns what is
read here into changes for ``record_figures``.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.excel.figures_cells import (
    FiguresFile,
    ReadCell,
    amount,
    blocked_reason,
    find_header,
    is_blank,
    whole_number,
)
from reports.excel.figures_format import (
    META_KEYS,
    MODE_WORDS,
    REGION_HEADER,
    SHEET_INFO,
    SHEET_LONG,
    SHEET_TEMPLATE,
    PlanShape,
)
from reports.excel.long_sheet import ReadProgress, read_long_sheet
from reports.progress import Period
from targets.excel.safety import UnsafeWorkbookError, XlsxLimits
from targets.excel.values import Loc, normalize, open_workbook, range_name
from targets.models import Indicator

META_SEARCH_ROWS = 100


def read_figures_file(
    data: bytes,
    shape: PlanShape,
    limits: XlsxLimits,
    *,
    progress: ReadProgress | None = None,
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
            info = workbook.read_sheet(SHEET_INFO, limits)
            _refuse_merged_meta(workbook.merged_ranges(SHEET_INFO), info, result)
            if not result.problems:
                _read_meta(info, shape, result, has_template)
        elif has_template:
            message = _("缺少工作表“说明”(其中记录了计划、季度和填报口径);请使用系统下载的模板")
            result.problems.append(message)
        if result.problems:
            return result
        result.sheet = SHEET_TEMPLATE if has_template else SHEET_LONG
        rows = workbook.read_sheet(result.sheet, limits)
        if has_template:
            result.layout = "template"
            merged = workbook.merged_ranges(result.sheet)
            if not _refuse_merged_figures(merged, rows, result, header_only=True):
                _read_template(rows, shape, result)
                _refuse_merged_figures(merged, rows, result)
        else:
            result.layout = "long"
            read_long_sheet(rows, shape, result, progress)
    except UnsafeWorkbookError as exc:
        result.problems.extend(exc.messages)
    return result


def _read_meta(rows: list[list[object]], shape: PlanShape, result: FiguresFile, required: bool):
    """The key/value rows of 说明: which plan, quarter and mode the file is for."""
    found: dict[str, tuple[object, Loc]] = {}
    for number, row in enumerate(rows[:META_SEARCH_ROWS], start=1):
        key = normalize(row[0]) if row else ""
        if key in META_KEYS and key not in found:
            value = row[1] if len(row) > 1 else None
            found[key] = (value, Loc(SHEET_INFO, number, 2, key))
    plan_id, loc = found.get("计划编号", (None, None))
    if plan_id is not None and not (normalize(plan_id).isascii() and normalize(plan_id).isdigit()):
        message = _("计划编号“%(value)s”不是系统生成的编号;请使用系统下载的模板")
        result.problem(loc, message % {"value": normalize(plan_id)[:30]})
    elif plan_id is not None and normalize(plan_id) != str(shape.plan_id):
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
    year, quarter = whole_number(year_value), whole_number(quarter_value)
    if year is None:
        message = _("年份应为 %(first)s 到 %(last)s 之间的整数,而不是“%(value)s”")
        params = {"value": normalize(year_value), "first": shape.years[0], "last": shape.years[-1]}
        result.problem(year_loc, message % params)
    elif year not in shape.years:
        message = _("年份“%(value)s”不在计划期 %(first)s—%(last)s 年内")
        params = {"value": normalize(year_value), "first": shape.years[0], "last": shape.years[-1]}
        result.problem(year_loc, message % params)
    if quarter is None or not 1 <= quarter <= 4:
        message = _("季度应为 1 到 4,而不是“%(value)s”")
        result.problem(quarter_loc, message % {"value": normalize(quarter_value)})
    if result.problems:
        return None
    return Period(year, quarter)


def _refuse_merged_figures(
    merged, rows: list[list[object]], result: FiguresFile, *, header_only: bool = False
) -> bool:
    """Merged cells from the header row down: only a merged range's first cell
    keeps its value, so the others would read as blank, that is as figures to
    clear (or, in the header, as a column without its indicator). Refused,
    each range named, rather than shown as clears to confirm. ``header_only``:
    the header row's merges alone (the table cannot be read past them).
    Whether any was found."""
    header = find_header(rows, REGION_HEADER)
    if header is None:
        return False  # refused elsewhere: no header row
    found = False
    for first_row, first_column, last_row, last_column in sorted(merged):
        if last_row < header or (header_only and first_row > header):
            continue  # the title and guidance rows above the table are merged
        found = True
        where = range_name(first_row, first_column, last_row, last_column)
        if first_row <= header:  # the header row's own cells: an indicator would go unread
            message = MERGED_LABELS
        else:
            message = _(
                "单元格 %(cells)s 是合并单元格:合并后只有第一格保留数值,其余各格会读作空白"
                "(即清除系统中的数);请取消合并、逐格填写后重新上传"
            )
        result.problem(result.loc(first_row, first_column), message % {"cells": where})
    return found


# A merge among the labels the system reads (the header row, 说明's template
# information): all but the first cell read as blank, so a column or a key
# would go missing under a message that does not say why.
MERGED_LABELS = gettext_lazy(
    "单元格 %(cells)s 是合并单元格:表头和模板信息不能合并;请取消合并后重新上传"
)


def _refuse_merged_meta(merged, rows: list[list[object]], result: FiguresFile) -> None:
    """Merges in 说明 from its first key row down (the guidance rows above come
    merged), each range named."""
    keys = [
        n
        for n, row in enumerate(rows[:META_SEARCH_ROWS], 1)
        if row and normalize(row[0]) in META_KEYS
    ]
    if not keys:
        return
    for first_row, first_column, last_row, last_column in sorted(merged):
        if last_row < keys[0]:
            continue
        where = range_name(first_row, first_column, last_row, last_column)
        result.problem(Loc(SHEET_INFO, first_row, first_column), MERGED_LABELS % {"cells": where})


def _read_template(rows: list[list[object]], shape: PlanShape, result: FiguresFile) -> None:
    header = find_header(rows, REGION_HEADER)
    if header is None or normalize(rows[header - 1][0]) != REGION_HEADER:
        result.problem(result.loc(), _("找不到表头行(A列为“区域”、其后为各指标的一行)"))
        return
    columns: dict[int, Indicator] = {}
    seen: dict[int, int] = {}
    for column, raw in enumerate(rows[header - 1][1:], start=2):
        name = normalize(raw)
        # Messages name the column as the file writes it (万㎡, not NFKC's 万m2).
        written = " ".join(str(raw).split()) if name else ""
        result.headers[column] = written
        if not name:
            continue
        indicator = shape.indicator_by_name.get(name)
        if indicator is None:
            message = _("无法识别的指标列“%(name)s”(表头须与本计划的指标名称一致,不能修改)")
            result.problem(result.loc(header, column), message % {"name": written})
        elif indicator.pk in seen:
            message = _("指标“%(name)s”的列重复(已在第 %(first)d 列)")
            result.problem(
                result.loc(header, column),
                message % {"name": written, "first": seen[indicator.pk]},
            )
        else:
            seen[indicator.pk] = column
            columns[column] = indicator
    period = result.period
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[header:], start=header + 1):
        if all(is_blank(value) for value in row):
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
                if not is_blank(raw) and not result.headers.get(column):
                    result.problem(result.loc(number, column), _("该列没有指标表头,无法识别"))
                continue
            if indicator.by_region == (region is None):
                if not is_blank(raw):
                    result.problem(result.loc(number, column), blocked_reason(indicator, shape))
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
