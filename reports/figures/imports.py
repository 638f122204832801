"""Figures from Excel: the template to download and the preview of a filled
one. The upload page and ``import_figures`` share all of it.

``preview_import`` reads a file (``reports.excel.reading``), converts
year-to-date totals to quarterly amounts, and compares every cell with the
database: it returns each change with its old and new value, or every problem.
It writes nothing. The write is ``record_figures`` (the one write path; for the
upload page through ``reports.figures.uploads``), so permissions, closed
quarters, validation and conflicts are enforced there; each change carries the
version seen at preview time, so an edit made between preview and confirmation
is a conflict, not a silent overwrite.

A township official (``report_own_figures``) gets a template of their own
region only (``template_for(..., region=...)``), and a file of theirs that
holds any other region's or the county's cell is refused, each such cell
named: the whole file or nothing, as for every other problem.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region, region_id_of
from regions.roles import ENTER_FIGURES, REPORT_OWN_FIGURES
from reports.excel.figures_cells import MAX_PROBLEMS, FiguresFile, ReadCell
from reports.excel.figures_format import MODE_WORDS, PlanShape, ValueMode
from reports.excel.long_sheet import ReadProgress
from reports.excel.reading import read_figures_file
from reports.excel.template import build_template
from reports.figures.changes import ChangedCell, ChangeSummary, FigureChange, Key
from reports.figures.deadlines import not_begun_message
from reports.figures.quarters import closed_periods
from reports.figures.submissions import handed_in_problems
from reports.models import Figure
from reports.progress import Period
from targets.excel.safety import XlsxLimits
from targets.excel.values import ProblemList
from targets.ledger import is_derived
from targets.models import Plan

DEFAULT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
MAX_WARNINGS = 50
# The command line reads bulk loads: up to Excel's own row limit.
COMMAND_LIMITS = XlsxLimits(
    max_bytes=200 * 1024 * 1024,
    max_unpacked_bytes=1024 * 1024 * 1024,
    max_rows=1_048_576,
    max_columns=200,
    max_cells=12_000_000,
)


def upload_limits() -> XlsxLimits:
    """Limits for files uploaded through the web page (``FIGURES_UPLOAD_MAX_BYTES``)."""
    max_bytes = getattr(settings, "FIGURES_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)
    return XlsxLimits(
        max_bytes=max_bytes,
        max_unpacked_bytes=max(20 * max_bytes, 50 * 1024 * 1024),
        max_rows=20_000,
        max_columns=200,
        max_cells=2_000_000,
    )


def plan_shape(plan: Plan, region: Region | None = None) -> PlanShape:
    """The plan's regions and indicators, in plan order (two queries). With
    ``region``: that region alone and the indicators reported by region (a
    township's template: no other region, no county row)."""
    indicators = list(plan.indicators.select_related("ledger_source"))
    regions = list(plan.regions.all()) if region is None else [region]
    if region is not None:
        indicators = [indicator for indicator in indicators if indicator.by_region]
    return PlanShape(
        plan_id=plan.pk,
        plan_name=plan.name,
        county_name=plan.county_name,
        region_term=plan.region_term,
        years=plan.years,
        indicators=indicators,
        regions=regions,
    )


# ---------------------------------------------------------------- the template


def template_for(
    plan: Plan, period: Period, mode: ValueMode, *, region: Region | None = None
) -> bytes:
    """The template for ``period``, prefilled with what is recorded: the
    quarter's amounts, or in year-to-date mode the year's totals through it
    (blank where the quarter itself has no figure, as the grid shows it).
    With ``region``: that region's row alone, holding nothing of any other."""
    shape = plan_shape(plan, region)
    rows = Figure.objects.filter(
        indicator__plan=plan, year=period.year, quarter__lte=period.quarter
    )
    if region is not None:
        rows = rows.filter(region=region)
    rows = rows.values_list("indicator_id", "region_id", "quarter", "value")
    current: dict[tuple[int, int | None], Decimal] = {}
    year_to_date: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
    for indicator_id, region_id, quarter, value in rows:
        year_to_date[(indicator_id, region_id)] += value
        if quarter == period.quarter:
            current[(indicator_id, region_id)] = value
    if mode == ValueMode.YTD:
        current = {key: year_to_date[key] for key in current}
    return build_template(shape, period, mode, current, timezone.now())


def template_file_name(period: Period, mode: ValueMode) -> str:
    return _("季度数据模板_%(period)s_%(mode)s.xlsx") % {
        "period": period.code,
        "mode": MODE_WORDS[mode],
    }


# ---------------------------------------------------------------- the preview


@dataclass(slots=True)
class PlannedChange:
    """One cell the import would change: ``old`` is the figure now (None: none),
    ``change.value`` the new quarterly amount, ``file_value`` the number as the
    file wrote it (the year's total in year-to-date mode)."""

    change: FigureChange
    old: Decimal | None
    file_value: Decimal | None
    row: int
    column: int


@dataclass
class ImportPreview:
    file: FiguresFile
    changes: list[PlannedChange] = field(default_factory=list)
    unchanged: int = 0
    filled: int = 0  # cells of the file that hold a number
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes_to_record(self) -> list[FigureChange]:
        """What ``record_figures`` is to write when the import is confirmed."""
        return [planned.change for planned in self.changes]

    @property
    def summary(self) -> ChangeSummary:
        return summarize(self.changes, self.unchanged)


def summarize(planned: list[PlannedChange], unchanged: int) -> ChangeSummary:
    """What confirming ``planned`` would change: the same summary the write returns."""
    cells = [ChangedCell(p.change.key, p.old, p.change.value) for p in planned]
    return ChangeSummary(cells, unchanged)


@dataclass(frozen=True)
class _Current:
    value: Decimal
    version: int
    note: str
    entered_at: datetime


def preview_import(
    plan: Plan,
    user,
    data: bytes,
    *,
    limits: XlsxLimits,
    progress: ReadProgress | None = None,
    fast: bool = True,
) -> ImportPreview:
    """What importing ``data`` would change; writes nothing."""
    own = _own_region(plan, user)
    shape = plan_shape(plan)
    parsed = read_figures_file(data, shape, limits, progress=progress, fast=fast)
    preview = ImportPreview(file=parsed, problems=parsed.all_problems)
    if not parsed.cells:
        if not preview.problems:
            preview.problems.append(_("文件中没有任何数据行"))
        return preview
    # Every problem at once, not in rounds: the cells read cleanly are checked
    # for where they may go even when others could not be read.
    if own is not None:
        preview.problems += _foreign_cells(parsed, own, plan)
    periods = {(cell.year, cell.quarter) for cell in parsed.cells}
    for year, quarter in sorted(periods):
        if message := not_begun_message(year, quarter):
            preview.problems.append(message)
    for year, quarter in sorted(periods & closed_periods(plan)):
        message = _("%(period)s已关闭,需先重新开放才能导入。")
        preview.problems.append(message % {"period": Period(year, quarter).label})
    if own is not None:
        preview.problems += handed_in_problems(plan, own.pk, periods)
    # The year-to-date and derived checks too, on every cell that may be
    # looked at: a township official's own (another region's recorded sums
    # are not theirs to read in a message), in a quarter begun.
    cells = [
        cell
        for cell in parsed.cells
        if (own is None or (cell.region is not None and cell.region.pk == own.pk))
        and not not_begun_message(cell.year, cell.quarter)
    ]
    current = _current_figures(plan, parsed)
    amounts = _quarterly_amounts(parsed, cells, current, preview)
    derived = {indicator.pk for indicator in shape.indicators if is_derived(indicator)}
    for cell in cells:
        if cell.key not in amounts:
            continue  # its year-to-date total is already listed as a problem
        now = current.get(cell.key)
        if cell.key[0] in derived and amounts[cell.key] != (now.value if now else None):
            message = _("该指标由台账生成,不能手工填报或上传")
            preview.problems.append(parsed.loc(cell.row, cell.column).says(message))
            continue
        _compare(cell, amounts[cell.key], now, parsed, preview)
    if preview.problems:
        preview.changes, preview.unchanged = [], 0
    return preview


def _own_region(plan: Plan, user) -> Region | None:
    """None for staff (any region and the county); a township official's own
    region; ``PermissionDenied`` for anyone else."""
    if user.has_perm(ENTER_FIGURES):
        return None
    region_id = region_id_of(user) if user.has_perm(REPORT_OWN_FIGURES) else None
    region = plan.regions.filter(pk=region_id).first() if region_id else None
    if region is None:
        raise PermissionDenied(_("您的账号没有填报数据的权限。"))
    return region


def _foreign_cells(parsed: FiguresFile, own: Region, plan: Plan) -> list[str]:
    """Every cell of a region other than ``own``, or of the county, each at
    its place in the file. A row of such cells that are all empty is named
    once, as the row."""
    foreign: dict[int, list[ReadCell]] = defaultdict(list)
    for cell in parsed.cells:
        if cell.region is None or cell.region.pk != own.pk:
            foreign[cell.row].append(cell)
    problems = []
    for row, cells in sorted(foreign.items()):
        where = cells[0].region.name if cells[0].region else plan.county_name
        message = _("这是“%(where)s”的数据;您只能导入%(own)s的数据") % {
            "where": where,
            "own": own.name,
        }
        filled = [cell for cell in cells if cell.value is not None or cell.note]
        if not filled and parsed.layout == "template":
            problems.append(parsed.loc(row, 1).says(message))
            continue
        for cell in filled or cells:
            problems.append(parsed.loc(cell.row, cell.column).says(message))
    return ProblemList(problems[:MAX_PROBLEMS], unlisted=max(0, len(problems) - MAX_PROBLEMS))


def _current_figures(plan: Plan, parsed: FiguresFile) -> dict[Key, _Current]:
    """The recorded figures the file touches, in one query: its quarters, and
    in year-to-date mode every earlier quarter of the same years."""
    periods = {(cell.year, cell.quarter) for cell in parsed.cells}
    if parsed.mode == ValueMode.YTD:
        latest: dict[int, int] = {}
        for year, quarter in periods:
            latest[year] = max(latest.get(year, 0), quarter)
        where = Q()
        for year, quarter in latest.items():
            where |= Q(year=year, quarter__lte=quarter)
    else:
        where = Q()
        for year, quarter in periods:
            where |= Q(year=year, quarter=quarter)
    rows = Figure.objects.filter(where, indicator__plan=plan).values_list(
        "indicator_id", "region_id", "year", "quarter", "value", "version", "note", "entered_at"
    )
    return {
        (indicator_id, region_id, year, quarter): _Current(value, version, note, entered_at)
        for indicator_id, region_id, year, quarter, value, version, note, entered_at in rows
    }


def _quarterly_amounts(
    parsed: FiguresFile,
    cells: list[ReadCell],
    current: dict[Key, _Current],
    preview: ImportPreview,
) -> dict[Key, Decimal | None]:
    """Each of ``cells``' quarterly amount. In year-to-date mode: the total
    minus the year's earlier quarters — as this file sets them where it has
    them, else as recorded (none recorded counts as 0). A total below those
    is a problem, and its cell has no amount."""
    if parsed.mode != ValueMode.YTD:
        return {cell.key: cell.value for cell in cells}
    amounts: dict[Key, Decimal | None] = {}
    for cell in sorted(cells, key=lambda c: (c.year, c.quarter)):
        indicator_id, region_id, year, quarter = cell.key
        earlier = Decimal(0)
        for before in range(1, quarter):
            key = (indicator_id, region_id, year, before)
            if key in amounts:
                earlier += amounts[key] or 0
            elif key in current:
                earlier += current[key].value
        if cell.value is None:
            amounts[cell.key] = None
        elif cell.value < earlier:
            message = _("年度累计 %(ytd)s 小于本年此前各季度已报合计 %(earlier)s;请核对累计数")
            params = {"ytd": _plain(cell.value), "earlier": _plain(earlier)}
            preview.problems.append(parsed.loc(cell.row, cell.column).says(message % params))
        else:
            amounts[cell.key] = cell.value - earlier
    return amounts


def _compare(
    cell: ReadCell,
    amount: Decimal | None,
    now: _Current | None,
    parsed: FiguresFile,
    preview: ImportPreview,
) -> None:
    old = now.value if now else None
    preview.filled += cell.value is not None
    same_note = cell.note is None or (now is not None and cell.note == now.note)
    if amount == old and (amount is None or same_note):
        preview.unchanged += 1
        return
    change = FigureChange(
        indicator_id=cell.key[0],
        region_id=cell.key[1],
        year=cell.year,
        quarter=cell.quarter,
        value=amount,
        note=cell.note,
        seen_version=now.version if now else 0,
    )
    preview.changes.append(PlannedChange(change, old, cell.value, cell.row, cell.column))
    generated = parsed.generated_at
    stale = now and generated and generated.tzinfo and now.entered_at > generated
    if stale and len(preview.warnings) < MAX_WARNINGS:
        message = _("模板生成后,该单元格已被修改为 %(value)s(%(at)s);确认导入将改为 %(new)s")
        params = {
            "value": _plain(now.value),
            "at": timezone.localtime(now.entered_at).strftime("%Y-%m-%d %H:%M"),
            "new": _plain(amount) if amount is not None else _("空"),
        }
        preview.warnings.append(parsed.loc(cell.row, cell.column).says(message % params))


def _plain(value: Decimal) -> str:
    """16.0000 → '16', 0.3500 → '0.35'."""
    return format(value.normalize(), "f")
