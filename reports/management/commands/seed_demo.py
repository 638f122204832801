from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.demo import DEMO_PASSWORD, seed_demo
from targets.models import Plan


class Command(BaseCommand):
    help = "创建演示账号(每种角色一个、每个区域一个)和虚构的季度数据。"

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
        accounts = seed_demo(plan, quarters=quarters)
        self.stdout.write(self.style.WARNING(_("演示数据已载入(页面顶部会显示“演示数据”提示)。")))
        self.stdout.write(_("演示账号(密码均为 %(password)s):") % {"password": DEMO_PASSWORD})
        for account in accounts:
            where = f" · {account.region}" if account.region else ""
            self.stdout.write(f"  {account.username:<16} {account.role}{where}")
