"""Reminders before a quarter's due date and overdue notices after it
(``manage.py send_reminders``, run daily from cron or a systemd timer).

For every open quarter of the plan, and every region that has not handed its
report in (neither 已上报 nor 已审核):

- from ``REPORT_REMIND_DAYS_BEFORE`` days before the due date up to the due
  date itself, a reminder (``DUE_SOON``) to the region's township officials;
- after the due date, an overdue notice (``OVERDUE``) to them, and to the
  bureau's reviewers one summary per quarter listing the overdue regions.

Each notice has a key naming its stage (``due_soon:<plan>:2026Q3:<region>``),
and ``notify`` creates a notice only once per user and key: running the
command twice, or every hour, sends nothing twice. Mails that failed are
retried by the next run (``mail_pending``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from regions.models import Region
from reports.choices import NoticeKind
from reports.figures.deadlines import due_dates
from reports.figures.notices import mail_pending, notify
from reports.figures.submissions import (
    HANDED_IN,
    period_label,
    reporting_regions,
    reviewers,
    state_label,
    township_users,
)
from reports.models import ClosedQuarter, Notice, Submission
from reports.progress import Period, plan_periods
from targets.models import Plan


@dataclass
class Reminder:
    """One notice to send, to each of ``users`` who does not have it yet."""

    kind: str
    key: str
    users: QuerySet
    subject: str
    body: str
    link: str


@dataclass
class ReminderRun:
    # (kind, key, username) of every notice created (or, in a dry run, due to be)
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    mailed: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for sent_kind, _key, _user in self.sent if sent_kind == kind)


def reminders_due(plan: Plan, today: date) -> list[Reminder]:
    """Every reminder and overdue notice that ``today`` calls for, whether
    sent before or not (``notify`` skips those already sent)."""
    remind_from = timedelta(days=settings.REPORT_REMIND_DAYS_BEFORE)
    closed = set(ClosedQuarter.objects.filter(plan=plan).values_list("year", "quarter"))
    due = due_dates(plan)
    active = [
        period
        for period in plan_periods(plan.years)
        if (period.year, period.quarter) not in closed
        and today >= due[(period.year, period.quarter)] - remind_from
    ]
    if not active:
        return []
    regions = list(reporting_regions(plan))
    states: dict[tuple[int, int, int], str] = {
        (year, quarter, region_id): state
        for year, quarter, region_id, state in Submission.objects.filter(plan=plan).values_list(
            "year", "quarter", "region_id", "state"
        )
    }
    reminders = []
    for period in active:
        day = due[(period.year, period.quarter)]
        pending = [
            (region, states.get((period.year, period.quarter, region.pk), "not_started"))
            for region in regions
        ]
        pending = [(region, state) for region, state in pending if state not in HANDED_IN]
        if not pending:
            continue
        if today <= day:
            reminders += [_due_soon(plan, period, day, region, state) for region, state in pending]
        else:
            reminders += [_overdue(plan, period, day, region, state) for region, state in pending]
            reminders.append(_summary(plan, period, day, pending))
    return reminders


def _stage_key(stage: str, plan: Plan, period: Period, region: Region | None = None) -> str:
    key = f"{stage}:{plan.pk}:{period.code}"
    return f"{key}:{region.pk}" if region is not None else key


def _entry_link(period: Period) -> str:
    return f"{reverse('reports:entry')}?period={period.code}"


def _due_soon(plan: Plan, period: Period, day: date, region: Region, state: str) -> Reminder:
    words = {"period": period_label(period.year, period.quarter), "due": day.isoformat()}
    return Reminder(
        kind=NoticeKind.DUE_SOON,
        key=_stage_key("due_soon", plan, period, region),
        users=township_users(region),
        subject=_("请于 %(due)s 前上报%(period)s的数据") % words,
        body=_("%(region)s%(period)s的数据尚未上报(当前状态:%(state)s),截止日期为 %(due)s。")
        % {**words, "region": region.name, "state": state_label(state)},
        link=_entry_link(period),
    )


def _overdue(plan: Plan, period: Period, day: date, region: Region, state: str) -> Reminder:
    words = {"period": period_label(period.year, period.quarter), "due": day.isoformat()}
    return Reminder(
        kind=NoticeKind.OVERDUE,
        key=_stage_key("overdue", plan, period, region),
        users=township_users(region),
        subject=_("%(period)s的数据已逾期未上报") % words,
        body=_(
            "%(region)s%(period)s的数据截止日期为 %(due)s,至今尚未上报(当前状态:%(state)s),"
            "请尽快填报并上报。"
        )
        % {**words, "region": region.name, "state": state_label(state)},
        link=_entry_link(period),
    )


def _summary(plan: Plan, period: Period, day: date, pending: list[tuple[Region, str]]) -> Reminder:
    words = {
        "period": period_label(period.year, period.quarter),
        "due": day.isoformat(),
        "count": len(pending),
        "region": plan.region_term,
    }
    names = "、".join(f"{region.name}({state_label(state)})" for region, state in pending)
    return Reminder(
        kind=NoticeKind.OVERDUE,
        key=_stage_key("overdue_summary", plan, period),
        users=reviewers(),
        subject=_("%(period)s有 %(count)s 个%(region)s逾期未上报") % words,
        body=_("截止日期 %(due)s 已过,以下%(region)s尚未上报:%(names)s")
        % {**words, "names": names},
        link=f"{reverse('reports:quarters')}?period={period.code}",
    )


def send_reminders(plan: Plan, today: date, *, dry_run: bool = False) -> ReminderRun:
    """Create (and mail) every notice ``today`` calls for that was not sent
    before; with ``dry_run``, only say which they would be. Then retry the mails
    of earlier notices that could not be sent."""
    run = ReminderRun()
    started = timezone.now()
    # One transaction: the new notices' mails go out once it commits (notify).
    with transaction.atomic():
        for reminder in reminders_due(plan, today):
            if dry_run:
                have = Notice.objects.filter(key=reminder.key).values("user_id")
                users = list(reminder.users.exclude(pk__in=have))
            else:
                users = [notice.user for notice in notify(
                    reminder.users,
                    reminder.kind,
                    key=reminder.key,
                    subject=reminder.subject,
                    body=reminder.body,
                    link=reminder.link,
                )]  # fmt: skip
            run.sent += [(reminder.kind, reminder.key, user.get_username()) for user in users]
    if not dry_run:
        mail_pending()
        run.mailed = Notice.objects.filter(emailed_at__gte=started).count()
    return run
