"""``python manage.py import_figures FILE.xlsx --user NAME [--dry-run]``

The same reading and checks as the upload page (``reports.figures.imports``) and
the same write (``record_figures``):
the quarterly template or a long sheet for bulk loads (docs/figures-template.md).
Every problem is printed and the exit status is non-zero; nothing is written
unless the whole file is sound. ``--user`` is required: the history of every
changed figure records who imported it, and that user needs the right to
enter figures, exactly as on the page.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regions.roles import ENTER_FIGURES
from reports.choices import Source
from reports.excel.long_sheet import PROGRESS_EVERY
from reports.figures.changes import FigureConflictError, FigureError
from reports.figures.imports import COMMAND_LIMITS, ImportPreview, plan_shape, preview_import
from reports.figures.services import record_figures
from reports.progress import Period
from targets.excel.safety import UnsafeWorkbookError, read_capped
from targets.models import Plan

BAR_WIDTH = 30
SHOWN_CHANGES = 20  # at verbosity 1; -v 2 lists every change


class Command(BaseCommand):
    help = _("从 Excel 导入季度数据(季度模板或“数据”长表);有任何错误则什么也不写入。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("Excel 文件(.xlsx)"))
        parser.add_argument(
            "--user", help=_("操作人的用户名(须有填报权限);修改记录会记下此人。必填。")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只检查并列出将做的修改,不写入")
        )
        parser.add_argument("--plan", type=int, help=_("计划编号(默认:当前计划)"))
        parser.add_argument("--reason", default="", help=_("写入修改记录的说明"))
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args, file: Path, user, dry_run, plan, reason, no_progress, **options):
        self.verbosity = options["verbosity"]
        operator = self.operator(user)
        the_plan = self.plan(plan)
        if not file.is_file():
            raise CommandError(_("找不到文件:%(path)s") % {"path": file})
        try:
            data = read_capped(file, COMMAND_LIMITS.max_bytes)
        except UnsafeWorkbookError as error:
            raise CommandError("\n".join(error.messages)) from None
        progress = None if no_progress or self.verbosity == 0 else self.progress_bar
        preview = preview_import(the_plan, operator, data, limits=COMMAND_LIMITS, progress=progress)
        if not preview.ok:
            for problem in preview.problems:
                self.stderr.write(problem)
            summary = _("导入失败,未写入任何数据:共 %(count)d 个问题(见上)。")
            count = getattr(preview.problems, "total", len(preview.problems))
            raise CommandError(summary % {"count": count})
        self.describe(the_plan, preview)
        if dry_run:
            self.stdout.write(_("试运行:没有写入任何数据。"))
            return
        if not preview.changes:
            self.stdout.write(_("没有需要写入的修改。"))
            return
        if progress and len(preview.changes) >= PROGRESS_EVERY:
            self.stderr.write(_("正在写入 %(count)d 项修改……") % {"count": len(preview.changes)})
        note = f"{file.name}: {reason}" if reason else file.name
        try:
            result = record_figures(
                the_plan, operator, preview.changes_to_record, source=Source.COMMAND, reason=note
            )
        except FigureConflictError as error:
            message = _("有 %(count)d 个单元格在读取文件期间被他人修改,未写入任何数据;请重新运行。")
            raise CommandError(message % {"count": len(error.conflicts)}) from None
        except FigureError as error:
            raise CommandError("\n".join([_("未写入任何数据:"), *error.messages])) from None
        message = _("已导入:%(summary)s。") % {"summary": result.describe()}
        self.stdout.write(self.style.SUCCESS(message))
        if result.unapproved:
            self.stdout.write(self.style.WARNING(result.describe_unapproved()))

    def operator(self, username: str | None):
        if not username:
            raise CommandError(_("请用 --user 指定操作人(须有填报权限);修改记录会记下此人。"))
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("没有启用的用户“%(name)s”。") % {"name": username})
        if not user.has_perm(ENTER_FIGURES):
            raise CommandError(_("用户“%(name)s”没有填报数据的权限。") % {"name": username})
        return user

    def plan(self, plan_id: int | None) -> Plan:
        plan = Plan.objects.filter(pk=plan_id).first() if plan_id else Plan.objects.current()
        if plan is None:
            raise CommandError(_("找不到计划;请用 --plan 指定计划编号,或先导入计划。"))
        return plan

    def progress_bar(self, done: int, total: int) -> None:
        """A text bar on stderr, redrawn in place, for files big enough to wait
        for; stdout stays clean for the summary."""
        if total < PROGRESS_EVERY:
            return
        share = done / total if total else 1
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        line = _("读取 %(done)d/%(total)d 行") % {"done": done, "total": total}
        ending = "\n" if done >= total else ""
        self.stderr.write(f"\r[{bar}] {share:4.0%} {line}", ending=ending)
        self.stderr.flush()

    def describe(self, plan: Plan, preview: ImportPreview) -> None:
        parsed = preview.file
        shape = plan_shape(plan)
        indicators = {indicator.pk: indicator.name for indicator in shape.indicators}
        regions = {region.pk: region.name for region in shape.regions}
        summary = preview.summary
        periods = "、".join(period.label for period in summary.periods) or "—"
        if parsed.period:
            periods = parsed.period.label
        self.stdout.write(
            _("文件:%(layout)s;季度:%(periods)s;口径:%(mode)s")
            % {
                "layout": _("季度模板") if parsed.layout == "template" else _("长表"),
                "periods": periods,
                "mode": parsed.mode.label,
            }
        )
        self.stdout.write(_("将%(summary)s。") % {"summary": summary.describe(with_unchanged=True)})
        for warning in preview.warnings:
            self.stdout.write(self.style.WARNING(warning))
        shown = preview.changes if self.verbosity > 1 else preview.changes[:SHOWN_CHANGES]
        for planned in shown:
            change = planned.change
            old = "—" if planned.old is None else f"{planned.old.normalize():f}"
            new = _("(清除)") if change.value is None else f"{change.value.normalize():f}"
            what = " · ".join(
                [
                    regions.get(change.region_id, plan.county_name),
                    indicators[change.indicator_id],
                    Period(change.year, change.quarter).label,
                ]
            )
            where = parsed.loc(planned.row, planned.column)
            self.stdout.write(f"  {what}:{old} → {new}({where})")
        if len(preview.changes) > len(shown):
            more = _("  ……另有 %(count)d 项(加 -v 2 列出全部)")
            self.stdout.write(more % {"count": len(preview.changes) - len(shown)})
