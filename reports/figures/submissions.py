"""Township reporting: 填报 → 上报 → 审核 or 退回, one region × quarter at a time.

The state machine (``SubmissionState``; no row means 未填报):

- a township official writing their own region's figures makes it 填报中
  (from nothing or from 已退回); they may write only while it is 填报中 or
  已退回, and only in an open quarter;
- ``submit``: the township hands a complete quarter to the bureau (已上报);
- ``approve``: the bureau accepts it (已审核) — only now do its figures count;
- ``return_submission``: the bureau sends it back with a reason (已退回);
- the bureau writing a region's figures itself (代填) counts at once: a region
  with nothing, a draft or a returned report becomes 已审核 — once every
  indicator of the region has a figure (till then it stays 填报中 or 已退回);
  corrections to a report under review (已上报) or already approved keep its state.

Every step leaves a ``SubmissionEvent`` (who, when, why) and locks the
submission row, so a township saving and a reviewer approving the same quarter
never interleave. Each function is atomic and checks permissions itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from regions.models import Region, region_id_of
from regions.roles import REPORT_OWN_FIGURES, REVIEW_FIGURES
from regions.text import visible_or_empty
from reports.choices import (
    NOT_STARTED,
    NOT_STARTED_LABEL,
    NoticeKind,
    SubmissionAction,
    SubmissionState,
)
from reports.figures.changes import FigureError
from reports.figures.notices import notify, settle
from reports.models import ClosedQuarter, Figure, Submission, SubmissionEvent
from targets.models import Indicator, Plan
from targets.versioning import bump_data_version

# States in which the township may still change its figures.
EDITABLE_BY_TOWNSHIP = (SubmissionState.DRAFT, SubmissionState.RETURNED)
# Reports in these states have reached the bureau: nothing is due from the region.
HANDED_IN = (SubmissionState.SUBMITTED, SubmissionState.APPROVED)


class SubmissionError(FigureError):
    """A transition that is not allowed now (wrong state, stale page, closed quarter)."""


def state_label(state: str) -> str:
    if state == NOT_STARTED:
        return str(NOT_STARTED_LABEL)
    return str(SubmissionState(state).label)


def period_label(year: int, quarter: int) -> str:
    return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": quarter}


def states_for(plan: Plan, year: int, quarter: int, regions: Iterable[Region]) -> dict[int, str]:
    """Region id → state (``NOT_STARTED`` without a row), in one query."""
    region_ids = [region.pk for region in regions]
    stored = dict(
        Submission.objects.filter(
            plan=plan, year=year, quarter=quarter, region_id__in=region_ids
        ).values_list("region_id", "state")
    )
    return {region_id: stored.get(region_id, NOT_STARTED) for region_id in region_ids}


def _is_closed(plan: Plan, year: int, quarter: int) -> bool:
    return ClosedQuarter.objects.filter(plan=plan, year=year, quarter=quarter).exists()


def _locked(plan: Plan, region_id: int, year: int, quarter: int) -> Submission | None:
    return (
        Submission.objects.select_for_update()
        .filter(plan=plan, region_id=region_id, year=year, quarter=quarter)
        .first()
    )


def _step(
    submission: Submission, user, action: SubmissionAction, state: str, reason: str = ""
) -> Submission:
    submission.state = state
    submission.version += 1
    submission.save()
    SubmissionEvent.objects.create(
        submission=submission, action=action, state=state, reason=reason, user=user
    )
    # Approving or returning changes which figures count.
    bump_data_version(submission.plan_id)
    return submission


def _check_version(submission: Submission | None, seen_version: int | None) -> None:
    current = submission.version if submission else 0
    if seen_version is not None and seen_version != current:
        raise SubmissionError([_("这份填报在您打开页面后已被他人处理,请刷新后再操作。")])


# --- writes of figures -----------------------------------------------------


def handed_in_message(plan: Plan, year: int, quarter: int, state: str) -> str:
    return _("%(period)s的数据%(state)s,不能再修改;如需更正,请联系%(bureau)s退回。") % {
        "period": period_label(year, quarter),
        "state": state_label(state),
        "bureau": plan.bureau_name,
    }


def handed_in_problems(plan: Plan, region_id: int, periods: Iterable[tuple[int, int]]) -> list[str]:
    """Why a township may not change its figures of ``periods`` (already
    上报 or 审核), for a preview before anything is written; the write itself
    checks again under lock (``check_figure_writes``)."""
    return list(handed_in_by_period(plan, region_id, periods).values())


def handed_in_by_period(
    plan: Plan, region_id: int, periods: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """``handed_in_problems`` by (year, quarter), in time order: one query."""
    periods = set(periods)
    rows = Submission.objects.filter(plan=plan, region_id=region_id).exclude(
        state__in=EDITABLE_BY_TOWNSHIP
    )
    return {
        (year, quarter): handed_in_message(plan, year, quarter, state)
        for year, quarter, state in rows.order_by("year", "quarter").values_list(
            "year", "quarter", "state"
        )
        if (year, quarter) in periods
    }


def cell_order(cell: tuple[int | None, int, int]) -> tuple:
    region_id, year, quarter = cell
    return (year, quarter, region_id or 0)


# --- transitions -----------------------------------------------------------


def missing_indicators(plan: Plan, region_id: int, year: int, quarter: int) -> list[str]:
    """The region's indicators without a figure for the quarter (0 is a figure)."""
    filled = set(
        Figure.objects.filter(
            indicator__plan=plan, region_id=region_id, year=year, quarter=quarter
        ).values_list("indicator_id", flat=True)
    )
    return [
        indicator.name
        for indicator in plan.indicators.filter(by_region=True)
        if indicator.pk not in filled
    ]


