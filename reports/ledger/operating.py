"""An incubator's quarterly operating data (``IncubatorQuarter``): the one write.

The rows are part of the region's quarterly report, so they follow the
figures' rules by calling the figures' own checks, not copies of them:

- who may write which region in which state: ``check_figure_writes`` (staff
  every region; a township official their own, while its report for the
  quarter is 未填报, 填报中 or 已退回) — it also locks the report;
- closed quarters: ``locked_closed_periods``;
- afterwards ``note_figure_writes``: a township's first change makes its
  report 填报中; the bureau's entry is recorded as its correction and never
  approves the report (nor do the figures the ledger derives): only the
  figures' own 上报 and 审核, or the bureau entering the figures, do.

A row is reported whole: every metric filled (0 where there was nothing),
clearing every metric deletes the row. Each row carries the version its
editor saw, so a save after someone else's is a conflict, not an overwrite.
History rows record who, how (form, upload…) and why.

What counts: like figures, a region's operating data count once its report
for the quarter is approved (``counted_quarters``); the bureau's own entry is
approved as it is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from reports.choices import COUNTED_STATES, OPERATING_STATUSES, Source
from reports.figures.changes import FigureError
from reports.figures.deadlines import not_begun_message
from reports.figures.quarters import refuse_closed_periods
from reports.figures.submission_writes import check_figure_writes, note_figure_writes
from reports.models import Incubator, IncubatorQuarter, Submission
from targets.models import Plan

PERCENT, COUNT, AMOUNT = "percent", "count", "amount"
# The metrics in the order the grid, the template and the workbook show them.
METRICS: tuple[tuple[str, str], ...] = (
    ("occupancy_rate", PERCENT),
    ("enterprises", COUNT),
    ("new_talent", COUNT),
    ("financing", AMOUNT),
    ("revenue", AMOUNT),
    ("graduates", COUNT),
    ("lead_industry_enterprises", COUNT),
    ("lead_industry_revenue", AMOUNT),
)
METRIC_NAMES = tuple(name for name, _kind in METRICS)
METRIC_KINDS = dict(METRICS)
# Below the columns' 12 digits with 2 decimals.
AMOUNT_LIMIT = Decimal("9999999999.99")
COUNT_LIMIT = 2_000_000_000


def metric_label(name: str) -> str:
    """The column's name as the model says it (入驻率(%), 营业收入(万元)…)."""
    return str(IncubatorQuarter._meta.get_field(name).verbose_name)


def metric_decimals(name: str) -> int:
    return 0 if METRIC_KINDS[name] == COUNT else 2


@dataclass(frozen=True)
class OperatingChange:
    """One incubator × quarter to write. ``values`` holds every metric (None:
    left empty); all None deletes the row. ``seen_version``: the row's version
    when its editor loaded it (0: there was none; None: not checked)."""

    incubator_id: int
    year: int
    quarter: int
    values: dict[str, Decimal | None]
    note: str | None = None
    seen_version: int | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.incubator_id, self.year, self.quarter)

    @property
    def clears(self) -> bool:
        return all(self.values.get(name) is None for name in METRIC_NAMES)


@dataclass(frozen=True)
class OperatingConflict:
    change: OperatingChange
    current_version: int
    changed_by: str


class OperatingConflictError(FigureError):
    def __init__(self, conflicts: list[OperatingConflict], names: dict[int, str]):
        listed = "、".join(names.get(c.change.incubator_id, "?") for c in conflicts)
        super().__init__(
            [_("%(names)s的运营数据在您打开后已被他人修改,未保存任何数据。") % {"names": listed}]
        )
        self.conflicts = conflicts


@dataclass
class OperatingSummary:
    """What a write changed: rows created, updated, cleared, and left alone."""

    created: list[int] = field(default_factory=list)  # incubator ids
    updated: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated) + len(self.cleared)

    def describe(self) -> str:
        return _("新增 %(created)s 个载体,修改 %(updated)s 个,清除 %(cleared)s 个") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "cleared": len(self.cleared),
        }


# --- one cell, one row ---------------------------------------------------------


