from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from targets.excel.cells import PlanWorkbookError
from targets.plan_check import check_plan_consistency, format_report
from targets.services import PlanNameTakenError, import_plan, plan_as_spec


class Command(BaseCommand):
    help = _("从 Excel 工作簿导入一个计划(区域、指标、目标);有任何错误则什么也不写入。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("计划工作簿(.xlsx)"))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("替换同名计划(仅当它还没有填报数据等关联内容时)"),
        )
        parser.add_argument("--activate", action="store_true", help=_("导入后设为当前计划"))

    def handle(self, *args, file: Path, replace: bool, activate: bool, **options):
        if not file.is_file():
            raise CommandError(_("找不到文件:%(path)s") % {"path": file})
        try:
            plan = import_plan(file, replace=replace, activate=activate)
        except PlanNameTakenError as exc:
            # Only here does --replace help; a refused replacement (figures
            # exist) is a PlanWorkbookError like any other below.
            hint = _("(命令行:加 --replace)")
            raise CommandError("\n".join([*exc.messages, hint])) from exc
        except PlanWorkbookError as exc:
            summary = _("导入失败,未写入任何数据:")
            raise CommandError("\n".join([summary, *exc.messages])) from exc
        counts = {
            "name": plan.name,
            "id": plan.pk,
            "regions": plan.regions.count(),
            "indicators": plan.indicators.count(),
            "targets": sum(i.targets.count() for i in plan.indicators.all()),
        }
        message = _(
            "已导入计划“%(name)s”(编号 %(id)d):"
            "%(regions)d 个区域、%(indicators)d 个指标、%(targets)d 个目标。"
        )
        self.stdout.write(self.style.SUCCESS(message % counts))
        if not plan.is_active:
            self.stdout.write(
                _("它不是当前计划;如需切换,请加 --activate 重新导入或在管理后台设置。")
            )
        report = check_plan_consistency(plan_as_spec(plan))
        if not report.ok:
            self.stdout.write(self.style.WARNING(_("注意:计划各项目标之和不一致:")))
            self.stdout.write(format_report(report))
