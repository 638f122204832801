"""The one write of reported figures.

Every path that changes a figure — the entry grid, an Excel upload's
confirmation (``reports.figures.uploads``), the ``import_figures`` command,
the admin — goes through ``record_figures``: one transaction, permission
checked, closed quarters refused, concurrent edits detected by version, every
change kept in the figure's history with who, when, old and new value and how.
It returns the ``ChangeSummary`` its callers show.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region
from reports.choices import Source
from reports.figures import deadlines
from reports.figures.bulk_writes import insert_history, update_by_pk
from reports.figures.changes import (
    ChangedCell,
    ChangeSummary,
    Conflict,
    FigureChange,
    FigureConflictError,
    FigureError,
)
from reports.figures.quarters import refuse_closed_periods
from reports.figures.submission_writes import check_figure_writes, note_figure_writes
from reports.models import Figure
from reports.progress import Period
from targets.ledger import is_derived
from targets.models import Indicator, Plan
from targets.versioning import bump_data_version


def validate_changes(
    plan: Plan, changes: Iterable[FigureChange], *, source: Source | None = None
) -> list[str]:
    """Everything about the cells themselves that makes a write impossible:
    period inside the plan, region and indicator of this plan and matching
    (county-only indicators have no region), value ≥ 0 with the indicator's
    decimal places, no typed value for an indicator the plan derives from
    its ledger (only ``source`` ledger writes those), and no quarter that has
    not begun: what a quarter achieved is reported once it is under way, so a
    value for 2029 Q4 today is a slip (and would move every page's default
    quarter). Returns messages; empty when all is well."""
    indicators = {i.pk: i for i in plan.indicators.select_related("ledger_source")}
    region_names = dict(Region.objects.filter(plan=plan).values_list("pk", "name"))
    messages, seen = [], set()
    now = deadlines.current_quarter()

    def label(change: FigureChange, indicator: Indicator | None) -> str:
        # Built only for a message: formatting it for every cell of a
        # 100,000-row import would cost more than checking the cells.
        return _("%(where)s · %(indicator)s · %(year)s年第%(quarter)s季度") % {
            "where": region_names.get(change.region_id, plan.county_name),
            "indicator": indicator.name if indicator else change.indicator_id,
            "year": change.year,
            "quarter": change.quarter,
        }

    def say(change: FigureChange, indicator: Indicator | None, message: str) -> None:
        words = {"county": plan.county_name, "region": plan.region_term}
        messages.append(message % {"label": label(change, indicator), **words})

    for change in changes:
        indicator = indicators.get(change.indicator_id)
        if indicator is None:
            say(change, indicator, _("%(label)s:指标不属于本计划。"))
            continue
        if change.region_id is not None and change.region_id not in region_names:
            say(change, indicator, _("%(label)s:区域不属于本计划。"))
            continue
        if indicator.by_region and change.region_id is None:
            say(
                change,
                indicator,
                _("%(label)s:该指标按%(region)s填报,%(county)s数为各%(region)s之和。"),
            )
        if not indicator.by_region and change.region_id is not None:
            say(change, indicator, _("%(label)s:该指标仅在%(county)s一级填报。"))
        if not plan.contains(change.year, change.quarter):
            say(change, indicator, _("%(label)s:不在计划期内。"))
        elif (change.year, change.quarter) > (now.year, now.quarter):
            say(change, indicator, _("%(label)s:该季度尚未开始,不能填报。"))
        if change.key in seen:
            say(change, indicator, _("%(label)s:同一单元格出现了两次。"))
        seen.add(change.key)
        if source != Source.LEDGER and is_derived(indicator):
            say(change, indicator, _("%(label)s:该指标由台账生成,不能手工填报或上传。"))
            continue
        if change.value is not None:
            for problem in indicator.value_problems(change.value):
                messages.append(f"{label(change, indicator)}:{problem}")
    return messages


@transaction.atomic
def record_figures(
    plan: Plan,
    user,
    changes: list[FigureChange],
    *,
    source: Source,
    reason: str = "",
) -> ChangeSummary:
    """Write ``changes`` all or nothing.

    Staff (``enter_figures``) write any region and the county; a township
    official (``report_own_figures``) only their own region, while its report
    for the quarter is not submitted or approved (``reports.figures.submissions``).

    Raises ``PermissionDenied`` without the right, ``QuarterClosedError`` when a
    cell is in a closed quarter, ``FigureError`` for invalid cells and
    ``FigureConflictError`` when a cell changed since the editor saw it.
    """
    cells = {(c.region_id, c.year, c.quarter) for c in changes}
    # Who may write which region in which state (a township only its own
    # region's draft or returned report); locks the submissions involved.
    check_figure_writes(plan, user, cells)
    problems = validate_changes(plan, changes, source=source)
    if problems:
        raise FigureError(problems)
    periods = {(c.year, c.quarter) for c in changes}
    refuse_closed_periods(plan, periods)

    existing = _lock_existing(plan, changes)
    stale = []
    for change in changes:
        figure = existing.get(change.key)
        current_version = figure.version if figure else 0
        if change.seen_version is not None and change.seen_version != current_version:
            stale.append((change, figure))
    if stale:
        # Who changed them, in one query: only conflicts need the users.
        prefetch_related_objects([figure for _change, figure in stale if figure], "entered_by")
        raise FigureConflictError(
            [
                Conflict(
                    change,
                    figure.value if figure else None,
                    figure.version if figure else 0,
                    _changed_by(figure),
                )
                for change, figure in stale
            ]
        )

    result = ChangeSummary()
    created: list[tuple[FigureChange, Figure]] = []
    updated: list[Figure] = []
    now = timezone.now()  # one time for the whole write
    for change in changes:
        figure = existing.get(change.key)
        if figure is not None and change.value is None:
            result_change = _delete(figure, change, user, source, reason)  # rare: one by one
        elif figure is None:
            result_change = _prepare_create(change, user, source, reason, created)
        else:
            result_change = _prepare_update(figure, change, user, source, reason, updated, now)
        if result_change is None:
            result.unchanged += 1
        else:
            result.changes.append(result_change)
    _bulk_create(plan, created)
    _bulk_update(updated)
    unapproved = note_figure_writes(
        plan,
        user,
        {cell.key[1:] for cell in result.changes},
        cleared={cell.key[1:] for cell in result.changes if cell.new is None},
        # Figures derived from the ledger follow its edit: they approve nothing.
        approves=source != Source.LEDGER,
    )
    if unapproved:
        names = dict(plan.regions.values_list("pk", "name"))
        result.unapproved = [(names[s.region_id], Period(s.year, s.quarter)) for s in unapproved]
    if result.changes:
        # Bulk writes send no signals: every table computed before is stale.
        bump_data_version(plan.pk)
    return result


# Creates and updates are written in batches with their history rows (an
# import writes up to 100,000 cells); the history rows carry the same user,
# source and reason a single save would record (``_mark``).
BULK_BATCH = 2000
UPDATED_FIELDS = ["value", "note", "entered_by", "entered_at", "version"]


def _prepare_create(change, user, source, reason, created) -> ChangedCell | None:
    if change.value is None:
        return None
    figure = Figure(
        indicator_id=change.indicator_id,
        region_id=change.region_id,
        year=change.year,
        quarter=change.quarter,
        value=change.value,
        note=change.note or "",
        entered_by=user,
    )
    _mark(figure, user, source, reason)
    created.append((change, figure))
    return ChangedCell(change.key, None, change.value)


def _prepare_update(figure, change, user, source, reason, updated, now) -> ChangedCell | None:
    old, note = figure.value, change.note
    if old == change.value and (note is None or note == figure.note):
        return None
    figure.value = change.value
    if note is not None:
        figure.note = note
    figure.entered_by = user
    figure.entered_at = now  # auto_now is not applied by a bulk update
    figure.version += 1
    _mark(figure, user, source, reason)
    updated.append(figure)
    return ChangedCell(change.key, old, change.value)


def _bulk_create(plan: Plan, created: list[tuple[FigureChange, Figure]]) -> None:
    if not created:
        return
    figures = [figure for _change, figure in created]
    try:
        with transaction.atomic():
            Figure.objects.bulk_create(figures, batch_size=BULK_BATCH)
    except IntegrityError:
        # Another transaction inserted some of these cells since we looked.
        raise FigureConflictError(_inserted_meanwhile(plan, created)) from None
    # PostgreSQL and SQLite ≥ 3.35 return the new ids the history rows need.
    insert_history(Figure, figures, "+")


def _inserted_meanwhile(plan: Plan, created: list[tuple[FigureChange, Figure]]) -> list[Conflict]:
    changes = [change for change, _figure in created]
    now_there = set(_lock_existing(plan, changes))
    conflicts = [Conflict(c, None, 1, "") for c in changes if c.key in now_there]
    return conflicts or [Conflict(c, None, 1, "") for c in changes]


def _bulk_update(updated: list[Figure]) -> None:
    if not updated:
        return
    update_by_pk(Figure, updated, UPDATED_FIELDS)
    insert_history(Figure, updated, "~")


# Up to this many cells are looked up one by one (an OR of their keys); more
# and the whole quarters are read and filtered here: SQLite refuses an OR
# deeper than 1000 terms, and a huge OR is slow to plan anywhere.
EXACT_LOCK_LIMIT = 500


def _lock_existing(plan: Plan, changes: list[FigureChange]) -> dict:
    if not changes:
        return {}
    query = Q()
    if len(changes) <= EXACT_LOCK_LIMIT:
        for change in changes:
            query |= Q(
                indicator_id=change.indicator_id,
                region_id=change.region_id,
                year=change.year,
                quarter=change.quarter,
            )
    else:
        for year, quarter in {(c.year, c.quarter) for c in changes}:
            query |= Q(year=year, quarter=quarter)
    figures = Figure.objects.select_for_update(of=("self",)).filter(query, indicator__plan=plan)
    keys = {change.key for change in changes}
    existing = {}
    for figure in figures:
        key = (figure.indicator_id, figure.region_id, figure.year, figure.quarter)
        if key in keys:
            existing[key] = figure
    return existing


def _changed_by(figure: Figure | None) -> str:
    if figure is None or figure.entered_by is None:
        return ""
    return figure.entered_by.get_full_name() or figure.entered_by.username


def _delete(figure: Figure, change: FigureChange, user, source: Source, reason: str):
    """Clearing a cell deletes its figure; the history keeps the last value."""
    _mark(figure, user, source, reason)
    figure.delete()
    return ChangedCell(change.key, figure.value, None)


def _mark(figure: Figure, user, source: Source, reason: str) -> None:
    """What the history row records beside the values: who (also outside a
    request, e.g. the import command) and how (form, upload, command…) and,
    if given, why."""
    figure._history_user = user
    figure._change_reason = f"{source.value}: {reason}" if reason else source.value
