"""``python manage.py export_figures FILE.xlsx [--year Y] [--quarter Q] [--plan ID]``

The plan's recorded figures in the long layout (sheet ``数据``) that
``import_figures`` reads back unchanged (``reports.excel.export``).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.excel.export import export_figures
from targets.models import Plan


class Command(BaseCommand):
    help = _("把季度数据导出为 Excel 长表(工作表“数据”),可用 import_figures 原样导回。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("输出的 Excel 文件(.xlsx)"))
        parser.add_argument("--year", type=int, help=_("只导出这一年"))
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help=_("只导出这一季度"))
        parser.add_argument("--plan", type=int, help=_("计划编号(默认:当前计划)"))

    def handle(self, *args, file: Path, year, quarter, plan, **options):
        the_plan = Plan.objects.filter(pk=plan).first() if plan else Plan.objects.current()
        if the_plan is None:
            raise CommandError(_("找不到计划;请用 --plan 指定计划编号,或先导入计划。"))
        if year is not None and year not in the_plan.years:
            message = _("年份 %(year)s 不在计划期 %(first)s—%(last)s 年内")
            params = {"year": year, "first": the_plan.first_year, "last": the_plan.last_year}
            raise CommandError(message % params)
        count = export_figures(the_plan, str(file), year=year, quarter=quarter)
        message = _("已导出 %(count)d 行到 %(path)s")
        self.stdout.write(self.style.SUCCESS(message % {"count": count, "path": file}))
