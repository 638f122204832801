from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.management import plan_from_option
from targets.services import export_plan


class Command(BaseCommand):
    help = _("把计划导出为 Excel 工作簿(布局与 import_plan 读取的相同)。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("要写入的 .xlsx 文件"))
        parser.add_argument("--plan", type=int, help=_("计划编号;默认为当前计划"))

    def handle(self, *args, file: Path, plan: int | None, **options):
        chosen = plan_from_option(plan)
        export_plan(chosen, file)
        message = _("已导出计划“%(name)s”到 %(path)s。") % {"name": chosen.name, "path": file}
        self.stdout.write(self.style.SUCCESS(message))
        if chosen.is_demo:
            # The demo writes its own industries (named “（演示）…”) and
            # evaluation thresholds into the plan: a workbook made from it
            # for a real plan must not carry them on unnoticed.
            warning = _(
                "注意:该计划载入过演示数据,“产业”与“评估规则”工作表中可能含演示数据"
                "(产业名称以“（演示）”开头,评估阈值为演示值),用作新计划前请核对修改。"
            )
            self.stderr.write(self.style.WARNING(warning))
