from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    """The set-up of ``scripts/run`` in one process (each ``manage.py`` start
    costs about half a second): every step leaves alone what is already
    there, so running it again keeps the plan, edited targets, entered
    figures, closed quarters and accounts."""

    help = _(
        "scripts/run 的准备步骤,在一个进程中依次执行:migrate、createcachetable、"
        "ensure_plan、check_plan(有不一致时只提示)、seed_demo。可反复运行,"
        "已有的计划、目标、数据和账号都不会被改动。"
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--fixture", help=_("fixtures/ 中的计划夹具名称"))
        source.add_argument("--workbook", type=Path, help=_("计划工作簿(.xlsx)"))

    def handle(self, *args, fixture: str | None, workbook: Path | None, **options):
        call_command("migrate", verbosity=0, interactive=False, stdout=self.stdout)
        # Only does something when CACHE_URL=db:// (the database cache needs its table).
        call_command("createcachetable", stdout=self.stdout)
        source = {"workbook": workbook} if workbook is not None else {"fixture": fixture}
        call_command("ensure_plan", **source, stdout=self.stdout)
        try:
            call_command("check_plan", stdout=self.stdout)
        except CommandError as exc:
            self.stdout.write(self.style.WARNING(str(exc)))
            self.stdout.write(_("(计划一致性检查发现差异;仪表板仍可运行)"))
        call_command("seed_demo", stdout=self.stdout)
