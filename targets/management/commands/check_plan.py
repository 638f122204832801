from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from targets.management import plan_from_option
from targets.plan_check import check_plan_consistency, format_report
from targets.services import plan_as_spec


class Command(BaseCommand):
    help = _(
        "检查计划是否自洽:各区域目标之和等于汇总行(全县名称)的目标,各年目标之和等于总计。"
        "有不一致时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help=_("计划编号;默认为当前计划"))

    def handle(self, *args, plan: int | None, **options):
        chosen = plan_from_option(plan)
        report = check_plan_consistency(plan_as_spec(chosen))
        self.stdout.write(_("计划“%(name)s”一致性检查:") % {"name": chosen.name})
        self.stdout.write(format_report(report))
        if report.ok:
            message = _("全部一致(共 %(count)d 项)。") % {"count": len(report.lines)}
            self.stdout.write(self.style.SUCCESS(message))
            return
        differences = report.differences
        summary = _("%(count)d 项不一致:") % {"count": len(differences)}
        raise CommandError("\n".join([summary, *(line.describe() for line in differences)]))
