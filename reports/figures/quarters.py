"""Closing and reopening quarters. A closed quarter's figures cannot be
changed by any path (``record_figures`` refuses them) until it is reopened
with a reason; both are kept in the quarter's record (``QuarterEvent``).

A quarter closes once every region's report is approved (已审核); closing it
with regions still unapproved is an explicit override that must say why, and
the record names the regions it left unapproved."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from regions.models import Region
from regions.roles import MANAGE_QUARTERS
from regions.text import visible_or_empty
from reports.choices import QuarterAction, SubmissionState
from reports.figures.changes import FigureError, QuarterClosedError
from reports.figures.deadlines import quarter_begun
from reports.figures.submissions import unapproved_regions
from reports.models import ClosedQuarter, Figure, QuarterEvent, Submission
from reports.progress import Period, default_period
from targets.models import Indicator, Plan
from targets.versioning import bump_data_version

SHOWN_EVENTS = 50


def closed_periods(plan: Plan) -> set[tuple[int, int]]:
    return set(ClosedQuarter.objects.filter(plan=plan).values_list("year", "quarter"))


def closed_quarters(plan: Plan) -> dict[tuple[int, int], ClosedQuarter]:
    """Each closed quarter with who closed it, by (year, quarter)."""
    rows = ClosedQuarter.objects.filter(plan=plan).select_related("closed_by")
    return {(closed.year, closed.quarter): closed for closed in rows}


def quarter_events(plan: Plan) -> list[QuarterEvent]:
    """The latest closes and reopens, newest first."""
    return list(QuarterEvent.objects.filter(plan=plan).select_related("user")[:SHOWN_EVENTS])


def is_closed(plan: Plan, period: Period) -> bool:
    return ClosedQuarter.objects.filter(
        plan=plan, year=period.year, quarter=period.quarter
    ).exists()


def quarter_to_work_on(plan: Plan, region: Region | None = None) -> Period:
    """The quarter the entry pages open by default: the latest with figures,
    or the next one when that is already closed (and the plan reaches it,
    and it has begun).

    With ``region`` (a township official's pages) only that region's figures
    and reports count, so the default says nothing about other regions: a
    quarter handed back to it (已退回) comes first, and a quarter it has
    already handed in (已上报, 已审核) moves on to the next, like a closed one."""
    figures = Figure.objects.in_plan(plan)
    if region is not None:
        returned = (
            Submission.objects.filter(plan=plan, region=region, state=SubmissionState.RETURNED)
            .order_by("-year", "-quarter")
            .values_list("year", "quarter")
        )
        closed = closed_periods(plan)
        for year, quarter in returned:
            if (year, quarter) not in closed and plan.contains(year, quarter):
                return Period(year, quarter)
        figures = figures.filter(region=region)
    keys = figures.values_list("year", "quarter")
    latest = default_period(keys.order_by("-year", "-quarter")[:1], plan.years)
    handed_in = region is not None and (
        Submission.objects.filter(
            plan=plan,
            region=region,
            year=latest.year,
            quarter=latest.quarter,
            state__in=(SubmissionState.SUBMITTED, SubmissionState.APPROVED),
        ).exists()
    )
    following = latest.next()
    # Never on to a quarter not yet begun: nothing can be reported for it,
    # so the page would open read-only on nothing.
    if (
        (handed_in or is_closed(plan, latest))
        and plan.contains(following.year)
        and quarter_begun(following)
    ):
        return following
    return latest


def locked_closed_periods(plan: Plan, periods: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Closed quarters among ``periods``, read under a row lock so a quarter
    being closed concurrently either waits for this write or refuses it."""
    if not periods:
        return set()
    query = Q()
    for year, quarter in periods:
        query |= Q(year=year, quarter=quarter)
    rows = ClosedQuarter.objects.select_for_update().filter(query, plan=plan)
    return set(rows.values_list("year", "quarter"))


def refuse_closed_periods(plan: Plan, periods: set[tuple[int, int]]) -> None:
    """``QuarterClosedError`` naming every closed quarter among ``periods``
    (read under the lock above): every write path refuses a closed quarter
    in these words."""
    closed = locked_closed_periods(plan, periods)
    if closed:
        message = _("%(year)s年第%(quarter)s季度已关闭,需先重新开放才能修改。")
        raise QuarterClosedError(
            [message % {"year": year, "quarter": quarter} for year, quarter in sorted(closed)]
        )


def unentered_county_indicators(plan: Plan, year: int, quarter: int) -> list[str]:
    """The names of the county-only indicators the bureau types and has not
    entered for the quarter (one the ledger derives is never typed)."""
    entered = Figure.objects.filter(
        indicator=OuterRef("pk"), region__isnull=True, year=year, quarter=quarter
    )
    return list(
        Indicator.objects.filter(plan=plan, by_region=False)
        .exclude(ledger_source__derived=True)
        .exclude(Exists(entered))
        .order_by("order", "pk")
        .values_list("name", flat=True)
    )


@transaction.atomic
def close_quarter(
    plan: Plan, user, year: int, quarter: int, reason: str = "", *, override: bool = False
) -> ClosedQuarter:
    """Close the quarter once every region's report is approved and the
    bureau entered every county-only indicator (closing settles a blank one as
    nothing new). Otherwise only as an ``override`` with a ``reason``; the
    record then names those regions and indicators beside the reason.

    The quarter's reports are locked first, so a report being returned or
    handed in meanwhile either finishes before this looks, or finds the
    quarter closed after it."""
    if not user.has_perm(MANAGE_QUARTERS):
        raise PermissionDenied(_("您的账号没有关闭季度的权限。"))
    if not plan.contains(year, quarter):
        raise FigureError([_("该季度不在计划期内。")])
    if not quarter_begun(Period(year, quarter)):
        # A closed quarter counts as complete: every page would open on it.
        message = _("%(year)s年第%(quarter)s季度尚未开始,不能关闭。")
        raise FigureError([message % {"year": year, "quarter": quarter}])
    reason = visible_or_empty(reason)
    list(
        Submission.objects.select_for_update()
        .filter(plan=plan, year=year, quarter=quarter)
        .values_list("pk", flat=True)
    )
    unapproved = [region.name for region in unapproved_regions(plan, year, quarter)]
    unentered = unentered_county_indicators(plan, year, quarter)
    if (unapproved or unentered) and not override:
        problems = []
        if unapproved:
            message = _("以下区域的数据尚未审核,不能关闭:%(names)s。")
            problems.append(message % {"names": "、".join(unapproved)})
        if unentered:
            message = _("以下%(county)s指标本季度尚未填报,关闭后将按0计:%(names)s。")
            problems.append(message % {"county": plan.county_name, "names": "、".join(unentered)})
        problems.append(_("如确需关闭,请勾选“仍然关闭”并说明原因。"))
        raise FigureError(problems)
    if (unapproved or unentered) and not reason:
        raise FigureError([_("有区域尚未审核或指标尚未填报时仍然关闭,必须说明原因。")])
    pending = []
    if unapproved:
        pending.append(_("%(names)s 未审核") % {"names": "、".join(unapproved)})
    if unentered:
        pending.append(_("%(names)s 未填报") % {"names": "、".join(unentered)})
    if pending:
        reason = _("仍然关闭(%(pending)s):%(reason)s") % {
            "pending": _(";").join(pending),
            "reason": reason,
        }
    closed, created = ClosedQuarter.objects.get_or_create(
        plan=plan, year=year, quarter=quarter, defaults={"closed_by": user}
    )
    if not created:
        raise FigureError([_("该季度已经关闭。")])
    QuarterEvent.objects.create(
        plan=plan, year=year, quarter=quarter, action=QuarterAction.CLOSE, reason=reason, user=user
    )
    # A closed quarter counts as complete: the pages' default quarter moves.
    bump_data_version(plan.pk)
    return closed


@transaction.atomic
def reopen_quarter(plan: Plan, user, year: int, quarter: int, reason: str) -> None:
    if not user.has_perm(MANAGE_QUARTERS):
        raise PermissionDenied(_("您的账号没有重新开放季度的权限。"))
    reason = visible_or_empty(reason)
    if not reason:
        raise FigureError([_("重新开放季度必须说明原因。")])
    deleted, _details = (
        ClosedQuarter.objects.select_for_update()
        .filter(plan=plan, year=year, quarter=quarter)
        .delete()
    )
    if not deleted:
        raise FigureError([_("该季度没有关闭。")])
    QuarterEvent.objects.create(
        plan=plan,
        year=year,
        quarter=quarter,
        action=QuarterAction.REOPEN,
        reason=reason.strip(),
        user=user,
    )
    bump_data_version(plan.pk)