def value_problem(name: str, value: Decimal) -> str | None:
    """Why ``value`` cannot stand in column ``name`` (None: it can)."""
    kind = METRIC_KINDS[name]
    if value < 0:
        return _("不能为负数")
    if kind == COUNT:
        if value != value.to_integral_value():
            return _("应为整数")
        if value > COUNT_LIMIT:
            return _("数值过大")
        return None
    # The bounds first: a number of 27 digits and more cannot be rounded to 0.01.
    if kind == PERCENT and value > 100:
        return _("入驻率应在 0 到 100 之间")
    if value > AMOUNT_LIMIT:
        return _("数值过大")
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        return _("最多两位小数")
    return None


def row_problems(values: dict[str, Decimal | None]) -> list[tuple[str | None, str]]:
    """(column or None, message) for a row that is not empty: every cell's own
    problem, the cells left empty, and the lead-industry parts above their
    wholes."""
    found: list[tuple[str | None, str]] = []
    for name in METRIC_NAMES:
        value = values.get(name)
        if value is None:
            found.append((name, _("未填写(没有请填 0)")))
            continue
        problem = value_problem(name, value)
        if problem:
            found.append((name, problem))
    if found:
        return found
    if values["lead_industry_enterprises"] > values["enterprises"]:
        found.append(
            (
                "lead_industry_enterprises",
                _("主导产业企业数不能大于在孵企业数(%(whole)s)")
                % {"whole": _plain(values["enterprises"])},
            )
        )
    if values["lead_industry_revenue"] > values["revenue"]:
        found.append(
            (
                "lead_industry_revenue",
                _("主导产业营业收入不能大于营业收入(%(whole)s)")
                % {"whole": _plain(values["revenue"])},
            )
        )
    return found


def cell_message(incubator: str, name: str | None, problem: str) -> str:
    """'某某孵化器 · 入驻率(%):入驻率应在 0 到 100 之间'."""
    where = f"{incubator} · {metric_label(name)}" if name else incubator
    return _("%(where)s:%(problem)s") % {"where": where, "problem": problem}


# --- the write -------------------------------------------------------------------


def _incubators(plan: Plan, changes: list[OperatingChange]) -> dict[int, Incubator]:
    ids = {change.incubator_id for change in changes}
    return {
        incubator.pk: incubator
        for incubator in Incubator.objects.filter(pk__in=ids, region__plan=plan).only(
            "pk", "name", "region_id"
        )
    }


def validate_operating(
    plan: Plan, changes: list[OperatingChange], incubators: dict[int, Incubator]
) -> list[str]:
    messages, seen = [], set()
    for change in changes:
        incubator = incubators.get(change.incubator_id)
        if incubator is None:
            messages.append(_("载体 %(id)s 不属于本计划。") % {"id": change.incubator_id})
            continue
        period = _("%(year)s年第%(quarter)s季度") % {
            "year": change.year,
            "quarter": change.quarter,
        }
        if not plan.contains(change.year, change.quarter):
            outside = _("%(period)s不在计划期内") % {"period": period}
            messages.append(cell_message(incubator.name, None, outside))
        elif not_begun := not_begun_message(change.year, change.quarter):
            messages.append(cell_message(incubator.name, None, not_begun))
        if change.key in seen:
            messages.append(cell_message(incubator.name, None, _("同一载体同一季度出现了两次")))
        seen.add(change.key)
        if not change.clears:
            messages.extend(
                cell_message(incubator.name, name, problem)
                for name, problem in row_problems(change.values)
            )
    return messages


@transaction.atomic
def record_operating_data(
    plan: Plan,
    user,
    rows: list[OperatingChange],
    *,
    source: Source,
    reason: str = "",
) -> OperatingSummary:
    """Write ``rows`` all or nothing (see the module docstring).

    Raises ``PermissionDenied`` without the right or for another region,
    ``SubmissionError`` when the township's quarter is handed in,
    ``QuarterClosedError`` in a closed quarter, ``FigureError`` for invalid
    rows and ``OperatingConflictError`` when a row changed since its editor
    saw it."""
    rows = list(rows)
    incubators = _incubators(plan, rows)
    cells = {
        (incubators[c.incubator_id].region_id, c.year, c.quarter)
        for c in rows
        if c.incubator_id in incubators
    }
    check_figure_writes(plan, user, cells)
    problems = validate_operating(plan, rows, incubators)
    if problems:
        raise FigureError(problems)
    periods = {(c.year, c.quarter) for c in rows}
    refuse_closed_periods(plan, periods)
    existing = _lock_existing(rows)
    conflicts = [
        OperatingConflict(change, _version(existing.get(change.key)), _by(existing.get(change.key)))
        for change in rows
        if change.seen_version is not None
        and change.seen_version != _version(existing.get(change.key))
    ]
    names = {pk: incubator.name for pk, incubator in incubators.items()}
    if conflicts:
        raise OperatingConflictError(conflicts, names)
    summary = OperatingSummary()
    written = set()
    try:
        with transaction.atomic():
            for change in rows:
                if _write(existing.get(change.key), change, user, source, reason, summary):
                    written.add((incubators[change.incubator_id].region_id, *change.key[1:]))
    except IntegrityError:  # another transaction inserted one of these rows meanwhile
        now = _lock_existing(rows)
        raise OperatingConflictError(
            [OperatingConflict(c, _version(now.get(c.key)), "") for c in rows if c.key in now]
            or [OperatingConflict(c, 1, "") for c in rows],
            names,
        ) from None
    # Part of the region's report, not its figures: they approve nothing.
    note_figure_writes(plan, user, written, approves=False)
    return summary


