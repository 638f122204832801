"""Township reporting's bookkeeping around a write of figures
(``reports.figures.services.record_figures``): before it, who may write which
region's quarter, with the submissions involved locked; after it, each
touched report's new state (``reports.figures.submissions`` has the state
machine). Both in a constant number of queries, however many region ×
quarter reports an import touches.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from regions.models import Membership, region_id_of
from regions.roles import ENTER_FIGURES, REPORT_OWN_FIGURES
from reports.choices import NoticeKind, SubmissionAction, SubmissionState
from reports.figures.notices import notify_many, settle
from reports.figures.submissions import (
    EDITABLE_BY_TOWNSHIP,
    HANDED_IN,
    SubmissionError,
    cell_order,
    handed_in_message,
    period_label,
)
from reports.models import Figure, Notice, Submission, SubmissionEvent
from targets.models import Plan


def check_figure_writes(plan: Plan, user, cells: Iterable[tuple[int | None, int, int]]) -> None:
    """Refuse, before anything is written, figures ``user`` may not write:
    ``cells`` are (region_id | None, year, quarter). Staff (``enter_figures``)
    may write every region and the county; a township official only their own
    region, while its report for that quarter is 未填报, 填报中 or 已退回.
    Locks the submissions involved until the transaction ends."""
    cells = set(cells)
    if user.has_perm(ENTER_FIGURES):
        _locked_many(plan, cells)
        return
    if not user.has_perm(REPORT_OWN_FIGURES):
        raise PermissionDenied(_("您的账号没有填报数据的权限。"))
    own = region_id_of(user)
    if own is None or any(region_id != own for region_id, _y, _q in cells):
        raise PermissionDenied(_("只能填报本区域的数据。"))
    locked = _locked_many(plan, cells)
    problems = [
        handed_in_message(plan, year, quarter, submission.state)
        for (_region_id, year, quarter), submission in sorted(
            locked.items(), key=lambda item: cell_order(item[0])
        )
        if submission.state not in EDITABLE_BY_TOWNSHIP
    ]
    if problems:
        raise SubmissionError(problems)


# Up to this many regions are locked by id; more (an import of the whole
# county) and the quarters' submissions are locked whole: SQLite caps the
# parameters of one query, and such an import writes nearly all of them anyway.
EXACT_REGION_LIMIT = 500


def _locked_many(
    plan: Plan, cells: Iterable[tuple[int | None, int, int]]
) -> dict[tuple[int, int, int], Submission]:
    """The existing submissions of ``cells`` (region_id, year, quarter; the
    county's cells have none), locked in one query, always in the same order
    (quarter, then region) so that two writers cannot deadlock."""
    cells = {cell for cell in cells if cell[0] is not None}
    if not cells:
        return {}
    where = Q()
    for year, quarter in {(year, quarter) for _region_id, year, quarter in cells}:
        where |= Q(year=year, quarter=quarter)
    rows = Submission.objects.select_for_update().filter(where, plan=plan)
    region_ids = {region_id for region_id, _year, _quarter in cells}
    if len(region_ids) <= EXACT_REGION_LIMIT:
        rows = rows.filter(region_id__in=region_ids)
    found = {}
    for submission in rows.order_by("year", "quarter", "region_id"):
        cell = (submission.region_id, submission.year, submission.quarter)
        if cell in cells:
            found[cell] = submission
    return found


def note_figure_writes(
    plan: Plan,
    user,
    cells: Iterable[tuple[int | None, int, int]],
    *,
    cleared: Iterable[tuple[int | None, int, int]] = (),
    approves: bool = True,
) -> list[Submission]:
    """After figures of ``cells`` were written: a township's first change makes
    its report 填报中; the bureau's own entry (代填) is approved at once unless
    the report is under review or approved already, whose state it keeps.

    An approved report counts every indicator of the region, a blank as 0, so
    none is approved or stays counted with one:

    - the bureau's entry that leaves a report incomplete does not approve it:
      it stays as it was (填报中 when new), the entry recorded;
    - the bureau's correction that blanks a figure (``cleared``) of a report
      under review or approved sends it back to 填报中, to be completed;
    - a write that only follows from another (``approves`` False: figures
      derived from the ledger, operating data) never approves a report: it
      is recorded as the bureau's correction, the state kept (填报中 when new).

    Returns the reports the bureau's write left unapproved or sent back, for
    the caller to say so. In a constant number of queries however many cells
    (an import writes thousands of region × quarter reports): the missing
    rows created at once, the changed ones moved to their new state with one
    UPDATE, one event each."""
    cells = {cell for cell in cells if cell[0] is not None}  # the county's are the bureau's
    if not cells:
        return []
    submissions = _locked_many(plan, cells)
    missing = cells - submissions.keys()
    if missing:
        # A writer racing us for the same new row waits on its insert and
        # skips it; both then hold the one row, locked.
        Submission.objects.bulk_create(
            [
                Submission(
                    plan=plan,
                    region_id=region_id,
                    year=year,
                    quarter=quarter,
                    state=SubmissionState.DRAFT,
                    version=0,
                )
                for region_id, year, quarter in sorted(missing, key=cell_order)
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        submissions |= _locked_many(plan, missing)
    by_staff = user.has_perm(ENTER_FIGURES)
    cleared = set(cleared)
    stepped, corrected, events = [], [], []
    for cell in sorted(submissions, key=cell_order):
        submission = submissions[cell]
        fresh = submission.version == 0
        if (
            by_staff
            and not fresh
            and (not approves or submission.state not in EDITABLE_BY_TOWNSHIP)
        ):
            corrected.append(submission)
        elif by_staff or fresh or submission.state == SubmissionState.RETURNED:
            stepped.append(submission)
    # The bureau's: a correction that blanked a handed-in report's figure
    # leaves it incomplete; an entry is approved only when complete.
    blanked = [
        s for s in corrected if s.state in HANDED_IN and (s.region_id, s.year, s.quarter) in cleared
    ]
    reopened = _incomplete(plan, blanked) if by_staff else []
    incomplete = _incomplete(plan, stepped) if by_staff and approves else []
    if by_staff and not approves:
        incomplete = list(stepped)  # fresh: a draft, never approved by this write
    left = {submission.pk for submission in [*incomplete, *reopened]}
    stepped = [submission for submission in stepped if submission.pk not in left]
    bureau = {"bureau": plan.bureau_name}
    corrected_reason = _("%(bureau)s更正") % bureau
    for submission in corrected:
        if submission.pk not in left:
            events.append(_event(submission, user, submission.state, corrected_reason))
    for submission in incomplete:
        state = SubmissionState.DRAFT if submission.version == 0 else submission.state
        proxied = _("%(bureau)s代填,尚有指标未填,未审核") % bureau
        events.append(_event(submission, user, state, proxied if approves else corrected_reason))
    reason = _("%(bureau)s更正后尚有指标未填,退回填报中,填齐后重新上报或代填") % bureau
    events += [_event(s, user, SubmissionState.DRAFT, reason) for s in reopened]
    settle(NoticeKind.SUBMITTED, [s.pk for s in reopened])  # nothing to review now
    _step_many([s for s in incomplete if s.version == 0] + reopened, SubmissionState.DRAFT)
    if by_staff:
        action, state = SubmissionAction.PROXY, SubmissionState.APPROVED
    else:
        action, state = SubmissionAction.SAVE, SubmissionState.DRAFT
    # A report the township had begun (填报中, 已退回) that the bureau's entry
    # now approves: the township is told, and a 退回 notice is done.
    taken_over = [s for s in stepped if s.version > 0] if by_staff else []
    if by_staff:
        settle(NoticeKind.RETURNED, [s.pk for s in stepped if s.state == SubmissionState.RETURNED])
    _step_many(stepped, state)
    tell_townships_of_proxy_approval(taken_over)
    events += [
        SubmissionEvent(submission=submission, action=action, state=state, user=user)
        for submission in stepped
    ]
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    unapproved = [*reopened, *(incomplete if approves else [])]
    return sorted(unapproved, key=lambda s: cell_order((s.region_id, s.year, s.quarter)))


def _event(submission: Submission, user, state: str, reason: str) -> SubmissionEvent:
    """The bureau's write into a region's report, recorded (代填 / 更正)."""
    return SubmissionEvent(
        submission=submission, action=SubmissionAction.PROXY, state=state, reason=reason, user=user
    )


def _incomplete(plan: Plan, submissions: list[Submission]) -> list[Submission]:
    """The reports among ``submissions`` with an indicator of the region
    (broken down by region) that has no figure for the quarter (0 is a
    figure): two queries however many."""
    if not submissions:
        return []
    wanted = plan.indicators.filter(by_region=True).count()
    figures = Figure.objects.filter(
        indicator__plan=plan,
        indicator__by_region=True,
        year__in={s.year for s in submissions},
        quarter__in={s.quarter for s in submissions},
    )
    region_ids = {s.region_id for s in submissions}
    if len(region_ids) <= EXACT_REGION_LIMIT:
        figures = figures.filter(region_id__in=region_ids)
    filled = {
        (row["region_id"], row["year"], row["quarter"]): row["filled"]
        for row in figures.values("region_id", "year", "quarter").annotate(filled=Count("pk"))
    }
    return [s for s in submissions if filled.get((s.region_id, s.year, s.quarter), 0) < wanted]


def tell_townships_of_proxy_approval(submissions: list[Submission]) -> None:
    """Each township official of these reports (approved by the bureau's
    own entry) gets a notice: two queries however many."""
    if not submissions:
        return
    officials = Membership.objects.filter(
        region_id__in={s.region_id for s in submissions}, user__is_active=True
    ).values_list("user_id", "region_id")
    by_region: dict[int, list[int]] = {}
    for user_id, region_id in officials:
        by_region.setdefault(region_id, []).append(user_id)
    with translation.override(settings.LANGUAGE_CODE):  # stored and mailed as written
        subjects = {
            s.pk: _("%(period)s的数据已由审核人员代填并审核通过")
            % {"period": period_label(s.year, s.quarter)}
            for s in submissions
        }
    notify_many(
        [
            Notice(
                user_id=user_id,
                kind=NoticeKind.APPROVED,
                key=f"approved:{s.pk}:{s.version}",
                subject=subjects[s.pk],
                link=reverse("reports:entry") + f"?period={s.year}Q{s.quarter}",
            )
            for s in submissions
            for user_id in by_region.get(s.region_id, ())
        ]
    )


def _step_many(submissions: list[Submission], state: str) -> None:
    """What ``_step`` does to one submission, to many in one UPDATE (per
    thousand rows): the new state, version + 1, updated now."""
    now = timezone.now()
    for start in range(0, len(submissions), 1000):
        chunk = submissions[start : start + 1000]
        Submission.objects.filter(pk__in=[s.pk for s in chunk]).update(
            state=state, version=F("version") + 1, updated_at=now
        )
    for submission in submissions:
        submission.state, submission.version, submission.updated_at = (
            state,
            submission.version + 1,
            now,
        )
