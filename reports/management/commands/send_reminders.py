"""Remind the townships of reports due soon and overdue, once per stage.

    python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]

Meant to run daily (cron or a systemd timer, docs/deployment.md). Running it
again sends nothing twice; mails that failed before are retried.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.choices import NoticeKind
from reports.figures import deadlines
from reports.figures.reminders import send_reminders
from targets.models import Plan


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = _("日期格式应为 YYYY-MM-DD,而不是 %(text)s。") % {"text": text}
        raise CommandError(message) from None


class Command(BaseCommand):
    help = _(
        "为当前计划中未关闭的季度发送上报提醒:截止日期前若干天提醒尚未上报的乡镇,"
        "逾期后发送逾期通知并向主管部门的工作人员汇总。同一阶段的通知只发一次,可反复运行。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today", type=str, help=_("按此日期计算(YYYY-MM-DD,默认:今天,北京时间)")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只列出将要发送的通知,不发送、不记录")
        )

    def handle(self, *args, today: str | None, dry_run: bool, **options):
        day = iso_date(today) if today else deadlines.today()
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError(_("系统中还没有任何计划。"))
        run = send_reminders(plan, day, dry_run=dry_run)
        if dry_run:
            self.stdout.write(_("试运行(%(day)s):以下通知将会发送。") % {"day": day})
            for kind, key, username in run.sent:
                self.stdout.write(f"  {NoticeKind(kind).label}\t{username}\t{key}")
        self.stdout.write(
            _("%(day)s:即将到期提醒 %(soon)d 条,逾期通知 %(overdue)d 条,发出邮件 %(mailed)d 封。")
            % {
                "day": day,
                "soon": run.count(NoticeKind.DUE_SOON),
                "overdue": run.count(NoticeKind.OVERDUE),
                "mailed": run.mailed,
            }
        )