def _write(row, change, user, source, reason, summary) -> bool:
    if row is None:
        if change.clears:
            summary.unchanged += 1
            return False
        row = IncubatorQuarter(
            incubator_id=change.incubator_id, year=change.year, quarter=change.quarter, version=1
        )
        _assign(row, change, user, source, reason)
        row.save()
        summary.created.append(change.incubator_id)
        return True
    if change.clears:
        _mark(row, user, source, reason)
        row.delete()
        summary.cleared.append(change.incubator_id)
        return True
    same_note = change.note is None or change.note == row.note
    if same_note and all(getattr(row, n) == change.values[n] for n in METRIC_NAMES):
        summary.unchanged += 1
        return False
    row.version += 1
    _assign(row, change, user, source, reason)
    row.save()
    summary.updated.append(change.incubator_id)
    return True


def _assign(row, change, user, source, reason) -> None:
    for name in METRIC_NAMES:
        setattr(row, name, change.values[name])
    if change.note is not None:
        row.note = change.note[:500]
    row.entered_by = user
    _mark(row, user, source, reason)


def _mark(row, user, source: Source, reason: str) -> None:
    row._history_user = user
    row._change_reason = f"{source.value}: {reason}" if reason else source.value


def _lock_existing(rows: list[OperatingChange]) -> dict[tuple[int, int, int], IncubatorQuarter]:
    if not rows:
        return {}
    query = Q()
    for year, quarter in {(c.year, c.quarter) for c in rows}:
        query |= Q(year=year, quarter=quarter)
    ids = {c.incubator_id for c in rows}
    found = (
        IncubatorQuarter.objects.select_for_update(of=("self",))
        .filter(query, incubator_id__in=ids)
        .select_related("entered_by")
    )
    keys = {c.key for c in rows}
    return {
        (r.incubator_id, r.year, r.quarter): r
        for r in found
        if (r.incubator_id, r.year, r.quarter) in keys
    }


def _version(row: IncubatorQuarter | None) -> int:
    return row.version if row else 0


def _by(row: IncubatorQuarter | None) -> str:
    if row is None or row.entered_by is None:
        return ""
    return row.entered_by.get_full_name() or row.entered_by.username


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- reading -------------------------------------------------------------------------


def counted_quarters(plan: Plan) -> QuerySet[IncubatorQuarter]:
    """The operating data that count: those whose region's report for the
    quarter is approved (the bureau's own entries are, as written). A draft,
    submitted or returned quarter's rows are the township's work in progress."""
    approved = Submission.objects.filter(
        plan=plan,
        region_id=OuterRef("incubator__region_id"),
        year=OuterRef("year"),
        quarter=OuterRef("quarter"),
        state__in=COUNTED_STATES,
    )
    return IncubatorQuarter.objects.filter(incubator__region__plan=plan).filter(Exists(approved))


def reported_incubators(region_ids: Iterable[int], year: int, quarter: int) -> QuerySet[Incubator]:
    """The incubators a quarter's operating data are reported for, in order:
    those operating now (运营, 限期整改) and any other already holding a row
    for the quarter (so nothing reported disappears from the grid)."""
    has_row = IncubatorQuarter.objects.filter(incubator=OuterRef("pk"), year=year, quarter=quarter)
    return (
        Incubator.objects.filter(region_id__in=list(region_ids))
        .filter(Q(status__in=OPERATING_STATUSES) | Exists(has_row))
        .order_by("region__order", "region_id", "name", "pk")
    )
