"""``send_reminders``: who is reminded of what, when, never twice, by mail
when they have an address and in the app always.

The plan's quarters before 2026 Q3 are closed in these tests, so 2026 Q3
(due 2026-10-10 by default; reminders from 2026-10-07) is the one in play.
"""

from __future__ import annotations

import email
import socket
from datetime import date
from decimal import Decimal
from email.header import decode_header, make_header
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from regions.roles import Role
from reports.choices import NoticeKind, Source
from reports.figures import notices as notices_module
from reports.figures.changes import FigureChange
from reports.figures.quarters import close_quarter
from reports.figures.reminders import send_reminders
from reports.figures.services import record_figures
from reports.figures.submissions import approve, submit
from reports.models import Notice
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]

BEFORE_WINDOW = date(2026, 10, 6)
WINDOW_OPENS = date(2026, 10, 7)
DUE = date(2026, 10, 10)
AFTER_DUE = date(2026, 10, 11)


@pytest.fixture
def people(plan, groups, region_a, region_b):
    """Township officials of A (with an address), B (one with, one without) and
    staff with an address; all quarters before 2026 Q3 closed (nothing reported
    in them, so closed as the override with a reason that closing then needs)."""
    users = {
        "a": make_user("town_a", Role.TOWNSHIP, region_a, email="a@example.invalid"),
        "b": make_user("town_b", Role.TOWNSHIP, region_b, email="b@example.invalid"),
        "b_no_mail": make_user("town_b2", Role.TOWNSHIP, region_b),
        "staff": make_user("bureau", Role.COUNTY_STAFF, email="bureau@example.invalid"),
        "leader": make_user("boss", Role.LEADER, email="boss@example.invalid"),
    }
    for year, quarter in [(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2)]:
        close_quarter(plan, users["staff"], year, quarter, "测试:此前季度不再催报", override=True)
    mail.outbox.clear()
    return users


def hand_in(plan, user, region, *, approve_by=None):
    changes = [
        FigureChange(indicator.pk, region.pk, 2026, 3, Decimal(1))
        for indicator in plan.indicators.filter(by_region=True)
    ]
    record_figures(plan, user, changes, source=Source.FORM)
    submit(plan, user, region, 2026, 3)
    if approve_by is not None:
        approve(plan, approve_by, region, 2026, 3)
    Notice.objects.all().delete()  # the submit / approve notices are not under test
    mail.outbox.clear()


def notices_of(user, kind=None) -> list[Notice]:
    rows = Notice.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def mailed_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_before_the_window_nobody_is_reminded(plan, people):
    send_reminders(plan, BEFORE_WINDOW)
    assert not Notice.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("today", [WINDOW_OPENS, DUE])
def test_in_the_window_each_township_gets_a_reminder(plan, people, region_a, today):
    run = send_reminders(plan, today)

    (notice,) = notices_of(people["a"])
    assert notice.kind == NoticeKind.DUE_SOON
    assert notice.subject == "请于 2026-10-10 前上报2026年第3季度的数据"
    assert region_a.name in notice.body
    assert notice.link == "/entry/?period=2026Q3"
    (message,) = mailed_to("a@example.invalid")
    assert message.subject == notice.subject
    assert "/entry/?period=2026Q3" in message.body
    assert notices_of(people["b"], NoticeKind.DUE_SOON)
    # staff and leaders are not reminded before anything is overdue
    assert not notices_of(people["staff"]) and not notices_of(people["leader"])
    assert run.count(NoticeKind.DUE_SOON) == 3  # town_a, town_b, town_b2


def test_after_the_due_date_townships_are_told_and_staff_get_one_summary(
    plan, people, region_a, region_b
):
    send_reminders(plan, AFTER_DUE)

    (overdue,) = notices_of(people["a"])
    assert overdue.kind == NoticeKind.OVERDUE
    assert overdue.subject == "2026年第3季度的数据已逾期未上报"
    (summary,) = notices_of(people["staff"])
    assert summary.kind == NoticeKind.OVERDUE
    regions = plan.regions.count()
    assert summary.subject == f"2026年第3季度有 {regions} 个乡镇逾期未上报"
    assert f"{region_a.name}(未填报)" in summary.body
    assert region_b.name in summary.body
    assert summary.link == "/quarters/?period=2026Q3"
    assert mailed_to("bureau@example.invalid")[0].subject == summary.subject
    assert not notices_of(people["leader"])  # leaders do not review


def test_a_region_that_submitted_gets_nothing(plan, people, region_a, region_b):
    hand_in(plan, people["a"], region_a)

    send_reminders(plan, WINDOW_OPENS)
    send_reminders(plan, AFTER_DUE)

    assert notices_of(people["a"]) == []
    assert mailed_to("a@example.invalid") == []
    assert len(notices_of(people["b"])) == 2  # reminded, then overdue
    (summary,) = notices_of(people["staff"])
    assert region_a.name not in summary.body
    assert region_b.name in summary.body


def test_an_approved_region_gets_nothing(plan, people, region_a):
    hand_in(plan, people["a"], region_a, approve_by=people["staff"])
    send_reminders(plan, AFTER_DUE)
    assert notices_of(people["a"]) == []


