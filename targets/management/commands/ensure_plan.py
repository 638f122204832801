from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from targets.excel.cells import PlanWorkbookError
from targets.models import Plan
from targets.services import import_plan


class Command(BaseCommand):
    help = (
        "数据库中还没有任何计划时,载入一个计划(夹具或计划工作簿);已有计划时什么也不做。"
        "供 scripts/run 每次启动时调用,不会覆盖已载入的计划和修改过的目标。"
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--fixture", help="fixtures/ 中的计划夹具名称")
        source.add_argument("--workbook", type=Path, help="计划工作簿(.xlsx)")

    def handle(self, *args, fixture: str | None, workbook: Path | None, **options):
        existing = Plan.objects.current()
        if existing is not None:
            self.stdout.write(
                _("已有计划“%(name)s”,未重新载入(已有的目标和数据保持不变)。")
                % {"name": existing.name}
            )
            return
        if workbook is not None:
            if not workbook.is_file():
                raise CommandError(_("找不到文件:%(path)s") % {"path": workbook})
            try:
                plan = import_plan(workbook, activate=True)
            except PlanWorkbookError as exc:
                summary = _("导入失败,未写入任何数据:")
                raise CommandError("\n".join([summary, *exc.messages])) from exc
        else:
            call_command("loaddata", fixture, verbosity=0)
            plan = Plan.objects.current()
            if plan is None:
                raise CommandError(_("夹具“%(name)s”中没有计划。") % {"name": fixture})
        self.stdout.write(self.style.SUCCESS(_("已载入计划“%(name)s”。") % {"name": plan.name}))