@transaction.atomic
def submit(
    plan: Plan, user, region: Region, year: int, quarter: int, *, seen_version: int | None = None
) -> Submission:
    """The township hands its complete quarter to the bureau (上报)."""
    if not user.has_perm(REPORT_OWN_FIGURES) or region_id_of(user) != region.pk:
        raise PermissionDenied(_("只能上报本区域的数据。"))
    submission = _locked(plan, region.pk, year, quarter)
    # Looked at under the lock: a quarter being closed (which locks the
    # quarter's reports first) is seen closed here once it is.
    if _is_closed(plan, year, quarter):
        raise SubmissionError([_("该季度已关闭,不能上报。")])
    _check_version(submission, seen_version)
    if submission is None or submission.state not in EDITABLE_BY_TOWNSHIP:
        state = submission.state if submission else NOT_STARTED
        raise SubmissionError(
            [_("当前状态为“%(state)s”,不能上报。") % {"state": state_label(state)}]
        )
    missing = missing_indicators(plan, region.pk, year, quarter)
    if missing:
        raise SubmissionError(
            [
                _("以下指标尚未填写(没有新增请填 0),不能上报:%(names)s")
                % {"names": "、".join(missing)}
            ]
        )
    _step(submission, user, SubmissionAction.SUBMIT, SubmissionState.SUBMITTED)
    settle(NoticeKind.RETURNED, [submission.pk])
    # Stored and mailed as written: in the site's language, not the actor's.
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            reviewers(),
            NoticeKind.SUBMITTED,
            key=f"submitted:{submission.pk}:{submission.version}",
            subject=_("%(region)s已上报%(period)s的数据,请审核")
            % {"region": region.name, "period": period_label(year, quarter)},
            link=reverse("reports:review") + f"?period={year}Q{quarter}",
        )
    return submission


@transaction.atomic
def approve(
    plan: Plan, user, region: Region, year: int, quarter: int, *, seen_version: int | None = None
) -> Submission:
    """The bureau accepts a submitted quarter (审核通过): its figures now count."""
    _require_reviewer(user)
    submission = _locked(plan, region.pk, year, quarter)
    # Closed means final: the report would start counting in closed totals.
    if _is_closed(plan, year, quarter):  # under the lock, as in ``submit``
        raise SubmissionError([_("该季度已关闭,需先重新开放才能审核。")])
    _check_version(submission, seen_version)
    if submission is None or submission.state != SubmissionState.SUBMITTED:
        state = submission.state if submission else NOT_STARTED
        raise SubmissionError(
            [
                _("%(region)s当前状态为“%(state)s”,只有已上报的数据可以审核。")
                % {"region": region.name, "state": state_label(state)}
            ]
        )
    # An approved report counts every indicator: one lacking a figure (a
    # plan's indicator added since it was handed in) would count it as 0.
    if missing := missing_indicators(plan, region.pk, year, quarter):
        raise SubmissionError(
            [
                _("%(region)s尚有指标未填写,不能审核通过(请退回,或代为填齐):%(names)s")
                % {"region": region.name, "names": "、".join(missing)}
            ]
        )
    _step(submission, user, SubmissionAction.APPROVE, SubmissionState.APPROVED)
    submission.return_reason = ""
    submission.save(update_fields=["return_reason"])
    settle(NoticeKind.SUBMITTED, [submission.pk])
    _tell_township(
        submission,
        region,
        NoticeKind.APPROVED,
        lambda: (_("%(period)s的数据已通过审核") % {"period": period_label(year, quarter)}, ""),
    )
    return submission


