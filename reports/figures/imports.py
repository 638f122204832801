"""Figures from Excel: the template to download, the preview of an upload, and
its confirmation. The upload page and ``import_figures`` share all of it.

``preview_import`` reads a file (``reports.excel.reading``), converts
year-to-date totals to quarterly amounts, and compares every cell with the
database: it returns each change with its old and new value, or every problem.
It writes nothing. The write is ``record_figures`` (the one write path), so
permissions, closed quarters, validation and conflicts are enforced there; each
change carries the version seen at preview time, so an edit made between
preview and confirmation is a conflict, not a silent overwrite.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.roles import ENTER_FIGURES
from reports.choices import Source
from reports.excel.figures_cells import FiguresFile, ReadCell
from reports.excel.figures_format import MODE_WORDS, PlanShape, ValueMode
from reports.excel.long_sheet import ReadProgress
from reports.excel.reading import read_figures_file
from reports.excel.template import build_template
from reports.figures.services import FigureChange, RecordResult, closed_periods, record_figures
from reports.models import Figure, PendingImport
from reports.progress import Period
from targets.excel.safety import XlsxLimits
from targets.excel.values import Loc
from targets.models import Plan

DEFAULT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
PENDING_LIFETIME = timedelta(days=1)
MAX_WARNINGS = 50
# The command line reads bulk loads: up to Excel's own row limit.
COMMAND_LIMITS = XlsxLimits(
    max_bytes=200 * 1024 * 1024,
    max_unpacked_bytes=1024 * 1024 * 1024,
    max_rows=1_048_576,
    max_columns=200,
    max_cells=12_000_000,
)

Key = tuple[int, int | None, int, int]  # indicator, region (None: county), year, quarter


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


def plan_shape(plan: Plan) -> PlanShape:
    """The plan's regions and indicators, in plan order (two queries)."""
    return PlanShape(
        plan_id=plan.pk,
        plan_name=plan.name,
        county_name=plan.county_name,
        region_term=plan.region_term,
        years=plan.years,
        indicators=list(plan.indicators.all()),
        regions=list(plan.regions.all()),
    )


# ---------------------------------------------------------------- the template


def template_for(plan: Plan, period: Period, mode: ValueMode) -> bytes:
    """The template for ``period``, prefilled with what is recorded: the
    quarter's amounts, or in year-to-date mode the year's totals through it
    (blank where the quarter itself has no figure, as the grid shows it)."""
    shape = plan_shape(plan)
    rows = Figure.objects.filter(
        indicator__plan=plan, year=period.year, quarter__lte=period.quarter
    ).values_list("indicator_id", "region_id", "quarter", "value")
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
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def figure_changes(self) -> list[FigureChange]:
        return [planned.change for planned in self.changes]

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.old is None and c.change.value is not None)

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if c.old is not None and c.change.value is not None)

    @property
    def deleted(self) -> int:
        return sum(1 for c in self.changes if c.change.value is None)

    @property
    def periods(self) -> list[Period]:
        return sorted({Period(c.change.year, c.change.quarter) for c in self.changes})


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
    if not user.has_perm(ENTER_FIGURES):
        raise PermissionDenied(_("您的账号没有填报数据的权限。"))
    shape = plan_shape(plan)
    parsed = read_figures_file(data, shape, limits, progress=progress, fast=fast)
    preview = ImportPreview(file=parsed, problems=list(parsed.all_problems))
    if preview.problems or not parsed.cells:
        if not preview.problems:
            preview.problems.append(_("文件中没有任何数据行"))
        return preview
    periods = {(cell.year, cell.quarter) for cell in parsed.cells}
    for year, quarter in sorted(periods & closed_periods(plan)):
        message = _("%(period)s已关闭,需先重新开放才能导入。")
        preview.problems.append(message % {"period": Period(year, quarter).label})
    if preview.problems:
        return preview
    current = _current_figures(plan, parsed)
    amounts = _quarterly_amounts(parsed, current, preview)
    if preview.problems:
        return preview
    for cell in parsed.cells:
        _compare(cell, amounts[cell.key], current.get(cell.key), parsed, preview)
    return preview


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
    parsed: FiguresFile, current: dict[Key, _Current], preview: ImportPreview
) -> dict[Key, Decimal | None]:
    """Each cell's quarterly amount. In year-to-date mode: the total minus the
    year's earlier quarters — as this file sets them where it has them, else as
    recorded (none recorded counts as 0)."""
    if parsed.mode != ValueMode.YTD:
        return {cell.key: cell.value for cell in parsed.cells}
    amounts: dict[Key, Decimal | None] = {}
    for cell in sorted(parsed.cells, key=lambda c: (c.year, c.quarter)):
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
            amounts[cell.key] = None
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


# ---------------------------------------------------------------- confirming


def apply_import(
    plan: Plan, user, changes: list[FigureChange], *, source: Source, reason: str = ""
) -> RecordResult:
    """Write previewed changes through ``record_figures`` (all or nothing)."""
    return record_figures(plan, user, changes, source=source, reason=reason)


def store_pending(plan: Plan, user, preview: ImportPreview, *, file_name: str, data: bytes):
    """Keep a previewed upload until its uploader confirms it. One pending
    upload per user and plan: a new upload replaces the previous one."""
    now = timezone.now()
    PendingImport.objects.filter(
        Q(user=user, plan=plan) | Q(created_at__lt=now - PENDING_LIFETIME)
    ).delete()
    period = preview.file.period
    return PendingImport.objects.create(
        plan=plan,
        user=user,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        year=period.year if period else None,
        quarter=period.quarter if period else None,
        mode=preview.file.mode,
        unchanged=preview.unchanged,
        payload={
            "sheet": preview.file.sheet,
            "headers": {str(k): v for k, v in preview.file.headers.items()},
            "warnings": preview.warnings,
            "changes": [_encode(planned) for planned in preview.changes],
        },
    )


def pending_for(plan: Plan, user, pk: int) -> PendingImport | None:
    """The user's own unexpired pending upload ``pk``, or None."""
    cutoff = timezone.now() - PENDING_LIFETIME
    return PendingImport.objects.filter(pk=pk, plan=plan, user=user, created_at__gte=cutoff).first()


def pending_changes(pending: PendingImport) -> list[PlannedChange]:
    return [_decode(row) for row in pending.payload.get("changes", [])]


def pending_loc(pending: PendingImport, planned: PlannedChange) -> Loc:
    header = pending.payload.get("headers", {}).get(str(planned.column), "")
    return Loc(pending.payload.get("sheet", ""), planned.row, planned.column, header)


def _encode(planned: PlannedChange) -> list:
    change = planned.change
    return [
        change.indicator_id,
        change.region_id,
        change.year,
        change.quarter,
        _text(change.value),
        change.note,
        change.seen_version,
        _text(planned.old),
        _text(planned.file_value),
        planned.row,
        planned.column,
    ]


def _decode(row: list) -> PlannedChange:
    indicator, region, year, quarter, value, note, seen, old, file_value, r, c = row
    change = FigureChange(indicator, region, year, quarter, _number(value), note, seen)
    return PlannedChange(change, _number(old), _number(file_value), r, c)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
