from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.demo.seed import DEMO_PASSWORD, seed_demo
from targets.models import Plan


class Command(BaseCommand):
    help = (
        "创建缺少的演示账号(每种角色一个、每个区域一个),并在计划尚无任何季度数据时写入虚构的"
        "季度数据。可反复运行:已有账号、已有数据和已关闭的季度都不会被改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--quarters", type=int, default=7, help="从计划首季度起的季度数")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="DEBUG 关闭时也执行(会创建已知密码的账号,慎用)",
        )

    def handle(self, *args, quarters, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(_("DEBUG 已关闭:演示账号使用公开密码,生产环境不应创建。"))
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError(_("尚未载入计划:请先 loaddata 或 import_plan。"))
        result = seed_demo(plan, quarters=quarters)
        if result.figures_written:
            self.stdout.write(
                self.style.WARNING(
                    _("已写入 %(count)d 条演示数据(页面顶部会显示“演示数据”提示)。")
                    % {"count": result.figures_written}
                )
            )
            if result.ledger.incubators:
                self.stdout.write(
                    _(
                        "已写入演示台账:%(incubators)d 个孵化载体、%(enterprises)d 家在孵企业、"
                        "%(quarters)d 条季度运营数据。"
                    )
                    % vars(result.ledger)
                )
            if result.latest_states:
                states = "、".join(f"{name} {state}" for name, state in result.latest_states)
                self.stdout.write(_("最新演示季度的填报状态:%(states)s") % {"states": states})
        else:
            self.stdout.write(result.figures_skipped_because or _("没有写入演示数据。"))
        for year, quarter in result.closed_quarters_skipped:
            self.stdout.write(
                _("%(year)d年第%(quarter)d季度已关闭,未写入演示数据。")
                % {"year": year, "quarter": quarter}
            )
        self.stdout.write(
            _("演示账号(新建账号的密码均为 %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for account in result.accounts:
            place = account.region or account.department
            where = f" · {place}" if place else ""
            if account.rebound:
                kept = _("(已存在,已改绑到本计划,密码未改动)")
            else:
                kept = "" if account.created else _("(已存在,未改动)")
            self.stdout.write(f"  {account.username:<16} {account.role}{where}{kept}")