@transaction.atomic
def return_submission(
    plan: Plan,
    user,
    region: Region,
    year: int,
    quarter: int,
    reason: str,
    *,
    seen_version: int | None = None,
) -> Submission:
    """The bureau sends a quarter back to the township with a reason (退回).
    An approved quarter may be returned too while the quarter is open; its
    figures stop counting until approved again."""
    _require_reviewer(user)
    reason = visible_or_empty(reason)
    if not reason:
        raise SubmissionError([_("退回必须说明原因。")])
    submission = _locked(plan, region.pk, year, quarter)
    if _is_closed(plan, year, quarter):  # under the lock, as in ``submit``
        raise SubmissionError([_("该季度已关闭,需先重新开放才能退回。")])
    _check_version(submission, seen_version)
    if submission is None or submission.state not in (
        SubmissionState.SUBMITTED,
        SubmissionState.APPROVED,
    ):
        state = submission.state if submission else NOT_STARTED
        raise SubmissionError(
            [
                _("%(region)s当前状态为“%(state)s”,只有已上报或已审核的数据可以退回。")
                % {"region": region.name, "state": state_label(state)}
            ]
        )
    submission.return_reason = reason
    _step(submission, user, SubmissionAction.RETURN, SubmissionState.RETURNED, reason)
    settle(NoticeKind.SUBMITTED, [submission.pk])
    _tell_township(
        submission,
        region,
        NoticeKind.RETURNED,
        lambda: (
            _("%(period)s的数据被退回") % {"period": period_label(year, quarter)},
            _("退回原因:%(reason)s") % {"reason": reason},
        ),
    )
    return submission


def _tell_township(submission: Submission, region: Region, kind: str, words) -> None:
    """Notify the region's officials of a step of their report. ``words()``
    gives the subject and body, composed in the site's language: a notice is
    stored and mailed as written, whoever acted."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = words()
    notify(
        township_users(region),
        kind,
        key=f"{kind}:{submission.pk}:{submission.version}",
        subject=subject,
        body=body,
        link=reverse("reports:entry") + f"?period={submission.year}Q{submission.quarter}",
    )


@dataclass
class BatchResult:
    done: list[Region] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)  # region name → reasons


def approve_many(
    plan: Plan, user, year: int, quarter: int, regions: Iterable[Region], versions: dict[int, int]
) -> BatchResult:
    """Approve several regions at once; each region's quarter is all or nothing
    on its own, so one region whose report changed meanwhile does not hold up
    the others (it is listed with the reason)."""
    _require_reviewer(user)
    result = BatchResult()
    for region in regions:
        try:
            approve(plan, user, region, year, quarter, seen_version=versions.get(region.pk))
        except SubmissionError as exc:
            result.refused[region.name] = exc.messages
        else:
            result.done.append(region)
    return result


def return_many(
    plan: Plan,
    user,
    year: int,
    quarter: int,
    regions: Iterable[Region],
    reason: str,
    versions: dict[int, int],
) -> BatchResult:
    """Return several regions with one reason; each on its own, as in
    ``approve_many``."""
    _require_reviewer(user)
    if not visible_or_empty(reason):
        raise SubmissionError([_("退回必须说明原因。")])
    result = BatchResult()
    for region in regions:
        try:
            return_submission(
                plan, user, region, year, quarter, reason, seen_version=versions.get(region.pk)
            )
        except SubmissionError as exc:
            result.refused[region.name] = exc.messages
        else:
            result.done.append(region)
    return result


def _require_reviewer(user) -> None:
    if not user.has_perm(REVIEW_FIGURES):
        raise PermissionDenied(_("您的账号没有审核数据的权限。"))


def reporting_regions(plan: Plan) -> QuerySet[Region]:
    """The regions that owe a report each quarter, in the plan's order: every
    region when the plan breaks some indicator down by region; none in a plan
    of county-level indicators only, whose regions have nothing to hand in.
    Decided inside the query (``Exists``): no query of its own."""
    broken_down = Indicator.objects.filter(plan=plan, by_region=True)
    return plan.regions.filter(Exists(broken_down)).order_by("order", "pk")


def unapproved_regions(plan: Plan, year: int, quarter: int) -> list[Region]:
    """Regions whose report for the quarter is not approved (closing needs none)."""
    approved = Submission.objects.filter(
        plan=plan, year=year, quarter=quarter, state=SubmissionState.APPROVED
    ).values("region_id")
    return list(reporting_regions(plan).exclude(pk__in=approved))


def reviewers():
    """Active users who may approve (staff and administrators)."""
    User = get_user_model()
    perm = Q(groups__permissions__codename="review_figures") | Q(
        user_permissions__codename="review_figures"
    )
    return User.objects.filter(is_active=True).filter(perm | Q(is_superuser=True)).distinct()


def township_users(region: Region):
    return get_user_model().objects.filter(is_active=True, membership__region=region)
