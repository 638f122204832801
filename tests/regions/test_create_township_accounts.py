"""manage.py create_township_accounts: one account per region, idempotent."""

from __future__ import annotations

import csv
import stat
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from regions.models import Membership, Region
from regions.roles import GROUP_NAMES, Role
from regions.services import generate_initial_password

User = get_user_model()


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_township_accounts", *args, stdout=out, stderr=out)
    return out.getvalue()


def can_log_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")  # axes needs a request
    return authenticate(request, username=username, password=password) is not None


def test_creates_one_bound_township_account_per_region(plan, groups):
    output = run()
    assert Membership.objects.count() == 9
    for region in plan.regions.all():
        user = User.objects.get(username=f"town-{region.code}")
        assert user.membership.region == region
        assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAMES[Role.TOWNSHIP]]
        assert not user.is_staff
        assert region.name in output
    assert "已创建 9 个乡镇账号" in output


def test_printed_passwords_log_in_and_pass_the_validators(plan):
    output = run()
    line = next(line for line in output.splitlines() if line.startswith("昆阳\t"))
    _, username, password = line.split("\t")
    assert username == "town-kunyang"
    assert can_log_in(username, password)
    validate_password(password, User.objects.get(username=username))


def test_passwords_differ_and_are_long():
    passwords = {generate_initial_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(password) >= 16 for password in passwords)


def test_running_twice_creates_nothing_and_says_so(plan):
    run()
    output = run()
    assert Membership.objects.count() == 9
    assert "跳过 昆阳:已有账号 town-kunyang" in output
    assert "没有需要创建的账号" in output


def test_region_with_an_official_is_skipped(official, plan):
    output = run()
    assert "跳过 昆阳:已有账号 official_a" in output
    assert not User.objects.filter(username="town-kunyang").exists()
    assert Membership.objects.count() == 9


def test_existing_username_is_not_hijacked(plan, groups):
    stranger = User.objects.create_user("town-kunyang", password="x")
    output = run()
    assert "town-kunyang 已被其他账号使用" in output
    assert not Membership.objects.filter(user=stranger).exists()
    assert not Membership.objects.filter(region__code="kunyang").exists()


def test_prefix_names_the_accounts(plan):
    run("--prefix", "pingyang-")
    assert User.objects.filter(username="pingyang-aojiang").exists()


def test_writes_passwords_to_a_csv_excel_reads_in_chinese(plan, tmp_path):
    path = tmp_path / "accounts.csv"
    output = run("--output", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel detects the encoding
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["区域", "用户名", "初始密码"]
    assert [row[0] for row in rows[1:]] == list(plan.regions.values_list("name", flat=True))
    _region, username, password = rows[1]
    assert can_log_in(username, password)
    assert password not in output  # the screen shows the path, not the passwords
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_refuses_to_overwrite_a_file_and_creates_nothing(plan, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("earlier passwords")
    with pytest.raises(CommandError, match="已存在"):
        run("--output", str(path))
    assert not Membership.objects.exists()
    assert path.read_text() == "earlier passwords"


def test_csv_neutralises_a_formula_looking_region_name(plan, tmp_path):
    Region.objects.filter(code="kunyang").update(name="=HYPERLINK(1)")
    path = tmp_path / "accounts.csv"
    run("--output", str(path))
    assert "'=HYPERLINK(1)" in path.read_text(encoding="utf-8-sig")


def test_plan_option_picks_the_plan_and_rejects_an_unknown_one(plan):
    run("--plan", str(plan.pk))
    assert Membership.objects.count() == 9
    with pytest.raises(CommandError, match="没有编号为 999 的计划"):
        run("--plan", "999")


def test_without_a_plan_it_says_so(db):
    with pytest.raises(CommandError, match="还没有任何计划"):
        run()


def write_emails(path, rows) -> str:
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows([["区域", "邮箱"], *rows])
    return str(path)


def test_emails_from_a_csv_go_to_the_new_accounts(plan, tmp_path):
    emails = write_emails(
        tmp_path / "emails.csv", [["kunyang", "ky@example.invalid"], ["鳌江", "aj@example.invalid"]]
    )
    run("--emails", emails)
    assert User.objects.get(username="town-kunyang").email == "ky@example.invalid"
    assert User.objects.get(username="town-aojiang").email == "aj@example.invalid"
    assert User.objects.get(username="town-shuitou").email == ""  # not listed: none


def test_emails_are_given_to_new_accounts_only(official, plan, tmp_path):
    emails = write_emails(tmp_path / "emails.csv", [["昆阳", "ky@example.invalid"]])
    run("--emails", emails)
    official.refresh_from_db()
    assert official.email == ""


@pytest.mark.parametrize(
    "row, problem",
    [
        (["nowhere", "x@example.invalid"], "没有区域“nowhere”"),
        (["kunyang", "not-an-address"], "不是有效的电子邮件地址"),
        (["kunyang"], "两列"),
    ],
)
def test_a_bad_emails_file_creates_nothing(plan, tmp_path, row, problem):
    emails = write_emails(tmp_path / "emails.csv", [["鳌江", "aj@example.invalid"], row])
    with pytest.raises(CommandError, match=problem):
        run("--emails", emails)
    assert not Membership.objects.exists()
