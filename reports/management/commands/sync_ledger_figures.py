"""``python manage.py sync_ledger_figures --user NAME``

Brings the figures of the indicators the plan derives from its ledger
(``LedgerSource.derived``) in line with the ledger, through the same write as
every figure (``reports.figures.ledger_figures.sync_derived_figures``):
after a ledger import done outside the pages, or after declaring an
indicator derived. ``--user`` is required and needs the right to enter
figures: the history records who did it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regions.roles import ENTER_FIGURES
from reports.figures.changes import FigureError
from reports.figures.ledger_figures import sync_derived_figures
from targets.models import Plan


class Command(BaseCommand):
    help = _("按台账重新计算“由台账生成”的指标的季度数据,并写入有变化的单元格。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", help=_("操作人的用户名(须有填报权限);修改记录会记下此人。必填。")
        )
        parser.add_argument("--plan", type=int, help=_("计划编号(默认:当前计划)"))

    def handle(self, *args, user, plan, **options):
        if not user:
            raise CommandError(_("请用 --user 指定操作人(须有填报权限);修改记录会记下此人。"))
        operator = get_user_model().objects.filter(username=user, is_active=True).first()
        if operator is None:
            raise CommandError(_("没有启用的用户“%(name)s”。") % {"name": user})
        if not operator.has_perm(ENTER_FIGURES):
            raise CommandError(_("用户“%(name)s”没有填报数据的权限。") % {"name": user})
        the_plan = Plan.objects.filter(pk=plan).first() if plan else Plan.objects.current()
        if the_plan is None:
            raise CommandError(_("找不到计划;请用 --plan 指定计划编号,或先导入计划。"))
        try:
            summary = sync_derived_figures(the_plan, operator)
        except FigureError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            _("由台账生成的季度数据:%(count)d 个单元格有变化。") % {"count": len(summary.changes)}
        )
