"""Create one township-official account per region that has none.

    python manage.py create_township_accounts [--plan ID] [--output FILE.csv] [--prefix town-]
                                              [--emails EMAILS.csv]

Initial passwords are random (``secrets``) and shown once: printed, or written
to a CSV file (UTF-8 with BOM, so Excel shows the Chinese correctly) readable
only by its owner. Running it again creates nothing for regions that already
have an account, and says so. ``--emails`` reads each region's e-mail address
(for notices) from a CSV file: a header row, then region (code or name) and
address per row.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from regions.services import AccountOutcome, TownshipAccount, create_township_accounts
from targets.models import Plan

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text, never evaluates (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class Command(BaseCommand):
    help = _("为计划中尚无账号的每个区域创建一个乡镇干部账号,并生成随机初始密码。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", type=int, help=_("计划编号(默认:当前计划)"))
        parser.add_argument(
            "--output",
            type=Path,
            help=_("把账号和初始密码写入此 CSV 文件(不在屏幕上显示密码);文件不得已存在"),
        )
        parser.add_argument("--prefix", default="town-", help=_("用户名前缀(默认:town-)"))
        parser.add_argument(
            "--emails",
            type=Path,
            help=_("CSV 文件:首行为表头,此后每行为区域(代码或名称)和电子邮件地址,用于新建账号"),
        )

    def handle(
        self,
        *args,
        plan: int | None,
        output: Path | None,
        prefix: str,
        emails: Path | None,
        **options,
    ):
        the_plan = self.resolve_plan(plan)
        if output is not None and output.exists():
            # Refuse before creating anything: the passwords would be lost.
            raise CommandError(_("文件 %(path)s 已存在,请换一个文件名。") % {"path": output})
        addresses = read_emails_csv(emails, the_plan) if emails is not None else None

        accounts = create_township_accounts(the_plan, prefix=prefix, emails=addresses)
        created = [account for account in accounts if account.outcome == AccountOutcome.CREATED]
        for account in accounts:
            self.report_skipped(account)

        if not created:
            self.stdout.write(_("没有需要创建的账号:每个区域都已有账号。"))
            return
        if output is not None:
            write_accounts_csv(output, created)
            self.stdout.write(
                self.style.SUCCESS(
                    _("已创建 %(count)d 个%(region)s账号,初始密码已写入 %(path)s。")
                    % {"count": len(created), "region": the_plan.region_term, "path": output}
                )
            )
        else:
            message = _("已创建 %(count)d 个%(region)s账号:") % {
                "count": len(created),
                "region": the_plan.region_term,
            }
            self.stdout.write(self.style.SUCCESS(message))
            for account in created:
                self.stdout.write(f"{account.region.name}\t{account.username}\t{account.password}")
        self.stdout.write(_("请把初始密码当面或经安全渠道交给本人,并请其登录后立即修改密码。"))

    def resolve_plan(self, plan_id: int | None) -> Plan:
        if plan_id is None:
            plan = Plan.objects.current()
            if plan is None:
                raise CommandError(_("系统中还没有任何计划。"))
            return plan
        try:
            return Plan.objects.get(pk=plan_id)
        except Plan.DoesNotExist:
            raise CommandError(_("没有编号为 %(id)s 的计划。") % {"id": plan_id}) from None

    def report_skipped(self, account: TownshipAccount) -> None:
        if account.outcome == AccountOutcome.ALREADY_HAS_ACCOUNT:
            self.stdout.write(
                _("跳过 %(region)s:已有账号 %(username)s。")
                % {"region": account.region.name, "username": account.username}
            )
        elif account.outcome == AccountOutcome.USERNAME_TAKEN:
            self.stderr.write(
                self.style.WARNING(
                    _("跳过 %(region)s:用户名 %(username)s 已被其他账号使用,请在管理后台手动绑定。")
                    % {"region": account.region.name, "username": account.username}
                )
            )


def write_accounts_csv(path: Path, accounts: list[TownshipAccount]) -> None:
    """The new accounts and their initial passwords, for Excel (UTF-8 with BOM),
    in a file only its owner may read (0600): it holds passwords."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(descriptor, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([_("区域"), _("用户名"), _("初始密码")])
        for account in accounts:
            writer.writerow(
                [
                    spreadsheet_safe(account.region.name),
                    spreadsheet_safe(account.username),
                    account.password,
                ]
            )


def read_emails_csv(path: Path, plan: Plan) -> dict[int, str]:
    """Region id → e-mail address from a CSV file (UTF-8, with or without BOM):
    a header row, then region code or name and address. Every problem is
    reported at once, before any account is created."""
    regions = {}
    for region in plan.regions.all():
        regions[region.code] = region
        regions[region.name] = region
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))[1:]
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            _("无法读取 %(path)s:%(error)s") % {"path": path, "error": error}
        ) from None
    addresses: dict[int, str] = {}
    problems = []
    for number, row in enumerate(rows, start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 2:
            problems.append(_("第 %(row)d 行:应为“区域,邮箱”两列。") % {"row": number})
            continue
        name, address = cells[0], cells[1]
        region = regions.get(name)
        if region is None:
            problems.append(
                _("第 %(row)d 行:计划中没有区域“%(region)s”。") % {"row": number, "region": name}
            )
            continue
        try:
            validate_email(address)
        except ValidationError:
            problems.append(
                _("第 %(row)d 行:“%(email)s”不是有效的电子邮件地址。")
                % {"row": number, "email": address}
            )
            continue
        if region.pk in addresses:
            problems.append(
                _("第 %(row)d 行:区域“%(region)s”重复出现。")
                % {"row": number, "region": region.name}
            )
            continue
        addresses[region.pk] = address
    if problems:
        raise CommandError("\n".join([_("未创建任何账号:"), *problems]))
    return addresses