def test_a_closed_quarter_gets_nothing(plan, people):
    close_quarter(plan, people["staff"], 2026, 3, reason="提前核定", override=True)
    send_reminders(plan, AFTER_DUE)
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_staffs_due_date_decides_the_window(plan, people):
    from reports.figures.deadlines import set_due_date

    set_due_date(plan, people["staff"], 2026, 3, date(2026, 10, 20))
    send_reminders(plan, AFTER_DUE)  # 2026-10-11: not even in the window yet
    assert not Notice.objects.exists()
    send_reminders(plan, date(2026, 10, 17))
    assert [n.kind for n in notices_of(people["a"])] == [NoticeKind.DUE_SOON]


def test_running_twice_sends_nothing_twice(plan, people):
    first = send_reminders(plan, DUE)
    notices, mails = Notice.objects.count(), len(mail.outbox)
    second = send_reminders(plan, DUE)
    assert second.sent == [] and second.mailed == 0
    assert (Notice.objects.count(), len(mail.outbox)) == (notices, mails)
    assert first.mailed == mails == 2  # town_a and town_b; town_b2 has no address

    send_reminders(plan, AFTER_DUE)
    after = (Notice.objects.count(), len(mail.outbox))
    send_reminders(plan, AFTER_DUE)
    send_reminders(plan, date(2026, 11, 1))
    assert (Notice.objects.count(), len(mail.outbox)) == after


def test_a_user_without_an_address_gets_the_notice_in_the_app_only(plan, people):
    send_reminders(plan, AFTER_DUE)
    assert [n.kind for n in notices_of(people["b_no_mail"])] == [NoticeKind.OVERDUE]
    assert notices_of(people["b_no_mail"])[0].emailed_at is None
    assert all(message.to != [""] for message in mail.outbox)
    assert {address for message in mail.outbox for address in message.to} == {
        "a@example.invalid", "b@example.invalid", "bureau@example.invalid",
    }  # fmt: skip


def test_a_failed_mail_is_retried_by_the_next_run(plan, people, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notices_module, "send_mail", refuse)
    send_reminders(plan, DUE)
    assert mail.outbox == []
    assert notices_of(people["a"])[0].emailed_at is None

    monkeypatch.undo()
    run = send_reminders(plan, DUE)
    assert run.sent == []  # no new notice
    assert run.mailed == 2
    assert notices_of(people["a"])[0].emailed_at is not None


def test_a_dry_run_sends_and_records_nothing(plan, people):
    run = send_reminders(plan, AFTER_DUE, dry_run=True)
    assert not Notice.objects.exists()
    assert mail.outbox == []
    assert ("overdue", f"overdue_summary:{plan.pk}:2026Q3", "bureau") in run.sent


def test_the_command(plan, people):
    out = StringIO()
    call_command("send_reminders", "--today", "2026-10-11", "--dry-run", stdout=out)
    assert "town_a" in out.getvalue()
    assert not Notice.objects.exists()

    out = StringIO()
    call_command("send_reminders", "--today", "2026-10-11", stdout=out)
    # town_a, town_b, town_b2, and the summary to the one reviewer (bureau)
    assert "逾期通知 4 条" in out.getvalue(), out.getvalue()
    assert "发出邮件 3 封" in out.getvalue()
    assert Notice.objects.filter(kind=NoticeKind.OVERDUE).count() == 4

    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "11/10/2026")


# --- Through a real SMTP server ---------------------------------------------------


def decoded(header) -> str:
    """A header as a mail client shows it: RFC 2047 words decoded (Django folds
    a long encoded subject onto a continuation line; the fold is no part of it)."""
    return str(make_header(decode_header(header)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):
            self.received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_reminders_reach_a_real_smtp_server_with_the_chinese_subject_intact(
    plan, people, settings, smtp_server
):
    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "平阳县科技局 <dashboard@example.invalid>"
    settings.SITE_URL = "https://dashboard.example.invalid"

    run = send_reminders(plan, AFTER_DUE)

    assert run.mailed == 3
    by_recipient = {
        tuple(rcpt): email.message_from_bytes(content) for rcpt, content in handler.received
    }
    message = by_recipient[("a@example.invalid",)]
    assert decoded(message["subject"]) == "2026年第3季度的数据已逾期未上报"
    assert decoded(message["from"]) == "平阳县科技局 <dashboard@example.invalid>"
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "https://dashboard.example.invalid/entry/?period=2026Q3" in body
    summary = by_recipient[("bureau@example.invalid",)]
    assert decoded(summary["subject"]) == f"2026年第3季度有 {plan.regions.count()} 个乡镇逾期未上报"
    assert Notice.objects.filter(emailed_at__isnull=True).exclude(user__email="").count() == 0


def test_smtp_is_configured_from_the_environment():
    from tests.settings_env import settings_under

    s = settings_under(
        EMAIL_HOST="smtp.example.invalid",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="dashboard",
        EMAIL_HOST_PASSWORD="secret-from-env",
        EMAIL_USE_TLS="1",
        DEFAULT_FROM_EMAIL="dashboard@example.invalid",
        SITE_URL="https://dashboard.example.invalid/",
    )
    configured = [
        s[name]
        for name in (
            "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL", "SITE_URL",
        )
    ]  # fmt: skip
    assert configured == [
        "django.core.mail.backends.smtp.EmailBackend", "smtp.example.invalid", 587,
        "dashboard", "secret-from-env", True, "dashboard@example.invalid",
        "https://dashboard.example.invalid",
    ]  # fmt: skip
    without_host = settings_under(EMAIL_PORT="587", EMAIL_HOST_USER="dashboard")
    assert without_host["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
